import { lineFileParser, splitLines } from "./common.js";
import { plausibleYear, splitJournalLine } from "./journal-line.js";
import type { FileParser } from "./registry-types.js";
import type { JournalSummary } from "./types.js";

/** Distinct host names tracked per file; a hostile file cannot grow the map past this. */
const MAX_HOSTS = 64;

const SERVICE_FILE = /^(?:snap\.)?microk8s\.daemon-([^/]+)\/(journal|systemctl|snapctl)\.log$/;

export type ServiceLogKind = "journal" | "systemctl" | "snapctl";

/**
 * Service and log kind of a service folder file: "snap.microk8s.daemon-<svc>/…" (classic) or
 * "microk8s.daemon-<svc>/…" (strict); null for other paths.
 */
export function serviceLogOf(path: string): { service: string; kind: ServiceLogKind } | null {
  const match = SERVICE_FILE.exec(path);
  if (!match) return null;
  return { service: match[1], kind: match[2] as ServiceLogKind };
}

/** `/^\++ /` (a bash xtrace line: "+ cmd", "++ cmd"), tested without a regex on every line. */
function isXtrace(payload: string): boolean {
  let i = 0;
  while (payload.charCodeAt(i) === 43) i++;
  return i > 0 && payload.charCodeAt(i) === 32;
}
const LOGRUS_YEAR = /\btime="(\d{4})-\d{2}-\d{2}T/;
const ACTIVE_LINE = /^\s*Active:\s+(.*)$/;
const SINCE_YEAR = /\bsince \p{L}{2,5},? (\d{4})-\d{2}-\d{2}/u;
/** Older journalctl starts with "-- Logs begin at Mon 2023-01-30 10:00:00 UTC, end at Tue 2023-02-06 18:52:44 UTC. --". */
const LOGS_END_YEAR = /^-- Logs begin at .*\bend at \p{L}{2,5},? (\d{4})-\d{2}-\d{2}/u;
const RESTART_COUNTER = /restart counter is at (\d{1,9})/;
const SNAP_REVISION = /\/snap\/microk8s\/(x?\d{1,9})\//;
const SNAPCTL_HEADER = /^\s*Service\s+Startup\s+Current\b/;

/** "active (running) since Tue …; 40min ago" → "active (running)"; drops the "(Result: …)" detail too. */
export function activeStateOf(text: string): string {
  return text
    .replace(/\s+since\s.*$/, "")
    .replace(/\s*\(Result: [^)]*\)/g, "")
    .trim();
}

/** Streaming summariser of one service log; keeps counters only, never the lines. */
export interface JournalSummarizer {
  line(text: string): void;
  finish(lines: number): JournalSummary;
}

export function createJournalSummarizer(
  file: string,
  service: string,
  kind: ServiceLogKind,
): JournalSummarizer {
  /** Lines per host; a counter object, so that a run of lines from one host skips the map lookup. */
  const hostCounts = new Map<string, { count: number }>();
  let lastHost: string | null = null;
  let lastHostCounter: { count: number } | null = null;
  let xtraceLines = 0;
  let firstTimestamp: string | null = null;
  let lastTimestamp: string | null = null;
  let yearHint: number | null = null;
  let activeState: string | null = null;
  let maxRestartCounter: number | null = null;
  let snapRevision: string | null = null;
  let inSnapctlTable = false;
  let firstSnapctlState: string | null = null;

  const noteYear = (year: number) => {
    if (plausibleYear(year)) yearHint = year;
  };

  const noteRevision = (text: string) => {
    if (!text.includes("/snap/microk8s/")) return;
    const revision = SNAP_REVISION.exec(text);
    if (revision) snapRevision = revision[1]; // the last one seen is the running revision after a refresh
  };

  const scanPayload = (text: string) => {
    if (text.includes('time="')) {
      const logrus = LOGRUS_YEAR.exec(text);
      if (logrus) noteYear(Number(logrus[1]));
    }
    if (text.includes("restart counter is at")) {
      const counter = RESTART_COUNTER.exec(text);
      if (counter) maxRestartCounter = Math.max(maxRestartCounter ?? 0, Number(counter[1]));
    }
    noteRevision(text);
  };

  // Lines without a journal prefix: the `systemctl status` header and the `snapctl services` table.
  const scanOther = (text: string) => {
    if (text.startsWith("-- Logs begin at ")) {
      const end = LOGS_END_YEAR.exec(text);
      if (end) noteYear(Number(end[1]));
    }
    if (kind === "systemctl" && activeState === null) {
      const active = ACTIVE_LINE.exec(text);
      if (active) {
        activeState = activeStateOf(active[1]);
        const since = SINCE_YEAR.exec(active[1]);
        if (since) noteYear(Number(since[1]));
      }
    }
    if (kind === "snapctl") {
      if (SNAPCTL_HEADER.test(text)) inSnapctlTable = true;
      else if (inSnapctlTable && activeState === null) {
        const cells = text.trim().split(/\s+/);
        if (cells.length >= 3) {
          if (cells[0].endsWith(`daemon-${service}`) || cells[0].endsWith(`.${service}`))
            activeState = cells[2];
          else firstSnapctlState ??= cells[2];
        }
      }
    }
    scanPayload(text);
  };

  return {
    line(text) {
      const parsed = splitJournalLine(text);
      if (!parsed) {
        scanOther(text);
        return;
      }
      firstTimestamp ??= parsed.timestamp;
      lastTimestamp = parsed.timestamp;
      if (parsed.year !== null) noteYear(parsed.year);
      const host = parsed.host;
      if (host !== null) {
        if (host === lastHost) {
          if (lastHostCounter) lastHostCounter.count++;
        } else {
          let counter = hostCounts.get(host) ?? null;
          if (counter) counter.count++;
          else if (hostCounts.size < MAX_HOSTS) {
            counter = { count: 1 };
            hostCounts.set(host, counter);
          }
          // The map only grows, so a host left out now is left out for good.
          lastHost = host;
          lastHostCounter = counter;
        }
      }
      if (isXtrace(parsed.payload)) {
        xtraceLines++;
        // xtrace lines still name the snap revision (`+ export PATH=/snap/microk8s/7231/…`).
        noteRevision(parsed.payload);
        return;
      }
      scanPayload(parsed.payload);
    },
    finish(lines) {
      let host: string | null = null;
      let best = 0;
      for (const [name, { count }] of hostCounts) {
        // Ties go to the later-seen name (Map keeps first-seen order), i.e. the newer hostname.
        if (count >= best) {
          host = name;
          best = count;
        }
      }
      return {
        file,
        service,
        lines,
        xtraceLines,
        host,
        hosts: [...hostCounts.keys()],
        firstTimestamp,
        lastTimestamp,
        yearHint,
        activeState: activeState ?? firstSnapctlState,
        maxRestartCounter,
        snapRevision,
      };
    },
  };
}

/** Summarises a whole service log held in memory (tests, small inputs). */
export function summarizeServiceLog(path: string, text: string): JournalSummary | null {
  const of = serviceLogOf(path);
  if (!of) return null;
  const summarizer = createJournalSummarizer(path, of.service, of.kind);
  const lines = splitLines(text);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) summarizer.line(line);
  return summarizer.finish(lines.length);
}

export const journalParser: FileParser = lineFileParser(
  "service-logs",
  (path) => serviceLogOf(path) !== null,
  (path, out) => {
    const of = serviceLogOf(path)!;
    const summarizer = createJournalSummarizer(path, of.service, of.kind);
    return {
      onLine: (line) => summarizer.line(line),
      onEnd: (lines) => {
        out.journals[path] = summarizer.finish(lines);
      },
    };
  },
);
