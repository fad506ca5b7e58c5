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
  return {
    write(chunk) {
      const text = decoder.write(chunk);
      let start = 0;
      for (;;) {
        const nl = text.indexOf("\n", start);
        if (nl < 0) break;
        if (skipping) skipping = false;
        else emit(carry + text.slice(start, nl));
        carry = "";
        start = nl + 1;
      }
      if (skipping) return;
      carry += text.slice(start);
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
