/** The one-line verdict that opens the comment. */
import type {
  DepartedNode,
  DiskError,
  Finding,
  QuorumResult,
  ReportSummary,
  Severity,
} from "../result/types.js";
import { describeMember } from "./addresses.js";
import { severityRank } from "./catalogue-info.js";
import { sortFindings } from "./sort.js";

export interface VerdictInput {
  reports: ReportSummary[];
  quorum: QuorumResult;
  departedNodes: DepartedNode[];
  diskErrors: DiskError[];
  findings: Finding[];
}

const ICON: Record<"red" | "orange" | "yellow" | "green" | "white", string> = {
  red: "🔴",
  orange: "🟠",
  yellow: "🟡",
  green: "🟢",
  white: "⚪",
};

/** Findings already told by the quorum, departed or disk parts of the verdict. */
const TOLD_ELSEWHERE = new Set([
  "quorum.at-risk",
  "quorum.stale-member",
  "quorum.loopback-in-multi",
  "dqlite.join-incomplete",
  "kernel.io-error",
  "kernel.ext4-error",
  "disk.no-space",
]);

function toldElsewhere(finding: Finding, diskErrors: DiskError[]): boolean {
  if (finding.id === "disk.usage-high") return diskErrors.some((d) => d.kind === "disk-full");
  return TOLD_ELSEWHERE.has(finding.id);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function names(items: string[], max: number): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  const list =
    shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
  return rest > 0 ? `${list} and ${rest} more` : list;
}

function diskLabel(error: DiskError): string {
  switch (error.kind) {
    case "io-error":
      return "disk I/O errors";
    case "fs-error":
      return /EXT4/i.test(error.sample) ? "EXT4 errors" : "filesystem errors";
    case "smart":
      return "disk health errors";
    case "disk-full":
      return "disk full";
    default:
      return "disk errors";
  }
}

function quorumHeadline(quorum: QuorumResult): string | null {
  const voters = quorum.voters.length;
  if (quorum.state === "lost") {
    return quorum.aliveVoters !== null && quorum.aliveVoters < (quorum.quorumSize ?? 0)
      ? `Quorum lost: ${quorum.aliveVoters} of ${plural(voters, "voter")} alive`
      : "Quorum lost: the datastore has no leader";
  }
  if (quorum.state === "degraded")
    return `Quorum degraded: ${quorum.aliveVoters ?? "?"} of ${voters} voters alive`;
  return null;
}

function departedHeadline(departed: DepartedNode[]): string | null {
  // "Two voters, no sign of the other" is a suspicion, told by the quorum.two-voters finding instead.
  const relevant = departed.filter(
    (d) => (d.role !== "none" || d.rule === "departed.join-incomplete") && d.rule !== "departed.two-voters",
  );
  if (relevant.length === 0) return null;
  const who = names(
    relevant.map((d) => describeMember(d.address, d.node)),
    2,
  );
  const joinOnly = relevant.every((d) => d.rule === "departed.join-incomplete");
  return joinOnly ? `unfinished join on ${who}` : `${who} departed`;
}

function diskHeadline(errors: DiskError[]): string | null {
  if (errors.length === 0) return null;
  const first = errors[0];
  const place = `${first.node ?? "?"}${first.kind === "disk-full" ? ":" : "/"}${first.device}`;
  const others = errors.length > 1 ? ` (+${errors.length - 1} more)` : "";
  return `${diskLabel(first)} on ${place}${others}`;
}

function findingHeadline(finding: Finding): string {
  return finding.node ? `${finding.title} on ${finding.node}` : finding.title;
}

function colour(worst: Severity | null, quorum: QuorumResult, diskErrors: DiskError[]): keyof typeof ICON {
  const diskSerious = diskErrors.some((d) => d.kind !== "disk-full" && d.kind !== "other");
  if (quorum.state === "lost" || worst === "critical" || diskSerious) return "red";
  if (quorum.state === "degraded" || worst === "high" || diskErrors.length > 0) return "orange";
  if (worst === "medium") return "yellow";
  return "green";
}

export function buildVerdict(input: VerdictInput): string {
  const readable = input.reports.filter((r) => r.error === null);
  const unreadable = input.reports.length - readable.length;
  if (readable.length === 0) {
    return unreadable > 0
      ? `${ICON.white} No report could be read (${plural(unreadable, "input")} failed)`
      : `${ICON.white} No report to analyse`;
  }
  const suffix = unreadable > 0 ? ` (${plural(unreadable, "report")} unreadable)` : "";
  const sorted = sortFindings(input.findings);
  const others = sorted.filter((f) => !toldElsewhere(f, input.diskErrors));
  const worstAll = input.findings.reduce<Severity | null>(
    (worst, f) =>
      f.id === "quorum.at-risk"
        ? worst
        : worst === null || severityRank(f.severity) < severityRank(worst)
          ? f.severity
          : worst,
    null,
  );
  const tone = colour(worstAll, input.quorum, input.diskErrors);

  const parts: string[] = [];
  const quorum = quorumHeadline(input.quorum);
  const departed = departedHeadline(input.departedNodes);
  if (quorum) parts.push(departed ? `${quorum} — ${departed}` : quorum);
  else if (departed) parts.push(departed);
  const disk = diskHeadline(input.diskErrors);
  if (disk) parts.push(disk);
  for (const finding of others) {
    if (parts.length >= 3 || severityRank(finding.severity) > severityRank("high")) break;
    parts.push(findingHeadline(finding));
  }
  if (parts.length === 0) {
    // Something serious that the other parts did not put into words still leads.
    const top = sorted.find((f) => severityRank(f.severity) <= severityRank("high"));
    if (top) parts.push(findingHeadline(top));
  }
  if (parts.length === 0) {
    const context =
      input.quorum.state === "not-ha"
        ? input.quorum.voters.length === 1
          ? " (single-node datastore, not HA)"
          : " (not HA)"
        : input.quorum.state === "unknown"
          ? " (quorum unknown: no control-plane cluster.yaml)"
          : input.quorum.state === "healthy"
            ? ` (datastore healthy: ${plural(input.quorum.voters.length, "voter")})`
            : "";
    const medium = sorted.find((f) => f.severity === "medium");
    if (medium) {
      return `${ICON.yellow} No serious problem found in ${plural(readable.length, "report")}${context}; worth a look: ${findingHeadline(medium)}${suffix}`;
    }
    return `${ICON.green} No known problem found in ${plural(readable.length, "report")}${context}${suffix}`;
  }
  return `${ICON[tone === "green" ? "yellow" : tone]} ${parts.join("; ")}${suffix}`;
}
