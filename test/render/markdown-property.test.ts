/** Random results, including hostile text: the comment always fits, starts right and stays well-formed. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMENT_MARKER, renderMarkdown, SECTION_TITLES } from "../../src/render/markdown.js";
import type { AnalysisResult, Finding, QuorumMember, Severity } from "../../src/result/types.js";
import { detailsBalanced, splitFences, stripCodeSpans } from "./helpers.js";

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "```",
    "````\n```",
    "<details>",
    "</details>",
    "<!--",
    "-->",
    "@octocat",
    "#12",
    "| a | b |",
    '"q"',
    "\n\n",
    "%%{init}%%",
  ),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const text = fc.array(nasty, { maxLength: 4 }).map((parts) => parts.join(" "));
const severity = fc.constantFrom<Severity>("critical", "high", "medium", "low", "info");

const member: fc.Arbitrary<QuorumMember> = fc.record({
  address: fc.oneof(fc.constant("10.0.0.1:19001"), fc.constant("[fd00::1]:19001"), text),
  id: fc.string({ maxLength: 20 }),
  node: fc.option(text, { nil: null }),
  alive: fc.option(fc.boolean(), { nil: null }),
});

const findingArb: fc.Arbitrary<Finding> = fc.record({
  id: fc.string({ maxLength: 30 }),
  severity,
  title: text,
  node: fc.option(text, { nil: null }),
  count: fc.nat(100_000),
  evidence: fc.array(
    fc.record({
      file: text,
      line: fc.nat(100_000),
      text: fc.oneof(text, fc.string({ minLength: 500, maxLength: 3000 })),
    }),
    { maxLength: 6 },
  ),
  docs: fc.option(fc.oneof(fc.constant("https://microk8s.io/docs"), text), { nil: null }),
  meaning: fc.option(text, { nil: undefined }),
});

const resultArb: fc.Arbitrary<AnalysisResult> = fc.record({
  schemaVersion: fc.constant(1 as const),
  reports: fc.array(
    fc.record({
      source: text,
      node: fc.option(text, { nil: null }),
      role: fc.constantFrom("control-plane" as const, "worker" as const, "unknown" as const),
      microk8sVersion: fc.option(fc.constant("v1.28.14"), { nil: null }),
      error: fc.option(text, { nil: null }),
    }),
    { maxLength: 4 },
  ),
  quorum: fc.record({
    state: fc.constantFrom(
      "healthy" as const,
      "degraded" as const,
      "lost" as const,
      "not-ha" as const,
      "unknown" as const,
    ),
    voters: fc.array(member, { maxLength: 5 }),
    standBys: fc.array(member, { maxLength: 3 }),
    spares: fc.array(member, { maxLength: 3 }),
    quorumSize: fc.option(fc.nat(5), { nil: null }),
    aliveVoters: fc.option(fc.nat(5), { nil: null }),
    summary: fc.option(text, { nil: undefined }),
    disagreements: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  }),
  departedNodes: fc.array(
    fc.record({
      address: text,
      node: fc.option(text, { nil: null }),
      role: fc.constantFrom("voter" as const, "stand-by" as const, "spare" as const, "none" as const),
      reason: text,
      hint: text,
    }),
    { maxLength: 3 },
  ),
  diskErrors: fc.array(
    fc.record({
      node: fc.option(text, { nil: null }),
      device: text,
      kind: fc.constantFrom(
        "io-error" as const,
        "fs-error" as const,
        "disk-full" as const,
        "smart" as const,
        "other" as const,
      ),
      count: fc.nat(1000),
      sample: text,
    }),
    { maxLength: 3 },
  ),
  findings: fc.array(findingArb, { maxLength: 40 }),
  verdict: fc.option(text, { nil: undefined }),
});

describe("renderMarkdown on random results", () => {
  it("fits, starts with the marker, keeps the sections and well-formed blocks", () => {
    fc.assert(
      fc.property(
        resultArb,
        fc.constantFrom(5_000, 20_000, 65_536),
        severity,
        (result, maxLength, minSeverity) => {
          const md = renderMarkdown(result, { maxLength, minSeverity, state: { n: 1 } });
          expect(md.length).toBeLessThanOrEqual(maxLength);
          expect(md.split("\n")[0]).toBe(COMMENT_MARKER);
          for (const title of [
            SECTION_TITLES.quorum,
            SECTION_TITLES.departed,
            SECTION_TITLES.disk,
            SECTION_TITLES.findings,
          ]) {
            expect(md).toContain(`\n${title}\n`);
          }
          const { outside } = splitFences(md); // throws on an unclosed fence
          expect(detailsBalanced(md)).toBe(true);
          // Hostile text never becomes live HTML, an HTML comment, a mention or an issue link.
          const ours = /^<!-- report-triage(-state: [A-Za-z0-9_-]*)? -->$/;
          const live = outside
            .filter((l) => !ours.test(l))
            .map(stripCodeSpans)
            .join("\n");
          const ownTags = /<\/?details>|<summary>|<\/summary>|<sub>|<\/sub>|<code>[^<]*<\/code>|<br\/>/g;
          expect(live.replace(ownTags, "")).not.toMatch(/<[a-z!/?]/i);
          expect(live).not.toMatch(/(^|[^\u200D])@[A-Za-z0-9]/);
          expect(live).not.toMatch(/(^|[^\u200D])#\d/);
        },
      ),
      { numRuns: 150 },
    );
  });
});
