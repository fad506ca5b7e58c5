/**
 * The worker's Probot 14, built from the environment: APP_ID, PRIVATE_KEY (PEM, PEM with escaped
 * newlines, or base64 of a PEM), GHE_HOST / GHE_PROTOCOL, LOG_LEVEL (default info), LOG_FORMAT.
 * The worker never verifies signatures (the receiver did), so it needs no WEBHOOK_SECRET.
 */
import type { ApplicationFunction, Probot } from "probot";
import { createProbot } from "probot";
import { resolvePrivateKey } from "../github/credentials.js";
import { gitHubApiBaseUrl } from "../github/settings.js";
import type { HandOffEvent, TextFetchers } from "./hand-off.js";
import type { WorkerLog, WorkerProbot } from "./worker.js";

const LOG_LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

/** Creates and loads the Probot instance; throws naming what is missing or invalid. */
export async function startProbot(
  app: ApplicationFunction,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Probot> {
  const problems: string[] = [];
  const rawAppId = env.APP_ID?.trim() ?? "";
  if (!/^\d+$/.test(rawAppId) || Number(rawAppId) <= 0)
    problems.push(rawAppId ? "APP_ID (not a number)" : "APP_ID");
  const key = resolvePrivateKey(env);
  if (key.error) problems.push(key.error);
  if (problems.length > 0 || !key.pem)
    throw new Error(`GitHub App not configured: missing or invalid ${problems.join(", ")}`);

  const logLevel = env.LOG_LEVEL && LOG_LEVELS.has(env.LOG_LEVEL) ? env.LOG_LEVEL : "info";
  const probot = createProbot({
    env: { ...env, LOG_LEVEL: logLevel as NodeJS.ProcessEnv["LOG_LEVEL"] },
    overrides: { appId: Number(rawAppId), privateKey: key.pem, baseUrl: gitHubApiBaseUrl(env) },
  });
  await probot.load(app);
  return probot;
}

/** Adapts a loaded Probot to what the worker uses. */
export function asWorkerProbot(probot: Probot): WorkerProbot {
  return {
    logFor: (bindings) => probot.log.child(bindings) as unknown as WorkerLog,
    receive: (event: HandOffEvent) => probot.receive(event as unknown as Parameters<Probot["receive"]>[0]),
    fetchers: (installationId): TextFetchers => {
      const octokit = () => probot.auth(installationId);
      return {
        async issueBody(owner, repo, issueNumber) {
          const { data } = await (await octokit()).rest.issues.get({
            owner,
            repo,
            issue_number: issueNumber,
          });
          return data.body ?? null;
        },
        async commentBody(owner, repo, commentId) {
          const { data } = await (await octokit()).rest.issues.getComment({
            owner,
            repo,
            comment_id: commentId,
          });
          return data.body ?? "";
        },
      };
    },
  };
}
