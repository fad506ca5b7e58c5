/**
 * API Gateway events (HTTP API v2 and REST v1) reduced to what a webhook receiver needs: lower-cased
 * headers and the raw body text. The body is never parsed here, because the signature covers the
 * exact bytes GitHub sent.
 */
import type { APIGatewayProxyResult } from "aws-lambda";

export interface HttpRequest {
  /** Header names lower-cased; repeated headers joined with ", " as HTTP allows. */
  headers: Record<string, string>;
  /** The raw body, base64-decoded when API Gateway encoded it. */
  body: string;
}

/** Reads a v1 or v2 proxy event; tolerates missing headers/body (console test events, wrong integrations). */
export function readHttpRequest(event: unknown): HttpRequest {
  const record = isRecord(event) ? event : {};
  const headers: Record<string, string> = {};
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  };
  if (isRecord(record.headers)) {
    for (const [name, value] of Object.entries(record.headers)) {
      if (typeof value === "string") add(name, value);
    }
  } else if (isRecord(record.multiValueHeaders)) {
    // REST APIs may send only multiValueHeaders (e.g. some test harnesses)
    for (const [name, values] of Object.entries(record.multiValueHeaders)) {
      if (Array.isArray(values)) for (const value of values) if (typeof value === "string") add(name, value);
    }
  }
  const raw = typeof record.body === "string" ? record.body : "";
  const body = record.isBase64Encoded === true ? Buffer.from(raw, "base64").toString("utf8") : raw;
  return { headers, body };
}

/** A JSON answer; the same shape works for REST (v1) and HTTP API (v2) integrations. */
export function jsonResponse(statusCode: number, body: Record<string, unknown>): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
