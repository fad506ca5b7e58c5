import { parseDocument } from "yaml";
import { MiB, oneLine, smallFileParser } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { DqliteMember, Parsed } from "./types.js";

/** Real files are well under 10 KiB; 1 MiB (~16 000 members) keeps the YAML parse well under a second or two. */
export const DQLITE_YAML_MAX_BYTES = 1 * MiB;
/** Aliases are never used in these files; a small limit stops alias-expansion ("billion laughs") bombs at once. */
const MAX_ALIAS_COUNT = 50;
const UINT64_MAX = (1n << 64n) - 1n;
const MAX_WARNINGS = 20;

/** Member files nest two levels; deeper input is hostile (and deep recursion can crash V8 outright). */
const MAX_FLOW_DEPTH = 64;
const MAX_BLOCK_INDENT = 256;

type Loaded = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * True when brackets or indentation nest far deeper than any dqlite file. Checked before the YAML parser
 * runs: near the stack limit V8 may abort the whole process (a fatal out-of-memory in its RegExp compiler)
 * instead of throwing a catchable RangeError.
 */
export function nestsTooDeep(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return true;
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) depth--;
  }
  let lineStart = 0;
  while (lineStart < text.length) {
    let end = text.indexOf("\n", lineStart);
    if (end < 0) end = text.length;
    let indent = lineStart;
    // Indentation plus compact "- - -" / "? ? ?" chains.
    while (indent < end && " \t-?".includes(text[indent])) indent++;
    if (indent - lineStart > MAX_BLOCK_INDENT) return true;
    lineStart = end + 1;
  }
  return false;
}

/** Parses YAML keeping integers exact (IDs are uint64); never throws. */
function loadYaml(text: string, file: string): Loaded {
  if (nestsTooDeep(text)) return { ok: false, error: `${file} is not valid YAML: nested too deeply` };
  try {
    const doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0)
      return { ok: false, error: `${file} is not valid YAML: ${oneLine(doc.errors[0])}` };
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // Alias bombs ("Excessive alias count …") and pathological nesting land here.
    return { ok: false, error: `${file} is not valid YAML: ${oneLine(error)}` };
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Map);
}

/** Looks a key up case-insensitively (go-yaml matches field names loosely; key order varies between versions). */
function field(entry: Record<string, unknown>, name: string): unknown {
  if (name in entry) return entry[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(entry)) if (key.toLowerCase() === wanted) return entry[key];
  return undefined;
}

function toId(raw: unknown, where: string, warnings: string[]): string {
  let value: bigint | null = null;
  if (typeof raw === "bigint") value = raw;
  else if (typeof raw === "number" && Number.isSafeInteger(raw)) value = BigInt(raw);
  else if (typeof raw === "string" && /^\s*\d+\s*$/.test(raw)) value = BigInt(raw.trim());
  if (value === null) {
    warnings.push(`${where} has ${raw === undefined ? "no ID" : "an ID that is not a number"}`);
    return "";
  }
  if (value < 0n || value > UINT64_MAX) warnings.push(`${where} has an ID outside the uint64 range`);
  return value.toString();
}

const ROLE_NAMES: Record<string, 0 | 1 | 2> = { voter: 0, "stand-by": 1, standby: 1, spare: 2, backup: 2 };

function toRole(raw: unknown, where: string, warnings: string[]): 0 | 1 | 2 | null {
  if (raw === undefined || raw === null) return null;
  const text = typeof raw === "string" ? raw.trim().toLowerCase() : String(raw);
  if (text === "0" || text === "1" || text === "2") return Number(text) as 0 | 1 | 2;
  if (Object.hasOwn(ROLE_NAMES, text)) return ROLE_NAMES[text];
  warnings.push(`${where} has an unknown Role ${oneLine(text, 40)}`);
  return null;
}

function toAddress(raw: unknown): string | null {
  if (typeof raw === "string" && raw.trim() !== "") return raw.trim();
  return null;
}

/** One go-dqlite NodeInfo record; null (with a warning) when it has no usable Address. */
function toMember(entry: unknown, where: string, warnings: string[]): DqliteMember | null {
  if (!isMap(entry)) {
    warnings.push(`${where} is not a map; skipped`);
    return null;
  }
  const address = toAddress(field(entry, "Address"));
  if (address === null) {
    warnings.push(`${where} has no Address; skipped`);
    return null;
  }
  return {
    id: toId(field(entry, "ID"), where, warnings),
    address,
    role: toRole(field(entry, "Role"), where, warnings),
  };
}

function membersOf(list: unknown[], file: string): Parsed<DqliteMember[]> {
  const warnings: string[] = [];
  const members: DqliteMember[] = [];
  list.forEach((entry, index) => {
    const member = toMember(entry, `${file} entry ${index + 1}`, warnings);
    if (member) members.push(member);
  });
  if (list.length > 0 && members.length === 0) {
    return {
      ok: false,
      error: `${file} lists ${list.length} ${list.length === 1 ? "entry" : "entries"} but none has an Address`,
    };
  }
  return withWarnings(members, warnings);
}

function withWarnings<T>(value: T, warnings: string[]): Parsed<T> {
  if (warnings.length === 0) return { ok: true, value };
  const kept = warnings.slice(0, MAX_WARNINGS);
  if (warnings.length > MAX_WARNINGS) kept.push(`… and ${warnings.length - MAX_WARNINGS} more warnings`);
  return { ok: true, value, warnings: kept };
}

function emptyList(file: string, text: string): Parsed<DqliteMember[]> {
  return {
    ok: true,
    value: [],
    warnings: [`${file} ${text.trim() === "" ? "is empty" : "holds no entries"}`],
  };
}

/** dqlite/cluster.yaml: a YAML list of {ID, Address, Role} maps (this node's view of the membership). */
export function parseClusterYaml(text: string, file = "dqlite/cluster.yaml"): Parsed<DqliteMember[]> {
  if (text.trim() === "") return emptyList(file, text);
  const loaded = loadYaml(text, file);
  if (!loaded.ok) return loaded;
  if (loaded.value === null || loaded.value === undefined) return emptyList(file, text);
  if (!Array.isArray(loaded.value)) return { ok: false, error: `${file} is not a list of members` };
  return membersOf(loaded.value, file);
}

/** dqlite/info.yaml: this node's own {ID, Address, Role} record. */
export function parseInfoYaml(text: string, file = "dqlite/info.yaml"): Parsed<DqliteMember> {
  if (text.trim() === "") return { ok: false, error: `${file} is empty` };
  const loaded = loadYaml(text, file);
  if (!loaded.ok) return loaded;
  const warnings: string[] = [];
  let record = loaded.value;
  if (Array.isArray(record) && record.length === 1) {
    warnings.push(`${file} is a one-entry list instead of a map`);
    record = record[0];
  }
  if (!isMap(record)) return { ok: false, error: `${file} is not a map` };
  const member = toMember(record, file, warnings);
  if (!member) return { ok: false, error: `${file} has no Address` };
  return withWarnings(member, warnings);
}

/** dqlite/localnode.yaml (legacy): the same list form as cluster.yaml, or a single record. */
export function parseLocalnodeYaml(text: string, file = "dqlite/localnode.yaml"): Parsed<DqliteMember[]> {
  if (text.trim() === "") return emptyList(file, text);
  const loaded = loadYaml(text, file);
  if (!loaded.ok) return loaded;
  const value = loaded.value;
  if (value === null || value === undefined) return emptyList(file, text);
  if (Array.isArray(value)) return membersOf(value, file);
  if (isMap(value)) return membersOf([value], file);
  return { ok: false, error: `${file} is neither a list nor a map` };
}

function tooLarge(file: string): { ok: false; error: string } {
  return { ok: false, error: `${file} is larger than ${DQLITE_YAML_MAX_BYTES / MiB} MiB; not parsed` };
}

function report<T>(result: Parsed<T>, warnings: string[]): Parsed<T> {
  if (!result.ok) warnings.push(result.error);
  else if (result.warnings) warnings.push(...result.warnings);
  return result;
}

export const dqliteClusterParser: FileParser = smallFileParser(
  "dqlite-cluster",
  (path) => path === "dqlite/cluster.yaml",
  DQLITE_YAML_MAX_BYTES,
  (text, { path, out, warnings, truncated }) => {
    out.dqliteCluster = report(truncated ? tooLarge(path) : parseClusterYaml(text, path), warnings);
  },
);

export const dqliteInfoParser: FileParser = smallFileParser(
  "dqlite-info",
  (path) => path === "dqlite/info.yaml",
  DQLITE_YAML_MAX_BYTES,
  (text, { path, out, warnings, truncated }) => {
    out.dqliteInfo = report(truncated ? tooLarge(path) : parseInfoYaml(text, path), warnings);
  },
);

export const dqliteLocalnodeParser: FileParser = smallFileParser(
  "dqlite-localnode",
  (path) => path === "dqlite/localnode.yaml",
  DQLITE_YAML_MAX_BYTES,
  (text, { path, out, warnings, truncated }) => {
    out.dqliteLocalnode = report(truncated ? tooLarge(path) : parseLocalnodeYaml(text, path), warnings);
  },
);
