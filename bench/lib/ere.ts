/**
 * JavaScript regex sources (the catalogue's flavour) → POSIX extended regular expressions for
 * `grep -E`, for the benchmark's grep baseline. Exact where ERE can say the same thing for a
 * whole-line yes/no match; otherwise approximated (always towards matching more lines) with a
 * note, or refused when there is no sensible approximation.
 */

export interface EreConversion {
  /** The ERE, or null when the source uses syntax that has no ERE counterpart. */
  ere: string | null;
  /** What was approximated (empty: the ERE matches exactly the same lines). */
  approximations: string[];
  /** Why the source was refused (set when ere is null). */
  refused?: string;
}

/** Bounded repeats above this become unbounded: GNU grep unrolls `{m,n}` into n copies. */
export const MAX_BOUNDED_REPEAT = 255;

const CLASS_ESCAPES: Record<string, string> = {
  d: "[0-9]",
  D: "[^0-9]",
  s: "[[:space:]]",
  S: "[^[:space:]]",
  w: "[[:alnum:]_]",
  W: "[^[:alnum:]_]",
};
/** The same classes as members of a bracket expression (only the positive ones fit inside). */
const BRACKET_MEMBERS: Record<string, string> = { d: "0-9", s: "[:space:]", w: "[:alnum:]_" };
const CONTROL_ESCAPES: Record<string, string> = { t: "\t", n: "\n", r: "\r", f: "\f", v: "\v" };
/** Characters that are special in an ERE outside brackets. */
const ERE_SPECIAL = new Set([".", "[", "]", "(", ")", "{", "}", "*", "+", "?", "|", "^", "$", "\\"]);

class Refusal extends Error {}

/** Converts one JavaScript regex source to an ERE. */
export function jsToEre(source: string): EreConversion {
  const approximations: string[] = [];
  const note = (what: string) => {
    if (!approximations.includes(what)) approximations.push(what);
  };
  try {
    const ere = convert(source, note);
    return { ere, approximations };
  } catch (error) {
    if (error instanceof Refusal) return { ere: null, approximations, refused: error.message };
    throw error;
  }
}

function convert(src: string, note: (what: string) => void): string {
  let out = "";
  let i = 0;
  /** Depth of the lookaround groups being dropped (their text is skipped). */
  const stack: ("keep" | "drop")[] = [];
  const dropping = () => stack.includes("drop");
  const emit = (text: string) => {
    if (!dropping()) out += text;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") {
      const [text, next] = escapeOutside(src, i, note);
      emit(text);
      i = next;
      continue;
    }
    if (c === "[") {
      const [text, next] = bracket(src, i);
      emit(text);
      i = next;
      continue;
    }
    if (c === "(") {
      if (src.startsWith("(?:", i)) {
        stack.push("keep");
        emit("(");
        i += 3;
      } else if (src.startsWith("(?=", i) || src.startsWith("(?!", i)) {
        note("lookahead dropped");
        stack.push("drop");
        i += 3;
      } else if (src.startsWith("(?<=", i) || src.startsWith("(?<!", i)) {
        note("lookbehind dropped");
        stack.push("drop");
        i += 4;
      } else if (src.startsWith("(?<", i)) {
        const close = src.indexOf(">", i);
        if (close < 0) throw new Refusal("unterminated group name");
        stack.push("keep");
        emit("(");
        i = close + 1;
      } else if (src[i + 1] === "?") {
        throw new Refusal(`group syntax ${src.slice(i, i + 3)}`);
      } else {
        stack.push("keep");
        emit("(");
        i++;
      }
      continue;
    }
    if (c === ")") {
      const kind = stack.pop();
      if (kind === undefined) throw new Refusal("unbalanced )");
      if (kind === "keep") emit(")");
      i++;
      // A quantifier on a dropped lookaround quantifies nothing.
      if (kind === "drop") i = skipQuantifier(src, i);
      continue;
    }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) {
        emit("\\{");
        i++;
        continue;
      }
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? null : Number(m[3]);
      let text: string;
      if (max !== null && max > MAX_BOUNDED_REPEAT) {
        note(`bounded repeats above ${MAX_BOUNDED_REPEAT} made unbounded`);
        text = min === 0 ? "*" : min === 1 ? "+" : `{${Math.min(min, MAX_BOUNDED_REPEAT)},}`;
      } else {
        text = m[0];
      }
      emit(text);
      i += m[0].length;
      if (src[i] === "?") i++; // lazy: the same lines match
      continue;
    }
    if (c === "*" || c === "+" || c === "?") {
      emit(c);
      i++;
      if (src[i] === "?") i++; // lazy quantifier: same yes/no answer per line
      continue;
    }
    emit(c);
    i++;
  }
  if (stack.length > 0) throw new Refusal("unbalanced (");
  return out;
}

function skipQuantifier(src: string, i: number): number {
  const m = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(src.slice(i));
  return m ? i + m[0].length : i;
}

function escapeOutside(src: string, i: number, note: (what: string) => void): [string, number] {
  const e = src[i + 1];
  if (e === undefined) throw new Refusal("trailing backslash");
  if (CLASS_ESCAPES[e]) return [CLASS_ESCAPES[e], i + 2];
  if (e === "b" || e === "B") return [`\\${e}`, i + 2]; // GNU grep extension
  if (CONTROL_ESCAPES[e]) return [CONTROL_ESCAPES[e], i + 2];
  if (/[1-9]/.test(e)) throw new Refusal("backreference");
  if (e === "u" || e === "x" || e === "p" || e === "P" || e === "c" || e === "k") {
    throw new Refusal(`escape \\${e}`);
  }
  if (ERE_SPECIAL.has(e)) return [`\\${e}`, i + 2];
  void note;
  return [e, i + 2]; // \/ \- \" … are the plain character
}

/** A JS character class at src[i] === "[" → a POSIX bracket expression. */
function bracket(src: string, i: number): [string, number] {
  let j = i + 1;
  let negated = false;
  if (src[j] === "^") {
    negated = true;
    j++;
  }
  /** One character of the class at j (escapes resolved); null for a class escape (\s …), pushed to members. */
  const readChar = (): string | null => {
    const ch = src[j];
    if (ch !== "\\") {
      j++;
      return ch;
    }
    const e = src[j + 1];
    if (e === undefined) throw new Refusal("trailing backslash in class");
    j += 2;
    if (BRACKET_MEMBERS[e]) {
      members.push(BRACKET_MEMBERS[e]);
      return null;
    }
    if (CLASS_ESCAPES[e]) throw new Refusal(`\\${e} inside a character class`);
    if ("uxpPcbB".includes(e)) throw new Refusal(`escape \\${e} inside a character class`);
    return CONTROL_ESCAPES[e] ?? e;
  };
  const members: string[] = [];
  const literal = new Set<string>();
  while (j < src.length && src[j] !== "]") {
    const lo = readChar();
    if (lo === null) continue;
    if (src[j] === "-" && j + 1 < src.length && src[j + 1] !== "]") {
      j++;
      const hi = readChar();
      if (hi === null) throw new Refusal("range ending in a class escape");
      members.push(`${lo}-${hi}`);
      continue;
    }
    if (lo === "]" || lo === "-" || lo === "^" || lo === "[") literal.add(lo);
    else members.push(lo);
  }
  if (src[j] !== "]") throw new Refusal("unterminated character class");
  if (members.length === 0 && literal.size === 0) throw new Refusal("empty character class");
  // POSIX: "]" is literal only first, "-" only last, "^" anywhere but first; "[" is put where it
  // cannot start a "[:class:]".
  const body =
    (literal.has("]") ? "]" : "") +
    members.join("") +
    (literal.has("[") ? "[" : "") +
    (literal.has("^") ? "^" : "") +
    (literal.has("-") ? "-" : "");
  return [`[${negated ? "^" : ""}${body}]`, j + 1];
}

export interface CatalogueEre {
  /** One ERE: every converted rule, each as a group, joined with "|". */
  pattern: string;
  /** Rule ids whose pattern is exact / approximated / left out. */
  exact: string[];
  approximated: { id: string; why: string[] }[];
  skipped: { id: string; why: string }[];
}

/** The grep baseline's pattern: every regex rule of the catalogue, converted. */
export function catalogueEre(
  rules: readonly { id: string; regex?: string; caseSensitive?: boolean }[],
): CatalogueEre {
  const parts: string[] = [];
  const exact: string[] = [];
  const approximated: { id: string; why: string[] }[] = [];
  const skipped: { id: string; why: string }[] = [];
  for (const rule of rules) {
    if (typeof rule.regex !== "string") continue;
    const converted = jsToEre(rule.regex);
    if (converted.ere === null) {
      skipped.push({ id: rule.id, why: converted.refused ?? "not convertible" });
      continue;
    }
    const why = [...converted.approximations];
    if (rule.caseSensitive) why.push("case-sensitive rule matched case-insensitively (grep -i)");
    if (why.length > 0) approximated.push({ id: rule.id, why });
    else exact.push(rule.id);
    parts.push(`(${converted.ere})`);
  }
  return { pattern: parts.join("|"), exact, approximated, skipped };
}
