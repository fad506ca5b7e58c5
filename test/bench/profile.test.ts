/** The benchmark's helpers: CPU-profile attribution and the statistics. */
import { describe, expect, it } from "vitest";
import { type CpuProfile, moduleAt, moduleIndex, summarizeProfile } from "../../bench/lib/profile.js";
import { markdownTable, median, quantile } from "../../bench/lib/stats.js";

const BUNDLE = [
  "import { createRequire as __cr } from 'node:module';", // 0
  "// node_modules/yaml/dist/index.js", // 1
  "function parse() {}", // 2
  "// src/rules/prefilter.ts", // 3
  "function scan() {}", // 4
  "// src/parsers/journal.ts", // 5
  "function line() {}", // 6
  "// bench/child/analyze.ts", // 7
  "main();", // 8
].join("\n");

describe("moduleIndex / moduleAt", () => {
  const index = moduleIndex(BUNDLE);

  it("finds esbuild's module comments and maps lines to them", () => {
    expect(index.map((m) => m.file)).toEqual([
      "node_modules/yaml/dist/index.js",
      "src/rules/prefilter.ts",
      "src/parsers/journal.ts",
      "bench/child/analyze.ts",
    ]);
    expect(moduleAt(index, 0)).toBeNull();
    expect(moduleAt(index, 2)).toBe("node_modules/yaml/dist/index.js");
    expect(moduleAt(index, 4)).toBe("src/rules/prefilter.ts");
    expect(moduleAt(index, 6)).toBe("src/parsers/journal.ts");
    expect(moduleAt(index, 99)).toBe("bench/child/analyze.ts");
  });
});

describe("summarizeProfile", () => {
  const url = "file:///tmp/x/analyze.mjs";
  const frame = (functionName: string, lineNumber: number, u = url) => ({ functionName, url: u, lineNumber });
  // root → main (bench) → scan (prefilter) → indexOf (node:buffer); main → line (journal); root → (idle)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", 0, ""), children: [2, 6, 7] },
      { id: 2, callFrame: frame("main", 8), children: [3, 5] },
      { id: 3, callFrame: frame("scan", 4), children: [4] },
      { id: 4, callFrame: frame("indexOf", 1000, "node:buffer") },
      { id: 5, callFrame: frame("line", 6) },
      { id: 6, callFrame: frame("(idle)", 0, "") },
      { id: 7, callFrame: frame("processCallback", 500, "node:zlib") },
    ],
    samples: [3, 4, 4, 5, 6, 6, 6, 7],
    timeDeltas: [1000, 1000, 1000, 2000, 1000, 1000, 1000, 500],
  };

  it("charges Node's functions to the project code that called them", () => {
    const summary = summarizeProfile(profile, url, moduleIndex(BUNDLE));
    expect(summary.totalMs).toBeCloseTo(8.5);
    const ms = Object.fromEntries(summary.byCategory.map((c) => [c.category, c.ms]));
    expect(ms["scanner: literal prefilter over every byte"]).toBeCloseTo(3);
    expect(ms["journal parser (every journal line)"]).toBeCloseTo(2);
    expect(ms["(idle: main thread waiting, e.g. for zlib)"]).toBeCloseTo(3);
    expect(ms["zlib stream callbacks (main thread)"]).toBeCloseTo(0.5);
    expect(summary.byCategory[0].ms).toBeGreaterThanOrEqual(summary.byCategory[1].ms);
    expect(summary.topFunctions[0]).toEqual({ name: "(idle)", file: "", ms: 3 });
    expect(summary.topFunctions).toContainEqual({ name: "indexOf", file: "node:buffer", ms: 2 });
  });
});

describe("stats", () => {
  it("takes medians and nearest-rank quantiles", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
  });

  it("escapes pipes in Markdown tables", () => {
    expect(
      markdownTable([
        ["a", "b"],
        ["x | y", "1"],
      ]),
    ).toBe("| a | b |\n| --- | ---: |\n| x \\| y | 1 |");
  });
});
