import type { ReportLimits } from "./types.js";

const MiB = 1024 * 1024;

/** Limits for one input. 25 MiB is GitHub's attachment cap; the rest bound memory and time. */
export const DEFAULT_LIMITS: ReportLimits = Object.freeze({
  maxCompressedBytes: 25 * MiB,
  maxUnpackedBytes: 1024 * MiB,
  maxEntries: 20_000,
  maxFileBytes: 300 * MiB,
});

/**
 * An archive that inflates faster than this is a compression bomb; real reports (text logs) stay far
 * below it. Checked only once a few MiB are out, so small, very repetitive files are never refused.
 */
export const MAX_EXPANSION_RATIO = 1000;
export const EXPANSION_CHECK_AFTER_BYTES = 16 * MiB;

/** Fills unset (or nonsensical) limits with the defaults. */
export function resolveLimits(limits: Partial<ReportLimits> = {}): ReportLimits {
  const pick = (key: keyof ReportLimits): number => {
    const value = limits[key];
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : DEFAULT_LIMITS[key];
  };
  return {
    maxCompressedBytes: pick("maxCompressedBytes"),
    maxUnpackedBytes: pick("maxUnpackedBytes"),
    maxEntries: pick("maxEntries"),
    maxFileBytes: pick("maxFileBytes"),
  };
}

/** Stable reasons why an input could not be read; tests and callers may branch on them. */
export type ReportReadErrorCode =
  | "empty"
  | "not-gzip"
  | "not-tar"
  | "truncated"
  | "corrupt"
  | "unsafe-path"
  | "link"
  | "compressed-too-large"
  | "too-large"
  | "too-many-entries"
  | "too-many-reports"
  | "file-too-large"
  | "no-layout"
  | "io"
  | "internal";

/** Why a whole input was refused. `message` is one line, fit for an issue comment. */
export class ReportReadError extends Error {
  readonly code: ReportReadErrorCode;

  constructor(code: ReportReadErrorCode, message: string) {
    super(oneLine(message));
    this.name = "ReportReadError";
    this.code = code;
  }
}

/** Any thrown value as a ReportReadError (unexpected ones become "internal"). */
export function asReportReadError(error: unknown): ReportReadError {
  if (error instanceof ReportReadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ReportReadError("internal", `internal error while reading the report: ${message}`);
}

const IO_REASONS: Record<string, string> = {
  ENOENT: "not found",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "not a folder",
  EISDIR: "is a folder",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/**
 * A file-system error in words, without the path Node puts in its message (a machine path has no
 * place in an issue comment): "not found (ENOENT)". Other errors keep their message.
 */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code))
    return `${IO_REASONS[code] ?? "i/o error"} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** "25 MiB", "1 GiB", "300 KiB", "17 bytes" — for messages. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 * MiB, "GiB"],
    [MiB, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
}

/**
 * Makes an archive-controlled string safe to quote in a one-line message: no control characters,
 * no line breaks, bounded length.
 */
export function quotePath(path: string, maxLength = 160): string {
  const clean = path.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
