import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.js";
import { incident3735 } from "../support/reports.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stderrIsTty: false,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

let dir: string;
let reports: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-cli-"));
  reports = [];
  for (const { name, data } of await incident3735()) {
    const path = join(dir, name);
    await writeFile(path, data);
    reports.push(path);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("report-triage analyze", () => {
  it("prints the bot's comment for several reports and exits 0", async () => {
    const io = captureIo();
    expect(await main(["analyze", ...reports], io)).toBe(0);
    expect(io.out.startsWith("<!-- report-triage -->\n")).toBe(true);
    for (const section of ["### Quorum", "### Departed nodes", "### Disk errors", "### Other findings"]) {
      expect(io.out).toContain(section);
    }
    for (const node of ["kube05", "kube06", "kube07", "kube08"]) expect(io.out).toContain(node);
  });

  it("--format json prints the contract's result", async () => {
    const io = captureIo();
    expect(await main(["analyze", "--format", "json", ...reports], io)).toBe(0);
    const result = JSON.parse(io.out);
    expect(result.schemaVersion).toBe(1);
    expect(result.reports.map((r: { node: string }) => r.node).sort()).toEqual([
      "kube05",
      "kube06",
      "kube07",
      "kube08",
    ]);
    expect(result.quorum.voters).toHaveLength(3);
    expect(result.quorum.quorumSize).toBe(2);
    expect(
      result.diskErrors.some(
        (d: { node: string; device: string }) => d.node === "kube06" && d.device === "sdb",
      ),
    ).toBe(true);
  });

  it("exits 1 when one report is unreadable, still analysing the others and naming the bad one", async () => {
    const bad = join(dir, "broken-inspection-report.tar.gz");
    await writeFile(bad, "this is not a tarball");
    const io = captureIo();
    expect(await main(["analyze", "--format", "json", bad, reports[0]], io)).toBe(1);
    const result = JSON.parse(io.out);
    const broken = result.reports.find(
      (r: { source: string }) => r.source === "broken-inspection-report.tar.gz",
    );
    expect(broken.error).toMatch(/gzip/i);
    expect(result.reports.find((r: { node: string }) => r.node === "kube05").error).toBeNull();
    await rm(bad);
  });

  it.each([
    [["analyze"], /no report given/],
    [["analyze", "--bogus", "x.tar.gz"], /bogus/],
    [["analyze", "--format", "yaml", "x.tar.gz"], /--format must be markdown or json/],
    [["analyze", "does-not-exist.tar.gz"], /file not found/],
    [["frobnicate"], /unknown command/],
    [[], /no command/],
  ])("usage error %j exits 2 with a message", async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.out).toBe("");
  });

  it("--out writes only that file", async () => {
    const before = await readdir(dir);
    const out = join(dir, "triage.md");
    const io = captureIo();
    expect(await main(["analyze", "--out", out, reports[1]], io)).toBe(0);
    expect(io.out).toBe("");
    expect((await readFile(out, "utf8")).startsWith("<!-- report-triage -->")).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([...before, "triage.md"].sort());
    await rm(out);
  });

  it("runs as a process: exit status and output on stdout, nothing written to the working folder", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "rt-cli-cwd-"));
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        join(ROOT, "node_modules/tsx/dist/esm/index.mjs"),
        join(ROOT, "scripts/cli-dev.ts"),
        "analyze",
        reports[2],
      ],
      { cwd, encoding: "utf8", timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("<!-- report-triage -->");
    expect(await readdir(cwd)).toEqual([]);
    await rm(cwd, { recursive: true, force: true });
  });
});
