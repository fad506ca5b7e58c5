/**
 * The explainer against a local OpenAI-compatible server on loopback: a normal answer, a slow
 * one, a failing one, garbage; nothing identifying or secret reaches the server, and the
 * placeholders in the answer are restored.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { analyze } from "../../src/engine.js";
import { readModelConfig } from "../../src/explain/config.js";
import { ExplainError, explainResult, explainWithModel } from "../../src/explain/explain.js";
import type { AnalysisResult } from "../../src/result/types.js";
import { FakeOpenAI } from "./fake-openai.js";
import { NEVER_SENT, PLANTED, PLANTED_NAME, plantedReport } from "./fixtures.js";

let fake: FakeOpenAI;
let result: AnalysisResult;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  result = await analyze([{ kind: "buffer", data: await plantedReport(), name: PLANTED_NAME }]);
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

const model = (timeoutMs = 2_000) => ({
  baseUrl: fake.baseUrl,
  apiKey: "sk-local-test",
  model: "tiny-model",
  timeoutMs,
});

/** An answer that talks about the placeholders it was given (as a model would). */
const echoPlaceholders = (prompt: string) => {
  const node = /NODE_\d+/.exec(prompt)?.[0] ?? "NODE_?";
  const ip = /IP_\d+/.exec(prompt)?.[0] ?? "IP_?";
  return `The datastore on ${node} cannot reach the voter at ${ip}:19001, and its disk sdb reports I/O errors.\n\n**Next steps**\n1. Check the disk of ${node}.\n2. Remove ${ip}:19001 if that node is gone.`;
};

describe("explainResult against a local OpenAI-compatible server", () => {
  it("sends one request with only placeholders, and restores them in the answer", async () => {
    fake.mode = { kind: "answer", text: echoPlaceholders };
    const outcome = await explainResult(result, model());
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.model).toBe("tiny-model");
    expect(outcome.text).toContain(
      `The datastore on ${PLANTED.node} cannot reach the voter at ${PLANTED.peer}:19001`,
    );
    expect(outcome.text).not.toMatch(/NODE_\d|IP_\d/);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.path).toBe("/v1/chat/completions");
    expect(request!.headers.authorization).toBe("Bearer sk-local-test");
    expect(request!.body?.model).toBe("tiny-model");
    const raw = request!.raw;
    for (const value of NEVER_SENT) expect(raw).not.toContain(value);
    // but the findings themselves went
    expect(raw).toContain("dqlite.query-deadline");
    expect(raw).toContain("NODE_1");
    expect(raw).toMatch(/IP_\d:19001/);
  });

  it("a slow server costs one timeout and no retry", async () => {
    fake.mode = { kind: "slow", delayMs: 3_000, text: "too late" };
    const started = Date.now();
    const outcome = await explainResult(result, model(500));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(outcome).toEqual({ ok: false, reason: "the language model did not answer within 0.5 s" });
    expect(fake.requests).toHaveLength(1);
  });

  it("a failing server (500) gives the status, not its body, and is not retried", async () => {
    fake.mode = { kind: "fail", status: 500 };
    const outcome = await explainResult(result, model());
    expect(outcome).toEqual({ ok: false, reason: "the language model endpoint answered HTTP 500" });
    expect(fake.requests).toHaveLength(1);
  });

  it("refused credentials are said as such", async () => {
    fake.mode = { kind: "fail", status: 401 };
    const outcome = await explainResult(result, model());
    expect(outcome).toEqual({
      ok: false,
      reason: "the language model endpoint refused the credentials (HTTP 401)",
    });
  });

  it.each([
    ["a body that is not JSON", { kind: "not-json" } as const],
    ["no choices", { kind: "no-choices" } as const],
    ["a null content", { kind: "content", content: null } as const],
    ["an empty content", { kind: "content", content: "   " } as const],
    ["symbols only", { kind: "content", content: "{}[]()<>!!!???...---___***" } as const],
    ["mojibake", { kind: "content", content: "\uFFFD".repeat(40) } as const],
  ])("garbage (%s) is refused with a reason", async (_name, mode) => {
    fake.mode = mode;
    const outcome = await explainResult(result, model());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(/^the (model's answer|language model's answer)/);
  });

  it("an endpoint that is not listening cannot be reached", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const outcome = await explainResult(result, { ...model(), baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(outcome).toEqual({ ok: false, reason: "the language model endpoint could not be reached" });
  });

  it("explainWithModel (the bot's default hook) throws an ExplainError carrying the reason", async () => {
    fake.mode = { kind: "fail", status: 503 };
    const error = await explainWithModel({ result, model: model() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplainError);
    expect((error as ExplainError).reason).toBe("the language model endpoint answered HTTP 503");
  });
});

describe("readModelConfig", () => {
  it("needs a model name and somewhere to send it", () => {
    expect(readModelConfig({})).toBeNull();
    expect(readModelConfig({ OPENAI_MODEL: "m" })).toBeNull();
    expect(readModelConfig({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" })).toBeNull();
    expect(
      readModelConfig({
        OPENAI_MODEL: " m ",
        OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
        OPENAI_TIMEOUT_MS: "1500",
      }),
    ).toEqual({
      model: "m",
      baseUrl: "http://127.0.0.1:1/v1",
      apiKey: null,
      timeoutMs: 1500,
    });
    expect(readModelConfig({ OPENAI_MODEL: "m", OPENAI_API_KEY: "k", OPENAI_TIMEOUT_MS: "soon" })).toEqual({
      model: "m",
      baseUrl: null,
      apiKey: "k",
      timeoutMs: null,
    });
  });
});
