import type { Readable } from "node:stream";
import { createGunzip, type Gunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import type { EntryReceiver } from "./collector.js";
import {
  describeIoError,
  EXPANSION_CHECK_AFTER_BYTES,
  formatBytes,
  MAX_EXPANSION_RATIO,
  quotePath,
  ReportReadError,
} from "./limits.js";
import { type ArchiveFormat, sniffArchive } from "./magic.js";
import { normaliseEntryPath } from "./prefix.js";
import type { ReportLimits } from "./types.js";

export interface ArchiveReadOptions {
  /** Called with the number of archive (compressed) bytes read so far. */
  onProgress?: (compressedBytes: number) => void;
}

/** GNU tar pads to 10 KiB records; anything much longer after the end marker is not padding. */
const BYTES_AFTER_END_MARKER = 1024 * 1024;

const TAR_BLOCK = 512;
const EMPTY = Buffer.alloc(0);

/** Tar framing around the file bytes: headers, PAX records, padding (generous). */
const TAR_OVERHEAD_PER_ENTRY = 4 * 1024;

const REGULAR_FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const FOLDER_TYPES = new Set(["Directory", "GNUDumpDir"]);
const LINK_TYPES = new Set(["SymbolicLink", "Link"]);

/**
 * Reads a .tar.gz (or plain .tar) stream entirely in memory and feeds its entries to `receiver`.
 * Resolves once the archive has been read; rejects with a ReportReadError otherwise, after
 * destroying `source`. Nothing is written to disk.
 */
export function readArchive(
  source: Readable,
  receiver: EntryReceiver,
  limits: ReportLimits,
  options: ArchiveReadOptions = {},
): Promise<void> {
  return new ArchiveReader(source, receiver, limits, options).run();
}

class ArchiveReader {
  readonly #source: Readable;
  readonly #receiver: EntryReceiver;
  readonly #limits: ReportLimits;
  readonly #options: ArchiveReadOptions;
  readonly #parser: Parser;
  readonly #tarStreamLimit: number;
  #gunzip: Gunzip | null = null;
  /**
   * Inflated chunks waiting for the tar parser, each with the compressed bytes zlib had consumed
   * when it produced the chunk. They are parsed in a microtask, after zlib has been handed its next
   * piece of work: inflating (on libuv's thread pool) and parsing (here) then overlap.
   */
  #inflated: { chunk: Buffer; consumed: number }[] = [];
  /** Tar bytes after the last whole 512-byte block handed to the parser (see #writeTar). */
  #partialBlock: Buffer = EMPTY;
  #drainScheduled = false;
  #format: ArchiveFormat | null = null;
  #head: Buffer[] = [];
  #compressedBytes = 0;
  #tarBytes = 0;
  #sourceEnded = false;
  #sawEntry = false;
  #sawEndMarker = false;
  /** Unpacked bytes seen after the end-of-archive marker (record padding, then the gzip trailer). */
  #bytesAfterEnd = 0;
  #lastPath = "";
  #settled = false;
  #resolve: () => void = () => {};
  #reject: (error: unknown) => void = () => {};

  constructor(source: Readable, receiver: EntryReceiver, limits: ReportLimits, options: ArchiveReadOptions) {
    this.#source = source;
    this.#receiver = receiver;
    this.#limits = limits;
    this.#options = options;
    this.#tarStreamLimit = limits.maxUnpackedBytes + limits.maxEntries * TAR_OVERHEAD_PER_ENTRY + 1024 * 1024;
    this.#parser = new Parser({
      strict: false,
      // Only active for a gzip inside the gzip; the outer layer is guarded in #feedTar.
      maxDecompressionRatio: MAX_EXPANSION_RATIO,
      onReadEntry: (entry) =>
        this.#guard(
          () => this.#onEntry(entry),
          () => entry.resume(),
        ),
      onwarn: (code, message) => this.#guard(() => this.#onTarWarning(code, String(message))),
    });
    this.#parser.on("error", (error: Error) => this.#fail(tarFailure(error)));
    // Two zero blocks end a tar; whatever follows (record padding, junk) is not part of it.
    this.#parser.on("eof", () => this.#guard(() => this.#onEndMarker()));
    this.#parser.on("end", () => this.#guard(() => this.#onParserEnd()));
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const source = this.#source;
      if (source.destroyed || source.readableEnded) {
        this.#fail(new ReportReadError("io", "the input stream was already closed"));
        return;
      }
      source.on("data", (chunk: Buffer | Uint8Array | string) =>
        this.#guard(() => this.#onSourceData(chunk)),
      );
      source.on("end", () => this.#guard(() => this.#onSourceEnd()));
      source.on("error", (error: Error) =>
        this.#fail(new ReportReadError("io", `could not read the archive: ${describeIoError(error)}`)),
      );
      source.on("close", () => {
        if (!this.#sourceEnded) {
          this.#fail(new ReportReadError("io", "the input stream closed before its end"));
        }
      });
    });
  }

  // ── input side ──────────────────────────────────────────────────────────────

  #onSourceData(data: Buffer | Uint8Array | string): void {
    const chunk =
      typeof data === "string" ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.#compressedBytes += chunk.length;
    this.#options.onProgress?.(this.#compressedBytes);
    if (this.#compressedBytes > this.#limits.maxCompressedBytes) {
      throw new ReportReadError(
        "compressed-too-large",
        `archive is larger than ${formatBytes(this.#limits.maxCompressedBytes)} (limit)`,
      );
    }
    if (this.#format === null) {
      this.#head.push(chunk);
      this.#sniff(false);
      return;
    }
    this.#dispatch(chunk);
  }

  #onSourceEnd(): void {
    this.#sourceEnded = true;
    if (this.#format === null) this.#sniff(true);
    if (this.#settled) return;
    if (this.#gunzip) this.#gunzip.end();
    else this.#endTar();
  }

  /** Decides the format once enough bytes are in, then replays the bytes held so far. */
  #sniff(complete: boolean): void {
    const head = Buffer.concat(this.#head);
    const verdict = sniffArchive(head, complete);
    if (verdict === "more") return;
    if (verdict instanceof ReportReadError) throw verdict;
    this.#head = [];
    this.#format = verdict;
    if (verdict === "gzip") this.#gunzip = this.#startGunzip();
    this.#dispatch(head);
  }

  #startGunzip(): Gunzip {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    gunzip.on("data", (chunk: Buffer) => this.#guard(() => this.#queueInflated(chunk, gunzip.bytesWritten)));
    gunzip.on("end", () =>
      this.#guard(() => {
        this.#drainInflated();
        this.#endTar();
      }),
    );
    gunzip.on("error", (error: NodeJS.ErrnoException) => this.#fail(gzipFailure(error)));
    return gunzip;
  }

  #dispatch(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const gunzip = this.#gunzip;
    if (!gunzip) {
      this.#feedTar(chunk);
      return;
    }
    if (!gunzip.write(chunk)) {
      this.#source.pause();
      gunzip.once("drain", () => {
        if (!this.#settled) this.#source.resume();
      });
    }
  }

  #queueInflated(chunk: Buffer, consumed: number): void {
    this.#inflated.push({ chunk, consumed });
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => this.#guard(() => this.#drainInflated()));
  }

  #drainInflated(): void {
    this.#drainScheduled = false;
    const queue = this.#inflated;
    this.#inflated = [];
    for (const { chunk, consumed } of queue) {
      if (this.#settled) return;
      this.#feedTar(chunk, consumed);
    }
  }

  /**
   * Unpacked tar bytes; the bomb guards live here so they trip before anything is parsed.
   * `consumed`: compressed bytes zlib had consumed when it produced this chunk.
   */
  #feedTar(chunk: Buffer, consumed = 0): void {
    if (this.#sawEndMarker) {
      this.#afterEndMarker(chunk.length);
      return;
    }
    this.#tarBytes += chunk.length;
    if (this.#tarBytes > this.#tarStreamLimit) {
      throw new ReportReadError(
        "too-large",
        `archive expands past ${formatBytes(this.#limits.maxUnpackedBytes)} (limit)`,
      );
    }
    // Measured against the compressed bytes zlib has consumed, not those read: a whole bomb is
    // read long before it is inflated.
    if (
      consumed > 0 &&
      this.#tarBytes > EXPANSION_CHECK_AFTER_BYTES &&
      this.#tarBytes / consumed > MAX_EXPANSION_RATIO
    ) {
      throw new ReportReadError(
        "too-large",
        `archive expands more than ${MAX_EXPANSION_RATIO}× (${formatBytes(consumed)} → ${formatBytes(this.#tarBytes)} so far): a compression bomb?`,
      );
    }
    this.#writeTar(chunk);
  }

  /**
   * Hands tar bytes to the parser in whole 512-byte blocks: given a chunk that does not start on
   * a block boundary, tar@7 copies the whole chunk onto the bytes it kept from the previous one.
   * Here only the few bytes around the boundary are copied. Entries are consumed synchronously as
   * they are parsed (see #readFile), so the parser's return value can be ignored.
   */
  #writeTar(chunk: Buffer): void {
    let from = 0;
    const kept = this.#partialBlock;
    if (kept.length > 0) {
      from = Math.min(chunk.length, TAR_BLOCK - kept.length);
      const joined = Buffer.concat([kept, chunk.subarray(0, from)]);
      if (joined.length < TAR_BLOCK) {
        this.#partialBlock = joined;
        return;
      }
      this.#partialBlock = EMPTY;
      this.#parser.write(joined);
      if (this.#settled) return;
    }
    const end = from + Math.floor((chunk.length - from) / TAR_BLOCK) * TAR_BLOCK;
    if (end > from)
      this.#parser.write(from === 0 && end === chunk.length ? chunk : chunk.subarray(from, end));
    if (end < chunk.length) this.#partialBlock = Buffer.from(chunk.subarray(end));
  }

  #endTar(): void {
    if (this.#partialBlock.length > 0) {
      const rest = this.#partialBlock;
      this.#partialBlock = EMPTY;
      this.#parser.write(rest);
    }
    this.#parser.end();
  }

  // ── tar side ────────────────────────────────────────────────────────────────

  #onEntry(entry: ReadEntry): void {
    this.#sawEntry = true;
    this.#receiver.countEntry();
    const normalised = normaliseEntryPath(entry.path);
    if (!normalised.ok) {
      const why =
        normalised.reason === "absolute" ? "entry has an absolute path" : "entry escapes the report folder";
      throw new ReportReadError("unsafe-path", `${why}: ${quotePath(entry.path)}`);
    }
    const path = normalised.path;
    this.#lastPath = path;
    if (LINK_TYPES.has(entry.type)) {
      const kind = entry.type === "Link" ? "a hard link" : "a symbolic link";
      throw new ReportReadError(
        "link",
        `archive holds ${kind}: ${quotePath(path)} -> ${quotePath(entry.linkpath ?? "")}`,
      );
    }
    if (REGULAR_FILE_TYPES.has(entry.type) && path !== "") {
      this.#readFile(entry, path);
      return;
    }
    if (!FOLDER_TYPES.has(entry.type)) {
      this.#receiver.warnings.add(`skipped ${entry.type} entries`, path);
    }
    entry.resume();
  }

  #readFile(entry: ReadEntry, path: string): void {
    const handle = this.#receiver.openFile(path, entry.size);
    let received = 0;
    entry.on("data", (chunk: Buffer) =>
      this.#guard(() => {
        received += chunk.length;
        handle.write(chunk);
      }),
    );
    entry.on("end", () =>
      this.#guard(() => {
        if (received < entry.size) throw truncatedEntry(path, received, entry.size);
        handle.end();
      }),
    );
  }

  #onTarWarning(code: string, message: string): void {
    if (code === "TAR_BAD_ARCHIVE" && message.startsWith("Truncated input")) {
      throw new ReportReadError(
        "truncated",
        `archive is truncated: it ends inside ${this.#lastPath ? quotePath(this.#lastPath) : "the first entry"}`,
      );
    }
    if (code === "TAR_BAD_ARCHIVE" || code === "TAR_ENTRY_INVALID") {
      if (!this.#sawEntry) {
        throw new ReportReadError(
          "not-tar",
          this.#format === "gzip"
            ? "the gzip file does not hold a tar archive (a single compressed file?)"
            : "not a tar archive",
        );
      }
      throw new ReportReadError(
        "corrupt",
        `damaged tar archive (${message.toLowerCase()}) after ${quotePath(this.#lastPath)}`,
      );
    }
    this.#receiver.warnings.add(`tar: ${message}`);
  }

  /**
   * The tar is complete. A plain tar is done; a gzip is read on to its end (only record padding
   * is left) so that its checksum is verified, unless far more than padding follows.
   */
  #onEndMarker(): void {
    this.#sawEndMarker = true;
    if (this.#format !== "gzip") this.#succeed();
  }

  #afterEndMarker(bytes: number): void {
    // Not fed to the parser: it would keep appending everything after the marker to one buffer.
    this.#bytesAfterEnd += bytes;
    if (this.#bytesAfterEnd > BYTES_AFTER_END_MARKER) {
      this.#receiver.warnings.add("ignored data after the end of the tar archive");
      this.#succeed();
    }
  }

  #onParserEnd(): void {
    if (!this.#sawEndMarker && this.#sawEntry) {
      this.#receiver.warnings.add("archive has no end-of-archive marker; it may be incomplete");
    }
    this.#succeed();
  }

  // ── settling ────────────────────────────────────────────────────────────────

  /** Runs `work` unless settled; any throw fails the whole read. */
  #guard(work: () => void, onSettled?: () => void): void {
    if (this.#settled) {
      onSettled?.();
      return;
    }
    try {
      work();
    } catch (error) {
      onSettled?.();
      this.#fail(error);
    }
  }

  #succeed(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stop();
    this.#resolve();
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stop();
    this.#reject(error);
  }

  /** Stops all reading at once: a bomb must not keep inflating after the verdict. */
  #stop(): void {
    this.#head = [];
    this.#inflated = [];
    this.#partialBlock = EMPTY;
    this.#source.pause();
    if (!this.#sourceEnded) this.#source.destroy();
    this.#gunzip?.destroy();
    try {
      this.#parser.abort(new Error("reading stopped"));
    } catch {
      // abort() reports through the parser's "error" event, which is ignored once settled.
    }
  }
}

function truncatedEntry(path: string, received: number, size: number): ReportReadError {
  return new ReportReadError(
    "truncated",
    `archive is truncated: ${quotePath(path)} has ${formatBytes(received)} of ${formatBytes(size)}`,
  );
}

function gzipFailure(error: NodeJS.ErrnoException): ReportReadError {
  if (error.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(error.message)) {
    return new ReportReadError(
      "truncated",
      "archive is truncated (the gzip data ends early: an incomplete download?)",
    );
  }
  return new ReportReadError("corrupt", `damaged gzip data (${error.message})`);
}

function tarFailure(error: Error): ReportReadError {
  if (/decompression ratio/i.test(error.message)) {
    return new ReportReadError(
      "too-large",
      `archive expands more than ${MAX_EXPANSION_RATIO}×: a compression bomb?`,
    );
  }
  return new ReportReadError("corrupt", `damaged tar archive (${error.message})`);
}
