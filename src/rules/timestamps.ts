/**
 * Timestamps of report lines. Formats met in inspection reports:
 * - journal (syslog style, no year): `Oct 29 17:22:58 host unit[pid]: …`, also `Sep  8 01:28:57`;
 * - ISO 8601: `2021-07-31T10:52:31Z systemd[1]: …`, logrus `time="2024-10-29T17:41:12+05:30"`, JSON `"ts":"…"`;
 * - klog (month/day, no year): `E0320 20:46:08.223079   53319 file.go:NNN] …`;
 * - dmesg (seconds since boot, not a wall clock): `[  306.925814] …`.
 * Wall-clock values are milliseconds since the epoch; zone-less (node-local) times are treated as UTC.
 */

export type TimestampKind = "syslog" | "iso" | "klog" | "dmesg";

/** A timestamp as found in a line, before any year inference. */
export interface RawTimestamp {
  kind: TimestampKind;
  /** Four-digit year when the timestamp carries one (ISO), else null. */
  year: number | null;
  /** 0-11; null for dmesg. */
  month: number | null;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  /** Explicit zone offset in minutes east of UTC (ISO `Z`/`+05:30`); null when zone-less. */
  offsetMinutes: number | null;
  /** dmesg only: seconds since boot. */
  bootSeconds: number | null;
  /** A year seen elsewhere in the same line (logrus `time="2024-…"`), for yearless timestamps. */
  lineYear: number | null;
}

export interface LineTimestamp {
  /** Wall clock in ms since the epoch; null for dmesg or when no year could be determined. */
  ms: number | null;
  /** For display: ISO-like `2024-10-29T17:22:58` when the year is known, the written form otherwise. */
  display: string;
  kind: TimestampKind;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m, i]));

const ISO_BODY = String.raw`((?:19|20)\d{2})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2}(?![\d:]))?`;
const ISO_START_RE = new RegExp(`^${ISO_BODY}`);
const ISO_ANY_RE = new RegExp(`(?:^|[^\\d])${ISO_BODY}`);
const KLOG_START_RE = /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\b/;
const KLOG_ANY_RE = /(?:^|\]: |\s)[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\s/;
const DMESG_RE = /^\[\s*(\d{1,10})\.(\d{1,9})\]/;
const YEAR_IN_LINE_RE =
  /(?:^|[^\d])((?:19|20)\d{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ]\d{2}:\d{2}/;

/** How far into a line a timestamp is looked for. */
const HEAD = 400;

const fraction = (s: string | undefined) => (s ? Math.floor(Number(`0.${s}`) * 1000) : 0);

function validClock(h: number, m: number, s: number): boolean {
  return h < 24 && m < 60 && s < 61;
}

function offsetOf(z: string | undefined): number | null {
  if (!z) return null;
  if (z === "Z") return 0;
  const sign = z[0] === "-" ? -1 : 1;
  const digits = z.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function fromIso(m: RegExpExecArray): RawTimestamp | null {
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || !validClock(hour, minute, second)) return null;
  return {
    kind: "iso",
    year,
    month: month - 1,
    day,
    hour,
    minute,
    second,
    millis: fraction(m[7]),
    offsetMinutes: offsetOf(m[8]),
    bootSeconds: null,
    lineYear: null,
  };
}

function fromKlog(m: RegExpExecArray): RawTimestamp | null {
  const [month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || !validClock(hour, minute, second)) return null;
  return {
    kind: "klog",
    year: null,
    month: month - 1,
    day,
    hour,
    minute,
    second,
    millis: fraction(m[6]),
    offsetMinutes: null,
    bootSeconds: null,
    lineYear: null,
  };
}

function yearInLine(head: string): number | null {
  const m = YEAR_IN_LINE_RE.exec(head);
  return m ? Number(m[1]) : null;
}

const digit = (c: number) => c >= 48 && c <= 57;

/** `Oct 29 17:22:58` / `Sep  8 01:28:57` at the start of a line, without a regex (the common case). */
function syslogPrefix(line: string, wantLineYear: boolean): RawTimestamp | null {
  if (line.length < 15 || line.charCodeAt(3) !== 32) return null;
  const month = MONTH_INDEX.get(line.slice(0, 3));
  if (month === undefined) return null;
  let i = 4;
  if (line.charCodeAt(i) === 32) i++;
  let day = 0;
  if (!digit(line.charCodeAt(i))) return null;
  day = line.charCodeAt(i++) - 48;
  if (digit(line.charCodeAt(i))) day = day * 10 + line.charCodeAt(i++) - 48;
  if (line.charCodeAt(i) !== 32 || day < 1 || day > 31) return null;
  i++;
  const c = (k: number) => line.charCodeAt(i + k) - 48;
  if (line.length < i + 8 || line.charCodeAt(i + 2) !== 58 || line.charCodeAt(i + 5) !== 58) return null;
  for (const k of [0, 1, 3, 4, 6, 7]) if (!digit(line.charCodeAt(i + k))) return null;
  const hour = c(0) * 10 + c(1);
  const minute = c(3) * 10 + c(4);
  const second = c(6) * 10 + c(7);
  if (!validClock(hour, minute, second)) return null;
  i += 8;
  let millis = 0;
  if (line.charCodeAt(i) === 46) {
    const m = /^\.(\d{1,9})/.exec(line.slice(i, i + 11));
    if (!m) return null;
    millis = fraction(m[1]);
    i += m[0].length;
  }
  if (i < line.length && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) return null;
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  return {
    kind: "syslog",
    year: null,
    month,
    day,
    hour,
    minute,
    second,
    millis,
    offsetMinutes: null,
    bootSeconds: null,
    lineYear: wantLineYear ? yearInLine(head) : null,
  };
}

/**
 * Finds the line's own timestamp (at its start, else early in it); null when there is none.
 * `wantLineYear` (default true): also look for a year elsewhere in a yearless line.
 */
export function parseTimestamp(line: string, wantLineYear = true): RawTimestamp | null {
  const syslog = syslogPrefix(line, wantLineYear);
  if (syslog) return syslog;
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  let m = ISO_START_RE.exec(head);
  if (m) {
    const r = fromIso(m);
    if (r) return r;
  }
  m = DMESG_RE.exec(head);
  if (m) {
    return {
      kind: "dmesg",
      year: null,
      month: null,
      day: 0,
      hour: 0,
      minute: 0,
      second: 0,
      millis: 0,
      offsetMinutes: null,
      bootSeconds: Number(`${m[1]}.${m[2]}`),
      lineYear: null,
    };
  }
  m = KLOG_START_RE.exec(head);
  if (m) {
    const r = fromKlog(m);
    if (r) return wantLineYear ? { ...r, lineYear: yearInLine(head) } : r;
  }
  m = ISO_ANY_RE.exec(head);
  if (m) {
    const r = fromIso(m);
    if (r) return r;
  }
  m = KLOG_ANY_RE.exec(head);
  if (m) {
    const r = fromKlog(m);
    if (r) return r;
  }
  return null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Milliseconds since the epoch for a raw wall-clock timestamp in the given year (zone-less = UTC). */
export function wallClockMs(ts: RawTimestamp, year: number): number | null {
  if (ts.kind === "dmesg" || ts.month === null) return null;
  const ms = Date.UTC(year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.millis);
  return ts.offsetMinutes === null ? ms : ms - ts.offsetMinutes * 60_000;
}

/** Display form: ISO-like with the year when known (zone kept as written), else as journald prints it. */
export function displayTimestamp(ts: RawTimestamp, year: number | null): string {
  if (ts.kind === "dmesg") return `${(ts.bootSeconds ?? 0).toFixed(6)}s after boot`;
  const clock = `${pad(ts.hour)}:${pad(ts.minute)}:${pad(ts.second)}`;
  if (year === null || ts.month === null) {
    return `${MONTHS[ts.month ?? 0]} ${String(ts.day).padStart(2, " ")} ${clock}`;
  }
  const zone =
    ts.offsetMinutes === null
      ? ""
      : ts.offsetMinutes === 0
        ? "Z"
        : `${ts.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(ts.offsetMinutes) / 60))}:${pad(Math.abs(ts.offsetMinutes) % 60)}`;
  return `${pad(year, 4)}-${pad(ts.month + 1)}-${pad(ts.day)}T${clock}${zone}`;
}

/**
 * One line's timestamp on its own (no rollover tracking): the year is the timestamp's own, else a
 * year found in the line, else `yearHint`. Returns null when the line has no timestamp.
 */
export function parseLineTimestamp(line: string, yearHint: number | null = null): LineTimestamp | null {
  const ts = parseTimestamp(line);
  if (!ts) return null;
  const year = ts.year ?? ts.lineYear ?? yearHint;
  return {
    ms: year === null ? null : wallClockMs(ts, year),
    display: displayTimestamp(ts, year),
    kind: ts.kind,
  };
}

/** Placeholder year for yearless timestamps until the real year is known (a leap year, so Feb 29 fits). */
export const PLACEHOLDER_YEAR = 2000;

/** A timestamp placed in file order: yearless ones carry how many Dec→Jan rollovers preceded them. */
export interface PlacedTimestamp {
  raw: RawTimestamp;
  /** Rollovers seen before this (yearless) timestamp in the file. */
  rollovers: number;
}

/**
 * Infers years for the yearless timestamps of one file, read in order. Rollover: a month more than
 * six months earlier than the previous one (Dec → Jan) starts a new year. The base year (that of the
 * first timestamps) comes from a year seen in a line (logrus `time="2024-…"`), else from `yearHint`,
 * which is taken as the year of the file's *last* lines (the year the report was taken).
 */
export class YearTracker {
  private rollovers = 0;
  private lastMonth = -1;
  private anchor: { year: number; rollovers: number } | null = null;
  private yearlessSeen = 0;

  constructor(private readonly yearHint: number | null) {}

  /** Whether lines are still worth searching for a year (none found yet, and not given up after many tries). */
  wantsLineYear(): boolean {
    return this.anchor === null && this.yearlessSeen < 2000;
  }

  place(raw: RawTimestamp): PlacedTimestamp {
    if (raw.year === null && raw.month !== null) {
      if (this.lastMonth >= 0 && raw.month < this.lastMonth - 6) this.rollovers++;
      this.lastMonth = raw.month;
      this.yearlessSeen++;
      if (raw.lineYear !== null && this.anchor === null) {
        this.anchor = { year: raw.lineYear, rollovers: this.rollovers };
      }
    }
    return { raw, rollovers: this.rollovers };
  }

  /** Year of the file's first yearless timestamps, or null when nothing tells it. */
  baseYear(): number | null {
    if (this.anchor) return this.anchor.year - this.anchor.rollovers;
    if (this.yearHint !== null && this.yearHint !== undefined) return this.yearHint - this.rollovers;
    return null;
  }

  /** The year of a placed timestamp: its own, else base + rollovers; null when unknown. */
  yearOf(p: PlacedTimestamp, base: number | null = this.baseYear()): number | null {
    if (p.raw.year !== null) return p.raw.year;
    if (p.raw.kind === "dmesg") return null;
    return base === null ? null : base + p.rollovers;
  }

  /** Wall-clock ms with the placeholder year when the real one is unknown (consistent within a file). */
  provisionalMs(p: PlacedTimestamp): number | null {
    if (p.raw.year !== null) return wallClockMs(p.raw, p.raw.year);
    return wallClockMs(p.raw, PLACEHOLDER_YEAR + p.rollovers);
  }
}

/** Moves a provisional (placeholder-year) minute key to the real base year. */
export function rebaseMinute(minute: number, base: number): number {
  const d = new Date(minute * 60_000);
  const year = d.getUTCFullYear() - PLACEHOLDER_YEAR + base;
  return Math.floor(
    Date.UTC(year, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()) / 60_000,
  );
}
