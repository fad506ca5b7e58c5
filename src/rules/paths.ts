/**
 * File patterns of the signature catalogue, matched against report-relative paths
 * ("snap.microk8s.daemon-k8s-dqlite/journal.log", "apparmor/dmesg", "k8s/cluster-info-dump").
 *
 * Syntax:
 * - `*` any characters inside one path segment, `?` one character, `**` any number of segments;
 * - `<svc:NAME>` a service folder, classic (`snap.microk8s.daemon-NAME`) or strict (`microk8s.daemon-NAME`);
 *   NAME may be `*` (any service) or an alias below;
 * - `@console` (any pattern starting with "@") names a virtual source, here the `microk8s inspect`
 *   console output pasted in an issue body. Virtual sources are matched only by such patterns, never by `**`.
 */
import type { Catalogue, SignatureRule } from "./types.js";

/** Service aliases: folders whose logs hold the same kind of lines in different MicroK8s generations. */
export const SERVICE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  /** Datastore (dqlite/kine) lines: k8s-dqlite (>= 1.23), kubelite (1.21-1.22), apiserver (1.19-1.20). */
  datastore: ["k8s-dqlite", "kubelite", "apiserver"],
  /** Kubernetes control-plane and node components: kubelite, or the separate pre-1.21 daemons. */
  k8s: ["kubelite", "apiserver", "kubelet", "controller-manager", "scheduler", "proxy"],
};

const SERVICE_NAME = /^(\*|[a-z0-9][a-z0-9-]*)$/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function serviceRe(name: string): string {
  const names = name === "*" ? null : (SERVICE_ALIASES[name] ?? [name]);
  const alt = names ? `(?:${names.map(escapeRe).join("|")})` : "[^/]+";
  return `(?:snap\\.)?microk8s\\.daemon-${alt}`;
}

function segmentRe(seg: string): string {
  let out = "";
  let i = 0;
  while (i < seg.length) {
    const c = seg[i];
    if (c === "<") {
      const end = seg.indexOf(">", i);
      const m = end > 0 ? /^<svc:([^>]*)>$/.exec(seg.slice(i, end + 1)) : null;
      if (!m || !SERVICE_NAME.test(m[1])) throw new Error(`bad service placeholder in "${seg}"`);
      out += serviceRe(m[1]);
      i = end + 1;
    } else if (c === "*") {
      out += "[^/]*";
      i++;
    } else if (c === "?") {
      out += "[^/]";
      i++;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  return out;
}

/** Compiles one pattern to an anchored RegExp; throws with a one-line reason when it is malformed. */
export function compilePattern(pattern: string): RegExp {
  if (typeof pattern !== "string" || pattern.trim() === "") throw new Error("empty file pattern");
  if (pattern.startsWith("@")) {
    if (!/^@[a-z][a-z0-9-]*$/.test(pattern)) throw new Error(`bad virtual source "${pattern}"`);
    return new RegExp(`^${escapeRe(pattern)}$`);
  }
  if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
    throw new Error(`file pattern "${pattern}" must be relative to the report folder`);
  }
  const segs = pattern.split("/");
  if (segs.some((s) => s === "")) throw new Error(`empty path segment in "${pattern}"`);
  let re = "";
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (seg === "**") {
      // `**` spans zero or more whole segments, together with its separator.
      if (segs.length === 1) re += ".*";
      else if (last) re += "(?:/.*)?";
      else re += i === 0 ? "(?:[^/]+/)*" : "/(?:[^/]+/)*";
      continue;
    }
    if (seg.includes("**")) throw new Error(`"**" must be a whole path segment in "${pattern}"`);
    if (i > 0 && segs[i - 1] !== "**") re += "/";
    re += segmentRe(seg);
  }
  // Virtual sources ("@console") are never matched by file patterns.
  return new RegExp(`^(?!@)${re}$`);
}

/** Null when the pattern is well formed, else the reason. */
export function patternError(pattern: string): string | null {
  try {
    compilePattern(pattern);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const compiled = new WeakMap<SignatureRule, RegExp[]>();

function rulePatterns(rule: SignatureRule): RegExp[] {
  let res = compiled.get(rule);
  if (!res) {
    res = rule.files.map(compilePattern);
    compiled.set(rule, res);
  }
  return res;
}

/** True when one of the rule's file patterns matches the report-relative path. */
export function ruleAppliesTo(rule: SignatureRule, path: string): boolean {
  const p = normalizePath(path);
  return rulePatterns(rule).some((re) => re.test(p));
}

/** Regex rules of the catalogue whose file patterns match `path` (computed-only rules are never returned). */
export function rulesForFile(catalogue: Catalogue, path: string): SignatureRule[] {
  const p = normalizePath(path);
  return catalogue.rules.filter(
    (r) => typeof r.regex === "string" && rulePatterns(r).some((re) => re.test(p)),
  );
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}
