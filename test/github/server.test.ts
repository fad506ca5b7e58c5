/** src/server.ts: start-up with and without credentials, health check, webhook path, GHE base URL. */
import { afterEach, describe, expect, it } from "vitest";
import { gitHubApiBaseUrl as apiBaseUrl } from "../../src/github/settings.js";
import { type StartedServer, startServer } from "../../src/server.js";
import { deliver } from "../support/webhook.js";
import { PRIVATE_KEY_PEM } from "./harness.js";

let running: StartedServer | null = null;

afterEach(async () => {
  await running?.close();
  running = null;
});

describe("startServer", () => {
  it("without credentials starts anyway, prints one line naming what is missing, serves the health check", async () => {
    const lines: string[] = [];
    running = await startServer(
      { PORT: "0", HOST: "127.0.0.1", APP_ID: "" },
      { print: (line) => lines.push(line) },
    );
    expect(running.configured).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("APP_ID");
    expect(lines[0]).toContain("PRIVATE_KEY");
    expect(lines[0]).toContain("WEBHOOK_SECRET");
    expect(lines[0]).not.toContain("\n");
    const health = await fetch(`http://127.0.0.1:${running.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "unconfigured",
      missing: ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"],
    });
    const hook = await fetch(`http://127.0.0.1:${running.port}/api/github/webhooks`, {
      method: "POST",
      body: "{}",
    });
    expect(hook.status).toBe(503);
  });

  it("names only the variable that is missing", async () => {
    const lines: string[] = [];
    running = await startServer(
      { PORT: "0", HOST: "127.0.0.1", APP_ID: "1", PRIVATE_KEY: PRIVATE_KEY_PEM },
      { print: (line) => lines.push(line) },
    );
    expect(running.missing).toEqual(["WEBHOOK_SECRET"]);
    expect(lines[0]).toMatch(/missing WEBHOOK_SECRET;/);
  });

  it("with credentials (PRIVATE_KEY as base64) serves webhooks and rejects bad signatures", async () => {
    const lines: string[] = [];
    running = await startServer(
      {
        PORT: "0",
        HOST: "127.0.0.1",
        APP_ID: "123",
        PRIVATE_KEY: Buffer.from(PRIVATE_KEY_PEM).toString("base64"),
        WEBHOOK_SECRET: "secret",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "silent",
      },
      { print: (line) => lines.push(line) },
    );
    expect(running.configured).toBe(true);
    expect(lines).toEqual([]);
    expect(running.baseUrl).toBe("http://127.0.0.1:9/api/v3");
    const url = `http://127.0.0.1:${running.port}/api/github/webhooks`;
    const forged = await deliver(url, "not-the-secret", { name: "ping", payload: { zen: "hi" } });
    expect([400, 401]).toContain(forged.status);
    const ping = await deliver(url, "secret", { name: "ping", payload: { zen: "hi", hook_id: 1 } });
    expect(ping.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.port}/nowhere`)).status).toBe(404);
  });
});

describe("apiBaseUrl", () => {
  it("follows Probot's GHE_HOST / GHE_PROTOCOL rule", () => {
    expect(apiBaseUrl({})).toBe("https://api.github.com");
    expect(apiBaseUrl({ GHE_HOST: "ghe.example.com" })).toBe("https://ghe.example.com/api/v3");
    expect(apiBaseUrl({ GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "http" })).toBe(
      "http://127.0.0.1:8080/api/v3",
    );
  });
});
