/** Report diff: what changed between two rounds of reports of one cluster. */
export { diffResults } from "./diff.js";
export {
  DIFF_SECTION_TITLE,
  type DiffRenderOptions,
  renderDiffDocument,
  renderDiffJson,
  renderDiffMarkdown,
} from "./render.js";
export { type RoundInput, type RoundSplit, splitRounds } from "./rounds.js";
export type * from "./types.js";
