import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/render/markdown.js";
import { membershipDiagram, mermaidLabel } from "../../src/render/mermaid.js";
import type { QuorumMember } from "../../src/result/types.js";
import { degradedResult, emptyResult, splitFences } from "./helpers.js";

/**
 * A structural check of the flowchart subset we emit: every line is a known statement, subgraphs
 * balance, node ids are unique and declared before they are styled, labels hold no raw `"`, no
 * HTML but our <br/>, and no `#` except entity codes.
 */
function assertWellFormed(lines: string[]): { labels: string[]; ids: string[] } {
  expect(lines[0]).toBe("flowchart LR");
  let depth = 0;
  const ids: string[] = [];
  const labels: string[] = [];
  for (const line of lines.slice(1)) {
    const subgraph = /^ {2}subgraph ([a-z]+)\["([^"]*)"\]$/.exec(line);
    const node = /^ {4}(n\d+)\["([^"]*)"\]$/.exec(line) ?? /^ {2}(more)\["([^"]*)"\]$/.exec(line);
    if (subgraph) {
      expect(depth).toBe(0);
      depth++;
      labels.push(subgraph[2]!);
    } else if (line === "  end") {
      depth--;
      expect(depth).toBe(0);
    } else if (node) {
      expect(ids).not.toContain(node[1]);
      ids.push(node[1]!);
      labels.push(node[2]!);
    } else if (/^ {2}classDef [a-z]+ [a-z-]+:[#\w]+(?:,[a-z-]+:[#\w]+)*$/.test(line)) {
      // style definitions
    } else {
      const cls = /^ {2}class ([\w,]+) ([a-z]+)$/.exec(line);
      expect(cls, `unexpected line: ${line}`).not.toBeNull();
      for (const id of cls![1]!.split(",")) expect(ids).toContain(id);
    }
  }
  expect(depth).toBe(0);
  for (const label of labels) {
    const withoutBreaks = label.replace(/<br\/>/g, "");
    expect(withoutBreaks).not.toMatch(/[<>"`]/);
    expect(withoutBreaks.replace(/#(?:\d+|[a-z]+);/g, "")).not.toContain("#");
    expect(label).not.toMatch(/style|classDef|%%/);
  }
  return { labels, ids };
}

function diagramLines(markdown: string): string[] {
  const blocks = splitFences(markdown).blocks.filter((b) => b.info === "mermaid");
  expect(blocks).toHaveLength(1);
  return blocks[0]!.lines;
}

describe("mermaidLabel", () => {
  it("escapes quotes, #, HTML, backticks; keeps IPv6 colons and brackets readable", () => {
    expect(mermaidLabel('kube"07 <b>#1</b> `x`')).toBe("kube#34;07 #60;b#62;#35;1#60;/b#62; #96;x#96;");
    expect(mermaidLabel("[fd00::59]:19001")).toBe("[fd00::59]:19001");
    expect(mermaidLabel("lifestyle-01")).toBe("lifesty#108;e-01");
    expect(mermaidLabel("a\nb")).toBe("a b");
  });
});

describe("membershipDiagram", () => {
  it("draws voters, stand-bys and spares in subgraphs; reporting nodes and departed ones marked", () => {
    const lines = diagramLines(renderMarkdown(degradedResult()));
    const { labels } = assertWellFormed(lines);
    expect(lines).toContain('  subgraph voters["Voters (3, quorum 2)"]');
    expect(lines).toContain('  subgraph standbys["Stand-bys (1)"]');
    expect(labels).toContain("kube05<br/>192.168.0.57:19001<br/>📄 report");
    // The departed IPv6 voter with a quote, brackets and # in its name.
    expect(labels).toContain("kube#34;07 [old] #35;1<br/>[fd00::59]:19001<br/>departed");
    const downLine = lines.find((l) => l.startsWith("  class ") && l.endsWith(" down"))!;
    const departedId = lines
      .find((l) => l.includes("departed"))!
      .trim()
      .split("[")[0];
    expect(downLine.split(" ")[3]!.split(",")).toContain(departedId);
  });

  it("is absent when there is no membership", () => {
    expect(membershipDiagram(emptyResult())).toBeNull();
  });

  it("stays well-formed with hostile names, many members and departed non-members", () => {
    const hostile = [
      'a"b',
      "end",
      "x]y[z",
      "#quot;",
      "<script>",
      "::1",
      "style:#fff;",
      "subgraph",
      "`md`",
      "%%{init}%%",
    ];
    const voters: QuorumMember[] = Array.from({ length: 80 }, (_, i) => ({
      address: i % 2 ? `[2001:db8::${i}]:19001` : `10.0.0.${i}:19001`,
      id: String(i),
      node: hostile[i % hostile.length]!,
      alive: i % 3 === 0 ? false : null,
    }));
    const result = emptyResult({
      reports: [{ source: "w.tgz", node: "worker-1", role: "worker", microk8sVersion: null, error: null }],
      quorum: { state: "lost", voters, standBys: [], spares: [], quorumSize: 41, aliveVoters: 10 },
      departedNodes: [{ address: "10.9.9.9:19001", node: null, role: "none", reason: "r", hint: "h" }],
    });
    const lines = membershipDiagram(result)!.split("\n");
    expect(lines[0]).toBe("```mermaid");
    expect(lines.at(-1)).toBe("```");
    const { ids } = assertWellFormed(lines.slice(1, -1));
    // Capped, with a note about the rest.
    expect(ids.length).toBeLessThanOrEqual(61);
    expect(lines.some((l) => l.includes("more not drawn"))).toBe(true);
  });

  it("shows report nodes that are not dqlite members (workers) separately", () => {
    const result = degradedResult();
    result.reports.push({
      source: "w.tgz",
      node: "worker-1",
      role: "worker",
      microk8sVersion: "v1.26.0",
      error: null,
    });
    const lines = diagramLines(renderMarkdown(result));
    assertWellFormed(lines);
    expect(lines).toContain('  subgraph others["Not in the datastore"]');
    expect(lines.some((l) => l.includes('["worker-1<br/>worker<br/>📄 report"]'))).toBe(true);
  });
});
