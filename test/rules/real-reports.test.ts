/**
 * Scans the files of the two real inspection reports kept next to the project (shared/reports/real),
 * unpacked in memory. Both come from healthy single-node clusters; their error lines are reboot noise
 * (see that folder's README), so they must not raise high or critical findings — apart from the API
 * server really being down while the vhr report was taken.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/rules/catalogue.js";
import { createScanner } from "../../src/rules/scanner.js";
import { effectiveSeverity } from "../../src/rules/severity.js";
import type { SignatureHit } from "../../src/rules/types.js";

const REAL = new URL("../../../shared/reports/real/", import.meta.url);
const REACT = fileURLToPath(new URL("react-to-do-list-inspection-report.tar.gz", REAL));
const VHR = fileURLToPath(new URL("vhr-inspection-report.tar.gz", REAL));
const present = existsSync(REACT) && existsSync(VHR);
if (!present) console.warn(`real reports not found under ${fileURLToPath(REAL)}: skipping real-report scans`);

const catalogue = loadCatalogue();

/** Scans every file of a report tarball, in memory; paths relative to the report's top folder. */
async function scanReport(tarball: string, yearHint: number): Promise<SignatureHit[]> {
  const hits: SignatureHit[] = [];
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const rel = entry.path.replace(/^inspection-report\//, "");
      const scanner = entry.type === "File" ? createScanner(catalogue, rel, { yearHint }) : null;
      if (!scanner) {
        entry.resume();
        return;
      }
      entry.on("data", (chunk: Buffer) => scanner.write(chunk));
      entry.on("end", () => hits.push(...scanner.result()));
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("end", () => resolve());
    parser.on("error", reject);
    parser.end(gunzipSync(readFileSync(tarball)));
  });
  return hits;
}

const severe = (hits: SignatureHit[]) =>
  hits.filter((h) => {
    const s = effectiveSeverity(catalogue.byId.get(h.ruleId)!, [h])?.severity ?? null;
    return s === "critical" || s === "high";
  });

describe.skipIf(!present)("real report: React-To-do-list (v1.28, reboot at 17:39–17:41)", () => {
  let hits: SignatureHit[] = [];
  beforeAll(async () => {
    hits = await scanReport(REACT, 2024);
  });
  const find = (id: string, file: string) => hits.find((h) => h.ruleId === id && h.file === file);

  it("raises no high or critical finding", () => {
    expect(severe(hits).map((h) => `${h.ruleId} ${h.file}`)).toEqual([]);
  });

  it("sees the single shutdown deadline line, not as sustained", () => {
    const deadline = find("dqlite.query-deadline", "snap.microk8s.daemon-k8s-dqlite/journal.log");
    expect(deadline?.count).toBe(1);
    expect(deadline?.sustained).toBe(false);
    expect(deadline?.firstSeen).toBe("2024-10-29T17:39:55");
    expect(deadline?.samples[0].text).toContain("/registry/health");
  });

  it("counts the canceled queries of the journal and the systemctl tail", () => {
    expect(find("dqlite.query-canceled", "snap.microk8s.daemon-k8s-dqlite/journal.log")?.count).toBe(4);
    expect(find("dqlite.query-canceled", "snap.microk8s.daemon-k8s-dqlite/systemctl.log")?.lastSeen).toBe(
      "2024-10-29T17:41:12",
    );
  });

  it("treats the shutdown 'database is closed' errors as noise", () => {
    const closed = find("dqlite.database-closed", "snap.microk8s.daemon-k8s-dqlite/journal.log");
    expect(closed?.count).toBeGreaterThan(1000);
    expect(find("kubelite.lease-renew-timeout", "snap.microk8s.daemon-kubelite/journal.log")).toBeUndefined();
  });

  it("keeps the boot-time kubelite restart loop below critical", () => {
    const loop = find("kubelite.crashloop", "snap.microk8s.daemon-kubelite/journal.log");
    expect(loop?.maxCapture).toBe(3);
    expect(effectiveSeverity(catalogue.byId.get("kubelite.crashloop")!, [loop!])?.severity ?? null).toBe(
      "medium",
    );
  });

  it("finds nothing in the clean dmesg", () => {
    expect(hits.filter((h) => h.file === "apparmor/dmesg")).toEqual([]);
  });
});

describe.skipIf(!present)("real report: vhr (v1.25, API server down at inspection)", () => {
  let hits: SignatureHit[] = [];
  beforeAll(async () => {
    hits = await scanReport(VHR, 2025);
  });

  it("reports the API server as unreachable from the kubectl outputs", () => {
    const files = hits.filter((h) => h.ruleId === "apiserver.unreachable").map((h) => h.file);
    expect(files).toContain("k8s/version");
    expect(files.every((f) => f.startsWith("k8s/"))).toBe(true);
  });

  it("raises nothing else high or critical", () => {
    expect(severe(hits).filter((h) => h.ruleId !== "apiserver.unreachable")).toEqual([]);
  });

  it("finds no disk or kernel errors in the WSL dmesg noise", () => {
    expect(hits.filter((h) => h.file === "apparmor/dmesg")).toEqual([]);
  });
});
