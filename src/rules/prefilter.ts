/**
 * Multi-literal byte search used as the scanner's prefilter (Wu-Manber style). Every rule has literal
 * strings one of which each of its matches must contain; this finds where those literals occur
 * (ASCII case folded) without looking at every byte: a shift table over hashed byte triples lets the
 * search jump ahead up to m−2 bytes (m = shortest literal, at most 16), and only where the shift is 0
 * are candidate literals compared. This is several times faster in JavaScript than a byte-at-a-time
 * automaton, whose per-byte table lookups depend on each other.
 */

/** Lower-case ASCII for every byte value (other bytes unchanged). */
const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 0x41 && i <= 0x5a ? i + 32 : i;

const WINDOW_MAX = 16;
const TABLE = 1 << 16;

const hash3 = (a: number, b: number, c: number) => ((a << 10) ^ (b << 5) ^ c) & 0xffff;
/** Below this many bytes a scan is not split in two (the junction of two chunks, short files). */
const SPLIT_MIN_BYTES = 4096;

const caseVariants = (c: number): number[] => (c >= 0x61 && c <= 0x7a ? [c, c - 32] : [c]);

export interface Prefilter {
  /** Length of the longest literal (a literal straddling two chunks fits in twice this). */
  readonly maxLength: number;
  /** Rule positions signalled by each literal. */
  readonly literalRules: readonly Int32Array[];
  /** Length of each literal. */
  readonly literalLength: Int32Array;
  /**
   * Appends (start, literal index) pairs to `out` for every literal occurrence lying wholly inside
   * buf[from, to). Pairs are in order of their end position.
   */
  scan(buf: Uint8Array, from: number, to: number, out: number[]): void;
}

/** `literalsByRule[i]`: lower-case printable-ASCII literals (length ≥ 3) for rule position i. */
export function buildPrefilter(literalsByRule: readonly (readonly string[])[]): Prefilter {
  const index = new Map<string, number>();
  const owners: number[][] = [];
  literalsByRule.forEach((lits, rule) => {
    for (const lit of lits) {
      if (!/^[\x20-\x7e]{3,}$/.test(lit) || lit !== lit.toLowerCase()) {
        throw new Error(`prefilter literal must be lower-case printable ASCII of 3+ characters: "${lit}"`);
      }
      let li = index.get(lit);
      if (li === undefined) {
        li = owners.length;
        index.set(lit, li);
        owners.push([]);
      }
      if (!owners[li].includes(rule)) owners[li].push(rule);
    }
  });
  const literals = [...index.keys()];
  if (literals.length === 0) throw new Error("prefilter needs at least one literal");
  const bytes = literals.map((l) => Uint8Array.from(l, (ch) => ch.charCodeAt(0)));
  const literalLength = Int32Array.from(bytes, (b) => b.length);
  const m = Math.min(WINDOW_MAX, ...literalLength);
  const maxLength = Math.max(...literalLength);

  // Each literal is keyed by its last m bytes; a triple ending q bytes before the window's end lets
  // the search shift by q. Shift 0 (the window's final triple) means: compare the candidates.
  const shift = new Uint8Array(TABLE).fill(m - 2);
  const buckets = new Map<number, number[]>();
  bytes.forEach((lit, li) => {
    const w = lit.subarray(lit.length - m);
    for (let q = 3; q <= m; q++) {
      const sh = m - q;
      for (const a of caseVariants(w[q - 3]))
        for (const b of caseVariants(w[q - 2]))
          for (const c of caseVariants(w[q - 1])) {
            const k = hash3(a, b, c);
            if (shift[k] > sh) shift[k] = sh;
            if (sh === 0) {
              const list = buckets.get(k) ?? [];
              if (!list.includes(li)) list.push(li);
              buckets.set(k, list);
            }
          }
    }
  });
  const candidates: (Int32Array | null)[] = new Array(TABLE).fill(null);
  for (const [k, list] of buckets) candidates[k] = Int32Array.from(list);

  /** Compares the candidate literals of hash `k` ending at buf[j]; appends the ones found. */
  const check = (buf: Uint8Array, j: number, k: number, from: number, out: number[]): void => {
    const cands = candidates[k] as Int32Array;
    for (let c = 0; c < cands.length; c++) {
      const li = cands[c];
      const lit = bytes[li];
      const len = lit.length;
      const p = j + 1 - len;
      if (p < from) continue;
      let q = 0;
      while (q < len && FOLD[buf[p + q]] === lit[q]) q++;
      if (q === len) out.push(p, li);
    }
  };

  /** Windows ending at j in [j, end): the plain Wu-Manber loop. */
  const scanRange = (buf: Uint8Array, from: number, j: number, end: number, out: number[]): void => {
    while (j < end) {
      const k = ((buf[j - 2] << 10) ^ (buf[j - 1] << 5) ^ buf[j]) & 0xffff;
      const sh = shift[k];
      if (sh !== 0) j += sh;
      else {
        check(buf, j, k, from, out);
        j++;
      }
    }
  };

  const upper: number[] = [];
  const scan = (buf: Uint8Array, from: number, to: number, out: number[]): void => {
    const first = from + m - 1;
    if (to - first < SPLIT_MIN_BYTES) {
      scanRange(buf, from, first, to, out);
      return;
    }
    // Each step's table lookup depends on the previous one, so one window is bound by memory
    // latency; two windows walking the two halves in the same loop run about 1.5× as fast. The
    // upper half's hits are appended after the lower half's, which keeps them ordered by end.
    const mid = first + ((to - first) >> 1);
    let a = first;
    let b = mid;
    upper.length = 0;
    while (a < mid && b < to) {
      const ka = ((buf[a - 2] << 10) ^ (buf[a - 1] << 5) ^ buf[a]) & 0xffff;
      const kb = ((buf[b - 2] << 10) ^ (buf[b - 1] << 5) ^ buf[b]) & 0xffff;
      const sa = shift[ka];
      const sb = shift[kb];
      if (sa !== 0) a += sa;
      else {
        check(buf, a, ka, from, out);
        a++;
      }
      if (sb !== 0) b += sb;
      else {
        check(buf, b, kb, from, upper);
        b++;
      }
    }
    scanRange(buf, from, a, mid, out);
    scanRange(buf, from, b, to, upper);
    for (let i = 0; i < upper.length; i++) out.push(upper[i]);
  };

  return {
    maxLength,
    literalRules: owners.map((o) => Int32Array.from(o)),
    literalLength,
    scan,
  };
}
