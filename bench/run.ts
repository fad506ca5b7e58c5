/**
 * `npm run bench` — throughput, memory and latency of report-triage (issue #5; not part of CI).
 *
 *   1. Generates realistic big reports (scripts/samples/big-report.ts) of 5 and 25 MB compressed,
 *      and the four #3735 incident reports, into a temporary folder (removed at the end).
 *   2. Per big report, several rounds of, each in a fresh process:
 *        - the analysis (bundled like dist/, catalogue load timed apart);
 *        - Node's own gunzip of the same file, nothing else (the baseline), next to `gzip -dc | wc -c`;
 *        - `tar -xzOf report | grep -E -c -i '<every catalogue regex as an ERE>'` (LC_ALL=C);
 *      and reports medians, the ratios and the analysis' peak RSS.
 *   3. The Lambda webhook receiver, bundled as deployed: cold (import + first call, fresh process)
 *      and warm latency, its async hand-off going to a local Lambda stand-in.
 *   4. The #3735 reports end to end: real server + GitHub stand-in + local file server, webhook →
 *      final comment.
 *   5. A CPU profile of one analysis of the biggest report, charged to parts of the code base.
 *
 * Options: --runs N (rounds per report, default 5), --sizes 5,25 (MB), --quick (3 rounds, fewer
 * receiver calls), --skip-receiver, --skip-e2e, --skip-profile, --keep (keep the temporary
 * folder), --locale-grep (one extra grep run in the current locale, for information).
 * Results and method: BENCHMARKS.md.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { incident3735 } from "../scripts/samples/incident-3735.js";
import { writeBigReport } from "../scripts/samples/scenarios.js";
import { loadCatalogue } from "../src/rules/catalogue.js";
import { type CatalogueEre, catalogueEre } from "./lib/ere.js";
import { httpApiEvent, issuesOpenedPayload } from "./lib/events.js";
import { startLambdaStandIn } from "./lib/lambda-stand-in.js";
import { describeMachine, type Machine } from "./lib/machine.js";
import { runNodeChild, runShell } from "./lib/processes.js";
import { type CpuProfile, moduleIndex, type ProfileSummary, summarizeProfile } from "./lib/profile.js";
import {
  formatMB,
  formatMiB,
  formatMs,
  MiB,
  markdownTable,
  median,
  quantile,
  ratio,
  textTable,
} from "./lib/stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SIGNATURES = fileURLToPath(new URL("../src/rules/signatures.yaml", import.meta.url));
const WEBHOOK_SECRET = "bench-webhook-secret";

const GOALS = {
  gunzipRatio: 1.5,
  grepRatio: 1.0,
  peakRssBytes: 200 * MiB,
  /** "Flat": the 25 MB report may need at most this much more memory than the 5 MB one. */
  rssGrowth: 0.25,
  receiverWarmMs: 50,
  receiverColdMs: 1000,
  incidentMs: 10_000,
};

interface AnalysisRun {
  catalogueMs: number;
  analyzeMs: number;
  totalMs: number;
  cpuMs: number;
  peakRssBytes: number;
  findings: number;
  wallMs: number;
}

interface GunzipRun {
  totalMs: number;
  bytes: number;
  peakRssBytes: number;
  wallMs: number;
}

interface SizeResult {
  label: string;
  compressedBytes: number;
  unpackedBytes: number;
  gzipCliBytes: number;
  analysis: AnalysisRun[];
  /** zlib.createGunzip() with stock settings (the baseline the goal names). */
  gunzip: GunzipRun[];
  /** The same with the reader's chunk sizes: Node's fastest plain gunzip. */
  gunzipTuned: GunzipRun[];
  grepMs: number[];
  grepCount: number;
  gzipCliMs: number[];
  localeGrepMs: number | null;
}

interface ReceiverResult {
  coldMs: number[];
  importMs: number[];
  warmMs: number[];
  invocations: number;
}

interface IncidentResult {
  runs: {
    ackMs: number;
    placeholderMs: number | null;
    commentMs: number;
    calls: { ms: number; call: string }[];
  }[];
  peakRssBytes: number;
  compressedBytes: number;
}

interface Bundles {
  analyze: string;
  gunzip: string;
  receiverChild: string;
  receiver: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      sizes: { type: "string", default: "5,25" },
      quick: { type: "boolean", default: false },
      "skip-receiver": { type: "boolean", default: false },
      "skip-e2e": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      "locale-grep": { type: "boolean", default: false },
      "skip-profile": { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs ?? (values.quick ? 3 : 5));
  const sizes = values.sizes.split(",").map(Number);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs wants a whole number ≥ 1, not ${values.runs}`);
  if (sizes.some((mb) => !(mb > 0 && mb <= 25))) {
    throw new Error(`--sizes wants compressed sizes in MB between 0 and 25, like 5,25; not ${values.sizes}`);
  }
  const machine = describeMachine();
  const started = performance.now();
  const tmp = mkdtempSync(join(os.tmpdir(), "report-triage-bench-"));
  const log = (line: string) =>
    process.stderr.write(`[bench ${formatMs(performance.now() - started)}] ${line}\n`);

  try {
    log(`machine: ${machineLine(machine)}; working in ${tmp}`);
    const bundles = await bundle(tmp);
    const ere = catalogueEre(loadCatalogue().rules);
    log(
      `grep pattern: ${ere.exact.length} rules exact, ${ere.approximated.length} approximated, ${ere.skipped.length} left out`,
    );

    const sizeResults: SizeResult[] = [];
    for (const mb of sizes) {
      const file = join(tmp, `big-${mb}MB.tar.gz`);
      log(`generating a ${mb} MB report…`);
      const stats = await writeBigReport({ targetCompressedBytes: mb * 1e6 }, createWriteStream(file));
      log(`  ${formatMB(stats.compressedBytes)} → ${formatMB(stats.unpackedBytes)} unpacked; ${runs} rounds`);
      sizeResults.push(
        await measureSize(`${mb} MB`, file, stats, bundles, ere, runs, values["locale-grep"] ?? false, log),
      );
    }

    let profile: ProfileSummary | null = null;
    if (!values["skip-profile"] && sizes.length > 0) {
      const mb = sizes[sizes.length - 1];
      log(`CPU profile of one analysis of the ${mb} MB report…`);
      profile = await profileAnalysis(bundles, join(tmp, `big-${mb}MB.tar.gz`), tmp);
    }

    let receiver: ReceiverResult | null = null;
    if (!values["skip-receiver"]) {
      log("webhook receiver: cold and warm…");
      receiver = await measureReceiver(bundles, tmp, values.quick ? 3 : 5, values.quick ? 50 : 200);
    }

    let incident: IncidentResult | null = null;
    if (!values["skip-e2e"]) {
      log("#3735 end to end…");
      incident = await measureIncident(tmp, 3);
    }

    const rows = resultRows(sizeResults, receiver, incident);
    process.stdout.write(`\n${report(machine, runs, ere, rows, performance.now() - started)}\n`);
    if (profile) process.stdout.write(`\n${profileText(profile)}\n`);
    if (incident) {
      const last = incident.runs[incident.runs.length - 1];
      process.stdout.write(
        `\n#3735, last run: GitHub API calls (ms after the webhook)\n${last.calls.map((c) => `  ${formatMs(c.ms).padStart(8)}  ${c.call}`).join("\n")}\n`,
      );
    }
    process.stdout.write(`\nMarkdown:\n\n${markdownTable(rows)}\n`);
  } finally {
    if (values.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

function machineLine(m: Machine): string {
  return `${m.cpus} × ${m.cpuModel}, ${formatMiB(m.memoryBytes)} RAM, Node ${m.node}, ${m.os}, load ${m.loadAverage.toFixed(2)}`;
}

/** The children, bundled with esbuild like the deployed code (no TypeScript loader in the timings). */
async function bundle(tmp: string): Promise<Bundles> {
  const out = (name: string) => join(tmp, `${name}.mjs`);
  const entries: Record<keyof Bundles, string> = {
    analyze: "bench/child/analyze.ts",
    gunzip: "bench/child/gunzip.ts",
    receiverChild: "bench/child/receiver.ts",
    receiver: "functions/webhook.ts",
  };
  const bundles = {} as Bundles;
  for (const [key, entry] of Object.entries(entries) as [keyof Bundles, string][]) {
    await build({
      entryPoints: [join(ROOT, entry)],
      outfile: out(key),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify: key === "receiver", // as serverless.yml deploys it
      absWorkingDir: ROOT, // module comments in the bundle name project paths (see lib/profile.ts)
      logLevel: "warning",
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    bundles[key] = out(key);
  }
  return bundles;
}

async function measureSize(
  label: string,
  file: string,
  stats: { compressedBytes: number; unpackedBytes: number },
  bundles: Bundles,
  ere: CatalogueEre,
  runs: number,
  localeGrep: boolean,
  log: (line: string) => void,
): Promise<SizeResult> {
  const childEnv = { ...process.env, REPORT_TRIAGE_SIGNATURES: SIGNATURES };
  const cEnv = { ...process.env, LC_ALL: "C" };
  const result: SizeResult = {
    label,
    compressedBytes: stats.compressedBytes,
    unpackedBytes: stats.unpackedBytes,
    gzipCliBytes: 0,
    analysis: [],
    gunzip: [],
    gunzipTuned: [],
    grepMs: [],
    grepCount: 0,
    gzipCliMs: [],
    localeGrepMs: null,
  };
  for (let round = 0; round < runs; round++) {
    // Interleaved, so that a busy spell on the machine hits every measurement alike.
    result.gunzip.push(await runNodeChild<GunzipRun>(bundles.gunzip, [file, "default"]));
    result.gunzipTuned.push(await runNodeChild<GunzipRun>(bundles.gunzip, [file, "tuned"]));
    result.analysis.push(
      await runNodeChild<AnalysisRun>(bundles.analyze, [file], { env: childEnv, cwd: ROOT }),
    );
    const grep = await runShell('tar -xzOf "$1" | grep -E -c -i -e "$2"', [file, ere.pattern], {
      env: cEnv,
      allowExit: [1],
    });
    result.grepMs.push(grep.wallMs);
    result.grepCount = Number(grep.stdout.trim());
    const gzip = await runShell('gzip -dc "$1" | wc -c', [file], { env: cEnv });
    result.gzipCliMs.push(gzip.wallMs);
    result.gzipCliBytes = Number(gzip.stdout.trim());
    const a = result.analysis[round];
    log(
      `  ${label} round ${round + 1}: analysis ${formatMs(a.totalMs)} (catalogue ${formatMs(a.catalogueMs)}), gunzip ${formatMs(result.gunzip[round].totalMs)} (tuned ${formatMs(result.gunzipTuned[round].totalMs)}), tar|grep ${formatMs(grep.wallMs)}, peak RSS ${formatMiB(a.peakRssBytes)}`,
    );
  }
  if (localeGrep) {
    const grep = await runShell('tar -xzOf "$1" | grep -E -c -i -e "$2"', [file, ere.pattern], {
      allowExit: [1],
    });
    result.localeGrepMs = grep.wallMs;
  }
  return result;
}

async function measureReceiver(
  bundles: Bundles,
  tmp: string,
  processes: number,
  warmCalls: number,
): Promise<ReceiverResult> {
  const lambda = await startLambdaStandIn();
  try {
    const payload = issuesOpenedPayload();
    const events = [];
    for (let i = 0; i <= warmCalls; i++) {
      events.push(await httpApiEvent(WEBHOOK_SECRET, "issues", payload, randomUUID()));
    }
    const eventsFile = join(tmp, "receiver-events.json");
    writeFileSync(eventsFile, JSON.stringify(events));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WEBHOOK_SECRET,
      WORKER_FUNCTION_NAME: "report-triage-bench-worker",
      WORKER_LAMBDA_ENDPOINT: lambda.endpoint,
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "silent" as NodeJS.ProcessEnv["LOG_LEVEL"],
    };
    const result: ReceiverResult = { coldMs: [], importMs: [], warmMs: [], invocations: 0 };
    for (let i = 0; i < processes; i++) {
      const child = await runNodeChild<{ coldMs: number; importMs: number; warmMs: number[] }>(
        bundles.receiverChild,
        [bundles.receiver, eventsFile],
        { env },
      );
      result.coldMs.push(child.coldMs);
      result.importMs.push(child.importMs);
      result.warmMs.push(...child.warmMs);
    }
    result.invocations = lambda.invocations();
    const expected = processes * (warmCalls + 1);
    if (result.invocations !== expected) {
      throw new Error(`the Lambda stand-in saw ${result.invocations} hand-offs, expected ${expected}`);
    }
    return result;
  } finally {
    await lambda.close();
  }
}

async function measureIncident(tmp: string, runs: number): Promise<IncidentResult> {
  const reports = await incident3735();
  const files = reports.map((report) => {
    const path = join(tmp, report.name);
    writeFileSync(path, report.data);
    return path;
  });
  const child = await runNodeChild<Omit<IncidentResult, "compressedBytes">>(
    join(ROOT, "bench/child/incident.ts"),
    [String(runs), ...files],
    { nodeArgs: ["--import", "tsx"], cwd: ROOT },
  );
  return { ...child, compressedBytes: reports.reduce((sum, r) => sum + r.data.length, 0) };
}

/** One analysis child under `node --cpu-prof`, its samples charged to parts of the code base. */
async function profileAnalysis(bundles: Bundles, file: string, tmp: string): Promise<ProfileSummary> {
  const dir = join(tmp, "cpu-profile");
  await runNodeChild<AnalysisRun>(bundles.analyze, [file], {
    env: { ...process.env, REPORT_TRIAGE_SIGNATURES: SIGNATURES },
    cwd: ROOT,
    nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir],
  });
  const name = readdirSync(dir).find((entry) => entry.endsWith(".cpuprofile"));
  if (!name) throw new Error("node --cpu-prof wrote no profile");
  const profile = JSON.parse(readFileSync(join(dir, name), "utf8")) as CpuProfile;
  const index = moduleIndex(readFileSync(bundles.analyze, "utf8"));
  return summarizeProfile(profile, pathToFileURL(bundles.analyze).href, index);
}

function profileText(p: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / p.totalMs).toFixed(0)} %`;
  const rows = [
    ["main thread, whole process", formatMs(p.totalMs), ""],
    ...p.byCategory.map((c) => [`  ${c.category}`, formatMs(c.ms), pct(c.ms)]),
  ];
  const top = [
    ["hottest functions (self time)", "", ""],
    ...p.topFunctions.map((f) => [`  ${f.name} (${f.file})`, formatMs(f.ms), pct(f.ms)]),
  ];
  return `CPU profile of one analysis (node --cpu-prof):\n${textTable(rows)}\n\n${textTable(top)}`;
}

type Row = [string, string, string, string];

function verdict(ok: boolean): string {
  return ok ? "✓" : "✗";
}

function resultRows(
  sizes: SizeResult[],
  receiver: ReceiverResult | null,
  incident: IncidentResult | null,
): Row[] {
  const rows: Row[] = [["measurement", "result", "goal", "met"]];
  // The throughput goals are about the big (25 MB) report; smaller ones are shown for comparison.
  const judged = sizes[sizes.length - 1];
  for (const s of sizes) {
    const goal = (text: string, ok: boolean): [string, string] =>
      s === judged ? [text, verdict(ok)] : [`(${text})`, ""];
    const analysis = median(s.analysis.map((a) => a.totalMs));
    const streaming = median(s.analysis.map((a) => a.analyzeMs));
    const catalogue = median(s.analysis.map((a) => a.catalogueMs));
    const gunzip = median(s.gunzip.map((g) => g.totalMs));
    const tuned = median(s.gunzipTuned.map((g) => g.totalMs));
    const grep = median(s.grepMs);
    rows.push([
      `${s.label} report: ${formatMB(s.compressedBytes)} → ${formatMB(s.gunzip[0]?.bytes ?? 0)} (gzip -dc | wc -c: ${s.gzipCliBytes})`,
      `analysis ${formatMs(analysis)} = catalogue load ${formatMs(catalogue)} + report ${formatMs(streaming)}; CPU ${formatMs(median(s.analysis.map((a) => a.cpuMs)))}`,
      "",
      "",
    ]);
    rows.push([
      "  analysis ÷ Node gunzip (createGunzip())",
      `${ratio(analysis, gunzip)} (${formatMs(analysis)} / ${formatMs(gunzip)}); report only ${ratio(streaming, gunzip)}`,
      ...goal(`≤ ${GOALS.gunzipRatio}`, analysis / gunzip <= GOALS.gunzipRatio),
    ]);
    rows.push([
      "  analysis ÷ Node gunzip, 256 KiB chunks",
      `${ratio(analysis, tuned)} (${formatMs(analysis)} / ${formatMs(tuned)}); report only ${ratio(streaming, tuned)}`,
      "",
      "",
    ]);
    rows.push([
      "  analysis ÷ tar -xzOf | grep -E -c -i",
      `${ratio(analysis, grep)} (${formatMs(analysis)} / ${formatMs(grep)}, ${s.grepCount} lines)${s.localeGrepMs !== null ? `; grep in the default locale ${formatMs(s.localeGrepMs)}` : ""}`,
      ...goal(`≤ ${GOALS.grepRatio}`, analysis / grep <= GOALS.grepRatio),
    ]);
    rows.push(["  gzip -dc | wc -c", formatMs(median(s.gzipCliMs)), "", ""]);
    rows.push([
      "  analysis peak RSS",
      formatMiB(median(s.analysis.map((a) => a.peakRssBytes))),
      `≤ ${formatMiB(GOALS.peakRssBytes)}`,
      verdict(Math.max(...s.analysis.map((a) => a.peakRssBytes)) <= GOALS.peakRssBytes),
    ]);
  }
  if (sizes.length >= 2) {
    const [small, big] = [sizes[0], sizes[sizes.length - 1]];
    const rssOf = (s: SizeResult) => median(s.analysis.map((a) => a.peakRssBytes));
    const growth = rssOf(big) / rssOf(small) - 1;
    rows.push([
      `peak RSS ${small.label} → ${big.label}`,
      `${formatMiB(rssOf(small))} → ${formatMiB(rssOf(big))} (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(0)} % for ${ratio(big.unpackedBytes, small.unpackedBytes)}× the data)`,
      `flat (≤ +${GOALS.rssGrowth * 100} %)`,
      verdict(growth <= GOALS.rssGrowth),
    ]);
  }
  if (receiver) {
    const warm = median(receiver.warmMs);
    const cold = median(receiver.coldMs);
    rows.push([
      "webhook receiver, warm (receive → 202)",
      `${formatMs(warm)} median, ${formatMs(quantile(receiver.warmMs, 0.95))} p95 (${receiver.warmMs.length} calls)`,
      `< ${GOALS.receiverWarmMs} ms`,
      verdict(warm < GOALS.receiverWarmMs),
    ]);
    rows.push([
      "webhook receiver, cold (import + first call)",
      `${formatMs(cold)} median (import ${formatMs(median(receiver.importMs))}; ${receiver.coldMs.length} processes)`,
      `< ${GOALS.receiverColdMs / 1000} s`,
      verdict(cold < GOALS.receiverColdMs),
    ]);
  }
  if (incident) {
    const times = incident.runs.map((r) => r.commentMs);
    rows.push([
      `#3735, 4 reports (${formatMB(incident.compressedBytes)}): webhook → final comment`,
      `${times.map(formatMs).join(", ")} (first on a cold server; ack ${formatMs(median(incident.runs.map((r) => r.ackMs)))}; server peak RSS ${formatMiB(incident.peakRssBytes)})`,
      `< ${GOALS.incidentMs / 1000} s`,
      verdict(Math.max(...times) < GOALS.incidentMs),
    ]);
  }
  return rows;
}

function report(machine: Machine, runs: number, ere: CatalogueEre, rows: Row[], elapsedMs: number): string {
  const lines = [
    `report-triage benchmark — ${new Date().toISOString()}`,
    `machine: ${machineLine(machine)}; load at the end ${os.loadavg()[0].toFixed(2)}`,
    `medians of ${runs} rounds, each measurement in a fresh process; times inside the child (Node start-up excluded)`,
    `grep: LC_ALL=C, ${ere.exact.length} catalogue regexes exact, ${ere.approximated.length} approximated (${ere.approximated.map((a) => a.id).join(", ")}), ${ere.skipped.length} left out${ere.skipped.length ? ` (${ere.skipped.map((s) => s.id).join(", ")})` : ""}`,
    "",
    textTable(rows),
    "",
    `benchmark took ${formatMs(elapsedMs)}`,
  ];
  return lines.join("\n");
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
