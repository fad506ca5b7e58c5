import type { Severity } from "../result/types.js";

/** A line about one input of the analysis, shown near the top of the comment. */
export interface InputNote {
  /** Attachment or file name. */
  name: string;
  url?: string;
  /** "analysed" | "not-a-report" | "log" (a single journal) | "failed" (download or read failed) | "skipped". */
  status: "analysed" | "not-a-report" | "log" | "failed" | "skipped";
  /** One line: why it failed / what it was taken for (e.g. "k8s-dqlite journal"). */
  detail?: string;
}

export interface RenderOptions {
  /** Notes about the inputs (attachments that could not be fetched …); rendered as a short list under the verdict. */
  inputs?: InputNote[];
  /** Findings below this severity are not shown (the JSON keeps them). Default "info" (show all). */
  minSeverity?: Severity;
  /** Extra sections appended after "Other findings" (related issues, report diff, explanation …), already Markdown. */
  extraSections?: { title: string; body: string }[];
  /** Machine-readable state embedded in a hidden HTML comment (e.g. analysed attachment hashes); JSON-serialisable. */
  state?: unknown;
  /** Hard cap for the body (GitHub refuses > 65 536 characters). Default 65 536. */
  maxLength?: number;
}
