import { describe, expect, it } from "vitest";
import { bigReport, extractTarGz } from "../support/reports.js";

describe("bigReport", () => {
  it("hits its compressed size band with log-like compression, as a valid report", async () => {
    const target = 2 * 1024 * 1024;
    const started = Date.now();
    const { name, data, unpackedBytes } = await bigReport({ targetCompressedBytes: target });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(name).toMatch(/^big-1-inspection-report-\d{8}_\d{6}\.tar\.gz$/);
    expect(data.length).toBeGreaterThan(target * 0.9);
    expect(data.length).toBeLessThan(target * 1.1);
    const ratio = unpackedBytes / data.length;
    expect(ratio).toBeGreaterThan(8);
    expect(ratio).toBeLessThan(20);

    // Keep only the small files; the parser still checks every entry against its declared size.
    const report = await extractTarGz(data, (p) => p.endsWith("cluster.yaml") || p.endsWith("systemctl.log"));
    expect(report.warnings).toEqual([]);
    const files = report.entries.filter((e) => e.type === "File");
    expect(files.reduce((s, e) => s + e.size, 0)).toBe(unpackedBytes);
    const dump = files.find((e) => e.path === "inspection-report/k8s/cluster-info-dump");
    expect(dump?.size).toBeGreaterThan(unpackedBytes * 0.4);
    const kubelite = files.find(
      (e) => e.path === "inspection-report/snap.microk8s.daemon-kubelite/journal.log",
    );
    expect(kubelite?.size).toBeGreaterThan(500_000);
    expect(report.files.get("inspection-report/dqlite/cluster.yaml")?.toString()).toMatch(
      /^- ID: 3297041220608546238\n {2}Address: 10\.44\.0\.11:19001\n/,
    );
  }, 120_000);

  it("is deterministic", async () => {
    const a = await bigReport({ targetCompressedBytes: 600 * 1024 });
    const b = await bigReport({ targetCompressedBytes: 600 * 1024 });
    expect(a.data.equals(b.data)).toBe(true);
  }, 120_000);
});
