/**
 * Generated inspection reports for tests (see scripts/samples/README.md for what each one
 * should lead to), plus a small in-memory tar.gz reader to look inside them.
 */
import { Readable } from "node:stream";
import { Parser } from "tar";

export {
  type BuildOptions,
  buildReport,
  reportEntries,
  reportFileName,
  reportFiles,
  writeReport,
} from "../../scripts/samples/builder.js";
export {
  INCIDENT_3735_CLUSTER,
  INCIDENT_3735_IDS,
  INCIDENT_3735_PLAN,
  INCIDENT_3735_TAKEN_AT,
  incident3735,
  incident3735Specs,
} from "../../scripts/samples/incident-3735.js";
export {
  type BigReportOptions,
  bigReport,
  era122,
  era122Specs,
  era125,
  era125Specs,
  HEAVY_SCENARIOS,
  healthyHa3,
  healthyHa3Specs,
  lostQuorum,
  lostQuorumSpecs,
  type SampleReport,
  SCENARIOS,
  singleNode128,
  singleNode128Spec,
  singleNode132,
  singleNode132Spec,
  strictReport,
  strictReportSpecs,
  workerReport,
  workerReportSpecs,
  writeBigReport,
} from "../../scripts/samples/scenarios.js";
export type * from "../../scripts/samples/spec.js";

export interface TarEntry {
  path: string;
  type: string;
  size: number;
  mtime: Date | undefined;
  mode: number | undefined;
}

export interface ExtractedReport {
  /** Every archive entry in order (folders included). */
  entries: TarEntry[];
  /** File contents by full archive path ("inspection-report/dqlite/cluster.yaml"). */
  files: Map<string, Buffer>;
  /** Parser warnings (truncation, bad checksums …); empty for a good archive. */
  warnings: string[];
}

/**
 * Reads a .tar.gz in memory with tar@7's Parser (strict, so a malformed archive rejects). Pass
 * `keep` to keep only some file contents (big reports).
 */
export function extractTarGz(
  data: Buffer,
  keep: (path: string) => boolean = () => true,
): Promise<ExtractedReport> {
  return new Promise((resolve, reject) => {
    const entries: TarEntry[] = [];
    const files = new Map<string, Buffer>();
    const warnings: string[] = [];
    let settled = false;
    const fail = (err: unknown): void => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    const parser = new Parser({
      strict: true,
      onwarn: (code, message) => warnings.push(`${code}: ${message}`),
      onReadEntry: (entry) => {
        entries.push({
          path: entry.path,
          type: entry.type,
          size: entry.size ?? 0,
          mtime: entry.mtime,
          mode: entry.mode,
        });
        if (entry.type !== "File" || !keep(entry.path)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => files.set(entry.path, Buffer.concat(chunks)));
      },
    });
    parser.on("error", fail);
    parser.on("end", () => {
      if (!settled) {
        settled = true;
        resolve({ entries, files, warnings });
      }
    });
    const slices = function* (): Generator<Buffer> {
      for (let i = 0; i < data.length; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
    };
    Readable.from(slices()).on("error", fail).pipe(parser);
  });
}

/** A file of an extracted report as text, by path relative to the top folder. */
export function reportText(report: ExtractedReport, relativePath: string, top = "inspection-report"): string {
  const buf = report.files.get(`${top}/${relativePath}`);
  if (!buf) throw new Error(`no ${relativePath} in report`);
  return buf.toString("utf8");
}

/** Paths relative to the top folder of every regular file. */
export function reportPaths(report: ExtractedReport, top = "inspection-report"): string[] {
  return report.entries.filter((e) => e.type === "File").map((e) => e.path.slice(top.length + 1));
}
