/**
 * All analyses over the reports of one issue, assembled into the contract's result. Pure: no I/O.
 */
import type {
  AnalysisResult,
  DepartedNode,
  DiskError,
  Finding,
  ReportSummary,
  TimelineBurst,
} from "../result/types.js";
import { SCHEMA_VERSION } from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { runChecks } from "./checks.js";
import { findDepartedNodes } from "./departed.js";
import { analyzeDisks } from "./disk.js";
import { identify } from "./identity.js";
import { analyzeQuorum, type QuorumAnalysis } from "./quorum.js";
import { signatureFindings } from "./signatures.js";
import { mergeFindings, sortFindings } from "./sort.js";
import { errorBursts } from "./timeline.js";
import type { ReportData } from "./types.js";
import { buildVerdict } from "./verdict.js";

export { computedChecks, runChecks } from "./checks.js";
export { findDepartedNodes } from "./departed.js";
export { analyzeDisks } from "./disk.js";
export { identify } from "./identity.js";
export { analyzeQuorum, type MemberAssessment, type QuorumAnalysis } from "./quorum.js";
export { signatureFindings } from "./signatures.js";
export { mergeFindings, sortFindings } from "./sort.js";
export { errorBursts } from "./timeline.js";
export { buildVerdict } from "./verdict.js";

function summary(report: ReportData): ReportSummary {
  return {
    source: report.source,
    node: report.identity.node,
    role: report.identity.role,
    microk8sVersion: report.identity.microk8sVersion,
    error: null,
    confinement: report.layout?.confinement ?? null,
    takenAt: report.takenAt,
    warnings: [...(report.warnings ?? [])],
  };
}

/** Runs one analysis; a bug on odd input costs that part (noted as a warning), never the whole result. */
function guarded<T>(label: string, fallback: T, run: () => T, problems: string[]): T {
  try {
    return run();
  } catch (error) {
    problems.push(`analysis: ${label} failed (${error instanceof Error ? error.message : String(error)})`);
    return fallback;
  }
}

function withIdentity(report: ReportData): ReportData {
  return report.identity ? report : { ...report, identity: identify(report) };
}

export function analyzeReports(
  input: ReportData[],
  unreadable: ReportSummary[],
  catalogue: Catalogue,
): AnalysisResult {
  const problems: string[] = [];
  const reports = input.map(withIdentity);
  const quorum = guarded<QuorumAnalysis | null>(
    "quorum",
    null,
    () => analyzeQuorum(reports, catalogue),
    problems,
  );
  const quorumResult: AnalysisResult["quorum"] = quorum?.result ?? {
    state: "unknown",
    voters: [],
    standBys: [],
    spares: [],
    quorumSize: null,
    aliveVoters: null,
    summary: "Quorum unknown: the membership could not be analysed.",
  };
  const departedNodes = quorum
    ? guarded<DepartedNode[]>("departed nodes", [], () => findDepartedNodes(reports, quorum), problems)
    : [];
  const disks = guarded(
    "disks",
    { diskErrors: [] as DiskError[], findings: [] as Finding[] },
    () => analyzeDisks(reports, catalogue),
    problems,
  );
  const checks = guarded<Finding[]>("checks", [], () => runChecks(reports, catalogue), problems);
  const signatures = guarded<Finding[]>(
    "signatures",
    [],
    () => signatureFindings(reports, catalogue),
    problems,
  );
  const findings = sortFindings(
    mergeFindings([...(quorum?.findings ?? []), ...checks, ...disks.findings, ...signatures]),
  );
  const timeline = guarded<TimelineBurst[]>(
    "timeline",
    [],
    () => errorBursts(reports, catalogue, findings),
    problems,
  );
  const summaries = [...reports.map(summary), ...unreadable];
  if (problems.length > 0 && summaries.length > 0) {
    summaries[0].warnings = [...(summaries[0].warnings ?? []), ...problems];
  }
  const result: AnalysisResult = {
    schemaVersion: SCHEMA_VERSION,
    reports: summaries,
    quorum: quorumResult,
    departedNodes,
    diskErrors: disks.diskErrors,
    findings,
    timeline,
  };
  result.verdict = buildVerdict({
    reports: summaries,
    quorum: quorumResult,
    departedNodes,
    diskErrors: disks.diskErrors,
    findings,
  });
  return result;
}
