/** The parts of one journalctl line ("short", "short-precise", "short-iso" or "short-full" output). */
export interface JournalLine {
  /** As written: "Oct 29 17:22:58", "2021-07-31T10:52:31Z", "Tue 2024-10-29 17:40:59 IST". */
  timestamp: string;
  /** Null for lines pasted without the host field ("2020-10-22T14:08:28Z microk8s.daemon-containerd[56113]: …"). */
  host: string | null;
  /** Syslog identifier without the pid: "microk8s.daemon-k8s-dqlite", "systemd", "kernel". */
  identifier: string;
  payload: string;
  /** Four-digit year when the timestamp carries one (ISO and full forms). */
  year: number | null;
}

// The host is optional; when present it is tried first, so "host ident[pid]:" always keeps its host.
const REST = String.raw`(?: (\S+))? ([^\s[\]:]{1,256})(?:\[\d{1,10}\])?:(?: |$)`;
/** `Oct 29 17:22:58 host ident[pid]: payload`; month names may be localised, days space-padded. */
const SHORT_LINE = new RegExp(
  String.raw`^(\p{L}{2,5}\.? {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)${REST}`,
  "u",
);
/** `2021-07-31T10:52:31Z host ident[pid]: payload`, also `+0000` / `+00:00` offsets and fractions. */
const ISO_LINE = new RegExp(
  String.raw`^((\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)${REST}`,
);
/** `Tue 2024-10-29 17:40:59 IST host ident[pid]: payload` (journalctl -o short-full). */
const FULL_LINE = new RegExp(
  String.raw`^(\p{L}{2,4},? (\d{4})-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})? [A-Za-z][\w+-]{0,9})${REST}`,
  "u",
);

/** Splits a journal line into its fields; null for lines without the journal prefix ("-- Boot … --", continuations). */
export function splitJournalLine(line: string): JournalLine | null {
  const short = SHORT_LINE.exec(line);
  if (short) return toLine(line, short, short[1], null, short[2], short[3]);
  const iso = ISO_LINE.exec(line);
  if (iso) return toLine(line, iso, iso[1], Number(iso[2]), iso[3], iso[4]);
  const full = FULL_LINE.exec(line);
  if (full) return toLine(line, full, full[1], Number(full[2]), full[3], full[4]);
  return null;
}

function toLine(
  line: string,
  match: RegExpExecArray,
  timestamp: string,
  year: number | null,
  host: string | undefined,
  identifier: string,
): JournalLine {
  return { timestamp, host: host ?? null, identifier, payload: line.slice(match[0].length), year };
}

/** Years outside this range are noise (dates in payloads, clocks reset to the epoch). */
export function plausibleYear(year: number): boolean {
  return year >= 2000 && year <= 2100;
}
