/**
 * Raw tar building blocks for hostile archives. Unlike scripts/samples/archive.ts (which writes
 * only well-formed reports), these write whatever a hostile packer could: `..` and absolute paths,
 * symbolic and hard links, PAX records, truncated members, and a million headers per second.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gunzipSync } from "node:zlib";

export const BLOCK = 512;
/** GNU tar pads archives to 20 blocks. */
export const RECORD = 20 * BLOCK;

/** ustar type flags. */
export const TYPE = {
  file: "0",
  hardLink: "1",
  symlink: "2",
  directory: "5",
  paxHeader: "x",
} as const;
export type TypeFlag = (typeof TYPE)[keyof typeof TYPE];

export interface RawMember {
  /**
   * Written as is (up to 100 bytes), no normalisation: `../x` and `/etc/x` stay what they are. A
   * Buffer is written byte for byte (names that are not UTF-8).
   */
  path: string | Buffer;
  type?: TypeFlag;
  /** Declared size; defaults to the body's length. */
  size?: number;
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  mtime?: Date;
}

const FIXED_MTIME = new Date("2025-01-01T00:00:00Z");

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  // width-1 octal digits and a NUL, as GNU tar writes them.
  block.write(`${value.toString(8).padStart(width - 1, "0")}\0`, offset, width, "latin1");
}

function setChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

/** One 512-byte ustar header. Paths longer than 100 bytes need a PAX record (see paxRecord). */
export function ustarHeader(member: RawMember): Buffer {
  const type = member.type ?? TYPE.file;
  const name = Buffer.isBuffer(member.path) ? member.path : Buffer.from(member.path, "utf8");
  if (name.length > 100) throw new Error(`path longer than 100 bytes needs a PAX record: ${member.path}`);
  const size = member.size ?? (member.body === undefined ? 0 : Buffer.byteLength(member.body));
  const block = Buffer.alloc(BLOCK);
  name.copy(block, 0);
  writeOctal(block, 100, 8, member.mode ?? (type === TYPE.directory ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor((member.mtime ?? FIXED_MTIME).getTime() / 1000));
  block.write(type, 156, 1, "latin1");
  if (member.linkpath) block.write(member.linkpath, 157, 100, "utf8");
  block.write("ustar\0", 257, 6, "latin1");
  block.write("00", 263, 2, "latin1");
  block.write("root", 265, 32, "latin1");
  block.write("root", 297, 32, "latin1");
  setChecksum(block);
  return block;
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** A complete member: header, body, padding. The body may be shorter than the declared size (a truncated member). */
export function member(m: RawMember): Buffer {
  const body = m.body === undefined ? Buffer.alloc(0) : Buffer.from(m.body);
  const size = m.size ?? body.length;
  return Buffer.concat([ustarHeader({ ...m, size }), body, padding(body.length)]);
}

/** A PAX extended header ("x") member carrying `records` (path, linkpath …) for the next member. */
export function paxRecord(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const tail = ` ${key}=${value}\n`;
    // The length prefix counts itself; settle it by iteration.
    let length = Buffer.byteLength(tail);
    while (Buffer.byteLength(`${length}${tail}`) !== length) length = Buffer.byteLength(`${length}${tail}`);
    return `${length}${tail}`;
  });
  return member({ path: "PaxHeader/entry", type: TYPE.paxHeader, body: lines.join("") });
}

/** Two zero blocks (end of archive) plus padding of the whole archive to a record. */
export function endOfArchive(bytesSoFar: number): Buffer {
  const total = bytesSoFar + 2 * BLOCK;
  const rest = total % RECORD;
  return Buffer.alloc(2 * BLOCK + (rest === 0 ? 0 : RECORD - rest));
}

/** A whole tar of members. */
export function rawTar(members: RawMember[]): Buffer {
  const body = Buffer.concat(members.map(member));
  return Buffer.concat([body, endOfArchive(body.length)]);
}

/**
 * The members of a well-formed tar without its end-of-archive marker and record padding, so that
 * more members can follow (a generated report, then the hostile entries).
 */
export function tarWithoutEnd(tar: Buffer): Buffer {
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(header.toString("latin1", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return tar.subarray(0, Math.min(offset, tar.length));
}

/** Byte offset where the member named `path` starts (its header), or -1. */
export function memberOffset(tar: Buffer, path: string): number {
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return -1;
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    if (name === path) return offset;
    const size = Number.parseInt(header.toString("latin1", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return -1;
}

export function gunzipTar(tarGz: Buffer): Buffer {
  return gunzipSync(tarGz);
}

/**
 * Headers for `count` empty files, generated fast from one template (only the digits of the name
 * and the checksum change), in batches of `perBatch` headers.
 */
export function* emptyFileHeaders(
  count: number,
  pathFor: (digits: string) => string,
  digits = 7,
  perBatch = 2048,
): Generator<Buffer> {
  const marker = "#".repeat(digits);
  const templatePath = pathFor(marker);
  const template = ustarHeader({ path: templatePath, size: 0 });
  const digitsAt = Buffer.from(templatePath, "utf8").indexOf(marker);
  // Checksum of the template without the placeholder digits (and with the checksum field as spaces).
  template.fill(0x20, 148, 156);
  let base = 0;
  for (let i = 0; i < BLOCK; i++) base += template[i];
  base -= 0x23 * digits;
  for (let start = 0; start < count; start += perBatch) {
    const n = Math.min(perBatch, count - start);
    const batch = Buffer.allocUnsafe(n * BLOCK);
    for (let k = 0; k < n; k++) {
      const at = k * BLOCK;
      template.copy(batch, at);
      const text = String(start + k).padStart(digits, "0");
      let sum = base;
      for (let d = 0; d < digits; d++) {
        const code = text.charCodeAt(d);
        batch[at + digitsAt + d] = code;
        sum += code;
      }
      batch.write(`${sum.toString(8).padStart(6, "0")}\0 `, at + 148, 8, "latin1");
    }
    yield batch;
  }
}

/** A gzip stream over generated tar bytes; destroying it stops the generator (nothing is produced ahead). */
export function gzipStream(chunks: Iterable<Buffer> | AsyncIterable<Buffer>, level = 6): Readable {
  const gzip = createGzip({ level });
  pipeline(Readable.from(chunks, { objectMode: false }), gzip).catch(() => {
    // A consumer that stops early destroys the gzip stream; that ends the pipeline, nothing more.
  });
  return gzip;
}

/** Collects a stream into one Buffer (for the small cases). */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
