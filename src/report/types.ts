import type { Readable } from "node:stream";

/** Limits applied while reading a report; every one is enforced while streaming. */
export interface ReportLimits {
  /** Bytes of the compressed archive (GitHub's attachment cap is 25 MB). */
  maxCompressedBytes: number;
  /** Sum of all unpacked entry sizes. */
  maxUnpackedBytes: number;
  /** Number of archive entries (files, folders, links …). */
  maxEntries: number;
  /** Size of a single unpacked file. */
  maxFileBytes: number;
}

export type ReportInput =
  | { kind: "file"; path: string; name?: string }
  | { kind: "folder"; path: string; name?: string }
  | { kind: "buffer"; data: Buffer; name: string }
  | { kind: "stream"; stream: Readable; name: string };

export interface ReportFileEntry {
  /** Path relative to the report's top folder, POSIX separators, e.g. "dqlite/cluster.yaml". */
  path: string;
  /** Declared size in bytes. */
  size: number;
}

/** Receives one file's bytes as they are unpacked. */
export interface FileSink {
  write(chunk: Buffer): void;
  /** Called once after the last chunk. */
  end(): void;
}

/** Receives the files of one report (one top folder), streamed in archive order. */
export interface ReportVisitor {
  /** Return a sink for this file's bytes, or null to skip it (its bytes still count against the limits). */
  onFile(entry: ReportFileEntry): FileSink | null;
}

export interface ReadReport {
  /** The folder inside the archive that holds the report ("inspection-report", "kube05/inspection-report", "" …). */
  prefix: string;
  /** Every regular file of the report, in archive order. */
  files: ReportFileEntry[];
}

export interface ReadOutcome {
  /** Name of the input (file name, URL name, folder name). */
  source: string;
  /** One entry per report folder found; usually exactly one. */
  reports: ReadReport[];
  /** One-line reason when the input could not be read as a whole; reports are then to be discarded. */
  error: string | null;
  /**
   * Stable reason code when `error` is set ("not-gzip", "truncated", "unsafe-path", "link",
   * "too-large", "no-layout", "io" …; see ReportReadErrorCode in limits.ts). Absent otherwise.
   */
  errorCode?: string;
  /** Non-fatal remarks (entries skipped, unknown files outside the report …). */
  warnings: string[];
}

/** Confinement and generation of the report layout, derived from the file listing only. */
export interface ReportLayout {
  confinement: "classic" | "strict" | null;
  /** "worker" when apiserver-proxy runs and k8s-dqlite does not; "control-plane" when a datastore service is present. */
  role: "control-plane" | "worker" | "unknown";
  /** Service folder prefix: "snap.microk8s.daemon-" (classic) or "microk8s.daemon-" (strict). */
  servicePrefix: string;
  /** Service names with a folder in the report: "k8s-dqlite", "kubelite", "apiserver" … */
  services: string[];
  /** Which service's journal holds datastore (dqlite) lines in this generation. */
  datastoreService: string | null;
  /** Rough era from the listing: "<=1.20" (separate daemons), "1.21-1.22" (kubelite, embedded dqlite), ">=1.23". */
  era: "<=1.20" | "1.21-1.22" | ">=1.23" | null;
  hasDqliteFolder: boolean;
}
