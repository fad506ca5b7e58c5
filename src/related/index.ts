/** Possibly related issues: normalised analysis signatures, matching with reasons, rendering. */
export {
  type FindRelatedOptions,
  findRelatedIssues,
  type IssueCandidate,
  type RelatedIssue,
  type RelatedLookup,
  relatedSearchQuery,
} from "./find.js";
export { type GitHubLookupOptions, githubRelatedLookup } from "./github.js";
export { describeElements, type MatchScore, MIN_SCORE, matchReason, scoreMatch } from "./match.js";
export { RELATED_SECTION_TITLE, renderRelatedMarkdown } from "./render.js";
export {
  type AnalysisSignature,
  analysisSignature,
  elementToken,
  lineHash,
  nodeNames,
  normaliseLine,
  parseStoredSignature,
  SIGNATURE_LIMITS,
  type StoredSignature,
  signatureTokens,
  storedSignature,
} from "./signature.js";
