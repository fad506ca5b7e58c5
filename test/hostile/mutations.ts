/**
 * Byte-level mutations of realistic report files for the fuzz suite, as fast-check arbitraries:
 * byte flips, truncation, deleted ranges, duplicated and swapped lines, and insertions of huge
 * lines, NULs, invalid UTF-8, random bytes, CRs, BOMs and YAML/JSON nesting. Positions are
 * fractions of the current length, so one mutation list applies to any input.
 */
import fc from "fast-check";

export type Mutation =
  | { kind: "flip"; at: number; mask: number }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicateLine"; at: number; times: number }
  | { kind: "swapLines"; a: number; b: number }
  | { kind: "insert"; at: number; what: Insertion };

export type Insertion =
  | { kind: "hugeLine"; bytes: number }
  | { kind: "nuls"; count: number }
  | { kind: "invalidUtf8" }
  | { kind: "random"; bytes: number[] }
  | { kind: "crs" }
  | { kind: "bom" }
  | { kind: "nesting"; depth: number; open: "[" | "{" | "- " }
  | { kind: "text"; text: string };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Insertions; `maxHugeLine` bounds the single long line (tests that compare chunkings keep it under the line cap). */
export function insertion(maxHugeLine = 300 * 1024): fc.Arbitrary<Insertion> {
  return fc.oneof(
    fc.record({ kind: fc.constant("hugeLine" as const), bytes: fc.integer({ min: 1024, max: maxHugeLine }) }),
    fc.record({ kind: fc.constant("nuls" as const), count: fc.integer({ min: 1, max: 4096 }) }),
    fc.constant({ kind: "invalidUtf8" as const }),
    fc.record({
      kind: fc.constant("random" as const),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 512 }),
    }),
    fc.constant({ kind: "crs" as const }),
    fc.constant({ kind: "bom" as const }),
    fc.record({
      kind: fc.constant("nesting" as const),
      depth: fc.integer({ min: 1, max: 5000 }),
      open: fc.constantFrom("[" as const, "{" as const, "- " as const),
    }),
    fc.record({
      kind: fc.constant("text" as const),
      text: fc.constantFrom(
        "\n",
        "  - ID: 1\n    Address: 10.0.0.1:19001\n",
        "&a [*a, *a]\n",
        '{"kind": "NodeList", "items": [',
        "Error: context deadline exceeded\n",
        "-----BEGIN PRIVATE KEY-----\n",
        "Mem:\n",
        "total 12G\n",
        "\u001b[31m",
        "💥\u200b\u202e",
      ),
    }),
  );
}

export function mutation(maxHugeLine?: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fraction, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fraction }),
    fc.record({
      kind: fc.constant("delete" as const),
      at: fraction,
      length: fc.integer({ min: 1, max: 4096 }),
    }),
    fc.record({
      kind: fc.constant("duplicateLine" as const),
      at: fraction,
      times: fc.integer({ min: 1, max: 200 }),
    }),
    fc.record({ kind: fc.constant("swapLines" as const), a: fraction, b: fraction }),
    fc.record({ kind: fc.constant("insert" as const), at: fraction, what: insertion(maxHugeLine) }),
  );
}

export function mutations(maxHugeLine?: number): fc.Arbitrary<Mutation[]> {
  return fc.array(mutation(maxHugeLine), { minLength: 1, maxLength: 6 });
}

const INVALID_UTF8 = Buffer.from([0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0xc3]);

function inserted(what: Insertion): Buffer {
  switch (what.kind) {
    case "hugeLine":
      return Buffer.concat([Buffer.alloc(what.bytes, "x"), Buffer.from("\n")]);
    case "nuls":
      return Buffer.alloc(what.count);
    case "invalidUtf8":
      return INVALID_UTF8;
    case "random":
      return Buffer.from(what.bytes);
    case "crs":
      return Buffer.from("\r\r\n\r");
    case "bom":
      return Buffer.from([0xef, 0xbb, 0xbf]);
    case "nesting":
      return Buffer.from(what.open.repeat(what.depth));
    case "text":
      return Buffer.from(what.text, "utf8");
  }
}

/** Start offsets of the lines of `data`. */
function lineStarts(data: Buffer): number[] {
  const starts = [0];
  for (let at = data.indexOf(0x0a); at >= 0 && at + 1 < data.length; at = data.indexOf(0x0a, at + 1)) {
    starts.push(at + 1);
  }
  return starts;
}

function lineAt(data: Buffer, fractionOfLines: number): [number, number] {
  const starts = lineStarts(data);
  const index = Math.min(starts.length - 1, Math.floor(fractionOfLines * starts.length));
  return [starts[index], index + 1 < starts.length ? starts[index + 1] : data.length];
}

export function applyMutation(data: Buffer, m: Mutation): Buffer {
  const pos = (fractionAt: number) => Math.floor(fractionAt * data.length);
  switch (m.kind) {
    case "flip": {
      if (data.length === 0) return data;
      const out = Buffer.from(data);
      out[pos(m.at)] ^= m.mask;
      return out;
    }
    case "truncate":
      return data.subarray(0, pos(m.at));
    case "delete": {
      const from = pos(m.at);
      return Buffer.concat([data.subarray(0, from), data.subarray(from + m.length)]);
    }
    case "duplicateLine": {
      const [from, to] = lineAt(data, m.at);
      const line = data.subarray(from, to);
      return Buffer.concat([
        data.subarray(0, to),
        ...Array.from({ length: m.times }, () => line),
        data.subarray(to),
      ]);
    }
    case "swapLines": {
      const [a, b] = [lineAt(data, m.a), lineAt(data, m.b)].sort((x, y) => x[0] - y[0]);
      if (a[0] === b[0] || a[1] > b[0]) return data;
      return Buffer.concat([
        data.subarray(0, a[0]),
        data.subarray(b[0], b[1]),
        data.subarray(a[1], b[0]),
        data.subarray(a[0], a[1]),
        data.subarray(b[1]),
      ]);
    }
    case "insert": {
      const at = pos(m.at);
      return Buffer.concat([data.subarray(0, at), inserted(m.what), data.subarray(at)]);
    }
  }
}

export function applyMutations(data: Buffer, list: Mutation[]): Buffer {
  return list.reduce(applyMutation, data);
}

/** Splits `data` at the given fractions (sorted, deduplicated): a random chunking of one stream. */
export function chunked(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    if (point > from) out.push(data.subarray(from, point));
    from = Math.max(from, point);
  }
  out.push(data.subarray(from));
  return out;
}
