import type { FileSink } from "../report/types.js";
import type { ParsedReport } from "./types.js";

/**
 * One parser per known report file. A parser streams its file: it never needs the whole text
 * of a large file (journals, dmesg, cluster-info-dump) in memory.
 */
export interface FileParser {
  /** Stable id, e.g. "dqlite-cluster". */
  readonly id: string;
  /** True when this parser reads the file at that report-relative path. */
  matches(path: string): boolean;
  /** A sink for that file's bytes; on end() it stores its result into `out`, and any problem into `warnings`. */
  open(path: string, out: ParsedReport, warnings: string[]): FileSink;
}
