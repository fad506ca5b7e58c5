/**
 * Signature hits → findings: one finding per (rule, node), hits of that node's files merged,
 * severity escalated or lowered by the rule's `escalate` and `sustained` settings.
 */
import type { Evidence, Finding, Severity } from "../result/types.js";
import type { Catalogue, SignatureHit } from "../rules/types.js";
import { lowerSeverity, mostSevere, type RuleInfo, ruleInfo } from "./catalogue-info.js";
import type { ReportData } from "./types.js";

const MAX_EVIDENCE = 3;

export interface HitGroup {
  ruleId: string;
  node: string | null;
  hits: { report: ReportData; hit: SignatureHit }[];
}

/** Hits grouped per (rule, node); reports of an unknown node stay apart. */
export function groupHits(reports: ReportData[]): HitGroup[] {
  const groups = new Map<string, HitGroup>();
  for (const report of reports) {
    const nodeKey = report.identity.node?.toLowerCase() ?? `#${report.source}`;
    for (const hit of report.hits) {
      if (hit.count <= 0) continue;
      const key = `${hit.ruleId}\u0000${nodeKey}`;
      let group = groups.get(key);
      if (!group) {
        group = { ruleId: hit.ruleId, node: report.identity.node, hits: [] };
        groups.set(key, group);
      }
      group.hits.push({ report, hit });
    }
  }
  return [...groups.values()];
}

export interface Rating {
  severity: Severity;
  sustained: boolean;
  /** The rule wants a sustained burst and this was not one. */
  isolated: boolean;
}

/** Severity of a rule's hits: escalated when its condition holds, lowered when a wanted burst is missing. */
export function rate(info: RuleInfo, hits: SignatureHit[]): Rating | null {
  if (info.severity === "noise") return null;
  const base: Severity = info.severity;
  const sustained = hits.some((h) => h.sustained);
  const maxCapture = hits.reduce<number | null>(
    (max, h) => (h.maxCapture !== null && (max === null || h.maxCapture > max) ? h.maxCapture : max),
    null,
  );
  const escalate = info.rule?.escalate;
  let escalated = false;
  if (escalate) {
    const when = escalate.when;
    escalated =
      when === "sustained"
        ? sustained
        : maxCapture !== null && Number.isFinite(when.above) && maxCapture > when.above;
  }
  if (escalated && escalate)
    return { severity: mostSevere(base, escalate.severity), sustained, isolated: false };
  if (info.rule?.sustained && !sustained) {
    // A one-off at start-up or shutdown must not read as an incident.
    return { severity: lowerSeverity(base, 2, "low"), sustained, isolated: true };
  }
  return { severity: base, sustained, isolated: false };
}

function firstMinute(hit: SignatureHit): number | null {
  let min: number | null = null;
  for (const minute of hit.perMinute?.keys() ?? []) if (min === null || minute < min) min = minute;
  return min;
}

function lastMinute(hit: SignatureHit): number | null {
  let max: number | null = null;
  for (const minute of hit.perMinute?.keys() ?? []) if (max === null || minute > max) max = minute;
  return max;
}

/** Earliest firstSeen / latest lastSeen, ordered by the hits' minute buckets when known. */
function seenRange(hits: SignatureHit[]): { firstSeen: string | null; lastSeen: string | null } {
  const withFirst = hits.filter((h) => h.firstSeen !== null);
  const withLast = hits.filter((h) => h.lastSeen !== null);
  const earliest = [...withFirst].sort(
    (a, b) => (firstMinute(a) ?? Infinity) - (firstMinute(b) ?? Infinity),
  )[0];
  const latest = [...withLast].sort((a, b) => (lastMinute(b) ?? -Infinity) - (lastMinute(a) ?? -Infinity))[0];
  return { firstSeen: earliest?.firstSeen ?? null, lastSeen: latest?.lastSeen ?? null };
}

/** Up to MAX_EVIDENCE samples, taking one file at a time so that several files show. */
function sampleEvidence(group: HitGroup): Evidence[] {
  const evidence: Evidence[] = [];
  const queues = group.hits.map(({ report, hit }) => ({ report, hit, next: 0 }));
  let progressed = true;
  while (evidence.length < MAX_EVIDENCE && progressed) {
    progressed = false;
    for (const queue of queues) {
      if (evidence.length >= MAX_EVIDENCE) break;
      const sample = queue.hit.samples[queue.next];
      if (!sample) continue;
      queue.next++;
      progressed = true;
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

export function signatureFindings(reports: ReportData[], catalogue: Catalogue): Finding[] {
  const findings: Finding[] = [];
  for (const group of groupHits(reports)) {
    const info = ruleInfo(catalogue, group.ruleId);
    const hits = group.hits.map((h) => h.hit);
    const rating = rate(info, hits);
    if (!rating) continue;
    const finding: Finding = {
      id: group.ruleId,
      severity: rating.severity,
      title: rating.isolated ? `${info.title} (isolated)` : info.title,
      node: group.node,
      count: hits.reduce((sum, h) => sum + h.count, 0),
      evidence: sampleEvidence(group),
      docs: info.docs,
      ...seenRange(hits),
      sustained: rating.sustained,
    };
    if (info.meaning) finding.meaning = info.meaning;
    findings.push(finding);
  }
  return findings;
}
