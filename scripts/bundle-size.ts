/**
 * After `osls package`: prints each function's bundle size from its .zip and fails when the
 * receiver's code grows past its budget (it must stay a thin verifier + Invoke call, see
 * serverless.yml). Usage: tsx scripts/bundle-size.ts [package dir (default .serverless)]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";

/** Budget for the receiver's unzipped JavaScript (source maps not counted). */
export const RECEIVER_CODE_BUDGET_BYTES = 1024 * 1024;
export const RECEIVER_ZIP = "webhook.zip";

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  read(): Buffer;
}

/** The entries of a zip archive (central directory; no ZIP64, which osls never writes for these sizes). */
export function listZip(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("corrupt zip: bad central directory entry");
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    if (compressedSize === 0xffffffff || size === 0xffffffff)
      throw new Error(`ZIP64 entry ${name} is not supported`);
    entries.push({
      name,
      compressedSize,
      size,
      read: () => {
        const dataStart =
          localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`zip entry ${name} uses unsupported compression method ${method}`);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let offset = zip.length - 22; offset >= earliest; offset--) {
    if (zip.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  throw new Error("not a zip archive (no end of central directory)");
}

export interface BundleSize {
  file: string;
  zipBytes: number;
  /** Unzipped JavaScript (.mjs/.cjs/.js). */
  codeBytes: number;
  /** Unzipped source maps. */
  mapBytes: number;
  /** Everything else (e.g. signatures.yaml). */
  otherBytes: number;
}

export function measureBundle(file: string, zip: Buffer): BundleSize {
  const size = { file, zipBytes: zip.length, codeBytes: 0, mapBytes: 0, otherBytes: 0 };
  for (const entry of listZip(zip)) {
    if (entry.name.endsWith("/")) continue;
    if (entry.name.endsWith(".map")) size.mapBytes += entry.size;
    else if (/\.[cm]?js$/.test(entry.name)) size.codeBytes += entry.size;
    else size.otherBytes += entry.size;
  }
  return size;
}

/** Every source file bundled into a zip, from its source maps (paths as esbuild wrote them). */
export function bundledSources(zip: Buffer): string[] {
  const sources: string[] = [];
  for (const entry of listZip(zip)) {
    if (!entry.name.endsWith(".map")) continue;
    const map = JSON.parse(entry.read().toString("utf8")) as { sources?: unknown };
    if (Array.isArray(map.sources))
      sources.push(...map.sources.filter((s): s is string => typeof s === "string"));
  }
  return sources;
}

/** One line per bundle, and what is wrong (null when the receiver is within budget). */
export function checkBundles(
  sizes: BundleSize[],
  budget = RECEIVER_CODE_BUDGET_BYTES,
): { lines: string[]; error: string | null } {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`.padStart(8);
  const lines = sizes.map(
    (size) =>
      `${size.file.padEnd(14)} zip ${kb(size.zipBytes)}   code ${kb(size.codeBytes)}   maps ${kb(size.mapBytes)}   other ${kb(size.otherBytes)}`,
  );
  const receiver = sizes.find((size) => size.file === RECEIVER_ZIP);
  if (!receiver) return { lines, error: `${RECEIVER_ZIP} not found` };
  if (receiver.codeBytes > budget) {
    return {
      lines,
      error: `receiver code is ${kb(receiver.codeBytes).trim()}, over its ${kb(budget).trim()} budget`,
    };
  }
  return { lines, error: null };
}

function main(dir: string): number {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith(".zip"));
  } catch {
    process.stderr.write(`bundle-size: ${dir} not found; run osls package first\n`);
    return 1;
  }
  const sizes = files.sort().map((file) => measureBundle(file, readFileSync(join(dir, file))));
  const result = checkBundles(sizes);
  for (const line of result.lines) process.stdout.write(`${line}\n`);
  if (result.error) process.stderr.write(`bundle-size: ${result.error}\n`);
  return result.error ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv[2] ?? ".serverless");
}
