/**
 * The one-pass signature scanner. For one report file it returns a FileSink that walks the bytes once
 * with a literal prefilter (see prefilter.ts); only lines holding a rule's literal are decoded (UTF-8)
 * and tested with that rule's regex. Bash xtrace lines (`…]: + …`) are skipped, noise rules suppress
 * the other rules on their line, and per rule it keeps counts, the first samples, first/last
 * timestamps, per-minute buckets and capture group 1.
 *
 * Lines are considered up to MAX_LINE_BYTES: a longer line is tested on its head only, and the rest
 * of it is skipped with a plain newline search, so one huge line costs linear time and bounded memory.
 */
import { isAscii } from "node:buffer";
import type { FileSink } from "../report/types.js";
import { rulesForFile } from "./paths.js";
import { buildPrefilter, type Prefilter } from "./prefilter.js";
import { requiredLiterals, unboundedWildcards } from "./regex-analysis.js";
import {
  displayTimestamp,
  type PlacedTimestamp,
  parseTimestamp,
  type RawTimestamp,
  rebaseMinute,
  YearTracker,
} from "./timestamps.js";
import type { Catalogue, SignatureHit, SignatureRule } from "./types.js";

export interface ScannerOptions {
  /**
   * Year for timestamps without one (journal, klog), taken as the year of the file's last lines — the
   * year the report was taken. A year written in the lines themselves (logrus `time="2024-…"`) wins.
   */
  yearHint?: number | null;
  /** Samples kept per rule and file (default 5). */
  maxSamples?: number;
}

export type Scanner = FileSink & {
  /** Hits per rule with at least one matching line, in catalogue order. Ends the scan if end() was not called. */
  result(): SignatureHit[];
};

/** Only this much of a line is examined. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Sample texts are cut to this many characters. */
export const MAX_SAMPLE_CHARS = 2000;
/**
 * Regexes with unbounded wildcards (user rules; the built-in ones bound theirs) are tested on this many
 * characters of a line only, which keeps their worst case small on hostile input.
 */
export const WILDCARD_SUBJECT_CHARS = 4096;
/** Distinct non-numeric captures kept per rule and file. */
export const MAX_CAPTURES = 20;
const MAX_CAPTURE_CHARS = 200;
/** How far into a line the `]: ` of a journal prefix is looked for (xtrace detection). */
const XTRACE_PREFIX_WINDOW = 400;
const NEWLINE = 10;
const EMPTY = Buffer.alloc(0);

interface CompiledSet {
  rules: SignatureRule[];
  regexes: RegExp[];
  /** Characters of a line each regex is tested on (shorter for regexes with unbounded wildcards). */
  subjectLimit: number[];
  noise: boolean[];
  prefilter: Prefilter;
}

const compiledSets = new WeakMap<Catalogue, Map<string, CompiledSet>>();
const literalCache = new WeakMap<SignatureRule, string[]>();

function ruleLiterals(rule: SignatureRule): string[] {
  let lits = literalCache.get(rule);
  if (!lits) {
    lits = requiredLiterals(rule.regex as string) ?? [];
    if (lits.length === 0) throw new Error(`rule "${rule.id}": no literal to prefilter on`);
    literalCache.set(rule, lits);
  }
  return lits;
}

function compiledSet(catalogue: Catalogue, rules: SignatureRule[]): CompiledSet {
  let byKey = compiledSets.get(catalogue);
  if (!byKey) {
    byKey = new Map();
    compiledSets.set(catalogue, byKey);
  }
  const key = rules.map((r) => r.id).join("\0");
  let set = byKey.get(key);
  if (!set) {
    set = {
      rules,
      regexes: rules.map((r) => new RegExp(r.regex as string, r.caseSensitive ? "" : "i")),
      subjectLimit: rules.map((r) =>
        !(r.regex as string).startsWith("^") && unboundedWildcards(r.regex as string) > 0
          ? WILDCARD_SUBJECT_CHARS
          : Number.POSITIVE_INFINITY,
      ),
      noise: rules.map((r) => r.severity === "noise"),
      prefilter: buildPrefilter(rules.map(ruleLiterals)),
    };
    byKey.set(key, set);
  }
  return set;
}

/** True for bash `set -x` trace lines of the wrapper scripts: the payload after `]: ` starts with `+ `, `++ ` … */
export function isXtraceLine(text: string): boolean {
  const k = text.indexOf("]: ");
  if (k < 0 || k > XTRACE_PREFIX_WINDOW) return false;
  let j = k + 3;
  if (text.charCodeAt(j) !== 43) return false;
  while (text.charCodeAt(j) === 43) j++;
  return text.charCodeAt(j) === 32;
}

class RuleTally {
  count = 0;
  samples: { line: number; text: string }[] = [];
  first: PlacedTimestamp | null = null;
  last: PlacedTimestamp | null = null;
  /** Minute buckets of timestamps that carry their own year. */
  perMinuteAbsolute = new Map<number, number>();
  /** Minute buckets of yearless timestamps, in the placeholder year until the real one is known. */
  perMinuteProvisional = new Map<number, number>();
  maxCapture: number | null = null;
  /** Distinct non-numeric captures (insertion order) with their line counts. */
  captures = new Map<string, number>();
}

function addTo(map: Map<number, number>, key: number, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function isSortedPairs(pairs: number[]): boolean {
  for (let k = 2; k < pairs.length; k += 2) if (pairs[k] < pairs[k - 2]) return false;
  return true;
}

function sortPairs(pairs: number[]): void {
  const idx: number[] = [];
  for (let k = 0; k < pairs.length; k += 2) idx.push(k);
  idx.sort((x, y) => pairs[x] - pairs[y]);
  const copy = idx.flatMap((k) => [pairs[k], pairs[k + 1]]);
  for (let k = 0; k < copy.length; k++) pairs[k] = copy[k];
}

/** A copy of a substring that does not keep its (possibly 64 KiB) parent line alive. */
function detach(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

function firstCapture(m: RegExpExecArray): string | undefined {
  for (let g = 1; g < m.length; g++) if (m[g] !== undefined) return m[g];
  return undefined;
}

/** Lines counted over at least minMinutes, in enough distinct minutes that a single burst does not count. */
export function isSustained(
  threshold: { minLines: number; minMinutes: number },
  perMinute: ReadonlyMap<number, number>,
): boolean {
  if (perMinute.size === 0) return false;
  let lines = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [minute, n] of perMinute) {
    lines += n;
    if (minute < first) first = minute;
    if (minute > last) last = minute;
  }
  if (lines < threshold.minLines || last - first < threshold.minMinutes) return false;
  const m = threshold.minMinutes;
  const activeNeeded = m <= 0 ? 1 : Math.min(Math.ceil(m) + 1, Math.max(3, Math.ceil(m / 2)));
  return perMinute.size >= activeNeeded;
}

/**
 * A scanner for the file at `path` (report-relative, or "@console" for pasted `microk8s inspect`
 * output), or null when no regex rule of the catalogue applies to that path.
 */
export function createScanner(catalogue: Catalogue, path: string, opts: ScannerOptions = {}): Scanner | null {
  const rules = rulesForFile(catalogue, path);
  if (rules.length === 0) return null;
  const set = compiledSet(catalogue, rules);
  const maxSamples = Math.max(0, opts.maxSamples ?? 5);
  const tracker = new YearTracker(opts.yearHint ?? null);
  const tallies: (RuleTally | null)[] = rules.map(() => null);

  const pf = set.prefilter;
  const marked = new Uint8Array(rules.length);
  /** Rules marked on the current line: markedList[0, markedCount), a fixed array (no `length = 0` resets). */
  const markedList = new Int32Array(rules.length);
  let markedCount = 0;

  let lineNo = 1;
  /** Absolute byte offsets: start of the current line, start of the current chunk. */
  let lineStart = 0;
  let chunkStart = 0;
  /** Head bytes of the current line held over from earlier chunks (allocated on first need). */
  let carry: Buffer | null = null;
  let carryLen = 0;
  /** Bytes just before the current chunk, since the last newline, for literals split across chunks. */
  const tail = Buffer.alloc(pf.maxLength);
  let tailLen = 0;
  /** Literal hits of the current chunk: (start relative to the chunk, literal index) pairs. */
  const found: number[] = [];
  let ended = false;
  let hits: SignatureHit[] | null = null;
  /** The last parsed journal timestamp and its 15-character prefix ("Oct 29 17:40:02"), reused for bursts. */
  let lastStampKey: string | null = null;
  let lastStamp: RawTimestamp | null = null;

  /** Whether the current chunk is all ASCII (checked once, at its first tested line): null = not yet known. */
  let chunkAscii: boolean | null = null;

  /** Tests the marked rules on bytes[start, end) (one line without its newline). */
  const testLine = (bytes: Buffer, start: number, end: number, number: number, ascii = false) => {
    // ASCII decodes the same as latin1, which is a plain copy.
    let text = bytes.toString(ascii ? "latin1" : "utf8", start, end);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (isXtraceLine(text)) return;
    // Catalogue order (insertion sort: a line marks a handful of rules at most).
    for (let a = 1; a < markedCount; a++) {
      const v = markedList[a];
      let b = a - 1;
      for (; b >= 0 && markedList[b] > v; b--) markedList[b + 1] = markedList[b];
      markedList[b + 1] = v;
    }
    let matched: { pos: number; m: RegExpExecArray }[] | null = null;
    let noiseSeen = false;
    for (let k = 0; k < markedCount; k++) {
      const pos = markedList[k];
      const limit = set.subjectLimit[pos];
      const m = set.regexes[pos].exec(text.length > limit ? text.slice(0, limit) : text);
      if (!m) continue;
      matched ??= [];
      matched.push({ pos, m });
      if (set.noise[pos]) noiseSeen = true;
    }
    if (!matched) return;
    if (noiseSeen) matched = matched.filter((x) => set.noise[x.pos]);
    let raw: RawTimestamp | null;
    if (lastStampKey !== null && text.startsWith(lastStampKey)) {
      raw = lastStamp; // same journal second as the previous matching line
    } else {
      raw = parseTimestamp(text, tracker.wantsLineYear());
      lastStampKey = raw?.kind === "syslog" ? text.slice(0, 15) : null;
      lastStamp = raw;
    }
    const placed = raw ? tracker.place(raw) : null;
    const provisional = placed ? tracker.provisionalMs(placed) : null;
    for (const { pos, m } of matched) {
      let t = tallies[pos];
      if (!t) {
        t = new RuleTally();
        tallies[pos] = t;
      }
      t.count++;
      if (t.samples.length < maxSamples) {
        t.samples.push({
          line: number,
          text: text.length > MAX_SAMPLE_CHARS ? `${detach(text.slice(0, MAX_SAMPLE_CHARS))}…` : text,
        });
      }
      if (placed) {
        t.first ??= placed;
        t.last = placed;
        if (provisional !== null) {
          const minute = Math.floor(provisional / 60_000);
          addTo(placed.raw.year !== null ? t.perMinuteAbsolute : t.perMinuteProvisional, minute);
        }
      }
      const cap = firstCapture(m);
      if (cap !== undefined) {
        if (/^\d{1,15}$/.test(cap)) {
          const v = Number(cap);
          if (t.maxCapture === null || v > t.maxCapture) t.maxCapture = v;
        } else {
          const key = cap.length > MAX_CAPTURE_CHARS ? cap.slice(0, MAX_CAPTURE_CHARS) : cap;
          const seen = t.captures.get(key);
          if (seen !== undefined) t.captures.set(key, seen + 1);
          else if (t.captures.size < MAX_CAPTURES) t.captures.set(detach(key), 1);
        }
      }
    }
  };

  /** Ends the current line at chunk index `nl` (its newline), or at end of file when chunk is null. */
  const finishLine = (chunk: Buffer | null, nl: number) => {
    if (markedCount > 0) {
      const held = carry && carryLen > 0 ? carry.subarray(0, carryLen) : null;
      if (chunk) {
        const from = Math.max(0, lineStart - chunkStart);
        const to = Math.max(from, Math.min(nl, lineStart + MAX_LINE_BYTES - chunkStart));
        if (held) {
          const head = Buffer.concat([held, chunk.subarray(from, to)]);
          testLine(head, 0, head.length, lineNo);
        } else {
          chunkAscii ??= isAscii(chunk);
          testLine(chunk, from, to, lineNo, chunkAscii); // the usual case: decoded straight from the chunk
        }
      } else if (held) {
        testLine(held, 0, held.length, lineNo);
      } else {
        testLine(EMPTY, 0, 0, lineNo);
      }
      for (let k = 0; k < markedCount; k++) marked[markedList[k]] = 0;
      markedCount = 0;
    }
    lineNo++;
    lineStart = chunkStart + nl + 1;
    carryLen = 0;
  };

  const mark = (li: number) => {
    const owners = pf.literalRules[li];
    for (let k = 0; k < owners.length; k++) {
      const pos = owners[k];
      if (marked[pos] === 0) {
        marked[pos] = 1;
        markedList[markedCount++] = pos;
      }
    }
  };

  /** Keeps the last bytes since the latest newline (at most tail.length) for the next junction. */
  const keepTail = (chunk: Buffer, from: number) => {
    const n = chunk.length;
    const lastNl = chunk.lastIndexOf(NEWLINE);
    const start = Math.max(from, lastNl + 1);
    const own = n - start;
    if (lastNl >= 0) tailLen = 0; // a newline ended the line the old tail belonged to
    if (own >= tail.length) {
      chunk.copy(tail, 0, n - tail.length, n);
      tailLen = tail.length;
      return;
    }
    const keep = Math.min(tailLen, tail.length - own);
    if (keep > 0 && keep < tailLen) tail.copyWithin(0, tailLen - keep, tailLen);
    chunk.copy(tail, keep, start, n);
    tailLen = keep + own;
  };

  const write = (chunk: Buffer) => {
    if (ended) throw new Error("write after end");
    const n = chunk.length;
    if (n === 0) return;
    chunkAscii = null;
    let from = 0;
    // A line already longer than the cap: skip to its end without looking at it.
    if (lineStart + MAX_LINE_BYTES <= chunkStart) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        chunkStart += n;
        tailLen = 0;
        return;
      }
      finishLine(chunk, nl);
      from = nl + 1;
      tailLen = 0;
    }

    found.length = 0;
    // Literals split across the previous chunk and this one.
    if (tailLen > 0) {
      const firstNl = chunk.indexOf(NEWLINE);
      const headLen = Math.min(n, pf.maxLength - 1, firstNl < 0 ? n : firstNl);
      if (headLen > 0) {
        const junction = Buffer.concat([tail.subarray(0, tailLen), chunk.subarray(0, headLen)]);
        const pairs: number[] = [];
        pf.scan(junction, 0, junction.length, pairs);
        for (let k = 0; k < pairs.length; k += 2) {
          const start = pairs[k];
          if (start < tailLen && start + pf.literalLength[pairs[k + 1]] > tailLen)
            found.push(start - tailLen, pairs[k + 1]);
        }
      }
    }
    pf.scan(chunk, from, n, found);
    if (!isSortedPairs(found)) sortPairs(found);

    // Walk the lines up to each hit (counting newlines), marking the rules of hits within the cap.
    let cursor = from;
    let nl = chunk.indexOf(NEWLINE, cursor);
    for (let k = 0; k < found.length; k += 2) {
      const p = found[k];
      while (nl >= 0 && nl < p) {
        if (markedCount === 0) {
          lineNo++;
          lineStart = chunkStart + nl + 1;
          carryLen = 0;
        } else {
          finishLine(chunk, nl);
        }
        cursor = nl + 1;
        nl = chunk.indexOf(NEWLINE, cursor);
      }
      if (chunkStart + p - lineStart < MAX_LINE_BYTES) mark(found[k + 1]);
    }
    while (nl >= 0) {
      if (markedCount === 0) {
        lineNo++;
        lineStart = chunkStart + nl + 1;
        carryLen = 0;
      } else {
        finishLine(chunk, nl);
      }
      cursor = nl + 1;
      nl = chunk.indexOf(NEWLINE, cursor);
    }

    // Keep the unfinished line's head (copied: the chunk may be reused) and the junction tail.
    const lineFrom = Math.max(from, lineStart - chunkStart);
    const to = Math.min(n, lineFrom + MAX_LINE_BYTES - carryLen);
    if (to > lineFrom) {
      carry ??= Buffer.allocUnsafe(MAX_LINE_BYTES);
      carryLen += chunk.copy(carry, carryLen, lineFrom, to);
    }
    keepTail(chunk, from);
    chunkStart += n;
  };

  const end = () => {
    if (ended) return;
    ended = true;
    if (chunkStart > lineStart) finishLine(null, -1);
    carry = null;
  };

  const result = (): SignatureHit[] => {
    end();
    if (hits) return hits;
    const base = tracker.baseYear();
    hits = [];
    rules.forEach((rule, pos) => {
      const t = tallies[pos];
      if (!t) return;
      const perMinute = new Map(t.perMinuteAbsolute);
      let sustained = false;
      if (base !== null || t.perMinuteAbsolute.size === 0) {
        for (const [minute, n] of t.perMinuteProvisional)
          addTo(perMinute, base !== null ? rebaseMinute(minute, base) : minute, n);
        sustained = rule.sustained ? isSustained(rule.sustained, perMinute) : false;
      } else {
        // Year unknown and both kinds present: judge each kind on its own, keep the absolute buckets.
        sustained =
          !!rule.sustained &&
          (isSustained(rule.sustained, t.perMinuteAbsolute) ||
            isSustained(rule.sustained, t.perMinuteProvisional));
      }
      const show = (p: PlacedTimestamp | null) =>
        p ? displayTimestamp(p.raw, tracker.yearOf(p, base)) : null;
      const hit: SignatureHit = {
        ruleId: rule.id,
        file: path,
        count: t.count,
        samples: t.samples,
        firstSeen: show(t.first),
        lastSeen: show(t.last),
        perMinute,
        sustained,
        maxCapture: t.maxCapture,
        captures: [...t.captures.keys()],
      };
      if (t.captures.size > 0) hit.captureCounts = Object.fromEntries(t.captures);
      if (t.perMinuteProvisional.size > 0 && base === null) hit.yearKnown = false;
      hits?.push(hit);
    });
    return hits;
  };

  return { write, end, result };
}
