/** The explanation as a section of the bot's comment (or of the CLI's Markdown). */
import { codeSpan, inlineText } from "../render/md-text.js";

export const EXPLANATION_TITLE = "Explanation (AI-generated, may be wrong)";

export type ExplanationView =
  | { ok: true; text: string; model?: string | null }
  | { ok: false; reason: string };

/** The section body: the cleaned answer with a note on where it came from, or one line saying why there is none. */
export function renderExplanation(view: ExplanationView): string {
  if (!view.ok)
    return `_No explanation: ${inlineText(view.reason, 300)}. The analysis above does not depend on it._`;
  const by = view.model ? `the language model ${codeSpan(view.model, { max: 80 })}` : "a language model";
  return [
    view.text.trim(),
    `<sub>Written by ${by} from the findings above only: evidence redacted, node names, host names and IP addresses replaced by placeholders before sending. Check before acting on it.</sub>`,
  ].join("\n\n");
}
