/**
 * Typed output of the parsers (one parser per known report file). The analyses in src/analysis
 * read only these types, never raw text.
 */

/** A record of dqlite/cluster.yaml or dqlite/info.yaml (go-dqlite NodeInfo). */
export interface DqliteMember {
  /** uint64 as a decimal string (it does not fit a JS number). */
  id: string;
  /** "host:port"; IPv6 hosts in brackets. */
  address: string;
  /** 0 voter, 1 stand-by, 2 spare; null when absent or not a number. */
  role: 0 | 1 | 2 | null;
}

/** Parse result of a file that may be malformed: either data or a one-line reason. */
export type Parsed<T> = { ok: true; value: T; warnings?: string[] } | { ok: false; error: string };

/** dqlite/list.out (`ls -lh` of the backend folder). */
export interface BackendListing {
  /** "total 156M" converted to bytes; null when absent. */
  totalBytes: number | null;
  entries: { name: string; sizeBytes: number | null; mtime: string | null }[];
  closedSegments: number;
  openSegments: number;
  snapshots: number;
  hasJoinFile: boolean;
  hasInitYaml: boolean;
  hasLocalnodeYaml: boolean;
}

/** Summary of one service's journal.log / systemctl.log / snapctl.log (the whole text is never kept). */
export interface JournalSummary {
  /** Report-relative path. */
  file: string;
  /** Service name without prefix: "k8s-dqlite", "kubelite" … */
  service: string;
  lines: number;
  /** Lines that are bash xtrace noise (`]: + ` / `]: ++ `). */
  xtraceLines: number;
  /** Host field of the journal lines (most frequent), e.g. "kube05"; null when none. */
  host: string | null;
  /** All distinct host fields seen (hostname changes show here). */
  hosts: string[];
  /** Timestamps of the first and last journal lines as written ("Oct 29 17:22:58" or ISO). */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  /** A four-digit year seen in the file (logrus time="2024-…", systemctl "since Tue 2024-10-29"), if any. */
  yearHint: number | null;
  /** systemctl.log / snapctl.log: the `Active:` state, e.g. "active (running)", "activating (auto-restart)", "failed". */
  activeState: string | null;
  /** Largest `restart counter is at N` seen. */
  maxRestartCounter: number | null;
  /** "/snap/microk8s/<rev>/" revision seen in the lines, if any. */
  snapRevision: string | null;
}

/** apparmor/dmesg (or `journalctl -k` in strict): disk and kernel events; the text itself is not kept. */
export interface KernelEvent {
  kind: "io-error" | "fs-error" | "read-only" | "smart" | "oom";
  /** Device as logged (sdb, sda1, nvme0n1, dm-0); the OOM victim for "oom". */
  device: string;
  line: number;
  text: string;
  /** "[ 306.925814]" seconds since boot, or the journal timestamp, as written. */
  timestamp: string | null;
}

export interface DiskUsageRow {
  filesystem: string;
  size: string;
  used: string;
  avail: string;
  usePercent: number;
  mountpoint: string;
}

export interface MemoryUsage {
  totalMiB: number;
  usedMiB: number;
  availableMiB: number | null;
  swapTotalMiB: number | null;
  swapUsedMiB: number | null;
}

export interface SnapRow {
  name: string;
  version: string;
  rev: string;
  tracking: string;
  notes: string;
}

export interface SysctlPair {
  aioNr: number | null;
  aioMaxNr: number | null;
  inotifyMaxUserInstances: number | null;
  inotifyMaxUserWatches: number | null;
}

/** A node from k8s/cluster-info-dump's NodeList. */
export interface K8sNode {
  name: string;
  internalIPs: string[];
  /** "True" | "False" | "Unknown" | null from the Ready condition. */
  ready: "True" | "False" | "Unknown" | null;
  readyReason: string | null;
  readyMessage: string | null;
  /** When the Ready condition last changed. */
  readySince: string | null;
  controlPlane: boolean;
  kubeletVersion: string | null;
}

export interface ClusterInfoDump {
  /** False when the file holds only an error such as "The connection to the server … was refused". */
  available: boolean;
  /** The error text when not available. */
  error: string | null;
  nodes: K8sNode[];
}

export interface GetAllRow {
  namespace: string;
  kind: string;
  name: string;
  ready: string | null;
  status: string | null;
  restarts: number | null;
  node: string | null;
}

export interface GetAll {
  available: boolean;
  error: string | null;
  pods: GetAllRow[];
}

export interface K8sVersion {
  client: string | null;
  server: string | null;
  /** Error text (API server unreachable …) when present. */
  error: string | null;
}

export interface IptablesL {
  forwardPolicy: string | null;
}

export interface IpRoute {
  hasDefaultRoute: boolean;
  routes: string[];
}

/** Everything the parsers extracted from one report. Absent fields: file not in the report. */
export interface ParsedReport {
  dqliteCluster?: Parsed<DqliteMember[]>;
  dqliteInfo?: Parsed<DqliteMember>;
  dqliteLocalnode?: Parsed<DqliteMember[]>;
  dqliteList?: BackendListing;
  /** Keyed by report-relative path. */
  journals: Record<string, JournalSummary>;
  kernel?: {
    events: KernelEvent[];
    lines: number;
    /** Matching lines per "kind:device" (e.g. "io-error:sda"), counting also those beyond the kept sample of events. */
    eventCounts?: Record<string, number>;
  };
  diskUsage?: DiskUsageRow[];
  memory?: MemoryUsage;
  snapList?: SnapRow[];
  sysctl?: SysctlPair;
  clusterInfoDump?: ClusterInfoDump;
  getAll?: GetAll;
  k8sVersion?: K8sVersion;
  iptablesL?: IptablesL;
  ipRoute?: IpRoute;
  /** Non-loopback, non-link-local addresses from `ip addr` output in network/ip-addr (without prefix length). */
  ipAddresses?: string[];
  /**
   * args/kubelet flags, args/k8s-dqlite flags (name → value), when present. Keyed by args file name ("kubelet"),
   * then by flag as written with its dashes ("--hostname-override"); secret-looking flags hold "[redacted]".
   */
  args: Record<string, Record<string, string>>;
  /** bom.json component versions, when present. */
  bom?: Record<string, string>;
}
