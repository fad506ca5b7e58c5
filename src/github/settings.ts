/** Server-side settings of the bot, read once from the environment. */
import { parseAttachmentHosts } from "../attachments/hosts.js";
import { readModelConfig } from "../explain/config.js";

export interface OpenAiSettings {
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  /** Per-request timeout (OPENAI_TIMEOUT_MS); null = the explainer's default (20 s). */
  timeoutMs?: number | null;
}

export interface BotSettings {
  /** Extra `host[:port]` entries allowed to serve attachments (ATTACHMENT_HOSTS; `http://` prefix fixes the scheme). */
  attachmentHosts: string[];
  /** GitHub Enterprise Server host (`host[:port]`), null on github.com. */
  gheHost: string | null;
  gheProtocol: "https" | "http";
  /** Per-attachment download cap in bytes; null = the downloader's default (GitHub's 25 MB limit). */
  maxAttachmentBytes: number | null;
  /** Per-attachment download timeout; null = the downloader's default. */
  downloadTimeoutMs: number | null;
  /** At most this many attachments are analysed per issue. */
  maxAttachments: number;
  /** An OpenAI-compatible model for `/triage explain`; null when not configured. */
  openai: OpenAiSettings | null;
}

export const DEFAULT_MAX_ATTACHMENTS = 10;

export function readSettings(env: NodeJS.ProcessEnv = process.env): BotSettings {
  const gheHost = clean(env.GHE_HOST);
  const protocol = clean(env.GHE_PROTOCOL)?.toLowerCase();
  return {
    attachmentHosts: parseAttachmentHosts(env.ATTACHMENT_HOSTS),
    gheHost: gheHost ? gheHost.replace(/^https?:\/\//i, "").replace(/\/+$/, "") : null,
    gheProtocol: protocol === "http" ? "http" : "https",
    maxAttachmentBytes: positiveInt(env.ATTACHMENT_MAX_BYTES),
    downloadTimeoutMs: positiveInt(env.ATTACHMENT_TIMEOUT_MS),
    maxAttachments: positiveInt(env.MAX_ATTACHMENTS) ?? DEFAULT_MAX_ATTACHMENTS,
    openai: readOpenAi(env),
  };
}

/** A model name plus somewhere to send it: a key (api.openai.com) or a compatible base URL. */
function readOpenAi(env: NodeJS.ProcessEnv): OpenAiSettings | null {
  return readModelConfig(env);
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function positiveInt(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value.trim())) return null;
  const parsed = Number(value.trim());
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : null;
}

/** True when `url` points at the GitHub host itself (github.com or the Enterprise host), where a token may go. */
export function isGitHubHost(url: string, gheHost: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (gheHost) return parsed.host.toLowerCase() === gheHost.toLowerCase();
  return parsed.protocol === "https:" && parsed.host.toLowerCase() === "github.com";
}

/** Probot's rule: GHE_HOST → {GHE_PROTOCOL or https}://{GHE_HOST}/api/v3, else api.github.com. */
export function gitHubApiBaseUrl(env: NodeJS.ProcessEnv): string {
  const host = env.GHE_HOST?.trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/+$/, "");
  if (!host) return "https://api.github.com";
  const protocol = env.GHE_PROTOCOL?.trim().toLowerCase() === "http" ? "http" : "https";
  return `${protocol}://${host}/api/v3`;
}
