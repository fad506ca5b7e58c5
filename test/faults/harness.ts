/**
 * The bot as it runs for real, over loopback: src/server.ts (or the Lambda worker) with a
 * generated app key, pointed at the GitHub stand-in (GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http),
 * receiving signed webhooks. Helpers read the bot's comment the way a reader of the issue would.
 */
import { generateKeyPairSync } from "node:crypto";
import { isIP } from "node:net";
import { type AppDeps, createApp, type TriageApp } from "../../src/github/app.js";
import { readSettings } from "../../src/github/settings.js";
import { asWorkerProbot, startProbot } from "../../src/lambda/probot-env.js";
import { createWorker, type WorkerHandler } from "../../src/lambda/worker.js";
import { COMMENT_MARKER } from "../../src/render/markdown.js";
import { type StartedServer, startServer } from "../../src/server.js";
import { GitHubStandIn, type StandInComment, type StandInIssue } from "../support/github-stand-in.js";
import { type Delivery, deliver, issueCommentEvent, issuesEvent } from "../support/webhook.js";

export const OWNER = "canonical";
export const REPO = "microk8s";
export const SECRET = "faults-webhook-secret";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

export type BotDeps = Omit<AppDeps, "settings" | "defer">;

export function startStandIn(): Promise<GitHubStandIn> {
  return GitHubStandIn.start({ appKey: publicKey });
}

/** The environment of a bot pointed at `standIn`; `extra` wins. */
export function botEnv(standIn: GitHubStandIn, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    APP_ID: String(standIn.appId),
    PRIVATE_KEY: PRIVATE_KEY_PEM,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: standIn.host,
    GHE_PROTOCOL: "http",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...extra,
  };
}

export interface Bot {
  standIn: GitHubStandIn;
  server: StartedServer;
  app: TriageApp;
  webhookUrl: string;
  /** Delivers `issues.opened` for `issue` (optionally with a fixed delivery id). */
  opened(issue: StandInIssue, id?: string): Promise<Delivery>;
  /** Adds a comment by `user` on the stand-in and delivers `issue_comment.created`. */
  commented(issue: StandInIssue, user: string, body: string): Promise<Delivery>;
  /** Resolves when the app has no deferred work left. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real server (src/server.ts) against `standIn`. Does not close the stand-in. */
export async function startBot(
  standIn: GitHubStandIn,
  options: { env?: NodeJS.ProcessEnv; deps?: BotDeps } = {},
): Promise<Bot> {
  const env = botEnv(standIn, options.env);
  const app = createApp({ ...options.deps, defer: true, settings: readSettings(env) });
  const server = await startServer(env, { app, print: () => {} });
  if (!server.configured) throw new Error(`bot not configured: ${server.missing.join(", ")}`);
  const webhookUrl = `http://127.0.0.1:${server.port}/api/github/webhooks`;
  const send = (name: string, payload: unknown, id?: string) =>
    deliver(webhookUrl, SECRET, { name, payload, id });
  return {
    standIn,
    server,
    app,
    webhookUrl,
    opened: (issue, id) => send("issues", openedPayload(standIn, issue), id),
    commented: (issue, user, body) => {
      const comment = standIn.addComment(issue.owner, issue.repo, issue.number, { user, body });
      return send(
        "issue_comment",
        issueCommentEvent({ installationId: standIn.installationId, issue, sender: comment.user, comment }),
      );
    },
    async idle(timeoutMs = 60_000) {
      if (!(await app.whenIdle(timeoutMs)))
        throw new Error(`deferred work still running after ${timeoutMs} ms`);
    },
    close: () => server.close(),
  };
}

export function openedPayload(standIn: GitHubStandIn, issue: StandInIssue): Record<string, unknown> {
  return issuesEvent("opened", { installationId: standIn.installationId, issue, sender: issue.user });
}

/**
 * A Lambda worker "container": a fresh Probot and app (defer: false, as on Lambda), wrapped by the
 * worker handler of functions/worker.ts. Each call is one container; its handler is one invocation.
 */
export async function startWorker(
  standIn: GitHubStandIn,
  options: { env?: NodeJS.ProcessEnv; deps?: BotDeps } = {},
): Promise<WorkerHandler> {
  const env = botEnv(standIn, options.env);
  const app = createApp({ ...options.deps, defer: false, settings: readSettings(env) });
  const probot = await startProbot(app, env);
  return createWorker({ getProbot: async () => asWorkerProbot(probot), log: () => {} });
}

// ------------------------------------------------------------------ reading the bot's comment

export const isFinal = (body: string): boolean => body.includes("### Quorum");

/** The bot's sticky comments on `issue` (marker first line, the app's login). */
export function stickies(standIn: GitHubStandIn, issue: StandInIssue): StandInComment[] {
  return standIn
    .botComments(issue.owner, issue.repo, issue.number)
    .filter((comment) => comment.body.split("\n")[0] === COMMENT_MARKER);
}

/** Waits until the bot's comment on `issue` satisfies `check`; returns its body. */
export function waitForComment(
  standIn: GitHubStandIn,
  issue: StandInIssue,
  check: (body: string) => boolean = isFinal,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<string> {
  return standIn.waitFor(
    () =>
      standIn.botComments(issue.owner, issue.repo, issue.number).find((comment) => check(comment.body))?.body,
    { timeoutMs: options.timeoutMs ?? 30_000, what: options.what ?? `final comment on #${issue.number}` },
  );
}

/** Undoes the renderer's Markdown escapes and HTML entities, to read a line as it is shown. */
export function plain(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The lines of the comment's input list that link `url`, as shown. */
export function inputLines(body: string, url: string): string[] {
  return body
    .split("\n")
    .filter((line) => line.startsWith("- ") && line.includes(`(${url})`))
    .map(plain);
}

export function link(url: string): string {
  return `[${decodeURIComponent(url.split("/").pop() ?? "report")}](${url})`;
}

// ------------------------------------------------------------------ name resolution

export interface StubResolver {
  resolve(hostname: string): Promise<{ address: string; family: number }[]>;
  /** Every name asked for, in order. */
  readonly queries: string[];
}

/**
 * Name resolution from a fixed table, for the downloader: the bot's SSRF guard sees these answers
 * exactly as it would see DNS's. A name not in the table fails as ENOTFOUND, so nothing ever
 * reaches a real resolver.
 */
export function stubResolver(table: Record<string, string[]>): StubResolver {
  const queries: string[] = [];
  return {
    queries,
    async resolve(hostname) {
      queries.push(hostname);
      const addresses = table[hostname.toLowerCase()];
      if (!addresses) {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      }
      return addresses.map((address) => ({ address, family: isIP(address) }));
    },
  };
}
