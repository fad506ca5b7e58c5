/**
 * A compact per-node timeline of error bursts: a text bar chart (renders the same everywhere,
 * cannot be invalid, unlike a Mermaid gantt fed with inferred dates) and a table of the bursts.
 */
import type { TimelineBurst } from "../result/types.js";
import { codeSpan, fencedBlock, formatTimestamp, inlineText, table } from "./md-text.js";

const WIDTH = 48;
const MAX_ROWS = 30;
const MAX_NODES = 20;

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

function chart(bursts: readonly TimelineBurst[]): string | null {
  const timed = bursts
    .map((b) => ({ b, start: parseMinutes(b.start), end: parseMinutes(b.end) }))
    .filter((t): t is { b: TimelineBurst; start: number; end: number } => t.start !== null && t.end !== null);
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
  const rows = nodes.map((node) => {
    const cells = Array.from({ length: WIDTH }, () => "·");
    for (const t of timed) {
      if (nodeName(t.b) !== node) continue;
      const from = column(Math.min(t.start, t.end));
      const to = column(Math.max(t.start, t.end));
      for (let i = from; i <= to; i++) cells[i] = "█";
    }
    const label = node.length > labelWidth ? `${node.slice(0, labelWidth - 1)}…` : node.padEnd(labelWidth);
    return `${label} │${cells.join("")}│`;
  });
  const first = formatTimestamp(timed.find((t) => Math.min(t.start, t.end) === min)!.b.start);
  const last = formatTimestamp(timed.find((t) => Math.max(t.start, t.end) === max)!.b.end);
  const axis = `${" ".repeat(labelWidth)}  ${first} → ${last} (one column ≈ ${bucketLabel(span / WIDTH)})`;
  return fencedBlock([axis, ...rows].join("\n"));
}

/** The timeline section body, or null when there is nothing cross-node to show. */
export function timelineSection(timeline: readonly TimelineBurst[] | undefined): string | null {
  if (!timeline || !shouldRenderTimeline(timeline)) return null;
  const sorted = [...timeline].sort(
    (a, b) => (parseMinutes(a.start) ?? Infinity) - (parseMinutes(b.start) ?? Infinity),
  );
  const rows = sorted
    .slice(0, MAX_ROWS)
    .map((b) => [
      inlineText(nodeName(b), 80),
      codeSpan(b.findingId, { inTable: true, max: 80 }),
      inlineText(formatTimestamp(b.start), 40),
      inlineText(formatTimestamp(b.end), 40),
      String(b.count),
    ]);
  const more = sorted.length > rows.length ? `\n\n… and ${sorted.length - rows.length} more bursts.` : "";
  const parts = [chart(sorted), table(["Node", "Finding", "From", "To", "Lines"], rows) + more];
  return parts.filter((p): p is string => p !== null).join("\n\n");
}
