/**
 * In-memory archive builders for the report reader tests: tar@7's packer for well-formed
 * archives, hand-written ustar headers for the malformed and hostile ones it refuses to make,
 * and a compression bomb assembled from repeated deflate blocks (megabytes of output per
 * kilobyte, built instantly).
 */
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { constants, deflateRawSync, gzipSync } from "node:zlib";
import { Header, Pack, ReadEntry } from "tar";
import { readReport } from "../../src/report/read.js";
import type { ReadOutcome, ReportInput, ReportLimits } from "../../src/report/types.js";

export const MiB = 1024 * 1024;

export interface PackedFile {
  path: string;
  /** File content; a folder entry when null. */
  body: string | Buffer | null;
}

/** A tar made by tar@7's own packer (folders and files, PAX for long names), like GNU tar would. */
export async function packTar(files: PackedFile[]): Promise<Buffer> {
  // Entries added already ended never free their job slot in tar@7's Pack, so the default of 4
  // parallel jobs would stall on the fifth entry; allow them all.
  const pack = new Pack({ portable: true, jobs: Number.MAX_SAFE_INTEGER });
  for (const file of files) {
    const data = file.body === null ? Buffer.alloc(0) : Buffer.from(file.body);
    const header = new Header({
      path: file.path,
      size: data.length,
      type: file.body === null ? "Directory" : "File",
      mode: file.body === null ? 0o755 : 0o644,
      mtime: new Date(0),
    });
    const entry = new ReadEntry(header);
    if (data.length > 0) entry.write(data);
    entry.end();
    pack.add(entry);
  }
  pack.end();
  return pack.concat();
}

export async function packTarGz(files: PackedFile[]): Promise<Buffer> {
  return gzipSync(await packTar(files));
}

/** Files with their folders first, the way `tar -cf … inspection-report` lists them. */
export function withFolders(files: Record<string, string | Buffer>): PackedFile[] {
  const seen = new Set<string>();
  const out: PackedFile[] = [];
  for (const [path, body] of Object.entries(files)) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join("/")}/`;
      if (!seen.has(folder)) {
        seen.add(folder);
        out.push({ path: folder, body: null });
      }
    }
    out.push({ path, body });
  }
  return out;
}

export interface RawMember {
  path: string;
  /** ustar type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" folder, "6" FIFO. */
  type?: string;
  body?: string | Buffer;
  /** Declared size when it must differ from the body's length. */
  size?: number;
  linkpath?: string;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length, "ascii");
}

/** One hand-written 512-byte ustar header; writes any name and type, however hostile. */
export function ustarHeader(member: RawMember): Buffer {
  const block = Buffer.alloc(512);
  const size = member.size ?? (member.body ? Buffer.byteLength(member.body) : 0);
  block.write(member.path, 0, 100, "utf8");
  writeOctal(block, 100, 8, member.type === "5" ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0);
  block.write("        ", 148, 8, "ascii");
  block.write(member.type ?? "0", 156, 1, "ascii");
  if (member.linkpath) block.write(member.linkpath, 157, 100, "utf8");
  block.write("ustar\0", 257, 6, "ascii");
  block.write("00", 263, 2, "ascii");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return block;
}

function padded(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

/** A tar from hand-written headers; `endMarker: false` leaves off the two closing zero blocks. */
export function rawTar(members: RawMember[], { endMarker = true } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const member of members) {
    parts.push(ustarHeader(member));
    if (member.body !== undefined) parts.push(padded(Buffer.from(member.body)));
  }
  if (endMarker) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

function flushedDeflate(data: Buffer): Buffer {
  return deflateRawSync(data, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
}

/**
 * A gzip'd tar whose files are `fileMiB` MiB of zeros each, `files` times: ~1 KiB of archive per
 * MiB of output. Full-flushed deflate blocks are independent, so one compressed MiB of zeros is
 * simply repeated. The gzip trailer is left zero: a reader that gets that far has already failed.
 */
export function zeroBomb(files: number, fileMiB: number, pathPrefix = "inspection-report/k8s/dump-"): Buffer {
  const zeroMiB = flushedDeflate(Buffer.alloc(MiB));
  const parts: Buffer[] = [GZIP_HEADER];
  for (let i = 0; i < files; i++) {
    parts.push(flushedDeflate(ustarHeader({ path: `${pathPrefix}${i}`, size: fileMiB * MiB })));
    for (let j = 0; j < fileMiB; j++) parts.push(zeroMiB);
  }
  parts.push(flushedDeflate(Buffer.alloc(1024)));
  return Buffer.concat([...parts, ...GZIP_END]);
}

/** `mib` MiB of zeros, gzip'd, with no tar header at all. */
export function bareZeroBomb(mib: number): Buffer {
  const zeroMiB = flushedDeflate(Buffer.alloc(MiB));
  return Buffer.concat([GZIP_HEADER, ...Array.from({ length: mib }, () => zeroMiB), ...GZIP_END]);
}

/** Final empty deflate block and a (deliberately wrong) zero CRC and length. */
const GZIP_END = [deflateRawSync(Buffer.alloc(0)), Buffer.alloc(8)];

export interface ReadResult {
  outcome: ReadOutcome;
  /** prefix → path → bytes delivered to the sink. */
  contents: Map<string, Map<string, Buffer>>;
  /** Prefixes in the order visitorFor was called. */
  visitorCalls: string[];
  /** Protocol breaches seen by the sinks (write after end, end twice …); must stay empty. */
  breaches: string[];
}

/** Reads an input with a visitor that records everything it is given. */
export async function readAll(
  input: ReportInput,
  limits?: Partial<ReportLimits>,
  skip: (path: string) => boolean = () => false,
): Promise<ReadResult> {
  const contents = new Map<string, Map<string, Buffer>>();
  const visitorCalls: string[] = [];
  const breaches: string[] = [];
  const outcome = await readReport(
    input,
    (prefix) => {
      visitorCalls.push(prefix);
      const files = new Map<string, Buffer>();
      contents.set(prefix, files);
      return {
        onFile(entry) {
          if (files.has(entry.path)) breaches.push(`file delivered twice: ${entry.path}`);
          if (skip(entry.path)) return null;
          const chunks: Buffer[] = [];
          let ended = false;
          return {
            write(chunk) {
              if (ended) breaches.push(`write after end: ${entry.path}`);
              chunks.push(Buffer.from(chunk));
            },
            end() {
              if (ended) breaches.push(`end twice: ${entry.path}`);
              ended = true;
              files.set(entry.path, Buffer.concat(chunks));
            },
          };
        },
      };
    },
    limits,
  );
  return { outcome, contents, visitorCalls, breaches };
}

export function bufferInput(data: Buffer, name = "inspection-report-20250101_000000.tar.gz"): ReportInput {
  return { kind: "buffer", data, name };
}

/**
 * A stream that hands out `data` in chunks of `chunkBytes`, the first `byteByByte` bytes one at a
 * time (to exercise format sniffing across chunk boundaries).
 */
export function chunkedStream(data: Buffer, chunkBytes: number, byteByByte = 0): Readable {
  function* chunks() {
    let offset = 0;
    for (; offset < Math.min(byteByByte, data.length); offset++) yield data.subarray(offset, offset + 1);
    for (; offset < data.length; offset += chunkBytes) yield data.subarray(offset, offset + chunkBytes);
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** ../shared/reports/real relative to the project, or null when that folder is absent. */
export function realReportsDir(): string | null {
  const dir = fileURLToPath(new URL("../../../shared/reports/real/", import.meta.url));
  return existsSync(dir) ? dir : null;
}
