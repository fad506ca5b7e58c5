/**
 * Hostile file contents for the corpus: broken and oversized dqlite/cluster.yaml files, and
 * journals that hide a huge line, binary garbage or invalid UTF-8 among real lines. Each generator
 * also returns the facts a correct analysis must reproduce (planted line numbers, member counts),
 * computed here from the bytes it writes, independently of the product code.
 */

import type { EntryContent } from "../samples/archive.js";
import { Rng } from "../samples/prng.js";
import { dqliteYaml } from "../samples/render.js";
import type { DqliteRecord } from "../samples/spec.js";

const NEWLINE = 0x0a;

// ── dqlite/cluster.yaml ─────────────────────────────────────────────────────────

/** Looks like cluster.yaml, but an unclosed quote and flow sequence and a tab indent make it invalid YAML. */
export function clusterYamlNotYaml(): string {
  return [
    "- ID: 3297041220608546238",
    '  Address: "10.0.0.11:19001',
    "  Role: [0",
    "\t- ID: {{{",
    "  Address: : :",
    "",
  ].join("\n");
}

/** Valid YAML, but a single map (info.yaml's shape) instead of the list of members. */
export function clusterYamlNotList(self: DqliteRecord): string {
  return `ID: ${self.id}\nAddress: ${self.address}\nRole: ${self.role}\n`;
}

/**
 * "Billion laughs": `levels` anchors, each a list of `width` aliases of the previous one, so the
 * last anchor expands to width^levels strings (9^9 ≈ 387 million) from a few hundred bytes.
 */
export function clusterYamlAliasBomb(levels = 9, width = 9): string {
  const lines = [`- &a0 [${Array.from({ length: width }, () => '"lol"').join(", ")}]`];
  for (let level = 1; level <= levels; level++) {
    lines.push(`- &a${level} [${Array.from({ length: width }, () => `*a${level - 1}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

export interface MemberCounts {
  voters: number;
  standBys: number;
  spares: number;
}

/**
 * A well-formed cluster.yaml with `total` members: the given real ones first, then generated
 * members on 10.64.0.0/10 with random uint64 ids and a mix of roles (mostly voters).
 */
export function clusterYamlMany(
  real: DqliteRecord[],
  total: number,
  seed = "many-members",
): {
  text: string;
  counts: MemberCounts;
} {
  const rng = new Rng(seed);
  const records: DqliteRecord[] = [...real];
  for (let i = records.length; i < total; i++) {
    const id = (BigInt(rng.int(1, 0x7fffffff)) << 32n) | BigInt(rng.int(0, 0xffffffff));
    const role = rng.weighted<0 | 1 | 2>([
      [0, 6],
      [1, 2],
      [2, 2],
    ]);
    records.push({
      id: id.toString(),
      address: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:19001`,
      role,
    });
  }
  const counts: MemberCounts = { voters: 0, standBys: 0, spares: 0 };
  for (const record of records) {
    if (record.role === 0) counts.voters++;
    else if (record.role === 1) counts.standBys++;
    else counts.spares++;
  }
  return { text: dqliteYaml(records, "id-first"), counts };
}

// ── journals ────────────────────────────────────────────────────────────────────

/** Where planted lines ended up: 1-based line numbers in the file, as `wc -l` would count them. */
export interface PlantedJournal {
  content: EntryContent;
  /** Bytes of the whole file. */
  size: number;
  /** Line numbers of the planted signature lines. */
  plantedLines: number[];
}

type Piece = Buffer | { repeat: Buffer; bytes: number };

function pieceSize(piece: Piece): number {
  return Buffer.isBuffer(piece) ? piece.length : piece.bytes;
}

function newlinesIn(piece: Piece): number {
  const count = (buffer: Buffer): number => {
    let n = 0;
    for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) n++;
    return n;
  };
  if (Buffer.isBuffer(piece)) return count(piece);
  if (piece.repeat.includes(NEWLINE)) throw new Error("repeated pieces must not hold newlines");
  return 0;
}

/** Chunks of a piece list, big repeated pieces generated on the fly in ≤1 MiB slices. */
function* pieceChunks(pieces: Piece[]): Generator<Buffer> {
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) {
      yield piece;
      continue;
    }
    // A whole number of repeats per slice, so the pattern runs on seamlessly from slice to slice.
    const unit = piece.repeat.length;
    const slice = Buffer.alloc(Math.max(1, Math.floor((1 << 20) / unit)) * unit);
    for (let at = 0; at < slice.length; at += unit) piece.repeat.copy(slice, at);
    for (let left = piece.bytes; left > 0; ) {
      const n = Math.min(left, slice.length);
      yield slice.subarray(0, n);
      left -= n;
    }
  }
}

/**
 * A journal made of real lines, hostile pieces and planted signature lines. `parts` are joined
 * in order; a `planted` part is one line whose number is recorded.
 */
export function assembleJournal(
  parts: ({ lines: string[] } | { raw: Piece } | { planted: Buffer | string })[],
): PlantedJournal {
  const pieces: Piece[] = [];
  const plantedLines: number[] = [];
  let newlines = 0;
  const push = (piece: Piece) => {
    pieces.push(piece);
    newlines += newlinesIn(piece);
  };
  for (const part of parts) {
    if ("lines" in part) {
      if (part.lines.length > 0) push(Buffer.from(`${part.lines.join("\n")}\n`, "utf8"));
    } else if ("raw" in part) {
      push(part.raw);
    } else {
      const line = Buffer.isBuffer(part.planted) ? part.planted : Buffer.from(part.planted, "utf8");
      if (line.includes(NEWLINE)) throw new Error("a planted line must be one line");
      plantedLines.push(newlines + 1);
      push(Buffer.concat([line, Buffer.from("\n")]));
    }
  }
  const size = pieces.reduce((sum, piece) => sum + pieceSize(piece), 0);
  return { content: { kind: "sized", size, chunks: () => pieceChunks(pieces) }, size, plantedLines };
}

/**
 * About 1 KiB of journal-like text without newlines: repeated, deflate compresses it ~100:1 (a
 * match per 258 bytes), so a 200 MB line is ~2 MB of gzip, well inside the 1000× bomb guard.
 */
export function lineFiller(seed = "filler"): Buffer {
  const rng = new Rng(seed);
  const words = ["level=info", "msg=", "range", "/registry/pods/", "revision", "ok", "txn", "lease", "kube"];
  let text = "";
  while (text.length < 1024) text += `${rng.pick(words)}${rng.hex(rng.int(2, 12))} `;
  return Buffer.from(text.slice(0, 1024), "latin1");
}

/** `bytes` of pseudo-random binary garbage: NULs, control bytes, stray high bytes and some newlines. */
export function binaryGarbage(bytes: number, seed = "garbage"): Buffer {
  const rng = new Rng(seed);
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = rng.chance(0.15) ? 0 : rng.int(0, 255);
  return out;
}

/** Byte sequences that are not UTF-8: a lone continuation byte, an overlong form, an encoded surrogate, 0xFF. */
export const INVALID_UTF8 = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
];

/** One line with invalid UTF-8 sequences spliced in between its (valid) text pieces. */
export function withInvalidUtf8(pieces: string[]): Buffer {
  const parts: Buffer[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push(INVALID_UTF8[(i - 1) % INVALID_UTF8.length]);
    parts.push(Buffer.from(piece, "utf8"));
  });
  return Buffer.concat(parts);
}
