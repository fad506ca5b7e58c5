/** The related-issues lookup over the bot's GitHub API: the search API plus the bot's own comments. */
import type { GitHubApi } from "../github/github-api.js";
import { decodeState } from "../github/state.js";
import { findStickies } from "../github/sticky.js";
import type { IssueCandidate, RelatedLookup } from "./find.js";

export interface GitHubLookupOptions {
  owner: string;
  repo: string;
  /** First line of the bot's comment. */
  marker: string;
  /** The bot's login (or ANY_BOT_LOGIN). */
  botLogin: string;
  /** Search results read (one page). */
  perPage?: number;
}

/** null when the API has no search (an older stand-in or adapter): related issues are then skipped. */
export function githubRelatedLookup(api: GitHubApi, options: GitHubLookupOptions): RelatedLookup | null {
  const search = api.searchIssues?.bind(api);
  if (!search) return null;
  return {
    async search(query): Promise<IssueCandidate[]> {
      const items = await search(query, options.perPage ?? 30);
      return items
        .filter((item) => !item.isPullRequest)
        .map((item) => ({ number: item.number, title: item.title, state: item.state, url: item.url }));
    },
    async storedSignature(issueNumber) {
      const comments = await api.listComments(options.owner, options.repo, issueNumber);
      const sticky = findStickies(comments, options.marker, options.botLogin)[0];
      return decodeState(sticky?.body)?.signature ?? null;
    },
  };
}
