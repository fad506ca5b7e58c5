/** Per-node bursts of serious errors, from the scanner's per-minute counts. */
import type { Finding, Severity, TimelineBurst } from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { ruleInfo } from "./catalogue-info.js";
import { countedHits, groupHits, rate } from "./signatures.js";
import type { ReportData } from "./types.js";

/** Minutes without a match that still count as the same burst. */
export const BURST_GAP_MINUTES = 5;
const MAX_BURSTS = 200;

/** "2024-10-29T17:22" for a minute since the epoch (node-local time, as the scanner read it). */
export function minuteLabel(minute: number): string {
  return new Date(minute * 60_000).toISOString().slice(0, 16);
}

/** Merges sorted minute buckets whose gaps are ≤ BURST_GAP_MINUTES. */
export function bursts(perMinute: Map<number, number>): { start: number; end: number; count: number }[] {
  const minutes = [...perMinute.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  const out: { start: number; end: number; count: number }[] = [];
  for (const minute of minutes) {
    const count = perMinute.get(minute) ?? 0;
    const last = out[out.length - 1];
    if (last && minute - last.end <= BURST_GAP_MINUTES) {
      last.end = minute;
      last.count += count;
    } else {
      out.push({ start: minute, end: minute, count });
    }
  }
  return out;
}

function isSerious(severity: Severity): boolean {
  return severity === "critical" || severity === "high";
}

/**
 * Bursts of critical/high findings per node, oldest first. With `findings` (the final ones, after
 * context such as "this is over" or "a symptom of that"), their severity decides; without, the
 * rule's rating does.
 */
export function errorBursts(
  reports: ReportData[],
  catalogue?: Catalogue,
  findings?: Finding[],
): TimelineBurst[] {
  const result: TimelineBurst[] = [];
  const finalSeverity = new Map<string, Severity>();
  for (const f of findings ?? []) finalSeverity.set(`${f.id}\u0000${f.node ?? ""}`, f.severity);
  for (const group of groupHits(reports)) {
    const info = ruleInfo(catalogue, group.ruleId);
    const hits = countedHits(group);
    const rating = rate(info, hits);
    if (!rating) continue;
    const severity = findings
      ? finalSeverity.get(`${group.ruleId}\u0000${group.node ?? ""}`)
      : rating.severity;
    if (!severity || !isSerious(severity)) continue;
    const merged = new Map<number, number>();
    for (const hit of hits) {
      for (const [minute, count] of hit.perMinute ?? [])
        merged.set(minute, (merged.get(minute) ?? 0) + count);
    }
    for (const burst of bursts(merged)) {
      result.push({
        node: group.node,
        findingId: group.ruleId,
        start: minuteLabel(burst.start),
        end: minuteLabel(burst.end),
        count: burst.count,
      });
    }
  }
  // Keep the biggest bursts when there are too many, then show them in time order.
  const kept =
    result.length > MAX_BURSTS ? [...result].sort((a, b) => b.count - a.count).slice(0, MAX_BURSTS) : result;
  return kept.sort(
    (a, b) =>
      a.start.localeCompare(b.start) ||
      (a.node ?? "").localeCompare(b.node ?? "") ||
      a.findingId.localeCompare(b.findingId),
  );
}
