/**
 * Hand-made ReportData builders for the analysis tests. Addresses, IDs and node names follow
 * real MicroK8s clusters (BootstrapID 3297041220608546238, port 19001, kube05–kube08 as in #3735).
 */
import { identify } from "../../src/analysis/identity.js";
import type { ReportData } from "../../src/analysis/types.js";
import type {
  BackendListing,
  ClusterInfoDump,
  DqliteMember,
  JournalSummary,
  K8sNode,
  ParsedReport,
} from "../../src/parsers/types.js";
import type { ReportLayout } from "../../src/report/types.js";
import type { Catalogue, SignatureHit, SignatureRule } from "../../src/rules/types.js";

export const BOOTSTRAP_ID = "3297041220608546238";
/** Joiner IDs as seen in real cluster.yaml files quoted in MicroK8s issues. */
export const ID = {
  kube05: BOOTSTRAP_ID,
  kube06: "9373968242441247628",
  kube07: "361013223158465256",
  kube07new: "6578832437747111275",
  kube08: "12170489617431394818",
};

export const DQLITE_JOURNAL = "snap.microk8s.daemon-k8s-dqlite/journal.log";
export const DQLITE_SYSTEMCTL = "snap.microk8s.daemon-k8s-dqlite/systemctl.log";

function rule(partial: Partial<SignatureRule> & Pick<SignatureRule, "id" | "severity">): SignatureRule {
  return {
    title: `Catalogue title of ${partial.id}`,
    meaning: `Catalogue meaning of ${partial.id}`,
    docs: null,
    files: ["**"],
    ...partial,
  };
}

/** A small catalogue: a few regex rules with the settings the analysis reacts to, and computed rules. */
export const TEST_RULES: SignatureRule[] = [
  rule({
    id: "dqlite.peer-unreachable",
    severity: "high",
    regex: "attempt \\d+: server (\\S+:\\d+):",
    sustained: { minLines: 20, minMinutes: 5 },
  }),
  rule({
    id: "dqlite.no-leader",
    severity: "critical",
    regex: "no known leader",
    sustained: { minLines: 20, minMinutes: 5 },
    docs: "https://microk8s.io/docs/restore-quorum",
  }),
  rule({
    id: "dqlite.query-deadline",
    severity: "high",
    regex: "context deadline exceeded",
    sustained: { minLines: 10, minMinutes: 3 },
  }),
  rule({
    id: "dqlite.query-canceled",
    severity: "medium",
    regex: "context canceled",
    escalate: { severity: "high", when: "sustained" },
  }),
  rule({
    id: "kubelite.crashloop",
    severity: "high",
    regex: "restart counter is at (\\d+)",
    escalate: { severity: "critical", when: { capture: 1, above: 5 } },
  }),
  rule({ id: "apiserver.unreachable", severity: "critical", regex: "16443 was refused" }),
  rule({ id: "kernel.io-error", severity: "critical", regex: "I/O error, dev (\\S+)" }),
  rule({ id: "disk.no-space", severity: "critical", regex: "no space left on device" }),
  rule({ id: "containerd.cgroup-v2-stats", severity: "noise", regex: "cgroup v2 not implemented for Stats" }),
  rule({
    id: "quorum.two-voters",
    severity: "high",
    computed: true,
    docs: "https://microk8s.io/docs/high-availability",
  }),
  rule({
    id: "quorum.at-risk",
    severity: "critical",
    computed: true,
    docs: "https://microk8s.io/docs/restore-quorum",
  }),
  rule({ id: "quorum.single-node", severity: "info", computed: true }),
  rule({ id: "disk.usage-high", severity: "high", computed: true }),
];

export function catalogue(rules: SignatureRule[] = TEST_RULES): Catalogue {
  return { rules, byId: new Map(rules.map((r) => [r.id, r])) };
}

export function member(address: string, id: string, role: 0 | 1 | 2 | null = 0): DqliteMember {
  return { address, id, role };
}

export function k8sNode(
  name: string,
  ip: string,
  ready: K8sNode["ready"] = "True",
  message: string | null = null,
): K8sNode {
  return {
    name,
    internalIPs: [ip],
    ready,
    readyReason:
      ready === "True" ? "KubeletReady" : ready === "Unknown" ? "NodeStatusUnknown" : "KubeletNotReady",
    readyMessage:
      message ??
      (ready === "True" ? "kubelet is posting ready status" : "Kubelet stopped posting node status."),
    readySince: "2023-02-06T18:20:01Z",
    controlPlane: true,
    kubeletVersion: "v1.26.0",
  };
}

export function dump(nodes: K8sNode[]): ClusterInfoDump {
  return { available: true, error: null, nodes };
}

export function journal(
  file: string,
  host: string | null,
  extra: Partial<JournalSummary> = {},
): JournalSummary {
  const service = /daemon-([a-z0-9-]+)\//.exec(file)?.[1] ?? "unknown";
  return {
    file,
    service,
    lines: 1000,
    xtraceLines: 100,
    host,
    hosts: host ? [host] : [],
    firstTimestamp: "Feb 06 17:00:01",
    lastTimestamp: "Feb 06 18:52:40",
    yearHint: 2023,
    activeState: null,
    maxRestartCounter: null,
    snapRevision: "4390",
    ...extra,
  };
}

export function listing(extra: Partial<BackendListing> = {}): BackendListing {
  return {
    totalBytes: 156 * 1024 * 1024,
    entries: [
      { name: "0000000000014337-0000000000014731", sizeBytes: 8 * 1024 * 1024, mtime: "Feb 06 18:03" },
      { name: "cluster.yaml", sizeBytes: 63, mtime: "Feb 06 18:21" },
      { name: "info.yaml", sizeBytes: 57, mtime: "Feb 06 17:23" },
      { name: "open-44", sizeBytes: 8 * 1024 * 1024, mtime: "Feb 06 18:21" },
      { name: "snapshot-1-21504-2419498", sizeBytes: 1600000, mtime: "Feb 06 18:21" },
    ],
    closedSegments: 20,
    openSegments: 3,
    snapshots: 2,
    hasJoinFile: false,
    hasInitYaml: false,
    hasLocalnodeYaml: false,
    ...extra,
  };
}

export function layout(role: ReportLayout["role"], services?: string[]): ReportLayout {
  const defaults =
    role === "worker"
      ? ["kubelite", "containerd", "cluster-agent", "apiserver-proxy"]
      : ["k8s-dqlite", "kubelite", "containerd", "cluster-agent", "apiserver-kicker"];
  const list = services ?? defaults;
  return {
    confinement: "classic",
    role,
    servicePrefix: "snap.microk8s.daemon-",
    services: list,
    datastoreService: list.includes("k8s-dqlite") ? "k8s-dqlite" : null,
    era: ">=1.23",
    hasDqliteFolder: true,
  };
}

export interface HitInit {
  count?: number;
  sustained?: boolean;
  samples?: { line: number; text: string }[];
  captures?: string[];
  captureCounts?: Record<string, number>;
  /** Minutes since epoch → count. */
  perMinute?: [number, number][];
  maxCapture?: number | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
}

/** 2023-02-06T18:00Z in minutes since the epoch. */
export const T0 = Date.UTC(2023, 1, 6, 18, 0) / 60_000;

export function hit(ruleId: string, file: string, init: HitInit = {}): SignatureHit {
  const samples = init.samples ?? [{ line: 10, text: `sample line of ${ruleId}` }];
  const perMinute = new Map(init.perMinute ?? [[T0, init.count ?? samples.length]]);
  return {
    ruleId,
    file,
    count: init.count ?? samples.length,
    samples,
    firstSeen: init.firstSeen ?? "Feb 06 18:00:01",
    lastSeen: init.lastSeen ?? "Feb 06 18:40:00",
    perMinute,
    sustained: init.sustained ?? false,
    maxCapture: init.maxCapture ?? null,
    captures: init.captures ?? [],
    ...(init.captureCounts ? { captureCounts: init.captureCounts } : {}),
  };
}

/** A go-dqlite connection failure as k8s-dqlite logs it (shape from canonical/dqlite#628). */
export function peerLine(address: string, attempt = 3630): string {
  const host = address.split(":")[0];
  return `Feb 06 18:40:01 kube05 microk8s.daemon-k8s-dqlite[1365]: time="2023-02-06T18:40:01Z" level=warning msg="[go-dqlite] attempt ${attempt}: server ${address}: dial: dial tcp ${address}: connect: connection refused" host=${host}`;
}

/** Sustained failures to reach `address`, as the scanner would report them. */
export function unreachableHit(address: string, count = 412): SignatureHit {
  return hit("dqlite.peer-unreachable", DQLITE_JOURNAL, {
    count,
    sustained: true,
    captures: [address],
    samples: [
      { line: 2001, text: peerLine(address, 1) },
      { line: 2002, text: peerLine(address, 2) },
    ],
    perMinute: Array.from({ length: 40 }, (_, i) => [T0 + i, Math.ceil(count / 40)] as [number, number]),
  });
}

export function parsed(extra: Partial<ParsedReport> = {}): ParsedReport {
  return { journals: {}, args: {}, ...extra };
}

export interface NodeInit {
  node: string;
  ip: string;
  id?: string;
  /** cluster.yaml of this node; omitted: no dqlite/cluster.yaml. */
  cluster?: DqliteMember[];
  /** info.yaml; default: the node's own address and id. Null: no info.yaml. */
  info?: DqliteMember | null;
  nodes?: K8sNode[];
  hits?: SignatureHit[];
  /** k8s-dqlite `Active:` state; default "active (running)". Null: no systemctl.log. */
  datastoreState?: string | null;
  takenAt?: string | null;
  source?: string;
  list?: BackendListing;
  extra?: Partial<ParsedReport>;
  version?: string;
}

function finish(base: Omit<ReportData, "identity">): ReportData {
  return { ...base, identity: identify(base) };
}

/** A control-plane node's report (classic, v1.28 layout). */
export function controlPlane(init: NodeInit): ReportData {
  const own = member(`${init.ip}:19001`, init.id ?? BOOTSTRAP_ID, 0);
  const info = init.info === undefined ? own : init.info;
  const journals: Record<string, JournalSummary> = {
    [DQLITE_JOURNAL]: journal(DQLITE_JOURNAL, init.node),
    "snap.microk8s.daemon-kubelite/journal.log": journal(
      "snap.microk8s.daemon-kubelite/journal.log",
      init.node,
    ),
  };
  const state = init.datastoreState === undefined ? "active (running)" : init.datastoreState;
  if (state !== null)
    journals[DQLITE_SYSTEMCTL] = journal(DQLITE_SYSTEMCTL, init.node, { lines: 12, activeState: state });
  return finish({
    source: init.source ?? `${init.node}-inspection-report-20230206_185244.tar.gz`,
    takenAt: init.takenAt === undefined ? "2023-02-06T18:52:44" : init.takenAt,
    files: [],
    layout: layout("control-plane"),
    parsed: parsed({
      journals,
      ...(init.cluster ? { dqliteCluster: { ok: true as const, value: init.cluster } } : {}),
      ...(info ? { dqliteInfo: { ok: true as const, value: info } } : {}),
      dqliteList: init.list ?? listing(),
      ...(init.nodes ? { clusterInfoDump: dump(init.nodes) } : {}),
      snapList: [
        {
          name: "microk8s",
          version: init.version ?? "v1.26.0",
          rev: "4390",
          tracking: "1.26/stable",
          notes: "classic",
        },
      ],
      ...init.extra,
    }),
    hits: init.hits ?? [],
    warnings: [],
  });
}

/** A worker's report: no k8s-dqlite, apiserver-proxy, and the stale single-node cluster.yaml of §2. */
export function worker(init: Omit<NodeInit, "cluster" | "info">): ReportData {
  const stale = member("127.0.0.1:19001", BOOTSTRAP_ID, 0);
  return finish({
    source: init.source ?? `${init.node}-inspection-report-20230206_185301.tar.gz`,
    takenAt: init.takenAt === undefined ? "2023-02-06T18:53:01" : init.takenAt,
    files: [],
    layout: layout("worker"),
    parsed: parsed({
      journals: {
        "snap.microk8s.daemon-apiserver-proxy/journal.log": journal(
          "snap.microk8s.daemon-apiserver-proxy/journal.log",
          init.node,
        ),
        "snap.microk8s.daemon-kubelite/journal.log": journal(
          "snap.microk8s.daemon-kubelite/journal.log",
          init.node,
        ),
      },
      dqliteCluster: { ok: true, value: [stale] },
      dqliteInfo: { ok: true, value: stale },
      ...(init.nodes ? { clusterInfoDump: dump(init.nodes) } : {}),
      ...init.extra,
    }),
    hits: init.hits ?? [],
    warnings: [],
  });
}

/** A three-voter HA cluster kube05–kube07 at 10.0.0.5–7 (kube05 bootstrapped it). */
export function haMembers(): DqliteMember[] {
  return [
    member("10.0.0.5:19001", ID.kube05, 0),
    member("10.0.0.6:19001", ID.kube06, 0),
    member("10.0.0.7:19001", ID.kube07, 0),
  ];
}

export function haNodes(overrides: Partial<Record<string, K8sNode>> = {}): K8sNode[] {
  return ["kube05", "kube06", "kube07"].map((name, i) => overrides[name] ?? k8sNode(name, `10.0.0.${5 + i}`));
}
