/**
 * Disk trouble per node: kernel I/O and filesystem errors (apparmor/dmesg), filesystems nearly
 * full (sys/disk_usage) and "no space left on device" lines, plus the kernel OOM finding.
 */
import { splitKernelLine } from "../parsers/kernel.js";
import type { DiskUsageRow, KernelEvent } from "../parsers/types.js";
import { mostSevere } from "../result/severity.js";
import type { DiskError, DiskErrorKind, Evidence, Finding, Severity } from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { computedFinding } from "./catalogue-info.js";
import type { ReportData } from "./types.js";

const DMESG = "apparmor/dmesg";
const DISK_USAGE = "sys/disk_usage";
/** Where MicroK8s keeps containerd, kubelet and the datastore. */
const MICROK8S_PATHS = ["/var/snap/microk8s/common", "/var/snap/microk8s/current"];
const CONTROL_PLANE_PROCESSES = /k8s-dqlite|dqlite|kubelite|containerd|kube-apiserver|kubelet/i;

export interface DiskAnalysis {
  diskErrors: DiskError[];
  findings: Finding[];
}

/** Read-only images and tiny firmware partitions that are full by design. */
export function isIgnoredMount(row: Pick<DiskUsageRow, "filesystem" | "mountpoint">): boolean {
  const fs = row.filesystem;
  const mount = row.mountpoint;
  return (
    /^\/dev\/loop\d*/.test(fs) ||
    /^\/dev\/sr\d+/.test(fs) ||
    mount === "/snap" ||
    mount.startsWith("/snap/") ||
    mount.startsWith("/mnt/wsl/") ||
    mount === "/boot/efi" ||
    mount.startsWith("/usr/lib/wsl/")
  );
}

/** The mount holding `path`: the longest mountpoint that prefixes it. */
export function mountFor(path: string, rows: DiskUsageRow[]): DiskUsageRow | null {
  let best: DiskUsageRow | null = null;
  for (const row of rows) {
    const mount = row.mountpoint;
    const holds = mount === "/" || path === mount || path.startsWith(`${mount.replace(/\/$/, "")}/`);
    if (holds && (!best || mount.length > best.mountpoint.length)) best = row;
  }
  return best;
}

/** JBD2 names its journal "<device>-<inode>" ("sda-8"); dm-N devices keep their dash. */
export function normaliseDevice(device: string): string {
  const trimmed = device.trim().replace(/[.:,]+$/, "");
  if (!trimmed) return "unknown";
  const journal = /^(.+)-\d+$/.exec(trimmed);
  if (journal && journal[1] !== "dm") return journal[1];
  return trimmed;
}

function diskKind(event: KernelEvent): DiskErrorKind | null {
  switch (event.kind) {
    case "io-error":
      return "io-error";
    case "fs-error":
    case "read-only":
      return "fs-error";
    case "smart":
      return "smart";
    default:
      return null;
  }
}

/** "re-mounted. Opts: …errors=remount-ro" is a mount option, not an error. */
function isBenign(event: KernelEvent): boolean {
  return (
    /re-?mounted\.? Opts:|mounted filesystem with/i.test(event.text) &&
    !/read-only|error \(/i.test(event.text)
  );
}

/**
 * ext4's periodic reminder of errors recorded earlier ("last error at time …", "error count since
 * last fsck: 37"): a summary, not a new error. Shown only when no actual error line exists.
 */
const EXT4_SUMMARY =
  /\bEXT[234]-fs \([^)]*\): (?:last error at|initial error at|error count since last fsck)/i;

export function isErrorSummary(event: Pick<KernelEvent, "text">): boolean {
  return EXT4_SUMMARY.test(event.text);
}

/**
 * The lines that stand for a group of events: the actual errors when there are any, the summary
 * lines otherwise; and how many of the group's lines to count (summaries left out next to errors).
 */
function representative(events: KernelEvent[], total: number): { shown: KernelEvent[]; count: number } {
  const actual = events.filter((e) => !isErrorSummary(e));
  if (actual.length === 0 || actual.length === events.length) return { shown: events, count: total };
  const summaries = events.length - actual.length;
  return { shown: actual, count: Math.max(actual.length, total - summaries) };
}

interface Group {
  node: string | null;
  device: string;
  kind: DiskErrorKind;
  count: number;
  sample: string;
  firstSeen: string | null;
  lastSeen: string | null;
  file: string;
  line: number;
  source: string;
}

class Groups {
  private readonly map = new Map<string, Group>();

  add(report: ReportData, init: Omit<Group, "node" | "source">) {
    const node = report.identity.node;
    const key = `${node ?? `#${report.source}`}\u0000${init.kind}\u0000${init.device}`;
    const existing = this.map.get(key);
    if (!existing) {
      this.map.set(key, { ...init, node, source: report.source });
      return;
    }
    existing.count += init.count;
    existing.lastSeen = init.lastSeen ?? existing.lastSeen;
    existing.firstSeen ??= init.firstSeen;
  }

  values(): Group[] {
    return [...this.map.values()];
  }
}

function kernelGroups(report: ReportData, groups: Groups) {
  const kernel = report.parsed.kernel;
  if (!kernel) return;
  const byKey = new Map<
    string,
    { kind: DiskErrorKind; device: string; events: KernelEvent[]; rawKeys: Set<string> }
  >();
  for (const event of kernel.events) {
    const kind = diskKind(event);
    if (!kind || isBenign(event)) continue;
    const device = normaliseDevice(event.device);
    const key = `${kind}\u0000${device}`;
    const entry = byKey.get(key) ?? { kind, device, events: [], rawKeys: new Set<string>() };
    entry.events.push(event);
    entry.rawKeys.add(`${event.kind}:${event.device}`);
    byKey.set(key, entry);
  }
  const counted = new Set<string>();
  for (const { kind, device, events, rawKeys } of byKey.values()) {
    let count = 0;
    for (const raw of rawKeys) {
      counted.add(raw);
      const perKey = kernel.eventCounts?.[raw];
      count += perKey ?? events.filter((e) => `${e.kind}:${e.device}` === raw).length;
    }
    const { shown, count: lines } = representative(events, Math.max(count, events.length));
    groups.add(report, {
      device,
      kind,
      count: lines,
      // The kernel message itself; its time is in firstSeen.
      sample: splitKernelLine(shown[0].text).message || shown[0].text,
      firstSeen: shown[0].timestamp,
      lastSeen: shown[shown.length - 1].timestamp,
      file: DMESG,
      line: shown[0].line,
    });
  }
  // Devices only counted (beyond the kept events).
  for (const [raw, count] of Object.entries(kernel.eventCounts ?? {})) {
    if (counted.has(raw) || count <= 0) continue;
    const [rawKind, ...rest] = raw.split(":");
    const kind = diskKind({
      kind: rawKind as KernelEvent["kind"],
      device: "",
      line: 0,
      text: "",
      timestamp: null,
    });
    if (!kind) continue;
    const device = normaliseDevice(rest.join(":"));
    groups.add(report, {
      device,
      kind,
      count,
      sample: `${count} ${rawKind} line(s) for ${device} in the kernel log`,
      firstSeen: null,
      lastSeen: null,
      file: DMESG,
      line: 1,
    });
  }
}

function rowText(row: DiskUsageRow): string {
  return `${row.filesystem} ${row.size} ${row.used} ${row.avail} ${row.usePercent}% ${row.mountpoint}`;
}

function usageSeverity(percent: number, holdsMicroK8s: boolean): Severity | null {
  if (holdsMicroK8s) {
    if (percent >= 97) return "critical";
    if (percent >= 90) return "high";
    if (percent >= 85) return "low";
    return null;
  }
  if (percent >= 97) return "high";
  if (percent >= 90) return "medium";
  return null;
}

function usage(report: ReportData, groups: Groups, catalogue: Catalogue | undefined): Finding | null {
  const rows = report.parsed.diskUsage ?? [];
  const real = rows.filter((row) => !isIgnoredMount(row));
  const microk8sMounts = new Set(
    MICROK8S_PATHS.map((p) => mountFor(p, real)).filter((row): row is DiskUsageRow => row !== null),
  );
  let worst: Severity | null = null;
  const evidence: Evidence[] = [];
  const details: string[] = [];
  for (const row of real) {
    const line = rows.indexOf(row) + 1;
    const severity = usageSeverity(row.usePercent, microk8sMounts.has(row));
    if (!severity) continue;
    worst = worst ? mostSevere(worst, severity) : severity;
    evidence.push({ file: DISK_USAGE, line, text: rowText(row), source: report.source });
    details.push(`${row.mountpoint} at ${row.usePercent}%`);
    if (row.usePercent >= 90) {
      groups.add(report, {
        device: row.mountpoint,
        kind: "disk-full",
        count: 1,
        sample: rowText(row),
        firstSeen: null,
        lastSeen: null,
        file: DISK_USAGE,
        line,
      });
    }
  }
  if (!worst) return null;
  return computedFinding(catalogue, "disk.usage-high", {
    node: report.identity.node,
    evidence,
    severity: worst,
    detail: details.join(", "),
  });
}

const WRITTEN_PATH = /(\/(?:var|snap|tmp|home|data|mnt|opt|srv|root|run|etc|usr|media)(?:\/[^\s:"'`)\]]*)?)/;

function noSpaceGroups(report: ReportData, groups: Groups) {
  const rows = (report.parsed.diskUsage ?? []).filter((row) => !isIgnoredMount(row));
  for (const hit of report.hits) {
    if (hit.ruleId !== "disk.no-space" || hit.count === 0) continue;
    const sample = hit.samples[0];
    const path = sample ? WRITTEN_PATH.exec(sample.text)?.[1] : undefined;
    const mount = path ? mountFor(path, rows) : null;
    groups.add(report, {
      device: mount?.mountpoint ?? "unknown",
      kind: "disk-full",
      count: hit.count,
      sample: sample?.text ?? "no space left on device",
      firstSeen: hit.firstSeen,
      lastSeen: hit.lastSeen,
      file: hit.file,
      line: sample?.line ?? 1,
    });
  }
}

function kernelFindings(report: ReportData, catalogue: Catalogue | undefined): Finding[] {
  const events = (report.parsed.kernel?.events ?? []).filter((e) => !isBenign(e));
  const counts = report.parsed.kernel?.eventCounts;
  const node = report.identity.node;
  const findings: Finding[] = [];
  const build = (id: string, kinds: KernelEvent["kind"][], severity?: Severity) => {
    const all = events.filter((e) => kinds.includes(e.kind));
    if (all.length === 0) return;
    const rawKeys = new Set(all.map((e) => `${e.kind}:${e.device}`));
    let total = 0;
    for (const raw of rawKeys)
      total += counts?.[raw] ?? all.filter((e) => `${e.kind}:${e.device}` === raw).length;
    const { shown: matching, count } = representative(all, Math.max(total, all.length));
    const devices = [
      ...new Set(matching.map((e) => (e.kind === "oom" ? e.device : normaliseDevice(e.device)))),
    ].filter((d) => d && d !== "unknown");
    // One sample per device first, so that every device shows.
    const samples: KernelEvent[] = [];
    for (const device of devices) {
      const first = matching.find(
        (e) => (e.kind === "oom" ? e.device : normaliseDevice(e.device)) === device,
      );
      if (first && samples.length < 3) samples.push(first);
    }
    for (const e of matching) if (samples.length < 3 && !samples.includes(e)) samples.push(e);
    findings.push(
      computedFinding(catalogue, id, {
        node,
        count: Math.max(count, matching.length),
        evidence: samples.map((e) => ({ file: DMESG, line: e.line, text: e.text, source: report.source })),
        severity,
        detail: devices.length > 0 ? devices.slice(0, 4).join(", ") : undefined,
        firstSeen: matching[0].timestamp,
        lastSeen: matching[matching.length - 1].timestamp,
      }),
    );
  };
  build("kernel.io-error", ["io-error", "smart"]);
  build("kernel.ext4-error", ["fs-error", "read-only"]);
  const victims = events.filter((e) => e.kind === "oom").map((e) => e.device);
  build("kernel.oom", ["oom"], victims.some((v) => CONTROL_PLANE_PROCESSES.test(v)) ? "critical" : undefined);
  return findings;
}

const KIND_ORDER: DiskErrorKind[] = ["io-error", "fs-error", "smart", "disk-full", "other"];

export function analyzeDisks(reports: ReportData[], catalogue?: Catalogue): DiskAnalysis {
  const groups = new Groups();
  const findings: Finding[] = [];
  for (const report of reports) {
    kernelGroups(report, groups);
    noSpaceGroups(report, groups);
    const high = usage(report, groups, catalogue);
    if (high) findings.push(high);
    findings.push(...kernelFindings(report, catalogue));
  }
  const diskErrors: DiskError[] = groups
    .values()
    .map((g) => ({
      node: g.node,
      device: g.device,
      kind: g.kind,
      count: g.count,
      sample: g.sample,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      file: g.file,
      line: g.line,
    }))
    .sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        (a.node ?? "\uffff").localeCompare(b.node ?? "\uffff") ||
        b.count - a.count ||
        a.device.localeCompare(b.device),
    );
  return { diskErrors, findings };
}
