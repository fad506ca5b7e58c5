/**
 * End-to-end helpers: the real engine (read → parse → scan → analyse → redact) and renderer on
 * generated sample reports and on the two real reports in ../shared (when present).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { analyze } from "../../src/engine.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import type { AnalysisResult, Finding, Severity } from "../../src/result/types.js";
import { SEVERITY_ORDER } from "../../src/result/types.js";
import type { SampleReport } from "../support/reports.js";

export interface Analysed {
  result: AnalysisResult;
  markdown: string;
}

/** Analyses generated tarballs together, as the bot would for one issue. */
export async function analyseSamples(samples: SampleReport[]): Promise<Analysed> {
  const result = await analyze(samples.map((s) => ({ kind: "buffer" as const, data: s.data, name: s.name })));
  return { result, markdown: renderMarkdown(result) };
}

/** The real reports of ../shared/reports/real, by file name; null (with the reason) when absent. */
const REAL_DIR = new URL("../../../shared/reports/real/", import.meta.url);

export function realReportPath(name: string): string | null {
  const path = fileURLToPath(new URL(name, REAL_DIR));
  return existsSync(path) ? path : null;
}

export async function analyseFile(path: string): Promise<Analysed> {
  const result = await analyze([{ kind: "file", path }]);
  return { result, markdown: renderMarkdown(result) };
}

export function findingsOf(result: AnalysisResult, id: string): Finding[] {
  return result.findings.filter((f) => f.id === id);
}

/** Node → finding of one id (one finding per node and id in the JSON). */
export function byNode(result: AnalysisResult, id: string): Map<string | null, Finding> {
  return new Map(findingsOf(result, id).map((f) => [f.node, f]));
}

export function rank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** Findings more severe than `severity`. */
export function above(result: AnalysisResult, severity: Severity): Finding[] {
  return result.findings.filter((f) => rank(f.severity) < rank(severity));
}

/** The body of one "### Title" section of the comment. */
export function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n### ${title}\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const rest = markdown.slice(start + title.length + 6);
  const next = rest.search(/\n### /);
  return next === -1 ? rest : rest.slice(0, next);
}
