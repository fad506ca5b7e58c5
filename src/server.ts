/**
 * `npm start`: the bot as a long-lived Node server (Probot 14). Webhooks at
 * POST /api/github/webhooks (WEBHOOK_PATH), a health check at GET /health, PORT (default 3000),
 * HOST, GHE_HOST / GHE_PROTOCOL (API at {protocol}://{host}/api/v3), LOG_LEVEL (default info).
 * The analysis runs in this process after the webhook is acknowledged.
 *
 * Without credentials it still starts, prints one line naming what is missing, and serves
 * only the health check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createNodeMiddleware, createProbot } from "probot";
import { createApp, type TriageApp } from "./github/app.js";
import { readCredentials } from "./github/credentials.js";
import { gitHubApiBaseUrl, readSettings } from "./github/settings.js";

export const DEFAULT_PORT = 3000;
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";
const HEALTH_PATHS = new Set(["/health", "/healthz", "/ping"]);
const LOG_LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);
/** Deferred work gets this long to finish when the server closes. */
const DRAIN_TIMEOUT_MS = 15_000;

export interface StartedServer {
  port: number;
  /** False when credentials are missing and only the health check is served. */
  configured: boolean;
  /** Variables that are missing or invalid (empty when configured). */
  missing: string[];
  /** The GitHub API base URL Probot uses. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The app to run (default: a new `createApp({ defer: true })`). */
  app?: TriageApp;
  /** Where the one-line "not configured" notice goes (default: stdout). */
  print?: (line: string) => void;
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: StartOptions = {},
): Promise<StartedServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const port = parsePort(env.PORT);
  const host = env.HOST?.trim() || undefined;
  const webhookPath = env.WEBHOOK_PATH?.trim() || DEFAULT_WEBHOOK_PATH;
  const baseUrl = gitHubApiBaseUrl(env);
  const credentials = readCredentials(env);

  if (!credentials.ok) {
    const server = createServer((req, res) => serveUnconfigured(req, res, webhookPath, credentials.missing));
    const boundPort = await listen(server, port, host);
    print(
      `report-triage: GitHub App not configured, missing ${credentials.missing.join(", ")}; serving only the health check on port ${boundPort}`,
    );
    return {
      port: boundPort,
      configured: false,
      missing: credentials.missing,
      baseUrl,
      close: () => closeServer(server),
    };
  }

  const logLevel = env.LOG_LEVEL && LOG_LEVELS.has(env.LOG_LEVEL) ? env.LOG_LEVEL : "info";
  const probot = createProbot({
    env: { ...env, LOG_LEVEL: logLevel as NodeJS.ProcessEnv["LOG_LEVEL"] },
    overrides: {
      appId: credentials.credentials.appId,
      privateKey: credentials.credentials.privateKey,
      secret: credentials.credentials.webhookSecret,
      baseUrl,
    },
  });
  const app = options.app ?? createApp({ defer: true, settings: readSettings(env) });
  const middleware = await createNodeMiddleware(app, { probot, webhooksPath: webhookPath });

  const server = createServer((req, res) => {
    if (isHealthCheck(req)) {
      sendJson(res, 200, { status: "ok", configured: true });
      return;
    }
    Promise.resolve(
      middleware(req, res, () => {
        if (!res.headersSent) sendJson(res, 404, { error: "not found" });
      }),
    ).catch((error: unknown) => {
      probot.log.error({ err: error }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
    });
  });
  const boundPort = await listen(server, port, host);
  probot.log.info(
    `report-triage listening on port ${boundPort}, webhooks at ${webhookPath}, GitHub API ${baseUrl}`,
  );
  return {
    port: boundPort,
    configured: true,
    missing: [],
    baseUrl,
    async close() {
      const closing = closeServer(server);
      await app.whenIdle(DRAIN_TIMEOUT_MS);
      await closing;
    },
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_PORT;
  const port = Number(value.trim());
  return Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : DEFAULT_PORT;
}

function isHealthCheck(req: IncomingMessage): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = (req.url ?? "/").split("?")[0];
  return HEALTH_PATHS.has(path);
}

function serveUnconfigured(
  req: IncomingMessage,
  res: ServerResponse,
  webhookPath: string,
  missing: string[],
): void {
  req.resume();
  if (isHealthCheck(req)) {
    sendJson(res, 200, { status: "unconfigured", configured: false, missing });
    return;
  }
  if ((req.url ?? "").split("?")[0] === webhookPath) {
    sendJson(res, 503, { error: `GitHub App not configured: missing ${missing.join(", ")}` });
    return;
  }
  sendJson(res, 404, { error: "not found" });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Start, and on SIGTERM/SIGINT stop accepting webhooks, let deferred work finish (bounded), exit. */
export async function serveUntilSignal(env: NodeJS.ProcessEnv = process.env): Promise<StartedServer> {
  const started = await startServer(env);
  const stop = async () => {
    await started.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  return started;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serveUntilSignal().catch((error: unknown) => {
    process.stderr.write(`report-triage: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
