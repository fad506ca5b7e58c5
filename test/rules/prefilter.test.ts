import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPrefilter } from "../../src/rules/prefilter.js";
import { checkUserRegex, foldAscii, requiredLiterals } from "../../src/rules/regex-analysis.js";

/** Every (start, literal index) where a literal occurs, by brute force, case-insensitively for ASCII. */
function naive(text: Buffer, literals: string[]): string[] {
  const folded = foldAscii(text.toString("latin1"));
  const out: string[] = [];
  literals.forEach((lit, li) => {
    for (let i = folded.indexOf(lit); i >= 0; i = folded.indexOf(lit, i + 1)) out.push(`${i}:${li}`);
  });
  return out.sort();
}

describe("buildPrefilter", () => {
  it("finds every occurrence, ignoring ASCII case (property)", () => {
    const alphabet = fc.constantFrom(..."abcAB :-/xyz".split(""));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.array(alphabet, { minLength: 3, maxLength: 12 }).map((a) => a.join("").toLowerCase()),
          { minLength: 1, maxLength: 6 },
        ),
        fc.array(alphabet, { maxLength: 400 }).map((a) => a.join("")),
        (literals, text) => {
          const pf = buildPrefilter(literals.map((l) => [l]));
          const buf = Buffer.from(text, "latin1");
          const pairs: number[] = [];
          pf.scan(buf, 0, buf.length, pairs);
          const got = [];
          for (let k = 0; k < pairs.length; k += 2) got.push(`${pairs[k]}:${pairs[k + 1]}`);
          expect(got.sort()).toEqual(naive(buf, literals));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("maps shared literals to every owning rule and respects the start bound", () => {
    const pf = buildPrefilter([["context canceled"], ["context canceled", "in txn"]]);
    expect([...pf.literalRules[0]]).toEqual([0, 1]);
    const buf = Buffer.from("x CONTEXT Canceled in txn");
    const pairs: number[] = [];
    pf.scan(buf, 3, buf.length, pairs);
    expect(pairs).toEqual([19, 1]);
  });

  it("refuses literals it cannot search for", () => {
    expect(() => buildPrefilter([["ab"]])).toThrow();
    expect(() => buildPrefilter([["Upper"]])).toThrow();
    expect(() => buildPrefilter([["caf\u00e9"]])).toThrow();
  });
});

describe("requiredLiterals", () => {
  it.each([
    ["database is locked", ["database is locked"]],
    ["sql: (?:database|statement) is closed", ["sql: database is closed", "sql: statement is closed"]],
    [
      'error (?:in txn|while range on [^"]*?): (?:query \\(try: \\d+\\): )?context canceled',
      ["context canceled"],
    ],
    ["leaderelection lost|leader election lost", ["leaderelection lost", "leader election lost"]],
    ["Kill(?:ed)? process", ["kill process", "killed process"]],
    ["\\d+ms", ["ms"]],
    ["\\d+", null],
    ["foo|\\d+", null],
    ["a?bc", ["bc"]],
  ])("%s", (src, expected) => {
    const got = requiredLiterals(src);
    expect(got === null ? null : [...got].sort()).toEqual(expected === null ? null : [...expected].sort());
  });

  it("only yields literals that every match contains (property over sample matches)", () => {
    const cases: [string, string[]][] = [
      ["(?:abc|abd)e+f", ["abceef", "abdef"]],
      ["x(?:yz){2}w", ["xyzyzw"]],
      ["pre(?:fix)?post", ["prepost", "prefixpost"]],
      ["a[.]b\\.c", ["a.b.c"]],
    ];
    for (const [src, samples] of cases) {
      const lits = requiredLiterals(src) ?? [];
      expect(lits.length).toBeGreaterThan(0);
      for (const s of samples) {
        expect(new RegExp(src, "i").test(s)).toBe(true);
        expect(
          lits.some((l) => s.toLowerCase().includes(l)),
          `${src} / ${s}`,
        ).toBe(true);
      }
    }
  });

  it("is what makes checkUserRegex demand a literal", () => {
    expect(checkUserRegex("abc\\d+")).toBeNull();
    expect(checkUserRegex("ab\\d+")).toMatch(/literal/);
  });
});
