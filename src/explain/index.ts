/** Opt-in, anonymised explanation of an analysis by an OpenAI-compatible language model. */
export { type CleanAnswer, cleanAnswer, MAX_ANSWER_CHARS, mapProse } from "./answer.js";
export {
  DEFAULT_TIMEOUT_MS,
  effectiveTimeout,
  type ModelConfig,
  missingModelConfig,
  readModelConfig,
} from "./config.js";
export {
  ExplainError,
  type ExplainOptions,
  type ExplainOutcome,
  explainResult,
  explainWithModel,
  failureReason,
} from "./explain.js";
export { buildExplainPrompt, type ExplainPrompt, PROMPT_LIMITS, SYSTEM_PROMPT } from "./prompt.js";
export { EXPLANATION_TITLE, type ExplanationView, renderExplanation } from "./render.js";
