import { MiB, smallFileParser, splitLines } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { BackendListing } from "./types.js";

/** Enough for tens of thousands of entries; a backend folder never holds more. */
const MAX_ENTRIES = 20_000;

const SIZE_UNITS: Record<string, number> = { "": 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** An `ls -h` size ("8.0M", "1.9K", "63", "8,0M" in comma locales) in bytes (powers of 1024); null if not a size. */
export function parseSize(text: string): number | null {
  const match = /^(\d+(?:[.,]\d+)?)([KMGTPE]?)i?B?$/i.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1].replace(",", "."));
  const power = SIZE_UNITS[match[2].toUpperCase()];
  if (!Number.isFinite(value) || power === undefined) return null;
  return Math.round(value * 1024 ** power);
}

const PERMISSIONS = /^[-bcdlpsDw?][-rwxsStTlL]{9}[.+@]?$/;
const CLOSED_SEGMENT = /^\d+-\d+$/;
const OPEN_SEGMENT = /^open-\d+$/;
const SNAPSHOT = /^snapshot-\d+-\d+-\d+$/;

interface ListingEntry {
  name: string;
  sizeBytes: number | null;
  mtime: string | null;
}

/** One `ls -l` entry line ("-rw-rw---- 1 root microk8s 8.0M Oct 29 18:03 open-44"); null for other lines. */
function parseEntry(line: string): ListingEntry | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 7 || !PERMISSIONS.test(tokens[0]) || !/^\d+$/.test(tokens[1])) return null;
  // Usually owner and group precede the size (index 4); `ls -g`/`-o` style listings drop one of them.
  for (const sizeIndex of [4, 3]) {
    const sizeBytes = parseSize(tokens[sizeIndex] ?? "");
    if (sizeBytes === null || tokens.length < sizeIndex + 5) continue;
    const mtime = tokens.slice(sizeIndex + 1, sizeIndex + 4).join(" ");
    let name = tokens.slice(sizeIndex + 4).join(" ");
    if (tokens[0].startsWith("l")) name = name.replace(/ -> .*$/, "");
    name = name.replace(/^'(.*)'$/, "$1");
    return { name, sizeBytes, mtime };
  }
  return null;
}

/** dqlite/list.out: `ls -lh` of the dqlite backend folder. An empty file gives all zero. */
export function parseBackendListing(text: string): BackendListing {
  const listing: BackendListing = {
    totalBytes: null,
    entries: [],
    closedSegments: 0,
    openSegments: 0,
    snapshots: 0,
    hasJoinFile: false,
    hasInitYaml: false,
    hasLocalnodeYaml: false,
  };
  for (const line of splitLines(text)) {
    const total = /^\s*total\s+(\S+)\s*$/.exec(line);
    if (total) {
      listing.totalBytes ??= parseSize(total[1]);
      continue;
    }
    const entry = parseEntry(line);
    if (!entry) continue;
    if (listing.entries.length < MAX_ENTRIES) listing.entries.push(entry);
    const { name } = entry;
    if (CLOSED_SEGMENT.test(name)) listing.closedSegments++;
    else if (OPEN_SEGMENT.test(name)) listing.openSegments++;
    else if (SNAPSHOT.test(name)) listing.snapshots++;
    else if (name === "join") listing.hasJoinFile = true;
    else if (name === "init.yaml") listing.hasInitYaml = true;
    else if (name === "localnode.yaml") listing.hasLocalnodeYaml = true;
  }
  return listing;
}

export const dqliteListParser: FileParser = smallFileParser(
  "dqlite-list",
  (path) => path === "dqlite/list.out",
  4 * MiB,
  (text, { out }) => {
    out.dqliteList = parseBackendListing(text);
  },
);
