import { describe, expect, it } from "vitest";
import { dqliteRemoveHint, findDepartedNodes } from "../../src/analysis/departed.js";
import { analyzeQuorum } from "../../src/analysis/quorum.js";
import type { ReportData } from "../../src/analysis/types.js";
import {
  BOOTSTRAP_ID,
  catalogue,
  controlPlane,
  haMembers,
  haNodes,
  ID,
  k8sNode,
  listing,
  member,
  unreachableHit,
  worker,
} from "./support.js";

const cat = catalogue();

function departed(reports: ReportData[]) {
  const quorum = analyzeQuorum(reports, cat);
  return { quorum, departed: findDepartedNodes(reports, quorum) };
}

const REMOVE_10_0_0_7 =
  'sudo /snap/microk8s/current/bin/dqlite -s file:///var/snap/microk8s/current/var/kubernetes/backend/cluster.yaml -c /var/snap/microk8s/current/var/kubernetes/backend/cluster.crt -k /var/snap/microk8s/current/var/kubernetes/backend/cluster.key k8s ".remove 10.0.0.7:19001"';

describe("findDepartedNodes", () => {
  it("nothing departed in a healthy HA cluster or a single node", () => {
    const nodes = haNodes();
    expect(
      departed([controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes })]).departed,
    ).toEqual([]);
    const single = controlPlane({
      node: "microk8s-vm",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
      nodes: [k8sNode("microk8s-vm", "172.22.104.186")],
    });
    expect(departed([single]).departed).toEqual([]);
  });

  it("NotReady voter that peers cannot reach: one merged entry with remove-node hint", () => {
    const nodes = haNodes({ kube07: k8sNode("kube07", "10.0.0.7", "Unknown") });
    const { quorum, departed: list } = departed([
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        cluster: haMembers(),
        nodes,
        hits: [unreachableHit("10.0.0.7:19001")],
      }),
    ]);
    expect(quorum.result.state).toBe("degraded");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      address: "10.0.0.7:19001",
      node: "kube07",
      role: "voter",
      rule: "departed.not-ready",
      hint: "microk8s remove-node kube07 --force",
    });
    expect(list[0].reason).toBe(
      "Node kube07 is NotReady (Kubelet stopped posting node status) since 2023-02-06T18:20:01Z; the datastore on kube05 keeps failing to reach it (412 failed attempts, connection refused).",
    );
  });

  it("a member whose address matches no node InternalIP: dqlite .remove by address", () => {
    const cluster = [...haMembers().slice(0, 2), member("10.0.0.7:19001", ID.kube07, 0)];
    const nodes = haNodes().slice(0, 2).concat(k8sNode("kube09", "10.0.0.9"));
    const { departed: list } = departed([controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes })]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      address: "10.0.0.7:19001",
      node: null,
      rule: "departed.no-matching-node",
    });
    expect(list[0].hint).toBe(REMOVE_10_0_0_7);
    expect(dqliteRemoveHint("10.0.0.7:19001")).toBe(REMOVE_10_0_0_7);
  });

  it("a member whose node (known from its report) is missing from the node list", () => {
    const nodes = haNodes().slice(0, 2);
    const { departed: list } = departed([
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes }),
      controlPlane({
        node: "kube07",
        ip: "10.0.0.7",
        id: ID.kube07,
        cluster: haMembers(),
        datastoreState: "failed",
      }),
    ]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      node: "kube07",
      rule: "departed.missing-node",
      hint: "microk8s remove-node kube07 --force",
    });
    expect(list[0].reason).toMatch(/^Node kube07 is not in the Kubernetes node list\.$/);
  });

  it("an address the datastore keeps dialling that is not in cluster.yaml has role none", () => {
    const { departed: list } = departed([
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        cluster: haMembers(),
        nodes: haNodes(),
        hits: [unreachableHit("10.0.0.9:19001", 120)],
      }),
    ]);
    expect(list).toEqual([
      expect.objectContaining({
        address: "10.0.0.9:19001",
        role: "none",
        rule: "departed.unreachable",
        node: null,
      }),
    ]);
    expect(list[0].reason).toMatch(/not in the authoritative cluster\.yaml/);
    expect(list[0].hint).toContain('k8s ".cluster"');
  });

  it("a lone datastore journal (no cluster.yaml) still names the peer it cannot reach", () => {
    const lone = controlPlane({ node: "kube05", ip: "10.0.0.5", hits: [unreachableHit("10.0.0.7:19001")] });
    const { quorum, departed: list } = departed([lone]);
    expect(quorum.result.state).toBe("unknown");
    expect(list[0]).toMatchObject({ address: "10.0.0.7:19001", role: "none" });
    expect(list[0].reason).toMatch(/no control-plane cluster\.yaml/);
  });

  it("127.0.0.1:19001 in a multi-node cluster.yaml", () => {
    const cluster = [...haMembers(), member("127.0.0.1:19001", ID.kube08, 2)];
    const { departed: list } = departed([
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes: haNodes() }),
    ]);
    expect(list).toEqual([
      expect.objectContaining({
        address: "127.0.0.1:19001",
        role: "spare",
        rule: "departed.loopback-in-multi",
        hint: dqliteRemoveHint("127.0.0.1:19001"),
      }),
    ]);
  });

  it("a leftover join file: re-run the join", () => {
    const joining = controlPlane({
      node: "kube08",
      ip: "10.0.0.8",
      id: ID.kube08,
      cluster: [member("10.0.0.8:19001", ID.kube08, 2)],
      list: listing({ hasJoinFile: true }),
    });
    const { departed: list } = departed([
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers() }),
      joining,
    ]);
    const entry = list.find((d) => d.rule === "departed.join-incomplete")!;
    expect(entry).toMatchObject({
      address: "10.0.0.8:19001",
      node: "kube08",
      role: "none",
      docs: "https://microk8s.io/docs/clustering",
    });
    expect(entry.reason).toMatch(/leftover `join`.*the join never completed/);
    expect(entry.hint).toMatch(/^On kube08: `microk8s leave`; then run `microk8s add-node`/);
  });

  it("exactly two voters and no sign of the second one: fragile, pointing at restore-quorum", () => {
    const cluster = [
      member("192.168.0.57:19001", BOOTSTRAP_ID, 0),
      member("192.168.0.58:19001", ID.kube06, 0),
    ];
    const { quorum, departed: list } = departed([controlPlane({ node: "pi1", ip: "192.168.0.57", cluster })]);
    expect(quorum.result.state).toBe("not-ha");
    expect(list).toEqual([
      expect.objectContaining({ address: "192.168.0.58:19001", role: "voter", rule: "departed.two-voters" }),
    ]);
    expect(list[0].hint).toContain("https://microk8s.io/docs/restore-quorum");
  });

  it("when quorum is lost every removal hint points to the restore-quorum page instead", () => {
    const nodes = haNodes({
      kube06: k8sNode("kube06", "10.0.0.6", "Unknown"),
      kube07: k8sNode("kube07", "10.0.0.7", "Unknown"),
    });
    const { quorum, departed: list } = departed([
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster: haMembers(), nodes }),
    ]);
    expect(quorum.result.state).toBe("lost");
    expect(list.map((d) => d.node)).toEqual(["kube06", "kube07"]);
    for (const entry of list) {
      expect(entry.hint).toMatch(
        /^Quorum is lost, so kube0[67] \(10\.0\.0\.[67]:19001\) cannot be removed yet/,
      );
      expect(entry.hint).toContain("https://microk8s.io/docs/restore-quorum");
      expect(entry.docs).toBe("https://microk8s.io/docs/restore-quorum");
    }
  });

  it("a node that left (its own store is a fresh 127.0.0.1 cluster) but is still listed", () => {
    const cluster = [...haMembers(), member("10.0.0.8:19001", ID.kube08, 1)];
    const nodes = [...haNodes(), k8sNode("kube08", "10.0.0.8", "Unknown")];
    const left = controlPlane({
      node: "kube08",
      ip: "127.0.0.1",
      cluster: [member("127.0.0.1:19001", BOOTSTRAP_ID, 0)],
      nodes: [k8sNode("kube08", "10.0.0.8")],
    });
    const { quorum, departed: list } = departed([
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes }),
      left,
    ]);
    // The left node's own one-node cluster says "Ready"; the main cluster's node list wins.
    expect(quorum.members[3].k8sNode?.ready).toBe("Unknown");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      address: "10.0.0.8:19001",
      node: "kube08",
      role: "stand-by",
      rule: "departed.left-node",
      hint: "microk8s remove-node kube08 --force",
    });
    expect(list[0].reason).toMatch(
      /kube08's own datastore is now a separate single-node store \(127\.0\.0\.1:19001\)/,
    );
  });

  it("MicroK8s #3735: kube07 re-joined and left its old voter record behind", () => {
    // kube05–kube08; kube07 re-joined with a new ID and is a stand-by, its old record still a voter.
    const cluster = [
      member("10.0.0.5:19001", ID.kube05, 0),
      member("10.0.0.6:19001", ID.kube06, 0),
      member("10.0.0.7:19001", ID.kube07, 0),
      member("10.0.0.8:19001", ID.kube08, 1),
      member("10.0.0.7:19001", ID.kube07new, 1),
    ];
    const nodes = [
      k8sNode("kube05", "10.0.0.5"),
      k8sNode("kube06", "10.0.0.6"),
      k8sNode("kube07", "10.0.0.7"),
      k8sNode("kube08", "10.0.0.8"),
    ];
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes }),
      controlPlane({ node: "kube07", ip: "10.0.0.7", id: ID.kube07new, cluster, nodes }),
    ];
    const { quorum, departed: list } = departed(reports);
    expect(quorum.result.voters.map((v) => v.id)).toEqual([ID.kube05, ID.kube06, ID.kube07]);
    expect(quorum.members[2]).toMatchObject({ alive: false, supersededBy: ID.kube07new });
    expect(quorum.members[4]).toMatchObject({ alive: true, node: "kube07", role: "stand-by" });
    expect(quorum.result.state).toBe("degraded");
    expect(quorum.result.aliveVoters).toBe(2);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      address: "10.0.0.7:19001",
      node: "kube07",
      role: "voter",
      rule: "departed.duplicate-record",
      hint: REMOVE_10_0_0_7,
    });
    expect(list[0].reason).toContain(
      `ID ${ID.kube07} (voter) is a stale record left over from an earlier membership`,
    );
    expect(list[0].reason).toContain(`re-joined as ID ${ID.kube07new}`);
    expect(list[0].reason).toContain(
      "`.remove` drops the first record with that address, which is this old one",
    );
    const stale = quorum.findings.find((f) => f.id === "quorum.stale-member")!;
    expect(stale.evidence[0]).toMatchObject({
      line: 7,
      text: expect.stringContaining(`superseded by ID ${ID.kube07new}`),
    });
  });

  it("re-join where the stale record is listed after the live one: leave, remove, re-join", () => {
    const cluster = [
      member("10.0.0.5:19001", ID.kube05, 0),
      member("10.0.0.6:19001", ID.kube06, 0),
      member("10.0.0.7:19001", ID.kube07new, 0),
      member("10.0.0.7:19001", ID.kube07, 1),
    ];
    const reports = [
      controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes: haNodes() }),
      // kube07's own info.yaml names the first record as its current one.
      controlPlane({ node: "kube07", ip: "10.0.0.7", id: ID.kube07new, cluster, nodes: haNodes() }),
    ];
    const { quorum, departed: list } = departed(reports);
    expect(quorum.result.state).toBe("healthy");
    expect(list[0]).toMatchObject({ role: "stand-by", rule: "departed.duplicate-record" });
    expect(list[0].hint).toMatch(
      /^On kube07: `microk8s leave`; then on a healthy control-plane node run .*until `\.cluster` no longer lists 10\.0\.0\.7:19001; then re-join kube07$/,
    );
  });

  it("workers never produce departed entries from their stale store", () => {
    expect(departed([worker({ node: "kube09", ip: "10.0.0.9", nodes: haNodes() })]).departed).toEqual([]);
  });

  it("sorts voters first, then by node", () => {
    const cluster = [
      ...haMembers(),
      member("10.0.0.8:19001", ID.kube08, 1),
      member("10.0.0.9:19001", "4425893001127392410", 0),
      member("10.0.0.10:19001", "15311906441040512211", 0),
    ];
    const nodes = haNodes({ kube06: k8sNode("kube06", "10.0.0.6", "Unknown") });
    const { departed: list } = departed([controlPlane({ node: "kube05", ip: "10.0.0.5", cluster, nodes })]);
    expect(list.map((d) => [d.role, d.node ?? d.address])).toEqual([
      ["voter", "kube06"],
      ["voter", "10.0.0.10:19001"],
      ["voter", "10.0.0.9:19001"],
      ["stand-by", "10.0.0.8:19001"],
    ]);
  });
});
