/**
 * Benchmark child, the baseline: Node's own gunzip of the report and nothing else (bytes counted).
 * `default`: fs.createReadStream(file).pipe(zlib.createGunzip()), stock settings (16 KiB output
 * chunks); `tuned`: the chunk sizes the report reader uses (1 MiB reads, 256 KiB output chunks),
 * which is Node's fastest plain gunzip here.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { cpuMs, fail, peakRssBytes, printResult } from "./report.js";

function main(): void {
  const [path, mode = "default"] = process.argv.slice(2);
  if (!path || (mode !== "default" && mode !== "tuned"))
    throw new Error("usage: gunzip <file.gz> [default|tuned]");
  const cpu0 = cpuMs();
  const t0 = performance.now();
  let bytes = 0;
  const gunzip = mode === "tuned" ? createGunzip({ chunkSize: 256 * 1024 }) : createGunzip();
  const source =
    mode === "tuned" ? createReadStream(path, { highWaterMark: 1024 * 1024 }) : createReadStream(path);
  source.on("error", fail).pipe(gunzip);
  gunzip.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  gunzip.on("error", fail);
  gunzip.on("end", () => {
    printResult({
      totalMs: performance.now() - t0,
      cpuMs: cpuMs() - cpu0,
      bytes,
      peakRssBytes: peakRssBytes(),
    });
  });
}

try {
  main();
} catch (error) {
  fail(error);
}
