import { generateKeyPairSync } from "node:crypto";
import type { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitHubApiBaseUrl } from "../../src/github/settings.js";
import { SLIM_MARK } from "../../src/lambda/hand-off.js";
import type { LogLevel } from "../../src/lambda/log.js";
import { asWorkerProbot, startProbot } from "../../src/lambda/probot-env.js";
import { createWorker, once, type WorkerProbot } from "../../src/lambda/worker.js";
import { GitHubStandIn } from "../support/github-stand-in.js";
import { issuesEvent } from "../support/webhook.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

/** A WorkerProbot that records what it is asked to do. */
function fakeProbot(options: { fail?: Error } = {}) {
  const received: unknown[] = [];
  const logged: {
    level: string;
    bindings: Record<string, unknown>;
    fields: Record<string, unknown>;
    msg: string;
  }[] = [];
  const probot: WorkerProbot = {
    logFor: (bindings) => ({
      info: (fields, msg) => logged.push({ level: "info", bindings, fields, msg }),
      error: (fields, msg) => logged.push({ level: "error", bindings, fields, msg }),
    }),
    receive: async (event) => {
      received.push(event);
      if (options.fail) throw options.fail;
    },
    fetchers: () => ({ issueBody: async () => "fetched body", commentBody: async () => "fetched comment" }),
  };
  return { probot, received, logged };
}

const event = (payload: Record<string, unknown> = { action: "opened", installation: { id: 3 } }) => ({
  id: "delivery-7",
  name: "issues",
  payload,
});

describe("createWorker", () => {
  it("passes the hand-off to Probot and logs the delivery id on its lines", async () => {
    const fake = fakeProbot();
    await createWorker({ getProbot: async () => fake.probot })(event());
    expect(fake.received).toEqual([event()]);
    expect(fake.logged.map((line) => line.msg)).toEqual([
      "worker: handling delivery",
      "worker: delivery done",
    ]);
    for (const line of fake.logged)
      expect(line.bindings).toEqual({ delivery: "delivery-7", event: "issues.opened" });
  });

  it("throws the app's error after logging it (Lambda retries, then the dead-letter queue)", async () => {
    const failure = new Error("GitHub API 502");
    const fake = fakeProbot({ fail: failure });
    await expect(createWorker({ getProbot: async () => fake.probot })(event())).rejects.toBe(failure);
    expect(fake.logged.at(-1)).toMatchObject({
      level: "error",
      bindings: { delivery: "delivery-7" },
      fields: { err: failure },
    });
  });

  it("throws on a malformed event and when Probot cannot start, with the delivery id in the log", async () => {
    const lines: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] = [];
    const log = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, msg, fields });
    const fake = fakeProbot();
    await expect(createWorker({ getProbot: async () => fake.probot, log })({ id: "d-x" })).rejects.toThrow(
      /no event name/,
    );
    expect(lines[0]).toMatchObject({ level: "error", fields: { delivery: "d-x" } });

    const broken = createWorker({
      getProbot: async () => {
        throw new Error("GitHub App not configured: missing or invalid APP_ID");
      },
      log,
    });
    await expect(broken(event())).rejects.toThrow(/APP_ID/);
    expect(lines[1]).toMatchObject({
      level: "error",
      msg: "worker: Probot could not start",
      fields: { delivery: "delivery-7" },
    });
    expect(fake.received).toEqual([]);
  });

  it("restores a slimmed payload before the app sees it", async () => {
    const fake = fakeProbot();
    const payload = {
      action: "opened",
      installation: { id: 3 },
      repository: { name: "r", owner: { login: "o" } },
      issue: { number: 5, body: "" },
      [SLIM_MARK]: { stripped: true, refetch: ["issue.body"] },
    };
    await createWorker({ getProbot: async () => fake.probot })(event(payload));
    expect(fake.received).toEqual([
      {
        id: "delivery-7",
        name: "issues",
        payload: {
          action: "opened",
          installation: { id: 3 },
          repository: payload.repository,
          issue: { number: 5, body: "fetched body" },
        },
      },
    ]);
  });
});

describe("once", () => {
  it("starts once on success and again after a failure", async () => {
    let starts = 0;
    const start = once(async () => {
      starts++;
      if (starts === 1) throw new Error("cold start failed");
      return starts;
    });
    await expect(start()).rejects.toThrow("cold start failed");
    expect(await Promise.all([start(), start()])).toEqual([2, 2]);
    expect(await start()).toBe(2);
    expect(starts).toBe(2);
  });
});

describe("gitHubApiBaseUrl", () => {
  it("follows Probot's GHE_HOST / GHE_PROTOCOL rule", () => {
    expect(gitHubApiBaseUrl({})).toBe("https://api.github.com");
    expect(gitHubApiBaseUrl({ GHE_HOST: "ghe.example.com" })).toBe("https://ghe.example.com/api/v3");
    expect(gitHubApiBaseUrl({ GHE_HOST: "https://ghe.example.com/", GHE_PROTOCOL: "http" })).toBe(
      "http://ghe.example.com/api/v3",
    );
    expect(gitHubApiBaseUrl({ GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "HTTP" })).toBe(
      "http://127.0.0.1:8080/api/v3",
    );
  });
});

describe("startProbot with the worker (real Probot 14 against the GitHub stand-in)", () => {
  let standIn: GitHubStandIn;
  beforeAll(async () => {
    standIn = await GitHubStandIn.start({ appKey: publicKey });
  });
  afterAll(async () => {
    await standIn?.close();
  });

  const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    APP_ID: String(standIn.appId),
    // base64 of the PEM, as recommended for SSM and Lambda environment variables
    PRIVATE_KEY: Buffer.from(PEM).toString("base64"),
    GHE_HOST: standIn.host,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "silent",
    ...overrides,
  });

  const commentingApp = (app: Probot) => {
    app.on("issues.opened", async (context) => {
      const { data } = await context.octokit.rest.issues.get(context.issue());
      await context.octokit.rest.issues.createComment(
        context.issue({ body: `seen: ${data.title} / ${context.payload.issue.body}` }),
      );
    });
  };

  it("authenticates as the installation and runs the app to the end", async () => {
    const issue = standIn.addIssue("acme", "cluster", {
      title: "dqlite lost quorum",
      body: "report attached",
      user: "alice",
    });
    const probot = await startProbot(commentingApp, env());
    const handler = createWorker({ getProbot: async () => asWorkerProbot(probot) });
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("alice"),
    });
    await handler({ id: "d-real", name: "issues", payload });
    expect(standIn.botComments("acme", "cluster", issue.number).map((c) => c.body)).toEqual([
      "seen: dqlite lost quorum / report attached",
    ]);
    expect(standIn.callsTo("POST", /^\/app\/installations\/\d+\/access_tokens$/)[0]?.auth).toBe("app");
  });

  it("fetches the emptied body of a slimmed payload as the installation", async () => {
    const issue = standIn.addIssue("acme", "cluster", { title: "big", body: "the full body", user: "alice" });
    const probot = await startProbot(commentingApp, env());
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("alice"),
    });
    (payload.issue as { body: string }).body = "";
    payload[SLIM_MARK] = { stripped: true, refetch: ["issue.body"] };
    await createWorker({ getProbot: async () => asWorkerProbot(probot) })({
      id: "d-slim",
      name: "issues",
      payload,
    });
    expect(standIn.botComments("acme", "cluster", issue.number).map((c) => c.body)).toEqual([
      "seen: big / the full body",
    ]);
  });

  it("names what is missing instead of starting half-configured", async () => {
    await expect(startProbot(commentingApp, env({ APP_ID: "" }))).rejects.toThrow(
      /missing or invalid APP_ID$/,
    );
    await expect(startProbot(commentingApp, env({ APP_ID: "12x" }))).rejects.toThrow(
      /APP_ID \(not a number\)/,
    );
    await expect(startProbot(commentingApp, env({ PRIVATE_KEY: "" }))).rejects.toThrow(/PRIVATE_KEY/);
    await expect(startProbot(commentingApp, env({ PRIVATE_KEY: "bm90IGEga2V5" }))).rejects.toThrow(
      /PRIVATE_KEY/,
    );
  });

  it("rethrows a failing app so that Lambda retries the event", async () => {
    const issue = standIn.addIssue("acme", "cluster", { title: "t", body: "b", user: "alice" });
    standIn.failNext({ status: 403, count: 10, method: "POST", path: /\/comments$/ });
    const probot = await startProbot(commentingApp, env());
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("alice"),
    });
    await expect(
      createWorker({ getProbot: async () => asWorkerProbot(probot) })({
        id: "d-fail",
        name: "issues",
        payload,
      }),
    ).rejects.toThrow();
    expect(standIn.botComments("acme", "cluster", issue.number)).toEqual([]);
  }, 60_000);
});
