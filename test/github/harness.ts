/**
 * End-to-end harness: the real server (src/server.ts) with a generated RSA key, pointed at the
 * local GitHub stand-in (GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http) and a local attachment server.
 */
import { generateKeyPairSync } from "node:crypto";
import { type AppDeps, createApp, type TriageApp } from "../../src/github/app.js";
import { readSettings } from "../../src/github/settings.js";
import { type StartedServer, startServer } from "../../src/server.js";
import { GitHubStandIn, type StandInIssue, type StandInUser } from "../support/github-stand-in.js";
import { type Delivery, deliver, issueCommentEvent, issuesEvent } from "../support/webhook.js";
import { AttachmentServer, closedPort } from "./fixtures.js";

export const OWNER = "canonical";
export const REPO = "microk8s";
export const SECRET = "e2e-webhook-secret";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const PRIVATE_KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

export interface Harness {
  standIn: GitHubStandIn;
  files: AttachmentServer;
  server: StartedServer;
  app: TriageApp;
  deadPort: number;
  webhookUrl: string;
  env: NodeJS.ProcessEnv;
  opened(issue: StandInIssue, id?: string): Promise<Delivery>;
  edited(issue: StandInIssue, previousBody?: string | null): Promise<Delivery>;
  labeled(
    issue: StandInIssue,
    label: string,
    sender: string,
    action?: "labeled" | "unlabeled",
  ): Promise<Delivery>;
  commented(issue: StandInIssue, user: string, body: string): Promise<Delivery>;
  send(name: string, payload: unknown, id?: string): Promise<Delivery>;
  newIssue(
    body: string | null,
    options?: { title?: string; user?: string; labels?: string[]; locked?: boolean },
  ): StandInIssue;
  close(): Promise<void>;
}

export async function startHarness(
  options: { env?: NodeJS.ProcessEnv; deps?: Omit<AppDeps, "settings" | "defer"> } = {},
): Promise<Harness> {
  const standIn = await GitHubStandIn.start({ appKey: publicKey });
  const files = await AttachmentServer.start();
  const deadPort = await closedPort();
  const env: NodeJS.ProcessEnv = {
    APP_ID: String(standIn.appId),
    PRIVATE_KEY: PRIVATE_KEY_PEM,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: standIn.host,
    GHE_PROTOCOL: "http",
    ATTACHMENT_HOSTS: `http://127.0.0.1:${files.port}, http://127.0.0.1:${deadPort}`,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...options.env,
  };
  const app = createApp({ ...options.deps, defer: true, settings: readSettings(env) });
  const server = await startServer(env, { app });
  const webhookUrl = `http://127.0.0.1:${server.port}/api/github/webhooks`;
  const actor = (login: string): StandInUser => standIn.user(login);
  const target = (issue: StandInIssue, sender: StandInUser) => ({
    installationId: standIn.installationId,
    issue,
    sender,
  });
  const send = (name: string, payload: unknown, id?: string) =>
    deliver(webhookUrl, SECRET, { name, payload, id });
  return {
    standIn,
    files,
    server,
    app,
    deadPort,
    webhookUrl,
    env,
    send,
    opened: (issue, id) => send("issues", issuesEvent("opened", target(issue, issue.user)), id),
    edited: (issue, previousBody) =>
      send("issues", issuesEvent("edited", { ...target(issue, issue.user), previousBody })),
    labeled: (issue, label, sender, action = "labeled") =>
      send("issues", issuesEvent(action, { ...target(issue, actor(sender)), label })),
    commented: (issue, user, body) => {
      const comment = standIn.addComment(issue.owner, issue.repo, issue.number, { user, body });
      return send("issue_comment", issueCommentEvent({ ...target(issue, comment.user), comment }));
    },
    newIssue: (body, issueOptions = {}) =>
      standIn.addIssue(OWNER, REPO, {
        title: issueOptions.title ?? "MicroK8s cluster fails after reboot",
        body,
        user: issueOptions.user ?? "reporter",
        labels: issueOptions.labels,
        locked: issueOptions.locked,
      }),
    async close() {
      await server.close();
      await Promise.all([standIn.close(), files.close()]);
    },
  };
}

/** Wait until the bot's comment on `issue` satisfies `check`; returns that comment's body. */
export async function waitForBotComment(
  h: Harness,
  issue: StandInIssue,
  check: (body: string) => boolean,
  what = "bot comment",
): Promise<string> {
  return h.standIn.waitFor(
    () => {
      const comments = h.standIn.botComments(issue.owner, issue.repo, issue.number);
      const match = comments.find((comment) => check(comment.body));
      return match?.body;
    },
    { what },
  );
}

/** Wait until the app has no deferred work left (for "nothing happened" assertions). */
export async function idle(h: Harness): Promise<void> {
  if (!(await h.app.whenIdle(20_000))) throw new Error("deferred work did not finish within 20 s");
}
