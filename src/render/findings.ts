/**
 * Entries of "Other findings". The JSON keeps one finding per (id, node); the comment groups the
 * same finding across nodes into one entry ("kube05 1030×, kube06 957×, …") with evidence from the
 * worst nodes. Each entry renders at one of several levels of detail; the comment budget lowers
 * the level of the least severe entries first.
 */

import { severityRank } from "../result/severity.js";
import type { Evidence, Finding, Severity } from "../result/types.js";
import {
  bootSeconds,
  clip,
  codeSpan,
  details,
  fencedBlock,
  formatRange,
  formatTimestamp,
  inlineText,
  plural,
  safeLink,
} from "./md-text.js";
import { SEVERITY_EMOJI } from "./verdict.js";

/**
 * full: header, meaning and evidence · brief: header and meaning (evidence omitted) ·
 * line: the header line only · hidden: not shown at all.
 */
export type FindingLevel = "full" | "brief" | "line" | "hidden";

export interface FindingContext {
  /** Report source → node name, to say where a piece of evidence came from. */
  sourceNames: ReadonlyMap<string, string>;
  /** Whether several reports were analysed (only then is the source of evidence worth naming). */
  multiReport: boolean;
}

/** One entry of the comment: findings of one id, severity and title, one per node, worst node first. */
export interface FindingEntry {
  id: string;
  severity: Severity;
  title: string;
  docs: string | null;
  meaning?: string;
  members: Finding[];
}

const MAX_EVIDENCE = 10;
/** Evidence of a grouped entry: from the worst few nodes, a few lines in all. */
const MAX_GROUP_EVIDENCE = 4;
const MAX_GROUP_EVIDENCE_NODES = 3;
const MAX_NODES_LISTED = 8;
const MAX_EVIDENCE_CHARS = 2000;

/** Groups findings (already sorted, most severe first) into entries, keeping that order. */
export function groupFindings(findings: readonly Finding[]): FindingEntry[] {
  const entries = new Map<string, FindingEntry>();
  for (const finding of findings) {
    const key = `${finding.id}\u0000${finding.severity}\u0000${finding.title}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = {
        id: finding.id,
        severity: finding.severity,
        title: finding.title,
        docs: finding.docs,
        members: [],
      };
      if (finding.meaning) entry.meaning = finding.meaning;
      entries.set(key, entry);
    }
    entry.docs ??= finding.docs;
    entry.meaning ??= finding.meaning;
    entry.members.push(finding);
  }
  for (const entry of entries.values()) entry.members.sort((a, b) => (b.count ?? 0) - (a.count ?? 0));
  return orderEntries([...entries.values()]);
}

/** Causes before consequences: membership, datastore and disk first, the API server and Kubernetes after. */
function causeRank(id: string): number {
  if (id.startsWith("quorum.")) return 0;
  if (/^(?:dqlite|kernel|disk)\./.test(id)) return 1;
  if (id === "apiserver.datastore-deadline") return 2;
  return 3;
}

function totalLines(entry: FindingEntry): number {
  return entry.members.reduce((sum, m) => sum + (m.count ?? 0), 0);
}

/** Most severe first; within a severity, causes first, then the entries with the most lines. */
export function orderEntries(entries: FindingEntry[]): FindingEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        severityRank(a.entry.severity) - severityRank(b.entry.severity) ||
        causeRank(a.entry.id) - causeRank(b.entry.id) ||
        totalLines(b.entry) - totalLines(a.entry) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
}

/** A sortable key for a timestamp as shown ("2023-02-06 15:05:27", "Oct 29 17:41:08", boot-relative). */
function timeKey(ts: string | null | undefined): string | null {
  const boot = bootSeconds(ts);
  if (boot !== null) return `boot ${boot.toFixed(6).padStart(20, "0")}`;
  const shown = formatTimestamp(ts);
  return shown === "" ? null : shown;
}

function pickTime(
  values: (string | null | undefined)[],
  better: (a: string, b: string) => boolean,
): string | null {
  let best: string | null = null;
  for (const value of values) {
    const key = timeKey(value);
    if (key === null) continue;
    if (best === null || better(key, timeKey(best)!)) best = value!;
  }
  return best;
}

/** Earliest first and latest last seen over the members (same format assumed, as one engine wrote them). */
export function entryRange(entry: FindingEntry): string {
  const first = pickTime(
    entry.members.map((m) => m.firstSeen),
    (a, b) => a < b,
  );
  const last = pickTime(
    entry.members.map((m) => m.lastSeen),
    (a, b) => a > b,
  );
  return formatRange(first, last);
}

function nodeLabel(finding: Finding): string {
  return finding.node ? inlineText(finding.node, 80) : "cluster-wide";
}

function sustainedNote(entry: FindingEntry): string | null {
  const sustained = entry.members.filter((m) => m.sustained);
  if (sustained.length === 0) return null;
  if (sustained.length === entry.members.length) return "sustained";
  return `sustained on ${sustained.map(nodeLabel).join(", ")}`;
}

export function entryHeader(entry: FindingEntry): string {
  const emoji = SEVERITY_EMOJI[entry.severity] ?? "•";
  const docs = entry.docs ? ` — ${safeLink("docs", entry.docs)}` : "";
  const title = `${emoji} **${inlineText(entry.title, 200)}**`;
  const range = entryRange(entry);
  const sustained = sustainedNote(entry);
  if (entry.members.length === 1) {
    const only = entry.members[0]!;
    const facts = [codeSpan(entry.id, { max: 80 }), nodeLabel(only), `${only.count ?? 0}×`];
    if (range) facts.push(inlineText(range, 80));
    if (sustained) facts.push(sustained);
    return `${title} (${facts.join(", ")})${docs}`;
  }
  const shown = entry.members.slice(0, MAX_NODES_LISTED).map((m) => `${nodeLabel(m)} ${m.count ?? 0}×`);
  if (entry.members.length > shown.length) shown.push(`${entry.members.length - shown.length} more`);
  const tail = [range ? inlineText(range, 80) : null, sustained].filter((t): t is string => t !== null);
  return `${title} (${codeSpan(entry.id, { max: 80 })}) — ${shown.join(", ")}${tail.length > 0 ? `; ${tail.join(", ")}` : ""}${docs}`;
}

function evidenceLocation(evidence: Evidence, context: FindingContext): string {
  const where = codeSpan(evidence.line ? `${evidence.file}:${evidence.line}` : evidence.file, { max: 200 });
  if (!context.multiReport || !evidence.source) return where;
  const from = context.sourceNames.get(evidence.source) ?? evidence.source;
  return `${where} · from ${codeSpan(from, { max: 120 })}`;
}

/** Evidence of an entry: all of a single finding's (up to MAX_EVIDENCE), else a few from the worst nodes. */
function entryEvidence(entry: FindingEntry): Evidence[] {
  if (entry.members.length === 1) return entry.members[0]!.evidence.slice(0, MAX_EVIDENCE);
  const queues = entry.members.slice(0, MAX_GROUP_EVIDENCE_NODES).map((m) => [...(m.evidence ?? [])]);
  const picked: Evidence[] = [];
  while (picked.length < MAX_GROUP_EVIDENCE && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next && picked.length < MAX_GROUP_EVIDENCE) picked.push(next);
    }
  }
  return picked;
}

export function evidenceDetails(entry: FindingEntry, context: FindingContext): string | null {
  const shown = entryEvidence(entry);
  if (shown.length === 0) return null;
  const lines = entry.members.reduce((sum, m) => sum + Math.max(m.count ?? 0, m.evidence.length), 0);
  const total = Math.max(lines, shown.length);
  const summary =
    shown.length < total
      ? `Evidence (${shown.length} of ${total} lines)`
      : `Evidence (${plural(shown.length, "line")})`;
  const body = shown
    .map((e) => `${evidenceLocation(e, context)}\n${fencedBlock(clip(e.text ?? "", MAX_EVIDENCE_CHARS))}`)
    .join("\n\n");
  return details(summary, body);
}

export function entryBlock(entry: FindingEntry, level: FindingLevel, context: FindingContext): string {
  if (level === "hidden") return "";
  const parts = [entryHeader(entry)];
  if (level === "line") return parts[0]!;
  if (entry.meaning) parts.push(inlineText(entry.meaning, 600));
  if (level === "full") {
    const evidence = evidenceDetails(entry, context);
    if (evidence) parts.push(evidence);
  }
  return parts.join("\n\n");
}
