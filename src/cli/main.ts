/**
 * `report-triage` command line: the same engine and renderer the bot uses, on local files.
 * Exit status (contract): 0 every report read; 1 at least one report unreadable; 2 usage error.
 */
import { stat, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { analyze } from "../engine.js";
import { renderJson } from "../render/json.js";
import { renderMarkdown } from "../render/markdown.js";
import type { ReportInput } from "../report/types.js";
import { SEVERITY_ORDER, type Severity } from "../result/types.js";

export const USAGE = `Usage:
  report-triage analyze [--format markdown|json] [--out FILE] [--min-severity LEVEL] REPORT [REPORT ...]
  report-triage serve                 run the GitHub App server (same as npm start)
  report-triage --help | --version

REPORT is a microk8s inspect tarball (.tar.gz/.tgz), a folder holding an extracted one, or a single
service log (journal.log, dmesg). Several reports are analysed together as one cluster.

Exit status: 0 all reports read; 1 at least one report could not be read; 2 usage error.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress lines are shown only then). */
  stderrIsTty: boolean;
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
  if (command === "serve") {
    const { serveUntilSignal } = await import("../server.js");
    await serveUntilSignal(process.env);
    return 0;
  }
  throw new UsageError(`unknown command: ${command}`);
}

async function analyzeCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseAnalyzeArgs>;
  try {
    parsed = parseAnalyzeArgs(argv);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const format = values.format ?? "markdown";
  if (format !== "markdown" && format !== "json") throw new UsageError(`--format must be markdown or json, not ${format}`);
  const minSeverity = values["min-severity"] as Severity | undefined;
  if (minSeverity && !SEVERITY_ORDER.includes(minSeverity)) {
    throw new UsageError(`--min-severity must be one of ${SEVERITY_ORDER.join(", ")}`);
  }
  if (positionals.length === 0) throw new UsageError("no report given");

  const inputs: ReportInput[] = [];
  for (const path of positionals) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new UsageError(`file not found: ${path}`);
    inputs.push(info.isDirectory() ? { kind: "folder", path } : { kind: "file", path });
  }

  const progress = io.stderrIsTty ? progressPrinter(io) : undefined;
  const result = await analyze(inputs, { onProgress: progress?.update });
  progress?.done();

  const output = format === "json" ? renderJson(result) : renderMarkdown(result, { minSeverity });
  if (values.out) await writeFile(values.out, output.endsWith("\n") ? output : `${output}\n`);
  else io.stdout(output.endsWith("\n") ? output : `${output}\n`);
  return result.reports.some((r) => r.error) ? 1 : 0;
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
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
