/**
 * The bot's comment, exactly as posted (and as the CLI prints with --format markdown).
 *
 * Layout: hidden marker, verdict, reports, inputs, then always the sections Quorum, Departed
 * nodes, Disk errors and Other findings ("none found" when empty), an error timeline when several
 * nodes report errors, extra sections, a footer and the hidden state. The body always fits
 * `maxLength`: evidence is trimmed from the least severe finding up, then findings collapse to one
 * line, then optional parts go, and one line says what was left out.
 */
import { redact, redactResult } from "../redact/redact.js";
import { isAtLeast } from "../result/severity.js";
import type { AnalysisResult, Severity } from "../result/types.js";
import { SEVERITY_ORDER } from "../result/types.js";
import {
  entryBlock,
  type FindingContext,
  type FindingEntry,
  type FindingLevel,
  groupFindings,
} from "./findings.js";
import { toContractJson } from "./json.js";
import { codeSpan, escapeHtml, inlineText, plural } from "./md-text.js";
import {
  departedSection,
  diskSamples,
  diskTable,
  inputsBlock,
  NONE_FOUND,
  quorumSection,
  reportsBlock,
  verdictLine,
} from "./sections.js";
import { renderStateComment } from "./state.js";
import { timelineSection } from "./timeline.js";
import type { RenderOptions } from "./types.js";
import { SEVERITY_EMOJI, sortFindings } from "./verdict.js";

/** The comment's hidden first line; the bot finds its comment again by it (and its login). */
export const COMMENT_MARKER = "<!-- report-triage -->";
/** GitHub refuses comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export const SECTION_TITLES = {
  quorum: "### Quorum",
  departed: "### Departed nodes",
  disk: "### Disk errors",
  findings: "### Other findings",
  timeline: "### Error timeline",
} as const;

const SEPARATOR = "\n\n";
const LEFT_OUT = "_Left out to fit GitHub's comment limit._";
const MAX_EXTRA_SECTION_CHARS = 20_000;

export const FOOTER = [
  "---",
  "<sub>🤖 report-triage · comment <code>/triage help</code> for commands, <code>/triage rerun</code> to analyse again · " +
    "locally: <code>report-triage analyze [--format json] REPORT.tar.gz …</code> (nothing leaves your machine)</sub>",
].join("\n");

/** A part of the comment with progressively smaller variants; "" means left out entirely. */
interface Part {
  key: string;
  variants: string[];
  level: number;
}

function part(key: string, ...variants: (string | null)[]): Part {
  return { key, variants: variants.map((v) => v ?? ""), level: 0 };
}

function current(p: Part): string {
  return p.variants[Math.min(p.level, p.variants.length - 1)]!;
}

function canShrink(p: Part): boolean {
  return p.level < p.variants.length - 1;
}

/** "3 high, 5 medium and 12 low" */
function bySeverity(counts: ReadonlyMap<Severity, number>): string {
  const items = SEVERITY_ORDER.filter((s) => (counts.get(s) ?? 0) > 0).map((s) => `${counts.get(s)} ${s}`);
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function totalOf(counts: ReadonlyMap<Severity, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

type Omissions = {
  evidence: Map<Severity, number>;
  oneLine: Map<Severity, number>;
  dropped: Map<Severity, number>;
};

/** Entries of "Other findings" (findings grouped across nodes) with their levels, and running totals of length and omissions. */
class FindingsPlan {
  readonly levels: FindingLevel[];
  private readonly cache = new Map<string, string>();
  private blocksLength = 0;
  private readonly omitted: Omissions = { evidence: new Map(), oneLine: new Map(), dropped: new Map() };

  constructor(
    readonly findings: readonly FindingEntry[],
    private readonly context: FindingContext,
  ) {
    this.levels = findings.map(() => "full");
    findings.forEach((_, i) => {
      this.blocksLength += this.cost(i, "full");
    });
  }

  block(index: number, level: FindingLevel): string {
    const key = `${index}:${level}`;
    let text = this.cache.get(key);
    if (text === undefined) {
      text = entryBlock(this.findings[index]!, level, this.context);
      this.cache.set(key, text);
    }
    return text;
  }

  private cost(index: number, level: FindingLevel): number {
    return level === "hidden" ? 0 : this.block(index, level).length + SEPARATOR.length;
  }

  /** Add (sign 1) or remove (sign -1) a finding's share of the omission counts at a level. */
  private count(index: number, level: FindingLevel, sign: 1 | -1): void {
    const finding = this.findings[index]!;
    const bump = (map: Map<Severity, number>) =>
      map.set(finding.severity, (map.get(finding.severity) ?? 0) + sign);
    if (level === "hidden") bump(this.omitted.dropped);
    if (level === "line") bump(this.omitted.oneLine);
    if ((level === "brief" || level === "line") && finding.members.some((m) => m.evidence.length > 0))
      bump(this.omitted.evidence);
  }

  /** Lower a finding to `level`; false when that changes nothing (no evidence to trim …). */
  lower(index: number, level: FindingLevel): boolean {
    const from = this.levels[index]!;
    const order: FindingLevel[] = ["full", "brief", "line", "hidden"];
    if (order.indexOf(level) <= order.indexOf(from)) return false;
    if (level !== "hidden" && this.block(index, level) === this.block(index, from)) return false;
    this.blocksLength += this.cost(index, level) - this.cost(index, from);
    this.count(index, from, -1);
    this.count(index, level, 1);
    this.levels[index] = level;
    return true;
  }

  get length(): number {
    return this.blocksLength;
  }

  /** Severity counts of findings whose evidence was left out, shortened to one line, or dropped. */
  omissions(): Omissions {
    return this.omitted;
  }

  /** Visible minor (low, info) entries, which are shown together in one collapsed block. */
  minorCount(): number {
    return this.levels.filter((level, i) => level !== "hidden" && isMinor(this.findings[i]!)).length;
  }

  /** Major entries' blocks, then the minor ones in one <details> block when there are several. */
  render(): string[] {
    const major: string[] = [];
    const minor: string[] = [];
    this.levels.forEach((level, i) => {
      const block = this.block(i, level);
      if (block !== "") (isMinor(this.findings[i]!) ? minor : major).push(block);
    });
    const wrapper = minorWrapper(minor.length);
    if (!wrapper) return [...major, ...minor];
    return [...major, `${wrapper.open}${minor.join(SEPARATOR)}${wrapper.close}`];
  }
}

function isMinor(entry: FindingEntry): boolean {
  return entry.severity === "low" || entry.severity === "info";
}

/**
 * Several low and info entries (lines at start-up or shutdown, things that are over, notes) fold
 * into one collapsed block, so the serious ones stand out.
 */
function minorWrapper(count: number): { open: string; close: string } | null {
  if (count < 2) return null;
  const summary = `${count} minor findings (low, info): isolated lines, past events and notes`;
  return { open: `<details><summary>${escapeHtml(summary)}</summary>\n\n`, close: "\n\n</details>" };
}

interface Budget {
  parts: Part[];
  findings: FindingsPlan;
  hiddenBelow: Map<Severity, number>;
  minSeverity: Severity;
  allFindings: number;
}

function omissionNote(budget: Budget): string | null {
  const { evidence, oneLine, dropped } = budget.findings.omissions();
  const clauses: string[] = [];
  if (totalOf(evidence) > 0)
    clauses.push(
      `evidence of ${bySeverity(evidence)} ${totalOf(evidence) === 1 ? "finding" : "findings"} omitted`,
    );
  if (totalOf(oneLine) > 0) clauses.push(`${plural(totalOf(oneLine), "finding")} shortened to one line`);
  if (totalOf(dropped) > 0)
    clauses.push(`${bySeverity(dropped)} ${totalOf(dropped) === 1 ? "finding" : "findings"} left out`);
  const changed = budget.parts.filter((p) => p.level > 0);
  const names = (list: Part[]) =>
    [...new Set(list.map((p) => PART_NAMES[p.key] ?? "extra sections"))].join(", ");
  const leftOut = changed.filter((p) => current(p) === "" || p.key.startsWith("after:extra:"));
  const shortened = changed.filter((p) => !leftOut.includes(p));
  if (leftOut.length > 0) clauses.push(`${names(leftOut)} left out`);
  if (shortened.length > 0) clauses.push(`${names(shortened)} shortened`);
  if (clauses.length === 0) return null;
  const sentence = clauses.join("; ");
  return `✂️ ${sentence[0]!.toUpperCase()}${sentence.slice(1)} to fit GitHub's comment limit; run the CLI with \`--format json\` for everything.`;
}

const PART_NAMES: Record<string, string> = {
  inputs: "the input list",
  reports: "the report list",
  quorum: "the quorum details",
  departed: "the departed-node table",
  disk: "the disk-error table",
  diskSamples: "the disk-error samples",
  "after:timeline": "the error timeline",
};

function hiddenNote(budget: Budget): string | null {
  const hidden = totalOf(budget.hiddenBelow);
  if (hidden === 0) return null;
  return `${bySeverity(budget.hiddenBelow)} ${hidden === 1 ? "finding" : "findings"} below ${SEVERITY_EMOJI[budget.minSeverity]} ${budget.minSeverity} hidden; run the CLI with \`--format json\` to see them.`;
}

/** "None found" when no finding reaches minSeverity (saying so when some were hidden). */
function emptyText(budget: Budget): string | null {
  if (budget.findings.findings.length > 0) return null;
  return budget.allFindings > 0 ? `_None found at ${budget.minSeverity} or above._` : NONE_FOUND;
}

function findingsSection(budget: Budget): string {
  const body: string[] = [SECTION_TITLES.findings];
  const note = omissionNote(budget);
  if (note) body.push(note);
  body.push(...budget.findings.render());
  const empty = emptyText(budget);
  if (empty) body.push(empty);
  const hidden = hiddenNote(budget);
  if (hidden) body.push(hidden);
  return body.join(SEPARATOR);
}

/** The parts before "Other findings", then the parts after it, as strings in order. */
function assemble(budget: Budget): string {
  const before = budget.parts.filter((p) => !p.key.startsWith("after:")).map(current);
  const after = budget.parts.filter((p) => p.key.startsWith("after:")).map(current);
  return [...before, findingsSection(budget), ...after].filter((s) => s !== "").join(SEPARATOR);
}

/** Length of assemble(budget) without building the findings blocks. */
function measure(budget: Budget): number {
  let total = 0;
  let pieces = 0;
  for (const p of budget.parts) {
    const text = current(p);
    if (text !== "") {
      total += text.length;
      pieces += 1;
    }
  }
  // Findings section: heading, note, blocks (each with its separator), empty/hidden notes.
  const note = omissionNote(budget);
  const hidden = hiddenNote(budget);
  let section = SECTION_TITLES.findings.length + budget.findings.length;
  const wrapper = minorWrapper(budget.findings.minorCount());
  if (wrapper) section += wrapper.open.length + wrapper.close.length;
  if (note) section += SEPARATOR.length + note.length;
  const empty = emptyText(budget);
  if (empty) section += SEPARATOR.length + empty.length;
  if (hidden) section += SEPARATOR.length + hidden.length;
  total += section;
  pieces += 1;
  return total + (pieces - 1) * SEPARATOR.length;
}

const MAX_CLOSERS = 8;

/** Close a code fence or <details> blocks left open by a cut, so the rest of the comment renders. */
function closeOpenBlocks(text: string): string {
  const closers: string[] = [];
  let fence: string | null = null;
  let openDetails = 0;
  for (const line of text.split("\n")) {
    const run = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (run && run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = null;
      continue;
    }
    if (run) {
      fence = run;
      continue;
    }
    openDetails += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
  }
  if (fence !== null) closers.push(fence);
  for (let i = 0; i < openDetails && i < MAX_CLOSERS; i++) closers.push("</details>");
  return closers.length > 0 ? `${text}\n${closers.join("\n")}` : text;
}

/** Clip Markdown at a line boundary, keeping it well-formed. */
function clipMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const newline = cut.lastIndexOf("\n");
  return `${closeOpenBlocks(newline > 0 ? cut.slice(0, newline) : cut)}\n\n…`;
}

/** Cut text to `max` characters at a line boundary, closing what the cut left open. */
function hardCut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `${SEPARATOR}${LEFT_OUT}`;
  let end = Math.max(0, max - note.length);
  for (;;) {
    const newline = text.lastIndexOf("\n", end);
    if (newline <= 0) break;
    const candidate = `${closeOpenBlocks(text.slice(0, newline).trimEnd())}${note}`;
    if (candidate.length <= max) return candidate;
    end = newline - 1;
  }
  return text.slice(0, max);
}

/** Kernel disk findings whose lines the Disk errors section already samples. */
const DISK_FINDINGS = new Set(["kernel.io-error", "kernel.ext4-error"]);

/** The Disk errors section shows these lines already: the entry keeps its meaning and points there. */
function pointToDiskSection(entry: FindingEntry, result: AnalysisResult): FindingEntry {
  if (!DISK_FINDINGS.has(entry.id)) return entry;
  const sampled = new Set(result.diskErrors.filter((d) => d.kind !== "disk-full").map((d) => d.node ?? ""));
  if (!entry.members.every((m) => sampled.has(m.node ?? ""))) return entry;
  const note = "Sample lines are under Disk errors above.";
  return {
    ...entry,
    meaning: entry.meaning ? `${entry.meaning} ${note}` : note,
    members: entry.members.map((m) => ({ ...m, evidence: [] })),
  };
}

/** Render the analysis as the bot's comment. Deterministic; never longer than options.maxLength. */
export function renderMarkdown(input: AnalysisResult, options: RenderOptions = {}): string {
  // Defence in depth: the engine redacts already, but nothing unredacted may reach GitHub.
  // The contract shape also fills anything a partial result left out (missing lists, nulls).
  const result = toContractJson(redactResult(input)) as unknown as AnalysisResult;
  const maxLength = Math.max(1, Math.floor(options.maxLength ?? GITHUB_COMMENT_LIMIT));
  const minSeverity = options.minSeverity ?? "info";

  const sorted = sortFindings(result.findings);
  const entries = groupFindings(sorted).map((entry) => pointToDiskSection(entry, result));
  const visible = entries.filter((e) => isAtLeast(e.severity, minSeverity));
  const hiddenBelow = new Map<Severity, number>();
  for (const e of entries) {
    if (!isAtLeast(e.severity, minSeverity))
      hiddenBelow.set(e.severity, (hiddenBelow.get(e.severity) ?? 0) + 1);
  }
  const readable = result.reports.filter((r) => !r.error);
  const context: FindingContext = {
    sourceNames: new Map(result.reports.map((r) => [r.source, r.node ?? r.source])),
    multiReport: result.reports.length > 1,
  };

  const timeline = timelineSection(result.timeline);
  const extras = (options.extraSections ?? []).map((section, i) =>
    part(
      `after:extra:${i}`,
      `### ${inlineText(section.title, 120)}${SEPARATOR}${redact(clipMarkdown(section.body ?? "", MAX_EXTRA_SECTION_CHARS))}`,
      `### ${inlineText(section.title, 120)}${SEPARATOR}${LEFT_OUT}`,
    ),
  );
  const reports = reportsBlock(result.reports);
  const failedCount = result.reports.length - readable.length;
  const quorumFull = quorumSection(result);
  const quorumCompact = quorumSection(result, true);

  const parts: Part[] = [
    part("marker", COMMENT_MARKER),
    part("verdict", verdictLine(result)),
    part(
      "reports",
      reports,
      `**${plural(readable.length, "report")} analysed, ${failedCount} unreadable** (list left out to fit GitHub's comment limit)`,
    ),
    part("inputs", inputsBlock(options.inputs), null),
    part(
      "quorum",
      `${SECTION_TITLES.quorum}${SEPARATOR}${quorumFull}`,
      `${SECTION_TITLES.quorum}${SEPARATOR}${quorumCompact}`,
    ),
    part(
      "departed",
      `${SECTION_TITLES.departed}${SEPARATOR}${departedSection(result)}`,
      `${SECTION_TITLES.departed}${SEPARATOR}${plural(result.departedNodes.length, "departed node")}: ${result.departedNodes
        .slice(0, 20)
        .map((d) => codeSpan(d.node ?? d.address, { max: 60 }))
        .join(", ")}${result.departedNodes.length > 20 ? " …" : ""}`,
    ),
    part(
      "disk",
      `${SECTION_TITLES.disk}${SEPARATOR}${diskTable(result)}`,
      `${SECTION_TITLES.disk}${SEPARATOR}${plural(result.diskErrors.length, "disk error")}; ${LEFT_OUT}`,
    ),
    part("diskSamples", diskSamples(result), null),
    part("after:timeline", timeline ? `${SECTION_TITLES.timeline}${SEPARATOR}${timeline}` : null, null),
    ...extras,
    part("after:footer", FOOTER),
    part("after:state", options.state === undefined ? null : renderStateComment(options.state)),
  ];
  // Sections with nothing to shrink keep a single variant.
  for (const p of parts) if (p.variants.length > 1 && p.variants[0] === "") p.variants = [""];
  if (result.departedNodes.length === 0) parts.find((p) => p.key === "departed")!.variants.splice(1);
  if (result.diskErrors.length === 0) parts.find((p) => p.key === "disk")!.variants.splice(1);

  const budget: Budget = {
    parts,
    findings: new FindingsPlan(visible, context),
    hiddenBelow,
    minSeverity,
    allFindings: entries.length,
  };

  const fits = () => measure(budget) <= maxLength;
  const shrinkPart = (key: string) => {
    const p = parts.find((x) => x.key === key);
    if (p && canShrink(p)) p.level += 1;
  };
  const lowerFindings = (level: FindingLevel): void => {
    for (let i = visible.length - 1; i >= 0 && !fits(); i--) budget.findings.lower(i, level);
  };

  // In order of what is missed least: evidence of minor findings first, the report list last.
  const steps: (() => void)[] = [
    () => lowerFindings("brief"),
    () => lowerFindings("line"),
    () => shrinkPart("after:timeline"),
    () => shrinkPart("diskSamples"),
    () => {
      for (let i = extras.length - 1; i >= 0 && !fits(); i--) shrinkPart(`after:extra:${i}`);
    },
    () => lowerFindings("hidden"),
    () => shrinkPart("inputs"),
    () => shrinkPart("departed"),
    () => shrinkPart("disk"),
    () => shrinkPart("quorum"),
    () => shrinkPart("reports"),
  ];
  for (const step of steps) {
    if (fits()) break;
    step();
  }

  const body = assemble(budget);
  if (body.length <= maxLength) return body;
  // Last resort (absurdly small limits or huge fixed parts): keep the tail (footer, state) if it fits.
  const tail = [
    current(parts.find((p) => p.key === "after:footer")!),
    current(parts.find((p) => p.key === "after:state")!),
  ]
    .filter((s) => s !== "")
    .join(SEPARATOR);
  const headRoom = maxLength - tail.length - SEPARATOR.length;
  if (tail && headRoom > 200) {
    const head = body.slice(0, body.length - tail.length - SEPARATOR.length);
    return `${hardCut(head, headRoom)}${SEPARATOR}${tail}`;
  }
  return hardCut(body, maxLength);
}
