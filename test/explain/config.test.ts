/** The repository switches for issue #6: related issues on by default, the explanation opt-in. */
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../src/github/commands/index.js";
import { defaultConfig, validateConfig } from "../../src/github/config.js";
import { readSettings } from "../../src/github/settings.js";

describe("repository config", () => {
  it("lists related issues by default and never explains unless asked", () => {
    expect(defaultConfig(COMMAND_NAMES)).toMatchObject({
      relatedIssues: true,
      explain: true,
      autoExplain: false,
    });
  });

  it("accepts autoExplain and relatedIssues as booleans only", () => {
    expect(validateConfig({ autoExplain: true, relatedIssues: false }, COMMAND_NAMES)).toMatchObject({
      config: { autoExplain: true, relatedIssues: false },
      errors: [],
    });
    const bad = validateConfig({ autoExplain: "always" }, COMMAND_NAMES);
    expect(bad.errors).toEqual(["`autoExplain` must be true or false"]);
    expect(bad.config.autoExplain).toBe(false);
  });
});

describe("server settings", () => {
  it("read the model and its timeout from the environment", () => {
    expect(readSettings({}).openai).toBeNull();
    expect(
      readSettings({
        OPENAI_MODEL: "m",
        OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
        OPENAI_TIMEOUT_MS: "5000",
      }).openai,
    ).toEqual({ model: "m", baseUrl: "http://127.0.0.1:8080/v1", apiKey: null, timeoutMs: 5000 });
  });
});
