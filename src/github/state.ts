/**
 * The bot's hidden, machine-readable state, kept inside its sticky comment.
 * It survives across webhook deliveries and Lambda workers without any database.
 */
import { createHash } from "node:crypto";
import { parseStoredSignature, type StoredSignature } from "../related/signature.js";
import { renderStateComment } from "../render/state.js";

export const STATE_APP = "report-triage";
export const STATE_VERSION = 1;

export type CommentShape = "analysis" | "analysing" | "needs-report" | "notice";

export interface TriageState {
  app: typeof STATE_APP;
  v: typeof STATE_VERSION;
  /** What the comment currently shows. */
  shape: CommentShape;
  /** Digest of the attachment set that was last analysed (or nudged for); null when none yet. */
  attachments: string | null;
  /** Labels this bot applied and that are still expected on the issue. */
  labels: string[];
  /** Labels the bot applied but a human removed: not re-added while their finding persists. */
  declined: string[];
  /** The bot is silenced on this issue (`/triage ignore`). */
  ignored: boolean;
  /** Signature of the analysis shown (for "possibly related issues" on later issues); absent when none. */
  signature?: StoredSignature;
}

export function emptyState(): TriageState {
  return {
    app: STATE_APP,
    v: STATE_VERSION,
    shape: "notice",
    attachments: null,
    labels: [],
    declined: [],
    ignored: false,
  };
}

/** A short, stable digest of an attachment-set key (safe inside an HTML comment). */
export function digestAttachmentKey(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

/** The renderer's encoding (base64url JSON in an HTML comment: can never contain `-->`). */
export function encodeState(state: TriageState): string {
  return renderStateComment(state);
}

const HTML_COMMENT = /<!--([\s\S]*?)-->/g;

/**
 * Finds the state in a comment body, whatever embedded it (our encoding, or the
 * renderer's `state` option as JSON or base64 JSON). Returns null when absent or malformed.
 */
export function decodeState(body: string | null | undefined): TriageState | null {
  const found = locateState(body);
  return found ? found.state : null;
}

/** Replaces (or inserts after the first line) the state block of a comment body. */
export function replaceState(body: string, state: TriageState): string {
  const found = locateState(body);
  const block = encodeState(state);
  if (found) return body.slice(0, found.start) + block + body.slice(found.end);
  const newline = body.indexOf("\n");
  if (newline < 0) return `${body}\n${block}`;
  return `${body.slice(0, newline + 1)}${block}\n${body.slice(newline + 1)}`;
}

interface LocatedState {
  state: TriageState;
  start: number;
  end: number;
}

function locateState(body: string | null | undefined): LocatedState | null {
  if (typeof body !== "string" || body.length === 0) return null;
  for (const match of body.matchAll(HTML_COMMENT)) {
    const candidate = parseCandidate(match[1] ?? "");
    if (candidate) return { state: candidate, start: match.index, end: match.index + match[0].length };
  }
  return null;
}

function parseCandidate(raw: string): TriageState | null {
  const text = raw.trim();
  if (!text) return null;
  const jsonStart = text.indexOf("{");
  const jsonEnd = text.lastIndexOf("}");
  if (jsonStart >= 0 && jsonEnd > jsonStart) {
    const parsed = tryJson(text.slice(jsonStart, jsonEnd + 1));
    const state = normaliseState(parsed);
    if (state) return state;
  }
  // base64 / base64url of JSON, as the last whitespace-separated token
  const token = text.split(/\s+/).pop() ?? "";
  if (/^[A-Za-z0-9+/_=-]{8,}$/.test(token)) {
    // Node's base64 decoder accepts the URL-safe alphabet too
    const decoded = tryJson(Buffer.from(token, "base64").toString("utf8"));
    const state = normaliseState(decoded);
    if (state) return state;
  }
  return null;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Accepts the state itself or an object that wraps it under `state`; validates every field. */
export function normaliseState(value: unknown): TriageState | null {
  if (!isRecord(value)) return null;
  if (value.app !== STATE_APP) return isRecord(value.state) ? normaliseState(value.state) : null;
  const shape = value.shape;
  const shapes: CommentShape[] = ["analysis", "analysing", "needs-report", "notice"];
  const state: TriageState = {
    app: STATE_APP,
    v: STATE_VERSION,
    shape: shapes.includes(shape as CommentShape) ? (shape as CommentShape) : "notice",
    attachments: typeof value.attachments === "string" ? value.attachments.slice(0, 128) : null,
    labels: stringList(value.labels),
    declined: stringList(value.declined),
    ignored: value.ignored === true,
  };
  const signature = parseStoredSignature(value.signature);
  if (signature) state.signature = signature;
  return state;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === "string" && item.length <= 100).slice(0, 50);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
