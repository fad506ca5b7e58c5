/**
 * Scoring an earlier issue's stored signature against this analysis, with the reason in words
 * ("same: dqlite.query-deadline sustained + EXT4 errors; 2 identical log lines"). Pure.
 */
import { type AnalysisSignature, lineHash, type StoredSignature, SUSTAINED_SUFFIX } from "./signature.js";

export interface MatchScore {
  score: number;
  /** Same key: same elements and the same normalised lines. */
  exact: boolean;
  /** Shared elements, weightiest first. */
  shared: string[];
  sharedLines: number;
  reason: string;
}

/** Below this, a shared low finding or two is coincidence, not a lead worth a maintainer's time. */
export const MIN_SCORE = 3;
const MAX_LINE_POINTS = 5;

export function scoreMatch(ours: AnalysisSignature, theirs: StoredSignature): MatchScore | null {
  const theirIds = new Set(theirs.ids);
  const shared = ours.ids
    .filter((id) => theirIds.has(id))
    .sort((a, b) => (ours.weights[b] ?? 0) - (ours.weights[a] ?? 0) || a.localeCompare(b));
  const idPoints = shared.reduce((sum, id) => sum + (ours.weights[id] ?? 0), 0);
  const theirLines = new Set(theirs.lines);
  const sharedLines = ours.lines.filter((line) => theirLines.has(lineHash(line))).length;
  const exact = ours.key === theirs.key;
  if (idPoints < MIN_SCORE && !exact) return null;
  // overlap relative to both sides: an issue where everything fired matches everything a little
  const union = new Set([...ours.ids, ...theirs.ids]).size;
  const overlap = union === 0 ? 0 : shared.length / union;
  const score = idPoints + Math.min(sharedLines, MAX_LINE_POINTS) + 3 * overlap + (exact ? 5 : 0);
  return { score, exact, shared, sharedLines, reason: matchReason(shared, sharedLines, exact) };
}

/** "same: a sustained + b + EXT4 errors (+2 more); 3 identical log lines" */
export function matchReason(shared: readonly string[], sharedLines: number, exact: boolean): string {
  const labels = describeElements(shared);
  const shown = labels.slice(0, 3).join(" + ");
  const more = labels.length > 3 ? ` (+${labels.length - 3} more)` : "";
  const head = exact ? `identical signature: ${shown}${more}` : `same: ${shown}${more}`;
  if (sharedLines === 0) return head;
  return `${head}; ${sharedLines} identical log line${sharedLines === 1 ? "" : "s"}`;
}

const DISK_LABELS: Record<string, string> = {
  "disk.io-error": "disk I/O errors",
  "disk.fs-error": "filesystem errors",
  "disk.disk-full": "disk full",
  "disk.smart": "SMART warnings",
  "disk.other": "disk errors",
};
/** Kernel findings a disk element already says in plainer words. */
const SAID_BY_DISK: Record<string, RegExp> = {
  "kernel.io-error": /^disk\.(io-error|smart)$/,
  "kernel.ext4-error": /^disk\.fs-error/,
};

/** Human labels, in the given order: `x` + `x:sustained` → "x sustained", disk kinds in words. */
export function describeElements(elements: readonly string[]): string[] {
  const set = new Set(elements);
  const labels: string[] = [];
  for (const element of elements) {
    if (element.endsWith(SUSTAINED_SUFFIX)) {
      const base = element.slice(0, -SUSTAINED_SUFFIX.length);
      if (!set.has(base)) labels.push(`${base} sustained`);
      continue;
    }
    const said = SAID_BY_DISK[element];
    if (said && elements.some((other) => said.test(other))) continue;
    labels.push(label(element, set.has(`${element}${SUSTAINED_SUFFIX}`)));
  }
  return labels;
}

function label(element: string, sustained: boolean): string {
  if (element.startsWith("disk.fs-error."))
    return `${element.slice("disk.fs-error.".length).toUpperCase()} errors`;
  if (DISK_LABELS[element]) return DISK_LABELS[element];
  if (element === "quorum.lost") return "quorum lost";
  if (element === "quorum.degraded") return "quorum degraded";
  if (/^departed\.(voter|stand-by|spare|none)$/.test(element)) return `departed ${element.slice(9)}`;
  return sustained ? `${element} sustained` : element;
}
