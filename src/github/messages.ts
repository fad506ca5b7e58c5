/** Markdown the bot writes itself (everything but the analysis, which src/render produces). */
import type { Finding } from "../result/types.js";
import { encodeState, type TriageState } from "./state.js";

export const REPORT_PATH_HINT = "/var/snap/microk8s/current/inspection-report-*.tar.gz";

/** Insert extra lines right after the marker (the first line must stay the marker). */
export function insertAfterMarker(body: string, lines: readonly string[]): string {
  const extra = lines.filter((line) => line.length > 0);
  if (extra.length === 0) return body;
  const newline = body.indexOf("\n");
  const head = newline < 0 ? body : body.slice(0, newline);
  const tail = newline < 0 ? "" : body.slice(newline + 1);
  return `${head}\n${extra.join("\n")}\n\n${tail}`;
}

export function renderPlaceholder(marker: string, count: number, state: TriageState): string {
  const noun = count === 1 ? "attachment" : "attachments";
  return [
    marker,
    encodeState(state),
    `⏳ Analysing ${count} ${noun}… this comment will be updated with the results.`,
    "",
  ].join("\n");
}

export function renderFailureNotice(marker: string, state: TriageState): string {
  return [
    marker,
    encodeState(state),
    "⚠️ The analysis of the attached reports failed because of an internal error.",
    "The issue author or a maintainer can try again with `/triage rerun`.",
    "",
  ].join("\n");
}

export interface NeedsReportOptions {
  marker: string;
  state: TriageState;
  /** Author of the issue, greeted by name. */
  author: string | null;
  /** The label that marks the request, if enabled. */
  labelName: string | null;
  /** Findings read from `microk8s inspect` console output pasted in the issue. */
  consoleFindings: readonly Finding[];
  /** True when a report was analysed earlier but is no longer attached. */
  reportRemoved: boolean;
}

export function renderNeedsReport(options: NeedsReportOptions): string {
  const greeting = options.author ? `Thanks for the report, @${options.author}!` : "Thanks for the report!";
  const lines = [
    options.marker,
    encodeState(options.state),
    "### 📋 Please attach an inspection report",
    "",
    options.reportRemoved
      ? "The inspection report that was analysed here is no longer attached to this issue."
      : `${greeting} MicroK8s problems are much easier to diagnose with an inspection report from the affected node(s).`,
    "",
    "1. On **each node** of the cluster, run:",
    "   ```",
    "   sudo microk8s inspect",
    "   ```",
    `2. It prints where it wrote the report, usually \`${REPORT_PATH_HINT}\`.`,
    "3. Attach the tarball to this issue — drag it into a comment, **one per node** (GitHub accepts `.tar.gz` up to 25 MB).",
    "   Reports contain host names, IP addresses and logs: have a look before you upload.",
    "",
    "Once a report is attached I analyse it (dqlite quorum, departed nodes, disk errors, known failure signatures) and replace this comment with the results.",
  ];
  if (options.consoleFindings.length > 0) {
    lines.push("", "From the `microk8s inspect` output pasted in the issue:", "");
    for (const finding of options.consoleFindings.slice(0, 10)) {
      lines.push(
        `- **${finding.severity}** ${oneLine(finding.title)}${finding.node ? ` (${oneLine(finding.node)})` : ""}`,
      );
    }
  }
  if (options.labelName) {
    lines.push("", `<sub>The \`${options.labelName}\` label goes away when a report arrives.</sub>`);
  }
  lines.push("");
  return lines.join("\n");
}

/** Prow-style short reply quoting the command. */
export function renderReply(commandLine: string, user: string, message: string): string {
  return `> ${oneLine(commandLine)}\n\n@${user}: ${message}`;
}

export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").trim();
}
