import { formatBytes, quotePath, ReportReadError } from "./limits.js";
import { deepestPrefixHolding, relativeToPrefix, reportPrefixOf } from "./prefix.js";
import type { FileSink, ReadReport, ReportFileEntry, ReportLimits, ReportVisitor } from "./types.js";
import type { WarningLog } from "./warnings.js";

/** Receives one archive member's bytes; limits are enforced on every write. */
export interface FileHandle {
  write(chunk: Buffer): void;
  end(): void;
}

/** What the archive and folder walkers feed: entries in order, regular files with their bytes. */
export interface EntryReceiver {
  /** Counts any entry (file, folder, link …) against maxEntries. */
  countEntry(): void;
  /** A regular file at a normalised path (see normaliseEntryPath) with its declared size. */
  openFile(path: string, size: number): FileHandle;
  readonly warnings: WarningLog;
}

/**
 * Files met before any file reveals their report folder (a README first, say) wait here, bounded,
 * until a folder that holds them is known.
 */
const LOOKAHEAD_BYTES = 1024 * 1024;
const LOOKAHEAD_FILES = 256;

/**
 * Report folders one input may hold. Users pack the reports of a whole cluster together, never
 * this many; a tiny archive of thousands of one-file "reports" would otherwise cost seconds and
 * hundreds of megabytes of analysis (every file is also matched against every folder found).
 */
export const MAX_REPORTS_PER_INPUT = 100;

interface Pending {
  path: string;
  size: number;
  chunks: Buffer[];
}

interface Collected {
  report: ReadReport;
  visitor: ReportVisitor;
}

/**
 * Sorts the files of one input into reports (one per top folder), calls the caller's visitors and
 * enforces the limits. Throws ReportReadError when the input as a whole must be refused.
 */
export class ReportCollector implements EntryReceiver {
  readonly warnings: WarningLog;
  readonly #visitorFor: (prefix: string) => ReportVisitor;
  readonly #limits: ReportLimits;
  readonly #reports = new Map<string, Collected>();
  readonly #pending: Pending[] = [];
  #pendingBytes = 0;
  #entries = 0;
  #files = 0;
  #declaredBytes = 0;
  #deliveredBytes = 0;

  constructor(visitorFor: (prefix: string) => ReportVisitor, limits: ReportLimits, warnings: WarningLog) {
    this.#visitorFor = visitorFor;
    this.#limits = limits;
    this.warnings = warnings;
  }

  countEntry(): void {
    this.#entries++;
    if (this.#entries > this.#limits.maxEntries) {
      throw new ReportReadError(
        "too-many-entries",
        `archive holds more than ${this.#limits.maxEntries} entries (limit)`,
      );
    }
  }

  openFile(path: string, size: number): FileHandle {
    this.#files++;
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ReportReadError("corrupt", `damaged archive: ${quotePath(path)} declares an invalid size`);
    }
    if (size > this.#limits.maxFileBytes) throw this.#fileTooLarge(path, size);
    this.#declaredBytes += size;
    if (this.#declaredBytes > this.#limits.maxUnpackedBytes) throw this.#tooLarge();

    const prefix = reportPrefixOf(path);
    if (prefix !== null) {
      this.#discover(prefix);
      return this.#deliver(prefix, path, size);
    }
    const holder = deepestPrefixHolding(path, this.#reports.keys());
    if (holder !== null) return this.#deliver(holder, path, size);
    return this.#hold(path, size);
  }

  /** Settles the files still waiting for a folder and returns the reports found. */
  finish(): ReadReport[] {
    for (const pending of this.#pending.splice(0)) {
      const holder = deepestPrefixHolding(pending.path, this.#reports.keys());
      if (holder === null) this.warnings.add("ignored files outside any report folder", pending.path);
      else this.#replay(holder, pending);
    }
    if (this.#reports.size === 0) {
      throw new ReportReadError(
        "no-layout",
        this.#files === 0
          ? "archive holds no files"
          : "no inspection-report layout found (no dqlite/, k8s/, sys/ or service folders)",
      );
    }
    return [...this.#reports.values()].map((collected) => collected.report);
  }

  #discover(prefix: string): void {
    if (this.#reports.has(prefix)) return;
    if (this.#reports.size >= MAX_REPORTS_PER_INPUT) {
      throw new ReportReadError(
        "too-many-reports",
        `archive holds more than ${MAX_REPORTS_PER_INPUT} report folders (limit): ${quotePath(prefix)}`,
      );
    }
    this.#reports.set(prefix, { report: { prefix, files: [] }, visitor: this.#visitorFor(prefix) });
    // Hand over, in archive order, the waiting files that belong to the new folder.
    for (let i = 0; i < this.#pending.length; ) {
      const pending = this.#pending[i];
      if (deepestPrefixHolding(pending.path, this.#reports.keys()) === prefix) {
        this.#pending.splice(i, 1);
        this.#pendingBytes -= pending.size;
        this.#replay(prefix, pending);
      } else {
        i++;
      }
    }
  }

  #sinkFor(prefix: string, path: string, size: number): FileSink | null {
    const collected = this.#reports.get(prefix)!;
    const entry: ReportFileEntry = { path: relativeToPrefix(path, prefix), size };
    collected.report.files.push(entry);
    return collected.visitor.onFile(entry);
  }

  #deliver(prefix: string, path: string, size: number): FileHandle {
    const sink = this.#sinkFor(prefix, path, size);
    return this.#counting(path, {
      write: (chunk) => sink?.write(chunk),
      end: () => sink?.end(),
    });
  }

  #replay(prefix: string, pending: Pending): void {
    const sink = this.#sinkFor(prefix, pending.path, pending.size);
    if (!sink) return;
    for (const chunk of pending.chunks) sink.write(chunk);
    sink.end();
  }

  #hold(path: string, size: number): FileHandle {
    const fits = this.#pending.length < LOOKAHEAD_FILES && this.#pendingBytes + size <= LOOKAHEAD_BYTES;
    if (!fits) {
      this.warnings.add("ignored files met before any report folder was recognised", path);
      return this.#counting(path, { write: () => {}, end: () => {} });
    }
    const pending: Pending = { path, size, chunks: [] };
    this.#pending.push(pending);
    this.#pendingBytes += size;
    return this.#counting(path, {
      // A copy, so a small held file does not pin the large decompression buffer it came in.
      write: (chunk) => {
        pending.chunks.push(Buffer.from(chunk));
      },
      end: () => {},
    });
  }

  /** Wraps a handle so that every byte counts against maxFileBytes and maxUnpackedBytes. */
  #counting(path: string, inner: FileHandle): FileHandle {
    let fileBytes = 0;
    return {
      write: (chunk) => {
        fileBytes += chunk.length;
        this.#deliveredBytes += chunk.length;
        if (fileBytes > this.#limits.maxFileBytes) throw this.#fileTooLarge(path, fileBytes);
        if (this.#deliveredBytes > this.#limits.maxUnpackedBytes) throw this.#tooLarge();
        inner.write(chunk);
      },
      end: () => inner.end(),
    };
  }

  #fileTooLarge(path: string, size: number): ReportReadError {
    return new ReportReadError(
      "file-too-large",
      `file is larger than ${formatBytes(this.#limits.maxFileBytes)} (limit): ${quotePath(path)} (${formatBytes(size)})`,
    );
  }

  #tooLarge(): ReportReadError {
    return new ReportReadError(
      "too-large",
      `archive expands past ${formatBytes(this.#limits.maxUnpackedBytes)} (limit)`,
    );
  }
}
