/**
 * The four reports of the canonical/microk8s#3735 incident ("Inconsistent control plane state",
 * Feb 2023), regenerated: a 4-node MicroK8s v1.26.0 HA cluster kube05–kube08. kube07 went to
 * 100 % CPU, was drained and rebooted, left the cluster and re-joined; its old dqlite record
 * stayed behind next to the new one. Afterwards the datastore on kube05/kube06 kept timing out
 * and locking for about an hour while kube06's second disk (sdb) threw I/O and EXT4 errors.
 * Expected conclusions are documented in scripts/samples/README.md.
 */
import { buildReport, reportFileName } from "./builder.js";
import { podNames } from "./cluster-dump.js";
import type { Burst, ServiceRun } from "./journal.js";
import {
  baseSpec,
  type ClusterPlan,
  diskRow,
  epoch,
  hostFor,
  journalContext,
  k8sNodeFor,
  type NodePlan,
  nodeServices,
  type ServicePlan,
  standardWorkloads,
} from "./kit.js";
import { Rng } from "./prng.js";
import { diskErrorBurst } from "./render.js";
import {
  apiserverDatabaseLocked,
  apiserverHandlerTimeout,
  apiserverSlowTrace,
  clusterAgentJoin,
  dqliteCanceled,
  dqliteDeadline,
  dqliteFailedList,
  dqliteLocked,
  etcdClientRetry,
  goDqlitePeerUnreachable,
  kubeletStatusTimeout,
  kubeliteLeaderLost,
  kubeliteLeaseTimeout,
  kubeliteStartupDeadline,
} from "./signals.js";
import type {
  DqliteRecord,
  KernelEvent,
  KubernetesSpec,
  ReportSpec,
  ServiceName,
  WorkloadSpec,
} from "./spec.js";

export const INCIDENT_3735_PLAN: ClusterPlan = {
  name: "microk8s-3735",
  version: "v1.26.0",
  revision: "4390",
  channel: "1.26/stable",
  confinement: "classic",
  zone: { offsetMinutes: 0, abbrev: "GMT" },
  createdAt: "2023-01-23T10:42:17",
  arch: "x86_64",
  os: { description: "Ubuntu 22.04.1 LTS", release: "22.04", codename: "jammy" },
  kernel: "5.15.0-58-generic",
};

const NODES: Record<"kube05" | "kube06" | "kube07" | "kube08", NodePlan> = {
  kube05: {
    hostname: "kube05",
    ip: "192.168.0.57",
    role: "control-plane",
    bootedAt: "2023-01-23T10:31:05",
    joinedAt: "2023-01-23T10:42:17",
    cpus: 4,
    memoryMiB: 15870,
  },
  kube06: {
    hostname: "kube06",
    ip: "192.168.0.58",
    role: "control-plane",
    bootedAt: "2023-01-23T10:35:40",
    joinedAt: "2023-01-23T10:58:02",
    cpus: 4,
    memoryMiB: 15870,
    disks: [
      diskRow("/dev/mapper/ubuntu--vg-ubuntu--lv", 98, 41, "/"),
      { filesystem: "/dev/sda2", size: "2.0G", used: "253M", avail: "1.6G", usePercent: 14, mount: "/boot" },
      {
        filesystem: "/dev/sda1",
        size: "1.1G",
        used: "6.1M",
        avail: "1.1G",
        usePercent: 1,
        mount: "/boot/efi",
      },
      diskRow("/dev/sdb", 916, 81, "/mnt/media"),
    ],
  },
  kube07: {
    hostname: "kube07",
    ip: "192.168.0.59",
    role: "control-plane",
    bootedAt: "2023-02-06T16:51:12",
    joinedAt: "2023-02-06T17:36:50",
    cpus: 4,
    memoryMiB: 15870,
  },
  kube08: {
    hostname: "kube08",
    ip: "192.168.0.60",
    role: "control-plane",
    bootedAt: "2023-01-23T10:37:09",
    joinedAt: "2023-01-23T11:15:30",
    cpus: 4,
    memoryMiB: 15870,
  },
};

/** When each node's `microk8s inspect` ran (node-local, GMT). */
export const INCIDENT_3735_TAKEN_AT = {
  kube05: "2023-02-06T18:52:44",
  kube06: "2023-02-06T18:55:17",
  kube07: "2023-02-06T18:57:02",
  kube08: "2023-02-06T18:58:40",
} as const;

/** dqlite ids: kube05 formed the cluster (BootstrapID); kube07 has an old and a new id. */
export const INCIDENT_3735_IDS = {
  kube05: "3297041220608546238",
  kube06: "11914522018375938731",
  kube07Old: "9163427340816295577",
  kube08: "5078925118337474210",
  kube07New: "16077154127416931473",
} as const;

/**
 * cluster.yaml as every node holds it: three voters, kube07's new record as stand-by, and its
 * old record left behind as a spare (demoted during `leave`, never removed).
 */
export const INCIDENT_3735_CLUSTER: DqliteRecord[] = [
  { id: INCIDENT_3735_IDS.kube05, address: "192.168.0.57:19001", role: 0 },
  { id: INCIDENT_3735_IDS.kube06, address: "192.168.0.58:19001", role: 0 },
  { id: INCIDENT_3735_IDS.kube07Old, address: "192.168.0.59:19001", role: 2 },
  { id: INCIDENT_3735_IDS.kube08, address: "192.168.0.60:19001", role: 0 },
  { id: INCIDENT_3735_IDS.kube07New, address: "192.168.0.59:19001", role: 1 },
];

const plan = INCIDENT_3735_PLAN;
const at = (iso: string): number => epoch(plan, iso);
const day = (hhmmss: string): number => at(`2023-02-06T${hhmmss}`);
const NODE_NAMES = Object.keys(NODES);

// Incident phases (GMT, 6 Feb 2023).
const KUBE07_HOT = { from: day("15:05:00"), to: day("16:40:00") };
const KUBE07_DOWN = { from: day("16:44:10"), to: day("16:51:20") };
const KUBE07_GONE = { from: day("16:58:40"), to: day("17:36:25") };
const STALL = { from: day("17:50:00"), to: day("18:50:30") };

function workloads(): WorkloadSpec[] {
  const all = NODE_NAMES;
  const std = standardWorkloads(plan, [NODES.kube05, NODES.kube06, NODES.kube08], { metrics: true });
  // The re-joined kube07 never got its DaemonSet pods (desired 4, current 3).
  for (const w of std) {
    if (w.kind === "DaemonSet") {
      w.nodes = all;
      w.missingOn = ["kube07"];
    }
  }
  const created = "2023-01-24T19:02:11";
  return [
    ...std,
    {
      kind: "DaemonSet",
      namespace: "ingress",
      name: "nginx-ingress-microk8s-controller",
      containers: [
        {
          name: "nginx-ingress-microk8s",
          image: "registry.k8s.io/ingress-nginx/controller:v1.5.1",
          log: "nginx-ingress",
        },
      ],
      nodes: all,
      missingOn: ["kube07"],
      createdAt: "2023-01-23T11:30:40",
      labels: { name: "nginx-ingress-microk8s" },
    },
    {
      kind: "DaemonSet",
      namespace: "monitoring",
      name: "prometheus-stack-prometheus-node-exporter",
      containers: [
        { name: "node-exporter", image: "quay.io/prometheus/node-exporter:v1.5.0", log: "node-exporter" },
      ],
      nodes: all,
      missingOn: ["kube07"],
      createdAt: created,
      hostNetwork: true,
      labels: { app: "prometheus-node-exporter", release: "prometheus-stack" },
      service: { type: "ClusterIP", clusterIP: "10.152.183.171", ports: "9100/TCP" },
    },
    {
      kind: "Deployment",
      namespace: "monitoring",
      name: "prometheus-stack-kube-state-metrics",
      containers: [
        {
          name: "kube-state-metrics",
          image: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.7.0",
          log: "app-json",
        },
      ],
      nodes: ["kube08"],
      createdAt: created,
      labels: { "app.kubernetes.io/name": "kube-state-metrics" },
      // Its replacement was never scheduled after the force-delete on kube07.
      state: () => ({ phase: "Pending", restarts: 0 }),
    },
    {
      kind: "StatefulSet",
      namespace: "monitoring",
      name: "prometheus-prometheus-stack-kube-prom-prometheus",
      containers: [{ name: "prometheus", image: "quay.io/prometheus/prometheus:v2.41.0", log: "prometheus" }],
      nodes: ["kube06"],
      createdAt: created,
      labels: { app: "prometheus" },
      state: () => ({ phase: "Running", restarts: 4 }),
    },
    {
      kind: "Deployment",
      namespace: "monitoring",
      name: "prometheus-stack-grafana",
      containers: [{ name: "grafana", image: "docker.io/grafana/grafana:9.3.1", log: "app-json" }],
      nodes: ["kube05"],
      createdAt: created,
      labels: { "app.kubernetes.io/name": "grafana" },
      service: { type: "ClusterIP", clusterIP: "10.152.183.23", ports: "80/TCP" },
    },
    {
      kind: "Deployment",
      namespace: "media",
      name: "navidrome",
      containers: [{ name: "navidrome", image: "docker.io/deluan/navidrome:0.48.0", log: "navidrome" }],
      nodes: ["kube06"],
      createdAt: "2023-01-25T21:14:52",
      labels: { app: "navidrome" },
      service: { type: "ClusterIP", clusterIP: "10.152.183.140", ports: "4533/TCP" },
      state: () => ({ phase: "Running", restarts: 7 }),
    },
  ];
}

function kubernetes(): KubernetesSpec {
  const k8s: KubernetesSpec = {
    api: "up",
    clusterSeed: plan.name,
    nodes: [
      k8sNodeFor(plan, NODES.kube07, { readySince: "2023-02-06T17:37:41" }),
      k8sNodeFor(plan, NODES.kube05),
      k8sNodeFor(plan, NODES.kube08),
      k8sNodeFor(plan, NODES.kube06),
    ],
    workloads: workloads(),
    podLogLines: 30,
  };
  return k8s;
}

function withEvents(k8s: KubernetesSpec, pods: string[]): KubernetesSpec {
  const navidrome = pods.find((p) => p.startsWith("media/navidrome-"))?.split("/")[1] ?? "navidrome";
  k8s.events = [
    {
      namespace: "default",
      object: "kube07",
      kind: "Node",
      type: "Normal",
      reason: "NodeNotReady",
      message: "Node kube07 status is now: NodeNotReady",
      at: "2023-02-06T16:45:02",
    },
    {
      namespace: "default",
      object: "kube07",
      kind: "Node",
      type: "Normal",
      reason: "RegisteredNode",
      message: "Node kube07 event: Registered Node kube07 in Controller",
      at: "2023-02-06T17:37:12",
    },
    {
      namespace: "monitoring",
      object: "prometheus-stack-prometheus-node-exporter",
      kind: "DaemonSet",
      type: "Warning",
      reason: "FailedCreate",
      message:
        "Error creating: Timeout: request did not complete within requested timeout - context deadline exceeded",
      at: "2023-02-06T18:31:44",
      count: 14,
    },
    {
      namespace: "media",
      object: navidrome,
      kind: "Pod",
      type: "Warning",
      reason: "Unhealthy",
      message:
        'Liveness probe failed: Get "http://10.1.155.12:4533/ping": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      at: "2023-02-06T18:21:30",
      count: 9,
    },
  ];
  return k8s;
}

function run(
  pid: number,
  start: number | null,
  end: number | null,
  extra: Partial<ServiceRun> = {},
): ServiceRun {
  return { pid, start, end, ...extra };
}

/** Sustained datastore errors on a voter: deadlines, locks, cancellations. */
function stallBursts(name: NodePlan, service: ServiceName, intensity: number): Burst[] {
  const ctx = journalContext(plan, name, service);
  return [
    { ...STALL, perMinute: 14 * intensity, render: dqliteDeadline(ctx, NODE_NAMES) },
    { ...STALL, perMinute: 3 * intensity, render: dqliteLocked(ctx) },
    { ...STALL, perMinute: 2 * intensity, render: dqliteCanceled(ctx, NODE_NAMES) },
    { ...STALL, perMinute: 1.5 * intensity, render: dqliteFailedList(ctx) },
  ];
}

function kubeliteStallBursts(node: NodePlan, intensity: number): Burst[] {
  const ctx = journalContext(plan, node, "kubelite");
  return [
    { ...STALL, perMinute: 3 * intensity, render: kubeliteLeaseTimeout(ctx) },
    { ...STALL, perMinute: 1.5 * intensity, render: apiserverSlowTrace(ctx, plan.version, 5200, 15800) },
    { ...STALL, perMinute: 1.5 * intensity, render: apiserverDatabaseLocked(ctx) },
    { ...STALL, perMinute: 1.5 * intensity, render: etcdClientRetry(ctx) },
    { ...STALL, perMinute: 1.5 * intensity, render: kubeletStatusTimeout(ctx) },
    { ...STALL, perMinute: 1 * intensity, render: apiserverHandlerTimeout(ctx) },
  ];
}

/** Errors while kube07 was pinned at 100 % CPU (it was still a voter then). */
function hotBursts(node: NodePlan, service: ServiceName, perMinute: number): Burst[] {
  const ctx = journalContext(plan, node, service);
  if (service === "k8s-dqlite") {
    return [
      { ...KUBE07_HOT, perMinute, render: dqliteDeadline(ctx, NODE_NAMES) },
      { ...KUBE07_HOT, perMinute: perMinute / 2, render: dqliteCanceled(ctx, NODE_NAMES) },
    ];
  }
  return [
    { ...KUBE07_HOT, perMinute: perMinute / 3, render: kubeliteLeaseTimeout(ctx) },
    { ...KUBE07_HOT, perMinute: perMinute / 4, render: apiserverSlowTrace(ctx, plan.version, 1200, 6500) },
  ];
}

/** The surviving voters' connectors failing to reach 192.168.0.59:19001 while kube07 was away. */
function peerBursts(node: NodePlan): Burst[] {
  const ctx = journalContext(plan, node, "k8s-dqlite");
  return [
    {
      ...KUBE07_DOWN,
      perMinute: 5,
      render: goDqlitePeerUnreachable(ctx, "192.168.0.59:19001", "no route to host", KUBE07_DOWN.from),
    },
    {
      ...KUBE07_GONE,
      perMinute: 1.2,
      render: goDqlitePeerUnreachable(ctx, "192.168.0.59:19001", "connection refused", KUBE07_GONE.from),
    },
  ];
}

function pid(node: string, service: string, n: number): number {
  return new Rng(`${plan.name}:${node}:${service}:pid${n}`).int(
    n === 0 ? 700 : 3000 + n * 40000,
    n === 0 ? 2600 : 30000 + n * 90000,
  );
}

/** kubelite on a stalled voter: restarts after losing its leases (leaderelection lost). */
function stalledKubelite(node: NodePlan, crashes: string[], intensity: number): ServicePlan {
  const ctx = journalContext(plan, node, "kubelite");
  const lost = kubeliteLeaderLost(ctx);
  const runs: ServiceRun[] = [];
  let start: number | null = null;
  crashes.forEach((c, i) => {
    runs.push(
      run(pid(node.hostname, "kubelite", i), start, day(c), {
        endKind: "crash",
        exitStatus: lost.exitStatus,
        lastWords: lost.lastWords,
      }),
    );
    start = day(c) + 5000;
  });
  runs.push(run(pid(node.hostname, "kubelite", crashes.length), start, null));
  return {
    from: "2023-02-06T14:30:00",
    runs,
    bursts: [
      ...kubeliteStallBursts(node, intensity),
      ...(node.hostname === "kube07" ? [] : hotBursts(node, "kubelite", 1.5)),
    ],
    noisePerMinute: 6,
  };
}

function kube06Dmesg(): KernelEvent[] {
  const rng = new Rng(`${plan.name}:kube06:sdb`);
  const burst = (iso: string, count: number): KernelEvent[] =>
    diskErrorBurst(rng, {
      device: "sdb",
      at: day(iso),
      count,
      spacingMs: 900,
      comm: "navidrome",
      zone: plan.zone,
    });
  return [
    { at: "2023-02-06T10:36:12", text: "EXT4-fs (sdb): error count since last fsck: 37" },
    {
      at: "2023-02-06T10:36:12",
      text: "EXT4-fs (sdb): initial error at time 1675101190: __ext4_find_entry:1658: inode 2",
    },
    {
      at: "2023-02-06T10:36:12",
      text: "EXT4-fs (sdb): last error at time 1675619843: __ext4_find_entry:1658: inode 2",
    },
    ...burst("17:12:03", 20),
    ...burst("17:48:41", 16),
    ...burst("18:21:17", 24),
    ...burst("18:44:55", 12),
  ];
}

function nodeSpec(name: keyof typeof NODES, pods: string[]): ReportSpec {
  const node = NODES[name];
  const takenAt = INCIDENT_3735_TAKEN_AT[name];
  const ids = INCIDENT_3735_IDS;
  const own: DqliteRecord =
    name === "kube07"
      ? { id: ids.kube07New, address: `${node.ip}:19001`, role: 1 }
      : { id: ids[name], address: `${node.ip}:19001`, role: 0 };
  const dq = journalContext(plan, node, "k8s-dqlite");
  const services: Partial<Record<ServiceName, ServicePlan>> = {};

  if (name === "kube05" || name === "kube06") {
    const intensity = name === "kube05" ? 1 : 0.85;
    const dqRuns =
      name === "kube05"
        ? [
            run(pid(name, "k8s-dqlite", 0), null, day("18:05:31"), { endKind: "stop" }),
            run(pid(name, "k8s-dqlite", 1), day("18:05:33"), null),
          ]
        : [run(pid(name, "k8s-dqlite", 0), null, null)];
    services["k8s-dqlite"] = {
      from: "2023-02-06T12:00:00",
      runs: dqRuns,
      bursts: [
        ...stallBursts(node, "k8s-dqlite", intensity),
        ...hotBursts(node, "k8s-dqlite", 2),
        ...peerBursts(node),
      ],
      events: [
        [
          day("13:12:40"),
          `time="2023-02-06T13:12:40Z" level=error msg="error in txn: query (try: 0): context canceled"`,
        ],
      ],
    };
    services.kubelite = stalledKubelite(
      node,
      name === "kube05" ? ["17:58:12", "18:19:40", "18:41:03"] : ["18:07:55", "18:33:21"],
      intensity,
    );
  } else if (name === "kube08") {
    services["k8s-dqlite"] = {
      from: "2023-02-06T12:00:00",
      runs: [run(pid(name, "k8s-dqlite", 0), null, null)],
      bursts: [
        { ...STALL, perMinute: 1, render: dqliteDeadline(dq, NODE_NAMES) },
        ...hotBursts(node, "k8s-dqlite", 1),
        ...peerBursts(node),
      ],
    };
    services.kubelite = {
      from: "2023-02-06T14:30:00",
      bursts: [
        { ...STALL, perMinute: 0.6, render: kubeliteLeaseTimeout(journalContext(plan, node, "kubelite")) },
      ],
      noisePerMinute: 6,
      runs: [run(pid(name, "kubelite", 0), null, null)],
    };
  } else {
    // kube07: hot, rebooted at 16:44, left at 16:58, re-joined at 17:36.
    const bootId = new Rng(`${plan.name}:kube07:${node.bootedAt}:boot`).hex(32);
    const startDeadline = kubeliteStartupDeadline();
    services["k8s-dqlite"] = {
      from: "2023-02-06T12:00:00",
      runs: [
        run(pid(name, "k8s-dqlite", 0), null, day("16:44:11"), { endKind: "stop" }),
        run(1187, day("16:51:22"), day("16:58:40"), { endKind: "stop", bootId }),
        run(14893, day("16:59:02"), day("17:36:10"), { endKind: "stop" }),
        run(31207, day("17:36:31"), null),
      ],
      bursts: [
        ...hotBursts(node, "k8s-dqlite", 9),
        { ...STALL, perMinute: 1.5, render: dqliteDeadline(dq, NODE_NAMES) },
      ],
    };
    services.kubelite = {
      from: "2023-02-06T14:30:00",
      runs: [
        run(pid(name, "kubelite", 0), null, day("16:44:12"), { endKind: "stop" }),
        run(1203, day("16:51:24"), day("16:58:36"), { endKind: "stop", bootId }),
        run(15410, day("16:59:10"), day("17:36:05"), { endKind: "stop" }),
        run(31540, day("17:36:40"), day("17:37:48"), { endKind: "crash", ...startDeadline }),
        run(33018, day("17:37:53"), null),
      ],
      bursts: [...hotBursts(node, "kubelite", 6)],
      noisePerMinute: 4,
    };
    services.containerd = {
      from: "2023-02-06T12:00:00",
      runs: [
        run(pid(name, "containerd", 0), null, day("16:44:09"), { endKind: "stop" }),
        run(1104, day("16:51:19"), null, { bootId }),
      ],
    };
    services["cluster-agent"] = {
      from: "2023-01-23T10:37:00",
      runs: [
        run(pid(name, "cluster-agent", 0), null, day("16:44:09"), { endKind: "stop" }),
        run(1131, day("16:51:20"), null, { bootId }),
      ],
    };
    services["apiserver-kicker"] = {
      from: "2023-01-23T10:37:00",
      runs: [
        run(pid(name, "apiserver-kicker", 0), null, day("16:44:09"), { endKind: "stop" }),
        run(1140, day("16:51:21"), null, { bootId }),
      ],
    };
  }
  if (name === "kube05") {
    services["cluster-agent"] = {
      from: "2023-01-23T10:30:00",
      events: clusterAgentJoin(
        journalContext(plan, node, "cluster-agent"),
        day("17:36:27"),
        "192.168.0.59",
      ).map((line, i) => [day("17:36:27") + i * 900, line] as [number, string]),
    };
  }
  services.containerd ??= { from: "2023-02-06T12:00:00" };

  const k8s = withEvents(kubernetes(), pods);
  const host = hostFor(
    plan,
    node,
    name === "kube07"
      ? { load: [1.12, 1.4, 1.61] }
      : name === "kube05" || name === "kube06"
        ? { load: [5.87, 6.12, 5.9] }
        : {},
  );
  return {
    ...baseSpec(plan, node, takenAt),
    seed: `${plan.name}:${name}`,
    host,
    dqlite: {
      cluster: INCIDENT_3735_CLUSTER,
      info: own,
      keyOrder: "id-first",
      listing:
        name === "kube07"
          ? { closedSegments: 4, openSegments: 2, snapshots: 1, createdAt: "2023-02-06T17:36:29" }
          : {
              closedSegments: 18,
              openSegments: 3,
              snapshots: 2,
              createdAt: name === "kube05" ? plan.createdAt : node.joinedAt,
            },
    },
    kubernetes: k8s,
    services: nodeServices({
      plan,
      node,
      takenAt,
      journalFrom: "2023-02-06T12:00:00",
      clusterNodes: NODE_NAMES,
      services,
      pods,
    }),
    dmesg: { events: name === "kube06" ? kube06Dmesg() : [], noisePerHour: 0.5 },
  };
}

/** The four ReportSpecs (kube05 … kube08). */
export function incident3735Specs(): ReportSpec[] {
  const probe: ReportSpec = nodeSpec("kube05", []);
  const pods = podNames(probe);
  return (["kube05", "kube06", "kube07", "kube08"] as const).map((n) => nodeSpec(n, pods));
}

/** The four tarballs, named as the user attached them ("kube05-inspection-report-20230206_185244.tar.gz"). */
export async function incident3735(): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  for (const spec of incident3735Specs())
    out.push({ name: reportFileName(spec, true), data: await buildReport(spec) });
  return out;
}
