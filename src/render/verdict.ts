/** Severity ranking, emoji and the one-line verdict of a result. */
import { severityRank } from "../result/severity.js";
import type { AnalysisResult, DiskErrorKind, Finding, QuorumState, Severity } from "../result/types.js";
import { plural } from "./md-text.js";

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: "🔴",
  high: "🟠",
  medium: "🟡",
  low: "🔵",
  info: "⚪",
};

export const QUORUM_EMOJI: Record<QuorumState, string> = {
  healthy: "🟢",
  degraded: "🟠",
  lost: "🔴",
  "not-ha": "🟡",
  unknown: "⚪",
};

export const OK_EMOJI = "✅";

/** Most severe first; ties keep their order (the engine's "then by node"). */
export function sortFindings<T extends Pick<Finding, "severity">>(findings: readonly T[]): T[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.index - b.index)
    .map((entry) => entry.finding);
}

const QUORUM_SEVERITY: Partial<Record<QuorumState, Severity>> = { lost: "critical", degraded: "high" };
const DISK_SEVERITY: Record<DiskErrorKind, Severity> = {
  "io-error": "critical",
  "fs-error": "critical",
  "disk-full": "critical",
  smart: "high",
  other: "medium",
};

/** The worst severity anywhere in the result, or null when nothing is wrong. */
export function overallSeverity(result: AnalysisResult): Severity | null {
  const candidates: Severity[] = [
    ...result.findings.map((f) => f.severity),
    ...result.diskErrors.map((d) => DISK_SEVERITY[d.kind] ?? "medium"),
  ];
  const fromQuorum = QUORUM_SEVERITY[result.quorum.state];
  if (fromQuorum) candidates.push(fromQuorum);
  if (result.departedNodes.length > 0) candidates.push("high");
  if (candidates.length === 0) return null;
  return candidates.reduce((worst, s) => (severityRank(s) < severityRank(worst) ? s : worst));
}

/** Emoji for the verdict line: the worst severity, ✅ when only informational notes remain. */
export function verdictEmoji(result: AnalysisResult): string {
  const severity = overallSeverity(result);
  const readable = result.reports.filter((r) => !r.error).length;
  if (readable === 0 && result.reports.length > 0) return "⚠️";
  if (!severity || severity === "info") return OK_EMOJI;
  return SEVERITY_EMOJI[severity];
}

/** The verdict to show when the analysis did not provide one. */
export function deriveVerdict(result: AnalysisResult): string {
  const readable = result.reports.filter((r) => !r.error);
  if (result.reports.length === 0) return "No inspection report was found to analyse.";
  if (readable.length === 0) return "None of the attached reports could be read.";
  const q = result.quorum;
  const worst = sortFindings(result.findings)[0];
  if (q.state === "lost") {
    const alive = q.aliveVoters ?? "?";
    return `Datastore quorum lost: ${alive} of ${q.voters.length} voters alive, ${q.quorumSize ?? "?"} needed.`;
  }
  if (worst && worst.severity === "critical") return worst.title;
  if (q.state === "degraded") {
    const departed = result.departedNodes.length;
    return `Datastore degraded: one more voter loss freezes the cluster${departed ? ` (${plural(departed, "departed node")})` : ""}.`;
  }
  if (result.departedNodes.length > 0)
    return `${plural(result.departedNodes.length, "departed node")} still listed in the datastore.`;
  if (result.diskErrors.length > 0)
    return `Disk errors on ${plural(new Set(result.diskErrors.map((d) => d.node)).size, "node")}.`;
  if (worst && worst.severity !== "info") return worst.title;
  return `No known problems found in ${plural(readable.length, "report")}.`;
}
