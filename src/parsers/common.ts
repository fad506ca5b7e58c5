import { lineSink, textSink } from "../report/stream-text.js";
import type { FileParser } from "./registry-types.js";
import type { ParsedReport } from "./types.js";

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** What a small-file parser gets once the (capped) text of its file is complete. */
export interface TextContext {
  path: string;
  out: ParsedReport;
  warnings: string[];
  /** True when the file was larger than the cap and only its head is in the text. */
  truncated: boolean;
}

/**
 * A FileParser for a small structured file: the text (at most `maxBytes`) is handed to `apply` once
 * the file is complete. A parser bug never escapes: it becomes a warning.
 */
export function smallFileParser(
  id: string,
  matches: (path: string) => boolean,
  maxBytes: number,
  apply: (text: string, ctx: TextContext) => void,
): FileParser {
  return {
    id,
    matches,
    open(path, out, warnings) {
      return textSink(maxBytes, (raw, truncated) => {
        if (truncated)
          warnings.push(`${path}: larger than ${formatBytes(maxBytes)}; only its start was read`);
        try {
          apply(stripBom(raw), { path, out, warnings, truncated });
        } catch (error) {
          warnings.push(`${path}: could not be parsed: ${oneLine(error)}`);
        }
      });
    },
  };
}

/** What a line parser does with one file; `done` (optional) says that the rest of the file is not needed. */
export interface LineHandler {
  onLine(line: string, lineNo: number): void;
  onEnd(lines: number): void;
  /**
   * True once no further line can change the result: the remaining bytes are then dropped without
   * being decoded (cluster-info-dump needs only its first document out of hundreds of megabytes).
   * `onEnd` is still called, with the lines read so far.
   */
  done?(): boolean;
}

/** A FileParser for a log-like file read line by line; `onLine`/`onEnd` come fresh from `start` per file. */
export function lineFileParser(
  id: string,
  matches: (path: string) => boolean,
  start: (path: string, out: ParsedReport, warnings: string[]) => LineHandler,
  maxLineBytes?: number,
): FileParser {
  return {
    id,
    matches,
    open(path, out, warnings) {
      const handler = start(path, out, warnings);
      let failed = false;
      const fail = (error: unknown) => {
        if (!failed) warnings.push(`${path}: could not be parsed: ${oneLine(error)}`);
        failed = true;
      };
      let linesSeen = 0;
      const finish = (lines: number) => {
        try {
          handler.onEnd(lines);
        } catch (error) {
          fail(error);
        }
      };
      const sink = lineSink(
        (line, lineNo) => {
          linesSeen = lineNo;
          if (failed) return;
          try {
            handler.onLine(lineNo === 1 ? stripBom(line) : line, lineNo);
          } catch (error) {
            fail(error);
          }
        },
        finish,
        maxLineBytes,
      );
      const done = handler.done;
      if (!done) return sink;
      let stopped = false;
      return {
        write(chunk) {
          if (stopped) return;
          sink.write(chunk);
          stopped = failed || done.call(handler);
        },
        end() {
          if (stopped) finish(linesSeen);
          else sink.end();
        },
      };
    },
  };
}

/** First line of an error (or any value), at most `max` characters: for one-line reasons. */
export function oneLine(value: unknown, max = 200): string {
  const text = value instanceof Error ? value.message : String(value);
  const first = text.split(/\r?\n/, 1)[0].trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes terminal colour codes (kubectl colours some of its messages). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, "");
}

/** Splits text into lines without their terminators. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Cuts a string to at most `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
