import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectLayout } from "../../src/report/layout.js";
import { chunkedStream, type PackedFile, packTarGz, readAll, realReportsDir } from "./support.js";

const dir = realReportsDir();
if (!dir)
  console.warn("test/report/real.test.ts: ../shared/reports/real is absent; skipping the real-report tests");

const REAL = [
  { file: "react-to-do-list-inspection-report.tar.gz", files: 72 },
  { file: "vhr-inspection-report.tar.gz", files: 62 },
];

describe.skipIf(!dir)("real inspection reports (../shared/reports/real)", () => {
  it.each(REAL)(
    "$file: $files files under inspection-report/, classic 1.23+ control plane",
    async ({ file, files }) => {
      const { outcome, contents, breaches } = await readAll({ kind: "file", path: join(dir!, file) });
      expect(outcome.error).toBeNull();
      expect(outcome.warnings).toEqual([]);
      expect(breaches).toEqual([]);
      expect(outcome.source).toBe(file);
      expect(outcome.reports.map((r) => r.prefix)).toEqual(["inspection-report"]);
      const report = outcome.reports[0];
      expect(report.files).toHaveLength(files);
      // Every byte the tar declares arrives.
      const delivered = contents.get("inspection-report")!;
      for (const entry of report.files)
        expect(delivered.get(entry.path)?.length, entry.path).toBe(entry.size);
      expect(delivered.get("dqlite/cluster.yaml")!.toString()).toContain("Address: 127.0.0.1:19001");
      expect(detectLayout(report.files)).toMatchObject({
        confinement: "classic",
        role: "control-plane",
        era: ">=1.23",
        datastoreService: "k8s-dqlite",
        hasDqliteFolder: true,
      });
    },
  );

  it("reads the same through a stream in small chunks", async () => {
    const data = readFileSync(join(dir!, REAL[0].file));
    const { outcome } = await readAll({
      kind: "stream",
      stream: chunkedStream(data, 1000, 300),
      name: "upload",
    });
    expect(outcome.error).toBeNull();
    expect(outcome.reports[0].files).toHaveLength(REAL[0].files);
  });

  it("re-packed side by side as two nodes, reads as two reports", async () => {
    const packed: PackedFile[] = [];
    for (const [i, { file }] of REAL.entries()) {
      const { contents } = await readAll({ kind: "file", path: join(dir!, file) });
      for (const [path, body] of contents.get("inspection-report")!) {
        packed.push({ path: `node${i + 1}/inspection-report/${path}`, body });
      }
    }
    const { outcome } = await readAll({ kind: "buffer", data: await packTarGz(packed), name: "cluster.tgz" });
    expect(outcome.error).toBeNull();
    expect(outcome.reports.map((r) => [r.prefix, r.files.length])).toEqual([
      ["node1/inspection-report", 72],
      ["node2/inspection-report", 62],
    ]);
  });

  it("refuses a real report cut short", async () => {
    const data = readFileSync(join(dir!, REAL[0].file));
    const { outcome } = await readAll({
      kind: "buffer",
      data: data.subarray(0, 200_000),
      name: "partial.tar.gz",
    });
    expect(outcome.errorCode).toBe("truncated");
  });

  it("refuses a real report over a lowered compressed limit before reading it", async () => {
    const { outcome } = await readAll(
      { kind: "file", path: join(dir!, REAL[0].file) },
      { maxCompressedBytes: 100_000 },
    );
    expect(outcome.errorCode).toBe("compressed-too-large");
    expect(outcome.error).toBe("archive is larger than 97.7 KiB (limit): 351.2 KiB");
  });
});
