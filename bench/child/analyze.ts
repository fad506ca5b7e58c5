/**
 * Benchmark child: analyses one report file the way `report-triage analyze` does and prints
 * {catalogueMs, analyzeMs, totalMs, peakRssBytes, …}. `analyzeMs` starts once the (cached)
 * signature catalogue is loaded, so totalMs = catalogueMs + analyzeMs is a cold run in a fresh
 * process and analyzeMs is what a running server pays per report.
 */
import { analyze } from "../../src/engine.js";
import { loadCatalogue } from "../../src/rules/catalogue.js";
import { cpuMs, fail, peakRssBytes, printResult } from "./report.js";

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error("usage: analyze <report.tar.gz>");
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const catalogue = loadCatalogue();
  const t1 = performance.now();
  const result = await analyze([{ kind: "file", path }], { catalogue });
  const t2 = performance.now();
  const report = result.reports[0];
  if (!report || report.error) throw new Error(`analysis failed: ${report?.error ?? "no report"}`);
  printResult({
    catalogueMs: t1 - t0,
    analyzeMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: cpuMs() - cpu0,
    peakRssBytes: peakRssBytes(),
    findings: result.findings.length,
    quorum: result.quorum.state,
  });
}

main().catch(fail);
