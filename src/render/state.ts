/**
 * Machine-readable state hidden in the bot's comment (e.g. hashes of analysed attachments), so a
 * re-run can skip work. Stored as base64url JSON inside an HTML comment: JSON could contain `--`
 * or `-->`, which would end the comment early and show the rest.
 */

export const STATE_MARKER = "report-triage-state:";

export function renderStateComment(state: unknown): string {
  const json = JSON.stringify(state ?? null);
  return `<!-- ${STATE_MARKER} ${Buffer.from(json, "utf8").toString("base64url")} -->`;
}

/** The state embedded in a comment body by renderStateComment; undefined when absent or unreadable. */
export function parseStateComment(body: string): unknown {
  const match = new RegExp(`<!-- ${STATE_MARKER} ([A-Za-z0-9_-]*) -->`).exec(body);
  if (!match) return undefined;
  try {
    return JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
