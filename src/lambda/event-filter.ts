/**
 * Which deliveries the receiver hands to the worker. Cheap checks on the payload only (no API
 * calls), mirroring what the app itself ignores, so that the worker is not woken for nothing.
 * Every check is a superset of the app's own, so that nothing the app would act on is dropped;
 * when in doubt a delivery is forwarded and the app decides with the full picture.
 */
import { COMMAND_PREFIX } from "../github/commands/parse.js";
import { isBot } from "../github/payload.js";
import { isRecord } from "./http-event.js";

/** The events and actions the app subscribes to (src/github/app.ts). */
export const HANDLED_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  issues: ["opened", "edited", "labeled", "unlabeled"],
  issue_comment: ["created"],
};

export type DeliveryDecision = { forward: true; action: string } | { forward: false; reason: string };

export function classifyDelivery(name: string, payload: unknown): DeliveryDecision {
  const actions = Object.hasOwn(HANDLED_ACTIONS, name) ? HANDLED_ACTIONS[name] : undefined;
  if (!actions) return ignore(`event "${name}" is not handled`);
  if (!isRecord(payload)) return ignore("payload is not a JSON object");
  const action = typeof payload.action === "string" ? payload.action : "";
  if (!actions.includes(action)) return ignore(`action "${name}.${action}" is not handled`);

  const issue = isRecord(payload.issue) ? payload.issue : null;
  if (issue && issue.pull_request !== undefined && issue.pull_request !== null) {
    return ignore("pull requests are not triaged");
  }
  const sender = actorOf(payload.sender);
  if (sender && isBot(sender)) return ignore(`sender ${sender.login} is a bot`);
  if (name === "issue_comment" && isRecord(payload.comment)) {
    const author = actorOf(payload.comment.user);
    if (author && isBot(author)) return ignore(`comment author ${author.login} is a bot`);
    // Most comments are discussion: without a command or a link there is nothing for the app.
    const text = typeof payload.comment.body === "string" ? payload.comment.body.toLowerCase() : "";
    if (!text.includes(COMMAND_PREFIX) && !text.includes("http"))
      return ignore("comment has no command and no link");
  }
  if (issue?.locked === true) return ignore("issue is locked");
  if (
    name === "issues" &&
    action === "edited" &&
    !(isRecord(payload.changes) && isRecord(payload.changes.body))
  ) {
    return ignore("edit did not change the issue body");
  }
  return { forward: true, action };
}

function actorOf(value: unknown): { login: string; type: string } | null {
  if (!isRecord(value) || typeof value.login !== "string") return null;
  return { login: value.login, type: typeof value.type === "string" ? value.type : "User" };
}

function ignore(reason: string): DeliveryDecision {
  return { forward: false, reason };
}
