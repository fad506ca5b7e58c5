/**
 * The report diff as Markdown (the bot's "What changed since the previous reports" section and the
 * CLI's `diff --format markdown`) and as JSON. Untrusted text (node names, titles, samples) goes
 * through the renderer's inline-safe helpers.
 */
import { codeSpan, formatTimestamp, inlineText, plural } from "../render/md-text.js";
import { QUORUM_EMOJI, SEVERITY_EMOJI } from "../render/verdict.js";
import type { DiskErrorKind, MemberRole } from "../result/types.js";
import type {
  DepartedRef,
  DiskChange,
  DiskRef,
  FindingChange,
  FindingRef,
  MemberRef,
  ReportDiff,
  RoleChange,
  RoundReport,
} from "./types.js";

export const DIFF_SECTION_TITLE = "What changed since the previous reports";

export interface DiffRenderOptions {
  /** Items shown per list before "… and N more" (default 10). */
  maxItems?: number;
}

const DISK_KIND: Record<DiskErrorKind, string> = {
  "io-error": "I/O errors",
  "fs-error": "filesystem errors",
  "disk-full": "disk full",
  smart: "SMART warnings",
  other: "disk errors",
};

/** The section body (no heading): one intro line, then one bullet per kind of change. */
export function renderDiffMarkdown(diff: ReportDiff, options: DiffRenderOptions = {}): string {
  const max = Math.max(1, options.maxItems ?? 10);
  const lines: string[] = [intro(diff)];
  const bullets: string[] = [];
  const list = <T>(label: string, items: readonly T[], show: (item: T) => string) => {
    if (items.length === 0) return;
    const shown = items.slice(0, max).map(show);
    const more = items.length > max ? [`… and ${items.length - max} more`] : [];
    if (items.length === 1) bullets.push(`- **${label}**: ${shown[0]}`);
    else bullets.push(`- **${label}**:\n${[...shown, ...more].map((s) => `  - ${s}`).join("\n")}`);
  };

  const { quorum } = diff;
  if (quorum.changed) {
    const alive = (q: typeof quorum.before) =>
      q.aliveVoters === null ? `${plural(q.voters, "voter")}` : `${q.aliveVoters}/${q.voters} voters alive`;
    bullets.push(
      `- **Quorum**: ${QUORUM_EMOJI[quorum.before.state]} ${quorum.before.state} (${alive(quorum.before)}) → ` +
        `${QUORUM_EMOJI[quorum.after.state]} ${quorum.after.state} (${alive(quorum.after)})`,
    );
  }

  const { members } = diff;
  const isVoter = (m: MemberRef) => m.role === "voter";
  list("Voters added", members.added.filter(isVoter), member);
  list("Voters removed", members.removed.filter(isVoter), member);
  list("Roles changed", members.roleChanged, roleChange);
  list(
    "Members added",
    members.added.filter((m) => !isVoter(m)),
    (m) => `${member(m)} (${roleName(m.role)})`,
  );
  list(
    "Members removed",
    members.removed.filter((m) => !isVoter(m)),
    (m) => `${member(m)} (${roleName(m.role)}${m.role === "spare" ? " record" : ""})`,
  );

  list("Departed nodes resolved", diff.departed.resolved, departed);
  list("Newly departed", diff.departed.appeared, departed);

  list("Disk errors stopped", diff.diskErrors.stopped, (d) => `${disk(d)}: ${d.count} before, none now`);
  list("New disk errors", diff.diskErrors.appeared, (d) => `${disk(d)}: ${d.count}`);
  list(
    "Disk errors still logged",
    diff.diskErrors.changed,
    (d) => `${disk(d)}: ${d.countBefore} → ${d.countAfter}`,
  );
  list(
    "No new disk errors",
    diff.diskErrors.unchanged,
    (d) => `${disk(d)}: still ${d.countAfter}, as before`,
  );

  list("New findings", diff.findings.appeared, (f) => `${findingRef(f)} (×${f.count})`);
  list("Gone", diff.findings.disappeared, (f) => `${findingRef(f)} (×${f.count} before)`);
  list("Grew", diff.findings.grew, grown);
  list("Changed", diff.findings.changed, changedFinding);

  list(
    "MicroK8s version",
    diff.versions,
    (v) => `${nodeName(v.node)}: ${version(v.before)} → ${version(v.after)}`,
  );
  list("Node role", diff.roles, (v) => `${nodeName(v.node)}: ${v.before} → ${v.after}`);

  if (bullets.length > 0) lines.push(bullets.join("\n"));
  if (diff.same) {
    lines.push("No change in quorum, members, departed nodes, disk errors or findings.");
  } else if (diff.findings.unchanged > 0) {
    lines.push(`${plural(diff.findings.unchanged, "finding")} unchanged.`);
  }
  if (diff.diskErrors.stopped.length > 0) {
    lines.push(
      "<sub>Kernel messages in a report start at the node's last boot: a reboot also clears old disk errors.</sub>",
    );
  }
  const { onlyPrevious, onlyCurrent } = diff.coverage;
  const notCompared: string[] = [];
  if (onlyPrevious.length > 0) notCompared.push(`only in the earlier reports: ${names(onlyPrevious)}`);
  if (onlyCurrent.length > 0) notCompared.push(`only in the later reports: ${names(onlyCurrent)}`);
  if (notCompared.length > 0)
    lines.push(`_Not compared (no report on the other side): ${notCompared.join("; ")}._`);
  return lines.join("\n\n");
}

/** `### What changed …` plus the body: what the CLI prints for `diff --format markdown`. */
export function renderDiffDocument(diff: ReportDiff, options: DiffRenderOptions = {}): string {
  return `### ${DIFF_SECTION_TITLE}\n\n${renderDiffMarkdown(diff, options)}\n`;
}

export function renderDiffJson(diff: ReportDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}

// ---------------------------------------------------------------- pieces

/** "Re-run on kube05 (18:52:44 → 2023-02-07 09:10:00)" when nodes were re-reported, else the counts. */
function intro(diff: ReportDiff): string {
  const earlier = new Map<string, RoundReport>();
  for (const report of diff.previous.reports) if (report.node) earlier.set(report.node.toLowerCase(), report);
  const reruns: string[] = [];
  const seen = new Set<string>();
  for (const report of diff.current.reports) {
    const key = report.node?.toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const old = earlier.get(key);
    if (!old || old.source === report.source) continue;
    const times =
      old.takenAt && report.takenAt
        ? ` (${formatTimestamp(old.takenAt)} → ${formatTimestamp(report.takenAt)})`
        : "";
    reruns.push(`${nodeName(report.node!)}${times}`);
  }
  const counts = `${plural(diff.previous.reports.length, "earlier report")}, ${plural(diff.current.reports.length, "later report")}`;
  if (reruns.length === 0) return `Compared ${counts}.`;
  const shown =
    reruns.slice(0, 10).join(", ") + (reruns.length > 10 ? ` and ${reruns.length - 10} more` : "");
  return `New report${reruns.length === 1 ? "" : "s"} of ${shown}, compared with the earlier one${reruns.length === 1 ? "" : "s"} (${counts}).`;
}

function nodeName(node: string): string {
  return `**${inlineText(node, 80)}**`;
}

function names(list: readonly string[]): string {
  return list
    .slice(0, 10)
    .map(nodeName)
    .join(", ")
    .concat(list.length > 10 ? ` and ${list.length - 10} more` : "");
}

function roleName(role: MemberRole): string {
  return role === "none" ? "no role" : role;
}

function member(m: { address: string; id: string; node: string | null }): string {
  const who = m.node ? `${nodeName(m.node)} ` : "";
  return `${who}${codeSpan(m.address, { max: 80 })}${m.id ? ` (id ${codeSpan(m.id, { max: 30 })})` : ""}`;
}

function roleChange(c: RoleChange): string {
  return `${member(c)}: ${roleName(c.before)} → ${roleName(c.after)}`;
}

function departed(d: DepartedRef): string {
  const who = d.node ? `${nodeName(d.node)} ` : "";
  return `${who}${codeSpan(d.address, { max: 80 })} (${roleName(d.role)})`;
}

function disk(d: DiskRef | DiskChange): string {
  const where = d.node ? `${nodeName(d.node)} ` : "";
  return `${where}${codeSpan(d.device, { max: 60 })} ${DISK_KIND[d.kind] ?? d.kind}`;
}

function findingLabel(f: { id: string; node: string | null; title: string }): string {
  const on = f.node ? ` on ${nodeName(f.node)}` : "";
  return `${codeSpan(f.id, { max: 80 })}${on} — ${inlineText(f.title, 120)}`;
}

function findingRef(f: FindingRef): string {
  return `${SEVERITY_EMOJI[f.severity] ?? ""} ${findingLabel(f)}`.trim();
}

function grown(f: FindingChange): string {
  const parts = [`${f.countBefore} → ${f.countAfter}`];
  if (f.newOccurrences && f.lastSeenAfter)
    parts.push(`still occurring (last ${formatTimestamp(f.lastSeenAfter)})`);
  parts.push(...qualityChanges(f));
  return `${SEVERITY_EMOJI[f.severityAfter] ?? ""} ${findingLabel(f)}: ${parts.join(", ")}`.trim();
}

function changedFinding(f: FindingChange): string {
  const parts = qualityChanges(f);
  if (f.countAfter < f.countBefore) parts.unshift(`${f.countBefore} → ${f.countAfter}`);
  return `${SEVERITY_EMOJI[f.severityAfter] ?? ""} ${findingLabel(f)}: ${parts.join(", ")}`.trim();
}

function qualityChanges(f: FindingChange): string[] {
  const parts: string[] = [];
  if (f.severityBefore !== f.severityAfter) parts.push(`${f.severityBefore} → ${f.severityAfter}`);
  if (f.sustainedBefore && !f.sustainedAfter) parts.push("no longer sustained");
  if (!f.sustainedBefore && f.sustainedAfter) parts.push("now sustained");
  return parts;
}

function version(v: string | null): string {
  return v ? codeSpan(v, { max: 40 }) : "unknown";
}
