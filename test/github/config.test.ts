import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../src/github/commands/index.js";
import { configErrorLine, defaultConfig, validateConfig } from "../../src/github/config.js";

const validate = (raw: unknown) => validateConfig(raw, COMMAND_NAMES);

describe("validateConfig", () => {
  it("accepts a full valid config", () => {
    const { config, errors } = validate({
      labels: { quorumLost: "dqlite/lost", quorumNotHa: false },
      commands: ["rerun", "HELP"],
      nudge: false,
      minSeverity: "High",
      extraRules: [{ id: "x.y" }],
      relatedIssues: true,
      explain: false,
    });
    expect(errors).toEqual([]);
    expect(config.labels.quorumLost).toBe("dqlite/lost");
    expect(config.labels.quorumNotHa).toBeNull();
    expect(config.labels.report).toBe("inspection-report");
    expect(config.commands).toEqual(["rerun", "help"]);
    expect(config).toMatchObject({ nudge: false, minSeverity: "high", relatedIssues: true, explain: false });
    expect(config.extraRules).toEqual([{ id: "x.y" }]);
  });

  it("an absent or empty file gives the defaults without errors", () => {
    expect(validate(null)).toEqual({ config: defaultConfig(COMMAND_NAMES), errors: [] });
    expect(validate({}).errors).toEqual([]);
  });

  it("reports unknown keys and wrong types, and then uses the defaults", () => {
    const { config, errors } = validate({
      nudge: "yes",
      colour: 1,
      labels: { bogus: "x", report: 5 },
      commands: ["rerun", "deploy"],
      minSeverity: "urgent",
      extraRules: "regex",
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "unknown key `colour`",
        "`nudge` must be true or false",
        expect.stringContaining("labels.bogus"),
        expect.stringContaining("`labels.report` must be a label name"),
        "unknown command `deploy` in `commands`",
        expect.stringContaining("`minSeverity` must be one of"),
        "`extraRules` must be a list of rules",
      ]),
    );
    expect(config).toEqual(defaultConfig(COMMAND_NAMES));
  });

  it("rejects non-mapping documents and duplicate label names", () => {
    expect(validate(["a"]).errors).toEqual(["the file must be a YAML mapping of settings"]);
    expect(validate({ labels: { quorumLost: "same", quorumDegraded: "SAME" } }).errors[0]).toContain(
      "same label",
    );
  });

  it("renders one line, capped, for the comment", () => {
    expect(configErrorLine([])).toBeNull();
    const line = configErrorLine(Array.from({ length: 9 }, (_, i) => `problem ${i}`)) ?? "";
    expect(line).toContain(".github/report-triage.yml");
    expect(line).toContain("and 6 more");
    expect(line).not.toContain("\n");
  });
});
