import { clip, MiB, oneLine, smallFileParser, splitLines } from "./common.js";
import type { FileParser } from "./registry-types.js";

export const REDACTED = "[redacted]";
const MAX_FLAGS = 2_000;
const MAX_VALUE_CHARS = 4_096;

/** args files that hold one command-line flag per line (env and TOML files are not among them). */
export const FLAG_FILES: readonly string[] = [
  "kubelet",
  "k8s-dqlite",
  "kube-apiserver",
  "kubelite",
  "kube-proxy",
  "kube-scheduler",
  "kube-controller-manager",
  "apiserver-proxy",
  "cluster-agent",
  "containerd",
  "etcd",
  "flanneld",
];

/** Flags whose values are never kept: their names say they hold (or point at) a secret. */
export function isSecretFlag(name: string): boolean {
  return /token|password|passwd|secret|key/i.test(name);
}

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/s.exec(value);
  return match ? match[2] : value;
}

/**
 * An args file ("--flag=value", "--flag value", bare "--flag") → flag (as written, dashes included) → value.
 * Comments and blank lines are skipped; secret-looking flags get "[redacted]" instead of their value.
 */
export function parseArgs(text: string): Record<string, string> {
  const flags: Record<string, string> = {};
  let count = 0;
  for (const raw of splitLines(text)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(--?[A-Za-z0-9][\w.:-]*)(?:=(.*)|\s+(.*))?$/s.exec(line);
    if (!match || count >= MAX_FLAGS) continue;
    const name = match[1];
    const value = unquote((match[2] ?? match[3] ?? "").trim());
    if (!Object.hasOwn(flags, name)) count++;
    flags[name] = isSecretFlag(name) ? REDACTED : clip(value, MAX_VALUE_CHARS);
  }
  return flags;
}

const MAX_BOM_ENTRIES = 500;
const MAX_BOM_TEXT = 200;

function versionText(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return clip(value.trim(), MAX_BOM_TEXT);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function versionOf(entry: unknown): string | null {
  const direct = versionText(entry);
  if (direct !== null) return direct;
  if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
    const record = entry as Record<string, unknown>;
    return versionText(record.version) ?? versionText(record.Version) ?? versionText(record.tag);
  }
  return null;
}

/**
 * bom.json → component → version ("kubernetes" → "v1.28.14", "k8s-dqlite" → "v1.1.11", and "microk8s").
 * Accepts `components` as a map or as a list of {name, version}; never throws.
 */
export function parseBom(text: string): { bom: Record<string, string> | null; error: string | null } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { bom: null, error: `not valid JSON: ${oneLine(error)}` };
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return { bom: null, error: "not a JSON object" };
  }
  const root = document as Record<string, unknown>;
  const bom: Record<string, string> = {};
  let entries = 0;
  const add = (name: unknown, entry: unknown) => {
    const version = versionOf(entry);
    if (typeof name !== "string" || name === "" || version === null || entries >= MAX_BOM_ENTRIES) return;
    const key = clip(name, MAX_BOM_TEXT);
    if (!Object.hasOwn(bom, key)) entries++;
    Object.defineProperty(bom, key, { value: version, enumerable: true, writable: true, configurable: true });
  };
  add("microk8s", root.microk8s);
  const components = root.components;
  if (Array.isArray(components)) {
    for (const item of components) {
      if (typeof item === "object" && item !== null) add((item as Record<string, unknown>).name, item);
    }
  } else if (typeof components === "object" && components !== null) {
    for (const [name, entry] of Object.entries(components)) add(name, entry);
  }
  return { bom, error: null };
}

export const argsParser: FileParser = smallFileParser(
  "args-flags",
  (path) => path.startsWith("args/") && FLAG_FILES.includes(path.slice("args/".length)),
  1 * MiB,
  (text, { path, out }) => {
    const name = path.slice("args/".length);
    out.args[name] = parseArgs(text);
  },
);

export const bomParser: FileParser = smallFileParser(
  "bom",
  (path) => path === "bom.json",
  4 * MiB,
  (text, { path, out, warnings, truncated }) => {
    if (truncated) return; // a cut JSON document cannot be parsed; the truncation warning says why
    const { bom, error } = parseBom(text);
    if (bom) out.bom = bom;
    else warnings.push(`${path}: ${error}`);
  },
);
