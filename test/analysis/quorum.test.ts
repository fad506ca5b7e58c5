import { describe, expect, it } from "vitest";
import { analyzeQuorum, memberLine } from "../../src/analysis/quorum.js";
import {
  BOOTSTRAP_ID,
  catalogue,
  controlPlane,
  DQLITE_JOURNAL,
  haMembers,
  haNodes,
  hit,
  ID,
  k8sNode,
  listing,
  member,
  peerLine,
  T0,
  unreachableHit,
  worker,
} from "./support.js";

const cat = catalogue();

function ids(findings: { id: string }[]): string[] {
  return findings.map((f) => f.id).sort();
}

describe("analyzeQuorum: states", () => {
  it("healthy: three voters, all nodes Ready and datastores running", () => {
    const nodes = haNodes();
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", id: ID.kube05, cluster: haMembers(), nodes }),
      controlPlane({ node: "kube06", ip: "10.0.0.6", id: ID.kube06, cluster: haMembers(), nodes }),
      controlPlane({ node: "kube07", ip: "10.0.0.7", id: ID.kube07, cluster: haMembers(), nodes }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.result.state).toBe("healthy");
    expect(q.result.quorumSize).toBe(2);
    expect(q.result.aliveVoters).toBe(3);
    expect(q.result.voters.map((v) => v.node)).toEqual(["kube05", "kube06", "kube07"]);
    expect(q.result.voters.map((v) => v.id)).toEqual([ID.kube05, ID.kube06, ID.kube07]);
    expect(q.result.voters.every((v) => v.alive === true)).toBe(true);
    expect(q.result.voters[0].seenIn).toHaveLength(3);
    expect(q.result.disagreements).toEqual([]);
    expect(q.findings.filter((f) => f.id.startsWith("quorum."))).toEqual([]);
    expect(q.result.summary).toMatch(/Healthy: 3 voters, quorum 2/);
  });

  it("healthy with one report only: the other voters are not known down", () => {
    const q = analyzeQuorum([controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers() })], cat);
    expect(q.result.state).toBe("healthy");
    // kube05 is known up (its own datastore runs); nothing is known about the others.
    expect(q.result.voters.map((v) => v.alive)).toEqual([true, null, null]);
    expect(q.result.aliveVoters).toBe(3);
  });

  it("degraded: one of three voters NotReady and unreachable from a peer", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const reports = [
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        cluster: haMembers(),
        nodes,
        hits: [unreachableHit("10.0.0.7:19001")],
      }),
      controlPlane({ node: "kube06", ip: "10.0.0.6", id: ID.kube06, cluster: haMembers(), nodes }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.result.state).toBe("degraded");
    expect(q.result.aliveVoters).toBe(2);
    const kube07 = q.members.find((m) => m.node === "kube07")!;
    expect(kube07.alive).toBe(false);
    expect(kube07.downReasons.join(" ")).toMatch(/kube05's datastore keeps failing to reach it \(412/);
    expect(kube07.downReasons.join(" ")).toMatch(/NotReady \(Kubelet stopped posting node status\)/);
    const risk = q.findings.find((f) => f.id === "quorum.at-risk")!;
    expect(risk.severity).toBe("critical");
    expect(risk.title).toContain("Catalogue title of quorum.at-risk");
    expect(risk.title).toContain("2 of 3 voters alive");
    expect(risk.evidence[0]).toMatchObject({ file: "dqlite/cluster.yaml", line: memberLine(2) });
    expect(risk.docs).toBe("https://microk8s.io/docs/restore-quorum");
    expect(q.result.summary).toMatch(
      /kube07 \(10\.0\.0\.7:19001\) down; one more loss freezes the datastore/,
    );
  });

  it("lost: two of three voters down", () => {
    const nodes = haNodes({
      kube06: k8sNode("kube06", "10.0.0.6", "Unknown"),
      kube07: k8sNode("kube07", "10.0.0.7", "False", "container runtime is down"),
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes })],
      cat,
    );
    expect(q.result.state).toBe("lost");
    expect(q.result.aliveVoters).toBe(1);
    expect(q.result.quorumSize).toBe(2);
    expect(q.result.summary).toMatch(/Quorum lost: 1 of 3 voters alive, 2 needed/);
    expect(q.findings.find((f) => f.id === "quorum.at-risk")?.title).toMatch(/quorum lost/);
  });

  it("lost: two voters with one down (quorum 2 needs both)", () => {
    const cluster = [
      member("192.168.0.57:19001", BOOTSTRAP_ID, 0),
      member("192.168.0.58:19001", ID.kube06, 0),
    ];
    const nodes = [k8sNode("pi1", "192.168.0.57"), k8sNode("pi2", "192.168.0.58", "Unknown")];
    const q = analyzeQuorum([controlPlane({ node: "pi1", ip: "192.168.0.57", cluster, nodes })], cat);
    expect(q.result.state).toBe("lost");
    expect(q.result.quorumSize).toBe(2);
    expect(q.result.aliveVoters).toBe(1);
    expect(ids(q.findings)).toContain("quorum.two-voters");
  });

  it("not-ha: two voters, both alive", () => {
    const cluster = [
      member("192.168.0.57:19001", BOOTSTRAP_ID, 0),
      member("192.168.0.58:19001", ID.kube06, 0),
    ];
    const nodes = [k8sNode("pi1", "192.168.0.57"), k8sNode("pi2", "192.168.0.58")];
    const q = analyzeQuorum([controlPlane({ node: "pi1", ip: "192.168.0.57", cluster, nodes })], cat);
    expect(q.result.state).toBe("not-ha");
    const two = q.findings.find((f) => f.id === "quorum.two-voters")!;
    expect(two.severity).toBe("high");
    expect(two.evidence.map((e) => e.line)).toEqual([1, 4]);
  });

  it("not-ha: a single node bootstrapped on 127.0.0.1:19001", () => {
    const single = [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)];
    const report = controlPlane({
      node: "microk8s-vm",
      ip: "127.0.0.1",
      cluster: single,
      nodes: [k8sNode("microk8s-vm", "172.22.104.186")],
    });
    const q = analyzeQuorum([report], cat);
    expect(q.result.state).toBe("not-ha");
    expect(q.result.quorumSize).toBe(1);
    expect(q.result.aliveVoters).toBe(1);
    expect(q.result.voters).toEqual([
      expect.objectContaining({
        address: "127.0.0.1:19001",
        id: BOOTSTRAP_ID,
        node: "microk8s-vm",
        alive: true,
      }),
    ]);
    const single1 = q.findings.find((f) => f.id === "quorum.single-node")!;
    expect(single1.severity).toBe("info");
    expect(single1.node).toBe("microk8s-vm");
    expect(single1.title).toContain("bootstrap ID");
    // The loopback address of a one-node cluster is neither stale nor a loopback-in-multi problem.
    expect(ids(q.findings)).not.toContain("quorum.stale-member");
    expect(ids(q.findings)).not.toContain("quorum.loopback-in-multi");
  });

  it("unknown: worker-only reports; the worker's stale cluster.yaml is never used", () => {
    const nodes = haNodes();
    const q = analyzeQuorum(
      [worker({ node: "kube09", ip: "10.0.0.9", nodes }), worker({ node: "kube10", ip: "10.0.0.10", nodes })],
      cat,
    );
    expect(q.result.state).toBe("unknown");
    expect(q.result.quorumSize).toBeNull();
    expect(q.result.aliveVoters).toBeNull();
    expect(q.result.voters).toEqual([]);
    expect(q.result.summary).toMatch(/only worker reports/);
    expect(q.findings).toEqual([]);
  });

  it("a worker's stale 127.0.0.1 store does not count next to a control-plane view", () => {
    const nodes = [...haNodes(), k8sNode("kube09", "10.0.0.9")];
    const q = analyzeQuorum(
      [
        worker({ node: "kube09", ip: "10.0.0.9", nodes }),
        controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes }),
      ],
      cat,
    );
    expect(q.result.state).toBe("healthy");
    expect(q.result.authoritative).toBe("kube05-inspection-report-20230206_185244.tar.gz");
    expect(q.result.voters.map((v) => v.address)).not.toContain("127.0.0.1:19001");
    expect(q.result.disagreements).toEqual([]);
  });

  it("unknown: a control-plane report without cluster.yaml", () => {
    const q = analyzeQuorum([controlPlane({ node: "kube05", ip: "10.0.0.5" })], cat);
    expect(q.result.state).toBe("unknown");
    expect(q.result.summary).toMatch(/no dqlite\/cluster.yaml/);
  });

  it("lost: a surviving voter's datastore keeps finding no leader", () => {
    const noLeader = hit("dqlite.no-leader", DQLITE_JOURNAL, {
      count: 900,
      sustained: true,
      samples: [{ line: 77, text: "[go-dqlite] attempt 3630: server 10.0.0.6:19001: no known leader" }],
    });
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          hits: [noLeader],
          nodes: haNodes(),
        }),
      ],
      cat,
    );
    expect(q.result.state).toBe("lost");
    expect(q.result.summary).toMatch(/keeps finding no leader/);
    const risk = q.findings.find((f) => f.id === "quorum.at-risk")!;
    expect(risk.evidence.some((e) => e.line === 77 && e.file === DQLITE_JOURNAL)).toBe(true);
  });

  it("an isolated no-leader line at start-up does not mean quorum is lost", () => {
    const blip = hit("dqlite.no-leader", DQLITE_JOURNAL, { count: 2, sustained: false });
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          hits: [blip],
          nodes: haNodes(),
        }),
      ],
      cat,
    );
    expect(q.result.state).toBe("healthy");
  });
});

describe("analyzeQuorum: liveness evidence", () => {
  it("a member whose address matches no node is down when node lists exist", () => {
    const cluster = [...haMembers(), member("10.0.0.99:19001", ID.kube08, 0)];
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes: haNodes() })],
      cat,
    );
    const ghost = q.members.find((m) => m.address === "10.0.0.99:19001")!;
    expect(ghost.node).toBeNull();
    expect(ghost.alive).toBe(false);
    expect(ghost.downReasons).toEqual(["its address matches no Kubernetes node"]);
    // 4 voters, quorum 3, 3 alive → degraded.
    expect(q.result.state).toBe("degraded");
    const stale = q.findings.find((f) => f.id === "quorum.stale-member")!;
    expect(stale.severity).toBe("high");
    expect(stale.evidence[0]).toMatchObject({ file: "dqlite/cluster.yaml", line: 10 });
  });

  it("maps members to nodes through another report's info.yaml when no node list matches", () => {
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers() }),
      controlPlane({ node: "kube06", ip: "10.0.0.6", id: ID.kube06, cluster: haMembers() }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.members.map((m) => [m.node, m.nodeVia])).toEqual([
      ["kube05", "report"],
      ["kube06", "report"],
      [null, null],
    ]);
  });

  it("datastore evidence outranks node state: a NotReady node whose own datastore runs is up", () => {
    const nodes = haNodes({ kube06: k8sNode("kube06", "10.0.0.6", "False", "PLEG is not healthy") });
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes }),
      controlPlane({ node: "kube06", ip: "10.0.0.6", id: ID.kube06, cluster: haMembers(), nodes }),
    ];
    const q = analyzeQuorum(reports, cat);
    const kube06 = q.members[1];
    expect(kube06.alive).toBe(true);
    expect(kube06.upReasons[0]).toMatch(/datastore running/);
    expect(q.result.state).toBe("healthy");
  });

  it('strict confinement\'s snapctl state "active" counts as running', () => {
    const strict = controlPlane({
      node: "kube05",
      ip: "10.0.0.5",
      cluster: haMembers(),
      datastoreState: "active",
    });
    expect(analyzeQuorum([strict], cat).members[0].alive).toBe(true);
    const exited = controlPlane({
      node: "kube05",
      ip: "10.0.0.5",
      cluster: haMembers(),
      datastoreState: "active (exited)",
    });
    expect(analyzeQuorum([exited], cat).members[0].alive).toBeNull();
  });

  it("a failed datastore service on the member's own report counts as down", () => {
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes: haNodes() }),
      controlPlane({
        node: "kube06",
        ip: "10.0.0.6",
        id: ID.kube06,
        cluster: haMembers(),
        datastoreState: "activating (auto-restart) (Result: exit-code)",
      }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.members[1].alive).toBe(false);
    expect(q.result.state).toBe("degraded");
  });

  it("a peer blip (few lines, not sustained) does not mark a member down", () => {
    const blip = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 4,
      captures: ["10.0.0.7:19001"],
      samples: [{ line: 5, text: peerLine("10.0.0.7:19001") }],
    });
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          hits: [blip],
          nodes: haNodes(),
        }),
      ],
      cat,
    );
    expect(q.members[2].alive).toBe(true);
    expect(q.result.state).toBe("healthy");
  });

  it("the scanner's sustained verdict decides when the catalogue gives the rule a threshold", () => {
    const burst = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 40,
      sustained: false,
      captures: ["10.0.0.7:19001"],
      samples: [{ line: 5, text: peerLine("10.0.0.7:19001") }],
      perMinute: Array.from({ length: 4 }, (_, i) => [T0 + 45 + i, 10] as [number, number]),
    });
    const reports = [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), hits: [burst] })];
    // With the threshold (20 lines over 5 minutes) not met: a restart blip, not a departed peer.
    expect(analyzeQuorum(reports, cat).members[2].alive).toBeNull();
    // Without a catalogue rule the analysis judges by itself: 40 lines over 4 minutes keep failing.
    expect(analyzeQuorum(reports, catalogue([])).members[2].alive).toBe(false);
  });

  it("several peers in one hit: only the one dominating the samples keeps failing", () => {
    const mixed = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 500,
      sustained: true,
      captures: ["[go-dqlite] ", "10.0.0.7:19001", "10.0.0.6:19001"],
      samples: [
        { line: 1, text: peerLine("10.0.0.7:19001", 1) },
        { line: 2, text: peerLine("10.0.0.7:19001", 2) },
        { line: 3, text: peerLine("10.0.0.7:19001", 3) },
        { line: 4, text: peerLine("10.0.0.6:19001", 1) },
      ],
      perMinute: Array.from({ length: 20 }, (_, i) => [T0 + 30 + i, 25] as [number, number]),
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), hits: [mixed] })],
      cat,
    );
    expect(q.members.map((m) => m.alive)).toEqual([true, null, false]);
    expect(q.result.state).toBe("degraded");
  });

  it("per-capture counts from the scanner decide which peer keeps failing", () => {
    const mixed = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 500,
      sustained: true,
      captures: ["10.0.0.7:19001", "10.0.0.6:19001"],
      captureCounts: { "10.0.0.7:19001": 3, "10.0.0.6:19001": 497 },
      samples: [{ line: 1, text: peerLine("10.0.0.7:19001", 1) }],
      perMinute: Array.from({ length: 20 }, (_, i) => [T0 + 30 + i, 25] as [number, number]),
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), hits: [mixed] })],
      cat,
    );
    expect(q.members.map((m) => m.alive)).toEqual([true, false, null]);
  });
});

describe("analyzeQuorum: views and disagreements", () => {
  it("prefers a voter's view with the most members, and reports each disagreement in one sentence", () => {
    const full = haMembers();
    const partial = [member("10.0.0.5:19001", ID.kube05, 0), member("10.0.0.6:19001", ID.kube06, 1)];
    const reports = [
      controlPlane({
        node: "kube06",
        ip: "10.0.0.6",
        id: ID.kube06,
        cluster: partial,
        takenAt: "2023-02-06T19:00:00",
      }),
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: full }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.result.authoritative).toBe(reports[1].source);
    expect(q.result.voters).toHaveLength(3);
    expect(q.result.disagreements).toEqual([
      "kube06 (10.0.0.6:19001) is a voter in kube05's cluster.yaml but a stand-by in kube06's cluster.yaml.",
      "kube06's cluster.yaml does not list 10.0.0.7:19001, which kube05's cluster.yaml lists as a voter.",
    ]);
  });

  it("ties on size go to the latest report; a member only one view knows is a disagreement", () => {
    const a = [...haMembers().slice(0, 2), member("10.0.0.8:19001", ID.kube08, 0)];
    const b = haMembers();
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: a, takenAt: "2023-02-06T18:00:00" }),
      controlPlane({
        node: "kube06",
        ip: "10.0.0.6",
        id: ID.kube06,
        cluster: b,
        takenAt: "2023-02-06T19:00:00",
      }),
    ];
    const q = analyzeQuorum(reports, cat);
    expect(q.result.authoritative).toBe(reports[1].source);
    expect(q.result.disagreements).toContain(
      "kube05's cluster.yaml lists 10.0.0.8:19001 (ID 12170489617431394818), which kube06's cluster.yaml does not.",
    );
    expect(q.result.disagreements).toContain(
      "kube05's cluster.yaml does not list 10.0.0.7:19001, which kube06's cluster.yaml lists as a voter.",
    );
  });

  it("two separate single-node stores are not one cluster", () => {
    const single = [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)];
    const q = analyzeQuorum(
      [
        controlPlane({ node: "microk8s-vm", ip: "127.0.0.1", cluster: single }),
        controlPlane({ node: "msi", ip: "127.0.0.1", cluster: single }),
      ],
      cat,
    );
    expect(q.result.state).toBe("not-ha");
    expect(q.result.disagreements).toEqual([
      "msi's cluster.yaml and microk8s-vm's cluster.yaml are each a separate single-node store (127.0.0.1:19001): these nodes are not clustered together.",
    ]);
  });

  it("ignores a control-plane node's one-entry loopback store when another view lists several members", () => {
    const left = controlPlane({
      node: "kube08",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
      takenAt: "2023-02-07T10:00:00",
    });
    const q = analyzeQuorum(
      [left, controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers() })],
      cat,
    );
    expect(q.result.voters).toHaveLength(3);
    expect(q.ignoredViews.map((v) => v.report)).toEqual([left]);
    expect(q.result.disagreements?.[0]).toMatch(
      /^kube08's cluster.yaml lists only 127.0.0.1:19001: a separate single-node store/,
    );
  });
});

describe("analyzeQuorum: structural findings (§4.G)", () => {
  it("not-ha when fewer than three voters among three or more members", () => {
    const cluster = [
      member("10.0.0.5:19001", ID.kube05, 0),
      member("10.0.0.6:19001", ID.kube06, 1),
      member("10.0.0.7:19001", ID.kube07, 2),
    ];
    const q = analyzeQuorum([controlPlane({ node: "kube05", ip: "10.0.0.5", cluster })], cat);
    expect(q.result.state).toBe("not-ha");
    expect(q.result.standBys.map((m) => m.address)).toEqual(["10.0.0.6:19001"]);
    expect(q.result.spares.map((m) => m.address)).toEqual(["10.0.0.7:19001"]);
    const notHa = q.findings.find((f) => f.id === "quorum.not-ha")!;
    expect(notHa.severity).toBe("medium");
    expect(notHa.title).toMatch(/1 voter among 3 members/);
  });

  it("loopback-in-multi: a 127.0.0.1 member in a multi-node list is down and flagged", () => {
    const cluster = [...haMembers(), member("127.0.0.1:19001", ID.kube08, 1)];
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes: haNodes() })],
      cat,
    );
    const loop = q.findings.find((f) => f.id === "quorum.loopback-in-multi")!;
    expect(loop.severity).toBe("high");
    expect(loop.evidence[0].line).toBe(10);
    expect(q.members[3].alive).toBe(false);
    // A stand-by does not vote: quorum stays healthy.
    expect(q.result.state).toBe("healthy");
  });

  it("self-missing and self-role come from each node's own info.yaml", () => {
    const cluster = haMembers();
    const removed = controlPlane({
      node: "kube08",
      ip: "10.0.0.8",
      id: ID.kube08,
      cluster,
    });
    const standby = controlPlane({
      node: "kube06",
      ip: "10.0.0.6",
      id: ID.kube06,
      cluster: [member("10.0.0.5:19001", ID.kube05, 0), member("10.0.0.6:19001", ID.kube06, 1)],
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster }), removed, standby],
      cat,
    );
    const missing = q.findings.find((f) => f.id === "quorum.self-missing")!;
    expect(missing).toMatchObject({ node: "kube08", severity: "critical" });
    expect(missing.evidence[0]).toMatchObject({ file: "dqlite/info.yaml", source: removed.source });
    const role = q.findings.find((f) => f.id === "quorum.self-role")!;
    expect(role).toMatchObject({ node: "kube06", severity: "info" });
    expect(role.title).toMatch(/stand-by/);
  });

  it("list.out shapes: join file, legacy localnode.yaml, no snapshot, many open segments, large backend", () => {
    const list = listing({
      totalBytes: 3 * 1024 ** 3,
      hasJoinFile: true,
      hasLocalnodeYaml: true,
      snapshots: 0,
      closedSegments: 380,
      openSegments: 40,
      entries: [...listing().entries, { name: "join", sizeBytes: 0, mtime: "Feb 06 18:21" }],
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), list })],
      cat,
    );
    expect(ids(q.findings)).toEqual([
      "dqlite.backend-large",
      "dqlite.join-incomplete",
      "dqlite.legacy-localnode",
      "dqlite.many-open",
      "dqlite.no-snapshot",
    ]);
    const join = q.findings.find((f) => f.id === "dqlite.join-incomplete")!;
    // "total" is line 1; the join entry is the 6th entry → line 7.
    expect(join.evidence[0]).toMatchObject({ file: "dqlite/list.out", line: 7, text: "join" });
    expect(join.severity).toBe("high");
    expect(q.findings.find((f) => f.id === "dqlite.backend-large")?.title).toMatch(/3\.0 GiB/);
  });

  it("a healthy list.out raises nothing", () => {
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes: haNodes() })],
      cat,
    );
    expect(q.findings).toEqual([]);
  });

  it("workers' dqlite folders raise no structural findings", () => {
    const w = worker({
      node: "kube09",
      ip: "10.0.0.9",
      extra: { dqliteList: listing({ hasJoinFile: true }) },
    });
    expect(analyzeQuorum([w], cat).findings).toEqual([]);
  });
});
