import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReport } from "../../src/report/read.js";
import {
  bufferInput,
  chunkedStream,
  MiB,
  packTar,
  packTarGz,
  rawTar,
  readAll,
  withFolders,
} from "./support.js";

/** Deterministic journal-like text, so big files exercise chunking without fixture files. */
function journalText(bytes: number): string {
  const lines: string[] = [];
  let length = 0;
  let seed = 12345;
  for (let i = 0; length < bytes; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const line = `Jan 30 20:22:${String(i % 60).padStart(2, "0")} mk8s01 microk8s.daemon-kubelite[931]: I0130 trace ${seed.toString(36)} line ${i}\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join("").slice(0, bytes);
}

const CLUSTER_YAML = "- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0\n";
const DEADLINE_LINE =
  'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"\n';
const LONG_PATH = `args/certs.d/${"registry-mirror-".repeat(8)}example.com/hosts.toml`;

/** Report files relative to the report folder, in the order they are packed. */
const REPORT: Record<string, string> = {
  "snap.microk8s.daemon-k8s-dqlite/journal.log": DEADLINE_LINE.repeat(50),
  "snap.microk8s.daemon-k8s-dqlite/systemctl.log":
    "● snap.microk8s.daemon-k8s-dqlite.service\n   Active: active (running)\n",
  "dqlite/cluster.yaml": CLUSTER_YAML,
  "dqlite/list.out": "",
  "snap.microk8s.daemon-kubelite/journal.log": journalText(3 * MiB + 123),
  "sys/ps": "UID PID PPID C STIME TTY TIME CMD\n",
  [LONG_PATH]: "[host]\n",
};

function under(prefix: string, files: Record<string, string> = REPORT): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, body]) => [`${prefix}${path}`, body]));
}

function expectReport(result: Awaited<ReturnType<typeof readAll>>, prefix: string, files = REPORT): void {
  expect(result.outcome.error).toBeNull();
  expect(result.breaches).toEqual([]);
  const report = result.outcome.reports.find((r) => r.prefix === prefix);
  expect(report, `report ${prefix}`).toBeDefined();
  expect(report!.files).toEqual(
    Object.entries(files).map(([path, body]) => ({ path, size: Buffer.byteLength(body) })),
  );
  const contents = result.contents.get(prefix)!;
  expect([...contents.keys()]).toEqual(Object.keys(files));
  for (const [path, body] of Object.entries(files)) {
    expect(contents.get(path)!.equals(Buffer.from(body)), path).toBe(true);
  }
}

describe("readReport: a normal report", () => {
  let archive: Buffer;
  beforeAll(async () => {
    archive = await packTarGz(withFolders(under("inspection-report/")));
  });

  it("delivers every file, byte for byte, in archive order, with declared sizes", async () => {
    const result = await readAll(bufferInput(archive));
    expectReport(result, "inspection-report");
    expect(result.outcome.reports).toHaveLength(1);
    expect(result.visitorCalls).toEqual(["inspection-report"]);
    expect(result.outcome.warnings).toEqual([]);
    expect(result.outcome.source).toBe("inspection-report-20250101_000000.tar.gz");
    expect(result.outcome.errorCode).toBeUndefined();
  });

  it("splits large files into several chunks", async () => {
    const chunkCounts: number[] = [];
    await readReport(bufferInput(archive), () => ({
      onFile(entry) {
        if (entry.path !== "snap.microk8s.daemon-kubelite/journal.log") return null;
        let count = 0;
        return { write: () => void count++, end: () => void chunkCounts.push(count) };
      },
    }));
    expect(chunkCounts).toHaveLength(1);
    expect(chunkCounts[0]).toBeGreaterThan(1);
  });

  it("reads the same from a stream, whatever the chunk size", async () => {
    for (const chunkBytes of [4096, 1_000_003]) {
      const stream = chunkedStream(archive, chunkBytes, 600);
      const result = await readAll({ kind: "stream", stream, name: "upload.tgz" });
      expectReport(result, "inspection-report");
      expect(result.outcome.source).toBe("upload.tgz");
    }
  });

  it("reads a plain, uncompressed tar", async () => {
    const tar = await packTar(withFolders(under("inspection-report/")));
    expectReport(await readAll(bufferInput(tar, "report.tar")), "inspection-report");
  });

  it("lists files the visitor skips, and delivers nothing for them", async () => {
    const result = await readAll(bufferInput(archive), undefined, (path) => path.endsWith("journal.log"));
    const report = result.outcome.reports[0];
    expect(report.files.map((f) => f.path)).toEqual(Object.keys(REPORT));
    expect([...result.contents.get("inspection-report")!.keys()]).toEqual(
      Object.keys(REPORT).filter((p) => !p.endsWith("journal.log")),
    );
  });

  it("reads a gzip made of several members (cat a.gz b.gz)", async () => {
    const tar = await packTar(withFolders(under("inspection-report/")));
    const cut = 4096;
    const twoMembers = Buffer.concat([gzipSync(tar.subarray(0, cut)), gzipSync(tar.subarray(cut))]);
    expectReport(await readAll(bufferInput(twoMembers)), "inspection-report");
  });
});

describe("readReport: where the report folder is", () => {
  const small: Record<string, string> = {
    "dqlite/cluster.yaml": CLUSTER_YAML,
    "snap.microk8s.daemon-k8s-dqlite/journal.log": DEADLINE_LINE,
    "k8s/get-all": "NAMESPACE NAME\n",
  };

  it.each([
    ["inspection-report/", "inspection-report"],
    ["", ""],
    ["kube05-report/", "kube05-report"],
    ["tmp/kube05/inspection-report/", "tmp/kube05/inspection-report"],
  ])("files under %j form report %j", async (root, prefix) => {
    const result = await readAll(bufferInput(await packTarGz(withFolders(under(root, small)))));
    expectReport(result, prefix, small);
    expect(result.outcome.reports).toHaveLength(1);
  });

  it('accepts "./inspection-report/..." as GNU tar writes for `tar czf x.tgz ./inspection-report`', async () => {
    const tar = rawTar([
      { path: "./", type: "5" },
      { path: "./inspection-report/", type: "5" },
      ...Object.entries(small).map(([path, body]) => ({ path: `./inspection-report/${path}`, body })),
    ]);
    expectReport(await readAll(bufferInput(gzipSync(tar))), "inspection-report", small);
  });

  it("finds several reports side by side, one visitor each", async () => {
    const other = { ...small, "dqlite/cluster.yaml": "- ID: 1\n  Address: 10.0.0.6:19001\n  Role: 0\n" };
    const archive = await packTarGz([
      ...withFolders(under("kube05/inspection-report/", small)),
      ...withFolders(under("kube06/inspection-report/", other)),
    ]);
    const result = await readAll(bufferInput(archive));
    expect(result.visitorCalls).toEqual(["kube05/inspection-report", "kube06/inspection-report"]);
    expectReport(result, "kube05/inspection-report", small);
    expectReport(result, "kube06/inspection-report", other);
  });

  it("keeps interleaved members of two reports apart", async () => {
    const archive = gzipSync(
      rawTar([
        { path: "a/inspection-report/sys/ps", body: "A" },
        { path: "b/inspection-report/sys/ps", body: "B" },
        { path: "a/inspection-report/k8s/get-all", body: "A2" },
      ]),
    );
    const result = await readAll(bufferInput(archive));
    expect(result.outcome.reports).toEqual([
      {
        prefix: "a/inspection-report",
        files: [
          { path: "sys/ps", size: 1 },
          { path: "k8s/get-all", size: 2 },
        ],
      },
      { prefix: "b/inspection-report", files: [{ path: "sys/ps", size: 1 }] },
    ]);
  });

  it("holds a file met before its report folder is known and hands it over first", async () => {
    const archive = gzipSync(
      rawTar([
        { path: "inspection-report/", type: "5" },
        { path: "inspection-report/README", body: "collected by hand\n" },
        { path: "inspection-report/dqlite/cluster.yaml", body: CLUSTER_YAML },
        { path: "inspection-report/notes.txt", body: "later\n" },
      ]),
    );
    const result = await readAll(bufferInput(archive));
    expectReport(result, "inspection-report", {
      README: "collected by hand\n",
      "dqlite/cluster.yaml": CLUSTER_YAML,
      "notes.txt": "later\n",
    });
    expect(result.outcome.warnings).toEqual([]);
  });

  it("ignores files outside every report folder, with one warning", async () => {
    const archive = gzipSync(
      rawTar([
        { path: "README.md", body: "see the attached reports\n" },
        { path: "kube05/inspection-report/sys/ps", body: "ps\n" },
        { path: "kube05/screenshot.png", body: "png" },
        { path: "kube05/inspection-report/dqlite/cluster.yaml", body: CLUSTER_YAML },
      ]),
    );
    const result = await readAll(bufferInput(archive));
    expectReport(result, "kube05/inspection-report", {
      "sys/ps": "ps\n",
      "dqlite/cluster.yaml": CLUSTER_YAML,
    });
    expect(result.outcome.warnings).toEqual([
      "ignored files outside any report folder: README.md, kube05/screenshot.png",
    ]);
  });

  it("refuses an archive without any report file", async () => {
    const archive = gzipSync(
      rawTar([
        { path: "photos/cat.jpg", body: "meow" },
        { path: "notes.txt", body: "x" },
      ]),
    );
    const { outcome } = await readAll(bufferInput(archive));
    expect(outcome.errorCode).toBe("no-layout");
    expect(outcome.error).toBe(
      "no inspection-report layout found (no dqlite/, k8s/, sys/ or service folders)",
    );
    expect(outcome.reports).toEqual([]);
  });

  it("refuses an archive without any file", async () => {
    const { outcome } = await readAll(
      bufferInput(gzipSync(rawTar([{ path: "inspection-report/", type: "5" }]))),
    );
    expect(outcome.errorCode).toBe("no-layout");
    expect(outcome.error).toBe("archive holds no files");
  });
});

describe("readReport: odd but harmless entries", () => {
  it("skips character devices and FIFOs with a warning, and ignores folders", async () => {
    const archive = gzipSync(
      rawTar([
        { path: "inspection-report/", type: "5" },
        { path: "inspection-report/sys/ps", body: "ps\n" },
        { path: "inspection-report/dev/null", type: "3" },
        { path: "inspection-report/fifo", type: "6" },
      ]),
    );
    const result = await readAll(bufferInput(archive));
    expectReport(result, "inspection-report", { "sys/ps": "ps\n" });
    expect(result.outcome.warnings).toEqual([
      "skipped CharacterDevice entries: inspection-report/dev/null",
      "skipped FIFO entries: inspection-report/fifo",
    ]);
  });

  it("accepts a tar that lacks the end-of-archive marker, with a warning", async () => {
    const archive = gzipSync(
      rawTar([{ path: "inspection-report/sys/ps", body: "ps\n" }], { endMarker: false }),
    );
    const result = await readAll(bufferInput(archive));
    expectReport(result, "inspection-report", { "sys/ps": "ps\n" });
    expect(result.outcome.warnings).toEqual(["archive has no end-of-archive marker; it may be incomplete"]);
  });

  it("ignores record padding and trailing junk after the end marker", async () => {
    const tar = rawTar([{ path: "inspection-report/sys/ps", body: "ps\n" }]);
    const padded = Buffer.concat([tar, Buffer.alloc(10240 - tar.length)]);
    expectReport(await readAll(bufferInput(gzipSync(padded))), "inspection-report", { "sys/ps": "ps\n" });
    const junk = Buffer.concat([tar, Buffer.alloc(2 * MiB, "junk")]);
    const result = await readAll(bufferInput(gzipSync(junk)));
    expectReport(result, "inspection-report", { "sys/ps": "ps\n" });
    expect(result.outcome.warnings).toEqual(["ignored data after the end of the tar archive"]);
  });
});

describe("readReport: input kinds", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "report-read-test-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a file and names it by its file name", async () => {
    const path = join(dir, "inspection-report-20240101_101010.tar.gz");
    await writeFile(path, await packTarGz(withFolders(under("inspection-report/"))));
    const result = await readAll({ kind: "file", path });
    expectReport(result, "inspection-report");
    expect(result.outcome.source).toBe("inspection-report-20240101_101010.tar.gz");
    const named = await readAll({ kind: "file", path, name: "kube05.tgz" });
    expect(named.outcome.source).toBe("kube05.tgz");
  });

  it("reports a missing file as an io error without the machine's path", async () => {
    const { outcome } = await readAll({ kind: "file", path: join(dir, "missing.tar.gz") });
    expect(outcome.errorCode).toBe("io");
    expect(outcome.error).toBe("cannot read missing.tar.gz: not found (ENOENT)");
    expect(outcome.source).toBe("missing.tar.gz");
  });

  it("reports a stream that fails midway", async () => {
    const archive = await packTarGz(withFolders(under("inspection-report/")));
    const stream = new Readable({
      read() {
        this.push(archive.subarray(0, 1000));
        this.destroy(new Error("connection reset"));
      },
    });
    const { outcome } = await readAll({ kind: "stream", stream, name: "download" });
    expect(outcome.errorCode).toBe("io");
    expect(outcome.error).toBe("could not read the archive: connection reset");
  });

  it("reports a stream that closes without ending", async () => {
    const stream = new Readable({
      read() {
        this.push(Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
        this.destroy();
      },
    });
    const { outcome } = await readAll({ kind: "stream", stream, name: "download" });
    expect(outcome.errorCode).toBe("io");
  });

  it("does not crash on a visitor that throws, and says so in one line", async () => {
    const archive = await packTarGz(withFolders(under("inspection-report/")));
    const outcome = await readReport(bufferInput(archive), () => ({
      onFile() {
        throw new Error("parser bug\nsecond line");
      },
    }));
    expect(outcome.errorCode).toBe("internal");
    expect(outcome.error).toBe("internal error while reading the report: parser bug second line");
  });

  it("reports progress in compressed bytes", async () => {
    const archive = await packTarGz(withFolders(under("inspection-report/")));
    const seen: number[] = [];
    await readReport(
      bufferInput(archive),
      () => ({ onFile: () => null }),
      {},
      { onProgress: (n) => seen.push(n) },
    );
    expect(seen.at(-1)).toBe(archive.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
