/**
 * Child-process entry of the hostile corpus suite: analyses one corpus case and prints, as its
 * last stdout line, the time taken, the peak resident memory and a view of the result.
 *
 *   node --import tsx test/hostile/measure.ts CASE_ID [--file PATH] [--limits JSON]
 *   node --import tsx test/hostile/measure.ts --log PATH
 *
 * Without --file the case streams straight from its generator into analyze(); with it, the
 * pre-written file is read as the CLI reads it. --log analyses a single log file instead.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { hostileCase } from "../../scripts/hostile/corpus.js";
import { analyze } from "../../src/engine.js";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import type { ReportInput, ReportLimits } from "../../src/report/types.js";
import { type Measurement, viewOf } from "./support.js";

function status(field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) : Number.NaN;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where the kernel refuses. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { file: { type: "string" }, limits: { type: "string" }, log: { type: "string" } },
});
const limits = values.limits ? (JSON.parse(values.limits) as Partial<ReportLimits>) : undefined;
let input: ReportInput;
if (values.log) {
  input = { kind: "file", path: values.log };
} else {
  const hostile = await hostileCase(positionals[0]);
  input = values.file
    ? { kind: "file", path: values.file, name: hostile.name }
    : { kind: "stream", stream: hostile.open(), name: hostile.name };
}

const peakReset = resetPeak();
const baselineKiB = status("VmRSS");
const started = performance.now();
const result = await analyze([input], { limits });
const markdown = renderMarkdown(result);
const json = renderJson(result);
const ms = performance.now() - started;
const measurement: Measurement = {
  ms,
  baselineKiB,
  peakKiB: status("VmHWM"),
  peakReset,
  view: viewOf(result, markdown, json),
};
process.stdout.write(`${JSON.stringify(measurement)}\n`);
