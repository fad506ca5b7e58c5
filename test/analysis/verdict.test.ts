/** The one-line verdict: ranked by severity and by what explains the incident, each story told once. */
import { describe, expect, it } from "vitest";
import { buildVerdict, type VerdictInput } from "../../src/analysis/verdict.js";
import type {
  DepartedNode,
  DiskError,
  Finding,
  QuorumResult,
  ReportSummary,
} from "../../src/result/types.js";

const NODES = ["kube05", "kube06", "kube07", "kube08"];

function reports(nodes = NODES): ReportSummary[] {
  return nodes.map((node) => ({
    source: `${node}.tar.gz`,
    node,
    role: "control-plane",
    microk8sVersion: "v1.26.0",
    error: null,
  }));
}

function f(
  id: string,
  node: string | null,
  severity: Finding["severity"],
  extra: Partial<Finding> = {},
): Finding {
  return { id, severity, title: `title of ${id}`, node, count: 100, evidence: [], docs: null, ...extra };
}

const healthy: QuorumResult = {
  state: "healthy",
  voters: [],
  standBys: [],
  spares: [],
  quorumSize: 2,
  aliveVoters: 3,
};

const STALE: DepartedNode = {
  address: "192.168.0.59:19001",
  node: "kube07",
  role: "spare",
  reason: "…",
  hint: "…",
  rule: "departed.duplicate-record",
  id: "9163427340816295577",
};

const SDB: DiskError[] = [
  {
    node: "kube06",
    device: "sdb",
    kind: "io-error",
    count: 36,
    sample: "blk_update_request: I/O error, dev sdb",
  },
  {
    node: "kube06",
    device: "sdb",
    kind: "fs-error",
    count: 18,
    sample: "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2",
  },
];

/** The #3735 picture, as the analysis hands it over. */
function incident(): VerdictInput {
  const sustained = { sustained: true, firstSeen: "2023-02-06T15:05:05", lastSeen: "2023-02-06T18:50:26" };
  return {
    reports: reports(),
    quorum: healthy,
    departedNodes: [STALE],
    diskErrors: SDB,
    findings: [
      f("kernel.io-error", "kube06", "critical"),
      f("kernel.ext4-error", "kube06", "critical"),
      ...NODES.map((n, i) => f("dqlite.query-deadline", n, "high", { ...sustained, count: 1000 - i * 100 })),
      ...["kube05", "kube06"].map((n) =>
        f("dqlite.database-locked", n, "high", { ...sustained, firstSeen: "2023-02-06T17:50:00" }),
      ),
      ...["kube05", "kube06"].map((n) => f("kubelite.leaderelection-lost", n, "high")),
      ...["kube05", "kube06"].map((n) => f("apiserver.slow-request", n, "high", sustained)),
      f("dqlite.query-canceled", "kube05", "medium", sustained),
      f("kubelite.crashloop", "kube05", "medium"),
      f("dqlite.peer-unreachable", "kube05", "low"),
    ],
  };
}

describe("buildVerdict", () => {
  it("#3735: datastore stress first, then the disk, then the stale record — named as a stale record", () => {
    expect(buildVerdict(incident())).toBe(
      "🔴 Datastore under stress 15:05–18:50: sustained query deadlines on kube05, kube06, kube07, kube08 and 'database is locked' on kube05, kube06; disk I/O + EXT4 errors on kube06/sdb; stale dqlite record of kube07 (old ID 9163…) should be removed",
    );
  });

  it("stays one short line however many serious findings there are", () => {
    const input = incident();
    for (let i = 0; i < 30; i++) input.findings.push(f(`custom.rule-${i}`, "kube05", "high"));
    const verdict = buildVerdict(input);
    expect(verdict.length).toBeLessThanOrEqual(300);
    expect(verdict).not.toContain("\n");
    expect(verdict).toMatch(/^🔴 Datastore under stress/);
  });

  it("lost quorum leads and names the voters that are down; its consequences are not told again", () => {
    const verdict = buildVerdict({
      reports: reports(["prod-1"]),
      quorum: { ...healthy, state: "lost", aliveVoters: 1, voters: [{}, {}, {}] as QuorumResult["voters"] },
      departedNodes: ["10.0.0.12:19001", "10.0.0.13:19001"].map((address) => ({
        address,
        node: null,
        role: "voter" as const,
        reason: "…",
        hint: "…",
        rule: "departed.unreachable",
      })),
      diskErrors: [],
      findings: [
        f("dqlite.no-leader", "prod-1", "critical", { sustained: true }),
        f("dqlite.query-deadline", "prod-1", "high", { sustained: true }),
        f("kubelite.startup-deadline", "prod-1", "critical", { sustained: true }),
        f("apiserver.unreachable", "prod-1", "critical", {
          title: "API server unreachable when the report was taken",
        }),
        f("dqlite.peer-unreachable", "prod-1", "high"),
      ],
    });
    expect(verdict).toBe(
      "🔴 Quorum lost: 1 of 3 voters alive — 10.0.0.12:19001 and 10.0.0.13:19001 down; API server unreachable when the report was taken",
    );
  });

  it("a live node that left a stale record behind is never called departed", () => {
    const verdict = buildVerdict({ ...incident(), findings: [], diskErrors: [] });
    expect(verdict).toBe("🟡 Stale dqlite record of kube07 (old ID 9163…) should be removed");
    expect(verdict).not.toMatch(/kube07 \(192\.168\.0\.59:19001\) departed/);
  });

  it("a serious finding on several nodes is one clause naming them; one report needs no node name", () => {
    const input: VerdictInput = {
      reports: reports(),
      quorum: healthy,
      departedNodes: [],
      diskErrors: [],
      findings: ["kube06", "kube05"].map((n) =>
        f("cert.expired", n, "high", { title: "Certificate expired" }),
      ),
    };
    expect(buildVerdict(input)).toBe("🟠 Certificate expired on kube05, kube06");
    expect(buildVerdict({ ...input, reports: reports(["kube05"]), findings: [input.findings[1]!] })).toBe(
      "🟠 Certificate expired",
    );
  });

  it("nothing serious: green, or yellow with the medium finding worth a look", () => {
    const base: VerdictInput = {
      reports: reports(["devbox"]),
      quorum: { ...healthy, state: "not-ha", voters: [{}] as QuorumResult["voters"] },
      departedNodes: [],
      diskErrors: [],
      findings: [],
    };
    expect(buildVerdict(base)).toBe("🟢 No known problem found in 1 report (single-node datastore, not HA)");
    expect(buildVerdict({ ...base, findings: [f("kubelite.crashloop", "devbox", "low")] })).toMatch(
      /^🟢 No known problem/,
    );
    expect(
      buildVerdict({ ...base, findings: [f("mem.low", "devbox", "medium", { title: "Low memory" })] }),
    ).toBe(
      "🟡 No serious problem found in 1 report (single-node datastore, not HA); worth a look: Low memory",
    );
  });
});
