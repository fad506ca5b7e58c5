import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  buildReport,
  era125Specs,
  extractTarGz,
  reportPaths,
  singleNode128Spec,
} from "../support/reports.js";

// The two real reports of the shared reference set (read only, never copied): their file
// lists are the ground truth for the generator's layout of the same generation.
const REAL = fileURLToPath(new URL("../../../shared/reports/real/", import.meta.url));
const react = `${REAL}react-to-do-list-inspection-report.tar.gz`;
const vhr = `${REAL}vhr-inspection-report.tar.gz`;
const available = existsSync(react) && existsSync(vhr);
if (!available) console.warn(`real reports not found under ${REAL}: skipping the layout comparison`);

async function paths(data: Buffer): Promise<string[]> {
  return reportPaths(await extractTarGz(data, () => false)).sort();
}

describe.skipIf(!available)("generated layout against real reports", () => {
  it("v1.28 classic single node: the same files as a real v1.28.14 report", async () => {
    const real = await paths(readFileSync(react));
    const ours = await paths(await buildReport(singleNode128Spec()[0]));
    expect(ours).toEqual(real);
  });

  it("v1.25 classic single node: the same files as a real v1.25.16 report, less what that one lacks", async () => {
    const real = await paths(readFileSync(vhr));
    const ours = await paths(await buildReport(era125Specs()[0]));
    // The real report misses its kubelite journal (not obtainable) and calico's CNI files (calico never came up on WSL).
    const expectedExtra = [
      "args/cni-network/10-calico.conflist",
      "args/cni-network/calico-kubeconfig",
      "snap.microk8s.daemon-kubelite/journal.log",
    ];
    expect(ours.filter((p) => !real.includes(p))).toEqual(expectedExtra);
    expect(real.filter((p) => !ours.includes(p))).toEqual([]);
  });
});
