/**
 * Safe building blocks for GitHub-flavoured Markdown made from untrusted text (log lines, node
 * names, titles derived from logs): nothing may render as HTML, ping a user, link an issue,
 * break a table or escape a code block.
 */

const ZERO_WIDTH_JOINER = "\u200D";

/** Control characters other than tab and newline (ANSI escapes, NUL, CR …). */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Bidirectional overrides can make text read differently from what it is. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(BIDI, "");
}

/** Shorten to at most `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  // Do not split a surrogate pair.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `@user` must not notify, `#12` / `GH-12` must not cross-reference another issue. */
export function neutraliseMentions(text: string): string {
  return text
    .replace(/@(?=[A-Za-z0-9])/g, `@${ZERO_WIDTH_JOINER}`)
    .replace(/#(?=\d)/g, `#${ZERO_WIDTH_JOINER}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZERO_WIDTH_JOINER}`);
}

/** Characters with meaning in inline Markdown (and `|`, which ends a table cell). */
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;

/**
 * Untrusted text as one line of inline Markdown: whitespace collapsed, clipped, HTML escaped,
 * Markdown punctuation escaped, mentions neutralised. Safe in paragraphs and table cells.
 */
export function inlineText(text: string | null | undefined, max = 500): string {
  if (text === null || text === undefined) return "";
  const oneLine = stripControl(String(text)).replace(/\s+/g, " ").trim();
  return neutraliseMentions(escapeHtml(clip(oneLine, max)).replace(MARKDOWN_SPECIAL, "\\$&"));
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * An inline code span that cannot be broken by backticks inside it. Inside code spans GitHub does
 * not render HTML or mentions, so only the delimiters need care. Pass `inTable` to escape `|`.
 */
export function codeSpan(text: string, options: { inTable?: boolean; max?: number } = {}): string {
  let body = clip(stripControl(String(text)).replace(/\s+/g, " ").trim(), options.max ?? 300);
  if (body === "") body = " ";
  const fence = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  const span = `${fence}${pad}${body}${pad}${fence}`;
  return options.inTable ? span.replace(/\|/g, "\\|") : span;
}

/**
 * A fenced code block whose fence is longer than any backtick run in the content, so the content
 * can never close it. Lines are kept verbatim (no HTML or mention renders inside a code block).
 */
export function fencedBlock(content: string, info = "text"): string {
  const body = stripControl(content).replace(/\n+$/, "");
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** A Markdown link to an http(s) URL; anything else is shown as code, never as a link. */
export function safeLink(label: string, url: string | null | undefined): string {
  if (!url) return "";
  const trimmed = url.trim();
  if (!/^https?:\/\/[^\s]+$/i.test(trimmed)) return codeSpan(trimmed);
  const encoded = trimmed.replace(
    /[()<>"'`\\|]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `[${inlineText(label, 100)}](${encoded})`;
}

/** One row of a GFM table; cells must already be inline-safe. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === "" ? " " : c)).join(" | ")} |`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [tableRow(header), tableRow(header.map(() => "---")), ...rows.map(tableRow)].join("\n");
}

/** A collapsible block; the summary is escaped, the body is Markdown (blank lines keep it rendering). */
export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/**
 * Seconds since boot of a kernel (dmesg) timestamp: "[1233383.000332]", "[  306.925814]" or the
 * scanner's "1233383.000332s after boot"; null for anything else.
 */
export function bootSeconds(ts: string | null | undefined): number | null {
  if (!ts) return null;
  const m =
    /^\[\s*(\d{1,10}(?:\.\d+)?)\]$/.exec(ts.trim()) ??
    /^(\d{1,10}(?:\.\d+)?)\s*s after boot$/.exec(ts.trim());
  return m ? Number(m[1]) : null;
}

/**
 * dmesg counts seconds since boot, not wall-clock time: shown as such ("14 d 06:36:23"), never
 * dressed up as a date.
 */
function bootClock(seconds: number): string {
  const whole = Math.floor(seconds);
  const days = Math.floor(whole / 86_400);
  const rest = whole % 86_400;
  const clock = [Math.floor(rest / 3600), Math.floor((rest % 3600) / 60), rest % 60]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  return days > 0 ? `${days} d ${clock}` : clock;
}

/**
 * "2023-01-30T20:22:45Z" → "2023-01-30 20:22:45"; a dmesg stamp → "14 d 06:36:23 after boot";
 * other strings are returned trimmed.
 */
export function formatTimestamp(ts: string | null | undefined): string {
  if (!ts) return "";
  const boot = bootSeconds(ts);
  if (boot !== null) return `${bootClock(boot)} after boot`;
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)/.exec(ts.trim());
  return m ? `${m[1]} ${m[2]}` : ts.trim();
}

const SYSLOG_DAY = /^([A-Z][a-z]{2} {1,2}\d{1,2}) (\d\d:\d\d:\d\d)$/;

/** "first → last", shortening the last to its time when both fall on the same day. */
export function formatRange(first: string | null | undefined, last: string | null | undefined): string {
  const bootA = bootSeconds(first);
  const bootB = bootSeconds(last);
  if (bootA !== null && bootB !== null) {
    return bootA === bootB
      ? `${bootClock(bootA)} after boot`
      : `${bootClock(bootA)} → ${bootClock(bootB)} after boot`;
  }
  const a = formatTimestamp(first);
  const b = formatTimestamp(last);
  if (!a && !b) return "";
  if (!a || !b || a === b) return a || b;
  const sameDay =
    a.slice(0, 10) === b.slice(0, 10) && /^\d{4}-\d\d-\d\d /.test(a) && /^\d{4}-\d\d-\d\d /.test(b);
  if (sameDay) return `${a} → ${b.slice(11)}`;
  const syslogA = SYSLOG_DAY.exec(a);
  const syslogB = SYSLOG_DAY.exec(b);
  if (syslogA && syslogB && syslogA[1] === syslogB[1]) return `${a} → ${syslogB[2]}`;
  return `${a} → ${b}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
