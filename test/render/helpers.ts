/** Hand-built results and Markdown structure checks shared by the renderer tests. */
import type { AnalysisResult, Finding, Severity } from "../../src/result/types.js";

export function emptyResult(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    schemaVersion: 1,
    reports: [
      {
        source: "kube05-inspection-report-20230206_185244.tar.gz",
        node: "kube05",
        role: "control-plane",
        microk8sVersion: "v1.26.0",
        error: null,
      },
    ],
    quorum: { state: "unknown", voters: [], standBys: [], spares: [], quorumSize: null, aliveVoters: null },
    departedNodes: [],
    diskErrors: [],
    findings: [],
    ...overrides,
  };
}

export const DEADLINE_LINE =
  'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"';

export function finding(severity: Severity, index: number, overrides: Partial<Finding> = {}): Finding {
  return {
    id: `test.${severity}-${index}`,
    severity,
    title: `${severity} finding ${index}`,
    node: `node-${index % 3}`,
    count: 10,
    evidence: [
      { file: "snap.microk8s.daemon-k8s-dqlite/journal.log", line: 100 + index, text: DEADLINE_LINE },
    ],
    docs: "https://microk8s.io/docs/high-availability",
    ...overrides,
  };
}

/** A three-node HA cluster with one voter down and departed (IPv6, a quote in a node name). */
export function degradedResult(): AnalysisResult {
  return emptyResult({
    reports: [
      {
        source: "kube05.tar.gz",
        node: "kube05",
        role: "control-plane",
        microk8sVersion: "v1.26.0",
        error: null,
      },
      {
        source: "kube06.tar.gz",
        node: "kube06",
        role: "control-plane",
        microk8sVersion: "v1.26.0",
        error: null,
      },
      {
        source: "broken.tar.gz",
        node: null,
        role: "unknown",
        microk8sVersion: null,
        error: "not a gzip file",
      },
    ],
    quorum: {
      state: "degraded",
      voters: [
        {
          address: "192.168.0.57:19001",
          id: "3297041220608546238",
          node: "kube05",
          alive: true,
          seenIn: ["kube05.tar.gz"],
        },
        {
          address: "192.168.0.58:19001",
          id: "9373968242441247628",
          node: "kube06",
          alive: true,
          seenIn: ["kube06.tar.gz"],
        },
        { address: "[fd00::59]:19001", id: "1234", node: 'kube"07 [old] #1', alive: false },
      ],
      standBys: [{ address: "192.168.0.60:19001", id: "5678", node: "kube08", alive: null }],
      spares: [],
      quorumSize: 2,
      aliveVoters: 2,
      summary: "One of three voters is down; one more loss freezes the datastore.",
      disagreements: ["kube06 lists 192.168.0.60:19001 as a stand-by, kube05 does not list it"],
      authoritative: "kube05.tar.gz",
    },
    departedNodes: [
      {
        address: "[fd00::59]:19001",
        node: 'kube"07 [old] #1',
        role: "voter",
        reason: "Listed as a voter, but its node is NotReady and peers cannot reach it.",
        hint: "microk8s remove-node kube07 --force",
        docs: "https://microk8s.io/docs/restore-quorum",
      },
    ],
    diskErrors: [
      {
        node: "kube05",
        device: "sdb",
        kind: "fs-error",
        count: 12,
        sample:
          "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0",
        firstSeen: "2023-02-06T10:00:00",
        lastSeen: "2023-02-06T18:00:00",
      },
    ],
    findings: [finding("low", 1), finding("critical", 2), finding("medium", 3)],
    verdict: "Datastore degraded: one voter is down",
  });
}

/** Lines of the Markdown outside any fenced code block, with the fences' contents separately. */
export function splitFences(markdown: string): {
  outside: string[];
  blocks: { info: string; fence: string; lines: string[] }[];
} {
  const outside: string[] = [];
  const blocks: { info: string; fence: string; lines: string[] }[] = [];
  let open: { info: string; fence: string; lines: string[] } | null = null;
  for (const line of markdown.split("\n")) {
    if (open) {
      const close = /^ {0,3}(`{3,})\s*$/.exec(line);
      if (close && close[1]!.length >= open.fence.length) {
        blocks.push(open);
        open = null;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(line);
    if (start) {
      open = { fence: start[1]!, info: start[2]!.trim(), lines: [] };
      continue;
    }
    outside.push(line);
  }
  if (open) throw new Error(`unclosed code fence ${open.fence}${open.info}`);
  return { outside, blocks };
}

/** A line without its inline code spans (a run of n unescaped backticks up to the next run of exactly n). */
export function stripCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\") {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const closing = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
    closing.lastIndex = i + n;
    const match = closing.exec(line);
    if (!match) {
      out += line.slice(i, i + n);
      i += n;
      continue;
    }
    out += "⟦code⟧";
    i = match.index + n;
  }
  return out;
}

/** Every <details> opened outside code is closed, in order. */
export function detailsBalanced(markdown: string): boolean {
  let depth = 0;
  for (const raw of splitFences(markdown).outside) {
    const line = stripCodeSpans(raw);
    depth += (line.match(/<details>/g) ?? []).length;
    depth -= (line.match(/<\/details>/g) ?? []).length;
    if (depth < 0) return false;
  }
  return depth === 0;
}
