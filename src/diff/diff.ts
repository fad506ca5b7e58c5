/**
 * diffResults: what changed between an earlier and a later analysis of one cluster. Pure.
 *
 * Members are matched by dqlite id (address when there is none), findings by id and node, disk
 * errors by node, device and kind, departed nodes by address and role. Node names compare
 * case-insensitively. Node-specific items of a node reported on one side only are not compared.
 */
import { severityRank } from "../result/severity.js";
import type {
  AnalysisResult,
  DepartedNode,
  DiskError,
  Finding,
  MemberRole,
  QuorumMember,
  QuorumResult,
  ReportSummary,
} from "../result/types.js";
import {
  type DepartedRef,
  DIFF_SCHEMA_VERSION,
  type DiskChange,
  type DiskRef,
  type FindingChange,
  type FindingRef,
  type MemberRef,
  type QuorumSnapshot,
  type ReportDiff,
  type RoleChange,
  type RoundSummary,
  type ValueChange,
} from "./types.js";

export function diffResults(previous: AnalysisResult, current: AnalysisResult): ReportDiff {
  const before = nodesOf(previous.reports);
  const after = nodesOf(current.reports);
  const onlyPrevious = [...before.keys()].filter((key) => !after.has(key)).map((key) => before.get(key)!);
  const onlyCurrent = [...after.keys()].filter((key) => !before.has(key)).map((key) => after.get(key)!);
  // a node-specific item counts only when both sides have a report of that node
  const compared = (node: string | null) =>
    node === null || (before.has(nodeKey(node)) && after.has(nodeKey(node)));

  const quorum = {
    before: quorumSnapshot(previous.quorum),
    after: quorumSnapshot(current.quorum),
    changed: false,
  };
  quorum.changed =
    quorum.before.state !== quorum.after.state ||
    quorum.before.voters !== quorum.after.voters ||
    quorum.before.aliveVoters !== quorum.after.aliveVoters;

  const members = diffMembers(previous.quorum, current.quorum);
  const departed = diffDeparted(previous.departedNodes ?? [], current.departedNodes ?? []);
  const diskErrors = diffDisk(
    (previous.diskErrors ?? []).filter((d) => compared(d.node)),
    (current.diskErrors ?? []).filter((d) => compared(d.node)),
  );
  const findings = diffFindings(
    (previous.findings ?? []).filter((f) => compared(f.node)),
    (current.findings ?? []).filter((f) => compared(f.node)),
  );
  const versions = diffPerNode(previous.reports, current.reports, (r) => r.microk8sVersion ?? null);
  const roles = diffPerNode(previous.reports, current.reports, (r) => r.role);

  const same =
    !quorum.changed &&
    members.added.length + members.removed.length + members.roleChanged.length === 0 &&
    departed.appeared.length + departed.resolved.length === 0 &&
    diskErrors.appeared.length + diskErrors.stopped.length + diskErrors.changed.length === 0 &&
    findings.appeared.length +
      findings.disappeared.length +
      findings.grew.length +
      findings.changed.length ===
      0 &&
    versions.length + roles.length === 0;

  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    previous: roundSummary(previous),
    current: roundSummary(current),
    coverage: { onlyPrevious: sortNames(onlyPrevious), onlyCurrent: sortNames(onlyCurrent) },
    quorum,
    members,
    departed,
    diskErrors,
    findings,
    versions,
    roles,
    same,
  };
}

// ---------------------------------------------------------------- rounds and quorum

function roundSummary(result: AnalysisResult): RoundSummary {
  return {
    reports: (result.reports ?? []).map((report) => ({
      source: report.source,
      node: report.node ?? null,
      takenAt: report.takenAt ?? null,
      microk8sVersion: report.microk8sVersion ?? null,
      error: report.error ?? null,
    })),
    verdict: result.verdict ?? null,
  };
}

function quorumSnapshot(quorum: QuorumResult): QuorumSnapshot {
  return {
    state: quorum.state,
    voters: quorum.voters?.length ?? 0,
    aliveVoters: quorum.aliveVoters ?? null,
    quorumSize: quorum.quorumSize ?? null,
  };
}

// ---------------------------------------------------------------- members

function membersOf(quorum: QuorumResult): Map<string, MemberRef> {
  const map = new Map<string, MemberRef>();
  const add = (list: QuorumMember[] | undefined, role: MemberRole) => {
    for (const member of list ?? []) {
      const key = memberKey(member);
      if (!map.has(key))
        map.set(key, { address: member.address, id: member.id, node: member.node ?? null, role });
    }
  };
  add(quorum.voters, "voter");
  add(quorum.standBys, "stand-by");
  add(quorum.spares, "spare");
  return map;
}

function memberKey(member: { id: string; address: string }): string {
  return member.id ? `id:${member.id}` : `addr:${member.address.toLowerCase()}`;
}

function diffMembers(previous: QuorumResult, current: QuorumResult): ReportDiff["members"] {
  const before = membersOf(previous);
  const after = membersOf(current);
  // without cluster.yaml on one side (a worker-only round, an unreadable report) nothing is known
  if (before.size === 0 || after.size === 0)
    return { compared: false, added: [], removed: [], roleChanged: [] };
  const added: MemberRef[] = [];
  const removed: MemberRef[] = [];
  const roleChanged: RoleChange[] = [];
  for (const [key, member] of after) {
    const old = before.get(key);
    if (!old) added.push(member);
    else if (old.role !== member.role)
      roleChanged.push({
        address: member.address,
        id: member.id,
        node: member.node ?? old.node,
        before: old.role,
        after: member.role,
      });
  }
  for (const [key, member] of before) if (!after.has(key)) removed.push(member);
  const byRole = (a: { address: string }, b: { address: string }) => a.address.localeCompare(b.address);
  return {
    compared: true,
    added: added.sort(byRole),
    removed: removed.sort(byRole),
    roleChanged: roleChanged.sort(byRole),
  };
}

// ---------------------------------------------------------------- departed nodes

function departedRef(d: DepartedNode): DepartedRef {
  return { address: d.address, node: d.node ?? null, role: d.role, rule: d.rule ?? null };
}

function diffDeparted(previous: DepartedNode[], current: DepartedNode[]): ReportDiff["departed"] {
  const key = (d: DepartedNode) => `${d.address.toLowerCase()}\u0000${d.role}`;
  const before = new Map(previous.map((d) => [key(d), d]));
  const after = new Map(current.map((d) => [key(d), d]));
  return {
    appeared: current.filter((d) => !before.has(key(d))).map(departedRef),
    resolved: previous.filter((d) => !after.has(key(d))).map(departedRef),
  };
}

// ---------------------------------------------------------------- disk errors

function diskKey(d: DiskError): string {
  return `${nodeKey(d.node)}\u0000${d.device}\u0000${d.kind}`;
}

/** Several entries with one key (should not happen) are summed. */
function diskMap(list: DiskError[]): Map<string, DiskRef> {
  const map = new Map<string, DiskRef>();
  for (const d of list) {
    const key = diskKey(d);
    const existing = map.get(key);
    if (existing) existing.count += d.count;
    else
      map.set(key, {
        node: d.node ?? null,
        device: d.device,
        kind: d.kind,
        count: d.count,
        sample: d.sample,
      });
  }
  return map;
}

function diffDisk(previous: DiskError[], current: DiskError[]): ReportDiff["diskErrors"] {
  const before = diskMap(previous);
  const after = diskMap(current);
  const appeared: DiskRef[] = [];
  const changed: DiskChange[] = [];
  const unchanged: DiskChange[] = [];
  for (const [key, now] of after) {
    const old = before.get(key);
    if (!old) {
      appeared.push(now);
      continue;
    }
    const change: DiskChange = {
      node: now.node,
      device: now.device,
      kind: now.kind,
      countBefore: old.count,
      countAfter: now.count,
    };
    // fewer than before also means "still happening": the node rebooted (dmesg starts at boot) and failed again
    if (now.count !== old.count) changed.push(change);
    else unchanged.push(change);
  }
  const stopped = [...before].filter(([key]) => !after.has(key)).map(([, d]) => d);
  return { appeared, stopped, changed, unchanged };
}

// ---------------------------------------------------------------- findings

function findingKey(f: Finding): string {
  return `${f.id}\u0000${nodeKey(f.node)}`;
}

function findingRef(f: Finding): FindingRef {
  return {
    id: f.id,
    node: f.node ?? null,
    severity: f.severity,
    title: f.title,
    count: f.count,
    sustained: f.sustained === true,
    lastSeen: f.lastSeen ?? null,
  };
}

function findingMap(list: Finding[]): Map<string, FindingRef> {
  const map = new Map<string, FindingRef>();
  for (const f of list) {
    const key = findingKey(f);
    const existing = map.get(key);
    if (!existing) {
      map.set(key, findingRef(f));
      continue;
    }
    existing.count += f.count;
    existing.sustained ||= f.sustained === true;
    if (severityRank(f.severity) < severityRank(existing.severity)) existing.severity = f.severity;
    if (laterTimestamp(f.lastSeen ?? null, existing.lastSeen)) existing.lastSeen = f.lastSeen ?? null;
  }
  return map;
}

function diffFindings(previous: Finding[], current: Finding[]): ReportDiff["findings"] {
  const before = findingMap(previous);
  const after = findingMap(current);
  const appeared: FindingRef[] = [];
  const grew: FindingChange[] = [];
  const changed: FindingChange[] = [];
  let unchanged = 0;
  for (const [key, now] of after) {
    const old = before.get(key);
    if (!old) {
      appeared.push(now);
      continue;
    }
    const change: FindingChange = {
      id: now.id,
      node: now.node,
      title: now.title,
      severityBefore: old.severity,
      severityAfter: now.severity,
      countBefore: old.count,
      countAfter: now.count,
      sustainedBefore: old.sustained,
      sustainedAfter: now.sustained,
      lastSeenBefore: old.lastSeen,
      lastSeenAfter: now.lastSeen,
      newOccurrences: laterTimestamp(now.lastSeen, old.lastSeen),
    };
    if (now.count > old.count) grew.push(change);
    else if (now.count < old.count || now.severity !== old.severity || now.sustained !== old.sustained)
      changed.push(change);
    else unchanged += 1;
  }
  const disappeared = [...before].filter(([key]) => !after.has(key)).map(([, f]) => f);
  const bySeverity =
    <T extends { node: string | null; id: string }>(sev: (x: T) => string) =>
    (a: T, b: T) =>
      severityRank(sev(a)) - severityRank(sev(b)) ||
      (a.node ?? "").localeCompare(b.node ?? "") ||
      a.id.localeCompare(b.id);
  return {
    appeared: appeared.sort(bySeverity((f) => f.severity)),
    disappeared: disappeared.sort(bySeverity((f) => f.severity)),
    grew: grew.sort(bySeverity((f) => f.severityAfter)),
    changed: changed.sort(bySeverity((f) => f.severityAfter)),
    unchanged,
  };
}

// ---------------------------------------------------------------- per-node values

function diffPerNode<T>(
  previous: ReportSummary[],
  current: ReportSummary[],
  value: (report: ReportSummary) => T,
): ValueChange<T>[] {
  const before = new Map<string, ReportSummary>();
  for (const report of previous) if (report.node && !report.error) before.set(nodeKey(report.node), report);
  const changes: ValueChange<T>[] = [];
  const seen = new Set<string>();
  for (const report of current) {
    if (!report.node || report.error) continue;
    const key = nodeKey(report.node);
    if (seen.has(key)) continue;
    seen.add(key);
    const old = before.get(key);
    if (!old) continue;
    const a = value(old);
    const b = value(report);
    if (a !== b) changes.push({ node: report.node, before: a, after: b });
  }
  return changes.sort((a, b) => a.node.localeCompare(b.node));
}

// ---------------------------------------------------------------- helpers

function nodeKey(node: string | null | undefined): string {
  return (node ?? "").trim().toLowerCase();
}

/** Readable reports' node names by key (as first spelled). */
function nodesOf(reports: ReportSummary[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const report of reports ?? []) {
    if (report.error || !report.node) continue;
    const key = nodeKey(report.node);
    if (!map.has(key)) map.set(key, report.node);
  }
  return map;
}

function sortNames(names: string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b));
}

const ISO_LIKE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?/;

/** a is strictly later than b; false when either is missing or not an ISO-like timestamp. */
function laterTimestamp(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const ma = ISO_LIKE.exec(a);
  const mb = ISO_LIKE.exec(b);
  if (!ma || !mb) return false;
  return ma[0].replace(" ", "T") > mb[0].replace(" ", "T");
}
