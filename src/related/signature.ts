/**
 * A normalised signature of an analysis, for "possibly related issues" (Sentry-style grouping):
 * what fired (finding ids, quorum state, departed-node rules, disk error kinds) plus the error
 * lines with everything that differs between clusters stripped (numbers, hex ids, IPs, host
 * names, node names, timestamps, UUIDs, pod-name hashes, device names, datastore keys).
 *
 * Two issues with the same key had the same things fire with the same log lines; the elements
 * and line hashes allow partial matches with a reason ("same: dqlite.query-deadline sustained").
 */
import { createHash } from "node:crypto";
import type { AnalysisResult, DiskError, Finding, Severity } from "../result/types.js";

export interface AnalysisSignature {
  /** Element ids, sorted: finding ids (`id` and `id:sustained`), `quorum.lost`, `departed.*`, `disk.*`. */
  ids: string[];
  /** Normalised error lines, sorted. */
  lines: string[];
  /** Digest of ids and lines (12 hex digits). */
  key: string;
  /** Digest of the ids alone (12 hex digits). */
  idsKey: string;
  /** Weight of each element (severity-based) for scoring matches. */
  weights: Record<string, number>;
}

/** What the bot keeps of a signature in its comment's hidden state: lines as short hashes. */
export interface StoredSignature {
  key: string;
  ids: string[];
  lines: string[];
}

export const SIGNATURE_LIMITS = {
  ids: 40,
  idLength: 100,
  lines: 24,
  lineHashLength: 10,
  evidencePerFinding: 3,
  lineLength: 240,
} as const;

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export const SUSTAINED_SUFFIX = ":sustained";

export function analysisSignature(result: AnalysisResult): AnalysisSignature {
  const weights = new Map<string, number>();
  const bump = (id: string, weight: number) => {
    if (weight <= 0 || id.length > SIGNATURE_LIMITS.idLength) return;
    weights.set(id, Math.max(weights.get(id) ?? 0, weight));
  };

  const findings = (result.findings ?? []).filter((f) => SEVERITY_WEIGHT[f.severity] > 0);
  for (const finding of findings) {
    bump(finding.id, SEVERITY_WEIGHT[finding.severity]);
    if (finding.sustained) bump(`${finding.id}${SUSTAINED_SUFFIX}`, 1);
  }
  if (result.quorum?.state === "lost") bump("quorum.lost", 4);
  if (result.quorum?.state === "degraded") bump("quorum.degraded", 3);
  for (const departed of result.departedNodes ?? []) bump(departed.rule ?? `departed.${departed.role}`, 2);
  for (const disk of result.diskErrors ?? []) bump(diskElement(disk, result.findings ?? []), 3);

  const ids = [...weights.keys()]
    .sort((a, b) => (weights.get(b) ?? 0) - (weights.get(a) ?? 0) || a.localeCompare(b))
    .slice(0, SIGNATURE_LIMITS.ids)
    .sort();
  const kept = Object.fromEntries(ids.map((id) => [id, weights.get(id) ?? 0]));

  const nodes = nodeNames(result);
  const lines = new Set<string>();
  const ordered = [...findings].sort((a, b) => SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity]);
  const candidates = [
    ...ordered.flatMap((f: Finding) =>
      f.evidence.slice(0, SIGNATURE_LIMITS.evidencePerFinding).map((e) => e.text),
    ),
    ...(result.diskErrors ?? []).map((d) => d.sample),
  ];
  for (const text of candidates) {
    if (lines.size >= SIGNATURE_LIMITS.lines) break;
    const line = normaliseLine(text ?? "", nodes);
    if (line.length >= 8) lines.add(line);
  }
  const sortedLines = [...lines].sort();
  return {
    ids,
    lines: sortedLines,
    key: digest(`${ids.join(",")}\n--\n${sortedLines.join("\n")}`, 12),
    idsKey: digest(ids.join(","), 12),
    weights: kept,
  };
}

/** The compact form kept in the bot's hidden state. */
export function storedSignature(signature: AnalysisSignature): StoredSignature {
  return { key: signature.key, ids: [...signature.ids], lines: signature.lines.map(lineHash) };
}

export function lineHash(line: string): string {
  return digest(line, SIGNATURE_LIMITS.lineHashLength);
}

/** Validates a stored signature read back from a comment (untrusted): null when unusable. */
export function parseStoredSignature(value: unknown): StoredSignature | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.key !== "string" || !/^[0-9a-f]{6,64}$/.test(record.key)) return null;
  const strings = (list: unknown, max: number, ok: (s: string) => boolean) =>
    Array.isArray(list) ? list.filter((s): s is string => typeof s === "string" && ok(s)).slice(0, max) : [];
  return {
    key: record.key,
    ids: strings(
      record.ids,
      SIGNATURE_LIMITS.ids,
      (s) => s.length > 0 && s.length <= SIGNATURE_LIMITS.idLength,
    ),
    lines: strings(record.lines, SIGNATURE_LIMITS.lines, (s) => /^[0-9a-f]{4,32}$/.test(s)),
  };
}

// ---------------------------------------------------------------- search tokens

export const TOKEN_PREFIX = { key: "rtsig", ids: "rtids", element: "rtf" } as const;

/** Word-like tokens GitHub's search can find in the bot's comment: key, ids key, then the weightiest elements. */
export function signatureTokens(signature: AnalysisSignature, maxElements = 16): string[] {
  return [
    `${TOKEN_PREFIX.key}${signature.key}`,
    `${TOKEN_PREFIX.ids}${signature.idsKey}`,
    ...searchElements(signature, maxElements).map(elementToken),
  ];
}

export function elementToken(element: string): string {
  return `${TOKEN_PREFIX.element}${digest(element, 8)}`;
}

/**
 * Elements worth searching for (weight ≥ 2: medium and above, quorum, departed, disk), weightiest
 * first, one per family (`dqlite.*`, `kernel.*` …) before a second of any: a search limited to a
 * few terms then still reaches issues that share only the datastore trouble or only the disk.
 */
export function searchElements(signature: AnalysisSignature, max: number): string[] {
  const eligible = signature.ids
    .filter((id) => (signature.weights[id] ?? 0) >= 2)
    .sort((a, b) => (signature.weights[b] ?? 0) - (signature.weights[a] ?? 0) || a.localeCompare(b));
  const families = new Set<string>();
  const first: string[] = [];
  const rest: string[] = [];
  for (const id of eligible) {
    const family = id.split(".")[0] ?? id;
    if (families.has(family)) rest.push(id);
    else {
      families.add(family);
      first.push(id);
    }
  }
  return [...first, ...rest].slice(0, max);
}

// ---------------------------------------------------------------- normalisation

const JOURNAL_PREFIX =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+\S+\s+[^\s:[]+(?:\[\d+\])?:\s*/;
/** A line quoted without its journal time and host: `microk8s.daemon-kubelite[53319]: …` */
const IDENT_PREFIX = /^[\w.@-]+\[\d+\]:\s*/;
const DMESG_PREFIX = /^\[\s*\d+(?:\.\d+)?\]\s*/;
const KLOG_HEADER = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\s\]]+:\d+\]\s*/;
const ISO_TIME = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/g;
const SYSLOG_TIME = /\b[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\b/g;
const CLOCK_TIME = /\b\d\d:\d\d:\d\d(?:\.\d+)?\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.])/g;
const IPV6 =
  /(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?::\d{1,5})?(?![\w:])|\[[0-9a-f:]+\](?::\d{1,5})?/gi;
const FQDN =
  /(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|dev|local|lan|internal|intra|home|corp|cloud|localdomain|example|tld)(?![\w-])(?::\d{1,5})?/gi;
/** Kubernetes' random suffix alphabet (no vowels): `app-7d9f8c6b5d-x2x9z`, `calico-node-x7k2p`. */
const POD_SUFFIX =
  /-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b|-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g;
const DEVICE =
  /\b(?:sd[a-z]{1,2}|vd[a-z]{1,2}|xvd[a-z]{1,2}|hd[a-z]|nvme\d+n\d+(?:p\d+)?|mmcblk\d+(?:p\d+)?|dm-\d+|loop\d+|md\d+)\d*\b/g;
const COMM = /\bcomm \S+/g;
const REGISTRY_KEY = /\/registry\/[^\s"',;)]*/g;
const HEX_PREFIXED = /\b0x[0-9a-f]+\b/gi;
const HEX_RUN = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi;
const NUMBER = /(?<![A-Za-z0-9_])v?\d+(?:\.\d+)*/g;
const MAX_INPUT_CHARS = 1_000;

/** A log line with everything cluster-specific replaced by placeholders, lower-cased. */
export function normaliseLine(text: string, nodeNames: readonly string[] = []): string {
  // bounded first: the patterns below then stay linear enough for hostile lines
  let line = text
    .slice(0, MAX_INPUT_CHARS)
    .replace(/[\r\n]+/g, " ")
    .trim();
  line = line
    .replace(JOURNAL_PREFIX, "")
    .replace(IDENT_PREFIX, "")
    .replace(DMESG_PREFIX, "")
    .replace(KLOG_HEADER, "");
  line = line.replace(ISO_TIME, "<time>").replace(SYSLOG_TIME, "<time>").replace(CLOCK_TIME, "<time>");
  line = line.replace(UUID, "<uuid>");
  line = line
    .replace(IPV4, "<ip>")
    .replace(IPV6, (match) => (/[0-9a-f]{1,4}:[0-9a-f]{0,4}:/i.test(match) ? "<ip>" : match));
  line = replaceNodeNames(line, nodeNames);
  line = line.replace(FQDN, "<host>");
  line = line.replace(REGISTRY_KEY, "/registry/<key>");
  line = line.replace(POD_SUFFIX, "-<pod>");
  line = line.replace(DEVICE, "<dev>").replace(COMM, "comm <proc>");
  line = line.replace(HEX_PREFIXED, "<hex>").replace(HEX_RUN, "<hex>");
  line = line.replace(NUMBER, "<n>");
  line = line.replace(/\s+/g, " ").trim().toLowerCase();
  return line.length > SIGNATURE_LIMITS.lineLength ? line.slice(0, SIGNATURE_LIMITS.lineLength) : line;
}

function replaceNodeNames(line: string, nodeNames: readonly string[]): string {
  const names = [...new Set(nodeNames.map((n) => n.trim()).filter((n) => n.length >= 3))].sort(
    (a, b) => b.length - a.length,
  );
  if (names.length === 0) return line;
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_.-])(?:${names.map(escapeRegExp).join("|")})(?![A-Za-z0-9_-])`,
    "gi",
  );
  return line.replace(pattern, "<node>");
}

/** Every node name the result knows: reports, members, departed nodes, findings, disk errors. */
export function nodeNames(result: AnalysisResult): string[] {
  const names = new Set<string>();
  const add = (name: string | null | undefined) => {
    const trimmed = name?.trim();
    if (trimmed) names.add(trimmed);
  };
  for (const report of result.reports ?? []) add(report.node);
  for (const list of [result.quorum?.voters, result.quorum?.standBys, result.quorum?.spares])
    for (const member of list ?? []) add(member.node);
  for (const departed of result.departedNodes ?? []) add(departed.node);
  for (const finding of result.findings ?? []) add(finding.node);
  for (const disk of result.diskErrors ?? []) add(disk.node);
  return [...names];
}

const FILESYSTEM = /\b(ext[234]|xfs|btrfs|zfs|f2fs)\b/i;

/**
 * `disk.<kind>`, and for filesystem errors `disk.fs-error.<fs>`: the filesystem named by the
 * sample, else by the kernel findings' evidence of that node and device ("Aborting journal on
 * device sdb-8" alone does not say EXT4; the lines around it do).
 */
function diskElement(disk: DiskError, findings: readonly Finding[]): string {
  if (disk.kind !== "fs-error") return `disk.${disk.kind}`;
  let fs = FILESYSTEM.exec(disk.sample ?? "")?.[1];
  if (!fs) {
    const texts = findings
      .filter((f) => f.id.startsWith("kernel.") && (f.node ?? null) === (disk.node ?? null))
      .flatMap((f) => f.evidence.map((e) => e.text))
      .filter((text) => text.includes(disk.device));
    for (const text of texts) {
      fs = FILESYSTEM.exec(text)?.[1];
      if (fs) break;
    }
  }
  return fs ? `disk.fs-error.${fs.toLowerCase()}` : "disk.fs-error";
}

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
