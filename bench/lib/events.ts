/** Signed API Gateway (HTTP API, payload v2) events carrying GitHub webhooks, for the receiver. */
import examplesJson from "@octokit/webhooks-examples" with { type: "json" };
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { sign } from "@octokit/webhooks-methods";

const examples = examplesJson as unknown as WebhookDefinition[];

/** An issues.opened delivery from a user, with an installation (the examples lack one). */
export function issuesOpenedPayload(): Record<string, unknown> {
  const definition = examples.find((candidate) => candidate.name === "issues");
  const found = definition?.examples.find((payload) => (payload as { action?: string }).action === "opened");
  if (!found) throw new Error("no issues.opened example in @octokit/webhooks-examples");
  const payload = structuredClone(found) as Record<string, unknown>;
  payload.installation = { id: 42, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" };
  payload.sender = { ...(payload.sender as object), login: "reporter", type: "User" };
  return payload;
}

export async function httpApiEvent(
  secret: string,
  name: string,
  payload: unknown,
  deliveryId: string,
): Promise<Record<string, unknown>> {
  const body = JSON.stringify(payload);
  return {
    version: "2.0",
    routeKey: "POST /api/github/webhooks",
    rawPath: "/api/github/webhooks",
    rawQueryString: "",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": name,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": await sign(secret, body),
    },
    requestContext: { http: { method: "POST", path: "/api/github/webhooks" }, timeEpoch: Date.now() },
    body,
    isBase64Encoded: false,
  };
}
