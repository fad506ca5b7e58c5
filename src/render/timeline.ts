/**
 * A compact per-node timeline of error bursts: a text bar chart (renders the same everywhere,
 * cannot be invalid, unlike a Mermaid gantt fed with inferred dates) whose bars tell the datastore
 * from the Kubernetes side, and a short table of the largest bursts.
 */
import type { TimelineBurst } from "../result/types.js";
import { codeSpan, fencedBlock, formatTimestamp, inlineText, plural, table } from "./md-text.js";

const WIDTH = 48;
/** Bursts listed in the table: the largest ones, in time order. */
const MAX_ROWS = 8;
const MAX_NODES = 20;
const MAX_LEGEND_IDS = 4;

/** Finding families the chart tells apart, with the bar character of each. */
const FAMILIES = [
  { key: "datastore", char: "█", label: "datastore" },
  { key: "kubernetes", char: "▓", label: "Kubernetes" },
  { key: "other", char: "▒", label: "other" },
] as const;
type FamilyKey = (typeof FAMILIES)[number]["key"];

export function familyOf(findingId: string): FamilyKey {
  if (findingId.startsWith("dqlite.") || findingId === "apiserver.datastore-deadline") return "datastore";
  if (/^(?:kubelite|apiserver|kubelet|node|cert|containerd|calico|flannel)\./.test(findingId))
    return "kubernetes";
  return "other";
}

/** Minutes since epoch of an ISO-like timestamp, read as UTC (only distances matter here). */
export function parseMinutes(ts: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?/.exec(ts.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  return Number.isNaN(ms) ? null : ms / 60_000;
}

function nodeName(burst: TimelineBurst): string {
  return (burst.node ?? "cluster").replace(/\s+/g, " ");
}

/** Only worth drawing when errors come from several nodes. */
export function shouldRenderTimeline(timeline: readonly TimelineBurst[] | undefined): boolean {
  if (!timeline || timeline.length === 0) return false;
  return new Set(timeline.map(nodeName)).size >= 2;
}

function bucketLabel(minutes: number): string {
  if (minutes < 1) return "under a minute";
  if (minutes < 90) return `${Math.round(minutes)} min`;
  if (minutes < 36 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

interface Timed {
  b: TimelineBurst;
  start: number;
  end: number;
}

/** "█ datastore: dqlite.query-deadline, …" for the families drawn in the chart. */
function legend(timed: readonly Timed[], drawn: ReadonlySet<FamilyKey>): string {
  const items: string[] = [];
  for (const family of FAMILIES) {
    if (!drawn.has(family.key)) continue;
    const lines = new Map<string, number>();
    for (const t of timed) {
      if (familyOf(t.b.findingId) !== family.key) continue;
      lines.set(t.b.findingId, (lines.get(t.b.findingId) ?? 0) + t.b.count);
    }
    if (lines.size === 0) continue;
    const ids = [...lines].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const shown = ids.slice(0, MAX_LEGEND_IDS).join(", ");
    const more = ids.length > MAX_LEGEND_IDS ? ` +${ids.length - MAX_LEGEND_IDS}` : "";
    items.push(`${family.char} ${family.label}: ${shown}${more}`);
  }
  return items.join("\n");
}

function chart(bursts: readonly TimelineBurst[]): string | null {
  const timed = bursts
    .map((b) => ({ b, start: parseMinutes(b.start), end: parseMinutes(b.end) }))
    .filter((t): t is Timed => t.start !== null && t.end !== null);
  if (timed.length === 0) return null;
  const min = timed.reduce((acc, t) => Math.min(acc, t.start, t.end), Infinity);
  const max = timed.reduce((acc, t) => Math.max(acc, t.start, t.end), -Infinity);
  const span = Math.max(max - min, 1);
  const nodes = [...new Set(timed.map((t) => nodeName(t.b)))].slice(0, MAX_NODES);
  const labelWidth = Math.min(
    24,
    nodes.reduce((acc, n) => Math.max(acc, n.length), 1),
  );
  const column = (minute: number) => Math.min(WIDTH - 1, Math.floor(((minute - min) / span) * WIDTH));
  const drawn = new Set<FamilyKey>();
  const rows = nodes.map((node) => {
    // Lines per family in each column; the family with the most lines draws the cell.
    const weight = Array.from({ length: WIDTH }, () => new Map<FamilyKey, number>());
    for (const t of timed) {
      if (nodeName(t.b) !== node) continue;
      const from = column(Math.min(t.start, t.end));
      const to = column(Math.max(t.start, t.end));
      const share = t.b.count / (to - from + 1);
      const family = familyOf(t.b.findingId);
      for (let i = from; i <= to; i++) weight[i]!.set(family, (weight[i]!.get(family) ?? 0) + share);
    }
    const cells = weight.map((families) => {
      let best: FamilyKey | null = null;
      for (const [family, lines] of families) if (best === null || lines > families.get(best)!) best = family;
      if (best === null) return "·";
      drawn.add(best);
      return FAMILIES.find((f) => f.key === best)!.char;
    });
    const label = node.length > labelWidth ? `${node.slice(0, labelWidth - 1)}…` : node.padEnd(labelWidth);
    return `${label} │${cells.join("")}│`;
  });
  const first = formatTimestamp(timed.find((t) => Math.min(t.start, t.end) === min)!.b.start);
  const last = formatTimestamp(timed.find((t) => Math.max(t.start, t.end) === max)!.b.end);
  const axis = `${" ".repeat(labelWidth)}  ${first} → ${last} (one column ≈ ${bucketLabel(span / WIDTH)})`;
  return fencedBlock([axis, ...rows, "", legend(timed, drawn)].join("\n"));
}

/** The timeline section body, or null when there is nothing cross-node to show. */
export function timelineSection(timeline: readonly TimelineBurst[] | undefined): string | null {
  if (!timeline || !shouldRenderTimeline(timeline)) return null;
  const byTime = (a: TimelineBurst, b: TimelineBurst) =>
    (parseMinutes(a.start) ?? Infinity) - (parseMinutes(b.start) ?? Infinity);
  const sorted = [...timeline].sort(byTime);
  const largest = [...timeline]
    .sort((a, b) => b.count - a.count || byTime(a, b))
    .slice(0, MAX_ROWS)
    .sort(byTime);
  const rows = largest.map((b) => [
    inlineText(nodeName(b), 80),
    codeSpan(b.findingId, { inTable: true, max: 80 }),
    inlineText(formatTimestamp(b.start), 40),
    inlineText(formatTimestamp(b.end), 40),
    String(b.count),
  ]);
  const heading =
    sorted.length > largest.length
      ? `The ${plural(largest.length, "largest burst")} of ${sorted.length}, in time order:`
      : `${plural(largest.length, "burst")}, in time order:`;
  const parts = [chart(sorted), `${heading}\n\n${table(["Node", "Finding", "From", "To", "Lines"], rows)}`];
  return parts.filter((p): p is string => p !== null).join("\n\n");
}
