import { describe, expect, it } from "vitest";
import { signatureFindings } from "../../src/analysis/signatures.js";
import { bursts, errorBursts, minuteLabel } from "../../src/analysis/timeline.js";
import { catalogue, controlPlane, DQLITE_JOURNAL, DQLITE_SYSTEMCTL, hit, T0 } from "./support.js";

const cat = catalogue();
const KUBELITE = "snap.microk8s.daemon-kubelite/journal.log";

/** Real lines from report-format.md §4.A/§4.B. */
const DEADLINE =
  'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"';
const CANCELED =
  'Dec 14 17:58:35 ces-yeg1-k103 microk8s.daemon-k8s-dqlite[19886]: time="2022-12-14T17:58:35Z" level=error msg="error in txn: query (try: 0): context canceled"';

function report(node: string, hits: ReturnType<typeof hit>[]) {
  return controlPlane({ node, ip: node === "kube05" ? "10.0.0.5" : "10.0.0.6", hits });
}

describe("signatureFindings", () => {
  it("one finding per (rule, node), merging the node's files; evidence spread over files", () => {
    const deadlineSamples = [1, 2, 3].map((i) => ({
      line: 100 + i,
      text: DEADLINE.replace("20:22:45", `20:22:4${i}`),
    }));
    const findings = signatureFindings(
      [
        report("kube05", [
          hit("dqlite.query-deadline", DQLITE_JOURNAL, {
            count: 300,
            sustained: true,
            samples: deadlineSamples,
          }),
          hit("dqlite.query-deadline", DQLITE_SYSTEMCTL, {
            count: 2,
            samples: [{ line: 9, text: DEADLINE.replace("20:22:45", "20:52:00") }],
          }),
        ]),
        report("kube06", [hit("dqlite.query-deadline", DQLITE_JOURNAL, { count: 50, sustained: true })]),
      ],
      cat,
    );
    // systemctl.log repeats the journal's last lines (within its time range): counted once, still shown.
    expect(findings.map((f) => [f.id, f.node, f.count])).toEqual([
      ["dqlite.query-deadline", "kube05", 300],
      ["dqlite.query-deadline", "kube06", 50],
    ]);
    const kube05 = findings[0];
    expect(kube05.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      `${DQLITE_JOURNAL}:101`,
      `${DQLITE_SYSTEMCTL}:9`,
      `${DQLITE_JOURNAL}:102`,
    ]);
    expect(kube05).toMatchObject({
      severity: "high",
      sustained: true,
      title: "Catalogue title of dqlite.query-deadline",
      meaning: "Catalogue meaning of dqlite.query-deadline",
    });
  });

  it("an isolated hit of a rule with a sustained threshold is lowered and marked", () => {
    const [finding] = signatureFindings(
      [
        report("kube05", [
          hit("dqlite.query-deadline", DQLITE_JOURNAL, { count: 1, samples: [{ line: 7, text: DEADLINE }] }),
        ]),
      ],
      cat,
    );
    expect(finding.severity).toBe("low");
    expect(finding.title).toBe("Catalogue title of dqlite.query-deadline (isolated)");
    expect(finding.sustained).toBe(false);
    const [critical] = signatureFindings(
      [report("kube05", [hit("dqlite.no-leader", DQLITE_JOURNAL, { count: 2 })])],
      cat,
    );
    // critical → two steps → medium
    expect(critical.severity).toBe("medium");
  });

  it("escalates when sustained, or when a numeric capture passes its threshold", () => {
    const sustained = signatureFindings(
      [
        report("kube05", [
          hit("dqlite.query-canceled", DQLITE_JOURNAL, {
            count: 80,
            sustained: true,
            samples: [{ line: 1, text: CANCELED }],
          }),
        ]),
      ],
      cat,
    );
    expect(sustained[0].severity).toBe("high");
    const oneOff = signatureFindings(
      [report("kube05", [hit("dqlite.query-canceled", DQLITE_JOURNAL, { count: 3 })])],
      cat,
    );
    // No sustained threshold on this rule: stays at its own severity, no "(isolated)".
    expect(oneOff[0]).toMatchObject({
      severity: "medium",
      title: "Catalogue title of dqlite.query-canceled",
    });
    const loop = (counter: number) =>
      signatureFindings(
        [report("kube05", [hit("kubelite.crashloop", KUBELITE, { count: 5, maxCapture: counter })])],
        cat,
      )[0].severity;
    expect(loop(3)).toBe("high");
    expect(loop(120)).toBe("critical");
  });

  it("skips noise rules and hits with no lines; unknown rule ids get a fallback title", () => {
    const findings = signatureFindings(
      [
        report("kube05", [
          hit("containerd.cgroup-v2-stats", "snap.microk8s.daemon-containerd/journal.log", { count: 500 }),
          hit("dqlite.query-deadline", DQLITE_JOURNAL, { count: 0, samples: [] }),
          hit("custom.repo-rule", KUBELITE, { count: 2 }),
        ]),
      ],
      cat,
    );
    expect(findings.map((f) => f.id)).toEqual(["custom.repo-rule"]);
    expect(findings[0].title).toBe("custom: repo rule");
  });

  it("firstSeen/lastSeen span all files, ordered by their minute buckets", () => {
    const [finding] = signatureFindings(
      [
        report("kube05", [
          hit("dqlite.query-deadline", DQLITE_JOURNAL, {
            count: 30,
            sustained: true,
            firstSeen: "Feb 06 18:10:00",
            lastSeen: "Feb 06 18:20:00",
            perMinute: [
              [T0 + 10, 15],
              [T0 + 20, 15],
            ],
          }),
          hit("dqlite.query-deadline", DQLITE_SYSTEMCTL, {
            count: 2,
            firstSeen: "Feb 06 18:05:00",
            lastSeen: "Feb 06 18:52:00",
            perMinute: [
              [T0 + 5, 1],
              [T0 + 52, 1],
            ],
          }),
        ]),
      ],
      cat,
    );
    expect(finding.firstSeen).toBe("Feb 06 18:05:00");
    expect(finding.lastSeen).toBe("Feb 06 18:52:00");
  });
});

describe("timeline", () => {
  it("merges minutes with gaps of at most five minutes", () => {
    const merged = bursts(
      new Map([
        [T0, 2],
        [T0 + 5, 1],
        [T0 + 11, 4],
        [T0 + 12, 1],
      ]),
    );
    expect(merged).toEqual([
      { start: T0, end: T0 + 5, count: 3 },
      { start: T0 + 11, end: T0 + 12, count: 5 },
    ]);
    expect(minuteLabel(T0)).toBe("2023-02-06T18:00");
  });

  it("errorBursts keeps critical/high rules only, per node, oldest first", () => {
    const reports = [
      report("kube06", [
        hit("dqlite.no-leader", DQLITE_JOURNAL, {
          count: 60,
          sustained: true,
          perMinute: [
            [T0 + 30, 30],
            [T0 + 31, 30],
          ],
        }),
      ]),
      report("kube05", [
        hit("dqlite.query-deadline", DQLITE_JOURNAL, {
          count: 40,
          sustained: true,
          perMinute: [
            [T0, 20],
            [T0 + 3, 20],
          ],
        }),
        // medium: not in the timeline
        hit("dqlite.query-canceled", DQLITE_JOURNAL, { count: 5, perMinute: [[T0 + 1, 5]] }),
        // isolated high → lowered: not in the timeline
        hit("dqlite.peer-unreachable", DQLITE_JOURNAL, { count: 2, perMinute: [[T0 + 2, 2]] }),
      ]),
    ];
    expect(errorBursts(reports, cat)).toEqual([
      {
        node: "kube05",
        findingId: "dqlite.query-deadline",
        start: "2023-02-06T18:00",
        end: "2023-02-06T18:03",
        count: 40,
      },
      {
        node: "kube06",
        findingId: "dqlite.no-leader",
        start: "2023-02-06T18:30",
        end: "2023-02-06T18:31",
        count: 60,
      },
    ]);
  });
});
