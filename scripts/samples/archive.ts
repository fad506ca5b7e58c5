/**
 * A minimal streaming `.tar.gz` writer built on tar@7's Header and node:zlib, shaped like
 * `tar -cf … inspection-report && gzip …`: ustar headers, 512-byte blocks, records padded to
 * 10 240 bytes, gzip level 6. Content is produced lazily and streamed into gzip, so a report of
 * hundreds of megabytes never sits in memory as one string.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { Writable } from "node:stream";
import { createGzip, constants as zlibConstants } from "node:zlib";
import { Header } from "tar";

export type Chunk = string | Buffer;

/** What the writer knows at the moment a lazy entry is resolved. */
export interface WriteContext {
  /** Compressed bytes emitted so far (after a sync flush). */
  compressedBytes: number;
  /** Sum of file sizes written so far. */
  unpackedBytes: number;
}

export type EntryContent =
  | string
  | Buffer
  /** One item per line, without "\n"; a newline is written after every line. Called a second time
   * (and must then yield the same lines) only when the file exceeds the in-memory buffer. */
  | { kind: "lines"; lines: () => Iterable<string> }
  /** Exactly `size` bytes; the writer checks the count. */
  | { kind: "sized"; size: number; chunks: () => Iterable<Chunk> }
  /** Decided when the entry's turn comes (e.g. to fill a compressed-size budget). */
  | { kind: "lazy"; resolve: (ctx: WriteContext) => EntryContent | Promise<EntryContent> };

export interface ArchiveEntry {
  /** Full path inside the archive; directories end with "/". */
  path: string;
  type: "File" | "Directory";
  content?: EntryContent;
  mtime: Date;
  mode?: number;
}

export interface ArchiveStats {
  compressedBytes: number;
  unpackedBytes: number;
  files: number;
  directories: number;
}

export interface ArchiveOptions {
  /** gzip level; `gzip` defaults to 6. */
  level?: number;
  /** Files larger than this are generated twice (size pass, then write pass) instead of buffered. */
  maxBufferedBytes?: number;
}

const BLOCK = 512;
const RECORD = 10240;
const BATCH_CHARS = 64 * 1024;
const ZERO = Buffer.alloc(RECORD);

/** Groups lines into ~64 KB UTF-8 buffers. */
function* lineBatches(lines: Iterable<string>): Generator<Buffer> {
  let parts: string[] = [];
  let chars = 0;
  for (const line of lines) {
    parts.push(line);
    chars += line.length + 1;
    if (chars >= BATCH_CHARS) {
      parts.push("");
      yield Buffer.from(parts.join("\n"), "utf8");
      parts = [];
      chars = 0;
    }
  }
  if (parts.length > 0) {
    parts.push("");
    yield Buffer.from(parts.join("\n"), "utf8");
  }
}

function toBuffer(chunk: Chunk): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

function encodeHeader(entry: ArchiveEntry, size: number): Buffer {
  const header = new Header({
    path: entry.path,
    mode: entry.mode ?? (entry.type === "Directory" ? 0o755 : 0o644),
    uid: 0,
    gid: 0,
    size,
    mtime: entry.mtime,
    type: entry.type,
    uname: "root",
    gname: "root",
  });
  if (header.encode()) throw new Error(`archive path needs a PAX header, not supported here: ${entry.path}`);
  return header.block as Buffer;
}

/** Writes the entries as a gzip-compressed tar into `out` and resolves when `out` has finished. */
export async function writeTarGz(
  entries: Iterable<ArchiveEntry>,
  out: Writable,
  options: ArchiveOptions = {},
): Promise<ArchiveStats> {
  const maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const gzip = createGzip({ level: options.level ?? 6 });
  const stats: ArchiveStats = { compressedBytes: 0, unpackedBytes: 0, files: 0, directories: 0 };
  let tarBytes = 0;
  gzip.on("data", (chunk: Buffer) => {
    stats.compressedBytes += chunk.length;
  });
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on("error", reject);
    out.on("error", reject);
    out.on("finish", () => resolve());
  });
  // Observed below; this only keeps an early failure from surfacing as an unhandled rejection.
  finished.catch(() => undefined);
  gzip.pipe(out);

  const write = async (buf: Buffer): Promise<void> => {
    if (buf.length === 0) return;
    tarBytes += buf.length;
    if (!gzip.write(buf)) await once(gzip, "drain");
  };
  const padTo = async (multiple: number): Promise<void> => {
    const rest = tarBytes % multiple;
    if (rest !== 0) await write(ZERO.subarray(0, multiple - rest));
  };
  const flush = (): Promise<void> =>
    new Promise((resolve) => gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve()));

  const writeFile = async (entry: ArchiveEntry, content: EntryContent): Promise<void> => {
    if (typeof content === "string" || Buffer.isBuffer(content)) {
      const buf = toBuffer(content);
      await write(encodeHeader(entry, buf.length));
      await write(buf);
      stats.unpackedBytes += buf.length;
    } else if (content.kind === "lazy") {
      await flush();
      await writeFile(entry, await content.resolve({ ...stats }));
      return;
    } else if (content.kind === "sized") {
      await write(encodeHeader(entry, content.size));
      let written = 0;
      for (const chunk of content.chunks()) {
        const buf = toBuffer(chunk);
        written += buf.length;
        if (written > content.size) throw new Error(`${entry.path}: content longer than its declared size`);
        await write(buf);
      }
      if (written !== content.size) {
        throw new Error(`${entry.path}: wrote ${written} bytes, declared ${content.size}`);
      }
      stats.unpackedBytes += written;
    } else {
      const kept: Buffer[] = [];
      let size = 0;
      let buffering = true;
      // Fingerprint of the first pass, to catch a factory that does not repeat itself.
      const first = createHash("sha1");
      for (const batch of lineBatches(content.lines())) {
        size += batch.length;
        first.update(batch);
        if (buffering) {
          kept.push(batch);
          if (size > maxBuffered) {
            buffering = false;
            kept.length = 0;
          }
        }
      }
      await write(encodeHeader(entry, size));
      if (buffering) {
        for (const batch of kept) await write(batch);
      } else {
        let written = 0;
        const second = createHash("sha1");
        for (const batch of lineBatches(content.lines())) {
          written += batch.length;
          if (written > size) break;
          second.update(batch);
          await write(batch);
        }
        if (written !== size || second.digest("hex") !== first.digest("hex")) {
          throw new Error(`${entry.path}: line factory is not deterministic`);
        }
      }
      stats.unpackedBytes += size;
    }
    await padTo(BLOCK);
  };

  try {
    for (const entry of entries) {
      if (entry.type === "Directory") {
        await write(encodeHeader(entry, 0));
        stats.directories++;
      } else {
        await writeFile(entry, entry.content ?? "");
        stats.files++;
      }
    }
    // End of archive: two zero blocks, then GNU tar's record padding.
    await write(ZERO.subarray(0, 2 * BLOCK));
    await padTo(RECORD);
    gzip.end();
  } catch (err) {
    gzip.destroy(err as Error);
    throw err;
  }
  await finished;
  return stats;
}

/** Same as writeTarGz, collected into one Buffer. */
export async function tarGzBuffer(
  entries: Iterable<ArchiveEntry>,
  options: ArchiveOptions = {},
): Promise<{ data: Buffer; stats: ArchiveStats }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const stats = await writeTarGz(entries, sink, options);
  return { data: Buffer.concat(chunks), stats };
}
