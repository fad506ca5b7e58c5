import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { Readable } from "node:stream";
import { ReportCollector } from "./collector.js";
import { readFolder } from "./folder.js";
import {
  asReportReadError,
  describeIoError,
  formatBytes,
  quotePath,
  ReportReadError,
  resolveLimits,
} from "./limits.js";
import { type ArchiveReadOptions, readArchive } from "./tar.js";
import type { ReadOutcome, ReportInput, ReportLimits, ReportVisitor } from "./types.js";
import { WarningLog } from "./warnings.js";

export type ReadOptions = ArchiveReadOptions;

/** Slice size for in-memory archives: small enough to keep memory flat, big enough to be fast. */
const SLICE_BYTES = 1024 * 1024;

/**
 * Reads one input (a .tar.gz, a plain .tar, or an extracted folder) and streams the files of every
 * report it holds to the visitor `visitorFor(prefix)` returns (called once per report, at its first
 * file). Never throws for bad input and never writes to disk: an unreadable input comes back with a
 * one-line `error` (and `errorCode`), its reports then to be discarded.
 */
export async function readReport(
  input: ReportInput,
  visitorFor: (prefix: string) => ReportVisitor,
  limits: Partial<ReportLimits> = {},
  options: ReadOptions = {},
): Promise<ReadOutcome> {
  const source = sourceName(input);
  const warnings = new WarningLog();
  try {
    const resolved = resolveLimits(limits);
    const collector = new ReportCollector(visitorFor, resolved, warnings);
    await readInto(input, collector, resolved, options);
    const reports = collector.finish();
    return { source, reports, error: null, warnings: warnings.lines() };
  } catch (thrown) {
    const error = asReportReadError(ioError(thrown, input));
    return { source, reports: [], error: error.message, errorCode: error.code, warnings: warnings.lines() };
  }
}

/** The name a report is known by: the given name, else the file or folder name. */
export function sourceName(input: ReportInput): string {
  if (input.kind === "buffer" || input.kind === "stream") return input.name;
  return input.name ?? (basename(resolve(input.path)) || input.path);
}

async function readInto(
  input: ReportInput,
  collector: ReportCollector,
  limits: ReportLimits,
  options: ReadOptions,
): Promise<void> {
  switch (input.kind) {
    case "buffer":
      checkCompressedSize(input.data.length, limits);
      return readArchive(Readable.from(slices(input.data)), collector, limits, options);
    case "stream":
      return readArchive(input.stream, collector, limits, options);
    case "folder":
      return readFolder(input.path, collector);
    case "file": {
      const stats = await stat(input.path);
      // A folder given as a file is still a report; read it as what it is.
      if (stats.isDirectory()) return readFolder(input.path, collector);
      if (!stats.isFile()) {
        throw new ReportReadError("io", `not a regular file: ${quotePath(sourceName(input))}`);
      }
      checkCompressedSize(stats.size, limits);
      return readArchive(
        createReadStream(input.path, { highWaterMark: SLICE_BYTES }),
        collector,
        limits,
        options,
      );
    }
  }
}

function checkCompressedSize(size: number, limits: ReportLimits): void {
  if (size > limits.maxCompressedBytes) {
    throw new ReportReadError(
      "compressed-too-large",
      `archive is larger than ${formatBytes(limits.maxCompressedBytes)} (limit): ${formatBytes(size)}`,
    );
  }
}

function* slices(data: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += SLICE_BYTES) {
    yield data.subarray(offset, offset + SLICE_BYTES);
  }
}

/** File-system errors as one-line "io" errors naming the input, not the machine's paths. */
function ioError(thrown: unknown, input: ReportInput): unknown {
  const code = (thrown as NodeJS.ErrnoException | null)?.code;
  if (thrown instanceof ReportReadError || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return thrown;
  return new ReportReadError("io", `cannot read ${quotePath(sourceName(input))}: ${describeIoError(thrown)}`);
}
