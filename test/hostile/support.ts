/**
 * Helpers for the hostile suites: running TypeScript entry points in a child process (with an
 * empty working folder and an empty TMPDIR, so that anything written shows), folder snapshots,
 * and a compact view of an analysis result.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnalysisResult } from "../../src/result/types.js";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** tsx's ESM loader by absolute path: `npx tsx` from an empty folder could try the network. */
const TSX_LOADER = pathToFileURL(join(PROJECT_ROOT, "node_modules/tsx/dist/esm/index.mjs")).href;

export function projectPath(path: string): string {
  return join(PROJECT_ROOT, path);
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a .ts script of the project under tsx in a child process. Its compile cache is off, so a
 * clean run writes nothing to `cwd` or `TMPDIR`.
 */
export function runTs(
  script: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ChildRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, projectPath(script), ...args], {
      cwd: options.cwd,
      env: { ...process.env, TSX_DISABLE_CACHE: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms: performance.now() - started,
      });
    });
  });
}

/** A fresh, empty folder for a child's cwd or TMPDIR. */
export function emptyDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `report-triage-${label}-`));
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Every path under `root` with its size and mtime, sorted: compare two to see what was written. */
export async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return; // removed meanwhile (another suite's temporary folder)
    }
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (!info) continue;
      out.push(`${relative(root, path)} ${info.isDirectory() ? "dir" : info.size} ${info.mtimeMs}`);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out.sort();
}

/** Names under `dir` (one level) that contain `marker`. */
export async function namesContaining(dir: string, marker: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((name) => name.includes(marker));
}

/** What the suites check of a result, small enough to pass from a child process as one JSON line. */
export interface ResultView {
  reports: AnalysisResult["reports"];
  quorum: {
    state: string;
    voters: number;
    standBys: number;
    spares: number;
    quorumSize: number | null;
    summary: string | null;
  };
  departed: number;
  findings: {
    id: string;
    count: number;
    node: string | null;
    evidence: { file: string; line: number; text: string }[];
  }[];
  verdict: string | null;
  markdownChars: number;
  markdown: string;
  jsonChars: number;
}

export function viewOf(result: AnalysisResult, markdown: string, json: string): ResultView {
  return {
    reports: result.reports,
    quorum: {
      state: result.quorum.state,
      voters: result.quorum.voters.length,
      standBys: result.quorum.standBys.length,
      spares: result.quorum.spares.length,
      quorumSize: result.quorum.quorumSize,
      summary: result.quorum.summary ?? null,
    },
    departed: result.departedNodes.length,
    findings: result.findings.map((f) => ({ id: f.id, count: f.count, node: f.node, evidence: f.evidence })),
    verdict: result.verdict ?? null,
    markdownChars: markdown.length,
    markdown,
    jsonChars: json.length,
  };
}

/** The measurement a child prints as its last stdout line (see measure.ts). */
export interface Measurement {
  ms: number;
  /** Resident memory before the analysis started, KiB. */
  baselineKiB: number;
  /** Peak resident memory (VmHWM) by the end, KiB; reset before the analysis where the kernel allows. */
  peakKiB: number;
  peakReset: boolean;
  view: ResultView;
}

export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}
