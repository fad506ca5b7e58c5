import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { HAND_OFF_LIMIT_BYTES, SLIM_MARK } from "../../src/lambda/hand-off.js";
import type { LogLevel } from "../../src/lambda/log.js";
import { createReceiver } from "../../src/lambda/receiver.js";
import { examplePayload, setPath } from "./payloads.js";

const SECRET = "receiver-test-secret";

function harness(options: { secret?: string; failInvoke?: boolean } = {}) {
  const invoked: string[] = [];
  const lines: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] = [];
  const handler = createReceiver({
    secret: "secret" in options ? options.secret : SECRET,
    invokeWorker: async (json) => {
      if (options.failInvoke) throw new Error("TooManyRequestsException: Rate Exceeded.");
      invoked.push(json);
    },
    log: (level, msg, fields = {}) => lines.push({ level, msg, fields }),
  });
  return { handler, invoked, lines };
}

async function httpApiEvent(
  name: string,
  payload: unknown,
  options: { id?: string; secret?: string; signature?: string; base64?: boolean } = {},
) {
  const body = JSON.stringify(payload);
  const signature = options.signature ?? (await sign(options.secret ?? SECRET, body));
  return {
    version: "2.0",
    routeKey: "POST /api/github/webhooks",
    rawPath: "/api/github/webhooks",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": options.id ?? "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "x-hub-signature-256": signature,
    },
    body: options.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

function openedByUser() {
  const payload = examplePayload("issues", "opened");
  setPath(payload, "sender", { login: "octocat", type: "User" });
  return payload;
}

const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe("createReceiver", () => {
  it("hands a signed issues.opened to the worker and answers 202", async () => {
    const { handler, invoked, lines } = harness();
    const payload = openedByUser();
    const response = await handler(await httpApiEvent("issues", payload, { id: "delivery-1" }));
    expect(response.statusCode).toBe(202);
    expect(parse(response.body)).toEqual({ accepted: "delivery-1" });
    expect(invoked.map((json) => JSON.parse(json))).toEqual([{ id: "delivery-1", name: "issues", payload }]);
    expect(lines.at(-1)).toMatchObject({
      level: "info",
      msg: "handed off to the worker",
      fields: { delivery: "delivery-1", event: "issues", action: "opened" },
    });
  });

  it("accepts REST (v1) events with capitalised headers and a base64 body", async () => {
    const { handler, invoked } = harness();
    const v2 = await httpApiEvent("issues", openedByUser(), { base64: true });
    const v1 = {
      resource: "/api/github/webhooks",
      httpMethod: "POST",
      headers: {
        "X-GitHub-Event": v2.headers["x-github-event"],
        "X-GitHub-Delivery": v2.headers["x-github-delivery"],
        "X-Hub-Signature-256": v2.headers["x-hub-signature-256"],
      },
      body: v2.body,
      isBase64Encoded: true,
    };
    expect((await handler(v1)).statusCode).toBe(202);
    expect(invoked).toHaveLength(1);
  });

  it("answers 400 when a GitHub header is missing", async () => {
    const { handler, invoked } = harness();
    for (const header of ["x-github-event", "x-github-delivery", "x-hub-signature-256"]) {
      const event = await httpApiEvent("issues", openedByUser());
      delete (event.headers as Record<string, string>)[header];
      const response = await handler(event);
      expect(response.statusCode, header).toBe(400);
      expect(parse(response.body).error).toBe(`missing header ${header}`);
    }
    expect((await handler({})).statusCode).toBe(400);
    expect(invoked).toEqual([]);
  });

  it("answers 401 when the signature does not match the body", async () => {
    const { handler, invoked, lines } = harness();
    const wrongSecret = await httpApiEvent("issues", openedByUser(), { secret: "another secret" });
    expect((await handler(wrongSecret)).statusCode).toBe(401);
    const garbage = await httpApiEvent("issues", openedByUser(), { signature: "sha256=not-hex" });
    expect((await handler(garbage)).statusCode).toBe(401);
    const sha1 = await httpApiEvent("issues", openedByUser(), { signature: "sha1=0123456789abcdef" });
    expect((await handler(sha1)).statusCode).toBe(401);

    // a body changed after signing (one space added)
    const tampered = await httpApiEvent("issues", openedByUser());
    tampered.body = `${tampered.body} `;
    expect((await handler(tampered)).statusCode).toBe(401);

    const empty = await httpApiEvent("issues", openedByUser());
    empty.body = "";
    expect((await handler(empty)).statusCode).toBe(401);
    expect(invoked).toEqual([]);
    expect(lines.every((line) => line.level === "warn")).toBe(true);
  });

  it("answers 400 for a signed body that is not JSON", async () => {
    const { handler, invoked } = harness();
    const body = "payload=%7B%7D";
    const event = await httpApiEvent("issues", {});
    event.body = body;
    event.headers["x-hub-signature-256"] = await sign(SECRET, body);
    const response = await handler(event);
    expect(response.statusCode).toBe(400);
    expect(parse(response.body).error).toBe("body is not JSON");
    expect(invoked).toEqual([]);
  });

  it("answers 202 {ignored} without a hand-off for events the bot ignores", async () => {
    const { handler, invoked } = harness();
    const ping = await handler(await httpApiEvent("ping", { zen: "Design for failure.", hook_id: 1 }));
    expect(ping.statusCode).toBe(202);
    expect(parse(ping.body)).toEqual({ ignored: 'event "ping" is not handled' });

    const byBot = setPath(openedByUser(), "sender", { login: "dependabot[bot]", type: "Bot" });
    expect(parse((await handler(await httpApiEvent("issues", byBot))).body)).toEqual({
      ignored: "sender dependabot[bot] is a bot",
    });

    const deleted = examplePayload("issue_comment", "deleted");
    expect(parse((await handler(await httpApiEvent("issue_comment", deleted))).body).ignored).toMatch(
      /not handled/,
    );
    expect(invoked).toEqual([]);
  });

  it("answers 500 when the hand-off fails, so that GitHub shows the delivery as failed", async () => {
    const { handler, lines } = harness({ failInvoke: true });
    const response = await handler(await httpApiEvent("issues", openedByUser(), { id: "d-9" }));
    expect(response.statusCode).toBe(500);
    expect(lines.at(-1)).toMatchObject({
      level: "error",
      fields: { delivery: "d-9", err: "Error: TooManyRequestsException: Rate Exceeded." },
    });
  });

  it("answers 500 when no secret is configured, whatever the signature", async () => {
    for (const secret of [undefined, ""]) {
      const { handler, invoked } = harness({ secret });
      const response = await handler(await httpApiEvent("issues", openedByUser(), { secret: "x" }));
      expect(response.statusCode).toBe(500);
      expect(invoked).toEqual([]);
    }
  });

  it("slims a payload over the async invoke limit", async () => {
    const { handler, invoked, lines } = harness();
    const payload = openedByUser();
    setPath(payload, "issue.body", "🦄".repeat(65_536));
    const response = await handler(await httpApiEvent("issues", payload));
    expect(response.statusCode).toBe(202);
    expect(Buffer.byteLength(invoked[0])).toBeLessThanOrEqual(HAND_OFF_LIMIT_BYTES);
    const sent = JSON.parse(invoked[0]) as { payload: Record<string, unknown> };
    expect(sent.payload[SLIM_MARK]).toEqual({ stripped: true, refetch: ["issue.body"] });
    expect(lines.some((line) => line.msg.startsWith("payload slimmed"))).toBe(true);
  });
});
