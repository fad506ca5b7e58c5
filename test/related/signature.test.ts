import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redact } from "../../src/redact/redact.js";
import {
  analysisSignature,
  normaliseLine,
  parseStoredSignature,
  signatureTokens,
  storedSignature,
} from "../../src/related/signature.js";
import type { AnalysisResult, Finding } from "../../src/result/types.js";

// Real lines from the shared report-format notes (issues #3706, #3227, #3401, longhorn#4925, #3859, #3448).
const DEADLINE_3706 =
  'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"';
const DEADLINE_3227 =
  'May 26 19:01:44 node02 microk8s.daemon-k8s-dqlite[1365]: time="2023-05-26T19:01:44+10:00" level=error msg="error while range on /registry/leases/kube-system/apiserver-kjyqtto24pdthbxs3qj5czwgvi : query (try: 0): context deadline exceeded"';
const DEADLINE_3401 =
  'Aug 22 18:40:50 microk8s6-1 microk8s.daemon-k8s-dqlite[10987]: time="2022-08-22T18:40:50Z" level=error msg="error while range on /registry/pods/kube-system/calico-kube-controllers-7bf8546cfb-j2rtr : query (try: 0): context deadline exceeded"';
const IO_ERROR_4925 =
  "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0";
const LOCK_3859 =
  'microk8s.daemon-kubelite[53319]: E0320 20:46:08.223079   53319 leaderelection.go:367] Failed to update lock: Put "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=15s": context deadline exceeded';
const LEADER_3448 =
  "Sep 15 14:14:23 staging-a-3-mks.rohea.com microk8s.daemon-kubelite[1007360]: F0915 14:14:23.073580 1007360 controllermanager.go:287] leaderelection lost";

describe("normaliseLine", () => {
  it("makes the same error from different clusters, times and keys identical", () => {
    const a = normaliseLine(DEADLINE_3706, ["mk8s01"]);
    expect(a).toBe(normaliseLine(DEADLINE_3227, ["node02"]));
    expect(a).toBe(normaliseLine(DEADLINE_3401, ["microk8s6-1"]));
    expect(a).toBe(
      'time="<time>" level=error msg="error while range on /registry/<key> : query (try: <n>): context deadline exceeded"',
    );
  });

  it("strips devices, sectors, flags and the dmesg clock", () => {
    const other =
      "[  306.925814] blk_update_request: I/O error, dev nvme0n1p2, sector 68537656 op 0x1:(WRITE) flags 0x103000 phys_seg 1 prio class 0";
    expect(normaliseLine(IO_ERROR_4925)).toBe(normaliseLine(other));
    expect(normaliseLine(IO_ERROR_4925)).toBe(
      "blk_update_request: i/o error, dev <dev>, sector <n> op <hex>:(write) flags <hex> phys_seg <n> prio class <n>",
    );
  });

  it("strips the klog header, loopback addresses and timeouts, keeping the message", () => {
    expect(normaliseLine(LOCK_3859)).toBe(
      'failed to update lock: put "https://<ip>/apis/<host>/<n>/namespaces/kube-system/leases/kube-controller-manager?timeout=<n>s": context deadline exceeded',
    );
    expect(normaliseLine(LEADER_3448)).toBe("leaderelection lost");
  });

  it("replaces IPs with ports, IPv6, UUIDs, hex ids, pod hashes, node names and host names", () => {
    const line =
      "kube07 cannot reach 192.168.0.59:19001 or [fd00::1]:19001 (fd00:1:2::3) for pod coredns-7745f9f87f-x2x9z uid 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b id 3f9a0c1b2d4e at db1.corp.example.com";
    expect(normaliseLine(line, ["kube07"])).toBe(
      "<node> cannot reach <ip> or <ip> (<ip>) for pod coredns-<pod> uid <uuid> id <hex> at <host>",
    );
  });

  it("is total, bounded and fast on hostile input", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3_000 }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        (text, nodes) => {
          const line = normaliseLine(text, nodes);
          expect(line.length).toBeLessThanOrEqual(240);
          expect(line).toBe(line.toLowerCase());
        },
      ),
    );
    const pathological = [
      `${"a-".repeat(5_000)}.com`,
      "1234567890abcdef".repeat(1_000),
      "1:".repeat(5_000),
      `${"a.".repeat(5_000)}x`,
    ];
    const started = Date.now();
    for (const text of pathological) normaliseLine(text, ["a", "node-1"]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("does not touch words that only look like suffixes or versions inside names", () => {
    expect(normaliseLine("EXT4-fs error on k8s x509 check")).toBe("ext4-fs error on k8s x509 check");
  });
});

function finding(id: string, node: string, extra: Partial<Finding> = {}): Finding {
  return { id, severity: "high", title: id, node, count: 25, evidence: [], docs: null, ...extra };
}

function clusterResult(
  node: string,
  ip: string,
  deadline: string,
  extra: Partial<AnalysisResult> = {},
): AnalysisResult {
  return {
    schemaVersion: 1,
    reports: [
      { source: `${node}.tar.gz`, node, role: "control-plane", microk8sVersion: "v1.28.3", error: null },
    ],
    quorum: {
      state: "lost",
      voters: [{ id: "1", address: `${ip}:19001`, node }],
      standBys: [],
      spares: [],
      quorumSize: 2,
      aliveVoters: 1,
    },
    departedNodes: [],
    diskErrors: [
      {
        node,
        device: "sdb",
        kind: "fs-error",
        count: 3,
        sample:
          "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0",
      },
    ],
    findings: [
      finding("dqlite.query-deadline", node, {
        sustained: true,
        evidence: [{ file: "snap.microk8s.daemon-k8s-dqlite/journal.log", line: 10, text: deadline }],
      }),
      finding("quorum.self-role", node, { severity: "info" }),
    ],
    ...extra,
  };
}

describe("analysisSignature", () => {
  const a = analysisSignature(clusterResult("mk8s01", "10.0.0.1", DEADLINE_3706));
  const b = analysisSignature(clusterResult("node02", "192.168.7.9", DEADLINE_3227));

  it("lists what fired: finding ids, sustained, quorum state, disk kind with the filesystem; not info findings", () => {
    expect(a.ids).toEqual([
      "disk.fs-error.ext4",
      "dqlite.query-deadline",
      "dqlite.query-deadline:sustained",
      "quorum.lost",
    ]);
    expect(a.weights["quorum.lost"]).toBeGreaterThan(a.weights["dqlite.query-deadline:sustained"]!);
  });

  it("two clusters with the same failure get the same key, whatever their names, addresses and times", () => {
    expect(b.key).toBe(a.key);
    expect(b.idsKey).toBe(a.idsKey);
    expect(a.key).toMatch(/^[0-9a-f]{12}$/);
  });

  it("a different failure gets a different key; the same ids with other log lines keep the ids key", () => {
    const other = analysisSignature(
      clusterResult("mk8s01", "10.0.0.1", DEADLINE_3706, {
        findings: [finding("dqlite.no-leader", "mk8s01", { severity: "critical" })],
      }),
    );
    expect(other.key).not.toBe(a.key);
    const otherLines = analysisSignature(
      clusterResult("mk8s01", "10.0.0.1", "totally different error text here"),
    );
    expect(otherLines.key).not.toBe(a.key);
    expect(otherLines.idsKey).toBe(a.idsKey);
  });

  it("does not depend on the order of findings", () => {
    const result = clusterResult("mk8s01", "10.0.0.1", DEADLINE_3706);
    result.findings.push(finding("kubelite.crashloop", "mk8s01", { severity: "medium" }));
    const reversed = { ...result, findings: [...result.findings].reverse() };
    expect(analysisSignature(reversed).key).toBe(analysisSignature(result).key);
  });

  it("is empty for an analysis where nothing fired", () => {
    const healthy = clusterResult("mk8s01", "10.0.0.1", DEADLINE_3706, {
      quorum: { state: "not-ha", voters: [], standBys: [], spares: [], quorumSize: 1, aliveVoters: 1 },
      diskErrors: [],
      findings: [],
    });
    expect(analysisSignature(healthy).ids).toEqual([]);
  });
});

describe("stored signatures and tokens", () => {
  const signature = analysisSignature(clusterResult("mk8s01", "10.0.0.1", DEADLINE_3706));

  it("round-trips through the hidden state form with short line hashes", () => {
    const stored = storedSignature(signature);
    expect(stored.lines.every((hash) => /^[0-9a-f]{10}$/.test(hash))).toBe(true);
    expect(parseStoredSignature(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it("rejects junk read back from a comment", () => {
    expect(parseStoredSignature(null)).toBeNull();
    expect(parseStoredSignature({ key: "<script>" })).toBeNull();
    expect(
      parseStoredSignature({
        key: "abcdef012345",
        ids: [1, "ok", "x".repeat(500)],
        lines: ["zz", "abcdef0123"],
      }),
    ).toEqual({
      key: "abcdef012345",
      ids: ["ok"],
      lines: ["abcdef0123"],
    });
  });

  it("tokens are single words that redaction leaves alone", () => {
    const tokens = signatureTokens(signature);
    expect(tokens[0]).toBe(`rtsig${signature.key}`);
    expect(tokens[1]).toBe(`rtids${signature.idsKey}`);
    expect(tokens.slice(2).every((token) => /^rtf[0-9a-f]{8}$/.test(token))).toBe(true);
    expect(redact(tokens.join(" "))).toBe(tokens.join(" "));
  });
});
