/**
 * dqlite quorum across all reports of an issue: the authoritative membership, each member's node
 * and liveness, disagreements between nodes' views, the contract's quorum state, and the
 * structural findings of dqlite/ (report-format.md §3, §4.G).
 */
import type { DqliteMember } from "../parsers/types.js";
import type {
  Evidence,
  Finding,
  MemberRole,
  QuorumMember,
  QuorumResult,
  QuorumState,
} from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { describeMember, hostOf, isLoopbackAddress, isLoopbackHost } from "./addresses.js";
import { computedFinding } from "./catalogue-info.js";
import { clockText, reportMinute } from "./clock.js";
import {
  byTakenAt,
  datastoreActiveState,
  describeNotReady,
  findNode,
  hasSustainedNoLeader,
  isCurrentFailure,
  isNotReady,
  mergeNodeLists,
  NO_LEADER,
  type NodeList,
  type NodeRecord,
  noLeaderSample,
  PEER_UNREACHABLE,
  type PeerFailure,
  persistentPeerFailures,
  reportLabel,
} from "./cluster-context.js";
import type { ReportData } from "./types.js";

export const BOOTSTRAP_ID = "3297041220608546238";
const CLUSTER_YAML = "dqlite/cluster.yaml";
const LIST_OUT = "dqlite/list.out";

export interface ClusterView {
  report: ReportData;
  members: DqliteMember[];
  /** This node's own record (info.yaml). */
  self: DqliteMember | null;
  /** Role of `self` in this view; null when self is not listed or unknown. */
  selfRole: MemberRole | null;
  loopbackOnly: boolean;
}

export interface MemberAssessment {
  address: string;
  id: string;
  role: MemberRole;
  /** Position in the authoritative cluster.yaml (0-based). */
  index: number;
  node: string | null;
  /** How the node name was found. */
  nodeVia: "internal-ip" | "report" | "name" | "self" | null;
  k8sNode: NodeRecord | null;
  /** The report whose info.yaml is this member's record. */
  ownReport: ReportData | null;
  alive: boolean | null;
  downReasons: string[];
  upReasons: string[];
  /** Set when this is an older record of a host that re-joined: the id of its current record. */
  supersededBy: string | null;
  /** Peers whose datastore keeps failing to reach this member (until near the end of their logs). */
  unreachableFrom: { reporter: ReportData; failure: PeerFailure }[];
  /** Peers whose datastore failed to reach it earlier, but no longer (or before its own report shows it running). */
  pastUnreachableFrom: { reporter: ReportData; failure: PeerFailure }[];
}

export interface QuorumAnalysis {
  result: QuorumResult;
  /** Members of the authoritative view, in cluster.yaml order. */
  members: MemberAssessment[];
  authoritative: ClusterView | null;
  /** Control-plane views taken into account (the authoritative one included). */
  views: ClusterView[];
  /** One-entry loopback views ignored because another view lists several members. */
  ignoredViews: ClusterView[];
  nodeList: NodeList;
  /** Reports taking part in the main cluster (members and workers). */
  mainReports: ReportData[];
  /** Peer failures (persistent) seen by reports of the main cluster, for addresses of any kind. */
  peerFailures: { reporter: ReportData; failure: PeerFailure }[];
  /** A surviving member's datastore log shows a sustained "no leader". */
  noLeader: { report: ReportData; evidence: Evidence | null } | null;
  /** Structural findings of §4.G. */
  findings: Finding[];
}

export function memberRole(role: 0 | 1 | 2 | null): MemberRole {
  if (role === 1) return "stand-by";
  if (role === 2) return "spare";
  // No Role field: written before roles existed, when every member voted.
  return "voter";
}

const ROLE_WORD: Record<MemberRole, string> = {
  voter: "a voter",
  "stand-by": "a stand-by",
  spare: "a spare",
  none: "not a member",
};

/** Line of the i-th record in a go-dqlite cluster.yaml (3 lines per record: ID, Address, Role). */
export function memberLine(index: number): number {
  return index * 3 + 1;
}

function memberText(member: DqliteMember): string {
  const role = member.role === null ? "" : `, Role: ${member.role} (${memberRole(member.role)})`;
  return `Address: ${member.address}, ID: ${member.id}${role}`;
}

function viewOf(report: ReportData): ClusterView | null {
  const cluster = report.parsed.dqliteCluster;
  if (!cluster?.ok || cluster.value.length === 0) return null;
  const info = report.parsed.dqliteInfo;
  const self = info?.ok ? info.value : null;
  const listed = self ? cluster.value.find((m) => m.id !== "" && m.id === self.id) : undefined;
  return {
    report,
    members: cluster.value,
    self,
    selfRole: listed ? memberRole(listed.role) : null,
    loopbackOnly: cluster.value.length === 1 && isLoopbackAddress(cluster.value[0].address),
  };
}

/** Owner is a voter, then most members, then the latest report. */
function pickAuthoritative(views: ClusterView[]): ClusterView | null {
  let best: ClusterView | null = null;
  for (const view of views) {
    if (!best) {
      best = view;
      continue;
    }
    const voter = Number(view.selfRole === "voter") - Number(best.selfRole === "voter");
    const size = view.members.length - best.members.length;
    const time = byTakenAt(view.report, best.report);
    if (voter > 0 || (voter === 0 && (size > 0 || (size === 0 && time > 0)))) best = view;
  }
  return best;
}

function sameRecord(a: DqliteMember, b: DqliteMember): boolean {
  return a.address === b.address && (a.id === b.id || a.id === "" || b.id === "");
}

function viewName(view: ClusterView): string {
  return `${reportLabel(view.report)}'s cluster.yaml`;
}

/** Same record in two views: the same ID when both carry one, else the same address. */
function sameIdentity(a: DqliteMember, b: DqliteMember): boolean {
  return a.id !== "" && b.id !== "" ? a.id === b.id : a.address === b.address;
}

/**
 * What one view says differently from the authoritative one. Views are compared as sets of
 * records (ID, address, role): a host listed twice (a re-join's stale record) is not a
 * disagreement when both views list both records.
 */
function viewDifferences(
  authoritative: ClusterView,
  view: ClusterView,
  nodeOf: (address: string) => string | null,
): string[] {
  const sentences: string[] = [];
  const auth = viewName(authoritative);
  const other = viewName(view);
  const unmatched = [...view.members];
  const missing: DqliteMember[] = [];
  for (const member of authoritative.members) {
    const index = unmatched.findIndex((m) => sameIdentity(m, member));
    if (index < 0) {
      missing.push(member);
      continue;
    }
    const [match] = unmatched.splice(index, 1);
    const who = describeMember(member.address, nodeOf(member.address));
    if (match.address !== member.address) {
      sentences.push(
        `ID ${member.id} is at ${member.address} in ${auth} but at ${match.address} in ${other}.`,
      );
    } else if (memberRole(match.role) !== memberRole(member.role)) {
      sentences.push(
        `${who} is ${ROLE_WORD[memberRole(member.role)]} in ${auth} but ${ROLE_WORD[memberRole(match.role)]} in ${other}.`,
      );
    }
  }
  for (const member of missing) {
    const who = describeMember(member.address, nodeOf(member.address));
    const sameAddress = unmatched.filter((m) => m.address === member.address);
    const oneEach =
      sameAddress.length === 1 && missing.filter((m) => m.address === member.address).length === 1;
    if (oneEach) {
      // One record per view at this address, with different IDs: the node re-joined in one view only.
      unmatched.splice(unmatched.indexOf(sameAddress[0]), 1);
      sentences.push(`${who} has ID ${member.id} in ${auth} but ID ${sameAddress[0].id} in ${other}.`);
      continue;
    }
    const ambiguous =
      sameAddress.length > 0 || authoritative.members.filter((m) => m.address === member.address).length > 1;
    const id = ambiguous ? ` with ID ${member.id}` : "";
    sentences.push(
      `${other} does not list ${who}${id}, which ${auth} lists as ${ROLE_WORD[memberRole(member.role)]}.`,
    );
  }
  for (const member of unmatched) {
    sentences.push(
      `${other} lists ${describeMember(member.address, nodeOf(member.address))} (ID ${member.id}), which ${auth} does not.`,
    );
  }
  return sentences;
}

function disagreements(
  authoritative: ClusterView,
  views: ClusterView[],
  ignored: ClusterView[],
  nodeOf: (address: string) => string | null,
): string[] {
  const sentences: string[] = [];
  const auth = viewName(authoritative);
  for (const view of views) {
    if (view === authoritative) continue;
    if (view.loopbackOnly && authoritative.loopbackOnly) {
      sentences.push(
        `${viewName(view)} and ${auth} are each a separate single-node store (${view.members[0].address}): these nodes are not clustered together.`,
      );
      continue;
    }
    sentences.push(...viewDifferences(authoritative, view, nodeOf));
  }
  for (const view of ignored) {
    sentences.push(
      `${viewName(view)} lists only ${view.members[0].address}: a separate single-node store (the node left, was reset or never joined), ignored.`,
    );
  }
  return sentences.slice(0, 30);
}

interface Context {
  reports: ReportData[];
  authoritative: ClusterView;
  nodeList: NodeList;
  /** The catalogue gives dqlite.no-leader a sustained threshold, so the scanner's verdict decides. */
  noLeaderJudged: boolean;
}

/** True when the catalogue rule has a sustained threshold (then `hit.sustained` is the scanner's verdict). */
function judgedByScanner(catalogue: Catalogue | undefined, id: string): boolean {
  return Boolean(catalogue?.byId.get(id)?.sustained);
}

/** The report whose info.yaml is this record (same address; same ID when both are known). */
function ownReportOf(ctx: Context, member: DqliteMember): ReportData | null {
  const { authoritative } = ctx;
  if (authoritative.members.length === 1 && isLoopbackAddress(member.address)) return authoritative.report;
  for (const report of ctx.reports) {
    const info = report.parsed.dqliteInfo;
    if (!info?.ok || info.value.address !== member.address) continue;
    if (info.value.id !== "" && member.id !== "" && info.value.id !== member.id) continue;
    if (isLoopbackAddress(member.address) && info.value.id !== member.id) continue;
    return report;
  }
  return null;
}

function mapNode(
  ctx: Context,
  member: DqliteMember,
  own: ReportData | null,
): Pick<MemberAssessment, "node" | "nodeVia"> {
  const host = hostOf(member.address);
  if (isLoopbackHost(host)) {
    if (own)
      return { node: own.identity.node, nodeVia: own === ctx.authoritative.report ? "self" : "report" };
    return { node: null, nodeVia: null };
  }
  const byIp = ctx.nodeList.byIp.get(host);
  if (byIp) return { node: byIp.name, nodeVia: "internal-ip" };
  if (own?.identity.node) return { node: own.identity.node, nodeVia: "report" };
  for (const report of ctx.reports) {
    if (
      report.identity.node &&
      report.identity.role !== "worker" &&
      report.identity.addresses.includes(host)
    ) {
      return { node: report.identity.node, nodeVia: "report" };
    }
  }
  if (!/^[\d.]+$/.test(host) && !host.includes(":")) {
    const named = findNode(ctx.nodeList, host);
    if (named) return { node: named.name, nodeVia: "name" };
  }
  return { node: null, nodeVia: null };
}

/** Older records of hosts listed twice (a re-join that left the old record): old id → current id. */
function supersededRecords(ctx: Context): Map<string, string> {
  const byHost = new Map<string, DqliteMember[]>();
  for (const member of ctx.authoritative.members) {
    const host = hostOf(member.address);
    if (isLoopbackHost(host)) continue;
    byHost.set(host, [...(byHost.get(host) ?? []), member]);
  }
  const superseded = new Map<string, string>();
  for (const [host, records] of byHost) {
    if (records.length < 2 || new Set(records.map((r) => r.id)).size < 2) continue;
    // The node's own info.yaml names its current record; otherwise the last one listed is the newest.
    const current =
      records.find((r) =>
        ctx.reports.some((rep) => {
          const info = rep.parsed.dqliteInfo;
          return info?.ok && info.value.id === r.id && hostOf(info.value.address) === host;
        }),
      ) ?? records[records.length - 1];
    for (const record of records)
      if (record !== current && record.id !== current.id) superseded.set(record.id, current.id);
  }
  return superseded;
}

/** systemctl "active (running) since …"; strict confinement's snapctl says just "active". */
const RUNNING = /^active(?:\s*\(running\).*)?$/i;
const NOT_RUNNING = /^(failed|inactive|activating|deactivating)/i;

function assess(
  ctx: Context,
  member: DqliteMember,
  index: number,
  superseded: Map<string, string>,
  failures: { reporter: ReportData; failure: PeerFailure }[],
): MemberAssessment {
  const loopbackInMulti = isLoopbackAddress(member.address) && ctx.authoritative.members.length > 1;
  const supersededBy = superseded.get(member.id) ?? null;
  const ownReport = supersededBy ? null : ownReportOf(ctx, member);
  const { node, nodeVia } = mapNode(ctx, member, ownReport);
  const k8sNode = findNode(ctx.nodeList, node);
  const towardsMember = failures.filter(
    (f) => f.failure.address === member.address && f.reporter !== ownReport,
  );
  // The member's own report, taken after the last failure and showing its datastore running, wins.
  const ownState = ownReport && !supersededBy ? datastoreActiveState(ownReport) : null;
  const ownRunning =
    ownReport !== null &&
    ownState !== null &&
    RUNNING.test(ownState) &&
    !hasSustainedNoLeader(ownReport, ctx.noLeaderJudged);
  const ownMinute = ownReport ? reportMinute(ownReport) : null;
  const recoveredBefore = (failure: PeerFailure) =>
    ownRunning && ownMinute !== null && failure.lastMinute !== null && failure.lastMinute < ownMinute;
  const unreachableFrom = towardsMember.filter(
    (f) => isCurrentFailure(f.failure) && !recoveredBefore(f.failure),
  );
  const pastUnreachableFrom = towardsMember.filter((f) => !unreachableFrom.includes(f));

  const directDown: string[] = [];
  const directUp: string[] = [];
  const indirectDown: string[] = [];
  const indirectUp: string[] = [];
  if (supersededBy)
    directDown.push(
      `it is an older record of ${hostOf(member.address)}, which re-joined as ID ${supersededBy}`,
    );
  if (loopbackInMulti) directDown.push("a 127.0.0.1 address cannot be reached by the other members");
  for (const { reporter, failure } of unreachableFrom) {
    directDown.push(
      `${reportLabel(reporter)}'s datastore keeps failing to reach it (${failure.count} failed attempts)`,
    );
  }
  if (ownReport && !supersededBy) {
    const state = datastoreActiveState(ownReport);
    if (state && NOT_RUNNING.test(state)) directDown.push(`its datastore service is ${state}`);
    else if (state && RUNNING.test(state) && !hasSustainedNoLeader(ownReport, ctx.noLeaderJudged)) {
      directUp.push("its own report shows the datastore running");
    }
  }
  if (pastUnreachableFrom.length > 0 && !supersededBy) {
    indirectUp.push(`${pastFailureText(pastUnreachableFrom)}, not since`);
  }
  if (k8sNode) {
    if (isNotReady(k8sNode)) indirectDown.push(describeNotReady(k8sNode));
    else if (k8sNode.ready === "True") indirectUp.push(`node ${k8sNode.name} is Ready`);
  } else if (ctx.nodeList.exists && !loopbackInMulti && !supersededBy) {
    if (node && nodeVia !== "self")
      indirectDown.push(`node ${node} is missing from the Kubernetes node list`);
    else if (!node) indirectDown.push("its address matches no Kubernetes node");
  }

  let alive: boolean | null = null;
  let downReasons: string[] = [];
  let upReasons: string[] = [];
  // Datastore evidence (peers, own service) outranks Kubernetes node state: a NotReady kubelet
  // does not stop dqlite, and a Ready node may still run a dead or superseded dqlite record.
  if (directDown.length > 0) {
    alive = false;
    downReasons = [...directDown, ...indirectDown];
  } else if (directUp.length > 0) {
    alive = true;
    upReasons = [...directUp, ...indirectUp];
    downReasons = indirectDown;
  } else if (indirectDown.length > 0) {
    alive = false;
    downReasons = indirectDown;
  } else if (indirectUp.length > 0) {
    alive = true;
    upReasons = indirectUp;
  }
  return {
    address: member.address,
    id: member.id,
    role: memberRole(member.role),
    index,
    node,
    nodeVia,
    k8sNode,
    ownReport,
    alive,
    downReasons,
    upReasons,
    supersededBy,
    unreachableFrom,
    pastUnreachableFrom,
  };
}

/** "the datastore on kube05, kube06 failed to reach it 16:44–17:36" */
export function pastFailureText(failures: { reporter: ReportData; failure: PeerFailure }[]): string {
  const reporters = [...new Set(failures.map((f) => reportLabel(f.reporter)))];
  let first: number | null = null;
  let last: number | null = null;
  for (const { failure } of failures) {
    if (failure.firstMinute !== null && (first === null || failure.firstMinute < first))
      first = failure.firstMinute;
    if (failure.lastMinute !== null && (last === null || failure.lastMinute > last))
      last = failure.lastMinute;
  }
  const when = first !== null && last !== null ? ` ${clockText(first)}–${clockText(last)}` : "";
  return `the datastore on ${joinNames(reporters)} failed to reach it${when}`;
}

function joinNames(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function unknownSummary(reports: ReportData[]): string {
  if (reports.length === 0) return "Quorum unknown: no report could be read.";
  if (reports.every((r) => r.identity.role === "worker")) {
    return "Quorum unknown: only worker reports (a worker's dqlite/cluster.yaml is a stale local copy); attach a control-plane node's report.";
  }
  const broken = reports.find((r) => r.identity.role !== "worker" && r.parsed.dqliteCluster?.ok === false);
  if (broken && broken.parsed.dqliteCluster?.ok === false) {
    return `Quorum unknown: ${broken.parsed.dqliteCluster.error}.`;
  }
  const oldEra = reports.find((r) => r.layout?.era === "1.21-1.22" || r.layout?.era === "<=1.20");
  if (oldEra && !reports.some((r) => r.layout?.hasDqliteFolder)) {
    return "Quorum unknown: MicroK8s 1.22 and older run dqlite inside kubelite and their inspect report has no dqlite/ folder; the node list (microk8s kubectl get nodes) and the kubelite journal tell more.";
  }
  return "Quorum unknown: no dqlite/cluster.yaml in the control-plane reports.";
}

function stateAndSummary(
  voters: MemberAssessment[],
  quorumSize: number,
  aliveVoters: number | null,
  noLeader: QuorumAnalysis["noLeader"],
): { state: QuorumState; summary: string } {
  const down = voters.filter((v) => v.alive === false);
  const downNames = joinNames(down.map((v) => describeMember(v.address, v.node)));
  const v = voters.length;
  const alive = aliveVoters ?? v - down.length;
  if (v === 0) return { state: "lost", summary: "Quorum lost: cluster.yaml lists no voter." };
  if (aliveVoters !== null && aliveVoters < quorumSize) {
    return {
      state: "lost",
      summary: `Quorum lost: ${aliveVoters} of ${v} voter${v === 1 ? "" : "s"} alive, ${quorumSize} needed — ${downNames} down.`,
    };
  }
  if (noLeader) {
    return {
      state: "lost",
      summary: `Quorum lost: the datastore on ${reportLabel(noLeader.report)} keeps finding no leader (${alive} of ${v} voters not known down).`,
    };
  }
  if (v < 3) {
    const summary =
      v === 1
        ? `Not HA: a single voter, ${describeMember(voters[0].address, voters[0].node)}; losing it loses the datastore.`
        : `Not HA: two voters, quorum 2 — no failure tolerance; add a third control-plane node.`;
    return { state: "not-ha", summary };
  }
  if (down.length > 0) {
    return {
      state: "degraded",
      summary: `Degraded: ${alive} of ${v} voters alive (quorum ${quorumSize}) — ${downNames} down; ${
        alive - quorumSize === 0
          ? "one more loss freezes the datastore"
          : `${alive - quorumSize} more can be lost`
      }.`,
    };
  }
  const known = voters.every((m) => m.alive === true) ? "all alive" : "none known down";
  return { state: "healthy", summary: `Healthy: ${v} voters, quorum ${quorumSize}, ${known}.` };
}

/** "Stale record still listed: 192.168.0.59:19001 with old ID 9163… (spare), kube07 re-joined as ID 1607…." */
function staleRecordsSentence(members: MemberAssessment[]): string {
  const stale = members.filter((m) => m.supersededBy !== null);
  if (stale.length === 0) return "";
  const items = stale.map(
    (m) =>
      `${m.address} with old ID ${m.id} (${m.role}; ${m.node ?? hostOf(m.address)} re-joined as ID ${m.supersededBy})`,
  );
  return `Stale record${stale.length === 1 ? "" : "s"} still listed: ${joinNames(items)} — see Departed nodes.`;
}

function toQuorumMember(member: MemberAssessment, views: ClusterView[]): QuorumMember {
  return {
    address: member.address,
    id: member.id,
    node: member.node,
    alive: member.alive,
    seenIn: views
      .filter((view) =>
        view.members.some((m) => sameRecord(m, { address: member.address, id: member.id, role: null })),
      )
      .map((view) => view.report.source),
  };
}

function memberEvidence(
  view: ClusterView,
  member: MemberAssessment | DqliteMember,
  index: number,
  note = "",
): Evidence {
  const record = view.members[index] ?? { address: member.address, id: member.id, role: null };
  return {
    file: CLUSTER_YAML,
    line: memberLine(index),
    text: note ? `${memberText(record)} — ${note}` : memberText(record),
    source: view.report.source,
  };
}

function membershipFindings(
  analysis: Omit<QuorumAnalysis, "findings">,
  catalogue: Catalogue | undefined,
): Finding[] {
  const view = analysis.authoritative;
  if (!view) return [];
  const findings: Finding[] = [];
  const members = analysis.members;
  const voters = members.filter((m) => m.role === "voter");
  const { state } = analysis.result;

  if (members.length === 1) {
    findings.push(
      computedFinding(catalogue, "quorum.single-node", {
        node: view.report.identity.node,
        evidence: [memberEvidence(view, members[0], 0)],
        detail: members[0].id === BOOTSTRAP_ID ? `${members[0].address}, bootstrap ID` : members[0].address,
      }),
    );
  }
  if (voters.length === 2) {
    findings.push(
      computedFinding(catalogue, "quorum.two-voters", {
        node: null,
        count: 2,
        evidence: voters.map((m) => memberEvidence(view, m, m.index)),
        detail: joinNames(voters.map((m) => describeMember(m.address, m.node))),
      }),
    );
  } else if (voters.length < 3 && members.length >= 3) {
    findings.push(
      computedFinding(catalogue, "quorum.not-ha", {
        node: null,
        count: voters.length,
        evidence: voters.map((m) => memberEvidence(view, m, m.index)),
        detail: `${voters.length} voter${voters.length === 1 ? "" : "s"} among ${members.length} members`,
      }),
    );
  }
  if (state === "degraded" || state === "lost") {
    const down = voters.filter((m) => m.alive === false);
    const evidence = down.slice(0, 5).map((m) => memberEvidence(view, m, m.index, m.downReasons.join("; ")));
    if (analysis.noLeader?.evidence) evidence.push(analysis.noLeader.evidence);
    findings.push(
      computedFinding(catalogue, "quorum.at-risk", {
        node: null,
        count: Math.max(1, down.length),
        evidence,
        severity: "critical",
        detail:
          state === "lost"
            ? `quorum lost (${analysis.result.aliveVoters ?? "?"} of ${voters.length} voters alive, ${analysis.result.quorumSize} needed)`
            : `${analysis.result.aliveVoters} of ${voters.length} voters alive, one more loss freezes the datastore`,
      }),
    );
  }
  const stale = members.filter(
    (m) =>
      m.role !== "spare" &&
      !isLoopbackAddress(m.address) &&
      (m.supersededBy !== null || (analysis.nodeList.exists && !m.k8sNode && m.nodeVia !== "self")),
  );
  if (stale.length > 0) {
    findings.push(
      computedFinding(catalogue, "quorum.stale-member", {
        node: null,
        count: stale.length,
        evidence: stale
          .slice(0, 5)
          .map((m) =>
            memberEvidence(
              view,
              m,
              m.index,
              m.supersededBy
                ? `superseded by ID ${m.supersededBy}`
                : m.node
                  ? `node ${m.node} is not in the node list`
                  : "no node has this InternalIP",
            ),
          ),
        detail: joinNames(stale.map((m) => describeMember(m.address, m.node))),
      }),
    );
  }
  const loopbacks = members.filter((m) => isLoopbackAddress(m.address));
  if (members.length > 1 && loopbacks.length > 0) {
    findings.push(
      computedFinding(catalogue, "quorum.loopback-in-multi", {
        node: null,
        count: loopbacks.length,
        evidence: loopbacks.map((m) => memberEvidence(view, m, m.index)),
        detail: `${loopbacks[0].address} among ${members.length} members`,
      }),
    );
  }
  return findings;
}

/** Per-node findings on a control-plane report's own dqlite files. */
export function nodeDqliteFindings(
  view: ClusterView | null,
  report: ReportData,
  catalogue?: Catalogue,
): Finding[] {
  const findings: Finding[] = [];
  const node = report.identity.node;
  const source = report.source;
  if (view?.self) {
    const self = view.self;
    const byId = view.members.findIndex((m) => m.id !== "" && m.id === self.id);
    const infoEvidence: Evidence = { file: "dqlite/info.yaml", line: 1, text: memberText(self), source };
    if (byId < 0) {
      findings.push(
        computedFinding(catalogue, "quorum.self-missing", {
          node,
          evidence: [infoEvidence],
          detail: `ID ${self.id} (${self.address}) is not in cluster.yaml`,
        }),
      );
    } else if (view.members[byId].address !== self.address) {
      findings.push(
        computedFinding(catalogue, "quorum.self-missing", {
          node,
          evidence: [infoEvidence, memberEvidence(view, view.members[byId], byId)],
          detail: `cluster.yaml records ID ${self.id} at ${view.members[byId].address}, info.yaml says ${self.address}`,
        }),
      );
    } else if (view.selfRole === "stand-by" || view.selfRole === "spare") {
      findings.push(
        computedFinding(catalogue, "quorum.self-role", {
          node,
          evidence: [memberEvidence(view, view.members[byId], byId)],
          detail: view.selfRole,
        }),
      );
    }
  }
  const list = report.parsed.dqliteList;
  if (list) {
    const offset = list.totalBytes !== null ? 2 : 1;
    const entryEvidence = (name: string): Evidence => {
      const index = list.entries.findIndex((e) => e.name === name);
      return { file: LIST_OUT, line: index >= 0 ? index + offset : 1, text: name, source };
    };
    if (list.hasJoinFile || list.hasInitYaml) {
      const names = [list.hasJoinFile ? "join" : null, list.hasInitYaml ? "init.yaml" : null].filter(
        (n): n is string => n !== null,
      );
      findings.push(
        computedFinding(catalogue, "dqlite.join-incomplete", {
          node,
          evidence: names.map(entryEvidence),
          detail: `${names.join(" and ")} left in the backend folder`,
        }),
      );
    }
    if (list.snapshots === 0 && list.closedSegments >= 10) {
      findings.push(
        computedFinding(catalogue, "dqlite.no-snapshot", {
          node,
          count: list.closedSegments,
          evidence: [
            { file: LIST_OUT, line: 1, text: `${list.closedSegments} closed segments, no snapshot`, source },
          ],
          detail: `${list.closedSegments} closed segments`,
        }),
      );
    }
    if (list.openSegments >= 20) {
      findings.push(
        computedFinding(catalogue, "dqlite.many-open", {
          node,
          count: list.openSegments,
          evidence: [{ file: LIST_OUT, line: 1, text: `${list.openSegments} open-* segments`, source }],
          detail: `${list.openSegments} open segments`,
        }),
      );
    }
    const total = list.totalBytes ?? list.entries.reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0);
    if (total >= 2 * 1024 ** 3 || list.closedSegments >= 300) {
      const gib = (total / 1024 ** 3).toFixed(1);
      findings.push(
        computedFinding(catalogue, "dqlite.backend-large", {
          node,
          evidence: [
            {
              file: LIST_OUT,
              line: 1,
              text: `total ${gib}G, ${list.closedSegments} closed segments`,
              source,
            },
          ],
          detail: `${gib} GiB`,
        }),
      );
    }
  }
  const hasLocalnode =
    report.parsed.dqliteLocalnode !== undefined ||
    list?.hasLocalnodeYaml === true ||
    report.files.some((f) => f.path === "dqlite/localnode.yaml");
  if (hasLocalnode) {
    findings.push(
      computedFinding(catalogue, "dqlite.legacy-localnode", {
        node,
        evidence: [{ file: "dqlite/localnode.yaml", line: 1, text: "dqlite/localnode.yaml present", source }],
      }),
    );
  }
  return findings;
}

function perNodeFindings(
  reports: ReportData[],
  views: ClusterView[],
  catalogue: Catalogue | undefined,
): Finding[] {
  const findings: Finding[] = [];
  for (const report of reports) {
    // A worker's dqlite folder is a stale local store (report-format.md §2).
    if (report.identity.role === "worker") continue;
    const view = views.find((v) => v.report === report) ?? null;
    findings.push(...nodeDqliteFindings(view, report, catalogue));
  }
  return findings;
}

export function analyzeQuorum(reports: ReportData[], catalogue?: Catalogue): QuorumAnalysis {
  const candidates = reports
    .filter((r) => r.identity.role !== "worker")
    .map(viewOf)
    .filter((v): v is ClusterView => v !== null);
  const anyMulti = candidates.some((v) => v.members.length > 1);
  const ignoredViews = anyMulti ? candidates.filter((v) => v.loopbackOnly) : [];
  const views = candidates.filter((v) => !ignoredViews.includes(v));
  const authoritative = pickAuthoritative(views);

  if (!authoritative) {
    const nodeList = mergeNodeLists(reports);
    // Without a membership, persistent peer failures (e.g. a lone k8s-dqlite journal) still hint at departed peers.
    const failures = reports
      .filter((r) => r.identity.role !== "worker")
      .flatMap((reporter) =>
        persistentPeerFailures(reporter, judgedByScanner(catalogue, PEER_UNREACHABLE)).map((failure) => ({
          reporter,
          failure,
        })),
      );
    return {
      result: {
        state: "unknown",
        voters: [],
        standBys: [],
        spares: [],
        quorumSize: null,
        aliveVoters: null,
        authoritative: null,
        disagreements: [],
        summary: unknownSummary(reports),
      },
      members: [],
      authoritative: null,
      views: [],
      ignoredViews: [],
      nodeList,
      mainReports: reports.filter((r) => r.identity.role === "worker"),
      peerFailures: failures,
      noLeader: null,
      findings: perNodeFindings(reports, candidates, catalogue),
    };
  }

  // Reports of the main cluster: the views used, the members' own reports, and workers.
  const memberAddresses = new Set(authoritative.members.map((m) => m.address));
  const main = new Set<ReportData>(views.map((v) => v.report));
  for (const report of reports) {
    if (report.identity.role === "worker") main.add(report);
    const address = report.identity.dqliteAddress;
    if (address && !isLoopbackAddress(address) && memberAddresses.has(address)) main.add(report);
  }
  for (const view of ignoredViews) main.delete(view.report);
  const nodeList = mergeNodeLists(reports, main);
  const ctx: Context = {
    reports,
    authoritative,
    nodeList,
    noLeaderJudged: judgedByScanner(catalogue, NO_LEADER),
  };
  const peerJudged = judgedByScanner(catalogue, PEER_UNREACHABLE);

  const failures: { reporter: ReportData; failure: PeerFailure }[] = [];
  for (const reporter of reports) {
    if (!main.has(reporter) || reporter.identity.role === "worker") continue;
    for (const failure of persistentPeerFailures(reporter, peerJudged)) failures.push({ reporter, failure });
  }

  const superseded = supersededRecords(ctx);
  const members = authoritative.members.map((m, i) => assess(ctx, m, i, superseded, failures));
  const voters = members.filter((m) => m.role === "voter");

  let noLeader: QuorumAnalysis["noLeader"] = null;
  for (const report of reports) {
    if (
      !main.has(report) ||
      report.identity.role === "worker" ||
      !hasSustainedNoLeader(report, ctx.noLeaderJudged)
    )
      continue;
    const own = members.find((m) => m.ownReport === report);
    if (own ? own.alive === false || own.role !== "voter" : report !== authoritative.report) continue;
    const sample = noLeaderSample(report);
    noLeader = { report, evidence: sample ? { ...sample, source: report.source } : null };
    break;
  }

  const quorumSize = Math.floor(voters.length / 2) + 1;
  const anyFact = voters.some((m) => m.alive !== null);
  const aliveVoters = anyFact ? voters.filter((m) => m.alive !== false).length : null;
  const { state, summary: stateSummary } = stateAndSummary(voters, quorumSize, aliveVoters, noLeader);
  const summary = [stateSummary, staleRecordsSentence(members)].filter(Boolean).join(" ");
  const nodeOf = (address: string) => members.find((m) => m.address === address)?.node ?? null;

  const result: QuorumResult = {
    state,
    voters: voters.map((m) => toQuorumMember(m, views)),
    standBys: members.filter((m) => m.role === "stand-by").map((m) => toQuorumMember(m, views)),
    spares: members.filter((m) => m.role === "spare").map((m) => toQuorumMember(m, views)),
    quorumSize,
    aliveVoters,
    authoritative: authoritative.report.source,
    disagreements: disagreements(authoritative, views, ignoredViews, nodeOf),
    summary,
  };
  const partial: Omit<QuorumAnalysis, "findings"> = {
    result,
    members,
    authoritative,
    views,
    ignoredViews,
    nodeList,
    mainReports: [...main],
    peerFailures: failures,
    noLeader,
  };
  const findings = [
    ...membershipFindings(partial, catalogue),
    ...perNodeFindings(reports, candidates, catalogue),
  ];
  return { ...partial, findings };
}
