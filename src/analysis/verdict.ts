/**
 * The one-line verdict that opens the comment: what a maintainer needs first, most severe and
 * most explanatory first — quorum, a datastore under stress, disk errors, stale or departed
 * members, then other serious findings, each told once across nodes.
 */

import { severityRank } from "../result/severity.js";
import type {
  DepartedNode,
  DiskError,
  DiskErrorKind,
  Finding,
  QuorumResult,
  ReportSummary,
  Severity,
} from "../result/types.js";
import { describeMember } from "./addresses.js";
import { clockText, minuteOf, minuteText } from "./clock.js";
import { sortFindings } from "./sort.js";

export interface VerdictInput {
  reports: ReportSummary[];
  quorum: QuorumResult;
  departedNodes: DepartedNode[];
  diskErrors: DiskError[];
  findings: Finding[];
}

const ICON: Record<"red" | "orange" | "yellow" | "green" | "white", string> = {
  red: "🔴",
  orange: "🟠",
  yellow: "🟡",
  green: "🟢",
  white: "⚪",
};

/** Longest verdict text (the renderer clips at 300 characters). */
const MAX_VERDICT_CHARS = 280;
const MAX_PARTS = 4;

/** Datastore stress signals, in the order they are named, with the words used for them. */
const STRESS: { id: string; words: string }[] = [
  { id: "dqlite.query-deadline", words: "query deadlines" },
  { id: "dqlite.database-locked", words: "'database is locked'" },
  { id: "apiserver.datastore-deadline", words: "API server timeouts on kine" },
];

/** Consequences of a stressed datastore: told by the stress part, not again on their own. */
const STRESS_CONSEQUENCES = new Set([
  "dqlite.query-canceled",
  "dqlite.list-failed",
  "apiserver.slow-request",
  "kubelite.lease-renew-timeout",
  "kubelite.leaderelection-lost",
]);

/** What a lost quorum brings with it: told by the quorum part. */
const QUORUM_LOST_CONSEQUENCES = new Set([
  "dqlite.no-leader",
  "kubelite.startup-deadline",
  "apiserver.datastore-deadline",
]);

/** Findings told by the quorum, departed or disk parts of the verdict. */
const TOLD_ELSEWHERE = new Set([
  "quorum.at-risk",
  "quorum.stale-member",
  "quorum.loopback-in-multi",
  "dqlite.join-incomplete",
  "kernel.io-error",
  "kernel.ext4-error",
  "disk.no-space",
]);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function names(items: string[], max: number): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  const list =
    shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
  return rest > 0 ? `${shown.join(", ")} and ${rest} more` : list;
}

/** "kube05, kube06, kube07, kube08" (a plain list reads better inside a sentence with "and"). */
function nodeList(nodes: string[], max = 5): string {
  const shown = nodes.slice(0, max);
  const rest = nodes.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} +${rest}` : shown.join(", ");
}

function isSerious(finding: Finding): boolean {
  return severityRank(finding.severity) <= severityRank("high");
}

function uniqueNodes(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.node ?? "cluster"))];
}

// --- parts --------------------------------------------------------------------------------------

interface Part {
  text: string;
  severity: Severity;
}

function quorumPart(quorum: QuorumResult, departed: DepartedNode[]): Part | null {
  const voters = quorum.voters.length;
  const downVoters = departed.filter((d) => d.role === "voter" && d.rule !== "departed.duplicate-record");
  const who =
    downVoters.length > 0
      ? ` — ${names(
          downVoters.map((d) => describeMember(d.address, d.node)),
          3,
        )} down`
      : "";
  if (quorum.state === "lost") {
    const head =
      quorum.aliveVoters !== null && quorum.aliveVoters < (quorum.quorumSize ?? 0)
        ? `Quorum lost: ${quorum.aliveVoters} of ${plural(voters, "voter")} alive`
        : "Quorum lost: the datastore has no leader";
    return { text: `${head}${who}`, severity: "critical" };
  }
  if (quorum.state === "degraded") {
    return {
      text: `Quorum degraded: ${quorum.aliveVoters ?? "?"} of ${voters} voters alive${who}`,
      severity: "high",
    };
  }
  return null;
}

/** "Datastore under stress: sustained query deadlines on a, b and 'database is locked' on a". */
function stressPart(findings: Finding[], multi: boolean): Part | null {
  const clauses: { words: string; nodes: string[] }[] = [];
  let worst: Severity = "high";
  for (const { id, words } of STRESS) {
    const hits = findings.filter((f) => f.id === id && f.sustained === true && isSerious(f));
    if (hits.length === 0) continue;
    const ranked = [...hits].sort((a, b) => b.count - a.count);
    clauses.push({ words, nodes: uniqueNodes(ranked) });
    for (const f of hits) if (severityRank(f.severity) < severityRank(worst)) worst = f.severity;
  }
  if (clauses.length === 0) return null;
  const stressed = findings.filter(
    (f) => STRESS.some((s) => s.id === f.id) && f.sustained === true && isSerious(f),
  );
  const shown = clauses.slice(0, 2);
  const sameNodes = shown.every((c) => c.nodes.join() === shown[0].nodes.join());
  const where = (nodes: string[]) => (multi ? ` on ${nodeList(nodes)}` : "");
  const text = sameNodes
    ? `${shown.map((c) => c.words).join(" and ")}${where(shown[0].nodes)}`
    : shown.map((c) => `${c.words}${where(c.nodes)}`).join(" and ");
  return { text: `Datastore under stress${span(stressed)}: sustained ${text}`, severity: worst };
}

/** " 15:05–18:50" (or with dates when it spans days) over the findings' first and last lines. */
function span(findings: Finding[]): string {
  let first: number | null = null;
  let last: number | null = null;
  for (const f of findings) {
    const from = minuteOf(f.firstSeen);
    const to = minuteOf(f.lastSeen, from);
    if (from !== null && (first === null || from < first)) first = from;
    if (to !== null && (last === null || to > last)) last = to;
  }
  if (first === null || last === null || last < first) return "";
  const sameDay = minuteText(first).slice(0, 10) === minuteText(last).slice(0, 10);
  return sameDay ? ` ${clockText(first)}–${clockText(last)}` : ` ${minuteText(first)} – ${minuteText(last)}`;
}

const DISK_WORDS: Record<DiskErrorKind, string> = {
  "io-error": "I/O",
  "fs-error": "filesystem",
  smart: "SMART",
  "disk-full": "full",
  other: "other",
};

/** "disk I/O + EXT4 errors on kube06/sdb" — per node and device, kinds together. */
function diskPart(errors: DiskError[]): Part | null {
  if (errors.length === 0) return null;
  const places = new Map<string, DiskError[]>();
  for (const error of errors) {
    const place =
      error.kind === "disk-full"
        ? `${error.node ?? "?"}:${error.device}`
        : `${error.node ?? "?"}/${error.device}`;
    places.set(place, [...(places.get(place) ?? []), error]);
  }
  const items = [...places].map(([place, list]) => {
    if (list.every((e) => e.kind === "disk-full")) return `disk full on ${place}`;
    const kinds = [
      ...new Set(
        list
          .filter((e) => e.kind !== "disk-full")
          .map((e) => (e.kind === "fs-error" && /EXT4/i.test(e.sample) ? "EXT4" : DISK_WORDS[e.kind])),
      ),
    ];
    return `disk ${kinds.join(" + ")} errors on ${place}`;
  });
  const serious = errors.some((e) => e.kind === "io-error" || e.kind === "fs-error");
  const text =
    items.length > 2 ? `${items.slice(0, 2).join(", ")} (+${items.length - 2} more)` : items.join(", ");
  return { text, severity: serious ? "critical" : "high" };
}

function shortId(id: string | null | undefined): string {
  if (!id) return "";
  return id.length > 8 ? `${id.slice(0, 4)}…` : id;
}

/** Stale records (a re-join's leftover) and departed members, unless the quorum part named them. */
function departedPart(departed: DepartedNode[], quorum: QuorumResult): Part | null {
  const toldByQuorum = (d: DepartedNode) =>
    (quorum.state === "lost" || quorum.state === "degraded") &&
    d.role === "voter" &&
    d.rule !== "departed.duplicate-record";
  // "Two voters, no sign of the other" is a suspicion, told by the quorum.two-voters finding instead.
  const relevant = departed.filter(
    (d) =>
      (d.role !== "none" || d.rule === "departed.join-incomplete") &&
      d.rule !== "departed.two-voters" &&
      !toldByQuorum(d),
  );
  if (relevant.length === 0) return null;
  const stale = relevant.filter((d) => d.rule === "departed.duplicate-record");
  const joins = relevant.filter((d) => d.rule === "departed.join-incomplete");
  const gone = relevant.filter((d) => !stale.includes(d) && !joins.includes(d));
  const clauses: string[] = [];
  if (stale.length > 0) {
    const items = stale.map((d) => {
      const id = shortId(d.id);
      return `${d.node ?? d.address}${id ? ` (old ID ${id})` : ""}`;
    });
    clauses.push(
      `stale dqlite record${stale.length === 1 ? "" : "s"} of ${names(items, 2)} should be removed`,
    );
  }
  if (gone.length > 0)
    clauses.push(
      `${names(
        gone.map((d) => describeMember(d.address, d.node)),
        2,
      )} departed`,
    );
  if (joins.length > 0)
    clauses.push(
      `unfinished join on ${names(
        joins.map((d) => d.node ?? d.address),
        2,
      )}`,
    );
  // A voter record that is gone (stale or departed) costs a vote: more than a leftover spare.
  const severity: Severity = [...gone, ...stale].some((d) => d.role === "voter") ? "high" : "medium";
  return { text: clauses.join("; "), severity };
}

/** Other serious findings, one clause per id across nodes: "<title> on a, b". */
function findingParts(findings: Finding[], told: (f: Finding) => boolean, multi: boolean): Part[] {
  const byId = new Map<string, Finding[]>();
  for (const finding of sortFindings(findings)) {
    if (!isSerious(finding) || told(finding)) continue;
    byId.set(finding.id, [...(byId.get(finding.id) ?? []), finding]);
  }
  return [...byId.values()].map((group) => {
    const top = group[0];
    const nodes = uniqueNodes(group).filter((n) => n !== "cluster");
    const where = multi && nodes.length > 0 ? ` on ${nodeList(nodes, 3)}` : "";
    return { text: `${top.title}${where}`, severity: top.severity };
  });
}

function colour(parts: Part[], quorum: QuorumResult): keyof typeof ICON {
  const worst = parts.reduce<Severity | null>(
    (w, p) => (w === null || severityRank(p.severity) < severityRank(w) ? p.severity : w),
    null,
  );
  if (quorum.state === "lost" || worst === "critical") return "red";
  if (quorum.state === "degraded" || worst === "high") return "orange";
  return "yellow";
}

/** Joins parts with "; " while the line stays short; at least the first part is kept. */
function joinParts(parts: Part[]): string {
  let text = "";
  for (const part of parts.slice(0, MAX_PARTS)) {
    const next = text ? `${text}; ${part.text}` : part.text;
    if (text && next.length > MAX_VERDICT_CHARS) break;
    text = next;
  }
  return text;
}

export function buildVerdict(input: VerdictInput): string {
  const readable = input.reports.filter((r) => r.error === null);
  const unreadable = input.reports.length - readable.length;
  if (readable.length === 0) {
    return unreadable > 0
      ? `${ICON.white} No report could be read (${plural(unreadable, "input")} failed)`
      : `${ICON.white} No report to analyse`;
  }
  const suffix = unreadable > 0 ? ` (${plural(unreadable, "report")} unreadable)` : "";
  const sorted = sortFindings(input.findings);

  const quorum = quorumPart(input.quorum, input.departedNodes);
  // A lost quorum explains the datastore's timeouts; they are not a second story then.
  // With one report, "on <node>" says nothing.
  const multi = readable.length > 1;
  const stress = input.quorum.state === "lost" ? null : stressPart(sorted, multi);
  const disk = diskPart(input.diskErrors);
  const departed = departedPart(input.departedNodes, input.quorum);
  const departedTold = input.departedNodes.some(
    (d) => d.role !== "none" || d.rule === "departed.unreachable",
  );
  const told = (f: Finding): boolean => {
    if (TOLD_ELSEWHERE.has(f.id)) return true;
    if (f.id === "disk.usage-high") return input.diskErrors.some((d) => d.kind === "disk-full");
    if (f.id === "dqlite.peer-unreachable") return departedTold;
    if (QUORUM_LOST_CONSEQUENCES.has(f.id) && input.quorum.state === "lost") return true;
    const stressTold = stress !== null || input.quorum.state === "lost";
    if (stressTold && (STRESS.some((s) => s.id === f.id) || STRESS_CONSEQUENCES.has(f.id))) return true;
    return false;
  };
  const others = findingParts(sorted, told, multi);

  // Quorum first; then what explains the incident (stress), then data at risk (disk), then membership.
  const parts = [quorum, stress, disk, departed, ...others].filter((p): p is Part => p !== null);
  if (parts.length > 0) {
    return `${ICON[colour(parts, input.quorum)]} ${capitalise(joinParts(parts))}${suffix}`;
  }

  const context =
    input.quorum.state === "not-ha"
      ? input.quorum.voters.length === 1
        ? " (single-node datastore, not HA)"
        : " (not HA)"
      : input.quorum.state === "unknown"
        ? " (quorum unknown: no control-plane cluster.yaml)"
        : input.quorum.state === "healthy"
          ? ` (datastore healthy: ${plural(input.quorum.voters.length, "voter")})`
          : "";
  const medium = sorted.find((f) => f.severity === "medium");
  if (medium) {
    const nodes = uniqueNodes(sorted.filter((f) => f.id === medium.id && f.severity === "medium")).filter(
      (n) => n !== "cluster",
    );
    const where = multi && nodes.length > 0 ? ` on ${nodeList(nodes, 3)}` : "";
    return `${ICON.yellow} No serious problem found in ${plural(readable.length, "report")}${context}; worth a look: ${medium.title}${where}${suffix}`;
  }
  return `${ICON.green} No known problem found in ${plural(readable.length, "report")}${context}${suffix}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
