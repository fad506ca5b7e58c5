/**
 * Report clocks: when a report's logs end, and whether something logged is still going on then.
 * Minutes are counted since the epoch on the node's wall clock read as UTC, the scanner's scale
 * for `perMinute` (zone-less node-local times as UTC, ISO times with an offset converted).
 */

import { parseTimestamp, wallClockMs } from "../rules/timestamps.js";
import type { SignatureHit } from "../rules/types.js";
import type { ReportData } from "./types.js";

/** A failure whose last line is at most this long before its log ends is still going on. */
export const CURRENT_WINDOW_MINUTES = 15;

const HALF_YEAR_MINUTES = 183 * 24 * 60;

function yearOfMinute(minute: number): number {
  return new Date(minute * 60_000).getUTCFullYear();
}

/**
 * Minute of a timestamp as written ("Feb 06 18:52:40", "2023-02-06T18:52:40", "2024-10-29T17:41:12+05:30").
 * A yearless one takes the year that puts it nearest `near` (a minute known from the same log),
 * else `yearHint`; null when it cannot be placed.
 */
export function minuteOf(
  text: string | null | undefined,
  near: number | null = null,
  yearHint: number | null = null,
): number | null {
  if (!text) return null;
  const raw = parseTimestamp(text.trim(), false);
  if (!raw || raw.kind === "dmesg") return null;
  let year = raw.year;
  if (year === null) year = near !== null ? yearOfMinute(near) : yearHint;
  if (year === null) return null;
  let ms = wallClockMs(raw, year);
  if (ms === null) return null;
  if (raw.year === null && near !== null) {
    // Dec → Jan across the year boundary: pick the year that lands within half a year of `near`.
    const minute = ms / 60_000;
    if (minute < near - HALF_YEAR_MINUTES) ms = wallClockMs(raw, year + 1);
    else if (minute > near + HALF_YEAR_MINUTES) ms = wallClockMs(raw, year - 1);
  }
  return ms === null ? null : Math.floor(ms / 60_000);
}

/** Last minute a hit matched, from its per-minute buckets, else from its lastSeen text. */
export function hitLastMinute(hit: SignatureHit): number | null {
  let max: number | null = null;
  for (const minute of hit.perMinute?.keys() ?? []) {
    if (Number.isFinite(minute) && (max === null || minute > max)) max = minute;
  }
  return max ?? minuteOf(hit.lastSeen);
}

export function hitFirstMinute(hit: SignatureHit): number | null {
  let min: number | null = null;
  for (const minute of hit.perMinute?.keys() ?? []) {
    if (Number.isFinite(minute) && (min === null || minute < min)) min = minute;
  }
  return min ?? minuteOf(hit.firstSeen);
}

function yearHintOf(report: ReportData): number | null {
  return report.takenAt ? Number(report.takenAt.slice(0, 4)) || null : null;
}

/** Minute of the last line of one log file of the report (journal.log, systemctl.log …). */
export function fileEndMinute(report: ReportData, file: string, near: number | null = null): number | null {
  const journal = report.parsed.journals?.[file];
  if (!journal) return null;
  return minuteOf(journal.lastTimestamp, near, journal.yearHint ?? yearHintOf(report));
}

/** Last line of the logs of one service folder ("k8s-dqlite"), journal and status file together. */
export function serviceEndMinute(
  report: ReportData,
  service: string,
  near: number | null = null,
): number | null {
  let end: number | null = null;
  for (const journal of Object.values(report.parsed.journals ?? {})) {
    if (journal.service !== service) continue;
    const minute = minuteOf(journal.lastTimestamp, near, journal.yearHint ?? yearHintOf(report));
    if (minute !== null && (end === null || minute > end)) end = minute;
  }
  return end;
}

/** When the report was taken (from its name), else the last line of any of its service logs. */
export function reportMinute(report: ReportData, near: number | null = null): number | null {
  const taken = minuteOf(report.takenAt);
  if (taken !== null) return taken;
  let end: number | null = null;
  for (const journal of Object.values(report.parsed.journals ?? {})) {
    const minute = minuteOf(journal.lastTimestamp, near, journal.yearHint);
    if (minute !== null && (end === null || minute > end)) end = minute;
  }
  return end;
}

/** "2023-02-06 17:36" for a minute. */
export function minuteText(minute: number): string {
  return new Date(minute * 60_000).toISOString().slice(0, 16).replace("T", " ");
}

/** "17:36" for a minute (clock only). */
export function clockText(minute: number): string {
  return new Date(minute * 60_000).toISOString().slice(11, 16);
}

/** "40 min", "3 h", "2 days" for a span of minutes. */
export function spanText(minutes: number): string {
  if (minutes < 90) return `${Math.max(0, Math.round(minutes))} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}
