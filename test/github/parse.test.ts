import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/github/commands/parse.js";

const names = (body: string) => parseCommands(body).map((command) => command.name);

describe("parseCommands", () => {
  it("finds line-anchored commands, case-insensitively, several per comment", () => {
    const body = "Thanks!\n/triage rerun\nsome text\n/TRIAGE Ignore\r\n/Triage help please";
    const commands = parseCommands(body);
    expect(commands.map((c) => c.name)).toEqual(["rerun", "ignore", "help"]);
    expect(commands[2].args).toEqual(["please"]);
    expect(commands[1].line).toBe("/TRIAGE Ignore");
  });

  it("ignores commands that do not start the line", () => {
    expect(names("please run /triage rerun")).toEqual([]);
    expect(names("`/triage rerun`")).toEqual([]);
  });

  it("ignores fenced code (backticks and tildes), indented code and quotes", () => {
    const body = [
      "```",
      "/triage rerun",
      "```",
      "~~~~ text",
      "/triage ignore",
      "~~~",
      "/triage ignore",
      "~~~~",
      "    /triage unignore",
      "> /triage explain",
      "   /triage help",
    ].join("\n");
    expect(names(body)).toEqual(["help"]);
  });

  it("a fence closes only with the same character and at least the same length", () => {
    expect(names("````\n```\n/triage rerun\n````\n/triage help")).toEqual(["help"]);
  });

  it("an unterminated fence hides the rest of the comment", () => {
    expect(names("```\n/triage rerun")).toEqual([]);
  });

  it("ignores HTML comments, including multi-line and unterminated ones", () => {
    expect(names("<!--\n/triage rerun\n-->\n/triage help")).toEqual(["help"]);
    expect(names("<!-- /triage rerun -->")).toEqual([]);
    expect(names("/triage help\n<!-- unterminated\n/triage rerun")).toEqual(["help"]);
  });

  it("needs a word boundary after /triage; a bare /triage is an empty command", () => {
    expect(names("/triaged rerun")).toEqual([]);
    expect(names("/triage")).toEqual([""]);
    expect(names("/triage rerun.")).toEqual(["rerun"]);
  });

  it("drops inline code from arguments and de-duplicates repeats", () => {
    const commands = parseCommands("/triage rerun `now` x\n/triage rerun `later` x");
    expect(commands).toHaveLength(1);
    expect(commands[0].args).toEqual(["x"]);
  });

  it("caps the number of commands and survives hostile input", () => {
    const many = Array.from({ length: 50 }, (_, i) => `/triage cmd${i}`).join("\n");
    expect(parseCommands(many)).toHaveLength(10);
    expect(parseCommands(null)).toEqual([]);
    expect(parseCommands(`${"<!--".repeat(10_000)}\n/triage rerun`)).toEqual([]);
  });
});
