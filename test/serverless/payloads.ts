/** Realistic webhook payloads for the serverless tests, from @octokit/webhooks-examples. */

import examplesJson from "@octokit/webhooks-examples" with { type: "json" };
import type { WebhookDefinition } from "@octokit/webhooks-examples";

const examples = examplesJson as unknown as WebhookDefinition[];

export type Json = Record<string, unknown>;

/** A copy of the first example of `name.action`, with an installation (the examples mostly lack one). */
export function examplePayload(name: string, action: string): Json {
  const definition = examples.find((candidate) => candidate.name === name);
  const found = definition?.examples.find((payload) => (payload as { action?: string }).action === action);
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${name}.${action}`);
  const payload = structuredClone(found) as Json;
  payload.installation = { id: 42, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" };
  return payload;
}

/** Sets `payload.a.b.c = value`, creating objects on the way. */
export function setPath(payload: Json, path: string, value: unknown): Json {
  const keys = path.split(".");
  let node = payload;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]] = value;
  return payload;
}
