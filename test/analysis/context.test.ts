/**
 * Findings in the context of the report's time: lines repeated by systemctl.log or by every copy of
 * the cluster dump count once, trouble that ended long before the report no longer alarms, and a
 * symptom next to its cause adds no severity.
 */
import { describe, expect, it } from "vitest";
import { analyzeDisks } from "../../src/analysis/disk.js";
import { signatureFindings } from "../../src/analysis/signatures.js";
import { errorBursts } from "../../src/analysis/timeline.js";
import type { KernelEvent } from "../../src/parsers/types.js";
import type { Finding } from "../../src/result/types.js";
import type { SignatureHit } from "../../src/rules/types.js";
import { catalogue, controlPlane, DQLITE_JOURNAL, hit, journal, k8sNode, peerLine, T0 } from "./support.js";

const cat = catalogue();
const KUBELITE_JOURNAL = "snap.microk8s.daemon-kubelite/journal.log";
const KUBELITE_SYSTEMCTL = "snap.microk8s.daemon-kubelite/systemctl.log";
const DUMP = "k8s/cluster-info-dump";

/** Real systemd lines of a kubelite restart (shape from the React-To-do-list report). */
const EXITED =
  "Oct 29 17:41:08 microk8s-vm systemd[1]: snap.microk8s.daemon-kubelite.service: Main process exited, code=exited, status=255/EXCEPTION";

function crashloop(fromMinute: number, toMinute: number, counter: number): SignatureHit {
  return hit("kubelite.crashloop", KUBELITE_JOURNAL, {
    count: counter * 3,
    maxCapture: counter,
    samples: [{ line: 5977, text: EXITED }],
    perMinute: [
      [T0 + fromMinute, 3],
      [T0 + toMinute, 3],
    ],
  });
}

/** A node whose kubelite journal ends at `end` ("Feb 06 HH:MM:SS") with the given `Active:` state. */
function kubeliteNode(hits: SignatureHit[], state: string, end = "Feb 06 18:52:40") {
  const report = controlPlane({ node: "kube05", ip: "10.0.0.5", hits });
  report.parsed.journals[KUBELITE_JOURNAL] = journal(KUBELITE_JOURNAL, "kube05", { lastTimestamp: end });
  report.parsed.journals[KUBELITE_SYSTEMCTL] = journal(KUBELITE_SYSTEMCTL, "kube05", {
    lastTimestamp: end,
    activeState: state,
  });
  return report;
}

function only(findings: Finding[], id: string): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

describe("restart loops that are over", () => {
  it("a loop that ended 40 min before the log ends, service running: low, and says so", () => {
    const f = only(
      signatureFindings([kubeliteNode([crashloop(0, 1, 3)], "active (running)")], cat),
      "kubelite.crashloop",
    );
    expect(f.severity).toBe("low");
    expect(f.title).toBe(
      "kubelite restarted 3 times at 18:00–18:01, then ran without a restart for 51 min (active (running) when the report was taken)",
    );
  });

  it("a short start-up episode with a low counter, service running since: low, without claiming a duration", () => {
    const report = kubeliteNode([crashloop(40, 41, 3)], "active (running)", "Feb 06 18:42:53");
    const f = only(signatureFindings([report], cat), "kubelite.crashloop");
    expect(f.severity).toBe("low");
    expect(f.title).toBe(
      "kubelite restarted 3 times at 18:40–18:41, then kept running (active (running) when the report was taken)",
    );
  });

  it("still looping (auto-restart), spread over the last hour, or a high counter: the catalogue severity stays", () => {
    const looping = kubeliteNode([crashloop(0, 1, 3)], "activating (auto-restart)");
    expect(only(signatureFindings([looping], cat), "kubelite.crashloop").severity).toBe("high");
    const spread = kubeliteNode([crashloop(0, 41, 3)], "active (running)", "Feb 06 18:52:00");
    expect(only(signatureFindings([spread], cat), "kubelite.crashloop").title).toBe(
      "Catalogue title of kubelite.crashloop",
    );
    const many = kubeliteNode([crashloop(45, 46, 187)], "active (running)");
    expect(only(signatureFindings([many], cat), "kubelite.crashloop").severity).toBe("critical");
  });
});

describe("peers that came back", () => {
  it("failures that stopped long before the log ends: low, titled with when they stopped", () => {
    const past = hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
      count: 77,
      sustained: true,
      captures: ["10.0.0.7:19001"],
      samples: [{ line: 282, text: peerLine("10.0.0.7:19001") }],
      perMinute: Array.from({ length: 52 }, (_, i) => [T0 - 76 + i, 2] as [number, number]),
    });
    const f = only(
      signatureFindings([controlPlane({ node: "kube05", ip: "10.0.0.5", hits: [past] })], cat),
      "dqlite.peer-unreachable",
    );
    expect(f.severity).toBe("low");
    expect(f.title).toBe("A dqlite peer could not be reached until 17:35, not since: 10.0.0.7:19001");
  });
});

describe("symptoms next to their cause", () => {
  const sustained = (id: string, count: number) =>
    hit(id, DQLITE_JOURNAL, { count, sustained: true, perMinute: [[T0, count]] });

  it("query-canceled is capped at medium next to sustained query deadlines on the same node", () => {
    const both = signatureFindings(
      [
        controlPlane({
          node: "kube05",
          ip: "10.0.0.5",
          hits: [sustained("dqlite.query-deadline", 900), sustained("dqlite.query-canceled", 200)],
        }),
      ],
      cat,
    );
    expect(only(both, "dqlite.query-deadline").severity).toBe("high");
    expect(only(both, "dqlite.query-canceled").severity).toBe("medium");
    const alone = signatureFindings(
      [controlPlane({ node: "kube05", ip: "10.0.0.5", hits: [sustained("dqlite.query-canceled", 200)] })],
      cat,
    );
    expect(only(alone, "dqlite.query-canceled").severity).toBe("high");
  });

  it("the timeline follows the final severity: a capped symptom draws no bursts", () => {
    const reports = [
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        hits: [sustained("dqlite.query-deadline", 900), sustained("dqlite.query-canceled", 200)],
      }),
    ];
    const findings = signatureFindings(reports, cat);
    expect(errorBursts(reports, cat, findings).map((b) => b.findingId)).toEqual(["dqlite.query-deadline"]);
    // Without the final findings the rule's own rating decides (both high).
    expect(
      errorBursts(reports, cat)
        .map((b) => b.findingId)
        .sort(),
    ).toEqual(["dqlite.query-canceled", "dqlite.query-deadline"]);
  });
});

describe("the cluster dump, copied into every report", () => {
  const REASON = '            "reason": "NodeNotReady",';
  const MESSAGE = '            "message": "Node kube07 status is now: NodeNotReady",';
  const event = () =>
    hit("node.not-ready-event", DUMP, {
      count: 2,
      samples: [
        { line: 594, text: REASON },
        { line: 595, text: MESSAGE },
      ],
      perMinute: [],
      firstSeen: null,
      lastSeen: null,
    });
  const rules = catalogue([
    ...cat.rules,
    {
      id: "node.not-ready-event",
      severity: "medium",
      title: "Node went NotReady",
      meaning: "",
      docs: null,
      files: [DUMP],
      regex: "NodeNotReady",
    },
  ]);

  it("is read once: one cluster-wide finding, counted once, evidence from one copy", () => {
    const nodes = ["kube05", "kube06", "kube07"].map((n, i) =>
      k8sNode(n, `10.0.0.${5 + i}`, n === "kube07" ? "False" : "True"),
    );
    const reports = ["kube05", "kube06", "kube07"].map((node, i) =>
      controlPlane({ node, ip: `10.0.0.${5 + i}`, hits: [event()], nodes }),
    );
    const f = only(signatureFindings(reports, rules), "node.not-ready-event");
    expect(f).toMatchObject({ node: null, count: 2, severity: "medium" });
    expect(f.evidence.map((e) => [e.line, e.source])).toEqual([
      [594, reports[0]!.source],
      [595, reports[0]!.source],
    ]);
  });

  it("a NotReady event about a node that is Ready now is history: info, naming the node", () => {
    const nodes = ["kube05", "kube07"].map((n, i) => k8sNode(n, `10.0.0.${5 + i * 2}`));
    const reports = [controlPlane({ node: "kube05", ip: "10.0.0.5", hits: [event()], nodes })];
    const f = only(signatureFindings(reports, rules), "node.not-ready-event");
    expect(f).toMatchObject({ severity: "info", title: "kube07 went NotReady earlier and is Ready now" });
  });
});

describe("ext4's periodic error summaries", () => {
  const SUMMARY = [
    "[1209632.000033] EXT4-fs (sdb): last error at time 1675619843: __ext4_find_entry:1658: inode 2",
    "[1209632.000198] EXT4-fs (sdb): initial error at time 1675101190: __ext4_find_entry:1658: inode 2",
    "[1209632.000488] EXT4-fs (sdb): error count since last fsck: 37",
  ];
  const ERROR =
    "[1233385.406362] EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0";
  const ev = (text: string, line: number): KernelEvent => ({
    kind: "fs-error",
    device: "sdb",
    line,
    text,
    timestamp: /^\[[^\]]+\]/.exec(text)![0],
  });
  const node = (events: KernelEvent[]) =>
    controlPlane({
      node: "kube06",
      ip: "10.0.0.6",
      extra: { kernel: { lines: 400, events, eventCounts: { "fs-error:sdb": events.length } } },
    });

  it("next to actual error lines, are neither counted nor the sample", () => {
    const events = [
      ...SUMMARY.map((t, i) => ev(t, 272 + i)),
      ev(ERROR, 281),
      ev(ERROR.replace("1233385", "1233387"), 285),
    ];
    const { diskErrors, findings } = analyzeDisks([node(events)], cat);
    expect(diskErrors).toEqual([
      expect.objectContaining({
        device: "sdb",
        kind: "fs-error",
        count: 2,
        sample: ERROR.replace(/^\[[^\]]+\]\s*/, ""),
        firstSeen: "[1233385.406362]",
        line: 281,
      }),
    ]);
    const ext4 = only(findings, "kernel.ext4-error");
    expect(ext4.count).toBe(2);
    expect(ext4.evidence.map((e) => e.line)).toEqual([281, 285]);
  });

  it("alone (errors recorded before this boot), still tell that the filesystem has errors", () => {
    const { diskErrors } = analyzeDisks([node(SUMMARY.map((t, i) => ev(t, 272 + i)))], cat);
    expect(diskErrors).toEqual([expect.objectContaining({ kind: "fs-error", count: 3, line: 272 })]);
    expect(diskErrors[0]!.sample).toMatch(/^EXT4-fs \(sdb\): last error at time/);
  });
});
