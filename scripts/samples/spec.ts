/**
 * What a generated inspection report is made of. A ReportSpec describes one node at the moment
 * `microk8s inspect` ran; buildReport() turns it into a `.tar.gz` laid out like the real thing.
 */
import type { EntryContent } from "./archive.js";
import type { Zone } from "./time.js";

export type Confinement = "classic" | "strict";
export type NodeKind = "control-plane" | "worker";

/** Services that may get a folder in the report (`snap.microk8s.daemon-<name>` / `microk8s.daemon-<name>`). */
export type ServiceName =
  | "cluster-agent"
  | "containerd"
  | "kubelite"
  | "k8s-dqlite"
  | "apiserver-kicker"
  | "apiserver-proxy"
  | "flanneld"
  | "etcd";

/** A record of dqlite's cluster.yaml / info.yaml. */
export interface DqliteRecord {
  /** uint64 as a decimal string. */
  id: string;
  address: string;
  role: 0 | 1 | 2;
}

/** The `ls -lh` of the dqlite backend folder (dqlite/list.out). */
export interface BackendListingSpec {
  /** Closed raft segments ("0000000000014337-0000000000014731"). */
  closedSegments: number;
  /** Pre-allocated open segments ("open-44"). */
  openSegments: number;
  /** Snapshots (each with its .meta file). */
  snapshots: number;
  /** First raft index of the oldest closed segment. */
  firstIndex?: number;
  /** The transient `join` flag file (a join that never finished when it persists). */
  join?: boolean;
  /** A pending `init.yaml`. */
  initYaml?: boolean;
  /** Node-local time the backend was created (cluster.crt/key mtime). */
  createdAt: string;
  /** An empty list.out, as when `ls` failed (stderr is not captured). */
  empty?: boolean;
}

export interface DqliteSpec {
  cluster: DqliteRecord[];
  info: DqliteRecord;
  /** go-dqlite's YAML key order differs by version; parsers must not care. */
  keyOrder?: "id-first" | "address-first";
  /** Legacy localnode.yaml content; only copied by the v1.23–v1.35 scripts and only present on old installs. */
  localnode?: DqliteRecord[] | null;
  listing: BackendListingSpec;
}

/** A `df -h` row (only block devices; inspect greps `^/`). */
export interface DiskRow {
  filesystem: string;
  size: string;
  used: string;
  avail: string;
  usePercent: number;
  mount: string;
}

export interface HostSpec {
  os: { description: string; release: string; codename: string };
  kernel: string;
  arch: "x86_64" | "aarch64";
  /** systemd-detect-virt output: "none", "kvm", "vmware", "microsoft", "lxc" … */
  virt: string;
  cpus: number;
  memory: {
    totalMiB: number;
    usedMiB: number;
    sharedMiB?: number;
    buffCacheMiB?: number;
    swapTotalMiB?: number;
    swapUsedMiB?: number;
  };
  disks: DiskRow[];
  network: { iface: string; address: string; prefix: number; gateway: string | null; mac: string };
  load: [number, number, number];
  users: number;
  /** sysctl fs.aio-nr / fs.aio-max-nr (files exist from v1.28, classic only). */
  aio?: { nr: number; maxNr: number };
  inotify?: { maxUserInstances: number; maxUserWatches: number };
  /** iptables FORWARD policy; DROP triggers inspect's warning. */
  forwardPolicy?: "ACCEPT" | "DROP";
  /** Extra `snap list` rows besides core/snapd/microk8s. */
  extraSnaps?: { name: string; version: string; rev: string; tracking: string; notes: string }[];
}

export interface K8sNodeSpec {
  name: string;
  internalIP: string;
  ready: "True" | "False" | "Unknown";
  /** Defaults: KubeletReady / NodeStatusUnknown / KubeletNotReady by status. */
  reason?: string;
  message?: string;
  /** When the Ready condition last changed (absolute or node-local ISO). */
  readySince: string;
  /** Last heartbeat; defaults to shortly before the report (stale for Unknown). */
  lastHeartbeat?: string;
  createdAt: string;
  controlPlane: boolean;
  kubeletVersion: string;
  osImage: string;
  kernel: string;
  containerRuntime: string;
  arch: "amd64" | "arm64";
  cpus: number;
  memoryKi: number;
  /** 32 hex digits, also used in journal "-- Boot … --" separators. */
  bootId: string;
  unschedulable?: boolean;
}

/** Pod log styles the generator knows how to write. */
export type LogStyle =
  | "calico-node"
  | "calico-kube-controllers"
  | "coredns"
  | "metrics-server"
  | "hostpath-provisioner"
  | "node-exporter"
  | "prometheus"
  | "nginx-ingress"
  | "navidrome"
  | "app-json"
  | "none";

export interface ContainerSpec {
  name: string;
  image: string;
  log: LogStyle;
}

export interface PodState {
  phase: "Running" | "Pending" | "Unknown" | "Terminating" | "CrashLoopBackOff" | "Error" | "Completed";
  restarts: number;
  /** Ready containers; defaults to all when Running, 0 otherwise. */
  ready?: number;
}

export interface WorkloadSpec {
  kind: "Deployment" | "DaemonSet" | "StatefulSet";
  namespace: string;
  name: string;
  containers: ContainerSpec[];
  /** Deployment/StatefulSet replicas; DaemonSets get one pod per entry of `nodes`. */
  replicas?: number;
  /** Nodes the pods run on (DaemonSet: all listed; others: round-robin). */
  nodes: string[];
  createdAt: string;
  /** Pods use the node IP (calico-node, node-exporter). */
  hostNetwork?: boolean;
  service?: {
    type: "ClusterIP" | "NodePort" | "LoadBalancer";
    clusterIP: string;
    ports: string;
    name?: string;
  };
  /** Per-pod state override; index is the pod's position. */
  state?: (index: number, node: string) => PodState;
  /** Nodes where a DaemonSet should run but has no pod (desired > current). */
  missingOn?: string[];
  labels?: Record<string, string>;
}

export interface KubernetesSpec {
  /**
   * "up": kubectl works. "refused": the API server is down. "worker": kubectl refuses on a worker
   * node. { text }: every k8s/* file holds this text (timeouts, TLS errors …).
   */
  api: "up" | "refused" | "worker" | { text: string };
  nodes: K8sNodeSpec[];
  workloads: WorkloadSpec[];
  /** Kubernetes events to put into the dump (reason/message per object). */
  events?: {
    namespace: string;
    object: string;
    kind: string;
    type: "Normal" | "Warning";
    reason: string;
    message: string;
    at: string;
    count?: number;
  }[];
  /** Pod CIDR prefix for pod IPs, default "10.1". */
  podCidrPrefix?: string;
  /** Scales pod log volume in the dump (lines per container); default 40. */
  podLogLines?: number;
  /** Seed for pod names and object ids, shared by all reports of one cluster. */
  clusterSeed?: string;
  /** Replace the whole cluster-info-dump content (big reports). */
  dumpOverride?: EntryContent;
}

export interface ServiceSpec {
  /** journal.log lines in order (one item per line, no "\n"). Must be deterministic. */
  journal: () => Iterable<string>;
  /** The `Active:` state: "active (running)", "activating (auto-restart)", "failed", "inactive (dead)". */
  active: string;
  /** Result shown for failed/auto-restart states, e.g. "exit-code". */
  result?: string;
  /** When the current state began (absolute or node-local ISO). */
  since: string;
  mainPid: number | null;
  /** Extra processes in the unit's cgroup (containerd shims …), as `ps` would show them. */
  children?: { pid: number; cmd: string }[];
  memory?: string;
  cpu?: string;
  tasks?: number;
}

export interface KernelEvent {
  /** Absolute or node-local ISO time; converted to seconds since boot for dmesg. */
  at: string;
  text: string;
}

export interface ReportSpec {
  hostname: string;
  microk8s: { version: string; revision: string; channel?: string };
  confinement: Confinement;
  role: NodeKind;
  /** Node-local wall time when `microk8s inspect` ran, "YYYY-MM-DDTHH:MM:SS". */
  takenAt: string;
  zone: Zone;
  /** Node-local boot time (uptime, dmesg timestamps, systemctl "since"). */
  bootedAt: string;
  /** Seed label; defaults to hostname + takenAt. */
  seed?: string;
  host: HostSpec;
  /** null: no ha-cluster lock (legacy etcd/flannel cluster, no dqlite folder). */
  dqlite: DqliteSpec | null;
  kubernetes: KubernetesSpec;
  services: Partial<Record<ServiceName, ServiceSpec>>;
  dmesg: { events: KernelEvent[]; noisePerHour?: number };
  /** Report-relative path → content, added or replacing generated files. */
  extraFiles?: Record<string, EntryContent>;
  /** Report-relative paths to leave out (a file the user's system could not produce). */
  omitFiles?: string[];
}

/** Layout generations of inspect.sh that change which files exist. */
export interface EraFeatures {
  minor: number;
  /** v1.21–v1.22: dqlite runs inside kubelite; no k8s-dqlite service, no dqlite/ folder. */
  embeddedDqlite: boolean;
  /** netstat/ifconfig (≤1.22) versus ss/ip-addr (≥1.23). */
  legacyNetTools: boolean;
  /** juju/ and kubeflow/ folders (≤1.23). */
  jujuKubeflow: boolean;
  /** Strict confinement support, get-pvc -A, apiserver-proxy (≥1.25). */
  strictAware: boolean;
  /** `ip route` overwrote network/ip-addr (1.25–1.31); ip-route file from 1.32. */
  ipAddrHoldsRoutes: boolean;
  ipRouteFile: boolean;
  /** bom.json, sys/aio-*, sys/inotify_* (≥1.28). */
  bom: boolean;
  sysctls: boolean;
  /** dqlite/localnode.yaml copied (1.23–1.35). */
  copiesLocalnode: boolean;
  /** kubectl version prints version.Info{…} (≤1.27) and the deprecation warning (1.24–1.27). */
  versionInfoForm: boolean;
  versionWarning: boolean;
}

export function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a MicroK8s version: ${version}`);
  return Number(m[1]);
}

export function eraFeatures(version: string): EraFeatures {
  const minor = minorOf(version);
  return {
    minor,
    embeddedDqlite: minor <= 22,
    legacyNetTools: minor <= 22,
    jujuKubeflow: minor <= 23,
    strictAware: minor >= 25,
    ipAddrHoldsRoutes: minor >= 25 && minor <= 31,
    ipRouteFile: minor >= 32,
    bom: minor >= 28,
    sysctls: minor >= 28,
    copiesLocalnode: minor >= 23 && minor <= 35,
    versionInfoForm: minor <= 27,
    versionWarning: minor >= 24 && minor <= 27,
  };
}

/** Folder name of a service in the report. */
export function serviceFolder(confinement: Confinement, service: ServiceName): string {
  return confinement === "strict" ? `microk8s.daemon-${service}` : `snap.microk8s.daemon-${service}`;
}

/**
 * Services inspect.sh checks for this node, in its order (see report-format.md §2): the set
 * depends on era, role and the ha-cluster lock.
 */
export function expectedServices(spec: Pick<ReportSpec, "microk8s" | "role" | "dqlite">): ServiceName[] {
  const era = eraFeatures(spec.microk8s.version);
  const worker = spec.role === "worker";
  if (era.minor <= 22) {
    return ["cluster-agent", "containerd", "apiserver-kicker", "kubelite", ...haLegacy(spec)];
  }
  const out: ServiceName[] = ["cluster-agent", "containerd", "kubelite"];
  if (spec.dqlite === null) out.push("flanneld", "etcd");
  else if (!worker) out.push("k8s-dqlite");
  if (worker && era.strictAware) out.push("apiserver-proxy");
  if (!worker) out.push("apiserver-kicker");
  return out;
}

function haLegacy(spec: Pick<ReportSpec, "dqlite">): ServiceName[] {
  return spec.dqlite === null ? ["flanneld", "etcd"] : [];
}
