/**
 * Time formatting for the formats found in inspection reports. Times are epoch milliseconds
 * (fractions allowed, for micro/nanosecond fields); wall-clock output uses the node's fixed UTC
 * offset, never the machine's time zone, so output is identical everywhere.
 */

export interface Zone {
  /** Minutes east of UTC: 0 for GMT, 330 for IST, -300 for EST. */
  offsetMinutes: number;
  /** Abbreviation as systemd prints it: "GMT", "UTC", "IST", "CST". */
  abbrev: string;
}

export const UTC: Zone = { offsetMinutes: 0, abbrev: "UTC" };

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * Parses "2023-02-06T18:52:44" (node-local wall time in `zone`) or an ISO string with "Z" or an
 * explicit offset (absolute). Throws on anything else: sample specs must be exact.
 */
export function toEpoch(iso: string, zone: Zone): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(iso);
  if (!m) throw new Error(`bad timestamp in sample spec: ${iso}`);
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + fracMs;
  if (tz === undefined) return wall - zone.offsetMinutes * MINUTE;
  if (tz === "Z") return wall;
  const sign = tz[0] === "-" ? -1 : 1;
  const off = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
  return wall - off * MINUTE;
}

/** Wall-clock fields in the zone. */
function wall(t: number, zone: Zone): Date {
  return new Date(Math.floor(t) + zone.offsetMinutes * MINUTE);
}

function offsetSuffix(zone: Zone, zulu: boolean): string {
  if (zone.offsetMinutes === 0 && zulu) return "Z";
  const sign = zone.offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(zone.offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** journalctl short format: "Feb 06 18:40:01". */
export function journalTime(t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "2023-02-06 18:40:01" */
export function dateTime(t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Sub-second digits of t: 3 (ms), 6 (µs) or 9 (ns, the last three derived from the fraction). */
export function fraction(t: number, digits: 3 | 6 | 9): string {
  const ns = Math.floor((t - Math.floor(t / 1000) * 1000) * 1e6);
  return pad(ns, 9).slice(0, digits);
}

/** logrus / RFC 3339 as Go prints it: "2023-02-06T18:40:01Z", "2024-10-29T17:41:12+05:30", optional fraction. */
export function rfc3339(t: number, zone: Zone, fractionDigits: 0 | 3 | 6 | 9 = 0): string {
  const base = dateTime(t, zone).replace(" ", "T");
  const frac = fractionDigits === 0 ? "" : `.${fraction(t, fractionDigits)}`;
  return `${base}${frac}${offsetSuffix(zone, true)}`;
}

/** Kubernetes API timestamps are always UTC: "2023-02-06T18:40:01Z". */
export function k8sTime(t: number): string {
  return rfc3339(t, UTC);
}

/** klog header: "E0206 18:40:01.123456". */
export function klogTime(severity: "I" | "W" | "E" | "F", t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${severity}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction(t, 6)}`;
}

/** Go's log package: "2023/02/06 18:40:01". */
export function goLogTime(t: number, zone: Zone): string {
  return dateTime(t, zone).replace(/-/g, "/");
}

/** calico / felix: "2023-02-06 18:40:01.123". */
export function calicoTime(t: number, zone: Zone): string {
  return `${dateTime(t, zone)}.${fraction(t, 3)}`;
}

/** systemctl "since": "Mon 2023-02-06 17:36:12 GMT". */
export function systemdTime(t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${WEEKDAYS[d.getUTCDay()]} ${dateTime(t, zone)} ${zone.abbrev}`;
}

/** systemd's relative time: "1h 16min ago", "2 weeks 0 days ago". */
export function systemdAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 1) return `${Math.max(1, Math.floor(ms))}ms ago`;
  const days = Math.floor(s / 86400);
  if (days >= 7) {
    const w = Math.floor(days / 7);
    const d = days % 7;
    return `${w} week${w === 1 ? "" : "s"} ${d} day${d === 1 ? "" : "s"} ago`;
  }
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (days >= 1) return `${days} day${days === 1 ? "" : "s"} ${h}h ago`;
  if (h >= 1) return `${h}h ${m}min ago`;
  if (m >= 1) return `${m}min ago`;
  return `${s}s ago`;
}

/** kubectl's HumanDuration for AGE columns: "45s", "5m3s", "74m", "3h12m", "14d". */
export function kubectlAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y${d % 365}d`;
}

/** `ls -l` date column: "Feb  6 18:40" within six months of `now`, else "Aug 22  2022". */
export function lsTime(t: number, zone: Zone, now: number): string {
  const d = wall(t, zone);
  const day = String(d.getUTCDate()).padStart(2, " ");
  const recent = Math.abs(now - t) < 182 * DAY;
  const tail = recent ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

/** Kernel printk prefix: "[    9.021800]", "[1209123.456789]". */
export function dmesgStamp(secondsSinceBoot: number): string {
  // Round to whole microseconds first: 1209123.456789 is not exact in binary.
  const total = Math.round(secondsSinceBoot * 1e6);
  const whole = Math.floor(total / 1e6);
  const micros = total - whole * 1e6;
  return `[${String(whole).padStart(5, " ")}.${pad(micros, 6)}]`;
}

/** `uptime` output: " 18:52:44 up 14 days,  3:12,  1 user,  load average: 2.31, 2.05, 1.87" */
export function uptimeLine(
  now: number,
  bootedAt: number,
  zone: Zone,
  users: number,
  load: [number, number, number],
): string {
  const d = wall(now, zone);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const up = Math.max(0, now - bootedAt);
  const days = Math.floor(up / DAY);
  const h = Math.floor((up % DAY) / HOUR);
  const m = Math.floor((up % HOUR) / MINUTE);
  let upText: string;
  if (days > 0) {
    const rest = h > 0 ? `${String(h).padStart(2, " ")}:${pad(m)}` : `${m} min`;
    upText = `${days} day${days === 1 ? "" : "s"}, ${rest}`;
  } else if (h > 0) {
    upText = `${String(h).padStart(2, " ")}:${pad(m)}`;
  } else {
    upText = `${m} min`;
  }
  const userText = `${users} user${users === 1 ? "" : "s"}`;
  const loadText = load.map((l) => l.toFixed(2)).join(", ");
  return ` ${clock} up ${upText},  ${userText},  load average: ${loadText}`;
}

/** "06-Feb-2023 18:39:49.000" as used in apiserver trace headers. */
export function traceStartTime(t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction(t, 3)}`;
}

/** "18:40:01.122" (trace step clock). */
export function clockMs(t: number, zone: Zone): string {
  const d = wall(t, zone);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction(t, 3)}`;
}

/** YYYYMMDD_HHMMSS as in the tarball name. */
export function tarballStamp(t: number, zone: Zone): string {
  return dateTime(t, zone).replace(/-/g, "").replace(" ", "_").replace(/:/g, "");
}
