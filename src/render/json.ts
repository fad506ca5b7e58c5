/**
 * The JSON result as the CLI prints it (`--format json`): exactly the contract's field names,
 * in the contract's order, additions after them; findings most severe first; redacted.
 */
import { redactResult } from "../redact/redact.js";
import type { AnalysisResult } from "../result/types.js";
import { sortFindings } from "./verdict.js";

type Json = Record<string, unknown>;

/** Contract field → default when the field is missing (the contract has no optional fields). */
type Shape = readonly (readonly [key: string, fallback: unknown])[];

const REPORT: Shape = [
  ["source", ""],
  ["node", null],
  ["role", "unknown"],
  ["microk8sVersion", null],
  ["error", null],
];
const MEMBER: Shape = [
  ["address", ""],
  ["id", ""],
  ["node", null],
];
const QUORUM: Shape = [
  ["state", "unknown"],
  ["voters", []],
  ["standBys", []],
  ["spares", []],
  ["quorumSize", null],
  ["aliveVoters", null],
];
const DEPARTED: Shape = [
  ["address", ""],
  ["node", null],
  ["role", "none"],
  ["reason", ""],
  ["hint", ""],
];
const DISK_ERROR: Shape = [
  ["node", null],
  ["device", ""],
  ["kind", "other"],
  ["count", 0],
  ["sample", ""],
];
const EVIDENCE: Shape = [
  ["file", ""],
  ["line", 0],
  ["text", ""],
];
const FINDING: Shape = [
  ["id", ""],
  ["severity", "info"],
  ["title", ""],
  ["node", null],
  ["count", 0],
  ["evidence", []],
  ["docs", null],
];
const RESULT: Shape = [
  ["schemaVersion", 1],
  ["reports", []],
  ["quorum", {}],
  ["departedNodes", []],
  ["diskErrors", []],
  ["findings", []],
];

/** Contract keys first in their order (missing ones get their default), then other keys as they came. */
function ordered(value: unknown, shape: Shape, nested: Record<string, (v: unknown) => unknown> = {}): Json {
  const source = (value !== null && typeof value === "object" ? value : {}) as Json;
  const out: Json = {};
  for (const [key, fallback] of shape) {
    const item = source[key] === undefined ? fallback : source[key];
    out[key] = nested[key] ? nested[key](item) : item;
  }
  for (const [key, item] of Object.entries(source)) {
    if (!(key in out) && item !== undefined) out[key] = item;
  }
  return out;
}

function list(value: unknown, map: (item: unknown) => unknown): unknown[] {
  return Array.isArray(value) ? value.map(map) : [];
}

const member = (m: unknown) => ordered(m, MEMBER);

/** The result with contract key order applied everywhere; exported for tests and other writers. */
export function toContractJson(result: AnalysisResult): Json {
  return ordered(result, RESULT, {
    reports: (v) => list(v, (r) => ordered(r, REPORT)),
    quorum: (q) =>
      ordered(q, QUORUM, {
        voters: (v) => list(v, member),
        standBys: (v) => list(v, member),
        spares: (v) => list(v, member),
      }),
    departedNodes: (v) => list(v, (d) => ordered(d, DEPARTED)),
    diskErrors: (v) => list(v, (d) => ordered(d, DISK_ERROR)),
    findings: (v) =>
      list(Array.isArray(v) ? sortFindings(v) : v, (f) =>
        ordered(f, FINDING, { evidence: (e) => list(e, (x) => ordered(x, EVIDENCE)) }),
      ),
  });
}

/** Pretty JSON of the result (two-space indent, no trailing newline). */
export function renderJson(result: AnalysisResult): string {
  return JSON.stringify(toContractJson(redactResult(result)), null, 2);
}
