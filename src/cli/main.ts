/**
 * `report-triage` command line: the same engine and renderer the bot uses, on local files.
 * Exit status (contract): 0 every report read; 1 at least one report unreadable; 2 usage error.
 */
import { stat, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { diffResults, renderDiffDocument, renderDiffJson } from "../diff/index.js";
import { analyze } from "../engine.js";
import { missingModelConfig, readModelConfig } from "../explain/config.js";
import type { ExplainOutcome } from "../explain/explain.js";
import { EXPLANATION_TITLE, renderExplanation } from "../explain/render.js";
import { analysisSignature, signatureTokens } from "../related/signature.js";
import { renderJson } from "../render/json.js";
import { renderMarkdown } from "../render/markdown.js";
import type { ReportInput } from "../report/types.js";
import { type AnalysisResult, SEVERITY_ORDER, type Severity } from "../result/types.js";

export const USAGE = `Usage:
  report-triage analyze [--format markdown|json] [--out FILE] [--min-severity LEVEL] [--explain] REPORT [REPORT ...]
  report-triage diff [--format markdown|json] [--out FILE] OLD [OLD ...] -- NEW [NEW ...]
  report-triage diff [--format markdown|json] [--out FILE] --old OLD [--old OLD ...] --new NEW [--new NEW ...]
  report-triage signature [--format text|json] REPORT [REPORT ...]
  report-triage serve                 run the GitHub App server (same as npm start)
  report-triage --help | --version

REPORT is a microk8s inspect tarball (.tar.gz/.tgz), a folder holding an extracted one, or a single
service log (journal.log, dmesg). Several reports are analysed together as one cluster.

diff analyses the OLD reports and the NEW reports (each side as one cluster) and prints what changed:
quorum, voters and roles, departed nodes, disk errors, findings that appeared, disappeared or grew.

signature prints the normalised signature the bot uses to find possibly related issues (finding ids
and log lines with names, addresses, numbers and times stripped), and the tokens to search for on GitHub.

--explain adds a short explanation by a language model. It is the only option that uses the network:
it needs OPENAI_MODEL and OPENAI_BASE_URL (any OpenAI-compatible endpoint) or OPENAI_API_KEY, and sends
only the findings with redacted evidence, node names, host names and IP addresses replaced by
placeholders (OPENAI_TIMEOUT_MS, default 20000). Without them the output says why there is none.

Exit status: 0 all reports read; 1 at least one report could not be read; 2 usage error.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress lines are shown only then). */
  stderrIsTty: boolean;
  /** Environment for `--explain` (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

class UsageError extends Error {}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`report-triage: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`report-triage: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("no command given");
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command === "--version" || command === "-v") {
    io.stdout(`${await version()}\n`);
    return 0;
  }
  if (command === "analyze") return analyzeCommand(rest, io);
  if (command === "diff") return diffCommand(rest, io);
  if (command === "signature") return signatureCommand(rest, io);
  if (command === "serve") {
    const { serveUntilSignal } = await import("../server.js");
    await serveUntilSignal(process.env);
    return 0;
  }
  throw new UsageError(`unknown command: ${command}`);
}

async function analyzeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usageChecked(() => parseAnalyzeArgs(argv));
  if (values.help) return printUsage(io);
  const format = checkFormat(values.format, ["markdown", "json"]);
  const minSeverity = values["min-severity"] as Severity | undefined;
  if (minSeverity && !SEVERITY_ORDER.includes(minSeverity)) {
    throw new UsageError(`--min-severity must be one of ${SEVERITY_ORDER.join(", ")}`);
  }
  if (positionals.length === 0) throw new UsageError("no report given");

  const inputs = await resolveInputs(positionals);
  const progress = io.stderrIsTty ? progressPrinter(io) : undefined;
  const result = await analyze(inputs, { onProgress: progress?.update });
  progress?.done();

  const explanation = values.explain ? await explain(result, io) : null;
  let output: string;
  if (format === "json") {
    output = renderJson(result);
    if (explanation) output = JSON.stringify({ ...JSON.parse(output), explanation }, null, 2);
  } else {
    const extraSections = explanation
      ? [{ title: EXPLANATION_TITLE, body: renderExplanation(explanation) }]
      : undefined;
    output = renderMarkdown(result, { minSeverity, ...(extraSections ? { extraSections } : {}) });
  }
  await emit(output, values.out, io);
  return result.reports.some((r) => r.error) ? 1 : 0;
}

/** The model's explanation, or why there is none (also said on stderr). Never throws. */
async function explain(result: AnalysisResult, io: CliIo): Promise<ExplainOutcome> {
  const env = io.env ?? process.env;
  const model = readModelConfig(env);
  let outcome: ExplainOutcome;
  if (!model) {
    outcome = { ok: false, reason: `no language model is configured (${missingModelConfig(env)})` };
  } else {
    const { explainResult } = await import("../explain/explain.js");
    outcome = await explainResult(result, model);
  }
  if (!outcome.ok) io.stderr(`report-triage: no explanation: ${outcome.reason}\n`);
  return outcome;
}

async function diffCommand(argv: string[], io: CliIo): Promise<number> {
  const split = argv.indexOf("--");
  const head = split < 0 ? argv : argv.slice(0, split);
  const tail = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = usageChecked(() => parseDiffArgs(head));
  if (values.help) return printUsage(io);
  const format = checkFormat(values.format, ["markdown", "json"]);
  const named = (values.old?.length ?? 0) + (values.new?.length ?? 0) > 0;
  let oldPaths: string[];
  let newPaths: string[];
  if (split >= 0) {
    if (named) throw new UsageError("diff: use either OLD... -- NEW... or --old/--new, not both");
    oldPaths = positionals;
    newPaths = tail;
  } else {
    if (positionals.length > 0)
      throw new UsageError("diff: separate the earlier and the later reports with -- (or use --old/--new)");
    oldPaths = values.old ?? [];
    newPaths = values.new ?? [];
  }
  if (oldPaths.length === 0) throw new UsageError("diff: no earlier (OLD) report given");
  if (newPaths.length === 0) throw new UsageError("diff: no later (NEW) report given");

  const oldInputs = await resolveInputs(oldPaths);
  const newInputs = await resolveInputs(newPaths);
  const progress = io.stderrIsTty ? progressPrinter(io) : undefined;
  const previous = await analyze(oldInputs, { onProgress: progress?.update });
  const current = await analyze(newInputs, { onProgress: progress?.update });
  progress?.done();

  const diff = diffResults(previous, current);
  await emit(format === "json" ? renderDiffJson(diff) : renderDiffDocument(diff), values.out, io);
  return [...previous.reports, ...current.reports].some((r) => r.error) ? 1 : 0;
}

async function signatureCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = usageChecked(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { format: { type: "string", short: "f" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (parsed.values.help) return printUsage(io);
  const format = checkFormat(parsed.values.format as string | undefined, ["text", "json"]);
  if (parsed.positionals.length === 0) throw new UsageError("no report given");
  const result = await analyze(await resolveInputs(parsed.positionals));
  const signature = analysisSignature(result);
  const tokens = signatureTokens(signature);
  const { weights: _weights, ...shown } = signature;
  const output =
    format === "json"
      ? JSON.stringify({ ...shown, tokens }, null, 2)
      : [
          `key: ${signature.key}`,
          `ids: ${signature.ids.join(", ") || "(nothing fired)"}`,
          "lines:",
          ...signature.lines.map((line) => `  ${line}`),
          `tokens: ${tokens.join(" ")}`,
          `search: repo:OWNER/REPO is:issue in:comments ${tokens[1]}`,
        ].join("\n");
  await emit(output, undefined, io);
  return result.reports.some((r) => r.error) ? 1 : 0;
}

function parseDiffArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      old: { type: "string", multiple: true },
      new: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Runs an argument parser, turning its complaints into usage errors (exit 2). */
function usageChecked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The --format value (the first allowed one by default), or a usage error. */
function checkFormat<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  const format = value ?? allowed[0];
  if (!(allowed as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be ${allowed.join(" or ")}, not ${format}`);
  }
  return format as F;
}

function printUsage(io: CliIo): number {
  io.stdout(`${USAGE}\n`);
  return 0;
}

async function resolveInputs(paths: string[]): Promise<ReportInput[]> {
  const inputs: ReportInput[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new UsageError(`file not found: ${path}`);
    inputs.push(info.isDirectory() ? { kind: "folder", path } : { kind: "file", path });
  }
  return inputs;
}

async function emit(output: string, out: string | undefined, io: CliIo): Promise<void> {
  const text = output.endsWith("\n") ? output : `${output}\n`;
  if (out) await writeFile(out, text);
  else io.stdout(text);
}

function parseAnalyzeArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      "min-severity": { type: "string" },
      explain: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** A single self-overwriting progress line for big reports, only on a terminal. */
function progressPrinter(io: CliIo) {
  const BIG = 5 * 1024 * 1024;
  let shown = false;
  let last = 0;
  return {
    update(source: string, bytes: number, total: number | null) {
      if (total !== null && total < BIG) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const of = total ? `/${mb(total)}` : "";
      io.stderr(`\r\x1b[Kreading ${source}: ${mb(bytes)}${of} MB`);
    },
    done() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}

async function version(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
