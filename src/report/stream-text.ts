import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import type { FileSink } from "./types.js";

/**
 * Keeps a small file's text (up to `maxBytes`, the rest dropped) and hands it over at the end.
 * For structured files such as cluster.yaml; large logs must use lineSink instead.
 */
export function textSink(maxBytes: number, onText: (text: string, truncated: boolean) => void): FileSink {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  return {
    write(chunk) {
      if (kept >= maxBytes) {
        truncated = true;
        return;
      }
      const room = maxBytes - kept;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) truncated = true;
      chunks.push(part);
      kept += part.length;
    },
    end() {
      onText(Buffer.concat(chunks).toString("utf8"), truncated);
    },
  };
}

/** See lineSink: chunks are decoded in pieces of at most this many bytes. */
const DECODE_PIECE_BYTES = 32 * 1024;

/**
 * Splits a stream into lines (without the newline), numbering them from 1. A line longer than
 * `maxLineBytes` is cut (its head is delivered, the rest skipped) so one huge line cannot
 * exhaust memory.
 */
export function lineSink(
  onLine: (line: string, lineNo: number) => void,
  onEnd: (lines: number) => void,
  maxLineBytes = 64 * 1024,
): FileSink {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNo = 0;
  let skipping = false;
  const emit = (line: string) => {
    lineNo++;
    onLine(line.endsWith("\r") ? line.slice(0, -1) : line, lineNo);
  };
  const take = (text: string) => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      if (skipping) skipping = false;
      else emit(carry + text.slice(start, nl));
      carry = "";
      start = nl + 1;
    }
    if (!skipping) carry += text.slice(start);
  };
  return {
    write(chunk) {
      // Decoded piece by piece: strings this small are young objects that a scavenge frees, where a
      // whole 256 KiB chunk would be a large object only a full collection frees.
      for (let offset = 0; offset < chunk.length; offset += DECODE_PIECE_BYTES) {
        take(decode(decoder, chunk.subarray(offset, offset + DECODE_PIECE_BYTES)));
      }
      if (skipping) return;
      if (carry.length > maxLineBytes) {
        emit(carry.slice(0, maxLineBytes));
        carry = "";
        skipping = true;
      }
    },
    end() {
      const rest = carry + decoder.end();
      if (!skipping && rest.length > 0) emit(rest);
      onEnd(lineNo);
    },
  };
}

/**
 * `decoder.write(chunk)`, faster for the usual all-ASCII chunk: latin1 gives the same string without
 * UTF-8 decoding (only when the decoder holds no partial character from the previous chunk).
 */
function decode(decoder: StringDecoder, chunk: Buffer): string {
  if ((decoder as StringDecoder & { lastNeed?: number }).lastNeed === 0 && isAscii(chunk)) {
    return chunk.toString("latin1");
  }
  return decoder.write(chunk);
}

/** Fans one file's bytes out to several sinks (a parser and the signature scanner, say). */
export function teeSink(sinks: FileSink[]): FileSink {
  return {
    write(chunk) {
      for (const s of sinks) s.write(chunk);
    },
    end() {
      for (const s of sinks) s.end();
    },
  };
}
