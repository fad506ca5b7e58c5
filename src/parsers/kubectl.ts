import { clip, MiB, smallFileParser, splitLines, stripAnsi } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { GetAll, GetAllRow, K8sVersion } from "./types.js";

const MAX_ERROR_CHARS = 500;
const MAX_PODS = 20_000;

/** kubectl / client-go messages meaning the API server could not be used. */
const KUBECTL_ERROR =
  /^(?:The connection to the server .*|Unable to connect to the server.*|error: .*|Error from server.*|Error: .*|Unauthorized|.*couldn't get current server API group list.*)$/i;

function errorLine(line: string): string | null {
  const clean = stripAnsi(line).trim();
  if (!KUBECTL_ERROR.test(clean)) return null;
  // klog prefix of newer kubectl ("E0415 17:58:52.123456   1234 memcache.go:265] couldn't get …").
  return clip(clean.replace(/^[EWI]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] /, ""), MAX_ERROR_CHARS);
}

/** Cells of one kubectl table line: columns are separated by two or more spaces (values hold single spaces). */
function cellsOf(line: string, starts: number[]): string[] {
  const split = line.trim().split(/\s{2,}|\t+/);
  if (split.length === starts.length) return split;
  // Fall back to the header's column offsets (tabwriter aligns every cell under its header).
  return starts.map((start, index) => line.slice(start, starts[index + 1] ?? line.length).trim());
}

interface Table {
  columns: string[];
  starts: number[];
  rows: string[][];
}

function headerOf(line: string): { columns: string[]; starts: number[] } {
  const columns: string[] = [];
  const starts: number[] = [];
  for (const match of line.matchAll(/\S+(?: \S+)*/g)) {
    columns.push(match[0]);
    starts.push(match.index ?? 0);
  }
  return { columns, starts };
}

const TABLE_HEADER = /^(?:NAMESPACE\s+)?NAME\s{2,}\S/;

/** The tables of `kubectl get … -o wide` output (separated by blank lines), plus any error lines. */
export function kubectlTables(text: string): { tables: Table[]; errors: string[]; otherLines: string[] } {
  const tables: Table[] = [];
  const errors: string[] = [];
  const otherLines: string[] = [];
  let current: Table | null = null;
  for (const line of splitLines(text)) {
    if (line.trim() === "") {
      current = null;
      continue;
    }
    const error = errorLine(line);
    if (error !== null) {
      errors.push(error);
      current = null;
      continue;
    }
    if (TABLE_HEADER.test(line)) {
      current = { ...headerOf(line), rows: [] };
      tables.push(current);
      continue;
    }
    if (current) current.rows.push(cellsOf(line, current.starts));
    else if (otherLines.length < 5) otherLines.push(clip(stripAnsi(line).trim(), MAX_ERROR_CHARS));
  }
  return { tables, errors, otherLines };
}

function restartsOf(cell: string | undefined): number | null {
  const match = cell === undefined ? null : /^(\d+)/.exec(cell);
  return match ? Number(match[1]) : null;
}

function noneToNull(cell: string | undefined): string | null {
  return cell === undefined || cell === "" || cell === "<none>" ? null : cell;
}

/** k8s/get-all: `kubectl get all --all-namespaces -o wide`; the pod rows, or the error when the API was down. */
export function parseGetAll(text: string): GetAll {
  const { tables, errors, otherLines } = kubectlTables(text);
  const pods: GetAllRow[] = [];
  for (const table of tables) {
    const index = (name: string) => table.columns.indexOf(name);
    const [ns, name, ready, status, restarts, node] = [
      "NAMESPACE",
      "NAME",
      "READY",
      "STATUS",
      "RESTARTS",
      "NODE",
    ].map(index);
    for (const row of table.rows) {
      if (pods.length >= MAX_PODS) break;
      const fullName = row[name] ?? "";
      const slash = fullName.indexOf("/");
      const kind = slash >= 0 ? fullName.slice(0, slash) : restarts >= 0 ? "pod" : "";
      // `get all` prefixes names with their kind; a table without prefixes but with RESTARTS is a pod table.
      if (kind !== "pod") continue;
      pods.push({
        namespace: ns >= 0 ? (row[ns] ?? "") : "",
        kind: "pod",
        name: slash >= 0 ? fullName.slice(slash + 1) : fullName,
        ready: ready >= 0 ? noneToNull(row[ready]) : null,
        status: status >= 0 ? noneToNull(row[status]) : null,
        restarts: restarts >= 0 ? restartsOf(row[restarts]) : null,
        node: node >= 0 ? noneToNull(row[node]) : null,
      });
    }
  }
  if (tables.length > 0) return { available: true, error: errors[0] ?? null, pods };
  if (errors.length > 0) return { available: false, error: errors[0], pods };
  if (otherLines.some((line) => /^No resources found/i.test(line)))
    return { available: true, error: null, pods };
  const error = otherLines.length > 0 ? clip(otherLines.join(" "), MAX_ERROR_CHARS) : "the file is empty";
  return { available: false, error, pods };
}

function versionOf(value: string): string | null {
  const info = /GitVersion:"([^"]*)"/.exec(value);
  if (info) return info[1] || null;
  const plain = /^\s*(\S+)/.exec(value);
  return plain ? plain[1] : null;
}

/** k8s/version: `kubectl version` in its short ("Client Version: v1.28.14") and old `version.Info{…}` forms. */
export function parseK8sVersion(text: string): K8sVersion {
  const result: K8sVersion = { client: null, server: null, error: null };
  for (const line of splitLines(text)) {
    const clean = stripAnsi(line).trim();
    const version = /^(Client|Server) Version:\s*(.*)$/.exec(clean);
    if (version) {
      const value = versionOf(version[2]);
      if (version[1] === "Client") result.client ??= value;
      else result.server ??= value;
      continue;
    }
    result.error ??= errorLine(clean);
  }
  return result;
}

export const getAllParser: FileParser = smallFileParser(
  "k8s-get-all",
  (path) => path === "k8s/get-all",
  8 * MiB,
  (text, { out }) => {
    out.getAll = parseGetAll(text);
  },
);

export const k8sVersionParser: FileParser = smallFileParser(
  "k8s-version",
  (path) => path === "k8s/version",
  1 * MiB,
  (text, { out }) => {
    out.k8sVersion = parseK8sVersion(text);
  },
);
