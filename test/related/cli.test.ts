/** `report-triage signature`: the same failure on two clusters gives the same signature and tokens. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.js";
import { buildReport, reportName } from "../diff/fixtures.js";

let dir: string;
let a: string;
let b: string;
let healthy: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "report-triage-signature-"));
  a = join(dir, reportName("mk-a", "20241101_100000"));
  b = join(dir, reportName("other-host", "20250303_170000"));
  healthy = join(dir, reportName("mk-c", "20241101_100000"));
  writeFileSync(a, await buildReport({ host: "mk-a", ip: "10.1.0.1", deadlines: 25, diskErrors: "sdb" }));
  writeFileSync(
    b,
    await buildReport({ host: "other-host", ip: "192.168.9.9", deadlines: 40, diskErrors: "nvme0n1" }),
  );
  writeFileSync(healthy, await buildReport({ host: "mk-c", ip: "10.3.0.1" }));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTty: false, env: {} };
  const code = await main(argv, io);
  return { code, out: out.join(""), err: err.join("") };
}

describe("report-triage signature", () => {
  it("gives two clusters with the same failure the same key and tokens", async () => {
    const first = await run(["signature", "--format", "json", a]);
    const second = await run(["signature", "--format", "json", b]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const sa = JSON.parse(first.out);
    const sb = JSON.parse(second.out);
    expect(sa.key).toBe(sb.key);
    expect(sa.tokens).toEqual(sb.tokens);
    expect(sa.ids).toEqual(expect.arrayContaining(["dqlite.query-deadline:sustained", "disk.fs-error.ext4"]));
    expect(JSON.stringify(sa)).not.toMatch(/mk-a|10\.1\.0\.1/);
  });

  it("prints the ids, lines and a search hint as text; nothing fired says so", async () => {
    const { code, out } = await run(["signature", healthy]);
    expect(code).toBe(0);
    expect(out).toContain("ids: (nothing fired)");
    expect(out).toMatch(/^search: repo:OWNER\/REPO is:issue in:comments rtids[0-9a-f]{12}$/m);
  });

  it("usage errors exit 2", async () => {
    expect((await run(["signature"])).code).toBe(2);
    expect((await run(["signature", "--format", "yaml", a])).code).toBe(2);
  });
});
