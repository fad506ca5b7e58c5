import { describe, expect, it } from "vitest";
import { analyzeReports } from "../../src/analysis/index.js";
import { mergeFindings, sortFindings } from "../../src/analysis/sort.js";
import type { ReportData } from "../../src/analysis/types.js";
import type { Finding, ReportSummary } from "../../src/result/types.js";
import { SEVERITY_ORDER } from "../../src/result/types.js";
import {
  BOOTSTRAP_ID,
  catalogue,
  controlPlane,
  haMembers,
  haNodes,
  hit,
  ID,
  k8sNode,
  member,
  unreachableHit,
  worker,
} from "./support.js";

const cat = catalogue();
const EXT4 =
  "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0";

function unreadable(source: string): ReportSummary {
  return { source, node: null, role: "unknown", microk8sVersion: null, error: "not gzip data" };
}

function finding(id: string, severity: Finding["severity"], node: string | null, count = 1): Finding {
  return { id, severity, title: id, node, count, evidence: [], docs: null };
}

describe("analyzeReports: verdicts per state", () => {
  it("lost: two of three voters gone, EXT4 errors on the survivor's disk", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes }),
      controlPlane({
        node: "kube06",
        ip: "10.0.0.6",
        id: ID.kube06,
        cluster: haMembers(),
        nodes,
        datastoreState: "activating (auto-restart) (Result: exit-code)",
        extra: {
          kernel: {
            lines: 40,
            events: [{ kind: "fs-error", device: "sdb", line: 12, text: EXT4, timestamp: "1021.5" }],
          },
        },
      }),
    ];
    const result = analyzeReports(reports, [], cat);
    expect(result.quorum.state).toBe("lost");
    expect(result.verdict).toBe(
      "🔴 Quorum lost: 1 of 3 voters alive — kube07 (10.0.0.7:19001) down; disk EXT4 errors on kube06/sdb",
    );
    expect(result.diskErrors).toEqual([
      expect.objectContaining({ node: "kube06", device: "sdb", kind: "fs-error", sample: EXT4 }),
    ]);
    expect(result.findings[0]).toMatchObject({ id: "quorum.at-risk", severity: "critical", node: null });
  });

  it("degraded: one voter NotReady and unreachable", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const result = analyzeReports(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          nodes,
          hits: [unreachableHit("10.0.0.7:19001")],
        }),
      ],
      [],
      cat,
    );
    expect(result.quorum.state).toBe("degraded");
    expect(result.departedNodes.map((d) => d.node)).toEqual(["kube07"]);
    expect(result.verdict).toBe(
      // The peer-unreachable finding is what the departed voter is made of: not told twice.
      "🟠 Quorum degraded: 2 of 3 voters alive — kube07 (10.0.0.7:19001) down",
    );
  });

  it("healthy HA cluster", () => {
    const nodes = haNodes();
    const reports = ["kube05", "kube06", "kube07"].map((node, i) =>
      controlPlane({
        node,
        ip: `10.0.0.${5 + i}`,
        id: [ID.kube05, ID.kube06, ID.kube07][i],
        cluster: haMembers(),
        nodes,
      }),
    );
    const result = analyzeReports(reports, [], cat);
    expect(result.verdict).toBe("🟢 No known problem found in 3 reports (datastore healthy: 3 voters)");
    expect(result.findings).toEqual([]);
    expect(result.departedNodes).toEqual([]);
    expect(result.reports.map((r) => [r.node, r.role, r.microk8sVersion, r.error])).toEqual([
      ["kube05", "control-plane", "v1.26.0", null],
      ["kube06", "control-plane", "v1.26.0", null],
      ["kube07", "control-plane", "v1.26.0", null],
    ]);
  });

  it("not-ha single node, with an isolated shutdown-time deadline line that must not alarm", () => {
    const single = controlPlane({
      node: "microk8s-vm",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
      nodes: [k8sNode("microk8s-vm", "172.22.104.186")],
      version: "v1.28.14",
      hits: [hit("dqlite.query-deadline", "snap.microk8s.daemon-k8s-dqlite/journal.log", { count: 1 })],
    });
    const result = analyzeReports([single], [], cat);
    expect(result.quorum.state).toBe("not-ha");
    expect(result.verdict).toBe("🟢 No known problem found in 1 report (single-node datastore, not HA)");
    expect(result.findings.map((f) => [f.id, f.severity])).toEqual([
      ["dqlite.query-deadline", "low"],
      ["quorum.single-node", "info"],
    ]);
  });

  it("only medium findings: no serious problem, but worth a look", () => {
    const single = controlPlane({
      node: "microk8s-vm",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
      hits: [hit("dqlite.query-canceled", "snap.microk8s.daemon-k8s-dqlite/journal.log", { count: 3 })],
    });
    expect(analyzeReports([single], [], cat).verdict).toBe(
      "🟡 No serious problem found in 1 report (single-node datastore, not HA); worth a look: Catalogue title of dqlite.query-canceled",
    );
  });

  it("two voters both alive: the missing failure tolerance leads the verdict", () => {
    const cluster = [
      member("192.168.0.57:19001", BOOTSTRAP_ID, 0),
      member("192.168.0.58:19001", ID.kube06, 0),
    ];
    const nodes = [k8sNode("pi1", "192.168.0.57"), k8sNode("pi2", "192.168.0.58")];
    const result = analyzeReports(
      [controlPlane({ node: "pi1", ip: "192.168.0.57", cluster, nodes })],
      [],
      cat,
    );
    expect(result.quorum.state).toBe("not-ha");
    expect(result.verdict).toBe(
      "🟠 Catalogue title of quorum.two-voters: pi1 (192.168.0.57:19001) and pi2 (192.168.0.58:19001)",
    );
  });

  it("two voters, the second one never heard of: a suspicion, not a departure, in the verdict", () => {
    const cluster = [
      member("192.168.0.57:19001", BOOTSTRAP_ID, 0),
      member("192.168.0.58:19001", ID.kube06, 0),
    ];
    const result = analyzeReports([controlPlane({ node: "pi1", ip: "192.168.0.57", cluster })], [], cat);
    expect(result.departedNodes.map((d) => d.rule)).toEqual(["departed.two-voters"]);
    expect(result.verdict).toBe(
      "🟠 Catalogue title of quorum.two-voters: pi1 (192.168.0.57:19001) and 192.168.0.58:19001",
    );
  });

  it("worker-only: quorum unknown, nothing else wrong", () => {
    const result = analyzeReports([worker({ node: "kube09", ip: "10.0.0.9", nodes: haNodes() })], [], cat);
    expect(result.quorum).toMatchObject({ state: "unknown", quorumSize: null, aliveVoters: null });
    expect(result.verdict).toBe(
      "🟢 No known problem found in 1 report (quorum unknown: no control-plane cluster.yaml)",
    );
    expect(result.reports[0].role).toBe("worker");
  });

  it("only unreadable reports: listed, quorum unknown, no crash", () => {
    const result = analyzeReports([], [unreadable("a.tar.gz"), unreadable("b.tar.gz")], cat);
    expect(result.reports.map((r) => r.error)).toEqual(["not gzip data", "not gzip data"]);
    expect(result.quorum.state).toBe("unknown");
    expect(result.verdict).toBe("⚪ No report could be read (2 inputs failed)");
    expect(result.schemaVersion).toBe(1);
  });

  it("an unreadable report next to readable ones is listed and noted in the verdict", () => {
    const single = controlPlane({
      node: "microk8s-vm",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
    });
    const result = analyzeReports([single], [unreadable("kube06.tar.gz")], cat);
    expect(result.reports.map((r) => r.source)).toEqual([single.source, "kube06.tar.gz"]);
    expect(result.verdict).toMatch(/ \(1 report unreadable\)$/);
  });

  it("sparse reports (missing parser output) do not crash", () => {
    const bare = { ...controlPlane({ node: "kube05", ip: "10.0.0.5" }) } as ReportData;
    bare.parsed = { journals: {}, args: {} };
    bare.hits = [];
    const noIdentity = { ...bare, identity: undefined } as unknown as ReportData;
    const result = analyzeReports([bare, noIdentity], [], cat);
    expect(result.quorum.state).toBe("unknown");
    expect(result.reports).toHaveLength(2);
    expect(result.reports[1].node).toBe("kube05");
  });
});

describe("sorting and merging findings", () => {
  it("sorts most severe first, cluster-wide before per-node, then by node", () => {
    const sorted = sortFindings([
      finding("a", "low", "kube05"),
      finding("b", "critical", "kube06"),
      finding("c", "critical", null),
      finding("d", "critical", "kube05"),
      finding("e", "high", "kube05"),
    ]);
    expect(sorted.map((f) => f.id)).toEqual(["c", "d", "b", "e", "a"]);
  });

  it("the result lists findings in contract order", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const result = analyzeReports(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          nodes,
          hits: [unreachableHit("10.0.0.7:19001"), hit("dqlite.query-canceled", "x", { count: 2 })],
          extra: {
            diskUsage: [
              {
                filesystem: "/dev/sda1",
                size: "49G",
                used: "43G",
                avail: "6G",
                usePercent: 86,
                mountpoint: "/",
              },
            ],
          },
        }),
      ],
      [],
      cat,
    );
    const ranks = result.findings.map((f) => SEVERITY_ORDER.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(result.findings.map((f) => f.severity)).toEqual(["critical", "high", "medium", "low"]);
  });

  it("one finding per (id, node) when a computed check and a regex rule see the same lines", () => {
    const merged = mergeFindings([
      {
        ...finding("kernel.io-error", "critical", "kube06", 41),
        title: "I/O errors: sda",
        evidence: [{ file: "apparmor/dmesg", line: 101, text: "x" }],
      },
      {
        ...finding("kernel.io-error", "critical", "kube06", 40),
        evidence: [
          { file: "apparmor/dmesg", line: 101, text: "x" },
          { file: "apparmor/dmesg", line: 140, text: "y" },
        ],
      },
      finding("kernel.io-error", "critical", "kube05", 2),
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ count: 41, title: "I/O errors: sda" });
    expect(merged[0].evidence.map((e) => e.line)).toEqual([101, 140]);
  });
});
