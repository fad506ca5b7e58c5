/**
 * canonical/microk8s#3735 through the real engine: the four generated reports (kube05–kube08)
 * must lead to the conclusions of scripts/samples/README.md ("incident-3735").
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalysisResult } from "../../src/result/types.js";
import { INCIDENT_3735_IDS, incident3735, type SampleReport } from "../support/reports.js";
import { type Analysed, above, analyseSamples, byNode, findingsOf, rank, section } from "./support.js";

const NODES = ["kube05", "kube06", "kube07", "kube08"];
const KUBE07 = "192.168.0.59:19001";
const EXT4_SAMPLE =
  "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0";

let samples: SampleReport[];
let all: Analysed;
let result: AnalysisResult;

beforeAll(async () => {
  samples = await incident3735();
  all = await analyseSamples(samples);
  result = all.result;
});

describe("incident-3735: reports and quorum", () => {
  it("four control-plane reports of v1.26.0, classic", () => {
    expect(result.reports.map((r) => [r.node, r.role, r.microk8sVersion, r.confinement, r.error])).toEqual(
      NODES.map((n) => [n, "control-plane", "v1.26.0", "classic", null]),
    );
  });

  it("healthy: three voters kube05, kube06, kube08, quorum 2, all three alive", () => {
    const q = result.quorum;
    expect(q.state).toBe("healthy");
    expect(q.quorumSize).toBe(2);
    expect(q.aliveVoters).toBe(3);
    expect(q.voters.map((v) => [v.node, v.id, v.alive])).toEqual([
      ["kube05", INCIDENT_3735_IDS.kube05, true],
      ["kube06", INCIDENT_3735_IDS.kube06, true],
      ["kube08", INCIDENT_3735_IDS.kube08, true],
    ]);
  });

  it("kube07's new record is an alive stand-by; the old one is the spare", () => {
    const q = result.quorum;
    expect(q.standBys).toEqual([
      expect.objectContaining({
        address: KUBE07,
        id: INCIDENT_3735_IDS.kube07New,
        node: "kube07",
        alive: true,
      }),
    ]);
    expect(q.spares).toEqual([
      expect.objectContaining({ address: KUBE07, id: INCIDENT_3735_IDS.kube07Old, alive: false }),
    ]);
  });

  it("the four cluster.yaml views agree (a host listed twice is not a disagreement)", () => {
    expect(result.quorum.disagreements).toEqual([]);
    for (const member of [...result.quorum.voters, ...result.quorum.standBys, ...result.quorum.spares]) {
      expect(member.seenIn).toHaveLength(4);
    }
  });

  it("kube07 stays alive without its own report: the peers' failures stopped when it re-joined at 17:36", async () => {
    const { result: three } = await analyseSamples(samples.filter((s) => !s.name.startsWith("kube07")));
    expect(three.quorum.standBys[0]).toMatchObject({ id: INCIDENT_3735_IDS.kube07New, alive: true });
    expect(three.departedNodes.map((d) => d.id)).toEqual([INCIDENT_3735_IDS.kube07Old]);
  });
});

describe("incident-3735: departed nodes and disks", () => {
  it("exactly one departed entry: the stale spare record with the old ID, to be removed by dqlite", () => {
    expect(result.departedNodes).toHaveLength(1);
    const [stale] = result.departedNodes;
    expect(stale).toMatchObject({
      address: KUBE07,
      node: "kube07",
      role: "spare",
      id: INCIDENT_3735_IDS.kube07Old,
      rule: "departed.duplicate-record",
    });
    expect(stale!.reason).toContain(`ID ${INCIDENT_3735_IDS.kube07Old} (spare) is a stale record`);
    expect(stale!.reason).toContain(`re-joined as ID ${INCIDENT_3735_IDS.kube07New}`);
    // Not the live node: no remove-node, no "keeps failing" from the old, stopped failures.
    expect(stale!.hint).toContain(`.remove ${KUBE07}`);
    expect(stale!.hint).not.toContain("remove-node");
    expect(stale!.reason).not.toMatch(/keeps failing/);
  });

  it("disk errors on kube06/sdb only: 36 I/O errors and 18 EXT4 errors with the actual error line as sample", () => {
    expect(result.diskErrors.map((d) => [d.node, d.device, d.kind, d.count])).toEqual([
      ["kube06", "sdb", "io-error", 36],
      ["kube06", "sdb", "fs-error", 18],
    ]);
    expect(result.diskErrors[1]!.sample).toBe(EXT4_SAMPLE);
    expect(result.diskErrors[0]!.sample).toMatch(/^blk_update_request: I\/O error, dev sdb, /);
    // Disk usage is below 90 % everywhere (sdb 81 %).
    expect(findingsOf(result, "disk.usage-high")).toEqual([]);
    expect(result.diskErrors.some((d) => d.kind === "disk-full")).toBe(false);
  });
});

describe("incident-3735: findings", () => {
  it("sustained query deadlines on kube05 (~1 000) and kube06 (~950), also kube07 (~930) and kube08 (~160)", () => {
    const deadline = byNode(result, "dqlite.query-deadline");
    expect([...deadline.keys()].sort()).toEqual(NODES);
    const near = (node: string, expected: number) => {
      const count = deadline.get(node)!.count;
      expect(count, node).toBeGreaterThan(expected * 0.85);
      expect(count, node).toBeLessThan(expected * 1.15);
    };
    near("kube05", 1000);
    near("kube06", 950);
    near("kube07", 930);
    near("kube08", 160);
    for (const node of ["kube05", "kube06"]) {
      expect(deadline.get(node)).toMatchObject({ severity: "high", sustained: true });
      expect(deadline.get(node)!.firstSeen).toMatch(/^2023-02-06T15:0\d/);
      expect(deadline.get(node)!.lastSeen).toMatch(/^2023-02-06T18:50/);
    }
  });

  it("'database is locked' on kube05 and kube06 only, from k8s-dqlite and kubelite", () => {
    const locked = findingsOf(result, "dqlite.database-locked");
    expect(locked.map((f) => f.node).sort()).toEqual(["kube05", "kube06"]);
    const files = new Set(locked.flatMap((f) => f.evidence.map((e) => e.file.split("/")[0])));
    expect(files).toEqual(new Set(["snap.microk8s.daemon-k8s-dqlite", "snap.microk8s.daemon-kubelite"]));
  });

  it("leader elections lost on kube05 ×3 and kube06 ×2; kubelite restarts on kube05, kube06, kube07", () => {
    const lost = byNode(result, "kubelite.leaderelection-lost");
    expect([...lost].map(([node, f]) => [node, f.count]).sort()).toEqual([
      ["kube05", 3],
      ["kube06", 2],
    ]);
    const loop = byNode(result, "kubelite.crashloop");
    expect([...loop.keys()].sort()).toEqual(["kube05", "kube06", "kube07"]);
    // kube07 restarted once when it re-joined, then ran: history, not a current crash loop.
    expect(loop.get("kube07")).toMatchObject({ severity: "low" });
    expect(loop.get("kube07")!.title).toMatch(
      /^kubelite restarted once at 17:37, then ran without a restart for \d+ min/,
    );
    expect(rank(loop.get("kube05")!.severity)).toBeLessThanOrEqual(rank("medium"));
  });

  it("lease renewals, slow requests and etcd-client retries on kube05 and kube06", () => {
    for (const id of [
      "kubelite.lease-renew-timeout",
      "apiserver.slow-request",
      "apiserver.datastore-deadline",
    ]) {
      const nodes = [...byNode(result, id).keys()];
      expect(nodes, id).toEqual(expect.arrayContaining(["kube05", "kube06"]));
    }
  });

  it("kubelite gave up on the datastore once on kube07, right after the re-join", () => {
    expect(findingsOf(result, "kubelite.startup-deadline")).toEqual([
      expect.objectContaining({ node: "kube07", count: 1, firstSeen: "2023-02-06T17:37:48" }),
    ]);
  });

  it("the peer failures naming kube07 are history (16:44–17:36): low, on kube05, kube06, kube08", () => {
    const peers = findingsOf(result, "dqlite.peer-unreachable");
    expect(peers.map((f) => f.node).sort()).toEqual(["kube05", "kube06", "kube08"]);
    for (const f of peers) {
      expect(f.severity).toBe("low");
      expect(f.title).toContain(KUBE07);
      expect(f.lastSeen).toMatch(/^2023-02-06T17:36/);
    }
  });

  it("kernel I/O and EXT4 errors on kube06; query-canceled is medium alongside the deadlines", () => {
    expect(findingsOf(result, "kernel.io-error").map((f) => [f.node, f.severity])).toEqual([
      ["kube06", "critical"],
    ]);
    expect(findingsOf(result, "kernel.ext4-error").map((f) => [f.node, f.severity, f.count])).toEqual([
      ["kube06", "critical", 18],
    ]);
    const canceled = findingsOf(result, "dqlite.query-canceled");
    expect(canceled.length).toBeGreaterThan(0);
    for (const f of canceled) expect(f.severity).toBe("medium");
  });

  it("nothing that is not there: no lost leader, unreachable API server, full disk, OOM or NotReady node", () => {
    const ids = new Set(result.findings.map((f) => f.id));
    for (const id of [
      "dqlite.no-leader",
      "apiserver.unreachable",
      "disk.no-space",
      "kernel.oom",
      "node.notready",
    ]) {
      expect(ids.has(id), id).toBe(false);
    }
    // The one NodeNotReady event (kube07 at 16:45) is about a node that is Ready now.
    for (const f of findingsOf(result, "node.not-ready-event")) {
      expect(f).toMatchObject({ severity: "info", node: null });
      expect(f.title).toContain("kube07");
    }
  });

  it("Kubernetes side: the kube-state-metrics pod stuck in ContainerCreating, once for the cluster", () => {
    expect(findingsOf(result, "k8s.pods-not-running")).toEqual([
      expect.objectContaining({ node: null, count: 1, title: "Pods not running: 1 pod (ContainerCreating)" }),
    ]);
    expect(findingsOf(result, "k8s.pods-not-running")[0]!.evidence[0]!.text).toMatch(
      /^monitoring\/prometheus-stack-kube-state-metrics-\S+: ContainerCreating/,
    );
  });

  it("the JSON keeps one finding per node, most severe first", () => {
    const keys = result.findings.map((f) => `${f.id}@${f.node}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ranks = result.findings.map((f) => rank(f.severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(
      above(result, "high")
        .map((f) => f.id)
        .sort(),
    ).toEqual(["kernel.ext4-error", "kernel.io-error"]);
  });
});

describe("incident-3735: the comment", () => {
  it("one verdict line: datastore stress, the disk, and the stale record (not 'kube07 departed')", () => {
    expect(result.verdict).toBe(
      "🔴 Datastore under stress 15:05–18:50: sustained query deadlines on kube05, kube06, kube07, kube08 and 'database is locked' on kube05, kube06; disk I/O + EXT4 errors on kube06/sdb; stale dqlite record of kube07 (old ID 9163…) should be removed",
    );
    expect(all.markdown.split("\n")[2]).toBe(`🔴 **${result.verdict!.slice(3)}**`);
  });

  it("quorum: the stand-by is up, the spare a stale record, no disagreement, the diagram says the same", () => {
    const quorum = section(all.markdown, "Quorum");
    expect(quorum).toContain(
      `| stand-by | \`${KUBE07}\` | \`${INCIDENT_3735_IDS.kube07New}\` | kube07 | ✅ up |`,
    );
    expect(quorum).toContain(
      `| spare | \`${KUBE07}\` | \`${INCIDENT_3735_IDS.kube07Old}\` | kube07 | 🗑️ stale record |`,
    );
    expect(quorum).toContain("The 4 nodes' views agree.");
    expect(quorum).not.toContain("disagree about membership");
    expect(quorum).not.toMatch(/departed|❌ down/);
    expect(quorum).toContain(`stale record, old ID ${INCIDENT_3735_IDS.kube07Old}`);
  });

  it("other findings: one entry per finding, the deadline entry naming all four nodes", () => {
    const findings = section(all.markdown, "Other findings");
    const headers = findings.split("\n").filter((l) => /^[🔴🟠🟡🔵⚪] \*\*/u.test(l));
    expect(headers.length).toBeLessThan(20);
    const deadline = headers.filter((h) => h.includes("`dqlite.query-deadline`"));
    expect(deadline).toHaveLength(1);
    expect(deadline[0]).toMatch(
      /— kube05 \d+×, kube06 \d+×, kube07 \d+×, kube08 \d+×; 2023-02-06 15:05:\d\d → 18:50:\d\d, sustained/,
    );
    // Minor entries are folded away below the serious ones.
    expect(findings).toMatch(/<details><summary>\d+ minor findings \(low, info\)/);
  });

  it("disk errors: boot-relative times and the real error lines, not ext4's periodic summaries", () => {
    const disk = section(all.markdown, "Disk errors");
    expect(disk).toMatch(
      /\| kube06 \| `sdb` \| fs-error \| 18 \| 14 d \d\d:\d\d:\d\d → 14 d \d\d:\d\d:\d\d after boot \|/,
    );
    expect(disk).toContain(EXT4_SAMPLE);
    expect(disk).not.toContain("last error at time");
    expect(disk).not.toContain("error count since last fsck");
  });

  it("timeline: the per-node chart with a legend and at most 8 bursts listed", () => {
    const timeline = section(all.markdown, "Error timeline");
    expect(timeline).toContain("█ datastore: dqlite.query-deadline");
    expect(timeline.split("\n").filter((l) => l.startsWith("| kube")).length).toBeLessThanOrEqual(8);
    // The chart starts when the trouble started (15:05), not at a lone start-up line.
    expect(timeline).toMatch(/2023-02-06 15:0\d → 2023-02-06 18:5\d/);
  });

  it("fits GitHub's limit with room to spare", () => {
    expect(all.markdown.length).toBeLessThan(40_000);
    expect(all.markdown).not.toContain("✂️");
  });
});
