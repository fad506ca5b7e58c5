/**
 * Where a report starts inside an archive. `microk8s inspect` puts everything under
 * `inspection-report/`, but users rename, nest and re-pack reports, so the top folder is found
 * from the known children of a report instead of from its name.
 */

/** Folders `microk8s inspect` writes directly into the report (all generations). */
export const REPORT_CHILD_FOLDERS: ReadonlySet<string> = new Set([
  "apparmor",
  "args",
  "dqlite",
  "k8s",
  "network",
  "sys",
  "juju",
  "kubeflow",
]);

/** Files `microk8s inspect` writes directly into the report. */
export const REPORT_CHILD_FILES: ReadonlySet<string> = new Set(["bom.json"]);

/** Default name of the report's top folder. */
export const REPORT_FOLDER_NAME = "inspection-report";

const SERVICE_FOLDER = /^(?:snap\.)?microk8s\.daemon-[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `snap.microk8s.daemon-kubelite` (classic) or `microk8s.daemon-kubelite` (strict). */
export function isServiceFolder(name: string): boolean {
  return SERVICE_FOLDER.test(name);
}

export type NormalisedPath =
  | { ok: true; path: string }
  | { ok: false; reason: "absolute" | "escapes" | "parent-segment" };

/**
 * Normalises an archive member path to POSIX segments without `.` or empty parts ("" for the
 * archive root). Refuses absolute paths (`/x`, `C:x`, `\\x`) and any `..` segment: nothing
 * `microk8s inspect` writes has one, so it is either an attack or a broken packer.
 */
export function normaliseEntryPath(raw: string): NormalisedPath {
  // Backslashes count as separators so Windows-style `..\..\x` cannot slip through.
  const path = raw.replace(/\\/g, "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return { ok: false, reason: "absolute" };
  const kept: string[] = [];
  let sawParent = false;
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (kept.length === 0) return { ok: false, reason: "escapes" };
      kept.pop();
      sawParent = true;
      continue;
    }
    kept.push(segment);
  }
  if (sawParent) return { ok: false, reason: "parent-segment" };
  return { ok: true, path: kept.join("/") };
}

function isKnownChild(segments: readonly string[], index: number): boolean {
  const name = segments[index];
  if (index === segments.length - 1) return REPORT_CHILD_FILES.has(name);
  return REPORT_CHILD_FOLDERS.has(name) || isServiceFolder(name);
}

/**
 * The report folder a (normalised) file path belongs to, decided from the path alone: everything
 * before the first segment that is a known report child. `null` when the path holds no such
 * segment (a README next to the report, say).
 *
 *   inspection-report/dqlite/cluster.yaml        → "inspection-report"
 *   dqlite/cluster.yaml                          → ""
 *   tmp/kube05/inspection-report/k8s/get-all     → "tmp/kube05/inspection-report"
 *   k8s/inspection-report/sys/ps                 → "k8s/inspection-report"  (a child directly under
 *                                                   an `inspection-report` folder wins)
 */
export function reportPrefixOf(path: string): string | null {
  const segments = path.split("/");
  let first = -1;
  for (let i = 0; i < segments.length; i++) {
    if (!isKnownChild(segments, i)) continue;
    if (i > 0 && segments[i - 1] === REPORT_FOLDER_NAME) return segments.slice(0, i).join("/");
    // Report children never nest (no `k8s/dqlite/`), so a known name followed by another one is
    // a user's folder that happens to share the name.
    if (first < 0 && !(i + 1 < segments.length && isKnownChild(segments, i + 1))) first = i;
  }
  return first < 0 ? null : segments.slice(0, first).join("/");
}

/** True when `path` lies inside the folder `prefix` ("" is the archive root and holds everything). */
export function isUnderPrefix(path: string, prefix: string): boolean {
  return prefix === "" || path.startsWith(`${prefix}/`);
}

/** `path` relative to `prefix`; the caller has checked isUnderPrefix. */
export function relativeToPrefix(path: string, prefix: string): string {
  return prefix === "" ? path : path.slice(prefix.length + 1);
}

/** The deepest of `prefixes` that holds `path`, or null. */
export function deepestPrefixHolding(path: string, prefixes: Iterable<string>): string | null {
  let best: string | null = null;
  for (const prefix of prefixes) {
    if (isUnderPrefix(path, prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best;
}
