import { clip, lineFileParser, splitLines } from "./common.js";
import { splitJournalLine } from "./journal-line.js";
import type { FileParser } from "./registry-types.js";
import type { KernelEvent, ParsedReport } from "./types.js";

/** Events kept per kind and device; the rest are only counted (eventCounts). */
export const MAX_EVENTS_PER_KEY = 200;
/** Distinct kind:device keys tracked; further keys are counted under "<kind>:(other)". */
const MAX_KEYS = 500;
const MAX_EVENT_TEXT = 1000;

export type KernelEventKind = KernelEvent["kind"];

export interface KernelMatch {
  kind: KernelEventKind;
  device: string;
}

export interface KernelLineParts {
  /** "[  306.925814]" (dmesg) or the journal timestamp (`journalctl -k`), as written. */
  timestamp: string | null;
  message: string;
}

const DMESG_STAMP = /^\[\s*[^\]]{1,40}\]/;

/** Separates the timestamp prefix(es) of a dmesg or `journalctl -k` line from the kernel message. */
export function splitKernelLine(line: string): KernelLineParts {
  let timestamp: string | null = null;
  let message = line;
  const journal = splitJournalLine(line);
  if (journal) {
    timestamp = journal.timestamp;
    message = journal.payload;
  }
  const stamp = DMESG_STAMP.exec(message);
  if (stamp) {
    timestamp ??= stamp[0];
    message = message.slice(stamp[0].length).trimStart();
  }
  return { timestamp, message };
}

/** "sda-8" (ext4 journal device: block device + journal inode) → "sda"; "dm-0-8" → "dm-0". */
export function journalDeviceToDisk(device: string): string {
  const disk = device.replace(/-\d+$/, "");
  // An external journal is named by its bare device; "dm-0" must not lose its number.
  return disk === "" || disk === "dm" ? device : disk;
}

// Cheap pre-filter: most dmesg lines mention none of these, so they skip all the patterns below.
const CANDIDATE =
  /error|I\/O|read-?only|oom|out of memory|ata\d|Sense|smartd|XFS|BTRFS|JBD2|EXT[234]-fs|Aborting journal/i;

const OOM_INVOKED = /^(\S+?) invoked oom-killer\b/;
const OOM_INVOKED_ANYWHERE = /\b(\S+) invoked oom-killer\b/;
const OOM_KILLED =
  /\b(?:Out of memory|Memory cgroup out of memory)(?: \([^)]*\))?: Kill(?:ed)? process \d+ \(([^)]*)\)/;
const OOM_KILL_TASK = /\boom-kill:.*?\btask=([^,\s]+)/;

const READ_ONLY = /\bRemounting filesystem read-only\b/;
const FS_DEVICE = /\b(?:EXT[234]-fs|XFS|BTRFS)[^(]{0,20}\((?:device )?([^)\s]+)\)/;
const BTRFS_FORCED_RO = /\bBTRFS[^(]{0,20}\(device ([^)\s]+)\)[^:]*: forced readonly\b/;

const EXT_ERROR = /\bEXT[234]-fs error \(device ([^)\s]+)\)/;
const EXT_WARNING = /\bEXT[234]-fs warning \(device ([^)\s]+)\):(.*)$/;
const EXT_WARNING_BAD = /I\/O error|\berror\b|corrupt/i;
const EXT_MOUNT_BAD =
  /\bEXT[234]-fs \(([^)\s]+)\): (?:warning: mounting fs with errors|error count since last fsck|initial error at|last error at|.*\bI\/O error\b)/;
const ABORTING_JOURNAL = /\bAborting journal on device (\S+?)\.?$/;
const JBD2_ERROR = /\bJBD2: .*?(?:\bError\b|\berror\b|IO errors).*?\b(?:for|on) (\S+?)\.?$/;
const XFS_LINE = /\bXFS \(([^)\s]+)\): (.*)$/;
const XFS_BAD =
  /I\/O error|Corruption|corrupt|Filesystem has been shut down|shutting down filesystem|Metadata CRC error|xfs_do_force_shutdown|Internal error/i;
// "BTRFS error (device sdb1): …", "BTRFS: error (device sdb1) in …", "BTRFS warning (device sda): csum failed …".
const BTRFS_LINE =
  /\bBTRFS(?::? (error|critical|warning|info|notice|emerg|alert|crit|err))? \(device ([^)\s]+)\)(.*)$/;
const BTRFS_WARNING_BAD = /csum failed|\berror|corrupt|\berrs: /i;

const BUFFER_IO = /\bBuffer I\/O error on dev(?:ice)? ([^\s,]+)/;
const BLOCK_ERROR =
  /\b(?:I\/O|critical medium|critical target|critical nexus|critical space allocation|critical protection|recoverable transport|timeout) error, dev ([^\s,]+)/;
const NVME_IO = /\b(nvme\d+n\d+): I\/O Cmd\(.*\bI\/O Error\b/i;

const ATA_ERROR =
  /\b(ata\d+(?:\.\d+)?): (?:failed command:|exception Emask|SError:|status: \{[^}]*\bERR\b|error: \{)/;
const SENSE_MEDIUM =
  /\bSense Key\s*:\s*(?:Medium Error|Hardware Error)|\bAdd\. Sense: Unrecovered read error/;
const SCSI_DEVICE = /\[(sd[a-z]+|sr\d+|st\d+|nvme\w+|vd[a-z]+)\]/;
const SMARTD_FAILED = /\bsmartd\b.*\bFAILED\b/;
const DEV_PATH = /\/dev\/([\w-]+)/;

/**
 * Classifies one kernel message (prefix already removed). `lastFsDevice` names the device of the most
 * recent filesystem error, for the bare "Remounting filesystem read-only" of older ext3/ext4.
 */
export function classifyKernelMessage(
  message: string,
  lastFsDevice: string | null = null,
): KernelMatch | null {
  if (!CANDIDATE.test(message)) return null;
  // Read-only remounts come before fs errors: "EXT4-fs (sda1): Remounting filesystem read-only".
  if (READ_ONLY.test(message)) {
    return { kind: "read-only", device: FS_DEVICE.exec(message)?.[1] ?? lastFsDevice ?? "unknown" };
  }
  for (const rule of KERNEL_RULES) {
    const match = rule.pattern.exec(message);
    if (!match) continue;
    const device = rule.device(match);
    if (device !== null) return { kind: rule.kind, device: device || "unknown" };
  }
  return null;
}

interface KernelRule {
  kind: KernelEventKind;
  pattern: RegExp;
  /** The device (or OOM victim) of a match; null when the match turns out not to be an error. */
  device(match: RegExpExecArray): string | null;
}

const first = (match: RegExpExecArray) => match[1];
const BTRFS_ERROR_LEVELS = /^(?:error|critical|crit|err|emerg|alert)$/;

/** Tried in order; the first rule whose pattern matches and whose device() is not null wins. */
const KERNEL_RULES: readonly KernelRule[] = [
  // Out-of-memory kills: device = the victim (for "invoked oom-killer", the invoking task).
  { kind: "oom", pattern: OOM_KILLED, device: first },
  { kind: "oom", pattern: OOM_KILL_TASK, device: first },
  { kind: "oom", pattern: OOM_INVOKED, device: first },
  { kind: "oom", pattern: OOM_INVOKED_ANYWHERE, device: first },
  { kind: "read-only", pattern: BTRFS_FORCED_RO, device: first },
  // Filesystem errors.
  { kind: "fs-error", pattern: EXT_ERROR, device: first },
  { kind: "fs-error", pattern: EXT_WARNING, device: (m) => (EXT_WARNING_BAD.test(m[2]) ? m[1] : null) },
  { kind: "fs-error", pattern: EXT_MOUNT_BAD, device: first },
  { kind: "fs-error", pattern: ABORTING_JOURNAL, device: (m) => journalDeviceToDisk(m[1]) },
  { kind: "fs-error", pattern: JBD2_ERROR, device: (m) => journalDeviceToDisk(m[1]) },
  { kind: "fs-error", pattern: XFS_LINE, device: (m) => (XFS_BAD.test(m[2]) ? m[1] : null) },
  {
    kind: "fs-error",
    pattern: BTRFS_LINE,
    device: (m) => {
      const level = m[1] ?? "";
      if (BTRFS_ERROR_LEVELS.test(level)) return m[2];
      return level === "warning" && BTRFS_WARNING_BAD.test(m[3]) ? m[2] : null;
    },
  },
  // Block-layer I/O errors.
  { kind: "io-error", pattern: BUFFER_IO, device: first },
  { kind: "io-error", pattern: BLOCK_ERROR, device: first },
  { kind: "io-error", pattern: NVME_IO, device: first },
  // ATA / SCSI sense data / smartd.
  { kind: "smart", pattern: ATA_ERROR, device: first },
  { kind: "smart", pattern: SENSE_MEDIUM, device: (m) => SCSI_DEVICE.exec(m.input)?.[1] ?? "unknown" },
  { kind: "smart", pattern: SMARTD_FAILED, device: (m) => DEV_PATH.exec(m.input)?.[1] ?? "unknown" },
];

export interface KernelSummary {
  events: KernelEvent[];
  lines: number;
  eventCounts: Record<string, number>;
}

/** Streaming collector for apparmor/dmesg: counters and a bounded sample of events, never the text. */
export function createKernelCollector() {
  const events: KernelEvent[] = [];
  const counts = new Map<string, number>();
  let lastFsDevice: string | null = null;
  return {
    line(text: string, lineNo: number): void {
      const { timestamp, message } = splitKernelLine(text);
      const match = classifyKernelMessage(message, lastFsDevice);
      if (!match) return;
      if (match.kind === "fs-error") lastFsDevice = match.device;
      let key = `${match.kind}:${match.device}`;
      if (!counts.has(key) && counts.size >= MAX_KEYS) key = `${match.kind}:(other)`;
      const seen = (counts.get(key) ?? 0) + 1;
      counts.set(key, seen);
      if (seen > MAX_EVENTS_PER_KEY || key.endsWith(":(other)")) return;
      events.push({
        kind: match.kind,
        device: match.device,
        line: lineNo,
        text: clip(text, MAX_EVENT_TEXT),
        timestamp,
      });
    },
    finish(lines: number): KernelSummary {
      return { events, lines, eventCounts: Object.fromEntries(counts) };
    },
  };
}

/** Scans a whole dmesg text held in memory (tests, small inputs). */
export function parseDmesg(text: string): KernelSummary {
  const collector = createKernelCollector();
  const lines = splitLines(text);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, index) => {
    collector.line(line, index + 1);
  });
  return collector.finish(lines.length);
}

function storeKernel(out: ParsedReport, summary: KernelSummary): void {
  out.kernel = summary;
}

export const kernelParser: FileParser = lineFileParser(
  "kernel-log",
  (path) => path === "apparmor/dmesg",
  (_path, out) => {
    const collector = createKernelCollector();
    return {
      onLine: (line, lineNo) => collector.line(line, lineNo),
      onEnd: (lines) => storeKernel(out, collector.finish(lines)),
    };
  },
);
