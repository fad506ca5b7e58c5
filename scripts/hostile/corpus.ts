/**
 * The hostile-archive corpus (issue #5): inputs a triage bot meets in the wild or from an attacker,
 * generated on demand (nothing binary is committed). Every case streams its archive afresh from
 * `open()`, so a 2 GiB bomb or a million entries never sit in memory; the reader under test
 * decides how much of it is ever produced.
 *
 *   tsx scripts/hostile/corpus.ts --out DIR [--only ID,ID] [--list]
 *
 * writes each case as DIR/<id>--<name>.tar.gz for manual runs of the CLI.
 *
 * The realistic base is the `lost-quorum` sample (prod-1, v1.28.3; scripts/samples): its findings
 * (dqlite.no-leader, kubelite.crashloop …) are what "the rest of the analysis is still there" means
 * for the file-level cases.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { buildReport, reportFileName, writeReport } from "../samples/builder.js";
import { lostQuorumSpecs } from "../samples/scenarios.js";
import type { DqliteRecord, ReportSpec } from "../samples/spec.js";
import {
  assembleJournal,
  binaryGarbage,
  clusterYamlAliasBomb,
  clusterYamlMany,
  clusterYamlNotList,
  clusterYamlNotYaml,
  lineFiller,
  type MemberCounts,
  type PlantedJournal,
  withInvalidUtf8,
} from "./content.js";
import {
  BLOCK,
  collect,
  emptyFileHeaders,
  endOfArchive,
  gunzipTar,
  gzipStream,
  member,
  memberOffset,
  paxRecord,
  TYPE,
  tarWithoutEnd,
  ustarHeader,
} from "./tar.js";

export const MiB = 1024 * 1024;

/** How a correct reader handles a case. */
export type Outcome =
  /** The whole input is refused with a one-line error whose reason code is one of `errorCodes`. */
  | { kind: "error"; errorCodes: string[]; errorPattern?: RegExp }
  /** The report is read; what must be in the result is described by the case's facts. */
  | { kind: "partial" };

/** What the generator planted, for checking a partial result against bytes it wrote itself. */
export interface CaseFacts {
  /** Node and version of the base report (the analysis must still find them). */
  node: string;
  version: string;
  /** Findings of the base report that must survive a damaged file elsewhere. */
  keptFindings: string[];
  /** Planted signature lines that must be found, with their 1-based line numbers. */
  planted?: { rule: string; file: string; lines: number[] };
  /** cluster.yaml membership as written. */
  members?: MemberCounts;
  /** Expected quorum state, when the case decides it. */
  quorumState?: "unknown";
  /** A fragment a report warning (or the quorum summary) must contain. */
  warningPattern?: RegExp;
  /** Uncompressed tar bytes the full archive expands to (approximate for the huge ones). */
  unpackedBytes: number;
}

export interface HostileCase {
  id: string;
  description: string;
  /** File name as a user would attach it. */
  name: string;
  outcome: Outcome;
  facts: CaseFacts;
  /** True for cases that produce hundreds of megabytes or more when read to the end. */
  heavy: boolean;
  /** A fresh stream of the archive bytes. Destroy it to stop generation early. */
  open(): Readable;
}

const BASE_TOP = "inspection-report";

/** The realistic report every case starts from. */
export interface BaseReport {
  spec: ReportSpec;
  name: string;
  tarGz: Buffer;
  /** The base tar without its end-of-archive marker, so more members can follow. */
  tarBody: Buffer;
  self: DqliteRecord;
  cluster: DqliteRecord[];
  journalPath: string;
  journalLines: string[];
}

let baseReport: Promise<BaseReport> | null = null;

/** The realistic base report (built once per process). */
export function base(): Promise<BaseReport> {
  baseReport ??= (async () => {
    const [spec] = lostQuorumSpecs();
    const tarGz = await buildReport(spec);
    const dqlite = spec.dqlite!;
    const journalPath = "snap.microk8s.daemon-k8s-dqlite/journal.log";
    return {
      spec,
      name: reportFileName(spec, true),
      tarGz,
      tarBody: tarWithoutEnd(gunzipTar(tarGz)),
      self: dqlite.info,
      cluster: dqlite.cluster,
      journalPath,
      journalLines: [...spec.services["k8s-dqlite"]!.journal()],
    };
  })();
  return baseReport;
}

const KEPT_FINDINGS = ["dqlite.no-leader", "kubelite.crashloop", "apiserver.unreachable"];

function facts(b: BaseReport, extra: Partial<CaseFacts> = {}): CaseFacts {
  return {
    node: b.spec.hostname,
    version: b.spec.microk8s.version,
    keptFindings: KEPT_FINDINGS,
    unpackedBytes: b.tarBody.length,
    ...extra,
  };
}

function fromBuffer(data: Buffer): () => Readable {
  return () => {
    const stream = new PassThrough();
    stream.end(data);
    return stream;
  };
}

/** The base report with `members` appended after its files (then a proper end), gzipped. */
function appended(b: BaseReport, members: Buffer[]): Buffer {
  const body = Buffer.concat([b.tarBody, ...members]);
  return gzipSync(Buffer.concat([body, endOfArchive(body.length)]));
}

/** The base spec with some files replaced, streamed through the sample builder. */
function variant(b: BaseReport, extraFiles: ReportSpec["extraFiles"]): () => Readable {
  const spec: ReportSpec = { ...b.spec, extraFiles: { ...b.spec.extraFiles, ...extraFiles } };
  return () => {
    const out = new PassThrough({ highWaterMark: MiB });
    writeReport(spec, out).catch((error: unknown) => out.destroy(error as Error));
    return out;
  };
}

/** A journal prefix for planted lines of the base node's datastore. */
function dqliteLine(b: BaseReport, second: number, message: string): string {
  const ss = String(second).padStart(2, "0");
  return `Dec 04 09:02:${ss} ${b.spec.hostname} microk8s.daemon-k8s-dqlite[1968412]: time="2023-12-04T09:02:${ss}Z" level=error msg="${message}"`;
}

const LOCKED = "error in txn: exec (try: 500): database is locked";

// ── archive-level cases: refused as a whole ─────────────────────────────────────

function notGzip(b: BaseReport): HostileCase {
  // What a failed download often saves instead of the file.
  const html = Buffer.from(
    `<!DOCTYPE html>\n<html><head><title>Sign in to GitHub</title></head><body>${"<div>…</div>\n".repeat(200)}</body></html>\n`,
  );
  return {
    id: "not-gzip",
    description: "an HTML page saved under the report's name",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["not-gzip"], errorPattern: /^not a gzip file/ },
    facts: facts(b, { unpackedBytes: html.length }),
    heavy: false,
    open: fromBuffer(html),
  };
}

function truncatedGzip(b: BaseReport): HostileCase {
  return {
    id: "truncated-gzip",
    description: "the report cut off halfway (an interrupted download)",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["truncated"], errorPattern: /truncated/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(b.tarGz.subarray(0, Math.floor(b.tarGz.length / 2))),
  };
}

function truncatedTar(b: BaseReport): HostileCase {
  // Cut inside the datastore journal's content, then compressed properly: the gzip is intact.
  const at = memberOffset(b.tarBody, `${BASE_TOP}/${b.journalPath}`);
  if (at < 0) throw new Error("base report has no datastore journal");
  const cut = b.tarBody.subarray(0, at + BLOCK + 10_000);
  return {
    id: "truncated-tar",
    description: "a complete gzip of a tar cut inside a file",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["truncated"], errorPattern: /truncated/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(gzipSync(cut)),
  };
}

/** Marker in hostile entry names, so a test can search the disk for anything that got written. */
export const ESCAPE_MARKER = "report-triage-escape-9f2c";

function dotDot(b: BaseReport): HostileCase {
  return {
    id: "dotdot-entry",
    description: "an entry whose path climbs out of the report with ../",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["unsafe-path"], errorPattern: /escapes the report folder/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(
      appended(b, [member({ path: `${BASE_TOP}/../../../tmp/${ESCAPE_MARKER}-dotdot`, body: "pwned\n" })]),
    ),
  };
}

function absolutePath(b: BaseReport): HostileCase {
  return {
    id: "absolute-path",
    description: "an entry with an absolute path",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["unsafe-path"], errorPattern: /absolute path/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(appended(b, [member({ path: `/tmp/${ESCAPE_MARKER}-absolute`, body: "pwned\n" })])),
  };
}

function paxEscape(b: BaseReport): HostileCase {
  // The ustar name looks harmless; the PAX record that overrides it does not.
  return {
    id: "pax-escape",
    description: "a harmless-looking entry renamed to ../ by a PAX record",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["unsafe-path"] },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(
      appended(b, [
        paxRecord({ path: `../../tmp/${ESCAPE_MARKER}-pax` }),
        member({ path: `${BASE_TOP}/sys/harmless`, body: "pwned\n" }),
      ]),
    ),
  };
}

function symlinkOut(b: BaseReport): HostileCase {
  return {
    id: "symlink-out",
    description: "a symbolic link pointing out of the report, then a file written through it",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["link"], errorPattern: /symbolic link/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(
      appended(b, [
        member({ path: `${BASE_TOP}/sys/escape`, type: TYPE.symlink, linkpath: "../../../../tmp" }),
        member({ path: `${BASE_TOP}/sys/escape/${ESCAPE_MARKER}-symlink`, body: "pwned\n" }),
      ]),
    ),
  };
}

function hardlinkOut(b: BaseReport): HostileCase {
  return {
    id: "hardlink-out",
    description: "a hard link to a file outside the report",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["link"], errorPattern: /hard link/ },
    facts: facts(b),
    heavy: false,
    open: fromBuffer(
      appended(b, [member({ path: `${BASE_TOP}/sys/passwd`, type: TYPE.hardLink, linkpath: "/etc/passwd" })]),
    ),
  };
}

/**
 * gzip members (`cat a.gz b.gz` is one valid gzip file) holding the base report, then `files`
 * members of `fileBytes` bytes that repeat `unit`. The big member is compressed once and its
 * bytes reused, so producing 2 GiB of bomb costs one 256 MiB compression, not nine.
 */
async function* bombMembers(
  b: BaseReport,
  files: number,
  fileBytes: number,
  unit: Buffer,
  pathFor: (i: number) => string,
): AsyncGenerator<Buffer> {
  yield gzipSync(b.tarBody);
  const filled = Buffer.alloc(Math.floor(MiB / unit.length) * unit.length);
  for (let at = 0; at < filled.length; at += unit.length) unit.copy(filled, at);
  const body = await collect(
    gzipStream(
      (function* () {
        for (let left = fileBytes; left > 0; left -= filled.length) {
          yield filled.subarray(0, Math.min(left, filled.length));
        }
      })(),
      9,
    ),
  );
  for (let i = 0; i < files; i++) {
    yield gzipSync(ustarHeader({ path: pathFor(i), size: fileBytes }));
    yield body;
  }
  yield gzipSync(endOfArchive(0));
}

const BOMB_FILES = 9;
/** Under the 300 MiB per-file limit, a whole number of tar blocks. */
const BOMB_FILE_BYTES = 256 * MiB;

function gzipBomb(b: BaseReport): HostileCase {
  // 2.25 GiB of zeros (nine files, each under the per-file limit) from ~2.5 MB of gzip.
  return {
    id: "gzip-bomb",
    description: "the report plus 2.25 GiB of zeros compressed to a few MB",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["too-large"], errorPattern: /compression bomb|expands/ },
    facts: facts(b, { unpackedBytes: b.tarBody.length + BOMB_FILES * (BOMB_FILE_BYTES + BLOCK) }),
    heavy: true,
    open: () =>
      Readable.from(
        bombMembers(b, BOMB_FILES, BOMB_FILE_BYTES, Buffer.alloc(1), (i) => `${BASE_TOP}/k8s/dump-${i}`),
      ),
  };
}

/** A real failure line (report-format.md): every line of the text bomb is a signature match. */
const BOMB_LINE = "Jun 16 22:50:53 pi11 microk8s.daemon-kubelite[37255]: Error: context deadline exceeded\n";

function textBomb(b: BaseReport): HostileCase {
  // Log lines compress ~300:1, under the 1000× guard: only the 1 GiB unpacked limit stops them,
  // and every line up to there is a signature match the scanner must test.
  return {
    id: "text-bomb",
    description: "the report plus 2.25 GiB of matching log lines compressed to ~8 MB",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["too-large"], errorPattern: /expands|compression bomb/ },
    facts: facts(b, { unpackedBytes: b.tarBody.length + BOMB_FILES * (BOMB_FILE_BYTES + BLOCK) }),
    heavy: true,
    open: () =>
      Readable.from(
        bombMembers(
          b,
          BOMB_FILES,
          BOMB_FILE_BYTES,
          Buffer.from(BOMB_LINE),
          (i) => `${BASE_TOP}/snap.microk8s.daemon-kubelite/old-${i}.log`,
        ),
      ),
  };
}

export const MILLION = 1_000_000;

function millionEntries(b: BaseReport): HostileCase {
  return {
    id: "million-entries",
    description: "the report plus a million empty files (about 7 MB of gzip)",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["too-many-entries"], errorPattern: /entries/ },
    facts: facts(b, { unpackedBytes: b.tarBody.length + MILLION * BLOCK }),
    heavy: true,
    open: () =>
      gzipStream(
        (function* () {
          yield b.tarBody;
          yield* emptyFileHeaders(MILLION, (digits) => `${BASE_TOP}/k8s/pods/p${digits}.log`);
          yield endOfArchive(0);
        })(),
        1, // level 1: a fifth of the time of level 6, still only ~7 MB
      ),
  };
}

function manyReports(b: BaseReport): HostileCase {
  // 5 000 report folders of one cluster.yaml each: ~150 KB of gzip, within the entry limit.
  const members: Buffer[] = [];
  for (let i = 0; i < 5000; i++) {
    const body = `- ID: ${1000 + i}\n  Address: 10.1.${i >> 8}.${i & 255}:19001\n  Role: 0\n`;
    members.push(member({ path: `node-${i}/${BASE_TOP}/dqlite/cluster.yaml`, body }));
  }
  const tar = Buffer.concat(members);
  return {
    id: "many-reports",
    description: "5 000 tiny report folders in one archive",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["too-many-reports"], errorPattern: /report folders/ },
    facts: facts(b, { unpackedBytes: tar.length }),
    heavy: false,
    open: fromBuffer(gzipSync(Buffer.concat([tar, endOfArchive(tar.length)]))),
  };
}

function noLayout(b: BaseReport): HostileCase {
  const tar = Buffer.concat([
    member({ path: "home/user/notes.txt", body: "not a report\n" }),
    member({ path: "home/user/photo.jpg", body: binaryGarbage(4096) }),
  ]);
  return {
    id: "no-layout",
    description: "a tar.gz of something else entirely",
    name: b.name,
    outcome: { kind: "error", errorCodes: ["no-layout"], errorPattern: /inspection-report layout/ },
    facts: facts(b, { unpackedBytes: tar.length }),
    heavy: false,
    open: fromBuffer(gzipSync(Buffer.concat([tar, endOfArchive(tar.length)]))),
  };
}

// ── file-level cases: the report is read, the damage is contained ───────────────

/** 200 MB: far past every line cap, within the per-file limit. */
export const HUGE_LINE_BYTES = 200 * 1000 * 1000;

function hugeLine(b: BaseReport): HostileCase {
  const half = Math.floor(b.journalLines.length / 2);
  const head = Buffer.from(
    `Dec 04 09:02:20 ${b.spec.hostname} microk8s.daemon-k8s-dqlite[1968412]: time="2023-12-04T09:02:20Z" level=info msg="`,
  );
  const journal = assembleJournal([
    { lines: b.journalLines.slice(0, half) },
    { planted: dqliteLine(b, 10, LOCKED) },
    { raw: head },
    { raw: { repeat: lineFiller(), bytes: HUGE_LINE_BYTES - head.length } },
    { raw: Buffer.from('"\n') },
    { planted: dqliteLine(b, 21, LOCKED) },
    { lines: b.journalLines.slice(half) },
    { planted: dqliteLine(b, 29, LOCKED) },
  ]);
  return {
    id: "huge-line",
    description: "a 200 MB single line in the middle of the datastore journal",
    name: b.name,
    outcome: { kind: "partial" },
    facts: lockedLinesFacts(b, journal),
    heavy: true,
    open: variant(b, { [b.journalPath]: journal.content }),
  };
}

/** Facts of a case whose datastore journal carries planted "database is locked" lines. */
function lockedLinesFacts(b: BaseReport, journal: PlantedJournal) {
  return facts(b, {
    planted: { rule: "dqlite.database-locked", file: b.journalPath, lines: journal.plantedLines },
    unpackedBytes: b.tarBody.length + journal.size,
  });
}

function binaryJournal(b: BaseReport): HostileCase {
  const third = Math.floor(b.journalLines.length / 3);
  const journal = assembleJournal([
    { lines: b.journalLines.slice(0, third) },
    { raw: binaryGarbage(256 * 1024, "garbage-1") },
    { raw: Buffer.from("\n") },
    { planted: dqliteLine(b, 11, LOCKED) },
    { lines: b.journalLines.slice(third, 2 * third) },
    // One 64 KiB line of garbage (no newline inside), right at the scanner's line cap.
    { raw: Buffer.from(binaryGarbage(64 * 1024, "garbage-2").map((byte) => (byte === 0x0a ? 0 : byte))) },
    { raw: Buffer.from("\n") },
    { planted: dqliteLine(b, 22, LOCKED) },
    { lines: b.journalLines.slice(2 * third) },
    { raw: binaryGarbage(128 * 1024, "garbage-3") },
  ]);
  return {
    id: "binary-journal",
    description: "binary garbage (NULs, control and high bytes) inside the datastore journal",
    name: b.name,
    outcome: { kind: "partial" },
    facts: lockedLinesFacts(b, journal),
    heavy: false,
    open: variant(b, { [b.journalPath]: journal.content }),
  };
}

function invalidUtf8(b: BaseReport): HostileCase {
  const prefix = `Dec 04 09:02:15 ${b.spec.hostname} microk8s.daemon-k8s-dqlite[1968412]: time="2023-12-04T09:02:15Z" level=error msg="`;
  const journal = assembleJournal([
    { lines: b.journalLines },
    { planted: withInvalidUtf8([prefix, "error in txn: exec (try: 500): ", "database is locked", '"']) },
    { planted: withInvalidUtf8([dqliteLine(b, 16, LOCKED), " trailing", ""]) },
  ]);
  return {
    id: "invalid-utf8",
    description: "invalid UTF-8 sequences inside matching journal lines and in a file name",
    name: b.name,
    outcome: { kind: "partial" },
    facts: lockedLinesFacts(b, journal),
    heavy: false,
    open: () => {
      // A file name that is not UTF-8 either (tar names are bytes), appended after the report.
      const oddName = Buffer.concat([Buffer.from(`${BASE_TOP}/sys/odd-`), Buffer.from([0xff, 0xc0, 0x80])]);
      const out = new PassThrough();
      collect(variant(b, { [b.journalPath]: journal.content })())
        .then((tarGz) => {
          const body = Buffer.concat([
            tarWithoutEnd(gunzipTar(tarGz)),
            member({ path: oddName, body: "odd\n" }),
          ]);
          out.end(gzipSync(Buffer.concat([body, endOfArchive(body.length)])));
        })
        .catch((error: unknown) => out.destroy(error as Error));
      return out;
    },
  };
}

function clusterYamlCase(
  b: BaseReport,
  id: string,
  description: string,
  text: string,
  warningPattern: RegExp,
  heavy = false,
): HostileCase {
  return {
    id,
    description,
    name: b.name,
    outcome: { kind: "partial" },
    facts: facts(b, { quorumState: "unknown", warningPattern }),
    heavy,
    open: variant(b, { "dqlite/cluster.yaml": text }),
  };
}

function clusterYamlHuge(b: BaseReport): HostileCase {
  const { text, counts } = clusterYamlMany(b.cluster, 10_000);
  return {
    id: "cluster-yaml-10000",
    description: "a well-formed cluster.yaml with 10 000 members",
    name: b.name,
    outcome: { kind: "partial" },
    facts: facts(b, { members: counts }),
    heavy: false,
    open: variant(b, { "dqlite/cluster.yaml": text }),
  };
}

/** Every case, in a stable order. Generation is lazy: building the list costs one base report. */
export async function hostileCorpus(): Promise<HostileCase[]> {
  const b = await base();
  return [
    notGzip(b),
    truncatedGzip(b),
    truncatedTar(b),
    dotDot(b),
    absolutePath(b),
    paxEscape(b),
    symlinkOut(b),
    hardlinkOut(b),
    gzipBomb(b),
    textBomb(b),
    millionEntries(b),
    manyReports(b),
    noLayout(b),
    hugeLine(b),
    binaryJournal(b),
    invalidUtf8(b),
    clusterYamlCase(
      b,
      "cluster-yaml-not-yaml",
      "dqlite/cluster.yaml that is not YAML",
      clusterYamlNotYaml(),
      /cluster\.yaml is not valid YAML/,
    ),
    clusterYamlCase(
      b,
      "cluster-yaml-not-list",
      "dqlite/cluster.yaml that is YAML but a single map",
      clusterYamlNotList(b.self),
      /cluster\.yaml is not a list/,
    ),
    clusterYamlCase(
      b,
      "cluster-yaml-alias-bomb",
      "dqlite/cluster.yaml with a billion-laughs alias bomb",
      clusterYamlAliasBomb(),
      /cluster\.yaml is not valid YAML/,
    ),
    clusterYamlHuge(b),
  ];
}

/** One case by id. */
export async function hostileCase(id: string): Promise<HostileCase> {
  const found = (await hostileCorpus()).find((c) => c.id === id);
  if (!found) throw new Error(`no hostile case "${id}"`);
  return found;
}

/** Streams a case into a file (for the CLI and manual runs). */
export async function writeCase(c: HostileCase, path: string): Promise<void> {
  await pipeline(c.open(), createWriteStream(path));
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: "string" }, only: { type: "string" }, list: { type: "boolean" } },
  });
  // `--list | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  const corpus = await hostileCorpus();
  if (values.list) {
    for (const c of corpus)
      process.stdout.write(`${c.id.padEnd(24)} ${c.outcome.kind.padEnd(8)} ${c.description}\n`);
    return 0;
  }
  if (!values.out) {
    process.stderr.write("usage: tsx scripts/hostile/corpus.ts --out DIR [--only ID,ID] | --list\n");
    return 2;
  }
  const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null;
  await mkdir(values.out, { recursive: true });
  for (const c of corpus) {
    if (only && !only.has(c.id)) continue;
    const path = join(values.out, `${c.id}--${c.name}`);
    const started = performance.now();
    await writeCase(c, path);
    process.stdout.write(`${path} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
