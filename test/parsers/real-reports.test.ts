import { beforeAll, describe, expect, it } from "vitest";
import type { ParsedReport } from "../../src/parsers/types.js";
import { REAL_REPORTS, REAL_REPORTS_DIR, readReportFiles, realReportsPresent } from "./real-reports.js";
import { runParsers } from "./support.js";

const present = realReportsPresent();
const title = present
  ? "parsers over the two real reports"
  : `parsers over the two real reports (SKIPPED: reports not found in ${REAL_REPORTS_DIR})`;

const BOOTSTRAP = { id: "3297041220608546238", address: "127.0.0.1:19001", role: 0 };
const REFUSED =
  "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?";

interface Parsed {
  files: Map<string, Buffer>;
  out: ParsedReport;
  warnings: string[];
}

async function parse(name: string): Promise<Parsed> {
  const files = await readReportFiles(name);
  // 16 KiB chunks: lines and UTF-8 characters get split across writes, as when streamed from the archive.
  const { out, warnings } = runParsers(Object.fromEntries(files), 16 * 1024);
  return { files, out, warnings };
}

describe.skipIf(!present)(title, () => {
  describe("react-to-do-list (v1.28.14, classic, healthy single node)", () => {
    let report: Parsed;
    beforeAll(async () => {
      report = await parse(REAL_REPORTS.react);
    });

    it("parses every known file without warnings", () => {
      expect(report.files.size).toBe(72);
      expect(report.warnings).toEqual([]);
    });

    it("finds the version in snap-list, k8s/version and bom.json", () => {
      const { out } = report;
      expect(out.snapList?.find((row) => row.name === "microk8s")).toEqual({
        name: "microk8s",
        version: "v1.28.14",
        rev: "7231",
        tracking: "1.28/stable",
        notes: "classic",
      });
      expect(out.k8sVersion).toEqual({ client: "v1.28.14", server: "v1.28.14", error: null });
      expect(out.bom?.kubernetes).toBe("v1.28.14");
      expect(out.bom?.["k8s-dqlite"]).toMatch(/^v\d+\.\d+\.\d+$/);
    });

    it("reads the single voter (key order ID, Address, Role) and the matching info.yaml", () => {
      const text = report.files.get("dqlite/cluster.yaml")!.toString("utf8");
      expect(text.trimStart().startsWith("- ID:")).toBe(true);
      expect(report.out.dqliteCluster).toEqual({ ok: true, value: [BOOTSTRAP] });
      expect(report.out.dqliteInfo).toEqual({ ok: true, value: BOOTSTRAP });
      expect(report.out.dqliteLocalnode).toBeUndefined();
    });

    it("reads the 156M backend listing", () => {
      expect(report.out.dqliteList).toMatchObject({
        totalBytes: 156 * 1024 * 1024,
        closedSegments: 20,
        openSegments: 3,
        snapshots: 2,
        hasJoinFile: false,
        hasInitYaml: false,
        hasLocalnodeYaml: false,
      });
    });

    it("sees one Ready control-plane node microk8s-vm", () => {
      expect(report.out.clusterInfoDump?.available).toBe(true);
      expect(report.out.clusterInfoDump?.nodes).toEqual([
        expect.objectContaining({
          name: "microk8s-vm",
          ready: "True",
          controlPlane: true,
          kubeletVersion: "v1.28.14",
        }),
      ]);
    });

    it("finds no disk or OOM events (the errors=remount-ro line is benign)", () => {
      const dmesg = report.files.get("apparmor/dmesg")!.toString("utf8");
      expect(dmesg).toContain("re-mounted. Opts: discard,errors=remount-ro");
      expect(report.out.kernel?.lines).toBeGreaterThan(500);
      expect(report.out.kernel?.events).toEqual([]);
      expect(report.out.diskUsage?.find((row) => row.mountpoint === "/")?.usePercent).toBe(9);
    });

    it("summarises the journals: host, xtrace noise, kubelite restart loop, states", () => {
      const { journals } = report.out;
      const dqlite = journals["snap.microk8s.daemon-k8s-dqlite/journal.log"];
      expect(dqlite).toMatchObject({
        service: "k8s-dqlite",
        host: "microk8s-vm",
        yearHint: 2024,
        snapRevision: "7231",
      });
      expect(dqlite.xtraceLines).toBeGreaterThan(100);
      expect(dqlite.xtraceLines).toBeLessThan(dqlite.lines);
      expect(journals["snap.microk8s.daemon-kubelite/journal.log"].maxRestartCounter).toBe(3);
      expect(journals["snap.microk8s.daemon-k8s-dqlite/systemctl.log"]).toMatchObject({
        activeState: "active (running)",
        yearHint: 2024,
      });
      for (const summary of Object.values(journals)) expect(summary.hosts).toEqual(["microk8s-vm"]);
    });

    it("takes routes from the mislabelled network/ip-addr and reads pods, sysctl, memory, args", () => {
      const { out } = report;
      expect(out.ipRoute?.hasDefaultRoute).toBe(true);
      expect(out.ipAddresses).toBeUndefined();
      expect(out.iptablesL).toEqual({ forwardPolicy: "ACCEPT" });
      expect(out.getAll?.available).toBe(true);
      expect(out.getAll?.pods.length).toBeGreaterThan(5);
      expect(out.getAll?.pods.every((pod) => pod.node === "microk8s-vm" && pod.status === "Running")).toBe(
        true,
      );
      expect(out.sysctl?.aioMaxNr).toBeGreaterThan(out.sysctl?.aioNr ?? Number.POSITIVE_INFINITY);
      expect(out.memory?.totalMiB).toBeGreaterThan(3000);
      expect(out.args.kubelet).not.toHaveProperty("--hostname-override");
      expect(out.args["k8s-dqlite"]).toHaveProperty("--storage-dir");
    });
  });

  describe("vhr (v1.25.16, classic, WSL2, API server down)", () => {
    let report: Parsed;
    beforeAll(async () => {
      report = await parse(REAL_REPORTS.vhr);
    });

    it("parses every known file without warnings", () => {
      expect(report.files.size).toBe(62);
      expect(report.files.has("snap.microk8s.daemon-kubelite/journal.log")).toBe(false);
      expect(report.warnings).toEqual([]);
    });

    it("finds the version and the API-server error", () => {
      const { out } = report;
      expect(out.snapList?.find((row) => row.name === "microk8s")).toMatchObject({
        version: "v1.25.16",
        rev: "6571",
      });
      expect(out.k8sVersion).toEqual({ client: "v1.25.16", server: null, error: REFUSED });
      expect(out.clusterInfoDump).toEqual({ available: false, error: REFUSED, nodes: [] });
      expect(out.getAll).toEqual({ available: true, error: null, pods: [] });
      expect(out.bom).toBeUndefined();
    });

    it("reads cluster.yaml (key order Address, ID, Role), info.yaml and the legacy localnode.yaml", () => {
      const text = report.files.get("dqlite/cluster.yaml")!.toString("utf8");
      expect(text.trimStart().startsWith("- Address:")).toBe(true);
      expect(report.out.dqliteCluster).toEqual({ ok: true, value: [BOOTSTRAP] });
      expect(report.out.dqliteInfo).toEqual({ ok: true, value: BOOTSTRAP });
      expect(report.out.dqliteLocalnode).toEqual({ ok: true, value: [BOOTSTRAP] });
      expect(report.out.dqliteList?.hasLocalnodeYaml).toBe(true);
    });

    it("keeps the WSL /dev/loop0 100% row as data", () => {
      expect(report.out.diskUsage).toContainEqual({
        filesystem: "/dev/loop0",
        size: "511M",
        used: "511M",
        avail: "0",
        usePercent: 100,
        mountpoint: "/mnt/wsl/docker-desktop/cli-tools",
      });
      expect(report.out.diskUsage?.find((row) => row.mountpoint === "/")?.usePercent).toBe(19);
    });

    it("finds no kernel events in the WSL dmesg noise", () => {
      const dmesg = report.files.get("apparmor/dmesg")!.toString("utf8");
      expect(dmesg).toContain("Ioctl failed: -22");
      expect(report.out.kernel?.events).toEqual([]);
    });

    it("sees both host names and the just-restarted kubelite", () => {
      const { journals } = report.out;
      expect(journals["snap.microk8s.daemon-k8s-dqlite/journal.log"].hosts.sort()).toEqual(["MSI", "msi"]);
      expect(journals["snap.microk8s.daemon-kubelite/journal.log"]).toBeUndefined();
      expect(journals["snap.microk8s.daemon-kubelite/systemctl.log"]).toMatchObject({
        service: "kubelite",
        activeState: "active (running)",
        yearHint: 2025,
        snapRevision: "6571",
        host: "msi",
      });
      expect(report.out.ipRoute?.hasDefaultRoute).toBe(true);
    });
  });
});
