/** `report-triage analyze --explain` against a local OpenAI-compatible server. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../src/cli/main.js";
import { FakeOpenAI } from "./fake-openai.js";
import { NEVER_SENT, PLANTED, PLANTED_NAME, plantedReport } from "./fixtures.js";

let fake: FakeOpenAI;
let dir: string;
let path: string;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  dir = mkdtempSync(join(tmpdir(), "report-triage-explain-"));
  path = join(dir, PLANTED_NAME);
  writeFileSync(path, await plantedReport());
});

afterAll(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.mode = {
    kind: "answer",
    text: (prompt) => `Disk sdb on ${/NODE_\d+/.exec(prompt)?.[0]} is failing and the datastore times out.`,
  };
});

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stderrIsTty: false,
    env: {
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: "sk-local-test",
      OPENAI_MODEL: "tiny-model",
      OPENAI_TIMEOUT_MS: "500",
    },
  };
  return main(argv, io).then((code) => ({ code, out: out.join(""), err: err.join("") }));
}

describe("report-triage analyze --explain", () => {
  it("adds the explanation section to the Markdown, names restored, nothing identifying sent", async () => {
    const { code, out, err } = await run(["analyze", "--explain", path]);
    expect(code).toBe(0);
    expect(err).toBe("");
    const section = out.slice(out.indexOf("### Explanation (AI-generated, may be wrong)"));
    expect(section).toContain(`Disk sdb on ${PLANTED.node} is failing`);
    expect(out.indexOf("### Other findings")).toBeLessThan(out.indexOf("### Explanation"));
    expect(fake.requests).toHaveLength(1);
    for (const value of NEVER_SENT) expect(fake.allRaw()).not.toContain(value);
  });

  it("adds an `explanation` object to the JSON", async () => {
    const { code, out } = await run(["analyze", "--explain", "--format", "json", path]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.schemaVersion).toBe(1);
    expect(json.explanation).toEqual({
      ok: true,
      text: `Disk sdb on ${PLANTED.node} is failing and the datastore times out.`,
      model: "tiny-model",
    });
  });

  it("a slow model degrades to the deterministic output plus one line, same exit status", async () => {
    fake.mode = { kind: "slow", delayMs: 3_000, text: "late" };
    const { code, out, err } = await run(["analyze", "--explain", path]);
    expect(code).toBe(0);
    expect(out).toContain("### Quorum");
    expect(out).toContain("_No explanation: the language model did not answer within 0.5 s.");
    expect(err).toBe("report-triage: no explanation: the language model did not answer within 0.5 s\n");
  });
});
