import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAll } from "./support.js";

const CLUSTER_YAML = "- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0\n";

const FILES: Record<string, string> = {
  "dqlite/cluster.yaml": CLUSTER_YAML,
  "dqlite/list.out": "",
  "k8s/get-all": "NAMESPACE NAME\n",
  "snap.microk8s.daemon-k8s-dqlite/journal.log":
    "Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: started\n".repeat(40_000),
  "sys/ps": "UID PID\n",
};

/** Sorted depth-first by name, as the walker visits them. */
const WALK_ORDER = [
  "dqlite/cluster.yaml",
  "dqlite/list.out",
  "k8s/get-all",
  "snap.microk8s.daemon-k8s-dqlite/journal.log",
  "sys/ps",
];

let root: string;

async function put(files: Record<string, string>, under: string): Promise<void> {
  for (const [path, body] of Object.entries(files)) {
    const full = join(under, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, body);
  }
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "report-folder-test-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("readReport: folder input", () => {
  it("reads a folder holding inspection-report/", async () => {
    await put(FILES, join(root, "inspection-report"));
    const { outcome, contents, breaches } = await readAll({ kind: "folder", path: root, name: "kube05" });
    expect(outcome.error).toBeNull();
    expect(breaches).toEqual([]);
    expect(outcome.source).toBe("kube05");
    expect(outcome.reports).toHaveLength(1);
    expect(outcome.reports[0].prefix).toBe("inspection-report");
    expect(outcome.reports[0].files).toEqual(
      WALK_ORDER.map((path) => ({ path, size: Buffer.byteLength(FILES[path]) })),
    );
    for (const path of WALK_ORDER) {
      expect(contents.get("inspection-report")!.get(path)!.toString()).toBe(FILES[path]);
    }
  });

  it("reads the inspection-report folder itself, named after it", async () => {
    const report = join(root, "inspection-report");
    await put(FILES, report);
    const { outcome } = await readAll({ kind: "folder", path: report });
    expect(outcome.error).toBeNull();
    expect(outcome.source).toBe("inspection-report");
    expect(outcome.reports.map((r) => r.prefix)).toEqual([""]);
    expect(outcome.reports[0].files.map((f) => f.path)).toEqual(WALK_ORDER);
  });

  it("finds several reports in one folder", async () => {
    await put(FILES, join(root, "kube05", "inspection-report"));
    await put(FILES, join(root, "kube06", "inspection-report"));
    const { outcome } = await readAll({ kind: "folder", path: root });
    expect(outcome.reports.map((r) => r.prefix)).toEqual([
      "kube05/inspection-report",
      "kube06/inspection-report",
    ]);
  });

  it("reads a folder given as a file input", async () => {
    await put(FILES, join(root, "inspection-report"));
    const { outcome } = await readAll({ kind: "file", path: root });
    expect(outcome.error).toBeNull();
    expect(outcome.reports[0].files).toHaveLength(WALK_ORDER.length);
  });

  it("skips a symbolic link that stays inside, with a warning", async () => {
    await put(FILES, join(root, "inspection-report"));
    await symlink("../dqlite/cluster.yaml", join(root, "inspection-report", "sys", "cluster-copy"));
    const { outcome } = await readAll({ kind: "folder", path: root });
    expect(outcome.error).toBeNull();
    expect(outcome.reports[0].files.map((f) => f.path)).not.toContain("sys/cluster-copy");
    expect(outcome.warnings).toEqual(["skipped symbolic links: inspection-report/sys/cluster-copy"]);
  });

  it("refuses a symbolic link pointing outside the folder", async () => {
    const report = join(root, "inspection-report");
    await put(FILES, report);
    await put({ secret: "s3cret\n" }, join(root, "outside"));
    await symlink(join(root, "outside", "secret"), join(report, "sys", "secret"));
    const { outcome } = await readAll({ kind: "folder", path: report });
    expect(outcome.errorCode).toBe("link");
    expect(outcome.error).toMatch(/^folder holds a symbolic link pointing outside it: sys\/secret -> /);
    expect(outcome.reports).toEqual([]);
  });

  it("skips a broken symbolic link", async () => {
    await put(FILES, join(root, "inspection-report"));
    await symlink("does-not-exist", join(root, "inspection-report", "sys", "dangling"));
    const { outcome } = await readAll({ kind: "folder", path: root });
    expect(outcome.error).toBeNull();
    expect(outcome.warnings).toEqual(["skipped broken symbolic links: inspection-report/sys/dangling"]);
  });

  it("skips a FIFO without opening it", async (context) => {
    await put(FILES, join(root, "inspection-report"));
    try {
      execFileSync("mkfifo", [join(root, "inspection-report", "sys", "pipe")]);
    } catch {
      context.skip("mkfifo is not available here");
    }
    const { outcome } = await readAll({ kind: "folder", path: root });
    expect(outcome.error).toBeNull();
    expect(outcome.warnings).toEqual([
      "skipped special files (sockets, FIFOs, devices): inspection-report/sys/pipe",
    ]);
  });

  it("applies the entry and file size limits", async () => {
    await put(FILES, join(root, "inspection-report"));
    const tooMany = await readAll({ kind: "folder", path: root }, { maxEntries: 5 });
    expect(tooMany.outcome.errorCode).toBe("too-many-entries");
    const tooBig = await readAll({ kind: "folder", path: root }, { maxFileBytes: 1024 });
    expect(tooBig.outcome.errorCode).toBe("file-too-large");
    expect(tooBig.outcome.error).toMatch(/snap\.microk8s\.daemon-k8s-dqlite\/journal\.log/);
    const tooMuch = await readAll({ kind: "folder", path: root }, { maxUnpackedBytes: 100_000 });
    expect(tooMuch.outcome.errorCode).toBe("too-large");
  });

  it("refuses an empty folder and a missing one", async () => {
    const empty = await readAll({ kind: "folder", path: root });
    expect(empty.outcome.errorCode).toBe("no-layout");
    expect(empty.outcome.error).toBe("archive holds no files");
    const missing = await readAll({ kind: "folder", path: join(root, "nope") });
    expect(missing.outcome.errorCode).toBe("io");
    expect(missing.outcome.error).toBe("cannot read nope: not found (ENOENT)");
  });
});
