import type { Severity } from "../result/types.js";

/** A failure signature as written in src/rules/signatures.yaml. */
export interface SignatureRule {
  /** Stable, dotted, lower-case id, e.g. "dqlite.query-deadline". */
  id: string;
  /** "noise" rules only suppress lines; they never become findings. */
  severity: Severity | "noise";
  /** Short title shown in the comment. */
  title: string;
  /** What it means and what to do. */
  meaning: string;
  /** Link to docs or the issue thread that explains it; null if none. */
  docs: string | null;
  /** Glob-like patterns over report-relative paths; `<svc:NAME>` expands to both classic and strict service folders. */
  files: string[]; // "@console" = the `microk8s inspect` console output pasted in an issue body
  /**
   * Regex source (JavaScript flavour). Absent for `computed` rules, whose condition is code in
   * src/analysis (their title, meaning, docs and severity still live in the catalogue).
   */
  regex?: string;
  /** True when the condition is computed from parsed files rather than matched by a regex. */
  computed?: boolean;
  /** Case-sensitive match (default: insensitive). */
  caseSensitive?: boolean;
  /** Optional: only a sustained burst counts. */
  sustained?: { minLines: number; minMinutes: number };
  /** Optional: severity when sustained (or when a numeric capture passes `above`). */
  escalate?: { severity: Severity; when: "sustained" | { capture: number; above: number } };
  /** A real line that must match (from report-format.md, with its source). Required for regex rules. */
  example?: { line: string; source: string };
  /** A similar line that must not match. Required for regex rules. */
  nearMiss?: string;
}

/** The loaded, validated catalogue (built-in signatures.yaml plus any repository extras). */
export interface Catalogue {
  rules: SignatureRule[];
  byId: Map<string, SignatureRule>;
}

export interface SignatureHit {
  ruleId: string;
  /** Report-relative file path. */
  file: string;
  /** Number of matching lines in that file. */
  count: number;
  /** First few matching lines (raw, not yet redacted) with 1-based line numbers. */
  samples: { line: number; text: string }[];
  /** Timestamps of the first and last matching line, as parsed (null when the line has none). */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Matches per minute: key = minute since epoch (year possibly inferred), value = count. For bursts and "sustained". */
  perMinute: Map<number, number>;
  /** Whether the rule's sustained threshold was met in this file (false when the rule has none). */
  sustained: boolean;
  /** For rules with numeric captures: the largest value seen (restart counters …). */
  maxCapture: number | null;
  /** Captured host:port, device names … distinct values of capture group 1 (capped). */
  captures: string[];
  /**
   * Optional: matching lines per distinct capture value (same cap as `captures`). Lets the analysis
   * tell which of several peers in one hit keeps failing (dqlite.peer-unreachable).
   */
  captureCounts?: Record<string, number>;
  /**
   * Optional: false when some timestamps had no year and none could be inferred (no yearHint, no year in
   * the lines); `perMinute` then uses placeholder year 2000 for them and `firstSeen`/`lastSeen` show no year.
   */
  yearKnown?: boolean;
}
