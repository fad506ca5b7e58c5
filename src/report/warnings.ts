import { quotePath } from "./limits.js";

const EXAMPLES_PER_KIND = 3;

/**
 * Non-fatal remarks, grouped by kind so that a hostile archive with thousands of odd entries
 * yields a handful of lines, not thousands.
 */
export class WarningLog {
  readonly #kinds = new Map<string, { count: number; examples: string[] }>();

  /** Records one occurrence of `kind` ("skipped FIFO entries"), with an optional example path. */
  add(kind: string, example?: string): void {
    let entry = this.#kinds.get(kind);
    if (!entry) {
      entry = { count: 0, examples: [] };
      this.#kinds.set(kind, entry);
    }
    entry.count++;
    if (example !== undefined && entry.examples.length < EXAMPLES_PER_KIND) {
      entry.examples.push(quotePath(example));
    }
  }

  /** One line per kind, in the order kinds were first seen. */
  lines(): string[] {
    const lines: string[] = [];
    for (const [kind, { count, examples }] of this.#kinds) {
      if (examples.length === 0) {
        lines.push(count > 1 ? `${kind} (${count}×)` : kind);
        continue;
      }
      const more = count - examples.length;
      lines.push(`${kind}: ${examples.join(", ")}${more > 0 ? ` and ${more} more` : ""}`);
    }
    return lines;
  }
}
