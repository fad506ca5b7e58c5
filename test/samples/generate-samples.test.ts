import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../scripts/generate-samples.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

describe("generate-samples CLI", () => {
  it("defaults to the incident tarballs in ./samples", () => {
    const args = parseArgs([]);
    expect(args.scenarios).toEqual(["incident-3735"]);
    expect(args.out).toBe(join(ROOT, "samples"));
  });

  it("expands 'all' without the heavy benchmark report", () => {
    const args = parseArgs(["--scenario", "all", "--out=generated"]);
    expect(args.scenarios).toContain("incident-3735");
    expect(args.scenarios).toContain("lost-quorum");
    expect(args.scenarios).not.toContain("big");
    expect(args.out).toBe(resolve("generated"));
  });

  it("writes the tarballs and prints their paths; rejects unknown scenarios with exit code 2", async () => {
    const out = await mkdtemp(join(tmpdir(), "samples-"));
    try {
      const { stdout } = await run(
        TSX,
        [join(ROOT, "scripts/generate-samples.ts"), "--scenario", "strict", "--out", out],
        { cwd: ROOT },
      );
      const written = await readdir(out);
      expect(written).toEqual(["inspection-report-20240219_153009.tar.gz"]);
      expect(stdout).toContain("inspection-report-20240219_153009.tar.gz");
      expect((await stat(join(out, written[0]))).size).toBeGreaterThan(50_000);
      const failed = await run(TSX, [join(ROOT, "scripts/generate-samples.ts"), "--scenario", "nope"], {
        cwd: ROOT,
      }).catch((e) => e);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain("unknown scenario: nope");
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});
