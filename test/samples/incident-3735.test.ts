import { beforeAll, describe, expect, it } from "vitest";
import {
  type ExtractedReport,
  extractTarGz,
  INCIDENT_3735_CLUSTER,
  INCIDENT_3735_IDS,
  incident3735,
  reportPaths,
  reportText,
  type SampleReport,
} from "../support/reports.js";

// The incident as described in scripts/samples/README.md (canonical/microk8s#3735).
const NODES = ["kube05", "kube06", "kube07", "kube08"] as const;

let tarballs: SampleReport[];
const reports = new Map<string, ExtractedReport>();

beforeAll(async () => {
  tarballs = await incident3735();
  for (const [i, t] of tarballs.entries()) reports.set(NODES[i], await extractTarGz(t.data));
});

const text = (node: string, path: string): string => reportText(reports.get(node)!, path);
const lines = (node: string, path: string): string[] => text(node, path).trimEnd().split("\n");

/** Minutes between the first and last journal line matching `re` (timestamps are all on 6 Feb). */
function spanMinutes(matching: string[]): number {
  const toMin = (l: string): number => {
    const [h, m] = l.slice(7, 15).split(":").map(Number);
    return h * 60 + m;
  };
  return toMin(matching[matching.length - 1]) - toMin(matching[0]);
}

describe("incident-3735 tarballs", () => {
  it("are four gzip'd tar files named after the node and the inspect time, well under 2 MB together", () => {
    expect(tarballs.map((t) => t.name)).toEqual([
      "kube05-inspection-report-20230206_185244.tar.gz",
      "kube06-inspection-report-20230206_185517.tar.gz",
      "kube07-inspection-report-20230206_185702.tar.gz",
      "kube08-inspection-report-20230206_185840.tar.gz",
    ]);
    const total = tarballs.reduce((s, t) => s + t.data.length, 0);
    expect(total).toBeLessThan(1.5 * 1024 * 1024);
    for (const t of tarballs) {
      expect(t.data.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(t.data.length).toBeGreaterThan(60 * 1024);
    }
  });

  it("are valid archives with one inspection-report/ folder and the v1.26 control-plane layout", () => {
    for (const node of NODES) {
      const r = reports.get(node)!;
      expect(r.warnings).toEqual([]);
      expect(r.entries.every((e) => e.path.startsWith("inspection-report/"))).toBe(true);
      const paths = reportPaths(r);
      for (const svc of ["cluster-agent", "containerd", "kubelite", "k8s-dqlite", "apiserver-kicker"]) {
        expect(paths).toContain(`snap.microk8s.daemon-${svc}/journal.log`);
        expect(paths).toContain(`snap.microk8s.daemon-${svc}/systemctl.log`);
      }
      for (const p of [
        "dqlite/cluster.yaml",
        "dqlite/info.yaml",
        "dqlite/list.out",
        "network/ip-addr",
        "network/ss",
        "sys/snap-list",
        "apparmor/dmesg",
        "k8s/cluster-info-dump",
        "k8s/get-all",
      ]) {
        expect(paths).toContain(p);
      }
      // Not in 1.26: bom.json and the sysctl files (1.28+), ip-route (1.32+); no old install, so no localnode.yaml.
      for (const p of ["bom.json", "sys/aio-nr", "network/ip-route", "dqlite/localnode.yaml"])
        expect(paths).not.toContain(p);
      expect(text(node, "sys/snap-list")).toMatch(/^microk8s +v1\.26\.0 +4390 +1\.26\/stable /m);
    }
  });

  it("share one cluster.yaml: three voters, kube07 as stand-by and its stale record as spare", () => {
    const expected = INCIDENT_3735_CLUSTER.map(
      (m) => `- ID: ${m.id}\n  Address: ${m.address}\n  Role: ${m.role}\n`,
    ).join("");
    for (const node of NODES) expect(text(node, "dqlite/cluster.yaml")).toBe(expected);
    const at59 = INCIDENT_3735_CLUSTER.filter((m) => m.address === "192.168.0.59:19001");
    expect(at59.map((m) => [m.id, m.role])).toEqual([
      [INCIDENT_3735_IDS.kube07Old, 2],
      [INCIDENT_3735_IDS.kube07New, 1],
    ]);
    expect(INCIDENT_3735_CLUSTER.filter((m) => m.role === 0).map((m) => m.address)).toEqual([
      "192.168.0.57:19001",
      "192.168.0.58:19001",
      "192.168.0.60:19001",
    ]);
    expect(text("kube05", "dqlite/info.yaml")).toBe(
      "ID: 3297041220608546238\nAddress: 192.168.0.57:19001\nRole: 0\n",
    );
    expect(text("kube07", "dqlite/info.yaml")).toBe(
      `ID: ${INCIDENT_3735_IDS.kube07New}\nAddress: 192.168.0.59:19001\nRole: 1\n`,
    );
  });

  it("list all four nodes as Ready with their InternalIPs in the cluster-info-dump", () => {
    const dump = text("kube06", "k8s/cluster-info-dump");
    const nodes = JSON.parse(dump.slice(0, dump.indexOf("\n}\n") + 2));
    const summary = nodes.items.map(
      (n: {
        metadata: { name: string };
        status: { addresses: { address: string }[]; conditions: { type: string; status: string }[] };
      }) => [
        n.metadata.name,
        n.status.addresses[0].address,
        n.status.conditions.find((c) => c.type === "Ready")?.status,
      ],
    );
    expect(summary.sort()).toEqual([
      ["kube05", "192.168.0.57", "True"],
      ["kube06", "192.168.0.58", "True"],
      ["kube07", "192.168.0.59", "True"],
      ["kube08", "192.168.0.60", "True"],
    ]);
    expect(text("kube05", "k8s/get-all")).toMatch(
      /^monitoring +daemonset\.apps\/prometheus-stack-prometheus-node-exporter +4 +3 +3 /m,
    );
  });

  it("show an hour of sustained datastore errors on kube05 and kube06", () => {
    for (const node of ["kube05", "kube06"]) {
      const journal = lines(node, "snap.microk8s.daemon-k8s-dqlite/journal.log");
      expect(journal.length).toBeGreaterThan(1000);
      const stall = journal.filter(
        (l) => / 1[78]:\d\d:\d\d /.test(l) && /query \(try: 0\): context deadline exceeded"$/.test(l),
      );
      expect(stall.length).toBeGreaterThan(400);
      expect(spanMinutes(stall)).toBeGreaterThanOrEqual(30);
      expect(
        journal.filter((l) => l.endsWith('msg="error in txn: exec (try: 500): database is locked"')).length,
      ).toBeGreaterThan(100);
      expect(
        journal.some((l) => l.startsWith(`Feb 06 `) && l.includes(` ${node} microk8s.daemon-k8s-dqlite[`)),
      ).toBe(true);
    }
    // kube08 sees a few, not a storm.
    const k8 = lines("kube08", "snap.microk8s.daemon-k8s-dqlite/journal.log").filter((l) =>
      / 1[78]:\d\d:\d\d .*context deadline exceeded/.test(l),
    );
    expect(k8.length).toBeLessThan(120);
  });

  it("show kubelite losing its leases and restarting on kube05 and kube06", () => {
    const k5 = text("kube05", "snap.microk8s.daemon-kubelite/journal.log");
    expect(k5.match(/controllermanager\.go:294\] "leaderelection lost"/g)).toHaveLength(3);
    expect(k5).toMatch(
      /systemd\[1\]: snap\.microk8s\.daemon-kubelite\.service: Scheduled restart job, restart counter is at 3\./,
    );
    expect(k5).toMatch(
      /leaderelection\.go:367\] Failed to update lock: Put "https:\/\/127\.0\.0\.1:16443\/apis\/coordination\.k8s\.io\/v1\/namespaces\/kube-system\/leases\/kube-\w+-?\w*\?timeout=15s": context deadline exceeded/,
    );
    const traces = [...k5.matchAll(/\(total time: (\d+)ms\):/g)].map((m) => Number(m[1]));
    expect(traces.filter((ms) => ms >= 5000).length).toBeGreaterThan(50);
    expect(k5).toMatch(/microk8s\.daemon-kubelite\[\d+\]: \+ export PATH=/);
    expect(
      text("kube06", "snap.microk8s.daemon-kubelite/journal.log").match(/"leaderelection lost"/g),
    ).toHaveLength(2);
  });

  it("tell kube07's story: reboot, leave, re-join", () => {
    const dq = text("kube07", "snap.microk8s.daemon-k8s-dqlite/journal.log");
    expect(dq).toMatch(
      /\n-- Boot [0-9a-f]{32} --\nFeb 06 16:51:22 kube07 systemd\[1\]: Started Service for snap application microk8s\.daemon-k8s-dqlite\./,
    );
    expect(dq.match(/Stopping Service for snap application microk8s\.daemon-k8s-dqlite/g)).toHaveLength(3);
    expect(text("kube07", "snap.microk8s.daemon-kubelite/journal.log")).toMatch(
      /Feb 06 17:37:48 kube07 microk8s\.daemon-kubelite\[\d+\]: Error: context deadline exceeded/,
    );
    expect(text("kube05", "snap.microk8s.daemon-cluster-agent/journal.log")).toMatch(
      /2023\/02\/06 17:36:27 POST 200 "\/cluster\/api\/v2\.0\/join" 192\.168\.0\.59/,
    );
    // The survivors could not reach it while it was away, and stop complaining after the re-join.
    const peer = lines("kube05", "snap.microk8s.daemon-k8s-dqlite/journal.log").filter((l) =>
      l.includes("server 192.168.0.59:19001: dial"),
    );
    expect(peer.length).toBeGreaterThan(20);
    expect(peer.every((l) => l.slice(7, 15) >= "16:44:10" && l.slice(7, 15) <= "17:36:25")).toBe(true);
  });

  it("put kube06's sdb errors into its dmesg only", () => {
    const dmesg = lines("kube06", "apparmor/dmesg");
    expect(dmesg.every((l) => /^\[[ \d]{5,}\.\d{6}\] /.test(l))).toBe(true);
    const ext4 = dmesg.filter((l) =>
      l.endsWith(
        "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0",
      ),
    );
    expect(ext4).toHaveLength(18);
    expect(
      dmesg.filter((l) => /\] blk_update_request: I\/O error, dev sdb, sector \d+ /.test(l)),
    ).toHaveLength(18);
    expect(
      dmesg.filter((l) => /\] Buffer I\/O error on dev sdb, logical block \d+, async page read$/.test(l)),
    ).toHaveLength(18);
    expect(text("kube06", "sys/disk_usage")).toMatch(/^\/dev\/sdb +916G +\S+ +\S+ +81% \/mnt\/media$/m);
    for (const node of ["kube05", "kube07", "kube08"]) {
      expect(text(node, "apparmor/dmesg")).not.toMatch(/I\/O error|EXT4-fs error/);
    }
  });

  it("are generated identically every time", async () => {
    const again = await incident3735();
    expect(again.map((t) => t.name)).toEqual(tarballs.map((t) => t.name));
    for (const [i, t] of again.entries()) expect(t.data.equals(tarballs[i].data)).toBe(true);
  });
});
