import { describe, expect, it } from "vitest";
import { ANY_BOT_LOGIN, findStickies, isStickyComment } from "../../src/github/sticky.js";

const MARKER = "<!-- report-triage -->";
const comment = (id: number, login: string, body: string, type = "Bot") => ({
  id,
  body,
  user: { login, type },
});

describe("sticky comment lookup", () => {
  it("needs the marker as first line and the bot's own login", () => {
    expect(
      isStickyComment(comment(1, "report-triage[bot]", `${MARKER}\nbody`), MARKER, "report-triage[bot]"),
    ).toBe(true);
    expect(
      isStickyComment(comment(1, "Report-Triage[bot]", `${MARKER}\r\nbody`), MARKER, "report-triage[bot]"),
    ).toBe(true);
    // a user quoting the marker, another bot, or the marker further down do not count
    expect(
      isStickyComment(comment(2, "alice", `${MARKER}\nfake`, "User"), MARKER, "report-triage[bot]"),
    ).toBe(false);
    expect(isStickyComment(comment(3, "other[bot]", `${MARKER}\nx`), MARKER, "report-triage[bot]")).toBe(
      false,
    );
    expect(
      isStickyComment(
        comment(4, "report-triage[bot]", `> /triage help\n${MARKER}`),
        MARKER,
        "report-triage[bot]",
      ),
    ).toBe(false);
  });

  it("without a known login, any app bot with the marker matches (never a user)", () => {
    expect(isStickyComment(comment(5, "x[bot]", `${MARKER}\n`), MARKER, ANY_BOT_LOGIN)).toBe(true);
    expect(isStickyComment(comment(6, "x[bot]", `${MARKER}\n`, "User"), MARKER, ANY_BOT_LOGIN)).toBe(false);
  });

  it("orders several by id, oldest first", () => {
    const list = [
      comment(30, "b[bot]", MARKER),
      comment(10, "b[bot]", MARKER),
      comment(20, "alice", MARKER, "User"),
    ];
    expect(findStickies(list, MARKER, "b[bot]").map((c) => c.id)).toEqual([10, 30]);
  });
});
