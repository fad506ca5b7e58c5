/**
 * The model's answer made fit to post: placeholders restored, redacted again, no HTML (an HTML
 * comment could fake the bot's hidden state), no mentions or issue cross-references, headings
 * demoted, length capped at a line boundary with code fences closed. Garbage is refused.
 */
import type { Pseudonymizer } from "../redact/pseudonymize.js";
import { redact } from "../redact/redact.js";
import { neutraliseMentions, stripControl } from "../render/md-text.js";

export const MAX_ANSWER_CHARS = 4_000;

export type CleanAnswer = { ok: true; text: string } | { ok: false; reason: string };

export function cleanAnswer(
  raw: unknown,
  pseudonymizer: Pseudonymizer,
  maxChars = MAX_ANSWER_CHARS,
): CleanAnswer {
  if (typeof raw !== "string") return { ok: false, reason: "the model's answer had no text" };
  let text = stripControl(raw)
    // reasoning models sometimes include their scratchpad
    .replace(/<think>[\s\S]*?<\/think>/gi, "")
    .trim();
  if (!looksLikeProse(text)) return { ok: false, reason: "the model's answer was empty or unreadable" };
  text = redact(pseudonymizer.restore(text));
  // everywhere, code included: the bot reads its hidden state from HTML comments in its own comment
  text = text.replace(/<!--[\s\S]*?(?:-->|$)/g, "").replace(/<!--/g, "");
  text = mapProse(text, (prose) =>
    neutraliseMentions(prose.replace(/</g, "&lt;").replace(/^(\s{0,3})#{1,6}\s+/gm, "$1#### ")),
  ).trim();
  if (!looksLikeProse(text)) return { ok: false, reason: "the model's answer was empty or unreadable" };
  return { ok: true, text: capAtLine(text, maxChars) };
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const INLINE_CODE = /(`+)[^`\n]*?\1/g;

/** Applies `fn` to the text outside fenced code blocks and inline code spans (left verbatim: nothing renders there). */
export function mapProse(text: string, fn: (prose: string) => string): string {
  const out: string[] = [];
  let prose: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    if (prose.length > 0) out.push(mapInline(prose.join("\n"), fn));
    prose = [];
  };
  for (const line of text.split("\n")) {
    const run = FENCE.exec(line)?.[1];
    if (fence !== null) {
      out.push(line);
      if (run && run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = null;
    } else if (run) {
      flush();
      fence = run;
      out.push(line);
    } else {
      prose.push(line);
    }
  }
  flush();
  return out.join("\n");
}

function mapInline(text: string, fn: (prose: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(INLINE_CODE)) {
    out += fn(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + fn(text.slice(last));
}

/** Enough letters and not mostly replacement characters or symbols. */
function looksLikeProse(text: string): boolean {
  if (text.length < 20) return false;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const replacement = (text.match(/\uFFFD/g) ?? []).length;
  return letters >= 15 && letters / text.length > 0.3 && replacement / text.length < 0.05;
}

function capAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 20);
  const newline = cut.lastIndexOf("\n");
  let kept = (newline > max / 2 ? cut.slice(0, newline) : cut).trimEnd();
  const fences = (kept.match(/^\s{0,3}(`{3,}|~{3,})/gm) ?? []).length;
  if (fences % 2 === 1) kept += "\n```";
  return `${kept}\n\n…`;
}
