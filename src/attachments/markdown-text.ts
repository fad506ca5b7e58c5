/**
 * Reduces GitHub-flavoured Markdown to the text whose links GitHub would render live: fenced and
 * indented code blocks, inline code spans and HTML comments are blanked out. A pragmatic subset of
 * CommonMark's block and inline rules, linear in the input size (issue bodies reach 65 536 chars).
 */

interface Fence {
  char: "`" | "~";
  length: number;
  quoteDepth: number;
}

interface ListContext {
  /** Column where the list item's content starts; deeper indentation inside the item is code. */
  contentIndent: number;
}

const QUOTE_PREFIX = /^(?: {0,3}> ?)+/;
const LIST_MARKER = /^( *)([-+*]|\d{1,9}[.)])( +|$)/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}(?:\s|$)/;

function expandTabs(line: string): string {
  if (!line.includes("\t")) return line;
  let out = "";
  for (const char of line) {
    if (char === "\t") out += " ".repeat(4 - (out.length % 4));
    else out += char;
  }
  return out;
}

function leadingSpaces(line: string): number {
  let count = 0;
  while (count < line.length && line[count] === " ") count++;
  return count;
}

function countQuoteDepth(prefix: string): number {
  let depth = 0;
  for (const char of prefix) if (char === ">") depth++;
  return depth;
}

function fenceCloses(content: string, fence: Fence): boolean {
  const trimmed = content.trim();
  if (trimmed.length < fence.length) return false;
  for (const char of trimmed) if (char !== fence.char) return false;
  return true;
}

function openFence(content: string, quoteDepth: number): Fence | null {
  const match = FENCE_OPEN.exec(content.trimStart());
  if (!match) return null;
  const char = match[1][0] as "`" | "~";
  // A backtick fence's info string cannot hold backticks (``` a ``` on one line is a code span).
  if (char === "`" && match[2].includes("`")) return null;
  return { char, length: match[1].length, quoteDepth };
}

/** Block pass: keeps the lines that are neither code nor HTML comment blocks. */
function stripBlocks(markdown: string): string[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  let fence: Fence | null = null;
  let inComment = false;
  let paragraphOpen = false;
  let lastBlank = true;
  let list: ListContext | null = null;

  for (const rawLine of lines) {
    const line = expandTabs(rawLine);
    const prefix = QUOTE_PREFIX.exec(line)?.[0] ?? "";
    const quoteDepth = countQuoteDepth(prefix);
    let content = line.slice(prefix.length);

    if (fence) {
      // A fence inside a block quote ends with the quote.
      if (fence.quoteDepth > 0 && quoteDepth < fence.quoteDepth) {
        fence = null;
      } else {
        if (fenceCloses(content, fence)) fence = null;
        kept.push("");
        continue;
      }
    }
    if (inComment) {
      const end = content.indexOf("-->");
      if (end < 0) {
        kept.push("");
        continue;
      }
      inComment = false;
      content = content.slice(end + 3);
      kept.push(content);
      paragraphOpen = false;
      lastBlank = content.trim() === "";
      continue;
    }
    if (content.trim() === "") {
      kept.push("");
      paragraphOpen = false;
      lastBlank = true;
      continue;
    }

    const indent = leadingSpaces(content);
    const marker: RegExpExecArray | null =
      indent <= (list ? list.contentIndent + 3 : 3) ? LIST_MARKER.exec(content) : null;
    if (marker) {
      const markerEnd: number = marker[0].length;
      const spacesAfter: number = marker[3].length;
      // Five or more spaces after the marker start indented code inside the item: content starts after one.
      list = { contentIndent: spacesAfter > 4 ? markerEnd - spacesAfter + 1 : markerEnd };
    } else if (list && lastBlank && indent < list.contentIndent) {
      list = null;
    }

    const blockIndent = list ? list.contentIndent : 0;
    const body = marker ? content.slice(marker[0].length) : content;
    const bodyIndent = marker ? 0 : Math.max(0, indent - blockIndent);

    if (!marker && bodyIndent >= 4 && !paragraphOpen) {
      kept.push(""); // indented code block
      continue;
    }
    if (bodyIndent <= 3) {
      const opened = openFence(body, quoteDepth);
      if (opened) {
        fence = opened;
        kept.push("");
        paragraphOpen = false;
        lastBlank = false;
        continue;
      }
      const trimmed = body.trimStart();
      if (trimmed.startsWith("<!--")) {
        const end = trimmed.indexOf("-->", 4);
        if (end < 0) {
          inComment = true;
          kept.push("");
        } else {
          kept.push(trimmed.slice(end + 3));
        }
        paragraphOpen = false;
        lastBlank = false;
        continue;
      }
    }
    kept.push(content);
    paragraphOpen = !HEADING.test(body);
    lastBlank = false;
  }
  return kept;
}

/** Positions of backtick runs, grouped by run length, for linear-time code span matching. */
function backtickRuns(text: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  let index = 0;
  while (index < text.length) {
    if (text[index] !== "`") {
      index++;
      continue;
    }
    const start = index;
    while (index < text.length && text[index] === "`") index++;
    const length = index - start;
    const list = runs.get(length);
    if (list) list.push(start);
    else runs.set(length, [start]);
  }
  return runs;
}

/** First run of exactly `length` backticks starting at or after `from` (binary search). */
function nextRun(runs: Map<number, number[]>, length: number, from: number): number {
  const starts = runs.get(length);
  if (!starts) return -1;
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid] < from) low = mid + 1;
    else high = mid;
  }
  return low < starts.length ? starts[low] : -1;
}

/** Inline pass over one paragraph: code spans and HTML comments become a space, leftmost first. */
function stripInline(paragraph: string): string {
  const runs = backtickRuns(paragraph);
  let out = "";
  let index = 0;
  let commentsCanClose = true;
  while (index < paragraph.length) {
    const char = paragraph[index];
    if (char === "\\" && index + 1 < paragraph.length) {
      out += paragraph.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (char === "`") {
      let end = index;
      while (end < paragraph.length && paragraph[end] === "`") end++;
      const length = end - index;
      const closing = nextRun(runs, length, end);
      if (closing >= 0) {
        out += " ";
        index = closing + length;
      } else {
        out += paragraph.slice(index, end);
        index = end;
      }
      continue;
    }
    if (char === "<" && commentsCanClose && paragraph.startsWith("<!--", index)) {
      const end = paragraph.indexOf("-->", index + 4);
      if (end >= 0) {
        out += " ";
        index = end + 3;
        continue;
      }
      commentsCanClose = false; // no later "<!--" in this paragraph can close either
    }
    out += char;
    index++;
  }
  return out;
}

/**
 * The parts of a Markdown document outside code (fenced, indented, inline) and HTML comments,
 * paragraph by paragraph (separated by blank lines).
 */
export function renderableText(markdown: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of stripBlocks(markdown)) {
    if (line.trim() === "") {
      if (current.length > 0) paragraphs.push(stripInline(current.join("\n")));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(stripInline(current.join("\n")));
  return paragraphs.join("\n\n");
}
