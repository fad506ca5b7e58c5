import { describe, expect, it } from "vitest";
import { diffResults } from "../../src/diff/diff.js";
import { renderDiffDocument, renderDiffJson, renderDiffMarkdown } from "../../src/diff/render.js";
import { analyze } from "../../src/engine.js";
import type { AnalysisResult, Finding, QuorumMember, ReportSummary } from "../../src/result/types.js";
import { buildReport, reportName } from "./fixtures.js";

function report(node: string, takenAt: string, extra: Partial<ReportSummary> = {}): ReportSummary {
  return {
    source: reportName(node, takenAt.replace(/[-:]/g, "").replace("T", "_")),
    node,
    role: "control-plane",
    microk8sVersion: "v1.28.14",
    error: null,
    takenAt,
    ...extra,
  };
}

function member(id: string, address: string, node: string | null = null): QuorumMember {
  return { id, address, node };
}

function finding(id: string, node: string | null, count: number, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    severity: "high",
    title: `${id} title`,
    node,
    count,
    evidence: [],
    docs: null,
    ...extra,
  };
}

function result(parts: Partial<AnalysisResult>): AnalysisResult {
  return {
    schemaVersion: 1,
    reports: [],
    quorum: { state: "unknown", voters: [], standBys: [], spares: [], quorumSize: null, aliveVoters: null },
    departedNodes: [],
    diskErrors: [],
    findings: [],
    ...parts,
  };
}

const BEFORE = result({
  reports: [report("kube05", "2023-02-06T18:52:44"), report("kube06", "2023-02-06T18:55:17")],
  quorum: {
    state: "degraded",
    voters: [
      member("1", "192.168.0.57:19001", "kube05"),
      member("2", "192.168.0.58:19001", "kube06"),
      member("3", "192.168.0.59:19001"),
    ],
    standBys: [member("4", "192.168.0.60:19001", "kube08")],
    spares: [member("5", "192.168.0.61:19001")],
    quorumSize: 2,
    aliveVoters: 2,
  },
  departedNodes: [
    {
      address: "192.168.0.59:19001",
      node: null,
      role: "voter",
      reason: "unreachable",
      hint: "remove it",
      rule: "departed.unreachable",
    },
  ],
  diskErrors: [
    {
      node: "kube06",
      device: "sdb",
      kind: "io-error",
      count: 36,
      sample: "blk_update_request: I/O error, dev sdb",
    },
    { node: "kube06", device: "sdb", kind: "fs-error", count: 18, sample: "EXT4-fs error (device sdb)" },
    { node: "kube05", device: "sda", kind: "io-error", count: 2, sample: "I/O error, dev sda" },
  ],
  findings: [
    finding("dqlite.query-deadline", "kube05", 1030, { sustained: true, lastSeen: "2023-02-06T18:50:02" }),
    finding("dqlite.peer-unreachable", "kube05", 77, { sustained: true }),
    finding("kubelite.crashloop", "kube06", 6, { severity: "medium" }),
    finding("dqlite.database-locked", "kube06", 238, { sustained: true }),
    finding("node.not-ready-event", "kube05", 2, { severity: "low" }),
  ],
});

const AFTER = result({
  reports: [
    report("kube05", "2023-02-07T09:10:00", { microk8sVersion: "v1.28.15" }),
    report("kube06", "2023-02-06T18:55:17"),
  ],
  quorum: {
    state: "healthy",
    voters: [
      member("1", "192.168.0.57:19001", "kube05"),
      member("2", "192.168.0.58:19001", "kube06"),
      member("4", "192.168.0.60:19001", "kube08"),
    ],
    standBys: [],
    spares: [member("6", "192.168.0.62:19001")],
    quorumSize: 2,
    aliveVoters: 3,
  },
  departedNodes: [],
  diskErrors: [
    {
      node: "kube06",
      device: "sdb",
      kind: "io-error",
      count: 36,
      sample: "blk_update_request: I/O error, dev sdb",
    },
    { node: "kube06", device: "sdb", kind: "fs-error", count: 25, sample: "EXT4-fs error (device sdb)" },
  ],
  findings: [
    finding("dqlite.query-deadline", "kube05", 1400, { sustained: true, lastSeen: "2023-02-07T09:05:00" }),
    finding("kubelite.crashloop", "kube06", 6, { severity: "medium" }),
    finding("dqlite.database-locked", "kube06", 238, { sustained: false, severity: "medium" }),
    finding("node.not-ready-event", "kube05", 2, { severity: "low" }),
    finding("kernel.oom", "kube05", 1, { severity: "critical" }),
  ],
});

describe("diffResults", () => {
  const diff = diffResults(BEFORE, AFTER);

  it("reports quorum, voter and role changes by dqlite id", () => {
    expect(diff.quorum).toMatchObject({
      changed: true,
      before: { state: "degraded", voters: 3, aliveVoters: 2 },
      after: { state: "healthy", voters: 3, aliveVoters: 3 },
    });
    expect(diff.members.compared).toBe(true);
    expect(diff.members.removed.map((m) => [m.id, m.role])).toEqual([
      ["3", "voter"],
      ["5", "spare"],
    ]);
    expect(diff.members.added.map((m) => [m.id, m.role])).toEqual([["6", "spare"]]);
    expect(diff.members.roleChanged).toEqual([
      { address: "192.168.0.60:19001", id: "4", node: "kube08", before: "stand-by", after: "voter" },
    ]);
  });

  it("reports departed nodes that were resolved", () => {
    expect(diff.departed.resolved.map((d) => d.address)).toEqual(["192.168.0.59:19001"]);
    expect(diff.departed.appeared).toEqual([]);
  });

  it("classifies disk errors: stopped, still logged, unchanged", () => {
    expect(diff.diskErrors.stopped.map((d) => [d.node, d.device, d.kind])).toEqual([
      ["kube05", "sda", "io-error"],
    ]);
    expect(diff.diskErrors.changed).toEqual([
      { node: "kube06", device: "sdb", kind: "fs-error", countBefore: 18, countAfter: 25 },
    ]);
    expect(diff.diskErrors.unchanged.map((d) => d.kind)).toEqual(["io-error"]);
    expect(diff.diskErrors.appeared).toEqual([]);
  });

  it("classifies findings: appeared, disappeared, grew (with new occurrences), changed, unchanged", () => {
    expect(diff.findings.appeared.map((f) => f.id)).toEqual(["kernel.oom"]);
    expect(diff.findings.disappeared.map((f) => f.id)).toEqual(["dqlite.peer-unreachable"]);
    expect(diff.findings.grew).toHaveLength(1);
    expect(diff.findings.grew[0]).toMatchObject({
      id: "dqlite.query-deadline",
      node: "kube05",
      countBefore: 1030,
      countAfter: 1400,
      newOccurrences: true,
    });
    expect(
      diff.findings.changed.map((f) => [f.id, f.severityBefore, f.severityAfter, f.sustainedAfter]),
    ).toEqual([["dqlite.database-locked", "high", "medium", false]]);
    expect(diff.findings.unchanged).toBe(2);
  });

  it("reports per-node version changes and says the two sides differ", () => {
    expect(diff.versions).toEqual([{ node: "kube05", before: "v1.28.14", after: "v1.28.15" }]);
    expect(diff.roles).toEqual([]);
    expect(diff.same).toBe(false);
  });

  it("a result compared with itself is the same", () => {
    const same = diffResults(BEFORE, structuredClone(BEFORE));
    expect(same.same).toBe(true);
    expect(same.findings.unchanged).toBe(BEFORE.findings.length);
    expect(same.members).toMatchObject({ compared: true, added: [], removed: [], roleChanged: [] });
    expect(renderDiffMarkdown(same)).toContain(
      "No change in quorum, members, departed nodes, disk errors or findings.",
    );
  });

  it("does not compare node-specific items of nodes reported on one side only", () => {
    const before = result({
      reports: [report("a", "2024-01-01T00:00:00"), report("b", "2024-01-01T00:00:00")],
      findings: [finding("x.y", "b", 5), finding("cluster.wide", null, 1)],
    });
    const after = result({ reports: [report("a", "2024-01-02T00:00:00")], findings: [] });
    const d = diffResults(before, after);
    expect(d.coverage).toEqual({ onlyPrevious: ["b"], onlyCurrent: [] });
    // b's finding is not "gone" (b was not reported again); the cluster-wide one is
    expect(d.findings.disappeared.map((f) => f.id)).toEqual(["cluster.wide"]);
  });

  it("does not compare membership when one side has no cluster.yaml", () => {
    const d = diffResults(BEFORE, result({ reports: AFTER.reports }));
    expect(d.members).toEqual({ compared: false, added: [], removed: [], roleChanged: [] });
  });

  it("matches nodes case-insensitively", () => {
    const before = result({
      reports: [report("Kube05", "2024-01-01T00:00:00")],
      findings: [finding("x.y", "Kube05", 5)],
    });
    const after = result({
      reports: [report("kube05", "2024-01-02T00:00:00")],
      findings: [finding("x.y", "kube05", 5)],
    });
    const d = diffResults(before, after);
    expect(d.same).toBe(true);
    expect(d.coverage).toEqual({ onlyPrevious: [], onlyCurrent: [] });
  });
});

describe("renderDiffMarkdown", () => {
  const diff = diffResults(BEFORE, AFTER);
  const text = renderDiffMarkdown(diff);

  it("names the re-reported node with both report times", () => {
    expect(text.split("\n")[0]).toBe(
      "New report of **kube05** (2023-02-06 18:52:44 → 2023-02-07 09:10:00), compared with the earlier one (2 earlier reports, 2 later reports).",
    );
  });

  it("has one bullet per kind of change", () => {
    expect(text).toContain("- **Quorum**: 🟠 degraded (2/3 voters alive) → 🟢 healthy (3/3 voters alive)");
    expect(text).toContain("- **Voters removed**: `192.168.0.59:19001` (id `3`)");
    expect(text).toContain("- **Roles changed**: **kube08** `192.168.0.60:19001` (id `4`): stand-by → voter");
    expect(text).toContain("- **Departed nodes resolved**: `192.168.0.59:19001` (voter)");
    expect(text).toContain("- **Disk errors stopped**: **kube05** `sda` I/O errors: 2 before, none now");
    expect(text).toContain("- **Disk errors still logged**: **kube06** `sdb` filesystem errors: 18 → 25");
    expect(text).toContain("- **New findings**: 🔴 `kernel.oom` on **kube05**");
    expect(text).toContain("- **Gone**: 🟠 `dqlite.peer-unreachable` on **kube05**");
    expect(text).toContain("1030 → 1400, still occurring (last 2023-02-07 09:05:00)");
    expect(text).toContain("high → medium, no longer sustained");
    expect(text).toContain("- **MicroK8s version**: **kube05**: `v1.28.14` → `v1.28.15`");
    expect(text).toContain("2 findings unchanged.");
    expect(text).toContain("a reboot also clears old disk errors");
  });

  it("escapes untrusted node names and caps long lists", () => {
    const evil = "<!-- report-triage-state: x --> @maintainer #12";
    const many = result({
      reports: [report(evil, "2024-01-02T00:00:00")],
      findings: Array.from({ length: 15 }, (_, i) => finding(`rule.n${i}`, evil, 1)),
    });
    const d = diffResults(result({ reports: [report(evil, "2024-01-01T00:00:00")] }), many);
    const md = renderDiffMarkdown(d, { maxItems: 5 });
    expect(md).not.toContain("<!--");
    expect(md).not.toMatch(/@maintainer/);
    expect(md).toContain("… and 10 more");
    expect(md.match(/`rule\.n\d+`/g)).toHaveLength(5);
  });

  it("renders the CLI document and JSON", () => {
    expect(renderDiffDocument(diff).startsWith("### What changed since the previous reports\n\n")).toBe(true);
    const json = JSON.parse(renderDiffJson(diff));
    expect(json.schemaVersion).toBe(1);
    expect(json.findings.appeared[0].id).toBe("kernel.oom");
  });
});

describe("diff of two generated rounds through the engine", () => {
  it("sees the removed voter, the resolved departed node, the stopped disk errors and the upgrade", async () => {
    const voters = (ids: [string, string][]) =>
      ids.map(([id, address]) => ({ id, address, role: 0 as const }));
    const round1 = await buildReport({
      host: "alpha",
      ip: "10.0.0.1",
      members: voters([
        ["1", "10.0.0.1:19001"],
        ["2", "10.0.0.2:19001"],
        ["3", "10.0.0.3:19001"],
      ]),
      deadlines: 25,
      unreachable: "10.0.0.2:19001",
      diskErrors: "sdb",
    });
    const round2 = await buildReport({
      host: "alpha",
      ip: "10.0.0.1",
      members: voters([
        ["1", "10.0.0.1:19001"],
        ["3", "10.0.0.3:19001"],
        ["4", "10.0.0.4:19001"],
      ]),
      version: "v1.28.15",
    });
    const before = await analyze([
      { kind: "buffer", data: round1, name: reportName("alpha", "20241101_100000") },
    ]);
    const after = await analyze([
      { kind: "buffer", data: round2, name: reportName("alpha", "20241102_100000") },
    ]);
    const diff = diffResults(before, after);

    expect(diff.quorum.before.state).toBe("degraded");
    expect(diff.quorum.after.state).not.toBe("degraded");
    expect(diff.members.removed.map((m) => m.address)).toEqual(["10.0.0.2:19001"]);
    expect(diff.members.added.map((m) => m.address)).toEqual(["10.0.0.4:19001"]);
    expect(diff.departed.resolved.map((d) => d.address)).toEqual(["10.0.0.2:19001"]);
    expect(new Set(diff.diskErrors.stopped.map((d) => `${d.node}/${d.device}`))).toEqual(
      new Set(["alpha/sdb"]),
    );
    expect(diff.findings.disappeared.map((f) => f.id)).toEqual(
      expect.arrayContaining(["dqlite.query-deadline", "dqlite.peer-unreachable", "kernel.io-error"]),
    );
    expect(diff.findings.appeared).toEqual([]);
    expect(diff.versions).toEqual([{ node: "alpha", before: "v1.28.14", after: "v1.28.15" }]);
    const text = renderDiffMarkdown(diff);
    expect(text).toContain("New report of **alpha** (2024-11-01 10:00:00 → 2024-11-02 10:00:00)");
    expect(text).toContain("**Disk errors stopped**");
  });
});
