/**
 * Departed-node hints (report-format.md §3): members that are gone or half-gone, each with one
 * reason sentence and the command or page that fixes it.
 */
import type { DepartedNode, MemberRole } from "../result/types.js";
import { describeMember, hostOf, isLoopbackAddress, sameNodeName } from "./addresses.js";
import { DOCS } from "./catalogue-info.js";
import { describeNotReady, isCurrentFailure, isNotReady, reportLabel } from "./cluster-context.js";
import type { MemberAssessment, QuorumAnalysis } from "./quorum.js";
import type { ReportData } from "./types.js";

const BACKEND = "/var/snap/microk8s/current/var/kubernetes/backend";

/**
 * The dqlite shell run on a healthy control-plane node. The store is read from cluster.yaml
 * (as `microk8s remove-node` does): on a multi-node cluster dqlite listens on the node's own
 * address, not on 127.0.0.1:19001.
 */
export function dqliteCommand(command: string): string {
  return `sudo /snap/microk8s/current/bin/dqlite -s file://${BACKEND}/cluster.yaml -c ${BACKEND}/cluster.crt -k ${BACKEND}/cluster.key k8s "${command}"`;
}

export function dqliteRemoveHint(address: string): string {
  return dqliteCommand(`.remove ${address}`);
}

type Rule =
  | "departed.no-matching-node"
  | "departed.missing-node"
  | "departed.not-ready"
  | "departed.unreachable"
  | "departed.duplicate-record"
  | "departed.loopback-in-multi"
  | "departed.join-incomplete"
  | "departed.two-voters"
  | "departed.left-node";

/** Which rule names the entry when several fired for one address (most specific first). */
const RULE_PRIORITY: Rule[] = [
  "departed.duplicate-record",
  "departed.loopback-in-multi",
  "departed.left-node",
  "departed.not-ready",
  "departed.missing-node",
  "departed.no-matching-node",
  "departed.unreachable",
  "departed.two-voters",
  "departed.join-incomplete",
];

interface Candidate {
  address: string;
  node: string | null;
  role: MemberRole;
  reasons: string[];
  rules: Set<Rule>;
  member: MemberAssessment | null;
  /** For a superseded record: whether `.remove <address>` would hit it first. */
  removableFirst: boolean;
  joinFiles: string[];
}

function failureKind(text: string): string {
  const match =
    /connection refused|no route to host|i\/o timeout|connection reset by peer|network is unreachable/i.exec(
      text,
    );
  return match ? match[0].toLowerCase() : "";
}

function capitalise(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

class Collector {
  readonly byAddress = new Map<string, Candidate>();

  add(
    address: string,
    node: string | null,
    role: MemberRole,
    rule: Rule,
    reason: string,
    member: MemberAssessment | null,
  ) {
    let entry = this.byAddress.get(address);
    if (!entry) {
      entry = {
        address,
        node,
        role,
        reasons: [],
        rules: new Set(),
        member,
        removableFirst: false,
        joinFiles: [],
      };
      this.byAddress.set(address, entry);
    }
    entry.node ??= node;
    if (rule === "departed.duplicate-record") {
      entry.role = role;
      entry.member = member;
    } else if (entry.role === "none") entry.role = role;
    entry.member ??= member;
    entry.rules.add(rule);
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    return entry;
  }
}

function memberRules(quorum: QuorumAnalysis, collector: Collector) {
  const { members, nodeList } = quorum;
  const soleMember = members.length === 1;
  for (const member of members) {
    const { address, node, role } = member;
    if (soleMember && isLoopbackAddress(address)) continue;
    const add = (rule: Rule, reason: string) => collector.add(address, node, role, rule, reason, member);
    if (member.supersededBy) {
      const records = members.filter((m) => hostOf(m.address) === hostOf(address));
      const first = records.find((m) => m.address === address);
      const entry = add(
        "departed.duplicate-record",
        `${hostOf(address)} is listed twice in cluster.yaml: ID ${member.id} (${role}) is a stale record left over from an earlier membership; ${node ?? "the node"} re-joined as ID ${member.supersededBy}`,
      );
      entry.removableFirst = first === member;
      continue;
    }
    if (isLoopbackAddress(address)) {
      add(
        "departed.loopback-in-multi",
        `${address} is listed in a multi-node cluster.yaml: a node that formed its own cluster before joining, or a stale store, and no peer can reach it`,
      );
      continue;
    }
    if (member.alive !== true) {
      if (member.k8sNode && isNotReady(member.k8sNode))
        add("departed.not-ready", describeNotReady(member.k8sNode));
      if (nodeList.exists && !member.k8sNode && member.nodeVia !== "self") {
        if (node) add("departed.missing-node", `node ${node} is not in the Kubernetes node list`);
        else
          add(
            "departed.no-matching-node",
            "its address matches no node InternalIP in the Kubernetes node list",
          );
      }
    }
    if (member.unreachableFrom.length > 0) {
      const total = member.unreachableFrom.reduce((sum, u) => sum + u.failure.count, 0);
      const reporters = [...new Set(member.unreachableFrom.map((u) => reportLabel(u.reporter)))].join(", ");
      const kind = failureKind(member.unreachableFrom[0].failure.text);
      add(
        "departed.unreachable",
        `the datastore on ${reporters} keeps failing to reach it (${total} failed attempts${kind ? `, ${kind}` : ""})`,
      );
    }
  }
}

function strangerRules(quorum: QuorumAnalysis, collector: Collector) {
  const known = new Set(quorum.members.map((m) => m.address));
  const byAddress = new Map<string, { reporters: Set<string>; count: number; text: string }>();
  for (const { reporter, failure } of quorum.peerFailures) {
    // Failures that stopped long before the logs end: the peer came back or was removed.
    if (known.has(failure.address) || !isCurrentFailure(failure)) continue;
    const entry = byAddress.get(failure.address) ?? {
      reporters: new Set<string>(),
      count: 0,
      text: failure.text,
    };
    entry.reporters.add(reportLabel(reporter));
    entry.count += failure.count;
    byAddress.set(failure.address, entry);
  }
  for (const [address, { reporters, count, text }] of byAddress) {
    const kind = failureKind(text);
    const where = quorum.authoritative
      ? "it is not in the authoritative cluster.yaml"
      : "no control-plane cluster.yaml was attached to confirm its membership";
    collector.add(
      address,
      nodeForStranger(quorum, address),
      "none",
      "departed.unreachable",
      `the datastore on ${[...reporters].join(", ")} keeps failing to reach it (${count} failed attempts${kind ? `, ${kind}` : ""}); ${where}`,
      null,
    );
  }
}

function nodeForStranger(quorum: QuorumAnalysis, address: string): string | null {
  return quorum.nodeList.byIp.get(hostOf(address))?.name ?? null;
}

function twoVoterRule(quorum: QuorumAnalysis, collector: Collector) {
  const voters = quorum.members.filter((m) => m.role === "voter");
  if (voters.length !== 2) return;
  for (const voter of voters) {
    if (voter.alive === true || voter.ownReport) continue;
    const reason =
      voter.alive === false
        ? "the datastore has exactly two voters, both needed for quorum, so losing this one froze it"
        : "the datastore has exactly two voters and nothing shows this one alive: a third voter was probably lost or removed without --force, and both remaining voters are needed";
    collector.add(voter.address, voter.node, "voter", "departed.two-voters", reason, voter);
  }
}

function joinRule(reports: ReportData[], quorum: QuorumAnalysis, collector: Collector) {
  for (const report of reports) {
    if (report.identity.role === "worker") continue;
    const list = report.parsed.dqliteList;
    if (!list || (!list.hasJoinFile && !list.hasInitYaml)) continue;
    const files = [list.hasJoinFile ? "join" : null, list.hasInitYaml ? "init.yaml" : null].filter(
      (f): f is string => f !== null,
    );
    const ip = report.identity.addresses[0];
    const address =
      report.identity.dqliteAddress ?? (ip ? `${ip}:19001` : `unknown (${reportLabel(report)})`);
    const member = quorum.members.find((m) => m.address === address) ?? null;
    const entry = collector.add(
      address,
      report.identity.node,
      member?.role ?? "none",
      "departed.join-incomplete",
      `a leftover ${files.map((f) => `\`${f}\``).join(" and ")} in its dqlite backend folder: the join never completed`,
      member,
    );
    entry.joinFiles = files;
  }
}

function leftNodeRule(quorum: QuorumAnalysis, collector: Collector) {
  for (const view of quorum.ignoredViews) {
    const identity = view.report.identity;
    const member = quorum.members.find(
      (m) =>
        !isLoopbackAddress(m.address) &&
        ((identity.node !== null && sameNodeName(m.node, identity.node)) ||
          identity.addresses.includes(hostOf(m.address))),
    );
    if (!member) continue;
    collector.add(
      member.address,
      member.node ?? identity.node,
      member.role,
      "departed.left-node",
      `${reportLabel(view.report)}'s own datastore is now a separate single-node store (${view.members[0].address}): it left or was reset, yet the cluster still lists it`,
      member,
    );
  }
}

function hintFor(candidate: Candidate, quorum: QuorumAnalysis): { hint: string; docs: string | null } {
  const { rules, node, address } = candidate;
  const who = describeMember(address, node);
  if (rules.size === 1 && rules.has("departed.join-incomplete")) {
    const on = node ?? "that node";
    return {
      hint: `On ${on}: \`microk8s leave\`; then run \`microk8s add-node\` on a healthy control-plane node and the \`microk8s join …\` it prints on ${on}`,
      docs: DOCS.clustering,
    };
  }
  if (quorum.result.state === "lost") {
    return {
      hint: `Quorum is lost, so ${who} cannot be removed yet: recover quorum first (${DOCS.restoreQuorum}), then remove it`,
      docs: DOCS.restoreQuorum,
    };
  }
  if (rules.has("departed.duplicate-record")) {
    if (candidate.removableFirst) return { hint: dqliteRemoveHint(address), docs: DOCS.restoreQuorum };
    const on = node ?? hostOf(address);
    return {
      hint: `On ${on}: \`microk8s leave\`; then on a healthy control-plane node run ${dqliteRemoveHint(address)} until \`.cluster\` no longer lists ${address}; then re-join ${on}`,
      docs: DOCS.clustering,
    };
  }
  if (rules.has("departed.loopback-in-multi"))
    return { hint: dqliteRemoveHint(address), docs: DOCS.restoreQuorum };
  if (rules.size === 1 && rules.has("departed.two-voters")) {
    return {
      hint: `Attach ${who}'s report if it is alive; if it is gone for good, quorum is lost: ${DOCS.restoreQuorum}`,
      docs: DOCS.restoreQuorum,
    };
  }
  if (candidate.role === "none") {
    return {
      hint: `${dqliteCommand(".cluster")} — and if ${address} is listed, ${dqliteRemoveHint(address)}`,
      docs: null,
    };
  }
  if (node) return { hint: `microk8s remove-node ${node} --force`, docs: DOCS.clustering };
  return { hint: dqliteRemoveHint(address), docs: DOCS.clustering };
}

const ROLE_ORDER: MemberRole[] = ["voter", "stand-by", "spare", "none"];

export function findDepartedNodes(reports: ReportData[], quorum: QuorumAnalysis): DepartedNode[] {
  const collector = new Collector();
  memberRules(quorum, collector);
  strangerRules(quorum, collector);
  twoVoterRule(quorum, collector);
  leftNodeRule(quorum, collector);
  joinRule(reports, quorum, collector);

  const departed: DepartedNode[] = [];
  for (const candidate of collector.byAddress.values()) {
    const rule = RULE_PRIORITY.find((r) => candidate.rules.has(r)) ?? "departed.unreachable";
    const { hint, docs } = hintFor(candidate, quorum);
    let reason = capitalise(candidate.reasons.join("; "));
    if (rule === "departed.duplicate-record" && candidate.removableFirst && quorum.result.state !== "lost") {
      reason += " (`.remove` drops the first record with that address, which is this old one)";
    }
    departed.push({
      address: candidate.address,
      node: candidate.node,
      role: candidate.role,
      reason: `${reason}.`,
      hint,
      rule,
      docs,
      id: candidate.member?.id ?? null,
    });
  }
  return departed.sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
      (a.node ?? "\uffff").localeCompare(b.node ?? "\uffff") ||
      a.address.localeCompare(b.address),
  );
}
