import { clip, lineFileParser, MiB, oneLine, splitLines, stripAnsi } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { ClusterInfoDump, K8sNode } from "./types.js";

/** The NodeList document is kept at most this large (characters); bigger ones are given up with a warning. */
export const MAX_NODE_DOCUMENT_CHARS = 32 * MiB;
/** Pretty-printed JSON lines are short, but node annotations can be long; longer lines are cut (and break the JSON). */
const MAX_LINE_BYTES = 4 * MiB;
const MAX_ERROR_CHARS = 500;
const MAX_PREAMBLE_LINES = 5;

const CONTROL_PLANE_LABELS = [
  "node.kubernetes.io/microk8s-controlplane",
  "node-role.kubernetes.io/control-plane",
  "node-role.kubernetes.io/master",
];

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** One item of a NodeList; null when it has no name. */
export function toK8sNode(item: unknown): K8sNode | null {
  const node = record(item);
  const metadata = record(node?.metadata);
  const name = text(metadata?.name);
  if (!node || !name) return null;
  const status = record(node.status);
  const labels = record(metadata?.labels) ?? {};
  const internalIPs = list(status?.addresses)
    .map(record)
    .filter((address) => address?.type === "InternalIP")
    .map((address) => text(address?.address))
    .filter((address): address is string => address !== null);
  const ready = list(status?.conditions)
    .map(record)
    .find((condition) => condition?.type === "Ready");
  const readyStatus = text(ready?.status);
  return {
    name,
    internalIPs,
    ready:
      readyStatus === "True" || readyStatus === "False" || readyStatus === "Unknown" ? readyStatus : null,
    readyReason: text(ready?.reason),
    readyMessage: text(ready?.message),
    readySince: text(ready?.lastTransitionTime),
    controlPlane: CONTROL_PLANE_LABELS.some((label) => Object.hasOwn(labels, label)),
    kubeletVersion: text(record(status?.nodeInfo)?.kubeletVersion),
  };
}

/** Nodes of a parsed NodeList document; null when the document is not a NodeList. */
export function nodesOfNodeList(document: unknown): K8sNode[] | null {
  const root = record(document);
  if (root?.kind !== "NodeList") return null;
  return list(root.items)
    .map(toK8sNode)
    .filter((node): node is K8sNode => node !== null);
}

export interface ClusterInfoDumpResult {
  dump: ClusterInfoDump;
  warnings: string[];
}

type State = "seek" | "collect" | "skip" | "done";

/**
 * Streaming reader of k8s/cluster-info-dump (`kubectl cluster-info dump -A`): a sequence of pretty-printed
 * JSON documents whose braces sit at column 0, then `==== START logs …` sections. Only the NodeList document
 * (the first one) is kept; everything after it is skipped line by line, so memory does not grow with the file.
 */
export function createClusterInfoDumpCollector(maxDocumentChars = MAX_NODE_DOCUMENT_CHARS) {
  let state: State = "seek";
  let documentLines: string[] = [];
  let documentChars = 0;
  let sawDocument = false;
  let kindChecked = false;
  let nodes: K8sNode[] | null = null;
  let peakRetainedChars = 0;
  const preamble: string[] = [];
  const warnings: string[] = [];

  const finishDocument = () => {
    try {
      nodes = nodesOfNodeList(JSON.parse(documentLines.join("\n")));
      if (nodes === null) warnings.push("the first document is not a NodeList");
    } catch (error) {
      warnings.push(`the NodeList document is not valid JSON: ${oneLine(error)}`);
    }
    documentLines = [];
    state = "done";
  };

  return {
    line(line: string): void {
      switch (state) {
        case "done":
          return;
        case "seek": {
          if (line.trimEnd() === "{") {
            sawDocument = true;
            state = "collect";
            kindChecked = false;
            documentLines = [line];
            documentChars = line.length;
            return;
          }
          // A compact one-line document (not what kubectl writes, but cheap to accept).
          if (line.startsWith("{") && line.trimEnd().endsWith("}")) {
            sawDocument = true;
            try {
              nodes = nodesOfNodeList(JSON.parse(line));
              if (nodes !== null) state = "done";
            } catch {
              // not JSON: keep looking
            }
            return;
          }
          if (!sawDocument && line.trim() !== "" && preamble.length < MAX_PREAMBLE_LINES) {
            preamble.push(clip(stripAnsi(line).trim(), MAX_ERROR_CHARS));
          }
          return;
        }
        case "skip":
          if (line.trimEnd() === "}") state = "seek";
          return;
        case "collect": {
          documentChars += line.length + 1;
          if (documentChars > maxDocumentChars) {
            warnings.push(
              `the NodeList document is larger than ${Math.round(maxDocumentChars / MiB)} MiB; nodes not read`,
            );
            documentLines = [];
            state = "done";
            return;
          }
          documentLines.push(line);
          peakRetainedChars = Math.max(peakRetainedChars, documentChars);
          if (!kindChecked) {
            // kubectl prints "kind" first; skip other lists (events, pods …) without keeping them.
            const kind = /^ {1,8}"kind": "([^"]*)"/.exec(line);
            if (kind) {
              kindChecked = true;
              if (kind[1] !== "NodeList") {
                documentLines = [];
                state = "skip";
                return;
              }
            }
          }
          if (line.trimEnd() === "}") finishDocument();
          return;
        }
      }
    },
    end(): ClusterInfoDumpResult {
      if (state === "collect") warnings.push("the NodeList document is cut off");
      if (nodes !== null) return { dump: { available: true, error: null, nodes }, warnings };
      if (sawDocument) return { dump: { available: true, error: null, nodes: [] }, warnings };
      const error = preamble.length > 0 ? clip(preamble.join(" "), MAX_ERROR_CHARS) : "the file is empty";
      return { dump: { available: false, error, nodes: [] }, warnings };
    },
    /** True once the NodeList has been read (or given up): no later line can change the result. */
    done(): boolean {
      return state === "done";
    },
    /** Most characters held at once (the NodeList document being collected): for tests and metrics. */
    peakRetainedChars(): number {
      return peakRetainedChars;
    },
  };
}

/** Reads a whole cluster-info-dump text held in memory (tests, small inputs). */
export function parseClusterInfoDump(text: string): ClusterInfoDumpResult {
  const collector = createClusterInfoDumpCollector();
  for (const line of splitLines(text)) collector.line(line);
  return collector.end();
}

export const clusterInfoDumpParser: FileParser = lineFileParser(
  "k8s-cluster-info-dump",
  (path) => path === "k8s/cluster-info-dump",
  (path, out, warnings) => {
    const collector = createClusterInfoDumpCollector();
    return {
      onLine: (line) => collector.line(line),
      done: () => collector.done(),
      onEnd: () => {
        const result = collector.end();
        out.clusterInfoDump = result.dump;
        for (const warning of result.warnings) warnings.push(`${path}: ${warning}`);
      },
    };
  },
  MAX_LINE_BYTES,
);
