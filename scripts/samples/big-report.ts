/**
 * A large, realistic report for benchmarks: a 5-node v1.28 cluster with ~150 pods whose
 * control-plane node logged a day of datastore trouble. Long journals (up to journalctl's
 * 100 000 lines) and a cluster-info-dump full of pod logs fill a compressed-size budget; the
 * text varies (ids, timestamps, addresses) so that it compresses like real logs (about 10–16×).
 * Everything is streamed into gzip: memory stays far below the unpacked size.
 */

import { once } from "node:events";
import { Writable } from "node:stream";
import { createGzip, gzipSync } from "node:zlib";
import type { ArchiveStats, EntryContent, WriteContext } from "./archive.js";
import { writeTarGz } from "./archive.js";
import { type BuildOptions, reportEntries, reportFileName } from "./builder.js";
import {
  type ClusterView,
  clusterSeedOf,
  clusterView,
  dumpNamespaces,
  logError,
  logFooter,
  logHeader,
  namespaceListsJson,
  nodeListJson,
  type Pod,
  podLogLine,
  podNames,
} from "./cluster-dump.js";
import type { Burst, ServiceRun } from "./journal.js";
import {
  baseSpec,
  type ClusterPlan,
  epoch,
  hostFor,
  journalContext,
  k8sNodeFor,
  type NodePlan,
  nodeServices,
  standardWorkloads,
} from "./kit.js";
import { Rng } from "./prng.js";
import {
  apiserverSlowTrace,
  dqliteCanceled,
  dqliteDeadline,
  dqliteLocked,
  kubeliteLeaderLost,
  kubeliteLeaseTimeout,
} from "./signals.js";
import type { LogStyle, ReportSpec, WorkloadSpec } from "./spec.js";
import { MINUTE } from "./time.js";

export interface BigReportOptions {
  /** Compressed size to aim for (the result lands within a few percent). */
  targetCompressedBytes: number;
  seed?: string;
  /** gzip level, default 6 like `gzip`. */
  level?: number;
}

const PLAN: ClusterPlan = {
  name: "big-cluster",
  version: "v1.28.9",
  revision: "6750",
  confinement: "classic",
  zone: { offsetMinutes: 0, abbrev: "UTC" },
  createdAt: "2024-04-02T09:00:00",
  arch: "x86_64",
  os: { description: "Ubuntu 22.04.4 LTS", release: "22.04", codename: "jammy" },
  kernel: "5.15.0-105-generic",
};

const TAKEN_AT = "2024-05-14T17:21:09";
const WINDOW_FROM = "2024-05-13T17:30:00";
const JOURNAL_CAP = 100_000;

const APP_STYLES: [LogStyle, string][] = [
  ["nginx-ingress", "registry.k8s.io/ingress-nginx/controller:v1.10.1"],
  ["app-json", "ghcr.io/acme/orders:2.14.3"],
  ["app-json", "ghcr.io/acme/payments:1.9.0"],
  ["prometheus", "quay.io/prometheus/prometheus:v2.51.2"],
  ["node-exporter", "quay.io/prometheus/node-exporter:v1.7.0"],
  ["coredns", "coredns/coredns:1.10.1"],
  ["navidrome", "docker.io/deluan/navidrome:0.52.0"],
];

function nodes(): NodePlan[] {
  return [1, 2, 3, 4, 5].map((i) => ({
    hostname: `big-${i}`,
    ip: `10.44.0.${10 + i}`,
    role: i <= 3 ? "control-plane" : "worker",
    bootedAt: `2024-05-0${i}T06:0${i}:11`,
    joinedAt: `2024-04-02T09:${10 + i * 4}:00`,
    cpus: 16,
    memoryMiB: 64287,
  }));
}

function workloads(all: NodePlan[]): WorkloadSpec[] {
  const names = all.map((n) => n.hostname);
  const list = standardWorkloads(PLAN, all, { metrics: true });
  const rng = new Rng(`${PLAN.name}:workloads`);
  const namespaces = ["shop", "payments", "search", "monitoring", "media", "ingress", "batch", "auth"];
  for (const ns of namespaces) {
    for (let i = 0; i < 8; i++) {
      const [style, image] = rng.pick(APP_STYLES);
      const name = `${ns}-${rng.pick(["api", "worker", "web", "gateway", "sync", "cache", "indexer", "scheduler"])}-${i}`;
      list.push({
        kind: rng.chance(0.15) ? "StatefulSet" : "Deployment",
        namespace: ns,
        name,
        containers: [{ name: name.split("-")[1], image, log: style }],
        replicas: rng.int(1, 3),
        nodes: rng.shuffle(names).slice(0, 3),
        createdAt: `2024-04-${String(rng.int(3, 28)).padStart(2, "0")}T${String(rng.int(0, 23)).padStart(2, "0")}:00:00`,
        labels: { app: name },
        // Seeded per pod: clusterView() may be called several times and must agree with itself.
        state: (idx) => {
          const r = new Rng(`${PLAN.name}:${name}:${idx}`);
          return idx === 0 && r.chance(0.05)
            ? { phase: "CrashLoopBackOff", restarts: r.int(5, 200) }
            : { phase: "Running", restarts: r.int(0, 3) };
        },
      });
    }
  }
  return list;
}

/** Compressed bytes per line of a line source, from a sample (gzip level as configured). */
function compressedPerLine(
  lines: Iterable<string>,
  sample: number,
  level: number,
): { perLine: number; rawPerLine: number } {
  const out: string[] = [];
  for (const l of lines) {
    out.push(l);
    if (out.length >= sample) break;
  }
  const text = `${out.join("\n")}\n`;
  const z = gzipSync(text, { level }).length;
  return {
    perLine: z / Math.max(out.length, 1),
    rawPerLine: Buffer.byteLength(text) / Math.max(out.length, 1),
  };
}

interface BigPlan {
  spec: ReportSpec;
  view: ClusterView;
}

function bigSpec(opts: BigReportOptions): BigPlan {
  const level = opts.level ?? 6;
  const all = nodes();
  const node = all[0];
  const ctxOf = (svc: "k8s-dqlite" | "kubelite" | "containerd") => journalContext(PLAN, node, svc);
  const from = epoch(PLAN, WINDOW_FROM);
  const to = epoch(PLAN, TAKEN_AT);
  const minutes = (to - from) / MINUTE;
  const names = all.map((n) => n.hostname);
  const shell: ReportSpec = {
    ...baseSpec(PLAN, node, TAKEN_AT),
    seed: `${opts.seed ?? PLAN.name}:big-1`,
    host: hostFor(PLAN, node, { aio: { nr: 65536, maxNr: 1048576 } }),
    dqlite: {
      cluster: all.slice(0, 3).map((n, i) => ({
        id: i === 0 ? "3297041220608546238" : new Rng(`${PLAN.name}:id${i}`).uint64(),
        address: `${n.ip}:19001`,
        role: 0 as const,
      })),
      info: { id: "3297041220608546238", address: `${node.ip}:19001`, role: 0 },
      listing: { closedSegments: 240, openSegments: 3, snapshots: 2, createdAt: PLAN.createdAt },
    },
    kubernetes: {
      api: "up",
      clusterSeed: PLAN.name,
      nodes: all.map((n) => k8sNodeFor(PLAN, n)),
      workloads: workloads(all),
    },
    services: {},
    dmesg: { events: [], noisePerHour: 6 },
  };
  const pods = podNames(shell);

  // Size the journals: each gets a share of the compressed budget, capped at 100 000 lines.
  const budget = opts.targetCompressedBytes;
  const shares = { kubelite: 0.1, "k8s-dqlite": 0.08, containerd: 0.04 } as const;
  const probe = (
    perMinute: number,
    svc: "k8s-dqlite" | "kubelite" | "containerd",
    bursts: (rate: number) => Burst[],
  ) =>
    nodeServices({
      plan: PLAN,
      node,
      takenAt: TAKEN_AT,
      journalFrom: WINDOW_FROM,
      clusterNodes: names,
      pods,
      services: {
        [svc]: { noisePerMinute: svc === "k8s-dqlite" ? 0 : perMinute, bursts: bursts(perMinute) },
      },
    })[svc]!;
  const dqBursts = (rate: number): Burst[] => {
    const c = ctxOf("k8s-dqlite");
    return [
      { from, to, perMinute: rate * 0.7, render: dqliteDeadline(c, names) },
      { from, to, perMinute: rate * 0.2, render: dqliteCanceled(c, names) },
      { from, to, perMinute: rate * 0.1, render: dqliteLocked(c) },
    ];
  };
  const kubeBursts = (rate: number): Burst[] => {
    const c = ctxOf("kubelite");
    return [
      { from, to, perMinute: rate * 0.05, render: kubeliteLeaseTimeout(c) },
      { from, to, perMinute: rate * 0.03, render: apiserverSlowTrace(c, PLAN.version, 1100, 9000) },
    ];
  };
  const rates: Record<string, number> = {};
  const burstsFor: Record<string, (rate: number) => Burst[]> = {
    kubelite: kubeBursts,
    "k8s-dqlite": dqBursts,
    containerd: () => [],
  };
  for (const svc of ["kubelite", "k8s-dqlite", "containerd"] as const) {
    const sampleRate = 60;
    const sample = compressedPerLine(probe(sampleRate, svc, burstsFor[svc]).journal(), 4000, level);
    const lines = Math.min(JOURNAL_CAP, Math.max(200, Math.floor((budget * shares[svc]) / sample.perLine)));
    rates[svc] = lines / minutes;
  }
  // kubelite lost its leases a few times during the night: restarts with their start-up noise.
  const lost = kubeliteLeaderLost(ctxOf("kubelite"));
  const crashes = [3.2, 7.9, 9.1, 15.4, 21.7].map((h) => from + h * 60 * MINUTE);
  const kubeRuns: ServiceRun[] = [];
  let start: number | null = null;
  crashes.forEach((end, i) => {
    kubeRuns.push({ pid: 1180 + i * 41_233, start, end, endKind: "crash", ...lost });
    start = end + 5000;
  });
  kubeRuns.push({ pid: 1180 + crashes.length * 41_233, start, end: null });
  shell.services = nodeServices({
    plan: PLAN,
    node,
    takenAt: TAKEN_AT,
    journalFrom: WINDOW_FROM,
    clusterNodes: names,
    pods,
    services: {
      kubelite: { noisePerMinute: rates.kubelite * 0.92, bursts: kubeBursts(rates.kubelite), runs: kubeRuns },
      "k8s-dqlite": { noisePerMinute: 0, bursts: dqBursts(rates["k8s-dqlite"]) },
      containerd: { noisePerMinute: rates.containerd },
    },
  });
  return { spec: shell, view: clusterView(shell) };
}

const STYLE_WEIGHT: Partial<Record<LogStyle, number>> = {
  "nginx-ingress": 3,
  "app-json": 3,
  prometheus: 2,
  "calico-node": 5,
  navidrome: 1,
  coredns: 1,
  "node-exporter": 3,
  "metrics-server": 3,
};

interface DumpPlan {
  fixed: string[];
  containers: { pod: Pod; name: string; style: LogStyle; error: string | null; weight: number }[];
}

function dumpParts(
  spec: ReportSpec,
  view: ClusterView,
): { head: string; sections: { lists: string; containers: DumpPlan["containers"] }[] } {
  const rng = new Rng(`${clusterSeedOf(spec)}:dump`);
  const rv = new Rng(`${clusterSeedOf(spec)}:${spec.takenAt}`).int(1200000, 1900000);
  const ready = new Map(view.nodes.map((n) => [n.name, n.ready === "True"]));
  const head = `${nodeListJson(view, rng.fork("nodes"), rv)}\n`;
  const sections = dumpNamespaces(spec).map((ns) => ({
    lists: namespaceListsJson(spec, view, ns, rng.fork(ns), rv),
    containers: view.pods
      .filter((p) => p.namespace === ns)
      .flatMap((p) =>
        p.workload.containers.map((c) => ({
          pod: p,
          name: c.name,
          style: c.log,
          error: logError(p, ready.get(p.node) ?? true),
          weight: STYLE_WEIGHT[c.log] ?? 1,
        })),
      ),
  }));
  return { head, sections };
}

/** The dump's pieces that do not depend on the log volume. */
interface DumpFrame {
  head: string;
  sections: { lists: string; containers: DumpPlan["containers"] }[];
  fixedBytes: number;
  logging: DumpPlan["containers"];
}

function dumpFrame(spec: ReportSpec, view: ClusterView): DumpFrame {
  const { head, sections } = dumpParts(spec, view);
  const frame = (c: DumpPlan["containers"][number]): string =>
    `${logHeader(c.name, c.pod)}\n${c.error !== null ? `${c.error}\n` : ""}${logFooter(c.name, c.pod)}\n`;
  const fixedText = head + sections.map((s) => s.lists + s.containers.map(frame).join("")).join("");
  const logging = sections.flatMap((s) => s.containers).filter((c) => c.error === null && c.style !== "none");
  return { head, sections, fixedBytes: Buffer.byteLength(fixedText), logging };
}

/**
 * The dump's text, streamed: JSON lists as usual, `logBytes` of pod logs shared by weight. The
 * output is exactly fixedBytes + logBytes long: the last log line is cut (or padded) to land on
 * the byte.
 */
function* dumpChunks(spec: ReportSpec, view: ClusterView, f: DumpFrame, logBytes: number): Generator<string> {
  const rng = new Rng(`${clusterSeedOf(spec)}:logs`);
  const totalWeight = f.logging.reduce((s, c) => s + c.weight, 0);
  const lastLogging = f.logging[f.logging.length - 1];
  let batch: string[] = [];
  let batchChars = 0;
  const push = (s: string): string | null => {
    batch.push(s);
    batchChars += s.length;
    if (batchChars < 65536) return null;
    const out = batch.join("");
    batch = [];
    batchChars = 0;
    return out;
  };
  let carry = 0;
  let spent = 0;
  yield f.head;
  for (const section of f.sections) {
    yield section.lists;
    for (const c of section.containers) {
      let flushed = push(`${logHeader(c.name, c.pod)}\n`);
      if (flushed) yield flushed;
      if (c.error !== null) {
        flushed = push(`${c.error}\n`);
        if (flushed) yield flushed;
      } else if (c.style !== "none") {
        const isLast = c === lastLogging;
        const share = isLast ? logBytes - spent : Math.floor((logBytes * c.weight) / totalWeight);
        let room = share + (isLast ? 0 : carry);
        const span = 24 * 60 * MINUTE;
        const count = Math.max(1, Math.floor(room / 180));
        let t = view.now - span;
        const step = span / count;
        for (;;) {
          t = Math.min(view.now, t + rng.float(step * 0.3, step * 1.7));
          const line = `${podLogLine(c.style, rng, t, spec.zone, c.pod.node, c.pod)}\n`;
          const bytes = Buffer.byteLength(line);
          if (bytes > room) {
            if (isLast && room > 0) {
              const filler = room === 1 ? "\n" : `${line.slice(0, room - 1).padEnd(room - 1, " ")}\n`;
              spent += room;
              room = 0;
              flushed = push(filler);
              if (flushed) yield flushed;
            }
            break;
          }
          room -= bytes;
          spent += bytes;
          flushed = push(line);
          if (flushed) yield flushed;
        }
        carry = isLast ? 0 : room;
      }
      flushed = push(`${logFooter(c.name, c.pod)}\n`);
      if (flushed) yield flushed;
    }
  }
  if (batch.length > 0) yield batch.join("");
}

/** Compressed size of a text stream (output discarded). */
async function compressedSize(chunks: Iterable<string>, level: number): Promise<number> {
  const gzip = createGzip({ level });
  let size = 0;
  gzip.on("data", (b: Buffer) => {
    size += b.length;
  });
  const done = once(gzip, "end");
  for (const chunk of chunks) {
    if (!gzip.write(chunk)) await once(gzip, "drain");
  }
  gzip.end();
  await done;
  return size;
}

/** Full-length log runs of every `stride`-th logging container, as the dump would hold them. */
function* sampleRuns(
  spec: ReportSpec,
  view: ClusterView,
  f: DumpFrame,
  logBytes: number,
  stride: number,
): Generator<string> {
  const rng = new Rng(`${clusterSeedOf(spec)}:calibrate`);
  const totalWeight = f.logging.reduce((s, c) => s + c.weight, 0);
  const span = 24 * 60 * MINUTE;
  for (let i = 0; i < f.logging.length; i += stride) {
    const c = f.logging[i];
    const room = Math.floor((logBytes * c.weight) / totalWeight);
    const step = span / Math.max(1, Math.floor(room / 180));
    let t = view.now - span;
    let used = 0;
    const lines: string[] = [];
    while (used < room) {
      t = Math.min(view.now, t + rng.float(step * 0.3, step * 1.7));
      const line = `${podLogLine(c.style, rng, t, spec.zone, c.pod.node, c.pod)}\n`;
      used += line.length;
      lines.push(line);
      if (lines.length >= 2048) yield lines.splice(0).join("");
    }
    if (lines.length > 0) yield lines.join("");
  }
}

/**
 * A cluster-info-dump sized to compress to about `compressedBudget`. Log text has no fixed
 * compression ratio and gzip's gain depends on how long each container's run is, so a quarter
 * of the containers is generated at full length to measure it; the result lands within a few
 * percent of the budget.
 */
async function sizedDump(
  spec: ReportSpec,
  view: ClusterView,
  compressedBudget: number,
  level: number,
): Promise<EntryContent> {
  const f = dumpFrame(spec, view);
  const fixedCompressed = await compressedSize(dumpChunks(spec, view, f, 0), level);
  const budget = Math.max(0, compressedBudget - fixedCompressed);
  // Two rounds: the first guess sets the run lengths, the second measures at about the final size.
  let logBytes = budget * 10;
  for (let round = 0; round < 2; round++) {
    let raw = 0;
    const measured = await compressedSize(
      (function* () {
        for (const chunk of sampleRuns(spec, view, f, logBytes, 4)) {
          raw += chunk.length;
          yield chunk;
        }
      })(),
      level,
    );
    logBytes = Math.floor(budget * (raw / Math.max(measured, 1)));
  }
  return { kind: "sized", size: f.fixedBytes + logBytes, chunks: () => dumpChunks(spec, view, f, logBytes) };
}

/** Moves the k8s/ folder (with the dump) to the end, so the dump can fill what is left. */
function dumpLast(entries: ReturnType<typeof reportEntries>): ReturnType<typeof reportEntries> {
  const isK8s = (p: string): boolean => /^inspection-report\/k8s\//.test(p);
  return [...entries.filter((e) => !isK8s(e.path)), ...entries.filter((e) => isK8s(e.path))];
}

/** Streams a big report into `out`; returns the archive stats and the file name. */
export async function writeBigReport(
  opts: BigReportOptions,
  out: Writable,
): Promise<ArchiveStats & { name: string }> {
  const level = opts.level ?? 6;
  const { spec, view } = bigSpec(opts);
  const trailerReserve = 2048;
  spec.kubernetes.dumpOverride = {
    kind: "lazy",
    resolve: (ctx: WriteContext) =>
      sizedDump(
        spec,
        view,
        Math.max(0, opts.targetCompressedBytes - ctx.compressedBytes - trailerReserve),
        level,
      ),
  };
  const buildOptions: BuildOptions = { level };
  const stats = await writeTarGz(dumpLast(reportEntries(spec, buildOptions)), out, buildOptions);
  return { ...stats, name: reportFileName(spec, true) };
}

/** A big report in memory (tests use a small target, the benchmark ~5 or ~25 MB). */
export async function bigReport(
  opts: BigReportOptions,
): Promise<{ name: string; data: Buffer; unpackedBytes: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const stats = await writeBigReport(opts, sink);
  return { name: stats.name, data: Buffer.concat(chunks), unpackedBytes: stats.unpackedBytes };
}
