/**
 * The webhook receiver's logic: check GitHub's headers and signature, drop the deliveries the
 * bot ignores, hand the rest to the worker and answer 202 at once. GitHub gives a delivery 10 s;
 * the analysis takes longer, so it never runs here.
 *
 * Answers: 400 missing headers or unreadable JSON, 401 bad signature, 202 `{"ignored": why}`
 * (no hand-off), 202 `{"accepted": id}` (handed off), 500 not configured or hand-off failed
 * (GitHub then shows the delivery as failed and it can be redelivered).
 */
import { verify } from "@octokit/webhooks-methods";
import type { APIGatewayProxyResult } from "aws-lambda";
import { classifyDelivery } from "./event-filter.js";
import { encodeHandOff, HAND_OFF_LIMIT_BYTES } from "./hand-off.js";
import { isRecord, jsonResponse, readHttpRequest } from "./http-event.js";
import type { InvokeWorker } from "./invoke-worker.js";
import { type LogFields, type LogLine, writeLogLine } from "./log.js";

export interface ReceiverDeps {
  /** WEBHOOK_SECRET; an empty or missing secret makes every delivery fail with 500. */
  secret: string | undefined;
  invokeWorker: InvokeWorker;
  log?: LogLine;
  limitBytes?: number;
}

export type WebhookHandler = (event: unknown) => Promise<APIGatewayProxyResult>;

export function createReceiver(deps: ReceiverDeps): WebhookHandler {
  const log = deps.log ?? writeLogLine;
  const limitBytes = deps.limitBytes ?? HAND_OFF_LIMIT_BYTES;

  return async (event) => {
    const { headers, body } = readHttpRequest(event);
    const name = headers["x-github-event"];
    const id = headers["x-github-delivery"];
    const signature = headers["x-hub-signature-256"];
    const missing = [
      ["x-github-event", name],
      ["x-github-delivery", id],
      ["x-hub-signature-256", signature],
    ].flatMap(([header, value]) => (value ? [] : [header]));
    const fields: LogFields = { delivery: id ?? null, event: name ?? null };
    if (missing.length > 0) {
      log("warn", "rejected: missing headers", { ...fields, missing });
      return jsonResponse(400, { error: `missing header ${missing.join(", ")}` });
    }
    if (!deps.secret) {
      log("error", "WEBHOOK_SECRET is not set; cannot verify deliveries", fields);
      return jsonResponse(500, { error: "receiver not configured" });
    }
    if (!(await signatureMatches(deps.secret, body, signature as string))) {
      log("warn", "rejected: signature does not match", fields);
      return jsonResponse(401, { error: "signature does not match" });
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      log("warn", "rejected: body is not JSON", fields);
      return jsonResponse(400, { error: "body is not JSON" });
    }
    const decision = classifyDelivery(name as string, payload);
    if (!decision.forward) {
      log("info", "ignored", { ...fields, reason: decision.reason });
      return jsonResponse(202, { ignored: decision.reason });
    }

    const started = Date.now();
    try {
      const handOff = { id: id as string, name: name as string, payload: payload as Record<string, unknown> };
      const encoded = encodeHandOff(handOff, limitBytes);
      if (encoded.slimmed) {
        log("info", "payload slimmed to fit the async invoke limit", {
          ...fields,
          bytes: encoded.bytes,
          refetch: encoded.refetch,
        });
      }
      await deps.invokeWorker(encoded.json);
      log("info", "handed off to the worker", {
        ...fields,
        action: decision.action,
        repository: repositoryOf(payload),
        ms: Date.now() - started,
      });
      return jsonResponse(202, { accepted: id });
    } catch (error) {
      log("error", "hand-off to the worker failed", {
        ...fields,
        ms: Date.now() - started,
        err: errorText(error),
      });
      return jsonResponse(500, { error: "could not queue the delivery" });
    }
  };
}

async function signatureMatches(secret: string, body: string, signature: string): Promise<boolean> {
  if (body === "") return false;
  try {
    // HMAC-SHA256 over the raw body, compared in constant time
    return await verify(secret, body, signature);
  } catch {
    return false;
  }
}

function repositoryOf(payload: unknown): string | null {
  if (!isRecord(payload) || !isRecord(payload.repository)) return null;
  return typeof payload.repository.full_name === "string" ? payload.repository.full_name : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
