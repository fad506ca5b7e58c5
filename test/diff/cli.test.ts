/** `report-triage diff`: both argument forms, both formats, exit codes. Reports are files (the CLI reads paths). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.js";
import { buildReport, reportName } from "./fixtures.js";

let dir: string;
let round1: string;
let round2: string;
let junk: string;

function capture(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTty: false, env };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "report-triage-diff-"));
  round1 = join(dir, reportName("alpha", "20241101_100000"));
  round2 = join(dir, reportName("alpha", "20241102_100000"));
  junk = join(dir, "notes.tar.gz");
  writeFileSync(
    round1,
    await buildReport({ host: "alpha", ip: "10.0.0.1", deadlines: 25, diskErrors: "sdb" }),
  );
  writeFileSync(round2, await buildReport({ host: "alpha", ip: "10.0.0.1", version: "v1.28.15" }));
  writeFileSync(junk, "this is not a tarball");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("report-triage diff", () => {
  it("OLD -- NEW prints the Markdown diff and exits 0", async () => {
    const io = capture();
    const code = await main(["diff", round1, "--", round2], io);
    expect(code).toBe(0);
    const text = io.out.join("");
    expect(text.startsWith("### What changed since the previous reports\n")).toBe(true);
    expect(text).toContain("New report of **alpha** (2024-11-01 10:00:00 → 2024-11-02 10:00:00)");
    expect(text).toContain("**Disk errors stopped**");
    expect(text).toContain("`dqlite.query-deadline` on **alpha**");
    expect(text).toContain("**MicroK8s version**: **alpha**: `v1.28.14` → `v1.28.15`");
  });

  it("--old/--new with --format json prints the same diff as JSON", async () => {
    const io = capture();
    const code = await main(["diff", "--format", "json", "--old", round1, "--new", round2], io);
    expect(code).toBe(0);
    const diff = JSON.parse(io.out.join(""));
    expect(diff.schemaVersion).toBe(1);
    expect(diff.previous.reports.map((r: { node: string }) => r.node)).toEqual(["alpha"]);
    expect(diff.findings.disappeared.map((f: { id: string }) => f.id)).toContain("dqlite.query-deadline");
    expect(diff.versions).toEqual([{ node: "alpha", before: "v1.28.14", after: "v1.28.15" }]);
    expect(diff.same).toBe(false);
  });

  it("exits 1 when a report on either side cannot be read, and still prints the diff", async () => {
    const io = capture();
    const code = await main(["diff", round1, "--", round2, junk], io);
    expect(code).toBe(1);
    expect(io.out.join("")).toContain("### What changed since the previous reports");
  });

  // argv built lazily: the report paths exist only after beforeAll
  it.each<[string, () => string[], string]>([
    [
      "two reports without --",
      () => ["diff", round1, round2],
      "separate the earlier and the later reports with --",
    ],
    ["nothing after --", () => ["diff", round1, "--"], "no later (NEW) report given"],
    ["nothing before --", () => ["diff", "--", round2], "no earlier (OLD) report given"],
    ["both forms", () => ["diff", "--old", round1, "--", round2], "not both"],
    ["an unknown option", () => ["diff", "--bogus", round1, "--", round2], "Unknown option"],
    ["a missing file", () => ["diff", round1, "--", join(dir, "no-such-report.tar.gz")], "file not found"],
    [
      "an unknown format",
      () => ["diff", "--format", "yaml", round1, "--", round2],
      "--format must be markdown or json",
    ],
  ])("usage error (%s) exits 2", async (_name, argv, message) => {
    const io = capture();
    expect(await main(argv(), io)).toBe(2);
    expect(io.err.join("")).toContain(message);
    expect(io.out).toEqual([]);
  });
});

describe("report-triage analyze --explain without a model", () => {
  it("prints the deterministic comment plus one line saying why there is no explanation", async () => {
    const io = capture({});
    const code = await main(["analyze", "--explain", round2], io);
    expect(code).toBe(0);
    const text = io.out.join("");
    expect(text).toContain("### Quorum");
    expect(text).toContain("### Explanation (AI-generated, may be wrong)");
    expect(text).toContain(
      "_No explanation: no language model is configured (set OPENAI\\_MODEL and OPENAI\\_BASE\\_URL or OPENAI\\_API\\_KEY).",
    );
    expect(io.err.join("")).toContain("no explanation: no language model is configured");
  });

  it("without --explain nothing about a model appears", async () => {
    const io = capture({ OPENAI_MODEL: "m", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
    expect(await main(["analyze", round2], io)).toBe(0);
    expect(io.out.join("")).not.toContain("Explanation");
  });
});
