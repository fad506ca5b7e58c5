/**
 * Which OpenAI-compatible model explains analyses, from the environment. Opt-in: nothing is
 * configured unless OPENAI_MODEL names a model and OPENAI_BASE_URL or OPENAI_API_KEY says where.
 */

export interface ModelConfig {
  /** An OpenAI-compatible endpoint (`http://127.0.0.1:11434/v1` …); null = api.openai.com. */
  baseUrl: string | null;
  /** Bearer key; null when the endpoint needs none. */
  apiKey: string | null;
  model: string;
  /** Per-request timeout in milliseconds; absent = DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number | null;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_TIMEOUT_MS = 120_000;

/** OPENAI_MODEL plus OPENAI_BASE_URL and/or OPENAI_API_KEY; OPENAI_TIMEOUT_MS optional. Null when not configured. */
export function readModelConfig(env: NodeJS.ProcessEnv = process.env): ModelConfig | null {
  const model = clean(env.OPENAI_MODEL);
  const baseUrl = clean(env.OPENAI_BASE_URL);
  const apiKey = clean(env.OPENAI_API_KEY);
  if (!model || (!baseUrl && !apiKey)) return null;
  return { model, baseUrl, apiKey, timeoutMs: timeout(env.OPENAI_TIMEOUT_MS) };
}

/** What is missing, in one line, for messages ("set OPENAI_MODEL …"). */
export function missingModelConfig(env: NodeJS.ProcessEnv = process.env): string {
  const missing: string[] = [];
  if (!clean(env.OPENAI_MODEL)) missing.push("OPENAI_MODEL");
  if (!clean(env.OPENAI_BASE_URL) && !clean(env.OPENAI_API_KEY))
    missing.push("OPENAI_BASE_URL or OPENAI_API_KEY");
  return missing.length === 0 ? "" : `set ${missing.join(" and ")}`;
}

export function effectiveTimeout(config: Pick<ModelConfig, "timeoutMs">): number {
  const value = config.timeoutMs;
  return typeof value === "number" && Number.isFinite(value) && value > 0
    ? Math.min(Math.floor(value), MAX_TIMEOUT_MS)
    : DEFAULT_TIMEOUT_MS;
}

function timeout(value: string | undefined): number | null {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return null;
  const parsed = Number(text);
  return parsed > 0 ? Math.min(parsed, MAX_TIMEOUT_MS) : null;
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
