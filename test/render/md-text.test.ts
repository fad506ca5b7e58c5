import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clip,
  codeSpan,
  fencedBlock,
  formatRange,
  inlineText,
  neutraliseMentions,
  safeLink,
} from "../../src/render/md-text.js";
import { splitFences } from "./helpers.js";

describe("md-text", () => {
  it("inlineText escapes HTML and Markdown, collapses lines, neutralises mentions", () => {
    expect(inlineText("a <b>*bold*</b> | `x` [l](u)\nnext @me #12")).toBe(
      "a &lt;b&gt;\\*bold\\*&lt;/b&gt; \\| \\`x\\` \\[l\\](u) next @\u200Dme #\u200D12",
    );
    expect(inlineText(null)).toBe("");
    expect(inlineText("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("neutraliseMentions leaves plain text alone", () => {
    expect(neutraliseMentions("no mention here, e-mail at end @")).toBe("no mention here, e-mail at end @");
    expect(neutraliseMentions("GH-42")).toBe("GH-\u200D42");
  });

  it("codeSpan uses a longer backtick run than its content and pads edge backticks", () => {
    expect(codeSpan("plain")).toBe("`plain`");
    expect(codeSpan("a ` b")).toBe("``a ` b``");
    expect(codeSpan("`start")).toBe("`` `start ``");
    expect(codeSpan("a|b", { inTable: true })).toBe("`a\\|b`");
  });

  it("fencedBlock can hold any text without being closed early (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constantFrom("```", "````", "~~~", "`", "\n", " "), fc.string({ maxLength: 8 })),
          { maxLength: 20 },
        ),
        (parts) => {
          const text = parts.join("").replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\r]/g, "");
          const md = `before\n\n${fencedBlock(text)}\n\nafter`;
          const { outside, blocks } = splitFences(md);
          return (
            blocks.length === 1 &&
            outside.join("\n") === "before\n\n\nafter" &&
            blocks[0]!.lines.join("\n") === text.replace(/\n+$/, "")
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("safeLink only links http(s) and cannot break out of the link", () => {
    expect(safeLink("docs", "https://microk8s.io/docs/restore-quorum")).toBe(
      "[docs](https://microk8s.io/docs/restore-quorum)",
    );
    expect(safeLink("docs", "javascript:alert(1)")).toBe("`javascript:alert(1)`");
    expect(safeLink("docs", "https://x.io/a)b")).toBe("[docs](https://x.io/a%29b)");
  });

  it("clip does not split a surrogate pair", () => {
    expect(clip("ab😀cd", 4)).toBe("ab…");
  });

  it("formatRange shortens the end to a time on the same day", () => {
    expect(formatRange("2023-01-30T20:22:45Z", "2023-01-30T21:00:00Z")).toBe(
      "2023-01-30 20:22:45 → 21:00:00",
    );
    expect(formatRange("2023-01-30T20:22:45", "2023-01-31T01:00:00")).toBe(
      "2023-01-30 20:22:45 → 2023-01-31 01:00:00",
    );
    expect(formatRange(null, "2023-01-30T20:22:45")).toBe("2023-01-30 20:22:45");
    expect(formatRange(null, null)).toBe("");
  });
});
