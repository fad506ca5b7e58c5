import { createParsedReport, parserFor } from "../../src/parsers/index.js";
import type { ParsedReport } from "../../src/parsers/types.js";

/**
 * Runs every matching parser over in-memory files, feeding each in small chunks (so that multi-byte
 * characters and lines are split across writes, as they are when streamed from a tarball).
 */
export function runParsers(
  files: Record<string, string | Buffer>,
  chunkSize = 7,
): { out: ParsedReport; warnings: string[] } {
  const out = createParsedReport();
  const warnings: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    for (const parser of parserFor(path)) {
      const sink = parser.open(path, out, warnings);
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        sink.write(bytes.subarray(offset, offset + chunkSize));
      }
      sink.end();
    }
  }
  return { out, warnings };
}
