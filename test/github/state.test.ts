import { describe, expect, it } from "vitest";
import {
  decodeState,
  digestAttachmentKey,
  emptyState,
  encodeState,
  replaceState,
} from "../../src/github/state.js";
import { emptyResult } from "../../src/github/triage.js";
import { COMMENT_MARKER, renderMarkdown } from "../../src/render/markdown.js";

describe("hidden state", () => {
  const state = {
    ...emptyState(),
    shape: "analysis" as const,
    attachments: digestAttachmentKey("k"),
    labels: ["a--> b"],
  };

  it("round-trips through our encoding, even with `-->` in a value", () => {
    const body = `${COMMENT_MARKER}\ntext\n${encodeState(state)}\n`;
    expect(decodeState(body)).toEqual(state);
  });

  it("reads the state the renderer embeds", () => {
    const body = renderMarkdown(emptyResult(), { state });
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(decodeState(body)).toEqual(state);
  });

  it("reads plain JSON state too, and ignores foreign or malformed comments", () => {
    expect(
      decodeState(
        `<!-- x {"app":"report-triage","v":1,"shape":"needs-report","attachments":"abc","labels":[],"declined":[],"ignored":true} -->`,
      ),
    ).toMatchObject({
      shape: "needs-report",
      ignored: true,
    });
    expect(decodeState('<!-- report-triage -->\n<!-- {"app":"other"} -->')).toBeNull();
    expect(decodeState("<!-- report-triage-state: !!! -->")).toBeNull();
    expect(decodeState(null)).toBeNull();
  });

  it("sanitises hostile field values", () => {
    const decoded = decodeState(
      `<!-- {"app":"report-triage","shape":"evil","labels":[1,"ok",${JSON.stringify("x".repeat(500))}],"ignored":"yes"} -->`,
    );
    expect(decoded).toMatchObject({ shape: "notice", labels: ["ok"], ignored: false, attachments: null });
  });

  it("replaces the state in place, or inserts it after the marker", () => {
    const body = `${COMMENT_MARKER}\nhello\n${encodeState(state)}\nbye`;
    const replaced = replaceState(body, { ...state, ignored: true });
    expect(decodeState(replaced)?.ignored).toBe(true);
    expect(replaced.split("\n")).toHaveLength(4);
    const inserted = replaceState(`${COMMENT_MARKER}\nhello`, state);
    expect(inserted.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(decodeState(inserted)).toEqual(state);
  });
});
