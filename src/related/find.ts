/**
 * Finding earlier issues of the same repository whose analysis has a matching signature, using
 * only what GitHub stores: the search API finds the bot's comments by their signature tokens,
 * and each candidate's stored signature (hidden state of the bot's comment) is scored. Read-only:
 * nothing is ever closed, labelled or marked duplicate.
 */
import { type MatchScore, scoreMatch } from "./match.js";
import {
  type AnalysisSignature,
  elementToken,
  type StoredSignature,
  searchElements,
  TOKEN_PREFIX,
} from "./signature.js";

export interface IssueCandidate {
  number: number;
  title: string;
  state: string;
  url: string | null;
}

/** The two reads the lookup needs; the GitHub adapter is in ./github.ts. */
export interface RelatedLookup {
  search(query: string): Promise<IssueCandidate[]>;
  /** The stored signature of the bot's comment on an issue; null when there is none. */
  storedSignature(issueNumber: number): Promise<StoredSignature | null>;
}

export interface RelatedIssue extends IssueCandidate {
  score: number;
  exact: boolean;
  reason: string;
}

export interface FindRelatedOptions {
  owner: string;
  repo: string;
  /** This issue: never listed; only lower (earlier) numbers are. */
  issueNumber: number;
  /** At most this many issues are listed (default 3). */
  limit?: number;
  /** At most this many candidates are read (default 8). */
  maxCandidates?: number;
}

/** GitHub allows five AND/OR/NOT operators per query: the ids token and four element tokens. */
const MAX_SEARCH_ELEMENTS = 4;

/** The search query: the ids token or any of the weightiest element tokens, in comments of this repository's issues. */
export function relatedSearchQuery(owner: string, repo: string, signature: AnalysisSignature): string {
  const terms = [
    `${TOKEN_PREFIX.ids}${signature.idsKey}`,
    ...searchElements(signature, MAX_SEARCH_ELEMENTS).map(elementToken),
  ];
  return `repo:${owner}/${repo} is:issue in:comments ${terms.join(" OR ")}`;
}

export async function findRelatedIssues(
  signature: AnalysisSignature,
  lookup: RelatedLookup,
  options: FindRelatedOptions,
): Promise<RelatedIssue[]> {
  // nothing fired: every healthy cluster would "match"
  if (signature.ids.length === 0) return [];
  const limit = options.limit ?? 3;
  const found = await lookup.search(relatedSearchQuery(options.owner, options.repo, signature));
  const seen = new Set<number>();
  const candidates = found
    .filter((candidate) => {
      if (candidate.number >= options.issueNumber || seen.has(candidate.number)) return false;
      seen.add(candidate.number);
      return true;
    })
    .slice(0, options.maxCandidates ?? 8);

  const scored: RelatedIssue[] = [];
  for (const candidate of candidates) {
    let stored: StoredSignature | null;
    try {
      stored = await lookup.storedSignature(candidate.number);
    } catch {
      continue; // one unreadable candidate does not spoil the others
    }
    if (!stored) continue;
    const match: MatchScore | null = scoreMatch(signature, stored);
    if (!match) continue;
    scored.push({ ...candidate, score: match.score, exact: match.exact, reason: match.reason });
  }
  return scored.sort((a, b) => b.score - a.score || b.number - a.number).slice(0, limit);
}
