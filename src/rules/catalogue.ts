/**
 * Loading and validation of the failure-signature catalogue (src/rules/signatures.yaml) and of
 * extra rules from a repository's configuration.
 */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { severityRank } from "../result/severity.js";
import { SEVERITY_ORDER, type Severity } from "../result/types.js";
import { patternError } from "./paths.js";
import { checkUserRegex, RegexSyntaxError, requiredLiterals, shortestLiteral } from "./regex-analysis.js";
import type { Catalogue, SignatureRule } from "./types.js";

export { checkUserRegex } from "./regex-analysis.js";

const RULE_KEYS = new Set([
  "id",
  "severity",
  "title",
  "meaning",
  "docs",
  "files",
  "regex",
  "computed",
  "caseSensitive",
  "sustained",
  "escalate",
  "example",
  "nearMiss",
]);
const TOP_KEYS = new Set(["version", "signatures", "rules"]);
const SEVERITIES: readonly (Severity | "noise")[] = [...SEVERITY_ORDER, "noise"];
const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;
/** The prefilter needs a literal of this length that every match contains. */
const MIN_LITERAL = 3;

export interface ValidateOptions {
  /**
   * Rules from a repository configuration: example/nearMiss become optional, patterns go through the
   * backtracking guard (checkUserRegex), and ids must not repeat those in `reservedIds`.
   */
  user?: boolean;
  /** Ids already taken (the built-in catalogue's when validating user rules). */
  reservedIds?: Iterable<string>;
}

export interface ValidationResult {
  /** The rules that passed, in input order. */
  rules: SignatureRule[];
  /** One message per problem, each naming the rule. */
  errors: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0;

function ruleList(raw: unknown, errors: string[]): unknown[] {
  if (raw === null || raw === undefined) return [];
  if (Array.isArray(raw)) return raw;
  if (isObject(raw)) {
    for (const k of Object.keys(raw))
      if (!TOP_KEYS.has(k)) errors.push(`catalogue: unknown top-level key "${k}"`);
    const list = raw.signatures ?? raw.rules;
    if (list === undefined || list === null) return [];
    if (Array.isArray(list)) return list;
  }
  errors.push("catalogue: expected a list of rules (or an object with a `signatures` list)");
  return [];
}

/**
 * Validates raw rule objects (parsed YAML/JSON): unknown keys, bad severities, duplicate ids, regexes
 * that do not compile or cannot be prefiltered, missing or failing example/nearMiss, inconsistent
 * sustained/escalate settings. Valid rules are returned even when others fail.
 */
export function validateRules(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const errors: string[] = [];
  const rules: SignatureRule[] = [];
  const reserved = new Set<string>(options.reservedIds ?? []);
  const seen = new Set<string>(reserved);
  const list = ruleList(raw, errors);
  list.forEach((entry, index) => {
    const rule = validateRule(entry, index, options.user === true, errors);
    if (!rule) return;
    if (seen.has(rule.id)) {
      errors.push(
        reserved.has(rule.id)
          ? `rule "${rule.id}": id is already used by a built-in rule`
          : `rule "${rule.id}": duplicate id`,
      );
      return;
    }
    seen.add(rule.id);
    rules.push(rule);
  });
  return { rules, errors };
}

function validateRule(entry: unknown, index: number, user: boolean, errors: string[]): SignatureRule | null {
  if (!isObject(entry)) {
    errors.push(`rule #${index + 1}: expected a mapping`);
    return null;
  }
  const name = typeof entry.id === "string" && entry.id ? `rule "${entry.id}"` : `rule #${index + 1}`;
  const before = errors.length;
  const err = (msg: string) => errors.push(`${name}: ${msg}`);

  for (const k of Object.keys(entry)) if (!RULE_KEYS.has(k)) err(`unknown key "${k}"`);

  const { id, severity, title, meaning, docs, files, regex, computed, caseSensitive, sustained, escalate } =
    entry;
  if (typeof id !== "string" || !ID_RE.test(id))
    err("id must be dotted lower-case words, e.g. dqlite.query-deadline");
  if (!SEVERITIES.includes(severity as Severity)) err(`severity must be one of ${SEVERITIES.join(", ")}`);
  if (!isNonEmptyString(title)) err("title is required");
  else if (title.length > 120) err("title is longer than 120 characters");
  if (!isNonEmptyString(meaning)) err("meaning is required");
  if (docs !== null && docs !== undefined && !(typeof docs === "string" && /^https?:\/\/\S+$/.test(docs)))
    err("docs must be an http(s) URL or null");
  if (!Array.isArray(files) || files.length === 0) err("files must be a non-empty list of patterns");
  else
    for (const f of files) {
      const problem = typeof f === "string" ? patternError(f) : "file patterns must be strings";
      if (problem) err(problem);
    }
  if (computed !== undefined && typeof computed !== "boolean") err("computed must be true or false");
  if (caseSensitive !== undefined && typeof caseSensitive !== "boolean")
    err("caseSensitive must be true or false");
  const hasRegex = regex !== undefined;
  if (!hasRegex && computed !== true) err("needs a regex (or computed: true)");
  if (user && computed === true) err("computed rules cannot come from a repository configuration");

  let compiled: RegExp | null = null;
  if (hasRegex) {
    if (!isNonEmptyString(regex)) err("regex must be a non-empty string");
    else {
      const flags = caseSensitive === true ? "" : "i";
      try {
        compiled = new RegExp(regex, flags);
      } catch (e) {
        err(`regex does not compile: ${(e as Error).message}`);
      }
      if (compiled) {
        if (user) {
          const problem = checkUserRegex(regex);
          if (problem) err(`regex rejected: ${problem}`);
        } else {
          try {
            if (shortestLiteral(requiredLiterals(regex)) < MIN_LITERAL)
              err(`regex needs a literal of at least ${MIN_LITERAL} characters that every match contains`);
          } catch (e) {
            err(`regex not understood: ${e instanceof RegexSyntaxError ? e.message : String(e)}`);
          }
        }
      }
    }
  }

  validateSustained(sustained, hasRegex, err);
  validateEscalate(escalate, severity, sustained, compiled, err);
  validateExamples(entry, compiled, hasRegex, user, err);

  if (errors.length > before) return null;
  const rule: SignatureRule = {
    id: id as string,
    severity: severity as Severity | "noise",
    title: (title as string).trim(),
    meaning: (meaning as string).trim(),
    docs: (docs as string | null | undefined) ?? null,
    files: [...(files as string[])],
  };
  if (hasRegex) rule.regex = regex as string;
  if (computed === true) rule.computed = true;
  if (caseSensitive === true) rule.caseSensitive = true;
  if (sustained !== undefined)
    rule.sustained = { ...(sustained as { minLines: number; minMinutes: number }) };
  if (escalate !== undefined) rule.escalate = structuredClone(escalate) as SignatureRule["escalate"];
  if (entry.example !== undefined) rule.example = { ...(entry.example as { line: string; source: string }) };
  if (entry.nearMiss !== undefined) rule.nearMiss = entry.nearMiss as string;
  return rule;
}

function validateSustained(sustained: unknown, hasRegex: boolean, err: (m: string) => void): void {
  if (sustained === undefined) return;
  if (!hasRegex) err("sustained applies to regex rules only");
  if (!isObject(sustained)) {
    err("sustained must be {minLines, minMinutes}");
    return;
  }
  for (const k of Object.keys(sustained))
    if (k !== "minLines" && k !== "minMinutes") err(`unknown key "sustained.${k}"`);
  const { minLines, minMinutes } = sustained;
  if (!Number.isInteger(minLines) || (minLines as number) < 1)
    err("sustained.minLines must be a whole number ≥ 1");
  if (typeof minMinutes !== "number" || !Number.isFinite(minMinutes) || minMinutes < 0)
    err("sustained.minMinutes must be a number ≥ 0");
}

function validateEscalate(
  escalate: unknown,
  severity: unknown,
  sustained: unknown,
  compiled: RegExp | null,
  err: (m: string) => void,
): void {
  if (escalate === undefined) return;
  if (!isObject(escalate)) {
    err("escalate must be {severity, when}");
    return;
  }
  for (const k of Object.keys(escalate))
    if (k !== "severity" && k !== "when") err(`unknown key "escalate.${k}"`);
  const target = escalate.severity;
  if (!SEVERITY_ORDER.includes(target as Severity))
    err(`escalate.severity must be one of ${SEVERITY_ORDER.join(", ")}`);
  else if (severity === "noise") err("noise rules cannot escalate");
  else if (
    SEVERITIES.includes(severity as Severity) &&
    severityRank(target as Severity) >= severityRank(severity as Severity)
  )
    err("escalate.severity must be more severe than severity");
  const when = escalate.when;
  if (when === "sustained") {
    if (sustained === undefined) err('escalate when "sustained" needs a sustained threshold');
  } else if (isObject(when)) {
    for (const k of Object.keys(when))
      if (k !== "capture" && k !== "above") err(`unknown key "escalate.when.${k}"`);
    if (when.capture !== 1) err("escalate.when.capture must be 1 (the first capture group that takes part)");
    if (typeof when.above !== "number" || !Number.isFinite(when.above))
      err("escalate.when.above must be a number");
    if (compiled && countGroups(compiled) < 1)
      err("escalate on a capture needs a capture group in the regex");
  } else {
    err('escalate.when must be "sustained" or {capture, above}');
  }
}

function countGroups(re: RegExp): number {
  // An empty alternative always matches, so exec("") reports every group.
  return (new RegExp(`${re.source}|`, re.flags).exec("")?.length ?? 1) - 1;
}

function validateExamples(
  entry: Record<string, unknown>,
  compiled: RegExp | null,
  hasRegex: boolean,
  user: boolean,
  err: (m: string) => void,
): void {
  const { example, nearMiss } = entry;
  if (!hasRegex) {
    if (example !== undefined || nearMiss !== undefined) err("example/nearMiss apply to regex rules only");
    return;
  }
  if (example === undefined) {
    if (!user) err("example {line, source} is required for regex rules");
  } else if (!isObject(example) || !isNonEmptyString(example.line) || !isNonEmptyString(example.source)) {
    err("example must be {line, source} with non-empty strings");
  } else {
    for (const k of Object.keys(example))
      if (k !== "line" && k !== "source") err(`unknown key "example.${k}"`);
    if (example.line.includes("\n")) err("example.line must be a single line");
    if (compiled && !compiled.test(example.line)) err("example.line does not match the regex");
  }
  if (nearMiss === undefined) {
    if (!user) err("nearMiss is required for regex rules");
  } else if (!isNonEmptyString(nearMiss)) {
    err("nearMiss must be a non-empty string");
  } else {
    if (nearMiss.includes("\n")) err("nearMiss must be a single line");
    if (compiled?.test(nearMiss)) err("nearMiss matches the regex");
  }
}

// ---------------------------------------------------------------------------------------------

/** Builds a catalogue object from validated rules (no further checks). */
export function buildCatalogue(rules: SignatureRule[]): Catalogue {
  return { rules, byId: new Map(rules.map((r) => [r.id, r])) };
}

export class CatalogueError extends Error {
  constructor(
    message: string,
    readonly errors: string[],
  ) {
    super(message);
    this.name = "CatalogueError";
  }
}

/**
 * Where signatures.yaml may be: next to this module (src/ under tsx), or back in src/rules when this
 * module runs from dist/ (tsc does not copy YAML), or under the working directory (bundles).
 */
function catalogueCandidates(): string[] {
  const out: string[] = [];
  const env = process.env.REPORT_TRIAGE_SIGNATURES;
  if (env) out.push(env);
  for (const rel of ["./signatures.yaml", "../../src/rules/signatures.yaml"]) {
    try {
      out.push(fileURLToPath(new URL(rel, import.meta.url)));
    } catch {
      // import.meta.url is not a file: URL (bundled); fall through to the working directory.
    }
  }
  out.push(`${process.cwd()}/src/rules/signatures.yaml`);
  return out;
}

function readBuiltinYaml(): { text: string; path: string } {
  const tried: string[] = [];
  for (const path of catalogueCandidates()) {
    try {
      return { text: readFileSync(path, "utf8"), path };
    } catch {
      tried.push(path);
    }
  }
  throw new CatalogueError(`signatures.yaml not found (looked in: ${tried.join(", ")})`, []);
}

let builtin: Catalogue | null = null;

/** The built-in catalogue, parsed and validated once; throws CatalogueError when it is broken. */
export function builtinCatalogue(): Catalogue {
  if (builtin) return builtin;
  const { text, path } = readBuiltinYaml();
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new CatalogueError(`${path}: YAML error: ${(e as Error).message}`, [(e as Error).message]);
  }
  const { rules, errors } = validateRules(raw);
  if (errors.length > 0) {
    throw new CatalogueError(`${path}: ${errors.length} invalid rule(s):\n${errors.join("\n")}`, errors);
  }
  builtin = buildCatalogue(rules);
  return builtin;
}

/**
 * The built-in catalogue, plus `extra` rules from a repository configuration (a list, or an object
 * with a `signatures`/`rules` list, of rules shaped like the YAML's, example/nearMiss optional).
 * Without extras the same cached object is returned every time. Throws CatalogueError listing every
 * problem when an extra rule is invalid; use validateRules(raw, {user: true, reservedIds}) first to keep
 * the valid ones and report the others.
 */
export function loadCatalogue(extra?: unknown): Catalogue {
  const base = builtinCatalogue();
  if (extra === undefined || extra === null) return base;
  const { rules, errors } = validateRules(extra, { user: true, reservedIds: base.byId.keys() });
  if (errors.length > 0) throw new CatalogueError(`invalid repository rules:\n${errors.join("\n")}`, errors);
  if (rules.length === 0) return base;
  return buildCatalogue([...base.rules, ...rules]);
}
