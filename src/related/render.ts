/** The "Possibly related issues" section of the bot's comment. */
import { inlineText } from "../render/md-text.js";
import type { RelatedIssue } from "./find.js";

export const RELATED_SECTION_TITLE = "Possibly related issues";

/**
 * One line per earlier issue with the reason it matched; "none" otherwise (null: the search
 * failed). The signature tokens
 * are shown (small) so that later issues' searches find this comment, and humans can search too.
 */
export function renderRelatedMarkdown(
  matches: readonly RelatedIssue[] | null,
  tokens: readonly string[],
): string {
  const lines: string[] = [];
  if (matches === null) {
    lines.push("_Earlier issues could not be searched this time; `/triage rerun` tries again._");
  } else if (matches.length === 0) {
    lines.push("No earlier issue in this repository has a matching analysis signature.");
  } else {
    lines.push(
      matches
        .map((match) => {
          const state = match.state === "closed" ? " (closed)" : "";
          return `- #${match.number}${state} ${inlineText(match.title, 100)} — ${inlineText(match.reason, 300)}`;
        })
        .join("\n"),
    );
  }
  const signature = tokens.filter((token) => /^[a-z0-9]+$/.test(token)).join(" ");
  lines.push(
    `<sub>Matched on finding ids and normalised log lines; never closed or labelled automatically.${
      signature ? ` Signature: ${signature}` : ""
    }</sub>`,
  );
  return lines.join("\n\n");
}
