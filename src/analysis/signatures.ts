/**
 * Signature hits → findings: one finding per (rule, node), hits of that node's files merged,
 * severity escalated or lowered by the rule's `escalate` and `sustained` settings, then put in
 * context: lines repeated by systemctl.log are counted once, the cluster dump (the same in every
 * report) is read once, and trouble that ended well before the report no longer alarms.
 */

import { lowerSeverity, mostSevere, severityRank } from "../result/severity.js";
import type { Evidence, Finding, Severity } from "../result/types.js";
import { effectiveSeverity, type Rating } from "../rules/severity.js";
import type { Catalogue, SignatureHit } from "../rules/types.js";
import { type RuleInfo, ruleInfo } from "./catalogue-info.js";
import {
  clockText,
  fileEndMinute,
  hitFirstMinute,
  hitLastMinute,
  serviceEndMinute,
  spanText,
} from "./clock.js";
import {
  findNode,
  isCurrentFailure,
  isNotReady,
  mergeNodeLists,
  PEER_UNREACHABLE,
  peerFailures,
} from "./cluster-context.js";
import type { ReportData } from "./types.js";

const MAX_EVIDENCE = 3;
/** A crash loop whose last restart is this long before the service's log ends, service running, is over. */
export const STABLE_AFTER_RESTARTS_MINUTES = 30;
/** The Kubernetes view every control-plane report holds a copy of. */
const CLUSTER_DUMP = "k8s/cluster-info-dump";

export interface GroupedHit {
  report: ReportData;
  hit: SignatureHit;
  /**
   * The lines are already counted elsewhere: a systemctl.log tail repeating its journal.log, or
   * another report's copy of the cluster dump. Kept for evidence, left out of counts and bursts.
   */
  duplicate: boolean;
}

export interface HitGroup {
  ruleId: string;
  node: string | null;
  hits: GroupedHit[];
}

/** Counted (non-duplicate) hits of a group. */
export function countedHits(group: HitGroup): SignatureHit[] {
  return group.hits.filter((h) => !h.duplicate).map((h) => h.hit);
}

/** Hits in the cluster dump describe the cluster (all nodes), except kubectl's own connection errors. */
function isClusterWide(hit: SignatureHit): boolean {
  return hit.file === CLUSTER_DUMP && !hit.ruleId.startsWith("apiserver.");
}

const STATUS_FILE = /^(.*\/)(?:systemctl|snapctl)\.log$/;

/** systemctl status shows the journal's last lines: within the journal's range they are the same lines. */
function repeatsJournal(report: ReportData, hit: SignatureHit): boolean {
  const folder = STATUS_FILE.exec(hit.file)?.[1];
  if (!folder) return false;
  const journalFile = `${folder}journal.log`;
  if (!report.hits.some((h) => h.ruleId === hit.ruleId && h.file === journalFile && h.count > 0))
    return false;
  const last = hitLastMinute(hit);
  const journalEnd = fileEndMinute(report, journalFile, last);
  return last !== null && journalEnd !== null && last <= journalEnd;
}

/** Hits grouped per (rule, node); reports of an unknown node stay apart; the cluster dump counts once. */
export function groupHits(reports: ReportData[]): HitGroup[] {
  const groups = new Map<string, HitGroup>();
  for (const report of reports) {
    const nodeKey = report.identity.node?.toLowerCase() ?? `#${report.source}`;
    for (const hit of report.hits) {
      if (hit.count <= 0) continue;
      const clusterWide = isClusterWide(hit);
      const key = `${hit.ruleId}\u0000${clusterWide ? "\u0000cluster" : nodeKey}`;
      let group = groups.get(key);
      if (!group) {
        group = { ruleId: hit.ruleId, node: clusterWide ? null : report.identity.node, hits: [] };
        groups.set(key, group);
      }
      group.hits.push({ report, hit, duplicate: !clusterWide && repeatsJournal(report, hit) });
    }
  }
  for (const group of groups.values()) {
    if (group.node !== null || !group.hits.every((h) => isClusterWide(h.hit))) continue;
    // Each report holds its own copy of the dump: count the fullest one.
    const fullest = group.hits.reduce((best, h) => (h.hit.count > best.hit.count ? h : best));
    for (const h of group.hits) h.duplicate = h !== fullest;
  }
  return [...groups.values()];
}

export type { Rating } from "../rules/severity.js";

/** Severity of a rule's hits (the catalogue's rule, or the fallback severity for an unknown id). */
export function rate(info: RuleInfo, hits: SignatureHit[]): Rating | null {
  return effectiveSeverity(
    { severity: info.severity, sustained: info.rule?.sustained, escalate: info.rule?.escalate },
    hits,
  );
}

/** Earliest firstSeen / latest lastSeen, ordered by the hits' minute buckets when known. */
function seenRange(hits: SignatureHit[]): { firstSeen: string | null; lastSeen: string | null } {
  const withFirst = hits.filter((h) => h.firstSeen !== null);
  const withLast = hits.filter((h) => h.lastSeen !== null);
  const earliest = [...withFirst].sort(
    (a, b) => (hitFirstMinute(a) ?? Infinity) - (hitFirstMinute(b) ?? Infinity),
  )[0];
  const latest = [...withLast].sort(
    (a, b) => (hitLastMinute(b) ?? -Infinity) - (hitLastMinute(a) ?? -Infinity),
  )[0];
  return { firstSeen: earliest?.firstSeen ?? null, lastSeen: latest?.lastSeen ?? null };
}

/** Up to MAX_EVIDENCE samples, taking one file at a time so that several files show; no line twice. */
function sampleEvidence(group: HitGroup): Evidence[] {
  const evidence: Evidence[] = [];
  // Lines already shown: a duplicate copy (systemctl's tail of the journal) must not repeat them.
  const seenText = new Set<string>();
  // Counted hits first: a duplicate copy only adds what the others lack (systemctl's latest lines);
  // another report's copy of the cluster dump adds nothing.
  const ordered = [...group.hits]
    .filter((h) => !(h.duplicate && isClusterWide(h.hit)))
    .sort((a, b) => Number(a.duplicate) - Number(b.duplicate));
  const queues = ordered.map(({ report, hit, duplicate }) => ({ report, hit, duplicate, next: 0 }));
  let progressed = true;
  while (evidence.length < MAX_EVIDENCE && progressed) {
    progressed = false;
    for (const queue of queues) {
      if (evidence.length >= MAX_EVIDENCE) break;
      let sample = queue.hit.samples[queue.next];
      while (sample && queue.duplicate && seenText.has(sample.text)) sample = queue.hit.samples[++queue.next];
      if (!sample) continue;
      queue.next++;
      progressed = true;
      seenText.add(sample.text);
      evidence.push({
        file: queue.hit.file,
        line: sample.line,
        text: sample.text,
        source: queue.report.source,
      });
    }
  }
  return evidence;
}

// --- context: what the lines mean at the time of the report -----------------------------------

/** Symptom → cause: alongside its cause on the same node, a symptom adds no severity of its own. */
const SYMPTOM_OF: Record<string, string> = {
  "dqlite.query-canceled": "dqlite.query-deadline",
};
const SYMPTOM_CAP: Severity = "medium";

const RUNNING = /^active(?:\s*\(running\).*)?$/i;
const SERVICE_FOLDER = /(?:^|\/)(?:snap\.)?microk8s\.daemon-([a-z0-9-]+)\//;

/** The `Active:` state of the service whose folder holds `file`. */
function serviceState(report: ReportData, service: string): string | null {
  for (const journal of Object.values(report.parsed.journals ?? {})) {
    if (journal.service === service && journal.activeState) return journal.activeState;
  }
  return null;
}

function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

/** Restart counters up to this are a start-up hiccup when the rule names no threshold of its own. */
const DEFAULT_RESTART_LIMIT = 5;
/** A loop whose restarts all fall within this many minutes is one start-up episode. */
const SHORT_LOOP_MINUTES = 10;

/**
 * A restart loop that is over: the service was running when the report was taken and either ran
 * for a long time after its last restart, or the loop was one short episode (a boot, a re-join)
 * with a low counter after which the service kept logging without exiting again.
 */
function endedCrashLoop(group: HitGroup, info: RuleInfo): { title: string } | null {
  if (!/crashloop$/.test(group.ruleId) || group.hits.length === 0) return null;
  const { report } = group.hits[0];
  if (group.hits.some((h) => h.report !== report)) return null;
  const service = SERVICE_FOLDER.exec(group.hits[0].hit.file)?.[1];
  if (!service) return null;
  const state = serviceState(report, service);
  if (!state || !RUNNING.test(state)) return null;
  const hits = countedHits(group);
  let first: number | null = null;
  let last: number | null = null;
  let counter: number | null = null;
  for (const hit of hits) {
    const from = hitFirstMinute(hit);
    const to = hitLastMinute(hit);
    if (from !== null && (first === null || from < first)) first = from;
    if (to !== null && (last === null || to > last)) last = to;
    if (hit.maxCapture !== null && (counter === null || hit.maxCapture > counter)) counter = hit.maxCapture;
  }
  const end = serviceEndMinute(report, service, last);
  if (first === null || last === null || end === null) return null;
  const when = first === last ? `at ${clockText(last)}` : `at ${clockText(first)}–${clockText(last)}`;
  const restarted = counter !== null ? `restarted ${times(counter)}` : "restarted";
  const running = `${state} when the report was taken`;
  if (end - last >= STABLE_AFTER_RESTARTS_MINUTES) {
    return {
      title: `${service} ${restarted} ${when}, then ran without a restart for ${spanText(end - last)} (${running})`,
    };
  }
  const escalate = info.rule?.escalate?.when;
  const limit = escalate && typeof escalate === "object" ? escalate.above : DEFAULT_RESTART_LIMIT;
  const shortEpisode = last - first <= SHORT_LOOP_MINUTES && (counter === null || counter <= limit);
  if (shortEpisode && end > last) {
    return { title: `${service} ${restarted} ${when}, then kept running (${running})` };
  }
  return null;
}

/** All the peers this node's datastore failed to reach came back (the failures stopped well before its log ends). */
function peersCameBack(group: HitGroup): { title: string } | null {
  if (group.ruleId !== PEER_UNREACHABLE) return null;
  const failures = [...new Set(group.hits.map((h) => h.report))].flatMap(peerFailures);
  if (failures.length === 0 || failures.some(isCurrentFailure)) return null;
  const last = failures.reduce((max, f) => Math.max(max, f.lastMinute ?? -Infinity), -Infinity);
  const peers = [...new Set(failures.map((f) => f.address))].join(", ");
  return { title: `A dqlite peer could not be reached until ${clockText(last)}, not since: ${peers}` };
}

const NOT_READY_NODE = /\bNode (\S+?) status is now: NodeNotReady/;

/** NodeNotReady events in the cluster dump about nodes that are Ready now: something that happened. */
function recoveredNodes(group: HitGroup, reports: ReportData[]): { title: string } | null {
  if (group.ruleId !== "node.not-ready-event" || group.node !== null) return null;
  const names = new Set<string>();
  for (const { hit } of group.hits) {
    for (const sample of hit.samples) {
      const name = NOT_READY_NODE.exec(sample.text)?.[1];
      if (name) names.add(name);
    }
  }
  if (names.size === 0) return null;
  const list = mergeNodeLists(reports);
  const nodes = [...names].map((name) => findNode(list, name));
  if (nodes.some((n) => n?.ready !== "True" || isNotReady(n))) return null;
  return {
    title: `${[...names].join(", ")} went NotReady earlier and ${names.size === 1 ? "is" : "are"} Ready now`,
  };
}

export function signatureFindings(reports: ReportData[], catalogue: Catalogue): Finding[] {
  const findings: Finding[] = [];
  const groups = groupHits(reports);
  for (const group of groups) {
    const info = ruleInfo(catalogue, group.ruleId);
    const counted = countedHits(group);
    const rating = rate(info, counted);
    if (!rating) continue;
    let severity = rating.severity;
    let title = rating.isolated ? `${info.title} (isolated)` : info.title;
    const history = endedCrashLoop(group, info) ?? peersCameBack(group) ?? recoveredNodes(group, reports);
    if (history) {
      // History, not a current problem: low at most (info for a node that is Ready again).
      const floor: Severity = group.ruleId === "node.not-ready-event" ? "info" : "low";
      if (severityRank(severity) < severityRank(floor)) severity = floor;
      title = history.title;
    }
    const finding: Finding = {
      id: group.ruleId,
      severity,
      title,
      node: group.node,
      count: counted.reduce((sum, h) => sum + h.count, 0),
      evidence: sampleEvidence(group),
      docs: info.docs,
      ...seenRange(group.hits.map((h) => h.hit)),
      sustained: rating.sustained,
    };
    if (info.meaning) finding.meaning = info.meaning;
    findings.push(finding);
  }
  return capSymptoms(findings);
}

/** A symptom next to its cause on the same node is capped (the cause's finding tells the story). */
function capSymptoms(findings: Finding[]): Finding[] {
  return findings.map((finding) => {
    const cause = SYMPTOM_OF[finding.id];
    if (!cause || severityRank(finding.severity) >= severityRank(SYMPTOM_CAP)) return finding;
    const hasCause = findings.some(
      (f) =>
        f.id === cause &&
        f.node === finding.node &&
        severityRank(f.severity) <= severityRank(finding.severity),
    );
    return hasCause ? { ...finding, severity: SYMPTOM_CAP } : finding;
  });
}
