/**
 * The message the receiver hands to the worker: `{id, name, payload}` — the delivery id, the event
 * name and the webhook payload, exactly what `probot.receive()` takes.
 *
 * Lambda's asynchronous Invoke caps the event size (256 KB historically; we keep under it). A
 * payload over the cap is slimmed: first the fields the app never reads are stripped (the many
 * `*_url` links, `node_id`s, reaction counters, the previous body of an edit — only the fact that
 * the body changed matters); if that is still too big, the issue and comment bodies are emptied
 * and listed in a mark, and the worker fetches them again from the API before handling the event.
 */
import { isRecord } from "./http-event.js";

/** A little under Lambda's 262,144-byte async event limit. */
export const HAND_OFF_LIMIT_BYTES = 256_000;

/** Property added to a slimmed payload; the worker removes it before the app sees the payload. */
export const SLIM_MARK = "report_triage_slim";

export type RefetchField = "issue.body" | "comment.body";

export interface SlimMark {
  /** Fields the app does not read were removed. */
  stripped: true;
  /** Text fields emptied to fit; the worker must fetch them again. */
  refetch: RefetchField[];
}

export interface HandOffEvent {
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

export interface EncodedHandOff {
  json: string;
  bytes: number;
  slimmed: boolean;
  refetch: RefetchField[];
}

/** Serialises a hand-off within `limitBytes`; throws only when even the slimmest form does not fit. */
export function encodeHandOff(event: HandOffEvent, limitBytes = HAND_OFF_LIMIT_BYTES): EncodedHandOff {
  const full = JSON.stringify(event);
  const fullBytes = Buffer.byteLength(full);
  if (fullBytes <= limitBytes) return { json: full, bytes: fullBytes, slimmed: false, refetch: [] };

  const stripped = stripUnread(event.payload) as Record<string, unknown>;
  const mark: SlimMark = { stripped: true, refetch: [] };
  const attempt = () => {
    const json = JSON.stringify({ ...event, payload: { ...stripped, [SLIM_MARK]: mark } });
    return { json, bytes: Buffer.byteLength(json), slimmed: true, refetch: [...mark.refetch] };
  };
  let encoded = attempt();
  if (encoded.bytes <= limitBytes) return encoded;

  for (const field of ["comment.body", "issue.body"] as const) {
    const [parent, key] = field.split(".");
    const holder = stripped[parent];
    if (isRecord(holder) && typeof holder[key] === "string" && holder[key] !== "") {
      holder[key] = "";
      mark.refetch.push(field);
      encoded = attempt();
      if (encoded.bytes <= limitBytes) return encoded;
    }
  }
  throw new Error(`webhook payload of ${fullBytes} bytes does not fit the ${limitBytes}-byte hand-off limit`);
}

/** Validates an incoming hand-off event (the worker's input). */
export function parseHandOff(event: unknown): HandOffEvent {
  if (!isRecord(event)) throw new Error("hand-off event is not an object");
  const { id, name, payload } = event;
  if (typeof id !== "string" || id === "") throw new Error("hand-off event has no delivery id");
  if (typeof name !== "string" || name === "") throw new Error(`hand-off event ${id} has no event name`);
  if (!isRecord(payload)) throw new Error(`hand-off event ${id} has no payload object`);
  return { id, name, payload };
}

/** The slim mark of a payload, or null when the payload was sent whole. */
export function slimMarkOf(payload: Record<string, unknown>): SlimMark | null {
  const mark = payload[SLIM_MARK];
  if (!isRecord(mark)) return null;
  const refetch = Array.isArray(mark.refetch)
    ? mark.refetch.filter(
        (field): field is RefetchField => field === "issue.body" || field === "comment.body",
      )
    : [];
  return { stripped: true, refetch };
}

export interface TextFetchers {
  issueBody(owner: string, repo: string, issueNumber: number): Promise<string | null>;
  commentBody(owner: string, repo: string, commentId: number): Promise<string>;
}

/** Puts back the texts the receiver emptied and removes the mark; returns the payload for the app. */
export async function restoreSlimmedPayload(
  payload: Record<string, unknown>,
  fetchers: TextFetchers,
): Promise<Record<string, unknown>> {
  const mark = slimMarkOf(payload);
  const { [SLIM_MARK]: _removed, ...restored } = payload;
  if (!mark || mark.refetch.length === 0) return restored;
  const repository = isRecord(restored.repository) ? restored.repository : {};
  const owner = isRecord(repository.owner) ? repository.owner.login : undefined;
  const repo = repository.name;
  if (typeof owner !== "string" || typeof repo !== "string")
    throw new Error("slimmed payload has no repository");
  for (const field of mark.refetch) {
    if (field === "issue.body" && isRecord(restored.issue) && typeof restored.issue.number === "number") {
      restored.issue = {
        ...restored.issue,
        body: await fetchers.issueBody(owner, repo, restored.issue.number),
      };
    }
    if (field === "comment.body" && isRecord(restored.comment) && typeof restored.comment.id === "number") {
      restored.comment = {
        ...restored.comment,
        body: await fetchers.commentBody(owner, repo, restored.comment.id),
      };
    }
  }
  return restored;
}

const UNREAD_KEYS = new Set(["node_id", "reactions", "performed_via_github_app", "sub_issues_summary"]);

/** A copy without the fields no part of the app reads (see src/github/payload.ts). */
function stripUnread(value: unknown, path = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => stripUnread(item, path));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "url" || key.endsWith("_url") || UNREAD_KEYS.has(key)) continue;
    const childPath = path ? `${path}.${key}` : key;
    // an edit's previous body: only its presence tells the app that the body changed
    out[key] = childPath === "changes.body.from" ? "" : stripUnread(item, childPath);
  }
  return out;
}
