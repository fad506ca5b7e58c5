/**
 * Webhook deliveries for end-to-end tests: payloads built from @octokit/webhooks-examples (with
 * `installation`, the repository and the issue of the test), signed with @octokit/webhooks-methods
 * and POSTed to the running server with GitHub's headers.
 */
import { randomUUID } from "node:crypto";
import examplesJson from "@octokit/webhooks-examples" with { type: "json" };
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { sign } from "@octokit/webhooks-methods";
import type { StandInComment, StandInIssue, StandInUser } from "./github-stand-in.js";

const examples = examplesJson as unknown as WebhookDefinition[];

type Json = Record<string, unknown>;

function example(name: string, action: string): Json {
  const definition = examples.find((candidate) => candidate.name === name);
  const found = definition?.examples.find((payload) => (payload as { action?: string }).action === action);
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${name}.${action}`);
  return structuredClone(found) as Json;
}

function userJson(user: StandInUser, base: unknown): Json {
  return { ...(base as Json), login: user.login, id: user.id, type: user.type, node_id: `U_${user.id}` };
}

export interface EventTarget {
  installationId: number;
  issue: StandInIssue;
  sender: StandInUser;
}

function withIssue(payload: Json, target: EventTarget): Json {
  const { issue, installationId, sender } = target;
  const repository = payload.repository as Json;
  const owner = repository.owner as Json;
  payload.repository = {
    ...repository,
    name: issue.repo,
    full_name: `${issue.owner}/${issue.repo}`,
    owner: { ...owner, login: issue.owner },
  };
  const baseIssue = payload.issue as Json;
  const issueJson: Json = {
    ...baseIssue,
    number: issue.number,
    id: issue.id,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    locked: issue.locked,
    user: userJson(issue.user, baseIssue.user),
    labels: issue.labels.map((name, index) => ({
      id: index + 1,
      name,
      color: "ededed",
      default: false,
      description: null,
    })),
  };
  if (issue.pullRequest) issueJson.pull_request = { url: "https://example.invalid/pulls/1" };
  else delete issueJson.pull_request;
  payload.issue = issueJson;
  payload.sender = userJson(sender, payload.sender);
  payload.installation = { id: installationId, node_id: `MDIz${installationId}` };
  return payload;
}

export function issuesEvent(
  action: "opened" | "edited" | "labeled" | "unlabeled",
  target: EventTarget & { label?: string; previousBody?: string | null; titleOnly?: boolean },
): Json {
  const payload = withIssue(example("issues", action), target);
  if (action === "edited") {
    payload.changes = target.titleOnly
      ? { title: { from: "old title" } }
      : { body: { from: target.previousBody ?? "" } };
  }
  if (action === "labeled" || action === "unlabeled") {
    payload.label = { id: 1, name: target.label ?? "", color: "ededed", default: false, description: null };
  }
  return payload;
}

export function issueCommentEvent(target: EventTarget & { comment: StandInComment }): Json {
  const payload = withIssue(example("issue_comment", "created"), target);
  const base = payload.comment as Json;
  payload.comment = {
    ...base,
    id: target.comment.id,
    body: target.comment.body,
    user: userJson(target.comment.user, base.user),
    created_at: target.comment.created_at,
    updated_at: target.comment.updated_at,
  };
  return payload;
}

export interface Delivery {
  status: number;
  body: string;
  id: string;
}

/** Sign and POST a webhook; resolves with the server's answer. */
export async function deliver(
  url: string,
  secret: string,
  event: { name: string; payload: unknown; id?: string; signature?: string },
): Promise<Delivery> {
  const body = JSON.stringify(event.payload);
  const id = event.id ?? randomUUID();
  const signature = event.signature ?? (await sign(secret, body));
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/stand-in",
      "x-github-event": event.name,
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    body,
  });
  return { status: response.status, body: await response.text(), id };
}
