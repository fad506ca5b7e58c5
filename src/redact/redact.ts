/**
 * Redaction of secrets in log lines and anything else that leaves the process (GitHub comments,
 * language-model prompts). Every rule replaces only the secret value with PLACEHOLDER and keeps
 * the surrounding key, flag or host, so the line stays readable. Idempotent by construction:
 * every rule accepts its own output unchanged, and `redact` iterates to a fixed point.
 */
import type { AnalysisResult } from "../result/types.js";

export const PLACEHOLDER = "[REDACTED]";

/** Matches a value already replaced, so rules leave it alone. */
const DONE = String.raw`\[REDACTED\]`;
/** A double-quoted value with backslash escapes, a single-quoted value. */
const DQ = String.raw`"(?:[^"\\\n]|\\.)*"`;
const SQ = String.raw`'[^'\n]*'`;

type Rule = (text: string) => string;

// --- helpers ----------------------------------------------------------------------------------

function isQuoted(value: string): boolean {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
}

function unquote(value: string): string {
  return isQuoted(value) ? value.slice(1, -1) : value;
}

/** Replace the value, keeping its quotes; empty and already-redacted values stay as they are. */
function replaceValue(value: string): string {
  const inner = unquote(value);
  if (inner === "" || inner === PLACEHOLDER) return value;
  return isQuoted(value) ? `${value[0]}${PLACEHOLDER}${value[0]}` : PLACEHOLDER;
}

const NOT_SECRET_WORDS = new Set(["true", "false", "null", "nil", "none", "<none>", "undefined", "***"]);

/** Booleans and `true|false` as printed in --help / feature-gate lists. */
function isBooleanish(raw: string): boolean {
  return /^(?:true|false|yes|no|on|off)(?:\|(?:true|false|yes|no|on|off))*$/i.test(unquote(raw));
}

/** Value placeholders of Go `--help` output (`--storage_driver_password string   database password`). */
const HELP_TYPE_WORDS = new Set([
  "string",
  "strings",
  "stringarray",
  "stringslice",
  "int",
  "int32",
  "int64",
  "uint",
  "uint32",
  "uint64",
  "float",
  "float32",
  "float64",
  "duration",
  "bool",
  "ip",
  "ipnet",
  "list",
  "value",
  "quantity",
  "port",
  "mapstringstring",
  "mapstringbool",
  "filename",
  "file",
  "path",
]);

/**
 * Whether a value found next to a merely suggestive key ("token: …" in prose) looks like a secret
 * rather than an ordinary word ("failed to get token: connection refused").
 */
export function looksSecret(raw: string): boolean {
  const value = unquote(raw);
  if (value.length < 8) return false;
  if (NOT_SECRET_WORDS.has(value.toLowerCase())) return false;
  // A plain word (lower case or capitalised) is prose, not a credential.
  if (/^[A-Za-z][a-z]*$/.test(value)) return false;
  return true;
}

/** A file path or variable reference (e.g. `${SNAP_DATA}/certs/server.key`): names a secret, is not one. */
function isPathLike(raw: string): boolean {
  const value = unquote(raw);
  return /^(?:\$\{?\w+\}?|~|\.{1,2})?\/[\w.${}@/-]*$/.test(value) && !/[+=]/.test(value);
}

// --- rules ------------------------------------------------------------------------------------

/**
 * Complete PEM blocks (keys, certificates, CSRs), also with literal "\n" escapes inside one line.
 * A scan rather than one lazy regex, which would be quadratic on many BEGINs without an END.
 */
const pemBlocks: Rule = (text) => {
  if (!text.includes("-----BEGIN ")) return text;
  const begin = /-----BEGIN ([A-Z0-9][A-Z0-9 ]{0,60}?)-----/g;
  const end = /-----END ([A-Z0-9 ]{0,60})-----/g;
  let out = "";
  let pos = 0;
  for (let m = begin.exec(text); m !== null; m = begin.exec(text)) {
    end.lastIndex = m.index + m[0].length;
    const e = end.exec(text);
    if (!e) break; // no END after this BEGIN, so none after any later one either
    out += `${text.slice(pos, m.index)}-----BEGIN ${m[1]}-----${PLACEHOLDER}-----END ${e[1]}-----`;
    pos = e.index + e[0].length;
    begin.lastIndex = pos;
  }
  return out + text.slice(pos);
};

/**
 * A BEGIN without END (a truncated line): the rest of the line and any following base64-only
 * lines go. Complete blocks were already reduced by pemBlocks, hence the lookahead.
 */
const pemUnterminated: Rule = (text) =>
  text.replace(
    /-----BEGIN ([A-Z0-9][A-Z0-9 ]{0,60}?)-----(?!\[REDACTED\]-----END )[^\n]*(?:\n[ \t]*[A-Za-z0-9+/=]{8,}[ \t]*(?=\n|$))*/g,
    (_m, label: string) => `-----BEGIN ${label}-----${PLACEHOLDER}`,
  );

/** Standalone credentials recognisable by shape alone. */
const shapedSecrets: Rule = (text) =>
  text
    // base64 of "-----BEGIN" (kubeconfig *-data values, secrets dumped as base64)
    .replace(/LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g, PLACEHOLDER)
    // JWTs (service-account tokens, calico kubeconfig tokens)
    .replace(/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, PLACEHOLDER)
    // a lone JWT header ({"alg":…) that lost its dots
    .replace(/(?<![A-Za-z0-9_-])eyJhbGciOi[A-Za-z0-9_-]*/g, PLACEHOLDER)
    // AWS access key ids
    .replace(/(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, PLACEHOLDER)
    // GitHub tokens
    .replace(/(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g, PLACEHOLDER);

/** `Authorization: Bearer …`, `authorization="Basic …"`; without a scheme only secret-looking values. */
const authorizationHeaders: Rule = (text) =>
  text.replace(
    new RegExp(
      String.raw`(\bauthorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate)(\s+))?(${DONE}|[^\s"',;]+)`,
      "gi",
    ),
    (match, head: string, scheme: string | undefined, gap: string | undefined, value: string) => {
      if (!scheme && !looksSecret(value)) return match;
      return `${head}${scheme ?? ""}${gap ?? ""}${replaceValue(value)}`;
    },
  );

/** `bearer <token>` anywhere (but not "invalid bearer token"). */
const bearerTokens: Rule = (text) =>
  text.replace(/\b(bearer)(\s+)([A-Za-z0-9._~+/=-]+)/gi, (match, word: string, gap: string, value: string) =>
    looksSecret(value) ? `${word}${gap}${PLACEHOLDER}` : match,
  );

/** `scheme://user:password@host` → keep the user. */
const urlCredentials: Rule = (text) =>
  text.replace(
    /\b([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s:/@"'<>]+):([^\s/@"'<>]+)@/gi,
    (_m, scheme: string, user: string, _password: string) => `${scheme}${user}:${PLACEHOLDER}@`,
  );

/**
 * MicroK8s join URLs `<host>:25000/<token>[/<fingerprint>]`. The cluster agent's own API paths
 * (`:25000/cluster/api/v1.0/join`) are all-lowercase words and are kept.
 */
const joinTokens: Rule = (text) =>
  text.replace(
    new RegExp(String.raw`(:25000/)(${DONE}|[^\s"'<>()\]]+)`, "g"),
    (match, head: string, path: string) => {
      const first = path.split("/")[0] ?? "";
      const isApiPath = /^[a-z]+$/.test(first) && first.length < 20;
      return isApiPath ? match : `${head}${PLACEHOLDER}`;
    },
  );

const SECRET_COMPONENTS = new Set([
  "token",
  "password",
  "passwd",
  "pass",
  "pwd",
  "secret",
  "key",
  "apikey",
  "credential",
  "credentials",
]);
/** The last component of a flag that carries the secret itself (not its file, lifetime …). */
const SECRET_LAST_COMPONENTS = new Set([...SECRET_COMPONENTS, "data"]);

/** `--token=…`, `--token …`, `--db-password=…`, `--client-secret=…`, `--*-key=…` (not `--*-key-file`). */
const secretFlags: Rule = (text) =>
  text.replace(
    new RegExp(
      String.raw`(?<![\w-])(--(?:[A-Za-z0-9]+[-_.])*(?:token|password|passwd|pass|pwd|secret|key|apikey|credentials?)(?:[-_.][A-Za-z0-9]+)*)(=|[ \t]+)(?!-)(${DONE}|${DQ}|${SQ}|[^\s"']+)`,
      "gi",
    ),
    (match, flag: string, sep: string, value: string) => {
      const components = flag.replace(/^--/, "").toLowerCase().split(/[-_.]/);
      const last = components.at(-1) ?? "";
      if (!SECRET_LAST_COMPONENTS.has(last)) return match;
      if (!components.some((c) => SECRET_COMPONENTS.has(c))) return match;
      if (isBooleanish(value) || isPathLike(value)) return match;
      if (sep !== "=" && HELP_TYPE_WORDS.has(value.toLowerCase())) return match;
      return `${flag}${sep}${replaceValue(value)}`;
    },
  );

const SECRET_KEY =
  "[A-Za-z0-9_-]*?(?:password|passwd|secret|token|api[-_]?key|access[-_]key|secret[-_]key|private[-_]key)";

/** `password=…`, `token=…`, `client_secret=…` in query strings, env dumps and logfmt. */
const keyEqualsValue: Rule = (text) =>
  text.replace(
    new RegExp(String.raw`(?<![\w.-])(${SECRET_KEY})(=)(${DONE}|${DQ}|${SQ}|[^\s&"',;]+)`, "gi"),
    (match, key: string, eq: string, value: string) => {
      if (isBooleanish(value)) return match;
      if (isPathLike(value) && !/password|passwd|secret/i.test(key)) return match;
      return `${key}${eq}${replaceValue(value)}`;
    },
  );

/**
 * Whether only indentation (and a YAML list dash) precedes `offset` on its line. Looks back a
 * bounded distance, so many matches on one long line stay linear.
 */
function startsLine(text: string, offset: number): boolean {
  const from = Math.max(0, offset - 200);
  const window = text.slice(from, offset);
  const newline = window.lastIndexOf("\n");
  if (newline === -1 && from > 0) return false;
  return /^[ \t]*(?:-[ \t]+)?$/.test(window.slice(newline + 1));
}

/** Keys whose value is always secret, whatever it looks like. */
const ALWAYS_SECRET_KEY =
  /^(?:[\w-]*(?:password|passwd)|client-key-data|client-certificate-data|certificate-authority-data)$/i;

/**
 * `token: …`, `password: …`, kubeconfig `client-key-data: …`, JSON `"secret": "…"`. In YAML
 * (key first on its line) and JSON (quoted key and value) the value always goes; in free text a
 * suggestive key alone is not enough, the value must look like a secret too.
 */
const keyColonValue: Rule = (text) =>
  text.replace(
    new RegExp(
      String.raw`(?<![A-Za-z0-9_.-])(["']?)(${SECRET_KEY}|client-key-data|client-certificate-data|certificate-authority-data|auth)\1([ \t]*:[ \t]*)(${DONE}|${DQ}|${SQ}|[^\s"',;{}[\]\\]+)`,
      "gim",
    ),
    (
      match: string,
      quote: string,
      key: string,
      colon: string,
      value: string,
      offset: number,
      whole: string,
    ) => {
      const isYaml = startsLine(whole, offset);
      const isJson = quote !== "" && isQuoted(value);
      if (key.toLowerCase() === "auth" && !isJson) return match;
      if (isBooleanish(value)) return match;
      const always = isYaml || isJson || ALWAYS_SECRET_KEY.test(key);
      if (!always && !looksSecret(value)) return match;
      return `${quote}${key}${quote}${colon}${replaceValue(value)}`;
    },
  );

/**
 * Rows of kube-apiserver's `--token-auth-file` / `--basic-auth-file` (`token,user,uid[,"groups"]`):
 * the first field is the credential and nothing names it, so the row's shape has to. A whole line
 * only, with a user-like second field and a secret-looking first one, so address lists
 * ("10.0.0.1:19001,…") and CSV of words ("containerd,containerd,running") are left alone.
 */
const tokenFileRows: Rule = (text) =>
  text.replace(
    /^([ \t]*)([A-Za-z0-9._~+/=-]{6,})(,[A-Za-z][\w.:@-]*,[\w.:@-]+(?:,(?:"[^"\n]*"|[^\s,"']*))?[ \t]*)$/gm,
    (match, indent: string, secret: string, rest: string) =>
      looksSecret(secret) && !/^[\d.]+$/.test(secret) ? `${indent}${PLACEHOLDER}${rest}` : match,
  );

/**
 * A line that is nothing but a long base64 run with mixed case and digits: key or certificate
 * material on its own line (a PEM body line, or a journal message continued on indented lines).
 * Hex ids (one case) and words are left alone.
 */
const bareKeyMaterial: Rule = (text) =>
  text.replace(
    /(^|\]: )([ \t]*)([A-Za-z0-9+/]{40,}={0,2})(?=[ \t]*$)/gm,
    (match, head: string, indent: string, run: string) =>
      /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run) ? `${head}${indent}${PLACEHOLDER}` : match,
  );

const RULES: readonly Rule[] = [
  pemBlocks,
  pemUnterminated,
  shapedSecrets,
  tokenFileRows,
  bareKeyMaterial,
  authorizationHeaders,
  bearerTokens,
  urlCredentials,
  joinTokens,
  secretFlags,
  keyEqualsValue,
  keyColonValue,
];

function redactOnce(text: string): string {
  let out = text;
  for (const rule of RULES) out = rule(out);
  return out;
}

/** Remove secrets from text. Idempotent: redact(redact(x)) === redact(x). */
export function redact(text: string): string {
  if (typeof text !== "string" || text === "") return text;
  let current = text;
  // Each pass only turns secret values into PLACEHOLDER, so this settles after one or two passes.
  for (let pass = 0; pass < 8; pass++) {
    const next = redactOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

/** Redact every string anywhere in a JSON-like value; returns a new value, the input is not changed. */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item);
    return out as T;
  }
  return value;
}

/**
 * Redact a whole analysis result: evidence texts, disk-error samples, departed reasons and hints,
 * the verdict, summaries, warnings and errors (every string field, so additions are covered too).
 */
export function redactResult(result: AnalysisResult): AnalysisResult {
  return redactDeep(result);
}
