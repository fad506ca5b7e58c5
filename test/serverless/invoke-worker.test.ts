import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createWorkerInvoker } from "../../src/lambda/invoke-worker.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the Lambda Invoke API on 127.0.0.1 (what serverless-offline's lambda port serves). */
async function fakeLambdaApi(
  reply: (seen: Seen) => { status: number; headers?: Record<string, string> } | null,
) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      const answer = reply(request);
      if (!answer) return; // never answer
      res.writeHead(answer.status, answer.headers ?? {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { endpoint, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const offlineEnv = { AWS_REGION: "eu-west-1" } as NodeJS.ProcessEnv;

describe("createWorkerInvoker", () => {
  it("sends an asynchronous Invoke (InvocationType Event) with the event as payload", async () => {
    const api = await fakeLambdaApi(() => ({ status: 202 }));
    const invoke = createWorkerInvoker({
      functionName: "report-triage-dev-worker",
      endpoint: api.endpoint,
      env: offlineEnv,
    });
    const event = JSON.stringify({ id: "d-1", name: "issues", payload: { action: "opened", title: "ü" } });
    await invoke(event);
    expect(api.seen).toHaveLength(1);
    const [request] = api.seen;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/2015-03-31/functions/report-triage-dev-worker/invocations");
    expect(request.headers["x-amz-invocation-type"]).toBe("Event");
    expect(request.body).toBe(event);
    // signed with the placeholder credentials, for the region configured
    expect(request.headers.authorization).toMatch(
      /Credential=offline\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
    );
  });

  it("uses real credentials from the environment when there are some", async () => {
    const api = await fakeLambdaApi(() => ({ status: 202 }));
    const env = { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalr" };
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    });
    try {
      await createWorkerInvoker({ functionName: "w", endpoint: api.endpoint, env })("{}");
    } finally {
      restore("AWS_ACCESS_KEY_ID", saved.id);
      restore("AWS_SECRET_ACCESS_KEY", saved.secret);
    }
    expect(api.seen[0].headers.authorization).toMatch(/Credential=AKIDEXAMPLE\//);
  });

  it("fails when Lambda does not accept the event", async () => {
    const api = await fakeLambdaApi(() => ({ status: 200 }));
    const invoke = createWorkerInvoker({ functionName: "w", endpoint: api.endpoint, env: offlineEnv });
    await expect(invoke("{}")).rejects.toThrow(/async invoke of w answered 200/);
  });

  it("fails on an API error after the SDK's retries", async () => {
    const api = await fakeLambdaApi(() => ({
      status: 404,
      headers: { "x-amzn-errortype": "ResourceNotFoundException", "content-type": "application/json" },
    }));
    const invoke = createWorkerInvoker({ functionName: "missing", endpoint: api.endpoint, env: offlineEnv });
    await expect(invoke("{}")).rejects.toThrow();
    expect(api.seen.length).toBeGreaterThanOrEqual(1);
  });

  it("gives up after its timeout when the API does not answer", async () => {
    const api = await fakeLambdaApi(() => null);
    const invoke = createWorkerInvoker({
      functionName: "w",
      endpoint: api.endpoint,
      env: offlineEnv,
      timeoutMs: 300,
    });
    const started = Date.now();
    await expect(invoke("{}")).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
