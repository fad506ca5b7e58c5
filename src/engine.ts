/**
 * The analysis engine: inputs (report tarballs, extracted folders, single logs) → AnalysisResult.
 *
 *   report (read a tarball into files) → parsers (one per known file) + signature scanner
 *   → analysis (combiners and rules) → result (redacted). Rendering is separate (src/render).
 *
 * Reports are read one after the other and every file is streamed through its parser and the
 * scanner, so memory stays flat however long a journal is.
 */
import { createReadStream, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { Transform } from "node:stream";
import { identify } from "./analysis/identity.js";
import { analyzeReports } from "./analysis/index.js";
import { signatureFindings } from "./analysis/signatures.js";
import type { ReportData } from "./analysis/types.js";
import { createParsedReport, PARSERS } from "./parsers/index.js";
import type { ParsedReport } from "./parsers/types.js";
import { redact, redactResult } from "./redact/redact.js";
import { detectLayout } from "./report/layout.js";
import { describeIoError } from "./report/limits.js";
import { readReport } from "./report/read.js";
import { teeSink } from "./report/stream-text.js";
import type { FileSink, ReportFileEntry, ReportInput, ReportLimits, ReportVisitor } from "./report/types.js";
import type { AnalysisResult, Finding, ReportSummary } from "./result/types.js";
import { loadCatalogue, validateRules } from "./rules/catalogue.js";
import { createScanner } from "./rules/scanner.js";
import type { Catalogue, SignatureHit } from "./rules/types.js";

export interface AnalyzeOptions {
  limits?: Partial<ReportLimits>;
  /** Catalogue to use (built-in plus repository extras); default: the built-in one. */
  catalogue?: Catalogue;
  /** Called with compressed bytes read so far, for a progress display. */
  onProgress?: (source: string, bytesRead: number, totalBytes: number | null) => void;
}

/** What an input turned out to be, from its first bytes. */
export type InputKind = "archive" | "folder" | "log" | "unknown";

const GZIP_MAGIC = [0x1f, 0x8b];
/** Single logs larger than this are cut (the scanner streams, but a log attachment is capped like an archive). */
const MAX_LOG_BYTES = 300 * 1024 * 1024;

/** Analyse several reports of one cluster together. Never throws for bad input: unreadable inputs carry `error`. */
export async function analyze(inputs: ReportInput[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const catalogue = options.catalogue ?? loadCatalogue();
  const reports: ReportData[] = [];
  const unreadable: ReportSummary[] = [];
  const logSources = new Map<string, string | null>();

  for (const input of inputs) {
    const name = inputName(input);
    let kind: InputKind;
    try {
      kind = await classifyInput(input);
    } catch (err) {
      unreadable.push(failedSummary(name, `cannot open: ${errorMessage(err)}`));
      continue;
    }
    if (kind === "log") {
      const log = await analyzeLogInput(input, name, catalogue);
      if ("error" in log) {
        unreadable.push(failedSummary(name, log.error));
        continue;
      }
      logSources.set(log.report.source, log.service);
      reports.push(log.report);
      continue;
    }
    if (kind === "unknown") {
      unreadable.push(
        failedSummary(
          name,
          "not an inspection report: neither a .tar.gz archive nor a text log (unrecognised content)",
        ),
      );
      continue;
    }
    const read = await readOneArchive(input, name, catalogue, options);
    if ("error" in read) unreadable.push(failedSummary(name, read.error));
    else reports.push(...read.reports);
  }

  const result = analyzeReports(reports, unreadable, catalogue);
  for (const summary of result.reports) {
    if (logSources.has(summary.source)) {
      summary.kind = "log";
      summary.service = logSources.get(summary.source) ?? null;
    }
  }
  return redactResult(result);
}

/** Findings from the console output of `microk8s inspect` that a user pasted into an issue (its FAIL/WARNING lines are not in the tarball). */
export function consoleFindings(text: string, catalogue: Catalogue = loadCatalogue()): Finding[] {
  const scanner = createScanner(catalogue, "@console");
  if (!scanner) return [];
  scanner.write(Buffer.from(text, "utf8"));
  scanner.end();
  return hitsToFindings(scanner.result(), catalogue, null).map((f) => ({
    ...f,
    evidence: f.evidence.map((e) => ({ ...e, file: "issue body (microk8s inspect output)" })),
  }));
}

/** The built-in catalogue plus a repository's extra rules (validated; bad rules are dropped and reported). */
export function loadCatalogueWithExtras(extraRules: unknown): { catalogue: Catalogue; errors: string[] } {
  const base = loadCatalogue();
  if (extraRules === undefined || extraRules === null) return { catalogue: base, errors: [] };
  const { rules, errors } = validateRules(extraRules, { user: true, reservedIds: base.byId.keys() });
  const all = [...base.rules, ...rules];
  return { catalogue: { rules: all, byId: new Map(all.map((r) => [r.id, r])) }, errors };
}

/** Decide from the first bytes what an input is. */
export async function classifyInput(input: ReportInput): Promise<InputKind> {
  if (input.kind === "folder") return "folder";
  if (input.kind === "stream") return "archive"; // streams are only used for archives (the reader checks the magic)
  const head = input.kind === "buffer" ? input.data.subarray(0, 1024) : await readHead(input.path, 1024);
  return classifyBytes(head, input.kind === "buffer" ? input.name : (input.name ?? basename(input.path)));
}

export function classifyBytes(head: Buffer, name: string): InputKind {
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return "archive";
  if (head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar") return "archive";
  // A .tar.gz name with other content goes to the reader, which explains what is wrong with it.
  if (/\.(tar\.gz|tgz|tar)$/i.test(name)) return "archive";
  if (looksLikeText(head)) return "log";
  return "unknown";
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control / head.length < 0.05;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function inputName(input: ReportInput): string {
  if (input.kind === "buffer" || input.kind === "stream") return input.name;
  return input.name ?? basename(input.path);
}

function failedSummary(source: string, error: string): ReportSummary {
  return { source, node: null, role: "unknown", microk8sVersion: null, error: redact(error) };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `inspection-report-20230206_185244` in a file name → "2023-02-06T18:52:44". */
export function takenAtFromName(name: string): string | null {
  const m = /(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}`;
}

/** Every parser of that report file plus the signature scanner, fed the file's bytes once. */
function fileSinks(
  path: string,
  parsed: ParsedReport,
  warnings: string[],
  catalogue: Catalogue,
  yearHint: number | null,
): { sink: FileSink | null; scanner: ReturnType<typeof createScanner> } {
  const sinks: FileSink[] = [];
  for (const parser of PARSERS) if (parser.matches(path)) sinks.push(parser.open(path, parsed, warnings));
  const scanner = createScanner(catalogue, path, { yearHint });
  if (scanner) sinks.push(scanner);
  if (sinks.length === 0) return { sink: null, scanner };
  return { sink: sinks.length === 1 ? sinks[0] : teeSink(sinks), scanner };
}

interface ReportCollector {
  prefix: string;
  parsed: ParsedReport;
  warnings: string[];
  scanners: { result(): SignatureHit[] }[];
}

async function readOneArchive(
  input: ReportInput,
  name: string,
  catalogue: Catalogue,
  options: AnalyzeOptions,
): Promise<{ reports: ReportData[] } | { error: string }> {
  const takenAt = takenAtFromName(name);
  const yearHint = takenAt ? Number(takenAt.slice(0, 4)) : null;
  const collectors = new Map<string, ReportCollector>();

  const visitorFor = (prefix: string): ReportVisitor => {
    const collector: ReportCollector = { prefix, parsed: createParsedReport(), warnings: [], scanners: [] };
    collectors.set(prefix, collector);
    return {
      onFile(entry: ReportFileEntry): FileSink | null {
        const { sink, scanner } = fileSinks(
          entry.path,
          collector.parsed,
          collector.warnings,
          catalogue,
          yearHint,
        );
        if (scanner) collector.scanners.push(scanner);
        return sink;
      },
    };
  };

  const outcome = await readReport(withProgress(input, name, options), visitorFor, options.limits);
  if (outcome.error) return { error: outcome.error };

  const multiple = outcome.reports.length > 1;
  const reports: ReportData[] = [];
  for (const read of outcome.reports) {
    const collector = collectors.get(read.prefix);
    const parsed = collector?.parsed ?? createParsedReport();
    const base = {
      source: multiple ? `${name}#${read.prefix || "."}` : name,
      takenAt,
      files: read.files,
      layout: detectLayout(read.files),
      parsed,
      hits: collector ? collector.scanners.flatMap((s) => s.result()) : [],
      warnings: [...outcome.warnings, ...(collector?.warnings ?? [])],
    };
    reports.push({ ...base, identity: identify(base) });
  }
  return { reports };
}

/** Turns a file input into a counting stream when a progress callback is wanted. */
function withProgress(input: ReportInput, name: string, options: AnalyzeOptions): ReportInput {
  const onProgress = options.onProgress;
  if (!onProgress || input.kind !== "file") return input;
  let total: number | null = null;
  try {
    total = statSync(input.path).size;
  } catch {
    return input; // the reader reports the error
  }
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      onProgress(name, bytes, total);
      done(null, chunk);
    },
  });
  const source = createReadStream(input.path);
  source.on("error", (err) => counter.destroy(err));
  return { kind: "stream", stream: source.pipe(counter), name };
}

const LOG_HEAD_BYTES = 64 * 1024;
const LOG_CHUNK_BYTES = 1 << 20;

/**
 * A single log input, analysed as it streams: a file is read in 1 MiB chunks (never whole), so a
 * log near the size cap costs its chunks, not its size, in memory.
 */
async function analyzeLogInput(
  input: ReportInput,
  name: string,
  catalogue: Catalogue,
): Promise<{ report: ReportData; service: string | null } | { error: string }> {
  if (input.kind === "buffer") return analyzeLogData(name, input.data.subarray(0, MAX_LOG_BYTES), catalogue);
  if (input.kind !== "file") return { error: "unsupported input" };
  try {
    const handle = await open(input.path, "r");
    try {
      const { size } = await handle.stat();
      if (size > MAX_LOG_BYTES) return { error: `log larger than ${MAX_LOG_BYTES >> 20} MiB` };
      const head = Buffer.alloc(Math.min(size, LOG_HEAD_BYTES));
      await handle.read(head, 0, head.length, 0);
      const log = openLog(name, head, catalogue);
      const chunk = Buffer.alloc(LOG_CHUNK_BYTES);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
        if (bytesRead === 0) break;
        log.sink.write(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > MAX_LOG_BYTES) return { error: `log larger than ${MAX_LOG_BYTES >> 20} MiB` };
      }
      return log.finish(total);
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { error: `cannot read: ${describeIoError(err)}` };
  }
}

const SERVICE_IN_NAME =
  /(?:snap\.)?microk8s\.daemon-([a-z0-9-]+?)(?:\.service)?(?:[._](?:journal|systemctl|log|txt)|$)/i;
const SERVICE_IN_LINE = /\bmicrok8s\.daemon-([a-z0-9-]+)\[\d+\]:/;
const KNOWN_SERVICES = [
  "k8s-dqlite",
  "kubelite",
  "containerd",
  "cluster-agent",
  "apiserver-kicker",
  "apiserver-proxy",
  "apiserver",
  "kubelet",
  "flanneld",
  "etcd",
  "controller-manager",
  "scheduler",
  "proxy",
];

/** Which service's log a single attached file appears to be: from its name, else from its lines. "kernel" for dmesg. */
export function guessLogService(name: string, head: string): string | null {
  const fromName = SERVICE_IN_NAME.exec(name);
  if (fromName) return fromName[1].toLowerCase();
  const lower = name.toLowerCase();
  if (/dmesg|kern/.test(lower)) return "kernel";
  const counts = new Map<string, number>();
  for (const m of head.matchAll(new RegExp(SERVICE_IN_LINE, "g")))
    counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  if (counts.size > 0) return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  if (/^\[\s*\d+\.\d+\]/m.test(head) || /\bkernel: /.test(head)) return "kernel";
  for (const svc of KNOWN_SERVICES) if (lower.includes(svc)) return svc;
  return null;
}

/** A single attached log, analysed as a one-file report placed where that log lives in a report. */
export function analyzeLogData(
  name: string,
  bytes: Buffer,
  catalogue: Catalogue,
): { report: ReportData; service: string | null } {
  const log = openLog(name, bytes.subarray(0, LOG_HEAD_BYTES), catalogue);
  for (let offset = 0; offset < bytes.length; offset += LOG_CHUNK_BYTES) {
    log.sink.write(bytes.subarray(offset, offset + LOG_CHUNK_BYTES));
  }
  return log.finish(bytes.length);
}

/** Parsers and scanner for one single log, placed by its head; `finish` ends them and builds the report. */
function openLog(
  name: string,
  head: Buffer,
  catalogue: Catalogue,
): { sink: FileSink; finish(size: number): { report: ReportData; service: string | null } } {
  const service = guessLogService(name, head.toString("utf8"));
  const path =
    service === "kernel" ? "apparmor/dmesg" : `snap.microk8s.daemon-${service ?? "unknown"}/journal.log`;
  const parsed = createParsedReport();
  const warnings: string[] = [];
  const takenAt = takenAtFromName(name);
  const yearHint = takenAt ? Number(takenAt.slice(0, 4)) : null;
  const opened = fileSinks(path, parsed, warnings, catalogue, yearHint);
  const sink = opened.sink ?? teeSink([]);
  const scanner = opened.scanner;
  return {
    sink,
    finish(size) {
      sink.end();
      const files = [{ path, size }];
      const base = {
        source: name,
        takenAt,
        files,
        layout: detectLayout(files),
        parsed,
        hits: scanner ? scanner.result() : [],
        warnings,
      };
      const identity = identify(base);
      // A lone log says nothing about this node's role in the cluster.
      return { report: { ...base, identity: { ...identity, role: "unknown" } }, service };
    },
  };
}

function hitsToFindings(hits: SignatureHit[], catalogue: Catalogue, node: string | null): Finding[] {
  const data: ReportData = {
    source: "console",
    takenAt: null,
    files: [],
    layout: detectLayout([]),
    parsed: createParsedReport(),
    hits,
    warnings: [],
    identity: { node, role: "unknown", microk8sVersion: null, dqliteAddress: null, addresses: [] },
  };
  return signatureFindings([data], catalogue).map((f) => ({
    ...f,
    evidence: f.evidence.map((e) => ({ ...e, text: redact(e.text) })),
  }));
}
