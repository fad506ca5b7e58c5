/**
 * The fixed sections of the comment: the header (verdict, reports, inputs), Quorum, Departed
 * nodes and Disk errors. Inputs are already redacted; everything here only formats safely.
 */
import type { AnalysisResult, DiskError, QuorumMember, QuorumState, ReportSummary } from "../result/types.js";
import {
  clip,
  codeSpan,
  details,
  fencedBlock,
  formatRange,
  inlineText,
  plural,
  safeLink,
  table,
} from "./md-text.js";
import { membershipDiagram } from "./mermaid.js";
import type { InputNote } from "./types.js";
import { deriveVerdict, QUORUM_EMOJI, verdictEmoji } from "./verdict.js";

export const NONE_FOUND = "_None found._";

const MAX_MEMBER_ROWS = 100;
const MAX_DEPARTED_ROWS = 50;
const MAX_DISK_ROWS = 50;
const MAX_DISK_SAMPLES = 20;
const MAX_LIST_ITEMS = 20;
const MAX_REPORTS = 50;
const MAX_SAMPLE_CHARS = 2000;

// --- header -----------------------------------------------------------------------------------

export function verdictLine(result: AnalysisResult): string {
  const verdict = result.verdict?.trim() ? result.verdict : deriveVerdict(result);
  // The analysis' verdict may already lead with its own status emoji; do not show two.
  const leading = /^(\p{Extended_Pictographic})\uFE0F?\s*/u.exec(verdict);
  const emoji = leading ? leading[1] : verdictEmoji(result);
  const text = leading ? verdict.slice(leading[0].length) : verdict;
  return `${emoji} **${inlineText(text, 300)}**`;
}

function reportLabel(report: ReportSummary): string {
  const name = report.node ? codeSpan(report.node, { max: 80 }) : codeSpan(report.source, { max: 120 });
  const version = report.microk8sVersion ? inlineText(report.microk8sVersion, 40) : "version unknown";
  return `${name} (${inlineText(report.role, 20)}, ${version})`;
}

/** The reports line, then one line per unreadable report with its error, never silently. */
export function reportsBlock(reports: readonly ReportSummary[]): string {
  const readable = reports.filter((r) => !r.error);
  const failed = reports.filter((r) => r.error);
  const lines: string[] = [];
  if (readable.length > 0) {
    const labels = readable.slice(0, MAX_REPORTS).map(reportLabel);
    if (readable.length > labels.length) labels.push(`… and ${readable.length - labels.length} more`);
    lines.push(`**${plural(readable.length, "report")} analysed:** ${labels.join(" · ")}`);
  } else {
    lines.push("**No report could be analysed.**");
  }
  const failures = failed
    .slice(0, MAX_REPORTS)
    .map((r) => `- ❌ ${codeSpan(r.source, { max: 120 })} could not be read: ${inlineText(r.error, 300)}`);
  if (failed.length > failures.length)
    failures.push(`- ❌ … and ${failed.length - failures.length} more unreadable reports`);
  const warnings = readable.flatMap((r) =>
    (r.warnings ?? []).map(
      (w) => `- ${r.node ? codeSpan(r.node, { max: 80 }) : codeSpan(r.source)}: ${inlineText(w, 300)}`,
    ),
  );
  if (failures.length > 0) lines.push("", ...failures);
  if (warnings.length > 0) {
    const shown = warnings.slice(0, MAX_LIST_ITEMS);
    if (warnings.length > shown.length) shown.push(`- … and ${warnings.length - shown.length} more`);
    lines.push("", details(`Notes while reading the reports (${warnings.length})`, shown.join("\n")));
  }
  return lines.join("\n");
}

const INPUT_ICON: Record<InputNote["status"], string> = {
  analysed: "📦",
  "not-a-report": "➖",
  log: "📜",
  failed: "❌",
  skipped: "⏭️",
};
const INPUT_STATUS: Record<InputNote["status"], string> = {
  analysed: "analysed",
  "not-a-report": "not an inspection report",
  log: "read as a single log",
  failed: "could not be fetched or read",
  skipped: "skipped",
};

export function inputsBlock(inputs: readonly InputNote[] | undefined): string | null {
  if (!inputs || inputs.length === 0) return null;
  const lines = inputs.slice(0, MAX_LIST_ITEMS).map((input) => {
    const name = input.url ? safeLink(input.name, input.url) : codeSpan(input.name, { max: 120 });
    const icon = INPUT_ICON[input.status] ?? "•";
    const status = INPUT_STATUS[input.status] ?? inlineText(input.status, 40);
    const detail = input.detail ? `: ${inlineText(input.detail, 300)}` : "";
    return `- ${icon} ${name} — ${status}${detail}`;
  });
  if (inputs.length > MAX_LIST_ITEMS) lines.push(`- … and ${inputs.length - MAX_LIST_ITEMS} more inputs`);
  return `**Inputs:**\n${lines.join("\n")}`;
}

// --- quorum -----------------------------------------------------------------------------------

const STATE_LABEL: Record<QuorumState, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  lost: "Quorum lost",
  "not-ha": "Not highly available",
  unknown: "Unknown",
};

function aliveCell(alive: boolean | null | undefined, stale = false): string {
  if (stale) return "🗑️ stale record";
  if (alive === true) return "✅ up";
  if (alive === false) return "❌ down";
  return "❔ unknown";
}

/** Report sources → node names where known, for the "Seen in" column. */
function sourceNames(result: AnalysisResult): Map<string, string> {
  return new Map(result.reports.map((r) => [r.source, r.node ?? r.source]));
}

function membersTable(result: AnalysisResult): string {
  const names = sourceNames(result);
  const q = result.quorum;
  const staleIds = new Set(
    result.departedNodes.filter((d) => d.rule === "departed.duplicate-record" && d.id).map((d) => d.id),
  );
  const rows: string[][] = [];
  const add = (role: string, members: QuorumMember[]) => {
    for (const m of members) {
      const seenIn = (m.seenIn ?? []).map((s) => names.get(s) ?? s);
      rows.push([
        role,
        codeSpan(m.address, { inTable: true, max: 80 }),
        m.id ? codeSpan(m.id, { inTable: true, max: 40 }) : "",
        m.node ? inlineText(m.node, 80) : "_unknown_",
        aliveCell(m.alive, Boolean(m.id) && staleIds.has(m.id)),
        inlineText(seenIn.join(", "), 200),
      ]);
    }
  };
  add("voter", q.voters);
  add("stand-by", q.standBys);
  add("spare", q.spares);
  const shown = rows.slice(0, MAX_MEMBER_ROWS);
  const more = rows.length > shown.length ? `\n\n… and ${rows.length - shown.length} more members.` : "";
  return table(["Role", "Address", "ID", "Node", "Alive", "Seen in"], shown) + more;
}

/**
 * The quorum state line, summary, member table, disagreements and membership diagram.
 * `compact` keeps only the state line and summary (used when the comment runs out of room).
 */
export function quorumSection(result: AnalysisResult, compact = false): string {
  const q = result.quorum;
  const members = q.voters.length + q.standBys.length + q.spares.length;
  const parts: string[] = [];
  const state = `${QUORUM_EMOJI[q.state] ?? "⚪"} **${STATE_LABEL[q.state] ?? inlineText(q.state, 30)}**`;
  if (members === 0) {
    parts.push(
      `${state} — _None found_: no usable \`dqlite/cluster.yaml\` in the reports (worker-only reports, or no \`dqlite/\` folder).`,
    );
  } else {
    const size = q.quorumSize !== null ? `quorum needs ${q.quorumSize}` : "quorum size unknown";
    const alive = q.aliveVoters !== null ? `${q.aliveVoters} alive` : "alive voters unknown";
    parts.push(
      `${state} — ${plural(q.voters.length, "voter")} (${size}, ${alive}) · ${plural(q.standBys.length, "stand-by", "stand-bys")} · ${plural(q.spares.length, "spare")}`,
    );
  }
  if (q.summary) parts.push(inlineText(q.summary, 600));
  if (compact) {
    if (members > 0) parts.push(`_Member table and diagram left out to fit GitHub's comment limit._`);
    return parts.join("\n\n");
  }
  if (q.authoritative) {
    const name = sourceNames(result).get(q.authoritative) ?? q.authoritative;
    const views = new Set([q.voters, q.standBys, q.spares].flat().flatMap((m) => m.seenIn ?? []));
    const agree =
      views.size > 1 && (q.disagreements ?? []).length === 0 ? ` The ${views.size} nodes' views agree.` : "";
    parts.push(`Membership as seen in ${codeSpan(name, { max: 120 })}'s \`dqlite/cluster.yaml\`.${agree}`);
  }
  if (members > 0) parts.push(membersTable(result));
  const disagreements = q.disagreements ?? [];
  if (disagreements.length > 0) {
    const items = disagreements.slice(0, MAX_LIST_ITEMS).map((d) => `- ${inlineText(d, 400)}`);
    if (disagreements.length > items.length)
      items.push(`- … and ${disagreements.length - items.length} more`);
    parts.push(`**The nodes disagree about membership:**\n${items.join("\n")}`);
  }
  const diagram = membershipDiagram(result);
  if (diagram) parts.push(diagram);
  return parts.join("\n\n");
}

// --- departed nodes ---------------------------------------------------------------------------

/** A hint that is one shell command (no prose around it) gets a copyable code block. */
function isCommand(hint: string): boolean {
  return /^(?:sudo |microk8s |\/snap\/microk8s\/)/.test(hint) && !/[\n`]/.test(hint);
}

/**
 * One entry per departed member: who (with the record's ID, since a host may be listed twice),
 * why, and the fix — a command in its own block so that it can be copied as is.
 */
export function departedSection(result: AnalysisResult): string {
  const departed = result.departedNodes;
  if (departed.length === 0) return NONE_FOUND;
  const entries = departed.slice(0, MAX_DEPARTED_ROWS).map((d) => {
    const stale = d.rule === "departed.duplicate-record";
    const facts = [inlineText(d.role, 20)];
    if (d.id) facts.push(`ID ${codeSpan(d.id, { max: 40 })}`);
    if (stale) facts.push("stale record");
    const who = `**${d.node ? inlineText(d.node, 80) : "_unknown node_"}** ${codeSpan(d.address, { max: 80 })} (${facts.join(", ")})`;
    const lines = [`${who} — ${inlineText(d.reason, 600)}`];
    const docs = d.docs ? ` (${safeLink("docs", d.docs)})` : "";
    if (d.hint && isCommand(d.hint)) lines.push(`Fix${docs}:\n\n${fencedBlock(clip(d.hint, 1000), "shell")}`);
    else if (d.hint) lines.push(`Fix${docs}: ${codeSpan(d.hint, { max: 600 })}`);
    else if (d.docs) lines.push(`See ${safeLink("docs", d.docs)}.`);
    return lines.join("\n\n");
  });
  const more =
    departed.length > entries.length
      ? `\n\n… and ${departed.length - entries.length} more departed nodes.`
      : "";
  return entries.join("\n\n") + more;
}

// --- disk errors ------------------------------------------------------------------------------

function sampleBlock(error: DiskError): string {
  const where = error.file
    ? ` — ${codeSpan(error.line ? `${error.file}:${error.line}` : error.file, { max: 200 })}`
    : "";
  const head = `${error.node ? `**${inlineText(error.node, 80)}**` : "_unknown node_"} · ${codeSpan(error.device, { max: 80 })} · ${inlineText(error.kind, 20)}${where}`;
  return `${head}\n\n${fencedBlock(clip(error.sample ?? "", MAX_SAMPLE_CHARS))}`;
}

export function diskTable(result: AnalysisResult): string {
  const errors = result.diskErrors;
  if (errors.length === 0) return NONE_FOUND;
  const rows = errors
    .slice(0, MAX_DISK_ROWS)
    .map((e) => [
      e.node ? inlineText(e.node, 80) : "_unknown_",
      codeSpan(e.device, { inTable: true, max: 80 }),
      inlineText(e.kind, 20),
      String(e.count),
      inlineText(formatRange(e.firstSeen, e.lastSeen), 80),
    ]);
  const more = errors.length > rows.length ? `\n\n… and ${errors.length - rows.length} more.` : "";
  return table(["Node", "Device", "Kind", "Count", "First/last seen"], rows) + more;
}

/** Samples of the disk errors, collapsible; null when there are none. Dropped first under budget pressure. */
export function diskSamples(result: AnalysisResult): string | null {
  const withSample = result.diskErrors.filter((e) => e.sample);
  if (withSample.length === 0) return null;
  const shown = withSample.slice(0, MAX_DISK_SAMPLES);
  return details(`Samples (${shown.length} of ${withSample.length})`, shown.map(sampleBlock).join("\n\n"));
}
