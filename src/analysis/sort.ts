/** Ordering and de-duplication of findings (contract: most severe first, then by node). */

import { mostSevere, severityRank } from "../result/severity.js";
import type { Evidence, Finding } from "../result/types.js";

const MAX_MERGED_EVIDENCE = 5;

function key(finding: Finding): string {
  return `${finding.id}\u0000${finding.node?.toLowerCase() ?? ""}`;
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  return a.file === b.file && a.line === b.line && (a.source ?? "") === (b.source ?? "");
}

/**
 * One finding per (id, node): a computed check and a regex rule may report the same thing
 * (kernel.io-error from parsed dmesg events and from the scanner). Counts are not added up,
 * since both count the same lines.
 */
export function mergeFindings(findings: Finding[]): Finding[] {
  const merged = new Map<string, Finding>();
  for (const finding of findings) {
    const k = key(finding);
    const existing = merged.get(k);
    if (!existing) {
      merged.set(k, { ...finding, evidence: [...finding.evidence] });
      continue;
    }
    const moreSevere = severityRank(finding.severity) < severityRank(existing.severity);
    existing.severity = mostSevere(existing.severity, finding.severity);
    if (moreSevere) existing.title = finding.title;
    existing.count = Math.max(existing.count, finding.count);
    for (const item of finding.evidence) {
      if (existing.evidence.length >= MAX_MERGED_EVIDENCE) break;
      if (!existing.evidence.some((e) => sameEvidence(e, item))) existing.evidence.push(item);
    }
    existing.docs ??= finding.docs;
    existing.meaning ??= finding.meaning;
    existing.firstSeen ??= finding.firstSeen;
    existing.lastSeen ??= finding.lastSeen;
    if (finding.sustained) existing.sustained = true;
  }
  return [...merged.values()];
}

/** Most severe first; cluster-wide (node null) before per-node; then node, id, count. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.node === null ? -1 : 0) - (b.node === null ? -1 : 0) ||
      (a.node ?? "").localeCompare(b.node ?? "") ||
      a.id.localeCompare(b.id) ||
      b.count - a.count,
  );
}
