/**
 * The analysis result, as fixed by the contract (shared contract.md, "The JSON result").
 * Fields named there are stable; never rename or drop one without bumping SCHEMA_VERSION.
 */
export const SCHEMA_VERSION = 1 as const;

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export type NodeRole = "control-plane" | "worker" | "unknown";
export type QuorumState = "healthy" | "degraded" | "lost" | "not-ha" | "unknown";
export type MemberRole = "voter" | "stand-by" | "spare" | "none";
export type DiskErrorKind = "io-error" | "fs-error" | "disk-full" | "smart" | "other";

export interface ReportSummary {
  /** File or URL name the report came from. */
  source: string;
  /** Hostname of the node the report came from; null if unknown. */
  node: string | null;
  role: NodeRole;
  /** e.g. "v1.28.14"; null if unknown. */
  microk8sVersion: string | null;
  /** One-line reason when the report could not be read; null otherwise. */
  error: string | null;
  // --- additions beyond the contract ---
  /** "classic" | "strict" | null when not determinable. */
  confinement?: "classic" | "strict" | null;
  /** Report time from the tarball name (YYYY-MM-DDTHH:MM:SS, node-local), when known. */
  takenAt?: string | null;
  /** Non-fatal problems met while reading (a truncated file, an unparsable cluster.yaml …). */
  warnings?: string[];
  /** "report" (an inspection tarball or folder) or "log" (a single attached journal/dmesg). Absent means "report". */
  kind?: "report" | "log";
  /** For a single log: the service it appears to come from ("k8s-dqlite", "kernel" …), null when unknown. */
  service?: string | null;
}

export interface QuorumMember {
  address: string;
  id: string;
  node: string | null;
  // --- additions ---
  /** True/false when the evidence says so, null when unknown. */
  alive?: boolean | null;
  /** Sources of this member's view: the report sources whose cluster.yaml lists it. */
  seenIn?: string[];
}

export interface QuorumResult {
  state: QuorumState;
  voters: QuorumMember[];
  standBys: QuorumMember[];
  spares: QuorumMember[];
  /** floor(voters/2)+1; null when state is "unknown". */
  quorumSize: number | null;
  /** Voters with evidence of being up; null when not known. */
  aliveVoters: number | null;
  // --- additions ---
  /** Source of the report whose cluster.yaml was taken as authoritative. */
  authoritative?: string | null;
  /** One sentence per disagreement between nodes' views of membership. */
  disagreements?: string[];
  /** One-line explanation of the state. */
  summary?: string;
}

export interface DepartedNode {
  address: string;
  node: string | null;
  role: MemberRole;
  reason: string;
  hint: string;
  // --- additions ---
  /** Stable id of the rule that raised it, e.g. "departed.no-matching-node". */
  rule?: string;
  docs?: string | null;
  /** dqlite ID of the cluster.yaml record meant (a host may be listed twice); null when not a member. */
  id?: string | null;
}

export interface DiskError {
  node: string | null;
  /** Kernel device name as logged; mount point for disk-full. */
  device: string;
  kind: DiskErrorKind;
  count: number;
  sample: string;
  // --- additions ---
  firstSeen?: string | null;
  lastSeen?: string | null;
  file?: string;
  line?: number;
}

export interface Evidence {
  /** Relative to the report's top folder. */
  file: string;
  line: number;
  /** Redacted. */
  text: string;
  /** Report source, when several reports were analysed. */
  source?: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  node: string | null;
  count: number;
  evidence: Evidence[];
  docs: string | null;
  // --- additions ---
  /** What it means and what to do, one or two sentences. */
  meaning?: string;
  firstSeen?: string | null;
  lastSeen?: string | null;
  /** True when the rule's "sustained" threshold was met. */
  sustained?: boolean;
}

export interface AnalysisResult {
  schemaVersion: typeof SCHEMA_VERSION;
  reports: ReportSummary[];
  quorum: QuorumResult;
  departedNodes: DepartedNode[];
  diskErrors: DiskError[];
  findings: Finding[];
  // --- additions ---
  /** One-line verdict, as the comment's first line. */
  verdict?: string;
  /** Per-node error bursts for the timeline. */
  timeline?: TimelineBurst[];
}

export interface TimelineBurst {
  node: string | null;
  findingId: string;
  /** ISO-like timestamps (year may be inferred). */
  start: string;
  end: string;
  count: number;
}
