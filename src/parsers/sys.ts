import { MiB, smallFileParser, splitLines } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { DiskUsageRow, MemoryUsage, SnapRow, SysctlPair } from "./types.js";

const MAX_ROWS = 10_000;

/** sys/disk_usage: `df -h | grep ^/` rows (no header; a header line is skipped if present). */
export function parseDiskUsage(text: string): DiskUsageRow[] {
  const rows: DiskUsageRow[] = [];
  for (const line of splitLines(text)) {
    if (rows.length >= MAX_ROWS) break;
    const cells = line.trim().split(/\s+/);
    if (cells.length < 6) continue; // header-less wrapped rows or noise
    const percent = /^(\d{1,3})%$/.exec(cells[4]);
    if (!percent) continue; // the "Use%" header, "-" for pseudo file systems
    rows.push({
      filesystem: cells[0],
      size: cells[1],
      used: cells[2],
      avail: cells[3],
      usePercent: Number(percent[1]),
      mountpoint: cells.slice(5).join(" "),
    });
  }
  return rows;
}

function toMiB(cell: string | undefined): number | null {
  if (cell === undefined || !/^\d+$/.test(cell)) return null;
  return Number(cell);
}

/** sys/memory_usage: `free -m` (current "available" layout and the old "buffers/cached" one); null if no Mem row. */
export function parseMemoryUsage(text: string): MemoryUsage | null {
  const lines = splitLines(text).filter((line) => line.trim() !== "");
  const headerLine = lines.find((line) => /\btotal\b/.test(line) && !/:/.test(line));
  const header = headerLine
    ? headerLine.trim().split(/\s+/)
    : ["total", "used", "free", "shared", "buff/cache", "available"];
  const rowOf = (label: RegExp) => {
    const line = lines.find((candidate) => label.test(candidate.trim()));
    if (!line) return null;
    const cells = line.trim().split(/\s+/).slice(1);
    const row = new Map<string, string>();
    header.forEach((name, index) => {
      if (cells[index] !== undefined) row.set(name.toLowerCase(), cells[index]);
    });
    return row;
  };
  const mem = rowOf(/^Mem:/i);
  if (!mem) return null;
  const total = toMiB(mem.get("total"));
  const used = toMiB(mem.get("used"));
  if (total === null || used === null) return null;
  const swap = rowOf(/^Swap:/i);
  return {
    totalMiB: total,
    usedMiB: used,
    availableMiB: toMiB(mem.get("available")),
    swapTotalMiB: swap ? toMiB(swap.get("total")) : null,
    swapUsedMiB: swap ? toMiB(swap.get("used")) : null,
  };
}

/** sys/snap-list: `snap list` (Name Version Rev Tracking Publisher Notes); columns mapped by the header. */
export function parseSnapList(text: string): SnapRow[] {
  const lines = splitLines(text);
  const headerIndex = lines.findIndex((line) => /^\s*Name\s+Version\s+Rev\b/.test(line));
  if (headerIndex < 0) return [];
  const header = lines[headerIndex]
    .trim()
    .split(/\s+/)
    .map((name) => name.toLowerCase());
  const rows: SnapRow[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (rows.length >= MAX_ROWS) break;
    const cells = line.trim().split(/\s+/);
    if (cells.length < 3 || cells[0] === "") continue;
    const row = new Map<string, string>();
    header.forEach((name, index) => {
      // The last column (Notes) takes whatever is left.
      const value = index === header.length - 1 ? cells.slice(index).join(" ") : cells[index];
      if (value !== undefined && value !== "") row.set(name, value);
    });
    rows.push({
      name: row.get("name") ?? "",
      version: row.get("version") ?? "",
      rev: row.get("rev") ?? "",
      tracking: row.get("tracking") ?? "",
      notes: row.get("notes") ?? "",
    });
  }
  return rows;
}

const SYSCTL_FIELDS: Record<string, keyof SysctlPair> = {
  "fs.aio-nr": "aioNr",
  "fs.aio-max-nr": "aioMaxNr",
  "fs.inotify.max_user_instances": "inotifyMaxUserInstances",
  "fs.inotify.max_user_watches": "inotifyMaxUserWatches",
};

const FILE_FIELDS: Record<string, keyof SysctlPair> = {
  "sys/aio-nr": "aioNr",
  "sys/aio-max-nr": "aioMaxNr",
  "sys/inotify_max_user_instances": "inotifyMaxUserInstances",
  "sys/inotify_max_user_watches": "inotifyMaxUserWatches",
};

/** `sysctl` output lines ("fs.aio-nr = 12345") as name → value. */
export function parseSysctl(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of splitLines(text)) {
    const match = /^\s*([\w.\-/]+)\s*[=:]\s*(\d{1,20})\s*$/.exec(line);
    if (match) values[match[1].replace(/\//g, ".")] = Number(match[2]);
  }
  return values;
}

export function emptySysctl(): SysctlPair {
  return { aioNr: null, aioMaxNr: null, inotifyMaxUserInstances: null, inotifyMaxUserWatches: null };
}

/** Merges one sys/<sysctl> file into the shared SysctlPair (the four files feed one object). */
export function applySysctl(target: SysctlPair, path: string, text: string): void {
  const values = parseSysctl(text);
  let found = false;
  for (const [name, value] of Object.entries(values)) {
    const field = Object.hasOwn(SYSCTL_FIELDS, name) ? SYSCTL_FIELDS[name] : undefined;
    if (field) {
      target[field] = value;
      found = true;
    }
  }
  // A bare number (some sysctl versions with -n) still belongs to the file's own key.
  const bare = /^\s*(\d{1,20})\s*$/.exec(text);
  if (!found && bare && Object.hasOwn(FILE_FIELDS, path)) target[FILE_FIELDS[path]] = Number(bare[1]);
}

export const diskUsageParser: FileParser = smallFileParser(
  "sys-disk-usage",
  (path) => path === "sys/disk_usage",
  4 * MiB,
  (text, { out }) => {
    out.diskUsage = parseDiskUsage(text);
  },
);

export const memoryUsageParser: FileParser = smallFileParser(
  "sys-memory-usage",
  (path) => path === "sys/memory_usage",
  1 * MiB,
  (text, { path, out, warnings }) => {
    const memory = parseMemoryUsage(text);
    if (memory) out.memory = memory;
    else if (text.trim() !== "") warnings.push(`${path}: no "Mem:" row found`);
  },
);

export const snapListParser: FileParser = smallFileParser(
  "sys-snap-list",
  (path) => path === "sys/snap-list",
  4 * MiB,
  (text, { out }) => {
    out.snapList = parseSnapList(text);
  },
);

export const sysctlParser: FileParser = smallFileParser(
  "sys-sysctl",
  (path) => Object.hasOwn(FILE_FIELDS, path),
  1 * MiB,
  (text, { path, out }) => {
    out.sysctl ??= emptySysctl();
    applySysctl(out.sysctl, path, text);
  },
);
