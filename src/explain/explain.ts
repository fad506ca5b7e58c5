/**
 * Opt-in explanation of an analysis by an OpenAI-compatible model (k8sgpt's lesson: deterministic
 * rules first, the model only explains them, names anonymised both ways).
 *
 * One request, a timeout, no retries: a slow or failing endpoint costs at most one timeout and
 * the deterministic comment goes out regardless, with one line saying why there is no explanation.
 */
import OpenAI from "openai";
import type { AnalysisResult } from "../result/types.js";
import { cleanAnswer } from "./answer.js";
import { effectiveTimeout, type ModelConfig } from "./config.js";
import { buildExplainPrompt } from "./prompt.js";

export type ExplainOutcome = { ok: true; text: string; model: string } | { ok: false; reason: string };

/** A failure with a one-line reason fit to show (no secrets, no URLs with credentials). */
export class ExplainError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ExplainError";
  }
}

export interface ExplainOptions {
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Cancels the request (the job was abandoned). */
  signal?: AbortSignal;
  /** Upper bound of the answer in tokens (default 700). */
  maxTokens?: number;
}

/**
 * The explanation as safe Markdown, or an ExplainError with a one-line reason. This is the bot's
 * default `explainFn`: it takes `{ result, model }` and ignores everything else (issue text
 * included) — only the analysis is ever sent.
 */
export async function explainWithModel(
  request: { result: AnalysisResult; model: ModelConfig },
  options: ExplainOptions = {},
): Promise<string> {
  const outcome = await explainResult(request.result, request.model, options);
  if (!outcome.ok) throw new ExplainError(outcome.reason);
  return outcome.text;
}

/** Never throws: every failure becomes `{ ok: false, reason }`. */
export async function explainResult(
  result: AnalysisResult,
  model: ModelConfig,
  options: ExplainOptions = {},
): Promise<ExplainOutcome> {
  const timeoutMs = effectiveTimeout(model);
  const prompt = buildExplainPrompt(result);
  const client = new OpenAI({
    // a local endpoint may need no key; the SDK insists on one
    apiKey: model.apiKey ?? "not-needed",
    baseURL: model.baseUrl ?? undefined,
    timeout: timeoutMs,
    maxRetries: 0,
    organization: null,
    project: null,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // belt and braces: the SDK's timeout covers the response headers; this bounds the whole call
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs + 1_000);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const completion = await client.chat.completions.create(
      {
        model: model.model,
        messages: [
          { role: "system", content: prompt.system },
          { role: "user", content: prompt.user },
        ],
        temperature: 0.2,
        max_tokens: options.maxTokens ?? 700,
      },
      { signal: controller.signal },
    );
    const content = (completion as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]
      ?.message?.content;
    const cleaned = cleanAnswer(content, prompt.pseudonymizer);
    if (!cleaned.ok) return { ok: false, reason: cleaned.reason };
    return { ok: true, text: cleaned.text, model: model.model };
  } catch (error) {
    return { ok: false, reason: failureReason(error, timeoutMs, controller.signal.aborted) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** One line saying why there is no explanation; never echoes the endpoint's body or the key. */
export function failureReason(error: unknown, timeoutMs: number, aborted = false): string {
  if (error instanceof ExplainError) return error.reason;
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (
    error instanceof OpenAI.APIConnectionTimeoutError ||
    (aborted && error instanceof OpenAI.APIUserAbortError)
  )
    return `the language model did not answer within ${seconds} s`;
  if (error instanceof OpenAI.APIUserAbortError) return "the request to the language model was cancelled";
  if (error instanceof OpenAI.APIConnectionError) return "the language model endpoint could not be reached";
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    if (error.status === 401 || error.status === 403)
      return `the language model endpoint refused the credentials (HTTP ${error.status})`;
    if (error.status === 404) return "the language model endpoint or model was not found (HTTP 404)";
    if (error.status === 429) return "the language model endpoint is rate-limiting requests (HTTP 429)";
    return `the language model endpoint answered HTTP ${error.status}`;
  }
  if (error instanceof SyntaxError) return "the language model's answer was not valid JSON";
  return "the language model request failed";
}
