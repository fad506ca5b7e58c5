/**
 * Property tests (fast-check, fixed seeds) over realistic generated reports, mutated at random:
 *
 *   (a) every parser's text function, and every registered parser fed through its streaming sink
 *       in random chunks — never throws, stays within a time bound, and the chunking does not
 *       change the result;
 *   (b) the tar reader over damaged archives (bytes flipped in the gzip, or in the tar and then
 *       re-gzipped) — always settles, in time, with either a one-line error or complete files;
 *   (c) the whole engine on reports with mutated files — never throws, and the comment and the
 *       JSON are still produced.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { member, rawTar, TYPE } from "../../scripts/hostile/tar.js";
import { analyze } from "../../src/engine.js";
import {
  createParsedReport,
  looksLikeRoutes,
  PARSERS,
  parseArgs,
  parseBackendListing,
  parseBom,
  parseClusterInfoDump,
  parseClusterYaml,
  parseDiskUsage,
  parseDmesg,
  parseGetAll,
  parseInfoYaml,
  parseIpAddr,
  parseIpRoute,
  parseIptablesL,
  parseK8sVersion,
  parseLocalnodeYaml,
  parseMemoryUsage,
  parseSnapList,
  parseSysctl,
  serviceLogOf,
  splitJournalLine,
  summarizeServiceLog,
} from "../../src/parsers/index.js";
import type { FileParser } from "../../src/parsers/registry-types.js";
import { renderJson } from "../../src/render/json.js";
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/render/markdown.js";
import { readReport } from "../../src/report/read.js";
import type { ReportFileEntry } from "../../src/report/types.js";
import { SCHEMA_VERSION } from "../../src/result/types.js";
import {
  era125,
  extractTarGz,
  lostQuorum,
  type SampleReport,
  singleNode132,
  strictReport,
  workerReport,
} from "../support/reports.js";
import { applyMutations, chunked, type Mutation, mutations } from "./mutations.js";

/** Fixed for CI; FUZZ_SEED and FUZZ_SCALE (a run-count multiplier) allow longer hunts by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_125);
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
const runs = (n: number) => Math.round(n * SCALE);
/** Per call of a parser on one (mutated) file; real files take milliseconds. */
const PARSER_BOUND_MS = 2_000;
/** Per archive read or analysis. */
const READ_BOUND_MS = 10_000;
/** Samples are cut to this (at a line end): the fuzz is about shapes, not volume. */
const MAX_SAMPLE_BYTES = 256 * 1024;
const TOP = "inspection-report/";

interface Sample {
  /** Report-relative path. */
  path: string;
  data: Buffer;
}

let reports: SampleReport[];
let samples: Sample[];
/** The single-node 1.32 report unpacked: its files in archive order. */
let baseFiles: { path: string; data: Buffer }[];
let baseTarGz: Buffer;

function head(data: Buffer): Buffer {
  if (data.length <= MAX_SAMPLE_BYTES) return data;
  const cut = data.lastIndexOf(0x0a, MAX_SAMPLE_BYTES);
  return data.subarray(0, cut > 0 ? cut + 1 : MAX_SAMPLE_BYTES);
}

beforeAll(async () => {
  reports = [
    ...(await lostQuorum()),
    ...(await singleNode132()),
    ...(await era125()),
    ...(await strictReport()),
    ...(await workerReport()),
  ];
  samples = [];
  for (const report of reports) {
    const extracted = await extractTarGz(report.data);
    for (const [path, data] of extracted.files) {
      const relative = path.startsWith(TOP) ? path.slice(TOP.length) : path;
      if (PARSERS.some((p) => p.matches(relative))) samples.push({ path: relative, data: head(data) });
    }
  }
  const base = reports.find((r) => r.name.includes("20250303"))!; // single-1.32
  baseTarGz = base.data;
  const extracted = await extractTarGz(base.data);
  baseFiles = [...extracted.files].map(([path, data]) => ({ path, data }));
}, 60_000);

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

function expectOneLine(text: unknown): void {
  expect(typeof text).toBe("string");
  expect(text).not.toMatch(/[\r\n]/);
}

// ── (a) parsers ─────────────────────────────────────────────────────────────────

/** The text-level function of each known file, with the shape checks its result must pass. */
function textFunction(path: string): ((text: string) => unknown) | null {
  const parsed = (result: { ok: boolean; error?: string }) => {
    if (!result.ok) expectOneLine(result.error);
    return result;
  };
  if (path === "dqlite/cluster.yaml") return (t) => parsed(parseClusterYaml(t));
  if (path === "dqlite/info.yaml") return (t) => parsed(parseInfoYaml(t));
  if (path === "dqlite/localnode.yaml") return (t) => parsed(parseLocalnodeYaml(t));
  if (path === "dqlite/list.out") return parseBackendListing;
  if (serviceLogOf(path)) {
    return (t) => {
      const summary = summarizeServiceLog(path, t);
      expect(summary?.lines).toBeGreaterThanOrEqual(0);
      for (const line of t.split("\n", 2000)) splitJournalLine(line);
      return summary;
    };
  }
  if (path === "apparmor/dmesg") return parseDmesg;
  if (path === "sys/disk_usage") return parseDiskUsage;
  if (path === "sys/memory_usage") return parseMemoryUsage;
  if (path === "sys/snap-list") return parseSnapList;
  if (/^sys\/(?:aio|inotify)/.test(path)) return parseSysctl;
  if (path === "k8s/cluster-info-dump") return parseClusterInfoDump;
  if (path === "k8s/get-all") return parseGetAll;
  if (path === "k8s/version") return parseK8sVersion;
  if (path === "network/iptables-L") return parseIptablesL;
  if (path === "network/ip-route") return parseIpRoute;
  if (path === "network/ip-addr") return (t) => [looksLikeRoutes(t), parseIpAddr(t), parseIpRoute(t)];
  if (path.startsWith("args/")) return parseArgs;
  if (path === "bom.json") {
    return (t) => {
      const result = parseBom(t);
      if (result.error !== null) expectOneLine(result.error);
      return result;
    };
  }
  return null;
}

/** Streams `chunks` through one registered parser into a fresh result. */
function stream(parser: FileParser, path: string, chunks: Buffer[]) {
  const out = createParsedReport();
  const warnings: string[] = [];
  const sink = parser.open(path, out, warnings);
  for (const chunk of chunks) sink.write(chunk);
  sink.end();
  return { out, warnings };
}

describe("(a) parsers over mutated realistic files", () => {
  it("has a sample for every registered parser and a text function for every sample", () => {
    for (const parser of PARSERS) {
      expect(
        samples.some((s) => parser.matches(s.path)),
        parser.id,
      ).toBe(true);
    }
    for (const sample of samples) expect(textFunction(sample.path), sample.path).not.toBeNull();
  });

  it("text functions never throw and stay within the time bound", () => {
    fc.assert(
      fc.property(fc.nat(), mutations(), (pick, list: Mutation[]) => {
        const sample = samples[pick % samples.length];
        const text = applyMutations(sample.data, list).toString("utf8");
        const { value, ms } = timed(() => textFunction(sample.path)!(text));
        expect(ms, sample.path).toBeLessThan(PARSER_BOUND_MS);
        // Plain data out: serialisable, no functions or cycles.
        expect(() => JSON.stringify(value)).not.toThrow();
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  it("streaming parsers never throw, and how the bytes are chunked does not change the result", () => {
    const pairs = () =>
      samples.flatMap((sample) =>
        PARSERS.filter((p) => p.matches(sample.path)).map((parser) => ({ sample, parser })),
      );
    const all = pairs();
    fc.assert(
      fc.property(
        fc.nat(),
        mutations(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        (pick, list: Mutation[], cuts) => {
          const { sample, parser } = all[pick % all.length];
          const data = applyMutations(sample.data, list);
          const whole = timed(() => stream(parser, sample.path, [data]));
          const pieces = timed(() => stream(parser, sample.path, chunked(data, cuts)));
          expect(whole.ms + pieces.ms, sample.path).toBeLessThan(2 * PARSER_BOUND_MS);
          expect(pieces.value, `${parser.id} on ${sample.path}`).toEqual(whole.value);
          for (const warning of whole.value.warnings) expectOneLine(warning);
        },
      ),
      { seed: SEED + 1, numRuns: runs(300) },
    );
  });
});

// ── (b) the tar reader ──────────────────────────────────────────────────────────

/** Reads an archive, counting each file's delivered bytes. */
async function readCounting(data: Buffer) {
  const delivered = new Map<string, number>();
  const declared = new Map<string, number>();
  const started = performance.now();
  const outcome = await readReport({ kind: "buffer", data, name: "fuzz.tar.gz" }, (prefix) => ({
    onFile(entry: ReportFileEntry) {
      const key = `${prefix}/${entry.path}`;
      declared.set(key, entry.size);
      delivered.set(key, 0);
      return {
        write: (chunk: Buffer) => delivered.set(key, (delivered.get(key) ?? 0) + chunk.length),
        end: () => {},
      };
    },
  }));
  return { outcome, delivered, declared, ms: performance.now() - started };
}

/** How the runs of one property ended: both kinds must occur, or the mutations were toothless. */
type Tally = Record<"refused" | "read", number>;

async function expectSettledCleanly(data: Buffer, tally: Tally): Promise<void> {
  const { outcome, delivered, declared, ms } = await readCounting(data);
  expect(ms).toBeLessThan(READ_BOUND_MS);
  if (outcome.error !== null) {
    tally.refused++;
    expectOneLine(outcome.error);
    expect(outcome.errorCode).toEqual(expect.any(String));
    expect(outcome.reports).toEqual([]);
    return;
  }
  tally.read++;
  expect(outcome.reports.length).toBeGreaterThan(0);
  // A read that succeeds delivered every file whole: no silently truncated member.
  expect(Object.fromEntries(delivered)).toEqual(Object.fromEntries(declared));
  for (const warning of outcome.warnings) expectOneLine(warning);
}

/** Offsets of the tar headers of the base report (to aim flips at headers, not only contents). */
function headerOffsets(tar: Buffer): number[] {
  const offsets: number[] = [];
  let at = 0;
  while (at + 512 <= tar.length && !tar.subarray(at, at + 512).every((b) => b === 0)) {
    offsets.push(at);
    const size = Number.parseInt(
      tar
        .toString("latin1", at + 124, at + 136)
        .replace(/\0.*$/, "")
        .trim() || "0",
      8,
    );
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return offsets;
}

describe("(b) the tar reader over damaged archives", () => {
  it("bytes damaged in the gzip stream", async () => {
    const tally: Tally = { refused: 0, read: 0 };
    await fc.assert(
      fc.asyncProperty(mutations(4096), async (list: Mutation[]) => {
        await expectSettledCleanly(applyMutations(baseTarGz, list), tally);
      }),
      { seed: SEED + 2, numRuns: runs(60) },
    );
    // Almost any damage to deflate data is caught (by the stream or its CRC).
    expect(tally.refused).toBeGreaterThan(tally.read);
  });

  it("bytes damaged in the tar, then gzipped again", async () => {
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const tar = gunzipSync(baseTarGz);
    const headers = headerOffsets(tar);
    const tally: Tally = { refused: 0, read: 0 };
    const headerFlip = fc.record({
      header: fc.nat(),
      offset: fc.integer({ min: 0, max: 511 }),
      mask: fc.integer({ min: 1, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(headerFlip, { maxLength: 4 }),
        fc.array(fc.constantFrom(...(["flip", "truncate", "delete", "insert"] as const)), { maxLength: 2 }),
        mutations(4096),
        async (flips, kinds, list: Mutation[]) => {
          const damaged = Buffer.from(tar);
          for (const flip of flips) damaged[headers[flip.header % headers.length] + flip.offset] ^= flip.mask;
          const body = applyMutations(
            damaged,
            list.filter((m) => kinds.length === 0 || kinds.includes(m.kind as (typeof kinds)[number])),
          );
          await expectSettledCleanly(gzipSync(body), tally);
        },
      ),
      { seed: SEED + 3, numRuns: runs(80) },
    );
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.read).toBeGreaterThan(0);
  });

  it("entries of every type, in any order, with odd names", async () => {
    const tally: Tally = { refused: 0, read: 0 };
    const entry = fc.record({
      path: fc.oneof(
        fc.constantFrom(
          "inspection-report/dqlite/cluster.yaml",
          "inspection-report/",
          "inspection-report/sys/ps",
          "inspection-report/./k8s//get-all",
          "a/inspection-report/k8s/version",
          "inspection-report/snap.microk8s.daemon-kubelite/journal.log",
          "README.md",
          "./",
        ),
        fc.string({ maxLength: 60 }).map((s) => s.replace(/\0/g, "")),
      ),
      type: fc.constantFrom(
        TYPE.file,
        TYPE.directory,
        TYPE.symlink,
        TYPE.hardLink,
        "3",
        "4",
        "6",
        "7",
        "g",
        "L",
      ),
      body: fc.string({ maxLength: 600 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (entries) => {
        const { gzipSync } = await import("node:zlib");
        const members = entries
          .filter((e) => Buffer.byteLength(e.path) <= 100)
          .map((e) =>
            member({
              path: e.path,
              type: e.type as (typeof TYPE)[keyof typeof TYPE],
              body: e.type === TYPE.file ? e.body : undefined,
              linkpath: e.type === TYPE.symlink || e.type === TYPE.hardLink ? "x" : undefined,
            }),
          );
        const tar = Buffer.concat([...members, Buffer.alloc(1024)]);
        await expectSettledCleanly(gzipSync(tar), tally);
      }),
      { seed: SEED + 4, numRuns: runs(200) },
    );
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.read).toBeGreaterThan(0);
  });
});

// ── (c) the whole engine ────────────────────────────────────────────────────────

describe("(c) analyze() over reports with mutated files", () => {
  it(
    "never throws; the comment and the JSON are always produced",
    async () => {
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ file: fc.nat(), list: mutations() }), { minLength: 1, maxLength: 4 }),
          async (edits) => {
            const files = baseFiles.map((f) => ({ ...f }));
            for (const { file, list } of edits) {
              const target = files[file % files.length];
              target.data = applyMutations(target.data, list);
            }
            const tar = rawTar(files.map((f) => ({ path: f.path, body: f.data })));
            const { gzipSync } = await import("node:zlib");
            const started = performance.now();
            const result = await analyze([
              { kind: "buffer", data: gzipSync(tar), name: "inspection-report-20250303_210512.tar.gz" },
            ]);
            const markdown = renderMarkdown(result);
            const json = renderJson(result);
            expect(performance.now() - started).toBeLessThan(READ_BOUND_MS);
            expect(result.schemaVersion).toBe(SCHEMA_VERSION);
            expect(result.reports).toHaveLength(1);
            const [report] = result.reports;
            if (report.error !== null) {
              refused++;
              expectOneLine(report.error);
            }
            for (const warning of report.warnings ?? []) expectOneLine(warning);
            expect(markdown.startsWith(COMMENT_MARKER)).toBe(true);
            expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
            expect(JSON.parse(json).schemaVersion).toBe(SCHEMA_VERSION);
          },
        ),
        { seed: SEED + 5, numRuns: runs(30) },
      );
      // File-level damage never makes the whole report unreadable.
      expect(refused).toBe(0);
    },
    120_000 * SCALE,
  );
});
