/**
 * What changed between two analyses of the same cluster (an earlier round of reports and a later
 * one, typically after a reporter re-ran `microk8s inspect`). Plain JSON: the CLI prints it with
 * `report-triage diff --format json`.
 */
import type { DiskErrorKind, MemberRole, NodeRole, QuorumState, Severity } from "../result/types.js";

export const DIFF_SCHEMA_VERSION = 1 as const;

export interface RoundReport {
  source: string;
  node: string | null;
  takenAt: string | null;
  microk8sVersion: string | null;
  error: string | null;
}

export interface RoundSummary {
  reports: RoundReport[];
  verdict: string | null;
}

export interface QuorumSnapshot {
  state: QuorumState;
  voters: number;
  aliveVoters: number | null;
  quorumSize: number | null;
}

/** A dqlite cluster member (voter, stand-by or spare record). */
export interface MemberRef {
  address: string;
  id: string;
  node: string | null;
  role: MemberRole;
}

export interface RoleChange {
  address: string;
  id: string;
  node: string | null;
  before: MemberRole;
  after: MemberRole;
}

export interface DepartedRef {
  address: string;
  node: string | null;
  role: MemberRole;
  rule: string | null;
}

export interface DiskRef {
  node: string | null;
  device: string;
  kind: DiskErrorKind;
  count: number;
  sample: string;
}

export interface DiskChange {
  node: string | null;
  device: string;
  kind: DiskErrorKind;
  countBefore: number;
  countAfter: number;
}

export interface FindingRef {
  id: string;
  node: string | null;
  severity: Severity;
  title: string;
  count: number;
  sustained: boolean;
  lastSeen: string | null;
}

export interface FindingChange {
  id: string;
  node: string | null;
  title: string;
  severityBefore: Severity;
  severityAfter: Severity;
  countBefore: number;
  countAfter: number;
  sustainedBefore: boolean;
  sustainedAfter: boolean;
  lastSeenBefore: string | null;
  lastSeenAfter: string | null;
  /** True when the later report has occurrences after the last one of the earlier report. */
  newOccurrences: boolean;
}

export interface ValueChange<T> {
  node: string;
  before: T;
  after: T;
}

export interface ReportDiff {
  schemaVersion: typeof DIFF_SCHEMA_VERSION;
  previous: RoundSummary;
  current: RoundSummary;
  /**
   * Nodes with a readable report on one side only. Their node-specific findings and disk errors
   * are not compared (a missing report is not a fixed problem).
   */
  coverage: { onlyPrevious: string[]; onlyCurrent: string[] };
  quorum: { before: QuorumSnapshot; after: QuorumSnapshot; changed: boolean };
  /** Membership from cluster.yaml; compared only when both sides have one (`compared`). */
  members: { compared: boolean; added: MemberRef[]; removed: MemberRef[]; roleChanged: RoleChange[] };
  departed: { appeared: DepartedRef[]; resolved: DepartedRef[] };
  diskErrors: {
    appeared: DiskRef[];
    /** Logged in the earlier report, not in the later one. */
    stopped: DiskRef[];
    /** Logged on both sides with a different count: still happening. */
    changed: DiskChange[];
    /** Same count on both sides: no new errors since the earlier report. */
    unchanged: DiskChange[];
  };
  findings: {
    appeared: FindingRef[];
    disappeared: FindingRef[];
    /** More occurrences than before. */
    grew: FindingChange[];
    /** Same or fewer occurrences, but severity or "sustained" changed (or fewer occurrences). */
    changed: FindingChange[];
    /** How many findings are the same on both sides. */
    unchanged: number;
  };
  /** MicroK8s version per node, where it differs. */
  versions: ValueChange<string | null>[];
  /** Node role (control-plane / worker) per node, where it differs. */
  roles: ValueChange<NodeRole>[];
  /** True when nothing compared differs. */
  same: boolean;
}
