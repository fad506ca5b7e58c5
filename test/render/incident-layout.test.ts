/**
 * What makes the comment readable on a multi-node incident (#3735): one entry per finding across
 * nodes, minor entries folded away, a short timeline, boot-relative kernel times, and a stale
 * record drawn as such next to the live record of the same host.
 */
import { describe, expect, it } from "vitest";
import { entryHeader, groupFindings } from "../../src/render/findings.js";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown, SECTION_TITLES } from "../../src/render/markdown.js";
import { formatRange, formatTimestamp } from "../../src/render/md-text.js";
import { membershipDiagram } from "../../src/render/mermaid.js";
import { timelineSection } from "../../src/render/timeline.js";
import type { AnalysisResult, Finding, TimelineBurst } from "../../src/result/types.js";
import { DEADLINE_LINE, detailsBalanced, emptyResult, splitFences } from "./helpers.js";

const NODES = ["kube05", "kube06", "kube07", "kube08"];
const COUNTS = [1030, 957, 942, 167];

function deadline(node: string, i: number): Finding {
  return {
    id: "dqlite.query-deadline",
    severity: "high",
    title: "Datastore queries time out (context deadline exceeded)",
    node,
    count: COUNTS[i]!,
    evidence: [1, 2, 3].map((n) => ({
      file: "snap.microk8s.daemon-k8s-dqlite/journal.log",
      line: 100 * (i + 1) + n,
      text: DEADLINE_LINE.replace("mk8s01", node),
      source: `${node}.tar.gz`,
    })),
    docs: "https://github.com/canonical/microk8s/issues/3227",
    meaning: "k8s-dqlite did not answer within the request deadline.",
    firstSeen: `2023-02-06T15:0${5 + i}:05`,
    lastSeen: `2023-02-06T18:${50 - i}:26`,
    sustained: true,
  };
}

function minor(id: string, severity: "low" | "info", node: string): Finding {
  return { id, severity, title: `${id} title`, node, count: 3, evidence: [], docs: null };
}

function incident(): AnalysisResult {
  return emptyResult({
    reports: NODES.map((node) => ({
      source: `${node}.tar.gz`,
      node,
      role: "control-plane" as const,
      microk8sVersion: "v1.26.0",
      error: null,
    })),
    findings: [
      ...NODES.map(deadline),
      minor("dqlite.list-failed", "low", "kube05"),
      minor("dqlite.peer-unreachable", "low", "kube06"),
      minor("quorum.self-role", "info", "kube07"),
    ],
  });
}

function sectionOf(md: string, title: string): string {
  const start = md.indexOf(`\n${title}\n`);
  const rest = md.slice(start + title.length + 2);
  const next = rest.search(/\n### /);
  return next === -1 ? rest : rest.slice(0, next);
}

describe("one entry per finding across nodes", () => {
  it("groups the per-node findings, worst node first, with the overall range", () => {
    const [entry] = groupFindings(NODES.map(deadline));
    expect(entry!.members.map((m) => m.node)).toEqual(NODES);
    expect(entryHeader(entry!)).toBe(
      "🟠 **Datastore queries time out (context deadline exceeded)** (`dqlite.query-deadline`) — kube05 1030×, kube06 957×, kube07 942×, kube08 167×; 2023-02-06 15:05:05 → 18:50:26, sustained — [docs](https://github.com/canonical/microk8s/issues/3227)",
    );
  });

  it("says which nodes are sustained when not all are; other severities or titles stay apart", () => {
    const findings = NODES.map(deadline);
    findings[3] = { ...findings[3]!, sustained: false };
    findings.push({
      ...deadline("kube09", 0),
      severity: "low",
      title: "Datastore queries time out (isolated)",
    });
    const entries = groupFindings(findings);
    expect(entries).toHaveLength(2);
    expect(entryHeader(entries[0]!)).toContain("sustained on kube05, kube06, kube07 —");
  });

  it("the comment has one entry with evidence from the worst nodes; the JSON keeps one finding per node", () => {
    const result = incident();
    const md = renderMarkdown(result);
    const body = sectionOf(md, SECTION_TITLES.findings);
    expect(body.match(/`dqlite\.query-deadline`/g)).toHaveLength(1);
    expect(body).toContain("<details><summary>Evidence (4 of 3096 lines)</summary>");
    const froms = [...body.matchAll(/· from `(kube\d\d)`/g)].map((m) => m[1]);
    expect(froms.slice(0, 4)).toEqual(["kube05", "kube06", "kube07", "kube05"]);
    const json = JSON.parse(renderJson(result));
    expect(
      json.findings.filter((f: Finding) => f.id === "dqlite.query-deadline").map((f: Finding) => f.node),
    ).toEqual(NODES);
  });

  it("low and info entries fold into one collapsed block after the serious ones", () => {
    const md = renderMarkdown(incident());
    const body = sectionOf(md, SECTION_TITLES.findings);
    const fold = body.indexOf(
      "<details><summary>3 minor findings (low, info): isolated lines, past events and notes</summary>",
    );
    expect(fold).toBeGreaterThan(body.indexOf("`dqlite.query-deadline`"));
    for (const id of ["dqlite.list-failed", "dqlite.peer-unreachable", "quorum.self-role"]) {
      expect(body.indexOf(`\`${id}\``)).toBeGreaterThan(fold);
    }
    expect(detailsBalanced(md)).toBe(true);
    // A single minor entry is shown as it is.
    const one = renderMarkdown(emptyResult({ findings: [minor("quorum.single-node", "info", "devbox")] }));
    expect(one).not.toContain("minor findings");
    expect(one).toContain("`quorum.single-node`");
  });

  it("kernel disk findings point to the Disk errors section instead of repeating its samples", () => {
    const result = emptyResult({
      diskErrors: [
        {
          node: "kube06",
          device: "sdb",
          kind: "io-error",
          count: 36,
          sample: "blk_update_request: I/O error, dev sdb",
        },
      ],
      findings: [
        {
          id: "kernel.io-error",
          severity: "critical",
          title: "Disk I/O errors: sdb",
          node: "kube06",
          count: 36,
          evidence: [
            {
              file: "apparmor/dmesg",
              line: 279,
              text: "[1233383.000332] blk_update_request: I/O error, dev sdb",
            },
          ],
          docs: null,
          meaning: "The kernel reports failed block I/O.",
        },
      ],
    });
    const body = sectionOf(renderMarkdown(result), SECTION_TITLES.findings);
    expect(body).toContain("The kernel reports failed block I/O. Sample lines are under Disk errors above.");
    expect(body).not.toContain("apparmor/dmesg:279");
  });
});

describe("times", () => {
  it("dmesg stamps are seconds since boot and are shown as such, never as a date", () => {
    expect(formatTimestamp("[1233383.000332]")).toBe("14 d 06:36:23 after boot");
    expect(formatTimestamp("[  306.925814]")).toBe("00:05:06 after boot");
    expect(formatRange("[1233383.000332]", "[1238963.158295]")).toBe(
      "14 d 06:36:23 → 14 d 08:09:23 after boot",
    );
    expect(formatRange("1233383.000332s after boot", "1233383.000332s after boot")).toBe(
      "14 d 06:36:23 after boot",
    );
  });

  it("journal times without a year shorten like dated ones on the same day", () => {
    expect(formatRange("Oct 29 17:41:08", "Oct 29 17:41:17")).toBe("Oct 29 17:41:08 → 17:41:17");
    expect(formatRange("Oct 29 23:59:00", "Oct 30 00:01:00")).toBe("Oct 29 23:59:00 → Oct 30 00:01:00");
    expect(formatRange("2023-02-06T15:05:05", "2023-02-06T18:50:26")).toBe("2023-02-06 15:05:05 → 18:50:26");
  });
});

describe("timeline", () => {
  function burst(
    node: string,
    findingId: string,
    startMin: number,
    endMin: number,
    count: number,
  ): TimelineBurst {
    const at = (m: number) =>
      `2023-02-06T${String(15 + Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    return { node, findingId, start: at(startMin), end: at(endMin), count };
  }

  it("lists only the 8 largest bursts, in time order, and says how many there were", () => {
    const bursts = Array.from({ length: 20 }, (_, i) =>
      burst(NODES[i % 4]!, "dqlite.query-deadline", i * 10, i * 10 + 5, i + 1),
    );
    const section = timelineSection(bursts)!;
    expect(section).toContain("The 8 largest bursts of 20, in time order:");
    const rows = section.split("\n").filter((l) => l.startsWith("| kube"));
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => Number(r.split("|")[5]))).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it("bars tell the datastore from the Kubernetes side, with a legend of the ids behind them", () => {
    const section = timelineSection([
      burst("kube05", "dqlite.query-deadline", 0, 60, 900),
      burst("kube06", "kubelite.lease-renew-timeout", 120, 180, 200),
    ])!;
    const chart = splitFences(section).blocks[0]!.lines;
    expect(chart.find((l) => l.startsWith("kube05"))).toMatch(/│█+·+│$/);
    expect(chart.find((l) => l.startsWith("kube06"))).toMatch(/│·+▓+│$/);
    expect(chart).toContain("█ datastore: dqlite.query-deadline");
    expect(chart).toContain("▓ Kubernetes: kubelite.lease-renew-timeout");
  });
});

describe("a host listed twice: stale record and live record", () => {
  function rejoined(): AnalysisResult {
    const seenIn = NODES.map((n) => `${n}.tar.gz`);
    return emptyResult({
      reports: incident().reports,
      quorum: {
        state: "healthy",
        voters: [
          { address: "192.168.0.57:19001", id: "3297041220608546238", node: "kube05", alive: true, seenIn },
          { address: "192.168.0.58:19001", id: "11914522018375938731", node: "kube06", alive: true, seenIn },
          { address: "192.168.0.60:19001", id: "5078925118337474210", node: "kube08", alive: true, seenIn },
        ],
        standBys: [
          { address: "192.168.0.59:19001", id: "16077154127416931473", node: "kube07", alive: true, seenIn },
        ],
        spares: [
          { address: "192.168.0.59:19001", id: "9163427340816295577", node: "kube07", alive: false, seenIn },
        ],
        quorumSize: 2,
        aliveVoters: 3,
        disagreements: [],
        authoritative: "kube08.tar.gz",
      },
      departedNodes: [
        {
          address: "192.168.0.59:19001",
          node: "kube07",
          role: "spare",
          reason: "192.168.0.59 is listed twice in cluster.yaml.",
          hint: 'sudo /snap/microk8s/current/bin/dqlite k8s ".remove 192.168.0.59:19001"',
          rule: "departed.duplicate-record",
          id: "9163427340816295577",
        },
      ],
    });
  }

  it("the diagram marks only the stale record, the live stand-by stays a reporting node", () => {
    const lines = membershipDiagram(rejoined())!.split("\n");
    const standBy = lines.find((l) => l.includes("n3["))!;
    const spare = lines.find((l) => l.includes("n4["))!;
    expect(standBy).toBe('    n3["kube07<br/>192.168.0.59:19001<br/>📄 report"]');
    expect(spare).toBe(
      '    n4["kube07<br/>192.168.0.59:19001<br/>stale record, old ID 9163427340816295577"]',
    );
    expect(lines).toContain("  class n4 down");
    expect(lines).toContain("  class n0,n1,n2,n3 reporting");
  });

  it("the member table says which record is stale, and that the views agree", () => {
    const body = sectionOf(renderMarkdown(rejoined()), SECTION_TITLES.quorum);
    expect(body).toContain("| stand-by | `192.168.0.59:19001` | `16077154127416931473` | kube07 | ✅ up |");
    expect(body).toContain(
      "| spare | `192.168.0.59:19001` | `9163427340816295577` | kube07 | 🗑️ stale record |",
    );
    expect(body).toContain(
      "Membership as seen in `kube08`'s `dqlite/cluster.yaml`. The 4 nodes' views agree.",
    );
  });
});
