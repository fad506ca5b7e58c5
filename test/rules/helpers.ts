import { ruleAppliesTo } from "../../src/rules/paths.js";
import { createScanner, type ScannerOptions } from "../../src/rules/scanner.js";
import type { Catalogue, SignatureHit, SignatureRule } from "../../src/rules/types.js";

/** Scans `input` as the file at `path`, cut into chunks of the given sizes (cycled; whole when empty). */
export function scan(
  catalogue: Catalogue,
  path: string,
  input: string | Buffer,
  opts: ScannerOptions = {},
  chunkSizes: number[] = [],
): SignatureHit[] {
  const scanner = createScanner(catalogue, path, opts);
  if (!scanner) return [];
  const data = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (chunkSizes.length === 0) {
    scanner.write(data);
  } else {
    let off = 0;
    let k = 0;
    while (off < data.length) {
      const size = Math.max(1, chunkSizes[k++ % chunkSizes.length]);
      // A fresh copy per chunk, like a stream would deliver it.
      scanner.write(Buffer.from(data.subarray(off, off + size)));
      off += size;
    }
  }
  scanner.end();
  return scanner.result();
}

export function hitOf(hits: SignatureHit[], id: string): SignatureHit | undefined {
  return hits.find((h) => h.ruleId === id);
}

/** Plain-data view of hits (Maps turned into sorted entries) for deep equality. */
export function comparable(hits: SignatureHit[]): unknown {
  return hits.map((h) => ({ ...h, perMinute: [...h.perMinute.entries()].sort((a, b) => a[0] - b[0]) }));
}

const SERVICES = [
  "k8s-dqlite",
  "kubelite",
  "apiserver",
  "kubelet",
  "containerd",
  "flanneld",
  "cluster-agent",
  "apiserver-kicker",
  "apiserver-proxy",
];

/** Report paths a rule may apply to, classic layout first. */
export const CANDIDATE_PATHS = [
  "@console",
  "apparmor/dmesg",
  "k8s/cluster-info-dump",
  "k8s/version",
  "k8s/cluster-info",
  "dqlite/list.out",
  ...SERVICES.map((s) => `snap.microk8s.daemon-${s}/journal.log`),
  ...SERVICES.map((s) => `snap.microk8s.daemon-${s}/systemctl.log`),
  ...SERVICES.map((s) => `microk8s.daemon-${s}/journal.log`),
];

/** The path to feed a rule's example through: the service named in the line when the rule covers it. */
export function pathForRule(rule: SignatureRule): string | undefined {
  const applicable = CANDIDATE_PATHS.filter((p) => ruleAppliesTo(rule, p));
  const svc = /microk8s\.daemon-([a-z0-9-]+)\[/.exec(rule.example?.line ?? "")?.[1];
  return (
    applicable.find((p) => svc !== undefined && p === `snap.microk8s.daemon-${svc}/journal.log`) ??
    applicable[0]
  );
}

/** A journal xtrace line of the wrapper scripts (must never produce hits). */
export function xtrace(payload: string, svc = "k8s-dqlite"): string {
  return `Oct 29 17:22:58 node1 microk8s.daemon-${svc}[1234]: + ${payload}`;
}
