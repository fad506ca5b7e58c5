/**
 * Writes generated inspection reports to disk.
 *
 *   tsx scripts/generate-samples.ts [--out DIR] [--scenario NAME|all] [--list]
 *
 * Default: the four incident-3735 tarballs into ./samples/ (git-ignored). "all" writes every
 * scenario except the heavy benchmark one ("big", ~25 MB); ask for it by name.
 */
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBigReport } from "./samples/big-report.js";
import { HEAVY_SCENARIOS, SCENARIOS } from "./samples/scenarios.js";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Args {
  out: string;
  scenarios: string[];
  list: boolean;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: tsx scripts/generate-samples.ts [--out DIR] [--scenario NAME|all] [--list]\nscenarios: ${Object.keys(SCENARIOS).join(", ")}, all\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): Args {
  let out = join(REPO_ROOT, "samples");
  let scenario = "incident-3735";
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usage(`missing value for ${arg}`);
      return v;
    };
    if (arg === "--out") out = resolve(value());
    else if (arg.startsWith("--out=")) out = resolve(arg.slice("--out=".length));
    else if (arg === "--scenario") scenario = value();
    else if (arg.startsWith("--scenario=")) scenario = arg.slice("--scenario=".length);
    else if (arg === "--list") list = true;
    else if (arg === "--help" || arg === "-h") usage("Generates sample MicroK8s inspection reports.");
    else usage(`unknown argument: ${arg}`);
  }
  const scenarios =
    scenario === "all" ? Object.keys(SCENARIOS).filter((s) => !HEAVY_SCENARIOS.has(s)) : [scenario];
  for (const s of scenarios) if (!(s in SCENARIOS)) usage(`unknown scenario: ${s}`);
  return { out, scenarios, list };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const name of Object.keys(SCENARIOS))
      process.stdout.write(`${name}${HEAVY_SCENARIOS.has(name) ? " (heavy)" : ""}\n`);
    return;
  }
  for (const scenario of args.scenarios) {
    const dir = args.scenarios.length > 1 ? join(args.out, scenario) : args.out;
    await mkdir(dir, { recursive: true });
    if (scenario === "big") {
      // Streamed straight to disk: the unpacked report is hundreds of megabytes.
      const path = join(dir, "big-inspection-report.tar.gz");
      const stats = await writeBigReport(
        { targetCompressedBytes: 25 * 1024 * 1024 },
        createWriteStream(path),
      );
      process.stdout.write(
        `${relative(process.cwd(), path) || path}\t${stats.compressedBytes} bytes (${stats.unpackedBytes} unpacked)\n`,
      );
      continue;
    }
    for (const report of await SCENARIOS[scenario]()) {
      const path = join(dir, report.name);
      await writeFile(path, report.data);
      process.stdout.write(`${relative(process.cwd(), path) || path}\t${report.data.length} bytes\n`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`generate-samples: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
