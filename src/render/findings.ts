/**
 * One entry of "Other findings", at one of several levels of detail; the comment budget lowers
 * the level of the least severe findings first.
 */
import type { Evidence, Finding } from "../result/types.js";
import { clip, codeSpan, details, fencedBlock, formatRange, inlineText, safeLink } from "./md-text.js";
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

const MAX_EVIDENCE = 10;
const MAX_EVIDENCE_CHARS = 2000;

export function findingHeader(finding: Finding): string {
  const emoji = SEVERITY_EMOJI[finding.severity] ?? "•";
  const facts = [codeSpan(finding.id, { max: 80 })];
  facts.push(finding.node ? inlineText(finding.node, 80) : "cluster-wide");
  facts.push(`${finding.count}×`);
  const range = formatRange(finding.firstSeen, finding.lastSeen);
  if (range) facts.push(inlineText(range, 80));
  if (finding.sustained) facts.push("sustained");
  const docs = finding.docs ? ` — ${safeLink("docs", finding.docs)}` : "";
  return `${emoji} **${inlineText(finding.title, 200)}** (${facts.join(", ")})${docs}`;
}

function evidenceLocation(evidence: Evidence, context: FindingContext): string {
  const where = codeSpan(evidence.line ? `${evidence.file}:${evidence.line}` : evidence.file, { max: 200 });
  if (!context.multiReport || !evidence.source) return where;
  const from = context.sourceNames.get(evidence.source) ?? evidence.source;
  return `${where} · from ${codeSpan(from, { max: 120 })}`;
}

export function evidenceDetails(finding: Finding, context: FindingContext): string | null {
  if (finding.evidence.length === 0) return null;
  const shown = finding.evidence.slice(0, MAX_EVIDENCE);
  const total = Math.max(finding.count, finding.evidence.length);
  const summary =
    shown.length < total
      ? `Evidence (${shown.length} of ${total} lines)`
      : `Evidence (${shown.length} lines)`;
  const body = shown
    .map((e) => `${evidenceLocation(e, context)}\n${fencedBlock(clip(e.text ?? "", MAX_EVIDENCE_CHARS))}`)
    .join("\n\n");
  return details(summary, body);
}

export function findingBlock(finding: Finding, level: FindingLevel, context: FindingContext): string {
  if (level === "hidden") return "";
  const parts = [findingHeader(finding)];
  if (level === "line") return parts[0]!;
  if (finding.meaning) parts.push(inlineText(finding.meaning, 600));
  if (level === "full") {
    const evidence = evidenceDetails(finding, context);
    if (evidence) parts.push(evidence);
  }
  return parts.join("\n\n");
}
