import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Parser, type ReadEntry } from "tar";

/** The folder of the two real reports shipped next to the project (absent on some machines). */
export const REAL_REPORTS_DIR = fileURLToPath(new URL("../../../shared/reports/real/", import.meta.url));

export const REAL_REPORTS = {
  react: "react-to-do-list-inspection-report.tar.gz",
  vhr: "vhr-inspection-report.tar.gz",
} as const;

export function realReportPath(name: string): string {
  return `${REAL_REPORTS_DIR}${name}`;
}

export function realReportsPresent(): boolean {
  return Object.values(REAL_REPORTS).every((name) => existsSync(realReportPath(name)));
}

/**
 * Unpacks a .tar.gz in memory (never to disk): report-relative path → bytes, with the top folder
 * ("inspection-report/") removed. Small test archives only.
 */
export async function readReportFiles(name: string): Promise<Map<string, Buffer>> {
  const tarBytes = gunzipSync(readFileSync(realReportPath(name)));
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== "File") {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        const path = entry.path.replace(/^(?:\.\/)?inspection-report\//, "");
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => files.set(path, Buffer.concat(chunks)));
      },
    });
    parser.on("error", reject);
    parser.on("end", () => resolve());
    parser.end(tarBytes);
  });
  return files;
}
