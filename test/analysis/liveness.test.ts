/**
 * Liveness over time (MicroK8s #3735): peer failures count as a current outage only while they go
 * on near the end of the reporter's log, and a member's own later report showing its datastore
 * running wins. Views are compared as sets of records.
 */
import { describe, expect, it } from "vitest";
import { isCurrentFailure, peerFailures } from "../../src/analysis/cluster-context.js";
import { findDepartedNodes } from "../../src/analysis/departed.js";
import { analyzeQuorum } from "../../src/analysis/quorum.js";
import type { SignatureHit } from "../../src/rules/types.js";
import {
  catalogue,
  controlPlane,
  DQLITE_JOURNAL,
  haMembers,
  haNodes,
  hit,
  ID,
  k8sNode,
  member,
  peerLine,
  T0,
} from "./support.js";

const cat = catalogue();

/** Sustained failures to reach `address` from minute `from` to `to` (relative to 18:00). */
function failuresBetween(address: string, from: number, to: number, count = 200): SignatureHit {
  const minutes = to - from + 1;
  return hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
    count,
    sustained: true,
    captures: [address],
    samples: [{ line: 300, text: peerLine(address, 9) }],
    perMinute: Array.from(
      { length: minutes },
      (_, i) => [T0 + from + i, Math.ceil(count / minutes)] as [number, number],
    ),
  });
}

/** The #3735 membership: kube07's stale spare record first, its new stand-by record last. */
const CLUSTER_3735 = [
  member("10.0.0.5:19001", ID.kube05, 0),
  member("10.0.0.6:19001", ID.kube06, 0),
  member("10.0.0.7:19001", ID.kube07, 2),
  member("10.0.0.8:19001", ID.kube08, 0),
  member("10.0.0.7:19001", ID.kube07new, 1),
];
const NODES_3735 = ["kube05", "kube06", "kube07", "kube08"].map((n, i) => k8sNode(n, `10.0.0.${5 + i}`));

describe("peer failures over time", () => {
  it("are current while they go on near the end of the reporter's datastore log (18:52)", () => {
    const report = (h: SignatureHit) => controlPlane({ node: "kube05", ip: "10.0.0.5", hits: [h] });
    const [past] = peerFailures(report(failuresBetween("10.0.0.7:19001", -76, -24)));
    expect(past).toMatchObject({ firstMinute: T0 - 76, lastMinute: T0 - 24, logEndMinute: T0 + 52 });
    expect(isCurrentFailure(past!)).toBe(false);
    const [ongoing] = peerFailures(report(failuresBetween("10.0.0.7:19001", 10, 50)));
    expect(isCurrentFailure(ongoing!)).toBe(true);
    // Lines without any time cannot show that they stopped.
    const timeless = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 50,
      sustained: true,
      captures: ["10.0.0.7:19001"],
      perMinute: [],
      firstSeen: null,
      lastSeen: null,
    });
    expect(isCurrentFailure(peerFailures(report(timeless))[0]!)).toBe(true);
  });

  it("several peers in one hit: each with a real share of the lines keeps failing (lost quorum)", () => {
    const both = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 4153,
      sustained: true,
      captures: ["10.0.0.7:19001", "10.0.0.6:19001"],
      captureCounts: { "10.0.0.7:19001": 2161, "10.0.0.6:19001": 1992 },
      perMinute: Array.from({ length: 40 }, (_, i) => [T0 + 10 + i, 100] as [number, number]),
    });
    const q = analyzeQuorum(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), hits: [both] })],
      cat,
    );
    expect(q.members.map((m) => m.alive)).toEqual([true, false, false]);
    expect(q.result).toMatchObject({ state: "lost", aliveVoters: 1, quorumSize: 2 });
  });
});

describe("analyzeQuorum over time: MicroK8s #3735", () => {
  const kube05 = (hits: SignatureHit[]) =>
    controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: CLUSTER_3735, nodes: NODES_3735, hits });
  const kube07 = controlPlane({
    node: "kube07",
    ip: "10.0.0.7",
    id: ID.kube07new,
    cluster: CLUSTER_3735,
    nodes: NODES_3735,
    takenAt: "2023-02-06T18:57:02",
  });

  it("failures that stopped when kube07 re-joined do not make its new record down", () => {
    const q = analyzeQuorum([kube05([failuresBetween("10.0.0.7:19001", -76, -24)]), kube07], cat);
    const [stale, live] = [q.members[2]!, q.members[4]!];
    expect(live).toMatchObject({ id: ID.kube07new, role: "stand-by", alive: true, unreachableFrom: [] });
    expect(live.pastUnreachableFrom).toHaveLength(1);
    expect(live.upReasons).toContain("the datastore on kube05 failed to reach it 16:44–17:36, not since");
    expect(stale).toMatchObject({ id: ID.kube07, alive: false, supersededBy: ID.kube07new });
    expect(q.result.state).toBe("healthy");
    expect(q.result.summary).toContain(
      `Stale record still listed: 10.0.0.7:19001 with old ID ${ID.kube07} (spare; kube07 re-joined as ID ${ID.kube07new})`,
    );
    // Only the stale record departed, and its reason does not cite the old failures.
    const departed = findDepartedNodes([kube05([failuresBetween("10.0.0.7:19001", -76, -24)]), kube07], q);
    expect(departed).toHaveLength(1);
    expect(departed[0]).toMatchObject({ id: ID.kube07, role: "spare", rule: "departed.duplicate-record" });
    expect(departed[0]!.reason).not.toMatch(/keeps failing/);
  });

  it("without kube07's own report, its Ready node and the stopped failures still say up", () => {
    const q = analyzeQuorum([kube05([failuresBetween("10.0.0.7:19001", -76, -24)])], cat);
    expect(q.members[4]).toMatchObject({ alive: true, unreachableFrom: [] });
  });

  it("failures going on until the end of the log make a member down", () => {
    const nodes = haNodes();
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          nodes,
          hits: [failuresBetween("10.0.0.7:19001", 5, 52)],
        }),
      ],
      cat,
    );
    expect(q.members[2]).toMatchObject({ alive: false });
    expect(q.members[2]!.downReasons[0]).toMatch(/kube05's datastore keeps failing to reach it/);
    expect(q.result.state).toBe("degraded");
  });

  it("the member's own report, taken after the last failure and showing its datastore running, wins", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const reports = [
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        cluster: haMembers(),
        nodes,
        hits: [failuresBetween("10.0.0.7:19001", 5, 50)],
      }),
      controlPlane({
        node: "kube07",
        ip: "10.0.0.7",
        id: ID.kube07,
        cluster: haMembers(),
        nodes,
        takenAt: "2023-02-06T18:57:02",
      }),
    ];
    expect(analyzeQuorum(reports, cat).members[2]).toMatchObject({ alive: true, unreachableFrom: [] });
    // Taken before the failures ended, the own report does not outweigh them.
    const earlier = [reports[0]!, { ...reports[1]!, takenAt: "2023-02-06T18:20:00" }];
    expect(analyzeQuorum(earlier, cat).members[2]).toMatchObject({ alive: false });
  });
});

describe("disagreements are differences between sets of records", () => {
  it("identical views that list a host twice do not disagree", () => {
    const views = ["kube05", "kube06", "kube08"].map((node, i) =>
      controlPlane({
        node,
        ip: `10.0.0.${[5, 6, 8][i]}`,
        id: [ID.kube05, ID.kube06, ID.kube08][i],
        cluster: CLUSTER_3735,
        nodes: NODES_3735,
      }),
    );
    expect(analyzeQuorum(views, cat).result.disagreements).toEqual([]);
  });

  it("a view without the stale record says exactly that, once", () => {
    const withoutStale = CLUSTER_3735.filter((m) => m.id !== ID.kube07);
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: CLUSTER_3735,
          nodes: NODES_3735,
          takenAt: "2023-02-06T19:00:00",
        }),
        controlPlane({
          node: "kube06",
          ip: "10.0.0.6",
          id: ID.kube06,
          cluster: withoutStale,
          nodes: NODES_3735,
        }),
      ],
      cat,
    );
    expect(q.result.disagreements).toEqual([
      `kube06's cluster.yaml does not list kube07 (10.0.0.7:19001) with ID ${ID.kube07}, which kube05's cluster.yaml lists as a spare.`,
    ]);
  });

  it("one record per view at an address with different IDs: a re-join one view has not seen", () => {
    const rejoined = haMembers().map((m) => (m.id === ID.kube07 ? { ...m, id: ID.kube07new } : m));
    const q = analyzeQuorum(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          cluster: haMembers(),
          takenAt: "2023-02-06T19:00:00",
        }),
        controlPlane({ node: "kube06", ip: "10.0.0.6", id: ID.kube06, cluster: rejoined }),
      ],
      cat,
    );
    expect(q.result.disagreements).toEqual([
      `10.0.0.7:19001 has ID ${ID.kube07} in kube05's cluster.yaml but ID ${ID.kube07new} in kube06's cluster.yaml.`,
    ]);
  });
});
