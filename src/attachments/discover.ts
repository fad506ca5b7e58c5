/**
 * Finds report attachments (inspection tarballs, single logs) linked from an issue body or comment.
 * Pure: no I/O. Only GitHub's attachment URL forms are picked up, so that nothing else is ever fetched.
 */
import { createHash } from "node:crypto";
import { checkHost, type HostPolicy, hostSpelledCanonically } from "./hosts.js";
import { renderableText } from "./markdown-text.js";

export interface Attachment {
  /** Canonical URL: scheme, host, path; no query, fragment or credentials. */
  url: string;
  /** File name from the URL, percent-decoded. */
  name: string;
  kind: "archive" | "log";
  /**
   * - repo-files: `/<owner>/<repo>/files/<id>/<name>` (legacy; any repository, repos get renamed)
   * - user-attachments: `/user-attachments/files/<id>/<name>`
   * - other-allowed: any other path on an ATTACHMENT_HOSTS entry
   */
  form: "repo-files" | "user-attachments" | "other-allowed";
}

export interface DiscoveryContext extends HostPolicy {
  /** Repository the text belongs to. Links to other repositories' files are kept all the same. */
  owner: string;
  repo: string;
}

/** Link candidates stop at whitespace and at characters that delimit links in Markdown/HTML. */
const URL_CANDIDATE = /https?:\/\/[^\s<>"'`[\]]+/gi;
const TRAILING_PUNCTUATION = /[.,:;!?*_~]+$/;
const TRAILING_ENTITY = /&[a-z0-9#]+;$/i;
const MARKDOWN_ESCAPE = /\\([!-/:-@[-`{-~])/g;
const OWNER = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const REPO = /^[a-z0-9._-]+$/i;
const NUMERIC_ID = /^\d+$/;

/** Cuts a candidate at its first unbalanced ")" (the end of a Markdown link) and trims trailing punctuation. */
function trimCandidate(candidate: string): string {
  let depth = 0;
  let end = candidate.length;
  for (let index = 0; index < candidate.length; index++) {
    const char = candidate[index];
    if (char === "(") depth++;
    else if (char === ")") {
      if (depth === 0) {
        end = index;
        break;
      }
      depth--;
    }
  }
  let text = candidate.slice(0, end);
  for (;;) {
    const trimmed = text.replace(TRAILING_ENTITY, "").replace(TRAILING_PUNCTUATION, "");
    if (trimmed === text) return text;
    text = trimmed;
  }
}

function kindOf(name: string): Attachment["kind"] | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".gz") || lower.endsWith(".tgz")) return "archive";
  if (lower.endsWith(".log") || lower.endsWith(".txt")) return "log";
  return null;
}

function decodeName(segment: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return null;
  }
  // A file name never holds a path separator or control characters; such links are not GitHub's.
  if (name.length === 0 || /[/\\\u0000-\u001f\u007f]/.test(name) || name === "." || name === "..")
    return null;
  return name;
}

function formOf(segments: string[]): "repo-files" | "user-attachments" | null {
  if (segments.length === 4 && segments[0] === "user-attachments" && segments[1] === "files") {
    return NUMERIC_ID.test(segments[2]) ? "user-attachments" : null;
  }
  if (segments.length === 5 && segments[2] === "files" && segments[0] !== "user-attachments") {
    return OWNER.test(segments[0]) && REPO.test(segments[1]) && NUMERIC_ID.test(segments[3])
      ? "repo-files"
      : null;
  }
  return null;
}

/** Classifies one candidate link; null when it is not a report attachment we may fetch. */
function toAttachment(candidate: string, ctx: DiscoveryContext): Attachment | null {
  const text = candidate.replace(MARKDOWN_ESCAPE, "$1");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username !== "" || url.password !== "" || !hostSpelledCanonically(text, url)) return null;
  const host = checkHost(url, ctx, "initial");
  if (!host.ok) return null;
  const segments = url.pathname.split("/").slice(1);
  if (segments.some((segment) => segment === "")) return null;
  let form: Attachment["form"] | null = formOf(segments);
  if (form === null && host.hostClass === "extra" && segments.length > 0) form = "other-allowed";
  if (form === null) return null;
  const name = decodeName(segments[segments.length - 1]);
  if (name === null) return null;
  const kind = kindOf(name);
  if (kind === null) return null;
  return { url: `${url.protocol}//${url.host}${url.pathname}`, name, kind, form };
}

/**
 * Report attachments linked from Markdown: inline links, autolinks, bare URLs, reference definitions
 * and HTML `<a href>`, outside code and HTML comments. Archives (`.tar.gz`, `.tgz`, `.gz`, under any
 * name) and single logs (`.log`, `.txt`); images, videos, PDFs and zips are ignored. De-duplicated by
 * URL, in order of first appearance.
 */
export function discoverAttachments(markdown: string, ctx: DiscoveryContext): Attachment[] {
  const found: Attachment[] = [];
  const seen = new Set<string>();
  for (const match of renderableText(markdown).matchAll(URL_CANDIDATE)) {
    const attachment = toAttachment(trimCandidate(match[0]), ctx);
    if (attachment && !seen.has(attachment.url)) {
      seen.add(attachment.url);
      found.push(attachment);
    }
  }
  return found;
}

/**
 * A stable key for a set of attachments: the same URLs in any order or multiplicity give the same key.
 * Store it with the analysis to re-analyse an edited issue only when its attachments changed.
 */
export function attachmentSetKey(list: readonly Pick<Attachment, "url">[]): string {
  const urls = [...new Set(list.map((attachment) => attachment.url))].sort();
  return createHash("sha256").update(urls.join("\n")).digest("hex").slice(0, 20);
}
