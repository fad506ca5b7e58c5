/**
 * The two real reports of ../shared/reports/real through the real engine, against the "correct
 * analysis" of their README. Skipped, saying so, when that folder is not there.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Analysed, above, analyseFile, byNode, findingsOf, realReportPath, section } from "./support.js";

const REACT = "react-to-do-list-inspection-report.tar.gz";
const VHR = "vhr-inspection-report.tar.gz";
const reactPath = realReportPath(REACT);
const vhrPath = realReportPath(VHR);

if (!reactPath || !vhrPath) {
  console.warn(
    `skipping the real-report tests: ../shared/reports/real/${!reactPath ? REACT : VHR} is not available`,
  );
}

describe.skipIf(!reactPath)(
  "real report: React-To-do-list (v1.28.14, single node, healthy after a reboot)",
  () => {
    let react: Analysed;
    beforeAll(async () => {
      react = await analyseFile(reactPath!);
    });

    it("control plane v1.28.14, not HA, nothing departed, no disk errors", () => {
      const { result } = react;
      expect(result.reports.map((r) => [r.node, r.role, r.microk8sVersion, r.error])).toEqual([
        ["microk8s-vm", "control-plane", "v1.28.14", null],
      ]);
      expect(result.quorum).toMatchObject({ state: "not-ha", quorumSize: 1 });
      expect(result.departedNodes).toEqual([]);
      // dmesg's only "error" is the errors=remount-ro mount option; / is at 9 %.
      expect(result.diskErrors).toEqual([]);
    });

    it("the boot-time kubelite restart loop (counter 3 at 17:41, running since) is history, not a problem", () => {
      const loop = byNode(react.result, "kubelite.crashloop").get("microk8s-vm")!;
      expect(loop.severity).toBe("low");
      expect(loop.title).toBe(
        "kubelite restarted 3 times at 17:41, then kept running (active (running) when the report was taken)",
      );
    });

    it("the reboot's error lines stay low: no medium or worse finding, a green verdict", () => {
      const { result } = react;
      expect(above(result, "low")).toEqual([]);
      // The single shutdown-time deadline is isolated.
      expect(findingsOf(result, "dqlite.query-deadline")).toEqual([
        expect.objectContaining({ count: 1, severity: "low", sustained: false }),
      ]);
      expect(findingsOf(result, "apiserver.unreachable")).toEqual([]);
      expect(result.verdict).toBe("🟢 No known problem found in 1 report (single-node datastore, not HA)");
    });

    it("the comment folds the minor findings away and leaks no token", () => {
      const findings = section(react.markdown, "Other findings");
      expect(findings).toMatch(/^\n<details><summary>\d+ minor findings \(low, info\)/);
      // args/cni-network/calico-kubeconfig holds a real (expired) service-account token.
      expect(react.markdown).not.toMatch(/eyJhbGciOi[A-Za-z0-9_-]{20,}/);
    });
  },
);

describe.skipIf(!vhrPath)("real report: vhr (v1.25.16 on WSL2, API server down at inspection time)", () => {
  let vhr: Analysed;
  beforeAll(async () => {
    vhr = await analyseFile(vhrPath!);
  });

  it("control plane v1.25.16, not HA, nothing departed, and the 100 % loop image is not a full disk", () => {
    const { result } = vhr;
    expect(result.reports.map((r) => [r.role, r.microk8sVersion, r.error])).toEqual([
      ["control-plane", "v1.25.16", null],
    ]);
    expect(result.quorum.state).toBe("not-ha");
    expect(result.departedNodes).toEqual([]);
    expect(result.diskErrors).toEqual([]);
    expect(findingsOf(result, "disk.usage-high")).toEqual([]);
  });

  it("finds the API server unreachable, the upper-case hostname and the legacy localnode.yaml", () => {
    const { result } = vhr;
    expect(findingsOf(result, "apiserver.unreachable")).toEqual([
      expect.objectContaining({ severity: "critical" }),
    ]);
    expect(findingsOf(result, "inspect.hostname-invalid")).toHaveLength(1);
    expect(findingsOf(result, "inspect.hostname-invalid")[0]!.title).toContain("MSI");
    expect(findingsOf(result, "dqlite.legacy-localnode")).toEqual([
      expect.objectContaining({ severity: "info" }),
    ]);
    expect(result.verdict).toMatch(/^🔴 API server unreachable when the report was taken/);
    // One report: the verdict does not repeat the node's name after every clause.
    expect(result.verdict).not.toMatch(/ on msi/);
  });

  it("WSL's dmesg noise raises no kernel finding", () => {
    const ids = vhr.result.findings.map((f) => f.id);
    for (const id of ["kernel.io-error", "kernel.ext4-error", "kernel.oom"]) expect(ids).not.toContain(id);
  });
});
