/**
 * The opt-in explanation end to end: the running server, the GitHub stand-in and a local
 * OpenAI-compatible server. `/triage explain` replies with the explanation; `autoExplain: true`
 * adds it to the analysis comment. A slow, failing or missing model degrades to the deterministic
 * comment with one line saying why. Nothing identifying or secret reaches the model.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, idle, OWNER, REPO, startHarness } from "../github/harness.js";
import { FakeOpenAI } from "./fake-openai.js";
import { NEVER_SENT, PLANTED, PLANTED_NAME, plantedReport } from "./fixtures.js";

const EXPLANATION = "Explanation (AI-generated, may be wrong)";
const ISSUE_ONLY_TEXT = "UNIQUE-ISSUE-TEXT-4711";
const CONFIG = ".github/report-triage.yml";

let fake: FakeOpenAI;
let h: Harness;
let withoutModel: Harness;
let report: Buffer;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  report = await plantedReport();
  [h, withoutModel] = await Promise.all([
    startHarness({
      env: {
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_API_KEY: "sk-local-test",
        OPENAI_MODEL: "tiny-model",
        OPENAI_TIMEOUT_MS: "1000",
      },
    }),
    startHarness(),
  ]);
});

afterAll(async () => {
  await Promise.all([h?.close(), withoutModel?.close(), fake?.close()]);
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.mode = {
    kind: "answer",
    text: (prompt) => {
      const node = /NODE_\d+/.exec(prompt)?.[0] ?? "NODE_?";
      const ip = /IP_\d+/.exec(prompt)?.[0] ?? "IP_?";
      return `The datastore on ${node} keeps timing out and cannot reach ${ip}:19001; the disk sdb also fails.\n\n**Next steps**\n1. Replace sdb on ${node}.`;
    },
  };
});

async function reportIssue(harness: Harness) {
  const url = harness.files.serve(PLANTED_NAME, report);
  const issue = harness.newIssue(
    `${ISSUE_ONLY_TEXT} my cluster ${PLANTED.node} broke, password=${PLANTED.password}\n\n[${PLANTED_NAME}](${url})`,
  );
  await harness.opened(issue);
  const sticky = await harness.standIn.waitFor(
    () => harness.standIn.botComments(OWNER, REPO, issue.number).find((c) => c.body.includes("### Quorum")),
    { what: "analysis" },
  );
  await idle(harness);
  return { issue, sticky };
}

async function command(harness: Harness, issue: ReturnType<Harness["newIssue"]>, text: string) {
  await harness.commented(issue, "reporter", text);
  const comment = harness.standIn
    .comments(OWNER, REPO, issue.number)
    .filter((c) => c.user.login === "reporter")
    .pop()!;
  await harness.standIn.waitFor(
    () => comment.reactions.some((r) => r.content === "rocket" || r.content === "confused"),
    {
      what: "command done",
    },
  );
  await idle(harness);
  const reply = harness.standIn
    .botComments(OWNER, REPO, issue.number)
    .map((c) => c.body)
    .find((body) => body.startsWith(`> ${text}`));
  return { reactions: comment.reactions.map((r) => r.content), reply: reply ?? "" };
}

function expectNothingSecretSent() {
  const sent = fake.allRaw();
  expect(sent.length).toBeGreaterThan(0);
  for (const value of NEVER_SENT) expect(sent).not.toContain(value);
  expect(sent).not.toContain(ISSUE_ONLY_TEXT);
}

describe("/triage explain with a local OpenAI-compatible model", () => {
  it("replies with the explanation, names restored; the model saw only placeholders", async () => {
    const { issue, sticky } = await reportIssue(h);
    expect(sticky.body).not.toContain(EXPLANATION);
    const { reactions, reply } = await command(h, issue, "/triage explain");
    expect(reactions).toEqual(["eyes", "rocket"]);
    expect(reply).toContain(`#### ${EXPLANATION}`);
    expect(reply).toContain(
      `The datastore on ${PLANTED.node} keeps timing out and cannot reach ${PLANTED.peer}:19001`,
    );
    expect(reply).toContain("Written by the language model `tiny-model`");
    expect(reply).not.toMatch(/NODE_\d|IP_\d/);
    expect(fake.requests).toHaveLength(1);
    expectNothingSecretSent();
    expect(fake.allRaw()).toContain("dqlite.query-deadline");
  });

  it("a slow model: one line saying why, the analysis comment untouched", async () => {
    const { issue, sticky } = await reportIssue(h);
    const before = sticky.body;
    fake.mode = { kind: "slow", delayMs: 4_000, text: "late" };
    const { reactions, reply } = await command(h, issue, "/triage explain");
    expect(reactions).toEqual(["eyes", "confused"]);
    expect(reply).toContain(
      "no explanation this time: the language model did not answer within 1 s. The analysis comment stays as it is.",
    );
    expect(h.standIn.comment(sticky.id)?.body).toBe(before);
  });

  it("a failing model (500): one line with the status, nothing of its error body", async () => {
    const { issue } = await reportIssue(h);
    fake.mode = { kind: "fail", status: 500 };
    const { reactions, reply } = await command(h, issue, "/triage explain");
    expect(reactions).toEqual(["eyes", "confused"]);
    expect(reply).toContain("the language model endpoint answered HTTP 500");
    expect(reply).not.toContain("secret-internal-detail");
  });
});

describe("autoExplain: true in the repository config", () => {
  it("adds the explanation to the analysis comment", async () => {
    h.standIn.setFile(OWNER, REPO, CONFIG, "autoExplain: true\n");
    try {
      const { sticky } = await reportIssue(h);
      const section = sticky.body.slice(sticky.body.indexOf(`### ${EXPLANATION}`));
      expect(sticky.body).toContain(`### ${EXPLANATION}`);
      expect(section).toContain(`The datastore on ${PLANTED.node} keeps timing out`);
      expect(sticky.body.indexOf("### Other findings")).toBeLessThan(
        sticky.body.indexOf(`### ${EXPLANATION}`),
      );
      expectNothingSecretSent();
    } finally {
      h.standIn.setFile(OWNER, REPO, CONFIG, null);
    }
  });

  it("degrades to the deterministic comment with one line when the model fails", async () => {
    h.standIn.setFile(OWNER, REPO, CONFIG, "autoExplain: true\n");
    fake.mode = { kind: "content", content: "" };
    try {
      const { sticky } = await reportIssue(h);
      expect(sticky.body).toContain("### Other findings");
      expect(sticky.body).toContain(
        "_No explanation: the model's answer was empty or unreadable. The analysis above does not depend on it._",
      );
    } finally {
      h.standIn.setFile(OWNER, REPO, CONFIG, null);
    }
  });

  it("without a model configured on the server: one line saying so", async () => {
    withoutModel.standIn.setFile(OWNER, REPO, CONFIG, "autoExplain: true\n");
    const { issue, sticky } = await reportIssue(withoutModel);
    expect(sticky.body).toContain(
      "_No explanation: no language model is configured for this bot (OPENAI\\_MODEL with OPENAI\\_BASE\\_URL or OPENAI\\_API\\_KEY).",
    );
    const { reactions, reply } = await command(withoutModel, issue, "/triage explain");
    expect(reactions).toEqual(["eyes", "confused"]);
    expect(reply).toContain("is not configured here");
    expect(fake.requests).toHaveLength(0);
  });
});
