/**
 * Facts shared by the cluster-wide analyses: the merged Kubernetes node list, which report is
 * which node, and which peers a node's datastore keeps failing to reach.
 */
import type { JournalSummary, K8sNode } from "../parsers/types.js";
import type { SignatureHit } from "../rules/types.js";
import { HOST_PORT, hostOf, isLoopbackHost, sameNodeName, serverAddressesIn } from "./addresses.js";
import {
  CURRENT_WINDOW_MINUTES,
  fileEndMinute,
  hitFirstMinute,
  hitLastMinute,
  serviceEndMinute,
} from "./clock.js";
import type { ReportData } from "./types.js";

export const PEER_UNREACHABLE = "dqlite.peer-unreachable";
export const NO_LEADER = "dqlite.no-leader";

export interface NodeRecord extends K8sNode {
  /** Source of the report whose cluster-info-dump gave this record. */
  source: string;
}

export interface NodeList {
  /** True when at least one report holds a readable node list. */
  exists: boolean;
  nodes: NodeRecord[];
  byIp: Map<string, NodeRecord>;
}

/** Report time for ordering; null sorts first. */
export function byTakenAt(a: ReportData, b: ReportData): number {
  return (a.takenAt ?? "").localeCompare(b.takenAt ?? "");
}

/**
 * Merges every readable node list. `preferred` reports (members of the main cluster) win over
 * others: a node that left and formed its own one-node cluster reports itself Ready there.
 * Among equals, the bigger list, then the later report, wins.
 */
export function mergeNodeLists(reports: ReportData[], preferred: Set<ReportData> = new Set()): NodeList {
  const dumps = reports.filter(
    (r) => r.parsed.clusterInfoDump?.available && r.parsed.clusterInfoDump.nodes.length > 0,
  );
  const ranked = [...dumps].sort(
    (a, b) =>
      Number(preferred.has(a)) - Number(preferred.has(b)) ||
      a.parsed.clusterInfoDump!.nodes.length - b.parsed.clusterInfoDump!.nodes.length ||
      byTakenAt(a, b),
  );
  const byName = new Map<string, NodeRecord>();
  for (const report of ranked) {
    for (const node of report.parsed.clusterInfoDump!.nodes) {
      byName.set(node.name.toLowerCase(), { ...node, source: report.source });
    }
  }
  const nodes = [...byName.values()];
  const byIp = new Map<string, NodeRecord>();
  for (const node of nodes) for (const ip of node.internalIPs) byIp.set(ip.toLowerCase(), node);
  return { exists: dumps.length > 0, nodes, byIp };
}

export function findNode(list: NodeList, name: string | null): NodeRecord | null {
  if (!name) return null;
  return (
    list.nodes.find((n) => n.name.toLowerCase() === name.toLowerCase()) ??
    list.nodes.find((n) => sameNodeName(n.name, name)) ??
    null
  );
}

export function isNotReady(node: K8sNode): boolean {
  return node.ready === "False" || node.ready === "Unknown";
}

export function describeNotReady(node: K8sNode): string {
  const why = node.readyMessage || node.readyReason;
  const since = node.readySince ? ` since ${node.readySince}` : "";
  return `node ${node.name} is NotReady${why ? ` (${why.replace(/\.$/, "")})` : ""}${since}`;
}

/** Journals of the service that runs the datastore in this report's generation. */
function datastoreJournals(report: ReportData): JournalSummary[] {
  const service = report.layout.datastoreService ?? "k8s-dqlite";
  return Object.values(report.parsed.journals ?? {}).filter((j) => j.service === service);
}

/** The datastore service's `Active:` state from systemctl.log / snapctl.log, when present. */
export function datastoreActiveState(report: ReportData): string | null {
  for (const journal of datastoreJournals(report)) if (journal.activeState) return journal.activeState;
  return null;
}

/** Minutes (since epoch) in which a group of hits matched. */
function minutesOf(hits: SignatureHit[]): Set<number> {
  const minutes = new Set<number>();
  for (const hit of hits) for (const minute of hit.perMinute?.keys() ?? []) minutes.add(minute);
  return minutes;
}

/**
 * "Keeps failing": the scanner's verdict when the rule has a sustained threshold (`judged`),
 * otherwise many lines spread over several minutes.
 */
export function keepsHappening(count: number, sustained: boolean, minutes: number, judged = false): boolean {
  if (judged) return sustained;
  return sustained || (count >= 30 && minutes >= 3);
}

export function hasSustainedNoLeader(report: ReportData, judged = false): boolean {
  const hits = report.hits.filter((h) => h.ruleId === NO_LEADER);
  if (hits.length === 0) return false;
  const count = hits.reduce((sum, h) => sum + h.count, 0);
  return keepsHappening(
    count,
    hits.some((h) => h.sustained),
    minutesOf(hits).size,
    judged,
  );
}

export function noLeaderSample(report: ReportData): { file: string; line: number; text: string } | null {
  const hit = report.hits.find((h) => h.ruleId === NO_LEADER && h.samples.length > 0);
  return hit ? { file: hit.file, ...hit.samples[0] } : null;
}

export interface PeerFailure {
  address: string;
  /** Lines naming this address (estimated when one hit names several addresses). */
  count: number;
  sustained: boolean;
  minutes: number;
  file: string;
  line: number;
  text: string;
  /**
   * First and last minute of the failures (node clock, scanner scale); null when the lines had no
   * time. When one hit names several peers these are the hit's, an outer bound for each peer.
   */
  firstMinute: number | null;
  lastMinute: number | null;
  /** Last line of the reporter's datastore log; null when unknown. */
  logEndMinute: number | null;
}

/** Share of a hit's lines a peer needs before the hit's "sustained" and minutes count for it. */
const PEER_SHARE = 0.1;

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function latest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Peers this report's datastore failed to reach, from dqlite.peer-unreachable hits. */
export function peerFailures(report: ReportData): PeerFailure[] {
  const byAddress = new Map<string, PeerFailure & { minuteSet: Set<number> }>();
  const service = report.layout?.datastoreService ?? "k8s-dqlite";
  for (const hit of report.hits) {
    if (hit.ruleId !== PEER_UNREACHABLE) continue;
    const named = new Set<string>(hit.captures.filter((c) => HOST_PORT.test(c)));
    for (const sample of hit.samples)
      for (const address of serverAddressesIn(sample.text)) named.add(address);
    if (named.size === 0) continue;
    const minutes = new Set(hit.perMinute?.keys() ?? []);
    const firstMinute = hitFirstMinute(hit);
    const lastMinute = hitLastMinute(hit);
    const logEndMinute = latest(
      fileEndMinute(report, hit.file, lastMinute),
      serviceEndMinute(report, service, lastMinute),
    );
    for (const address of named) {
      const samples = hit.samples.filter((s) => s.text.includes(address));
      let count: number;
      let sustained: boolean;
      // The hit's minutes belong to this peer only when it is the hit's only or a major peer.
      let ownMinutes = minutes.size;
      if (hit.captureCounts?.[address] !== undefined) {
        count = hit.captureCounts[address];
        const major = count >= hit.count * PEER_SHARE;
        sustained = hit.sustained && major;
        if (!major) ownMinutes = 0;
      } else if (named.size === 1) {
        count = hit.count;
        sustained = hit.sustained;
      } else {
        // Several peers in one hit and no per-peer counts: estimate from the samples, and only
        // call it sustained when this peer dominates them.
        const share = hit.samples.length > 0 ? samples.length / hit.samples.length : 0;
        count = Math.max(samples.length, Math.round(hit.count * share));
        sustained = hit.sustained && share >= 0.5;
        if (share < 0.5) ownMinutes = 0;
      }
      const sample = samples[0] ?? hit.samples[0];
      const existing = byAddress.get(address);
      if (existing) {
        existing.count += count;
        existing.sustained ||= sustained;
        if (ownMinutes > 0) for (const m of minutes) existing.minuteSet.add(m);
        existing.minutes = existing.minuteSet.size;
        existing.firstMinute = earliest(existing.firstMinute, firstMinute);
        existing.lastMinute = latest(existing.lastMinute, lastMinute);
        existing.logEndMinute = latest(existing.logEndMinute, logEndMinute);
      } else {
        byAddress.set(address, {
          address,
          count,
          sustained,
          minutes: ownMinutes,
          minuteSet: new Set(ownMinutes > 0 ? minutes : []),
          file: hit.file,
          line: sample?.line ?? 1,
          text: sample?.text ?? "",
          firstMinute,
          lastMinute,
          logEndMinute,
        });
      }
    }
  }
  return [...byAddress.values()].map(({ minuteSet: _unused, ...failure }) => failure);
}

/**
 * Whether the failures went on until near the end of the reporter's log. Failures that stopped
 * well before it (the peer came back, re-joined or was removed) are history, not a current outage.
 * Unknown times count as current: without a clock nothing shows that they stopped.
 */
export function isCurrentFailure(failure: PeerFailure): boolean {
  if (failure.lastMinute === null || failure.logEndMinute === null) return true;
  return failure.logEndMinute - failure.lastMinute <= CURRENT_WINDOW_MINUTES;
}

/** Failures that amount to "keeps failing to reach" rather than a blip during a restart. */
export function persistentPeerFailures(report: ReportData, judged = false): PeerFailure[] {
  const own = report.identity.dqliteAddress;
  return peerFailures(report).filter(
    (f) =>
      f.address !== own &&
      keepsHappening(f.count, f.sustained, f.minutes, judged) &&
      !isOwnLoopback(report, f.address),
  );
}

function isOwnLoopback(report: ReportData, address: string): boolean {
  const own = report.identity.dqliteAddress;
  return isLoopbackHost(hostOf(address)) && own !== null && isLoopbackHost(hostOf(own));
}

/** Label of a report in sentences: its node name, else its source. */
export function reportLabel(report: ReportData): string {
  return report.identity.node ?? report.source;
}
