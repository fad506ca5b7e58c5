/**
 * The GitHub App's credentials from the environment: APP_ID, PRIVATE_KEY (PEM, PEM with
 * escaped newlines, or base64 of a PEM) or PRIVATE_KEY_PATH, and WEBHOOK_SECRET.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";

export interface AppCredentials {
  appId: number;
  privateKey: string;
  webhookSecret: string;
}

export type CredentialsResult = { ok: true; credentials: AppCredentials } | { ok: false; missing: string[] };

export function readCredentials(env: NodeJS.ProcessEnv): CredentialsResult {
  const missing: string[] = [];
  const rawAppId = env.APP_ID?.trim();
  let appId = 0;
  if (!rawAppId) missing.push("APP_ID");
  else if (!/^\d+$/.test(rawAppId) || Number(rawAppId) <= 0) missing.push("APP_ID (not a number)");
  else appId = Number(rawAppId);

  const key = resolvePrivateKey(env);
  if (key.error) missing.push(key.error);

  const webhookSecret = env.WEBHOOK_SECRET ?? "";
  if (webhookSecret.length === 0) missing.push("WEBHOOK_SECRET");

  if (missing.length > 0 || !key.pem) return { ok: false, missing };
  return { ok: true, credentials: { appId, privateKey: key.pem, webhookSecret } };
}

/** A PEM private key from PRIVATE_KEY or PRIVATE_KEY_PATH, or the name of what is wrong. */
export function resolvePrivateKey(env: NodeJS.ProcessEnv): { pem: string | null; error: string | null } {
  const raw = env.PRIVATE_KEY?.trim();
  if (raw) {
    const pem = normalisePem(raw);
    return pem
      ? { pem, error: null }
      : { pem: null, error: "PRIVATE_KEY (neither a PEM private key nor base64 of one)" };
  }
  const path = env.PRIVATE_KEY_PATH?.trim();
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return { pem: null, error: "PRIVATE_KEY_PATH (file not readable)" };
    }
    const pem = normalisePem(text.trim());
    return pem ? { pem, error: null } : { pem: null, error: "PRIVATE_KEY_PATH (not a PEM private key)" };
  }
  return { pem: null, error: "PRIVATE_KEY" };
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/;

/** PEM as is, with `\n` escapes, on one line, or base64 of any of those → a valid PEM, else null. */
export function normalisePem(value: string): string | null {
  let text = value.replace(/\\n/g, "\n");
  if (!text.includes("-----BEGIN")) {
    const compact = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) return null;
    text = Buffer.from(compact, "base64").toString("utf8").replace(/\\n/g, "\n");
  }
  const match = PEM_BLOCK.exec(text);
  if (!match) return null;
  const body = match[2].replace(/\s+/g, "");
  const lines = body.match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN ${match[1]}-----\n${lines.join("\n")}\n-----END ${match[1]}-----\n`;
  try {
    createPrivateKey(pem);
  } catch {
    return null;
  }
  return pem;
}
