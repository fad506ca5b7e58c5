/**
 * A small parser for JavaScript regex sources (the non-unicode syntax the catalogue uses), used for
 * two things: finding literal strings every match must contain (the scanner's one-pass prefilter),
 * and spotting constructs that can backtrack catastrophically in user-supplied rules.
 */

export type RegexNode =
  | { type: "char"; ch: string }
  | { type: "set"; negated: boolean; single: string | null; wide: boolean }
  | { type: "assert" }
  | { type: "look"; behind: boolean; alt: RegexAlt }
  | { type: "backref" }
  | { type: "group"; capture: boolean; alt: RegexAlt }
  | { type: "repeat"; min: number; max: number; child: RegexNode };

export interface RegexAlt {
  branches: RegexNode[][];
}

export class RegexSyntaxError extends Error {}

/** Parses `source`; throws RegexSyntaxError on constructs this parser does not understand. */
export function parseRegex(source: string): RegexAlt {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new RegexSyntaxError(`${msg} at offset ${pos}`);
  };

  const parseAlt = (): RegexAlt => {
    const branches: RegexNode[][] = [parseSeq()];
    while (source[pos] === "|") {
      pos++;
      branches.push(parseSeq());
    }
    return { branches };
  };

  const parseSeq = (): RegexNode[] => {
    const items: RegexNode[] = [];
    while (pos < source.length && source[pos] !== "|" && source[pos] !== ")") {
      const atom = parseAtom();
      items.push(parseQuantifier(atom));
    }
    return items;
  };

  const parseQuantifier = (atom: RegexNode): RegexNode => {
    let node = atom;
    for (;;) {
      const c = source[pos];
      let min: number;
      let max: number;
      if (c === "*") {
        min = 0;
        max = Number.POSITIVE_INFINITY;
        pos++;
      } else if (c === "+") {
        min = 1;
        max = Number.POSITIVE_INFINITY;
        pos++;
      } else if (c === "?") {
        min = 0;
        max = 1;
        pos++;
      } else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(pos));
        if (!m) return node; // a literal "{" in non-unicode mode; parsed as an atom next
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
        if (max < min) fail("quantifier range out of order");
        pos += m[0].length;
      } else {
        return node;
      }
      if (source[pos] === "?") pos++; // lazy
      if (node.type === "assert" || node.type === "look") fail("nothing to repeat");
      if (node.type === "repeat") fail("nothing to repeat");
      node = { type: "repeat", min, max, child: node };
    }
  };

  const parseAtom = (): RegexNode => {
    const c = source[pos];
    switch (c) {
      case "(":
        return parseGroup();
      case "[":
        return parseClass();
      case ".":
        pos++;
        return { type: "set", negated: true, single: null, wide: true };
      case "^":
      case "$":
        pos++;
        return { type: "assert" };
      case "\\":
        return parseEscape(false);
      case "*":
      case "+":
      case "?":
        return fail("nothing to repeat");
      default:
        pos++;
        return { type: "char", ch: c };
    }
  };

  const parseGroup = (): RegexNode => {
    pos++; // (
    let kind: "capture" | "plain" | "ahead" | "behind" = "capture";
    if (source[pos] === "?") {
      const next = source[pos + 1];
      if (next === ":") {
        kind = "plain";
        pos += 2;
      } else if (next === "=" || next === "!") {
        kind = "ahead";
        pos += 2;
      } else if (next === "<" && (source[pos + 2] === "=" || source[pos + 2] === "!")) {
        kind = "behind";
        pos += 3;
      } else if (next === "<") {
        const m = /^\?<([A-Za-z_$][\w$]*)>/.exec(source.slice(pos));
        if (!m) fail("bad group name");
        pos += m![0].length;
      } else {
        fail("unknown group syntax");
      }
    }
    const alt = parseAlt();
    if (source[pos] !== ")") fail("unterminated group");
    pos++;
    if (kind === "ahead" || kind === "behind") return { type: "look", behind: kind === "behind", alt };
    return { type: "group", capture: kind === "capture", alt };
  };

  const parseClass = (): RegexNode => {
    pos++; // [
    let negated = false;
    if (source[pos] === "^") {
      negated = true;
      pos++;
    }
    const members: string[] = [];
    let complex = false;
    while (pos < source.length && source[pos] !== "]") {
      if (source[pos] === "\\") {
        const esc = parseEscape(true);
        if (esc.type === "char") members.push(esc.ch);
        else complex = true;
      } else {
        members.push(source[pos]);
        pos++;
      }
      if (source[pos] === "-" && source[pos + 1] !== "]" && pos + 1 < source.length) {
        complex = true; // a range
        pos++;
        if (source[pos] === "\\") parseEscape(true);
        else pos++;
      }
    }
    if (source[pos] !== "]") fail("unterminated character class");
    pos++;
    const single = !negated && !complex && new Set(members).size === 1 ? members[0] : null;
    return { type: "set", negated, single, wide: negated };
  };

  const parseEscape = (inClass: boolean): RegexNode => {
    pos++; // backslash
    const c = source[pos];
    if (c === undefined) return fail("trailing backslash");
    pos++;
    if ("dDwWsS".includes(c)) {
      // \S, \D, \W match almost anything; \d, \w, \s are narrow classes.
      const negated = c === c.toUpperCase();
      return { type: "set", negated, single: null, wide: negated };
    }
    if (c === "b" || c === "B") return inClass && c === "b" ? { type: "char", ch: "\b" } : { type: "assert" };
    if (c >= "1" && c <= "9") {
      while (/\d/.test(source[pos] ?? "")) pos++;
      return inClass ? { type: "set", negated: false, single: null, wide: false } : { type: "backref" };
    }
    if (c === "k" && source[pos] === "<" && !inClass) {
      const end = source.indexOf(">", pos);
      if (end < 0) fail("bad named backreference");
      pos = end + 1;
      return { type: "backref" };
    }
    if (c === "x") {
      const m = /^[0-9a-fA-F]{2}/.exec(source.slice(pos));
      if (m) {
        pos += 2;
        return { type: "char", ch: String.fromCharCode(Number.parseInt(m[0], 16)) };
      }
      return { type: "char", ch: "x" };
    }
    if (c === "u") {
      const m = /^[0-9a-fA-F]{4}/.exec(source.slice(pos));
      if (m) {
        pos += 4;
        return { type: "char", ch: String.fromCharCode(Number.parseInt(m[0], 16)) };
      }
      return { type: "char", ch: "u" };
    }
    if (c === "c" && /[A-Za-z]/.test(source[pos] ?? "")) {
      const ch = String.fromCharCode(source.charCodeAt(pos) % 32);
      pos++;
      return { type: "char", ch };
    }
    const controls: Record<string, string> = { t: "\t", n: "\n", r: "\r", v: "\v", f: "\f", "0": "\0" };
    if (c in controls) return { type: "char", ch: controls[c] };
    return { type: "char", ch: c };
  };

  const alt = parseAlt();
  if (pos < source.length) fail("unmatched ')'");
  return alt;
}

/** Lower-cases ASCII letters only (the prefilter folds ASCII case; other characters stay as they are). */
export function foldAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

type Requirement = string[] | null;

const isPlainChar = (ch: string): boolean => {
  const code = ch.charCodeAt(0);
  // Printable ASCII only: bytes the prefilter can compare one to one (no newline, no multi-byte UTF-8).
  return code >= 0x20 && code < 0x7f;
};

function score(req: string[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const s of req) min = Math.min(min, s.length);
  // Longer guaranteed literals first; among equals, fewer alternatives.
  return min * 100 - Math.min(req.length, 99);
}

function better(a: Requirement, b: Requirement): Requirement {
  if (!a) return b;
  if (!b) return a;
  return score(b) > score(a) ? b : a;
}

function simplifyUnion(lits: string[]): string[] {
  const uniq = [...new Set(lits)].sort((x, y) => x.length - y.length);
  const kept: string[] = [];
  // If a shorter literal is a substring of a longer one, the shorter one alone covers both.
  for (const s of uniq) if (!kept.some((k) => s.includes(k))) kept.push(s);
  return kept;
}

function altRequirement(alt: RegexAlt): Requirement {
  const parts: string[] = [];
  for (const branch of alt.branches) {
    const r = seqRequirement(branch);
    if (!r) return null;
    parts.push(...r);
  }
  return simplifyUnion(parts);
}

/** Largest set of alternative strings an "exact" piece may stand for before it is given up. */
const MAX_EXACT = 16;
const MAX_EXACT_LENGTH = 64;

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  if (out.some((s) => s.length > MAX_EXACT_LENGTH)) return null;
  return [...new Set(out)];
}

/**
 * Every string the node can match, when that is a small finite set of printable-ASCII strings
 * (folded); zero-width assertions count as the empty string. Null otherwise.
 */
function exactSet(node: RegexNode): string[] | null {
  switch (node.type) {
    case "char":
      return isPlainChar(node.ch) ? [foldAscii(node.ch)] : null;
    case "set":
      return node.single !== null && isPlainChar(node.single) ? [foldAscii(node.single)] : null;
    case "assert":
    case "look":
      return [""];
    case "group": {
      const all: string[] = [];
      for (const b of node.alt.branches) {
        const e = exactSeq(b);
        if (!e) return null;
        all.push(...e);
      }
      const uniq = [...new Set(all)];
      return uniq.length <= MAX_EXACT ? uniq : null;
    }
    case "repeat": {
      const e = exactSet(node.child);
      if (!e || node.max === Number.POSITIVE_INFINITY || node.max > 4) return null;
      let acc: string[] = [""];
      const options: string[] = node.min === 0 ? [""] : [];
      for (let k = 1; k <= node.max; k++) {
        const next = product(acc, e);
        if (!next) return null;
        acc = next;
        if (k >= node.min) options.push(...acc);
      }
      const uniq = [...new Set(options)];
      return uniq.length <= MAX_EXACT ? uniq : null;
    }
    default:
      return null;
  }
}

function exactSeq(items: RegexNode[]): string[] | null {
  let acc: string[] = [""];
  for (const it of items) {
    const e = exactSet(it);
    if (!e) return null;
    const next = product(acc, e);
    if (!next) return null;
    acc = next;
  }
  return acc;
}

function seqRequirement(items: RegexNode[]): Requirement {
  let best: Requirement = null;
  let cur: string[] = [""];
  const flush = () => {
    if (cur.every((x) => x.length > 0)) best = better(best, simplifyUnion(cur));
    cur = [""];
  };
  for (const it of items) {
    const e = exactSet(it);
    if (e) {
      const next = product(cur, e);
      if (next) {
        cur = next;
        continue;
      }
      flush();
      cur = e;
      continue;
    }
    flush();
    if (it.type === "group") best = better(best, altRequirement(it.alt));
    else if (it.type === "repeat" && it.min >= 1) best = better(best, nodeRequirement(it.child));
  }
  flush();
  return best;
}

function nodeRequirement(node: RegexNode): Requirement {
  if (node.type === "char") return isPlainChar(node.ch) ? [foldAscii(node.ch)] : null;
  if (node.type === "set")
    return node.single !== null && isPlainChar(node.single) ? [foldAscii(node.single)] : null;
  if (node.type === "group") return altRequirement(node.alt);
  if (node.type === "repeat") return node.min >= 1 ? nodeRequirement(node.child) : null;
  return null;
}

/**
 * Literal strings (ASCII, lower-cased) such that every match of the regex contains at least one of
 * them, or null when no such set can be derived. Prefers the set whose shortest member is longest.
 */
export function requiredLiterals(source: string): string[] | null {
  const req = altRequirement(parseRegex(source));
  return req && req.length > 0 ? req : null;
}

/** Shortest member of a literal set (0 for none). */
export function shortestLiteral(lits: string[] | null): number {
  if (!lits || lits.length === 0) return 0;
  return Math.min(...lits.map((s) => s.length));
}

// ---------------------------------------------------------------------------------------------
// Catastrophic-backtracking guard for user rules.

const LARGE = 16;
const isLarge = (n: number) => n > LARGE;

function walk(node: RegexNode, visit: (n: RegexNode) => void): void {
  visit(node);
  if (node.type === "group" || node.type === "look")
    for (const b of node.alt.branches) for (const n of b) walk(n, visit);
  if (node.type === "repeat") walk(node.child, visit);
}

function nullable(items: RegexNode[]): boolean {
  return items.every((n) => nodeNullable(n));
}

function nodeNullable(n: RegexNode): boolean {
  if (n.type === "assert" || n.type === "look" || n.type === "backref") return true;
  if (n.type === "repeat") return n.min === 0 || nodeNullable(n.child);
  if (n.type === "group") return n.alt.branches.some(nullable);
  return false;
}

/** First characters a branch can start with: a set of folded chars, or "any" when unknown/wide. */
function firstChars(items: RegexNode[]): Set<string> | "any" {
  const acc = new Set<string>();
  for (const n of items) {
    const f = nodeFirst(n);
    if (f === "any") return "any";
    for (const c of f) acc.add(c);
    if (!nodeNullable(n)) return acc;
  }
  return acc;
}

function nodeFirst(n: RegexNode): Set<string> | "any" {
  if (n.type === "char") return new Set([foldAscii(n.ch)]);
  if (n.type === "set") return n.single !== null ? new Set([foldAscii(n.single)]) : "any";
  if (n.type === "assert" || n.type === "look" || n.type === "backref") return new Set();
  if (n.type === "repeat") return nodeFirst(n.child);
  const acc = new Set<string>();
  for (const b of n.alt.branches) {
    const f = firstChars(b);
    if (f === "any") return "any";
    for (const c of f) acc.add(c);
  }
  return acc;
}

function overlappingAlternation(node: RegexNode): boolean {
  let found = false;
  walk(node, (n) => {
    if (found || n.type !== "group" || n.alt.branches.length < 2) return;
    const seen = new Set<string>();
    for (const b of n.alt.branches) {
      if (nullable(b)) {
        found = true;
        return;
      }
      const f = firstChars(b);
      if (f === "any") {
        found = true;
        return;
      }
      for (const c of f) {
        if (seen.has(c)) {
          found = true;
          return;
        }
        seen.add(c);
      }
    }
  });
  return found;
}

/**
 * Number of unbounded repeats of wide classes (`.*`, `\S+`, `[^"]*` …). A regex with one can take time
 * quadratic in the line length when the text before it recurs and the rest fails to match.
 */
export function unboundedWildcards(src: string): number {
  let count = 0;
  const root: RegexNode = { type: "group", capture: false, alt: parseRegex(src) };
  walk(root, (n) => {
    if (n.type === "repeat" && n.max === Number.POSITIVE_INFINITY && n.child.type === "set" && n.child.wide)
      count++;
  });
  return count;
}

/**
 * Reasons a user-supplied pattern is refused (null when it is acceptable): too long, does not compile,
 * uses backreferences or lookaround, nests variable quantifiers under an unbounded one (`(a+)+`,
 * `(.*)*`), repeats an alternation whose branches can start alike (`(x|x)*`), stacks more than two
 * unbounded wildcards, or has no literal of at least 3 characters for the prefilter.
 */
export function checkUserRegex(src: string): string | null {
  if (typeof src !== "string" || src.length === 0) return "pattern is empty";
  if (src.length > 500) return `pattern is ${src.length} characters long (at most 500)`;
  try {
    new RegExp(src, "i");
  } catch (e) {
    return `pattern does not compile: ${(e as Error).message}`;
  }
  let ast: RegexAlt;
  try {
    ast = parseRegex(src);
  } catch (e) {
    return `pattern not understood: ${(e as Error).message}`;
  }
  const root: RegexNode = { type: "group", capture: false, alt: ast };
  let problem: string | null = null;
  let wildcards = 0;
  walk(root, (n) => {
    if (problem) return;
    if (n.type === "backref") problem = "backreferences are not allowed";
    else if (n.type === "look") problem = n.behind ? "lookbehind is not allowed" : "lookahead is not allowed";
    else if (n.type === "repeat" && (n.max === Number.POSITIVE_INFINITY || isLarge(n.max))) {
      if (n.child.type === "set" && n.child.wide) wildcards++;
      let inner = false;
      walk(n.child, (m) => {
        if (m.type === "repeat" && m.max > m.min) inner = true;
      });
      if (inner) problem = "nested quantifiers (like (a+)+ or (.*)*) are not allowed";
      else if (overlappingAlternation(n.child))
        problem =
          "a repeated alternation whose branches can match the same text (like (x|x)*) is not allowed";
    }
  });
  if (problem) return problem;
  if (wildcards > 2) return `too many unbounded wildcards (${wildcards}, at most 2)`;
  if (shortestLiteral(requiredLiterals(src)) < 3)
    return "pattern needs a literal of at least 3 characters that every match contains (used to prefilter lines)";
  return null;
}
