import { describe, expect, it } from "vitest";
import {
  COMMENT_MARKER,
  GITHUB_COMMENT_LIMIT,
  renderMarkdown,
  SECTION_TITLES,
} from "../../src/render/markdown.js";
import { parseStateComment } from "../../src/render/state.js";
import type { Finding, Severity } from "../../src/result/types.js";
import {
  DEADLINE_LINE,
  degradedResult,
  detailsBalanced,
  emptyResult,
  finding,
  splitFences,
} from "./helpers.js";

const SECTIONS = [
  SECTION_TITLES.quorum,
  SECTION_TITLES.departed,
  SECTION_TITLES.disk,
  SECTION_TITLES.findings,
];

function sectionBody(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n${title}\n`);
  expect(start, `${title} present`).toBeGreaterThan(-1);
  const rest = markdown.slice(start + title.length + 2);
  const next = rest.search(/\n### /);
  return next === -1 ? rest : rest.slice(0, next);
}

describe("renderMarkdown: layout", () => {
  it("starts with the hidden marker, then the bold verdict with an emoji", () => {
    const md = renderMarkdown(degradedResult());
    const lines = md.split("\n");
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(COMMENT_MARKER).toBe("<!-- report-triage -->");
    const verdict = lines.find((l, i) => i > 0 && l.trim() !== "")!;
    // The disk fs-error and the critical finding make it critical.
    expect(verdict).toBe("🔴 **Datastore degraded: one voter is down**");
  });

  it("has every section, in order, each saying 'none found' when empty", () => {
    const md = renderMarkdown(emptyResult());
    const positions = SECTIONS.map((s) => md.indexOf(`\n${s}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const title of SECTIONS) expect(sectionBody(md, title)).toMatch(/none found/i);
    // With no problems the verdict is a clear all-clear.
    expect(md.split("\n")[2]).toBe("✅ **No known problems found in 1 report.**");
  });

  it("lists each analysed report and each unreadable one on its own line with its error", () => {
    const md = renderMarkdown(degradedResult());
    expect(md).toContain(
      "**2 reports analysed:** `kube05` (control-plane, v1.26.0) · `kube06` (control-plane, v1.26.0)",
    );
    expect(md.split("\n")).toContain("- ❌ `broken.tar.gz` could not be read: not a gzip file");
  });

  it("says so when no report could be read, and never hides the failures", () => {
    const md = renderMarkdown(
      emptyResult({
        reports: [
          { source: "a.tar.gz", node: null, role: "unknown", microk8sVersion: null, error: "truncated gzip" },
          {
            source: "b.tgz",
            node: null,
            role: "unknown",
            microk8sVersion: null,
            error: "entry escapes the top folder: ../x",
          },
        ],
      }),
    );
    expect(md).toContain("**No report could be analysed.**");
    expect(md).toContain("- ❌ `a.tar.gz` could not be read: truncated gzip");
    expect(md).toContain("- ❌ `b.tgz` could not be read: entry escapes the top folder: ../x");
    expect(md.split("\n")[2]).toBe("⚠️ **None of the attached reports could be read.**");
  });

  it("renders the input notes, extra sections after Other findings, the footer and the state last", () => {
    const state = { analysed: ["sha256:abc--def-->"], version: 1 };
    const md = renderMarkdown(emptyResult(), {
      inputs: [
        { name: "kube05.tar.gz", status: "analysed" },
        {
          name: "screenshot.png",
          status: "not-a-report",
          url: "https://github.com/user-attachments/files/1/screenshot.png",
        },
        { name: "big.tar.gz", status: "failed", detail: "download failed: 404" },
      ],
      extraSections: [{ title: "Related issues", body: "- canonical/microk8s#3706" }],
      state,
    });
    expect(md).toContain(
      "- ➖ [screenshot.png](https://github.com/user-attachments/files/1/screenshot.png) — not an inspection report",
    );
    expect(md).toContain("- ❌ `big.tar.gz` — could not be fetched or read: download failed: 404");
    const extra = md.indexOf("### Related issues");
    expect(extra).toBeGreaterThan(md.indexOf(SECTION_TITLES.findings));
    expect(md.indexOf("/triage help")).toBeGreaterThan(extra);
    const lastLine = md.split("\n").at(-1)!;
    expect(lastLine.startsWith("<!-- report-triage-state: ")).toBe(true);
    // The state cannot end the HTML comment early and survives a round trip.
    expect(lastLine.slice(4, -3)).not.toContain("--");
    expect(parseStateComment(md)).toEqual(state);
  });

  it("is deterministic", () => {
    expect(renderMarkdown(degradedResult())).toBe(renderMarkdown(degradedResult()));
  });
});

describe("renderMarkdown: sections", () => {
  it("quorum: state, sizes, summary, member table and disagreements", () => {
    const body = sectionBody(renderMarkdown(degradedResult()), SECTION_TITLES.quorum);
    expect(body).toContain("🟠 **Degraded** — 3 voters (quorum needs 2, 2 alive) · 1 stand-by · 0 spares");
    expect(body).toContain("One of three voters is down; one more loss freezes the datastore.");
    expect(body).toContain("| Role | Address | ID | Node | Alive | Seen in |");
    expect(body).toContain(
      "| voter | `192.168.0.57:19001` | `3297041220608546238` | kube05 | ✅ up | kube05 |",
    );
    expect(body).toContain(
      '| voter | `[fd00::59]:19001` | `1234` | kube"07 \\[old\\] #\u200D1 | ❌ down |   |',
    );
    expect(body).toContain("| stand-by | `192.168.0.60:19001` | `5678` | kube08 | ❔ unknown |   |");
    expect(body).toContain("- kube06 lists 192.168.0.60:19001 as a stand-by, kube05 does not list it");
  });

  it("departed nodes: who (role, ID), why, and the fix command in a copyable shell block with the docs link", () => {
    const result = degradedResult();
    result.departedNodes[0]!.id = "1234";
    const body = sectionBody(renderMarkdown(result), SECTION_TITLES.departed);
    expect(body).toContain(
      '**kube"07 \\[old\\] #\u200D1** `[fd00::59]:19001` (voter, ID `1234`) — Listed as a voter, but its node is NotReady and peers cannot reach it.',
    );
    expect(body).toContain(
      "Fix ([docs](https://microk8s.io/docs/restore-quorum)):\n\n```shell\nmicrok8s remove-node kube07 --force\n```",
    );
  });

  it("a stale record of a re-join is named as such; prose hints stay inline code", () => {
    const result = degradedResult();
    Object.assign(result.departedNodes[0]!, {
      id: "9163427340816295577",
      role: "spare",
      rule: "departed.duplicate-record",
      hint: "On kube07: `microk8s leave`; then re-join kube07",
    });
    const body = sectionBody(renderMarkdown(result), SECTION_TITLES.departed);
    expect(body).toContain("(spare, ID `9163427340816295577`, stale record)");
    expect(body).toContain(
      "Fix ([docs](https://microk8s.io/docs/restore-quorum)): ``On kube07: `microk8s leave`; then re-join kube07``",
    );
    expect(body).not.toContain("```shell");
  });

  it("a hint with a pipe or backticks cannot break out of its code span", () => {
    const result = degradedResult();
    result.departedNodes[0]!.hint = "microk8s kubectl get nodes | grep `kube07`";
    const body = sectionBody(renderMarkdown(result), SECTION_TITLES.departed);
    const line = body.split("\n").find((l) => l.includes("grep"))!;
    expect(line).toBe(
      "Fix ([docs](https://microk8s.io/docs/restore-quorum)): `` microk8s kubectl get nodes | grep `kube07` ``",
    );
  });

  it("disk errors: table with first/last seen and samples in <details>", () => {
    const body = sectionBody(renderMarkdown(degradedResult()), SECTION_TITLES.disk);
    expect(body).toContain("| Node | Device | Kind | Count | First/last seen |");
    expect(body).toContain("| kube05 | `sdb` | fs-error | 12 | 2023-02-06 10:00:00 → 18:00:00 |");
    expect(body).toContain("<details><summary>Samples (1 of 1)</summary>");
    expect(body).toContain("EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome");
  });

  it("other findings: most severe first, with id, node, count, time range, docs and evidence", () => {
    const result = degradedResult();
    result.findings[1] = {
      ...result.findings[1]!,
      firstSeen: "2023-01-30T20:22:45",
      lastSeen: "2023-01-30T21:00:00",
      count: 431,
      meaning: "The datastore did not answer in time.",
      sustained: true,
    };
    const body = sectionBody(renderMarkdown(result), SECTION_TITLES.findings);
    const order = ["critical finding 2", "medium finding 3", "low finding 1"].map((t) => body.indexOf(t));
    expect(order.every((p) => p >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(body).toContain(
      "🔴 **critical finding 2** (`test.critical-2`, node-2, 431×, 2023-01-30 20:22:45 → 21:00:00, sustained) — [docs](https://microk8s.io/docs/high-availability)",
    );
    expect(body).toContain("The datastore did not answer in time.");
    expect(body).toContain("<details><summary>Evidence (1 of 431 lines)</summary>");
    // Evidence: file:line, then the line in a code block; the reports came from two nodes.
    expect(body).toContain("`snap.microk8s.daemon-k8s-dqlite/journal.log:102`");
    const { blocks } = splitFences(body);
    expect(blocks.some((b) => b.lines.includes(DEADLINE_LINE))).toBe(true);
  });

  it("membership diagram in the quorum section", () => {
    const md = renderMarkdown(degradedResult());
    const mermaid = splitFences(md).blocks.filter((b) => b.info === "mermaid");
    expect(mermaid).toHaveLength(1);
    expect(md.indexOf("```mermaid")).toBeLessThan(md.indexOf(SECTION_TITLES.departed));
  });

  it("a timeline when several nodes report errors, none for one node", () => {
    const bursts = [
      {
        node: "kube05",
        findingId: "dqlite.query-deadline",
        start: "2023-01-30T20:00:00",
        end: "2023-01-30T20:30:00",
        count: 100,
      },
      {
        node: "kube06",
        findingId: "dqlite.query-deadline",
        start: "2023-01-30T20:20:00",
        end: "2023-01-30T22:00:00",
        count: 331,
      },
    ];
    const md = renderMarkdown(emptyResult({ timeline: bursts }));
    const body = sectionBody(md, SECTION_TITLES.timeline);
    expect(body).toContain(
      "| kube06 | `dqlite.query-deadline` | 2023-01-30 20:20:00 | 2023-01-30 22:00:00 | 331 |",
    );
    const chart = splitFences(body).blocks[0]!.lines;
    expect(chart[0]).toContain("2023-01-30 20:00:00 → 2023-01-30 22:00:00");
    // kube05's burst is in the first quarter of the axis, kube06's runs to the end.
    const row05 = chart.find((l) => l.startsWith("kube05"))!;
    const row06 = chart.find((l) => l.startsWith("kube06"))!;
    expect(row05).toMatch(/│█+·+│$/);
    expect(row06).toMatch(/│·+█+│$/);
    expect(md.indexOf(SECTION_TITLES.timeline)).toBeGreaterThan(md.indexOf(SECTION_TITLES.findings));

    const single = renderMarkdown(emptyResult({ timeline: [bursts[0]!] }));
    expect(single).not.toContain(SECTION_TITLES.timeline);
  });
});

describe("renderMarkdown: safety", () => {
  it("evidence containing ``` cannot break out of its code block", () => {
    const nasty = "line with ``` and ```` fences\n```\n</details>\n# not a heading\n@octocat";
    const result = emptyResult({
      findings: [finding("high", 1, { evidence: [{ file: "x.log", line: 1, text: nasty }] })],
    });
    const md = renderMarkdown(result);
    const { blocks, outside } = splitFences(md);
    const block = blocks.find((b) => b.lines.includes("</details>"));
    expect(block, "evidence inside one code block").toBeDefined();
    expect(block!.fence.length).toBeGreaterThanOrEqual(5);
    expect(block!.lines).toEqual(nasty.split("\n"));
    // Nothing of the evidence leaked outside the block.
    expect(outside.some((l) => l.includes("not a heading") || l.includes("@octocat"))).toBe(false);
    expect(detailsBalanced(md)).toBe(true);
  });

  it("HTML in titles, reasons and samples does not render; mentions and issue refs do not fire", () => {
    const result = degradedResult();
    result.findings = [
      finding("high", 1, {
        title: "<img src=x onerror=alert(1)> <details> by @octocat see #123",
        meaning: "ask @canonical/microk8s about it",
      }),
    ];
    result.departedNodes[0]!.reason = "<script>alert(1)</script> reported by @someone";
    const md = renderMarkdown(result);
    const { outside } = splitFences(md);
    const text = outside.join("\n");
    expect(text).not.toContain("<img");
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(text).not.toMatch(/@[A-Za-z0-9]/);
    expect(text).not.toMatch(/#\d/);
    // Only our own <details> tags exist, and they balance.
    expect(detailsBalanced(md)).toBe(true);
  });

  it("redacts secrets again, even when the result was not redacted", () => {
    const token = "3b4c9f2a8d7e6b5c4a3f2e1d0c9b8a7f";
    const result = degradedResult();
    result.findings = [
      finding("high", 1, { evidence: [{ file: "args/kube-apiserver", line: 4, text: `--token=${token}` }] }),
    ];
    result.departedNodes[0]!.hint = `microk8s join 10.0.0.5:25000/${token}`;
    result.verdict = `Bearer ${token}`;
    result.diskErrors[0]!.sample = `password=${token}`;
    const md = renderMarkdown(result, {
      extraSections: [{ title: "Explanation", body: `use --token ${token}` }],
    });
    expect(md).not.toContain(token);
    expect(md).toContain("--token=[REDACTED]");
    expect(md).toContain("10.0.0.5:25000/[REDACTED]");
  });

  it("minSeverity hides lower findings and says how many", () => {
    const result = emptyResult({
      findings: [
        finding("critical", 1),
        finding("medium", 2),
        finding("low", 3),
        finding("info", 4),
        finding("low", 5),
      ],
    });
    const md = renderMarkdown(result, { minSeverity: "medium" });
    const body = sectionBody(md, SECTION_TITLES.findings);
    expect(body).toContain("critical finding 1");
    expect(body).toContain("medium finding 2");
    expect(body).not.toMatch(/low finding \d/);
    expect(body).not.toMatch(/info finding \d/);
    expect(body).toContain(
      "2 low and 1 info findings below 🟡 medium hidden; run the CLI with `--format json` to see them.",
    );

    const none = renderMarkdown(emptyResult({ findings: [finding("low", 1)] }), { minSeverity: "high" });
    const noneBody = sectionBody(none, SECTION_TITLES.findings);
    expect(noneBody).toContain("_None found at high or above._");
    expect(noneBody).toContain("1 low finding below 🟠 high hidden");
  });
});

describe("renderMarkdown: GitHub's 65 536 character limit", () => {
  const severities: Severity[] = ["critical", "high", "medium", "low", "info"];
  function bigResult(count: number, evidencePerFinding = 5, lineLength = 1500) {
    const findings: Finding[] = Array.from({ length: count }, (_, i) =>
      finding(severities[i % severities.length]!, i, {
        meaning: "What it means and what to do about it, in a sentence or two of reasonable length.",
        evidence: Array.from({ length: evidencePerFinding }, (_, j) => ({
          file: "snap.microk8s.daemon-k8s-dqlite/journal.log",
          line: i * 100 + j,
          text: `${DEADLINE_LINE} ${"x".repeat(lineLength)}`,
        })),
      }),
    );
    return degradedResult().findings.length ? { ...degradedResult(), findings } : degradedResult();
  }

  it("500 findings with long evidence fit, and one line says what was left out", () => {
    const md = renderMarkdown(bigResult(500));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split("\n")[0]).toBe(COMMENT_MARKER);
    for (const title of SECTIONS) expect(md).toContain(`\n${title}\n`);
    const body = sectionBody(md, SECTION_TITLES.findings);
    const notes = body.split("\n").filter((l) => l.startsWith("✂️"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^✂️ Evidence of 100 critical, 100 high, 100 medium, 100 low and 100 info findings omitted; \d+ findings shortened to one line to fit GitHub's comment limit; run the CLI with `--format json` for everything\.$/,
    );
    // Least severe collapse first: info findings are bare header lines, the first critical keeps its meaning.
    const lines = body.split("\n");
    const critical = lines.indexOf(lines.find((l) => l.startsWith("🔴 **critical finding 0**"))!);
    expect(lines[critical + 2]).toBe(
      "What it means and what to do about it, in a sentence or two of reasonable length.",
    );
    const info = lines.indexOf(lines.find((l) => l.startsWith("⚪ **info finding 4**"))!);
    expect(lines[info + 2]?.startsWith("⚪ **info finding")).toBe(true);
    expect(detailsBalanced(md)).toBe(true);
    splitFences(md); // throws on an unclosed fence
    // The footer always survives.
    expect(md).toContain("/triage help");
  });

  it("evidence is trimmed from the least severe finding up; the most severe keep theirs", () => {
    const md = renderMarkdown(bigResult(40));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const body = sectionBody(md, SECTION_TITLES.findings);
    const note = body.split("\n").find((l) => l.startsWith("✂️"))!;
    expect(note).toMatch(
      /^✂️ Evidence of (\d+ critical, )?(\d+ high, )?8 medium, 8 low and 8 info findings omitted to fit/,
    );
    expect(note).not.toContain("one line");
    // Every finding is still there, the first critical with its evidence, no info one with any.
    for (let i = 0; i < 40; i++) expect(body).toContain(` finding ${i}** (`);
    const blocks = body.split(/\n\n(?=[🔴🟠🟡🔵⚪] \*\*)/u);
    expect(blocks.find((b) => b.includes("**critical finding 0**"))).toContain(
      "<details><summary>Evidence (5 of 10 lines)",
    );
    for (const b of blocks.filter((x) => x.startsWith("⚪"))) expect(b).not.toContain("<details>");
    expect(detailsBalanced(md)).toBe(true);
  });

  it("with many more findings, they collapse to one line and finally are left out, still fitting", () => {
    const md = renderMarkdown(bigResult(3000, 1, 200), {
      state: { hashes: ["a"] },
      extraSections: [{ title: "Huge", body: "y".repeat(30_000) }],
    });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const note = md.split("\n").find((l) => l.startsWith("✂️"))!;
    expect(note).toMatch(/left out/);
    expect(parseStateComment(md)).toEqual({ hashes: ["a"] });
    for (const title of SECTIONS) expect(md).toContain(`\n${title}\n`);
    // Critical findings are the last to go.
    expect(md).toContain("critical finding 0");
  });

  it.each([200, 1000, 4000, 20_000])(
    "any maxLength (%i) is respected, marker first, blocks closed",
    (maxLength) => {
      const md = renderMarkdown(bigResult(50), { maxLength, state: { x: 1 } });
      expect(md.length).toBeLessThanOrEqual(maxLength);
      expect(md.startsWith(COMMENT_MARKER)).toBe(true);
      if (maxLength >= 1000) {
        expect(detailsBalanced(md)).toBe(true);
        splitFences(md);
      }
    },
  );

  it("leaves a small result alone", () => {
    const md = renderMarkdown(degradedResult());
    expect(md).not.toContain("✂️");
    expect(md).toContain("<details><summary>Evidence (1 of 10 lines)</summary>");
  });
});

describe("renderMarkdown: partial input", () => {
  it("does not crash on a result with missing lists and fields", () => {
    const partial = {
      schemaVersion: 1,
      reports: [],
      quorum: { state: "unknown" },
      findings: [{ id: "a.b", severity: "high", title: "t" }],
    };
    const md = renderMarkdown(partial as never);
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain("🟠 **t** (`a.b`, cluster-wide, 0×)");
    for (const title of SECTIONS) expect(md).toContain(`\n${title}\n`);
  });
});
