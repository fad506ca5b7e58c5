/** The benchmark's grep baseline: catalogue regexes converted to POSIX EREs. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { catalogueEre, jsToEre, MAX_BOUNDED_REPEAT } from "../../bench/lib/ere.js";
import { loadCatalogue } from "../../src/rules/catalogue.js";

const grepWorks = spawnSync("grep", ["-E", "-c", "-e", "x"], { input: "x\n" }).status === 0;

/** True when `grep -E -i` (C locale) matches the line. */
function grepMatches(ere: string, line: string): boolean {
  const run = spawnSync("grep", ["-E", "-i", "-q", "-e", ere], {
    input: `${line}\n`,
    env: { ...process.env, LC_ALL: "C" },
  });
  if (run.status === 2) throw new Error(`grep rejected ${ere}: ${run.stderr.toString()}`);
  return run.status === 0;
}

describe("jsToEre", () => {
  it("translates JavaScript escapes and groups exactly", () => {
    expect(jsToEre(String.raw`attempt \d+: server (\S{1,30}?:\d+): (?:dial: )?x`)).toEqual({
      ere: "attempt [0-9]+: server ([^[:space:]]{1,30}:[0-9]+): (dial: )?x",
      approximations: [],
    });
    expect(jsToEre(String.raw`\bNodeNotReady\b|a\.b\/c \(d\)`).ere).toBe(
      String.raw`\bNodeNotReady\b|a\.b/c \(d\)`,
    );
    expect(jsToEre("a*?b+?c??").ere).toBe("a*b+c?");
  });

  it("translates character classes into POSIX bracket expressions", () => {
    expect(jsToEre(String.raw`[^\s,]{1,64}`).ere).toBe("[^[:space:],]{1,64}");
    expect(jsToEre(String.raw`[\w-]{1,64}`).ere).toBe("[[:alnum:]_-]{1,64}");
    expect(jsToEre(String.raw`[^"\\]`).ere).toBe(String.raw`[^"\]`);
    expect(jsToEre(String.raw`[^\s[\]:]`).ere).toBe("[^][:space:]:[]");
    expect(jsToEre("[A-Z_]").ere).toBe("[A-Z_]");
  });

  it("approximates what ERE cannot say, towards matching more", () => {
    const wide = jsToEre("a.{0,1000}?b.{2,300}c.{0,3}d");
    expect(wide.ere).toBe("a.*b.{2,}c.{0,3}d");
    expect(wide.approximations).toEqual([`bounded repeats above ${MAX_BOUNDED_REPEAT} made unbounded`]);
    const look = jsToEre("^(?!.*(?:inotify|fsnotify)).*?no space left");
    expect(look.ere).toBe("^.*no space left");
    expect(look.approximations).toEqual(["lookahead dropped"]);
  });

  it("refuses syntax without an ERE counterpart", () => {
    expect(jsToEre(String.raw`(a)\1`).ere).toBeNull();
    expect(jsToEre(String.raw`\p{L}+`).ere).toBeNull();
    expect(jsToEre(String.raw`[\S]`).ere).toBeNull();
    expect(jsToEre("(a").refused).toBe("unbalanced (");
  });
});

describe("catalogueEre", () => {
  const catalogue = loadCatalogue();
  const converted = catalogueEre(catalogue.rules);

  it("converts every regex rule of the built-in catalogue", () => {
    const regexRules = catalogue.rules
      .filter((rule) => typeof rule.regex === "string")
      .map((rule) => rule.id);
    expect(converted.skipped).toEqual([]);
    expect([...converted.exact, ...converted.approximated.map((a) => a.id)].sort()).toEqual(
      [...regexRules].sort(),
    );
  });

  it.runIf(grepWorks)("matches each rule's example line with grep, and its near miss when exact", () => {
    const exact = new Set(converted.exact);
    for (const rule of catalogue.rules) {
      if (typeof rule.regex !== "string") continue;
      const ere = jsToEre(rule.regex).ere as string;
      if (rule.example) expect(grepMatches(ere, rule.example.line), `${rule.id} example`).toBe(true);
      if (rule.nearMiss && exact.has(rule.id)) {
        expect(grepMatches(ere, rule.nearMiss), `${rule.id} near miss`).toBe(false);
      }
    }
    // the combined pattern is one valid ERE
    const first = catalogue.rules.find((rule) => rule.example);
    expect(grepMatches(converted.pattern, first?.example?.line ?? "")).toBe(true);
  });
});
