/**
 * Redaction over every line of the two real reports in ../shared: the one real secret (the
 * calico kubeconfig's service-account token) goes, and ordinary lines are left alone.
 */
import { createReadStream, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import { redact } from "../../src/redact/redact.js";

const REAL = new URL("../../../shared/reports/real/", import.meta.url);
const REPORTS = ["react-to-do-list-inspection-report.tar.gz", "vhr-inspection-report.tar.gz"];

async function readReport(path: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    const parser = tar.t({
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => files.set(entry.path, Buffer.concat(chunks).toString("utf8")));
      },
    });
    createReadStream(path).on("error", reject).pipe(parser).on("end", resolve).on("error", reject);
  });
  return files;
}

/** A changed line must have had something secret-shaped in it. */
const SECRET_HINT = /token|password|passwd|secret|-data|BEGIN|bearer|authorization|:25000\/|AKIA|eyJ|@/i;

for (const name of REPORTS) {
  const path = fileURLToPath(new URL(name, REAL));
  const present = existsSync(path);
  describe.skipIf(!present)(
    `real report ${name}${present ? "" : " (absent: ../shared/reports/real not found, skipped)"}`,
    () => {
      it("changes only lines that hold something secret-shaped, and is idempotent on them", async () => {
        const files = await readReport(path);
        expect(files.size).toBeGreaterThan(10);
        let lines = 0;
        for (const [file, text] of files) {
          for (const line of text.split("\n")) {
            lines++;
            const out = redact(line);
            if (out !== line) {
              expect(line, `${file}: ${line.slice(0, 120)}`).toMatch(SECRET_HINT);
              expect(redact(out)).toBe(out);
            }
          }
        }
        expect(lines).toBeGreaterThan(1000);
      });

      it("keeps the datastore error lines exactly", async () => {
        const files = await readReport(path);
        const dqlite = [...files].filter(([f]) => f.includes("k8s-dqlite"));
        const errors = dqlite.flatMap(([, t]) =>
          t.split("\n").filter((l) => /level=error|error while range/.test(l)),
        );
        for (const line of errors) expect(redact(line)).toBe(line);
      });

      if (name.startsWith("react")) {
        it("removes the service-account token from args/cni-network/calico-kubeconfig", async () => {
          const files = await readReport(path);
          const entry = [...files].find(([f]) => f.endsWith("args/cni-network/calico-kubeconfig"));
          expect(entry, "calico-kubeconfig in the report").toBeDefined();
          const original = entry![1];
          const token = /token:\s*(\S+)/.exec(original)?.[1];
          expect(token?.startsWith("eyJ")).toBe(true);
          const out = redact(original);
          expect(out).not.toContain(token!);
          expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
          expect(out).not.toMatch(/LS0tLS1CRUdJTi/);
          expect(out).toMatch(/token: \[REDACTED\]/);
          expect(out).toContain("server:");
        });
      }
    },
  );
}
