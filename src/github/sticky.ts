/**
 * The ONE bot comment per issue: found by its marker first line and the bot's login, edited in
 * place. Parallel workers may each create one; after creating, we re-list and keep the oldest.
 */
import type { GitHubApi, IssueComment } from "./github-api.js";

export interface IssueRef {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** Used when the app's own login is unknown (GET /app failed): any GitHub App bot then matches. */
export const ANY_BOT_LOGIN = "";

export function isStickyComment(comment: IssueComment, marker: string, botLogin: string): boolean {
  if (!comment.user) return false;
  const login = comment.user.login.toLowerCase();
  const byUs =
    botLogin === ANY_BOT_LOGIN
      ? comment.user.type === "Bot" && login.endsWith("[bot]")
      : login === botLogin.toLowerCase();
  return byUs && firstLine(comment.body) === marker;
}

function firstLine(body: string): string {
  const newline = body.indexOf("\n");
  return (newline < 0 ? body : body.slice(0, newline)).replace(/\r$/, "").trim();
}

/** All sticky comments, oldest (lowest id) first. */
export function findStickies(
  comments: readonly IssueComment[],
  marker: string,
  botLogin: string,
): IssueComment[] {
  return comments.filter((comment) => isStickyComment(comment, marker, botLogin)).sort((a, b) => a.id - b.id);
}

export interface UpsertOptions {
  marker: string;
  botLogin: string;
  /** The sticky comment as last seen, if any. */
  existing: IssueComment | null;
}

/**
 * Create or update the sticky comment. Returns the comment that now holds `body`.
 * After creating, duplicates left by a parallel worker are folded into the oldest one.
 */
export async function upsertSticky(
  api: GitHubApi,
  ref: IssueRef,
  body: string,
  options: UpsertOptions,
): Promise<IssueComment> {
  const { owner, repo, issueNumber } = ref;
  if (options.existing) {
    if (options.existing.body === body) return options.existing;
    const updated = await api.updateComment(owner, repo, options.existing.id, body);
    if (updated) return { ...options.existing, body };
    // deleted meanwhile (by a human or a parallel worker's clean-up): look again, then create
    const again = findStickies(
      await api.listComments(owner, repo, issueNumber),
      options.marker,
      options.botLogin,
    );
    if (again[0]) return upsertSticky(api, ref, body, { ...options, existing: again[0] });
  }
  const created = await api.createComment(owner, repo, issueNumber, body);
  return foldDuplicates(api, ref, body, created, options);
}

async function foldDuplicates(
  api: GitHubApi,
  ref: IssueRef,
  body: string,
  created: IssueComment,
  options: UpsertOptions,
): Promise<IssueComment> {
  const { owner, repo, issueNumber } = ref;
  const stickies = findStickies(
    await api.listComments(owner, repo, issueNumber),
    options.marker,
    options.botLogin,
  );
  const keep = stickies[0];
  if (!keep || stickies.length === 1) return keep ?? created;
  if (keep.id !== created.id && keep.body !== body) {
    const updated = await api.updateComment(owner, repo, keep.id, body);
    if (!updated) return created;
  }
  for (const duplicate of stickies.slice(1)) await api.deleteComment(owner, repo, duplicate.id);
  return { ...keep, body };
}
