/**
 * Every other generated scenario through the real engine, against the conclusions stated for it
 * in scripts/samples/README.md ("Other scenarios").
 */
import { describe, expect, it } from "vitest";
import {
  era122,
  era125,
  healthyHa3,
  lostQuorum,
  singleNode128,
  singleNode132,
  strictReport,
  workerReport,
} from "../support/reports.js";
import { above, analyseSamples, byNode, findingsOf, section } from "./support.js";

describe("healthy-ha3", () => {
  it("three voters all alive, nothing departed, no disk errors, only a few start-up canceled lines", async () => {
    const { result, markdown } = await analyseSamples(await healthyHa3());
    expect(result.reports.map((r) => [r.node, r.role, r.microk8sVersion])).toEqual(
      ["mk-cp1", "mk-cp2", "mk-cp3"].map((n) => [n, "control-plane", "v1.29.4"]),
    );
    expect(result.quorum).toMatchObject({
      state: "healthy",
      quorumSize: 2,
      aliveVoters: 3,
      disagreements: [],
    });
    expect(result.quorum.voters.map((v) => [v.address, v.alive])).toEqual(
      ["10.20.0.11:19001", "10.20.0.12:19001", "10.20.0.13:19001"].map((a) => [a, true]),
    );
    expect(result.departedNodes).toEqual([]);
    expect(result.diskErrors).toEqual([]);
    expect(above(result, "low")).toEqual([]);
    for (const f of result.findings) expect(f.id).toBe("dqlite.query-canceled");
    expect(result.verdict).toBe("🟢 No known problem found in 3 reports (datastore healthy: 3 voters)");
    expect(section(markdown, "Departed nodes")).toContain("_None found._");
  });
});

describe("lost-quorum", () => {
  it("one voter of three alive; both others departed; no-leader, peers, deadlines, kubelite down, API unreachable", async () => {
    const { result, markdown } = await analyseSamples(await lostQuorum());
    expect(result.reports.map((r) => [r.node, r.microk8sVersion])).toEqual([["prod-1", "v1.28.3"]]);
    expect(result.quorum).toMatchObject({ state: "lost", quorumSize: 2, aliveVoters: 1 });
    expect(result.quorum.voters).toHaveLength(3);
    expect(result.departedNodes.map((d) => [d.address, d.node, d.role])).toEqual([
      ["10.0.0.12:19001", null, "voter"],
      ["10.0.0.13:19001", null, "voter"],
    ]);
    for (const d of result.departedNodes) expect(d.hint).toMatch(/recover quorum first/);
    for (const id of [
      "dqlite.no-leader",
      "dqlite.peer-unreachable",
      "dqlite.query-deadline",
      "kubelite.startup-deadline",
      "kubelite.crashloop",
      "apiserver.unreachable",
    ]) {
      expect(findingsOf(result, id), id).toHaveLength(1);
    }
    // kubelite is still in its restart loop (activating, counter far above 5): critical, not history.
    expect(byNode(result, "kubelite.crashloop").get("prod-1")!.severity).toBe("critical");
    expect(byNode(result, "dqlite.peer-unreachable").get("prod-1")!.severity).toBe("high");
    expect(result.verdict).toMatch(
      /^🔴 Quorum lost: 1 of 3 voters alive — 10\.0\.0\.12:19001 and 10\.0\.0\.13:19001 down; API server unreachable/,
    );
    expect(section(markdown, "Quorum")).toContain("🔴 **Quorum lost** — 3 voters (quorum needs 2, 1 alive)");
  });
});

describe("worker", () => {
  it("role worker, quorum unknown (its stale store ignored), and 'acting as a node' is not an API error", async () => {
    const { result } = await analyseSamples(await workerReport());
    expect(result.reports.map((r) => [r.node, r.role, r.microk8sVersion])).toEqual([
      ["worker-3", "worker", "v1.27.5"],
    ]);
    expect(result.quorum).toMatchObject({ state: "unknown", voters: [], quorumSize: null });
    expect(result.departedNodes).toEqual([]);
    expect(findingsOf(result, "apiserver.unreachable")).toEqual([]);
    expect(above(result, "low")).toEqual([]);
    expect(result.verdict).toMatch(/^🟢 /);
  });
});

describe("strict", () => {
  it("strict confinement, version from k8s/version or bom.json, single node, no findings", async () => {
    const { result } = await analyseSamples(await strictReport());
    expect(result.reports.map((r) => [r.node, r.confinement, r.microk8sVersion])).toEqual([
      ["edge-01", "strict", "v1.29.1"],
    ]);
    expect(result.quorum.state).toBe("not-ha");
    expect(above(result, "info")).toEqual([]);
    expect(result.verdict).toBe("🟢 No known problem found in 1 report (single-node datastore, not HA)");
  });
});

describe("era-1.22", () => {
  it("no dqlite/ folder: quorum unknown, said why; the deadlines are found in the kubelite journal", async () => {
    const { result } = await analyseSamples(await era122());
    expect(result.reports.map((r) => r.microk8sVersion)).toEqual(["v1.22.17"]);
    expect(result.quorum.state).toBe("unknown");
    expect(result.quorum.summary).toMatch(/1\.22 and older run dqlite inside kubelite/);
    const [deadline] = findingsOf(result, "dqlite.query-deadline");
    expect(deadline).toMatchObject({ severity: "high", sustained: true });
    expect(deadline!.evidence.every((e) => e.file.includes("daemon-kubelite/"))).toBe(true);
    expect(deadline!.firstSeen).toMatch(/^2022-12-03T19:0\d/);
    expect(deadline!.lastSeen).toMatch(/^2022-12-03T20:(0\d|10)/);
    expect(result.verdict).toMatch(/^🟠 Datastore under stress 19:0\d–20:\d\d: sustained query deadlines$/);
  });
});

describe("era-1.25", () => {
  it("single node with a legacy localnode.yaml (info) and nothing else", async () => {
    const { result } = await analyseSamples(await era125());
    expect(result.reports.map((r) => r.microk8sVersion)).toEqual(["v1.25.11"]);
    expect(result.quorum.state).toBe("not-ha");
    expect(findingsOf(result, "dqlite.legacy-localnode")).toEqual([
      expect.objectContaining({ severity: "info" }),
    ]);
    // The kubectl deprecation WARNING in k8s/version is not an API server error.
    expect(findingsOf(result, "apiserver.unreachable")).toEqual([]);
    expect(above(result, "info")).toEqual([]);
  });
});

describe("single nodes 1.28 and 1.32", () => {
  it.each([
    ["single-1.28", singleNode128, "v1.28.7"],
    ["single-1.32", singleNode132, "v1.32.3"],
  ] as const)(
    "%s: not HA and nothing else (no false 'no default route')",
    async (_name, generate, version) => {
      const { result } = await analyseSamples(await generate());
      expect(result.reports.map((r) => r.microk8sVersion)).toEqual([version]);
      expect(result.quorum.state).toBe("not-ha");
      expect(result.departedNodes).toEqual([]);
      expect(result.diskErrors).toEqual([]);
      expect(findingsOf(result, "inspect.no-default-route")).toEqual([]);
      expect(above(result, "info")).toEqual([]);
      expect(result.verdict).toBe("🟢 No known problem found in 1 report (single-node datastore, not HA)");
    },
  );
});
