import { ReportReadError } from "./limits.js";

/** Bytes needed to see a tar header's "ustar" magic (offset 257). */
export const SNIFF_BYTES = 512;

export type ArchiveFormat = "gzip" | "tar";

interface KnownMagic {
  bytes: number[];
  offset?: number;
  what: string;
}

/** Formats users attach instead of a .tar.gz, recognised to say so plainly. */
const OTHER_FORMATS: KnownMagic[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: "a .zip?" },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: "an empty .zip?" },
  { bytes: [0x50, 0x4b, 0x07, 0x08], what: "a .zip?" },
  { bytes: [0x42, 0x5a, 0x68], what: "a .bz2 — please attach the .tar.gz that microk8s inspect wrote" },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: "an .xz — please attach the .tar.gz that microk8s inspect wrote",
  },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: "a .zst — please attach the .tar.gz that microk8s inspect wrote" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: "a .7z?" },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: "a .rar?" },
];

function startsWith(head: Buffer, bytes: number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, i) => head[offset + i] === byte);
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar" (POSIX "ustar\0" and GNU "ustar  ")

/**
 * Decides the container format from the first bytes. Returns "more" while `head` is too short to
 * tell and more bytes may come (`complete` false); otherwise a format or the error to report.
 */
export function sniffArchive(head: Buffer, complete: boolean): ArchiveFormat | "more" | ReportReadError {
  if (head.length === 0) return complete ? new ReportReadError("empty", "empty file (0 bytes)") : "more";
  if (head[0] === 0x1f) {
    if (head.length < 2 && !complete) return "more";
    if (head[1] === 0x8b) return "gzip";
  }
  if (startsWith(head, USTAR, 257)) return "tar";
  if (!complete && head.length < SNIFF_BYTES) return "more";
  return notGzip(head);
}

function notGzip(head: Buffer): ReportReadError {
  const hex = [...head.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
  const known = OTHER_FORMATS.find((magic) => startsWith(head, magic.bytes, magic.offset));
  const guess = known?.what ?? textGuess(head);
  return new ReportReadError("not-gzip", `not a gzip file (starts with ${hex}${guess ? ` — ${guess}` : ""})`);
}

/** Plain text (a pasted log) and HTML (a login or error page saved instead of the file). */
function textGuess(head: Buffer): string | null {
  const sample = head.subarray(0, 256);
  const text = sample.toString("latin1");
  if (/^\s*<(?:!doctype html|html|\?xml)/i.test(text)) return "an HTML page, not the report";
  let printable = 0;
  for (const byte of sample) {
    if (byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte !== 0x7f)) printable++;
  }
  return sample.length > 0 && printable === sample.length ? "plain text, e.g. a log file?" : null;
}
