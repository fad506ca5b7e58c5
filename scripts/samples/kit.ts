/**
 * Building blocks for scenarios: consistent hosts, Kubernetes nodes, standard workloads and
 * service journals for a node of a cluster, so that a scenario only states what is special
 * about it (an incident, a departed node, an old generation …).
 */

import { runtimeVersion } from "./cluster-dump.js";
import {
  type Burst,
  type JournalContext,
  type ServiceJournalOptions,
  type ServiceProfile,
  type ServiceRun,
  serviceJournal,
} from "./journal.js";
import { Rng } from "./prng.js";
import {
  apiserverKickerProfile,
  apiserverProxyProfile,
  clusterAgentProfile,
  componentVersions,
  containerdProfile,
  k8sDqliteProfile,
  kubeliteProfile,
} from "./profiles.js";
import {
  type Confinement,
  type DiskRow,
  eraFeatures,
  expectedServices,
  type HostSpec,
  type K8sNodeSpec,
  type NodeKind,
  type ReportSpec,
  type ServiceName,
  type ServiceSpec,
  type WorkloadSpec,
} from "./spec.js";
import { MINUTE, SECOND, toEpoch, type Zone } from "./time.js";

export interface ClusterPlan {
  /** Seed label for everything generated for this cluster. */
  name: string;
  version: string;
  revision: string;
  channel?: string;
  confinement: Confinement;
  zone: Zone;
  /** When the first node formed the cluster (node-local ISO). */
  createdAt: string;
  arch: "x86_64" | "aarch64";
  os: { description: string; release: string; codename: string };
  kernel: string;
}

export interface NodePlan {
  hostname: string;
  ip: string;
  role: NodeKind;
  /** Node-local boot time. */
  bootedAt: string;
  /** Node-local time the node joined (its k8s Node object was created). */
  joinedAt: string;
  cpus: number;
  memoryMiB: number;
  iface?: string;
  gateway?: string;
  prefix?: number;
  disks?: DiskRow[];
}

export function epoch(plan: ClusterPlan, iso: string): number {
  return toEpoch(iso, plan.zone);
}

/** Node-local ISO ("2023-02-06T18:40:01") for an epoch time. */
export function localIso(plan: ClusterPlan, t: number): string {
  return new Date(Math.floor(t) + plan.zone.offsetMinutes * MINUTE).toISOString().slice(0, 19);
}

export function bootIdOf(plan: ClusterPlan, node: NodePlan): string {
  return new Rng(`${plan.name}:${node.hostname}:${node.bootedAt}:boot`).hex(32);
}

export function macOf(plan: ClusterPlan, node: NodePlan): string {
  const r = new Rng(`${plan.name}:${node.hostname}:mac`);
  return `${r.pick(["94:c6:91", "1c:69:7a", "dc:a6:32", "52:54:00"])}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`;
}

export function hostFor(plan: ClusterPlan, node: NodePlan, extra: Partial<HostSpec> = {}): HostSpec {
  const r = new Rng(`${plan.name}:${node.hostname}:host`);
  const used = Math.round(node.memoryMiB * r.float(0.35, 0.6));
  const rootPct = r.int(20, 62);
  return {
    os: plan.os,
    kernel: plan.kernel,
    arch: plan.arch,
    virt: "none",
    cpus: node.cpus,
    memory: {
      totalMiB: node.memoryMiB,
      usedMiB: used,
      sharedMiB: r.int(2, 40),
      buffCacheMiB: Math.round((node.memoryMiB - used) * 0.7),
    },
    disks: node.disks ?? [
      diskRow("/dev/mapper/ubuntu--vg-ubuntu--lv", 98, rootPct, "/"),
      { filesystem: "/dev/sda2", size: "2.0G", used: "253M", avail: "1.6G", usePercent: 14, mount: "/boot" },
      {
        filesystem: "/dev/sda1",
        size: "1.1G",
        used: "6.1M",
        avail: "1.1G",
        usePercent: 1,
        mount: "/boot/efi",
      },
    ],
    network: {
      iface: node.iface ?? "eno1",
      address: node.ip,
      prefix: node.prefix ?? 24,
      gateway: node.gateway ?? `${node.ip.split(".").slice(0, 3).join(".")}.1`,
      mac: macOf(plan, node),
    },
    load: [r.float(0.2, 2.5), r.float(0.2, 2.5), r.float(0.2, 2.5)].map((x) => Math.round(x * 100) / 100) as [
      number,
      number,
      number,
    ],
    users: r.int(0, 2),
    ...extra,
  };
}

/** A `df -h` row for a filesystem of `sizeG` GiB filled to `pct` percent (ext4 reserves ~5%). */
export function diskRow(filesystem: string, sizeG: number, pct: number, mount: string): DiskRow {
  const usedG = (sizeG * 0.95 * pct) / 100;
  const availG = sizeG * 0.95 - usedG;
  const fmt = (g: number): string => (g >= 10 ? `${Math.round(g)}G` : `${g.toFixed(1)}G`);
  return { filesystem, size: fmt(sizeG), used: fmt(usedG), avail: fmt(availG), usePercent: pct, mount };
}

export function k8sNodeFor(plan: ClusterPlan, node: NodePlan, state: Partial<K8sNodeSpec> = {}): K8sNodeSpec {
  const minor = eraFeatures(plan.version).minor;
  return {
    name: node.hostname,
    internalIP: node.ip,
    ready: "True",
    readySince: node.bootedAt,
    createdAt: node.joinedAt,
    controlPlane: node.role === "control-plane",
    kubeletVersion: plan.version,
    osImage: plan.os.description,
    kernel: plan.kernel,
    containerRuntime: runtimeVersion(minor),
    arch: plan.arch === "x86_64" ? "amd64" : "arm64",
    cpus: node.cpus,
    memoryKi: node.memoryMiB * 1024 - 180000,
    bootId: bootIdOf(plan, node),
    ...state,
  };
}

/** The addons every MicroK8s cluster runs: calico, coredns, and (optionally) hostpath storage. */
export function standardWorkloads(
  plan: ClusterPlan,
  nodes: NodePlan[],
  opts: { hostpath?: boolean; metrics?: boolean } = {},
): WorkloadSpec[] {
  const minor = eraFeatures(plan.version).minor;
  const v = componentVersions(minor);
  const names = nodes.map((n) => n.hostname);
  const first = names[0];
  const created = plan.createdAt;
  const list: WorkloadSpec[] = [
    {
      kind: "DaemonSet",
      namespace: "kube-system",
      name: "calico-node",
      containers: [{ name: "calico-node", image: `docker.io/calico/node:${v.calico}`, log: "calico-node" }],
      nodes: names,
      createdAt: created,
      hostNetwork: true,
    },
    {
      kind: "Deployment",
      namespace: "kube-system",
      name: "calico-kube-controllers",
      containers: [
        {
          name: "calico-kube-controllers",
          image: `docker.io/calico/kube-controllers:${v.calico}`,
          log: "calico-kube-controllers",
        },
      ],
      nodes: [first],
      createdAt: created,
    },
    {
      kind: "Deployment",
      namespace: "kube-system",
      name: "coredns",
      containers: [{ name: "coredns", image: `coredns/coredns:${v.coredns}`, log: "coredns" }],
      nodes: [names[names.length > 1 ? 1 : 0]],
      createdAt: created,
      labels: { "k8s-app": "kube-dns" },
      service: {
        type: "ClusterIP",
        clusterIP: "10.152.183.10",
        ports: "53/UDP,53/TCP,9153/TCP",
        name: "kube-dns",
      },
    },
  ];
  if (opts.hostpath ?? true) {
    list.push({
      kind: "Deployment",
      namespace: "kube-system",
      name: "hostpath-provisioner",
      containers: [
        {
          name: "hostpath-provisioner",
          image: "cdkbot/hostpath-provisioner:1.4.2",
          log: "hostpath-provisioner",
        },
      ],
      nodes: [first],
      createdAt: created,
    });
  }
  if (opts.metrics) {
    list.push({
      kind: "Deployment",
      namespace: "kube-system",
      name: "metrics-server",
      containers: [
        {
          name: "metrics-server",
          image: "registry.k8s.io/metrics-server/metrics-server:v0.6.2",
          log: "metrics-server",
        },
      ],
      nodes: [first],
      createdAt: created,
      service: { type: "ClusterIP", clusterIP: "10.152.183.44", ports: "443/TCP" },
    });
  }
  return list;
}

export function journalContext(plan: ClusterPlan, node: NodePlan, service: ServiceName): JournalContext {
  const era = eraFeatures(plan.version);
  return {
    host: node.hostname,
    zone: plan.zone,
    rev: plan.revision,
    service,
    minor: era.minor,
    arch: plan.arch,
    strict: plan.confinement === "strict",
  };
}

/** Per-service choices for nodeServices(); everything is optional. */
export interface ServicePlan {
  /** Journal window start for this service (node-local ISO); chatty services keep less history. */
  from?: string;
  runs?: ServiceRun[];
  bursts?: Burst[];
  events?: [number, string][];
  noisePerMinute?: number;
  restartCounterFrom?: number;
  /** Overrides the derived state. */
  active?: string;
  result?: string;
  since?: string;
  memory?: string;
  cpu?: string;
  profile?: ServiceProfile;
}

export interface NodeServicesOptions {
  plan: ClusterPlan;
  node: NodePlan;
  /** Node-local report time. */
  takenAt: string;
  /** Journal window start (node-local); defaults to the boot time. */
  journalFrom?: string;
  /** Names of all cluster nodes (lease keys in dqlite errors). */
  clusterNodes: string[];
  services?: Partial<Record<ServiceName, ServicePlan>>;
  /** dqlite info for 1.28+ start-up lines. */
  dqliteInfo?: { id: string; address: string };
  /** Legacy non-HA node (etcd/flannel). */
  noHa?: boolean;
  /** "namespace/pod" names for kubelite's log lines. */
  pods?: string[];
}

function defaultProfile(o: NodeServicesOptions, name: ServiceName, ctx: JournalContext): ServiceProfile {
  const controlPlane = o.node.role === "control-plane";
  switch (name) {
    case "k8s-dqlite":
      return k8sDqliteProfile();
    case "kubelite":
      return kubeliteProfile(
        ctx,
        { nodeIP: o.node.ip, k8sVersion: o.plan.version, nodes: o.clusterNodes, pods: o.pods ?? [] },
        !controlPlane,
      );
    case "containerd":
      return containerdProfile(ctx, o.node.hostname);
    case "cluster-agent":
      return clusterAgentProfile();
    case "apiserver-proxy":
      return apiserverProxyProfile([]);
    default:
      return apiserverKickerProfile();
  }
}

const START_DELAY: Record<ServiceName, number> = {
  containerd: 9 * SECOND,
  "k8s-dqlite": 10 * SECOND,
  "cluster-agent": 11 * SECOND,
  "apiserver-kicker": 11 * SECOND,
  "apiserver-proxy": 11 * SECOND,
  kubelite: 12 * SECOND,
  flanneld: 11 * SECOND,
  etcd: 10 * SECOND,
};

/** Deterministic pids: services start right after boot with low pids, later runs get higher ones. */
function pidFor(o: NodeServicesOptions, name: ServiceName, index: number): number {
  const r = new Rng(`${o.plan.name}:${o.node.hostname}:${name}:pid${index}`);
  return index === 0 ? r.int(700, 2600) : r.int(3000 + index * 9000, 9000 + index * 60000);
}

/**
 * Service specs for one node: journals built from runs (default: one run since boot), bursts
 * and noise; `Active:` state derived from the last run.
 */
export function nodeServices(o: NodeServicesOptions): Partial<Record<ServiceName, ServiceSpec>> {
  const names = expectedServices({
    microk8s: { version: o.plan.version, revision: o.plan.revision },
    role: o.node.role,
    dqlite: o.noHa ? null : ({} as never),
  });
  const now = epoch(o.plan, o.takenAt);
  const boot = epoch(o.plan, o.node.bootedAt);
  const journalFrom = o.journalFrom ? epoch(o.plan, o.journalFrom) : boot;
  const out: Partial<Record<ServiceName, ServiceSpec>> = {};
  for (const name of names) {
    const sp = o.services?.[name] ?? {};
    // Quiet services keep their whole history since boot within journalctl's 100 000 lines.
    const quiet = name === "cluster-agent" || name === "apiserver-kicker" || name === "apiserver-proxy";
    const from = sp.from ? epoch(o.plan, sp.from) : quiet ? Math.min(boot, journalFrom) : journalFrom;
    const ctx = journalContext(o.plan, o.node, name);
    const start = boot + START_DELAY[name];
    const runs: ServiceRun[] = sp.runs ?? [
      {
        pid: pidFor(o, name, 0),
        start,
        end: null,
        bootId: start >= from ? bootIdOf(o.plan, o.node) : undefined,
        info: o.dqliteInfo,
      },
    ];
    const profile = sp.profile ?? defaultProfile(o, name, ctx);
    const journalOptions: ServiceJournalOptions = {
      ctx,
      seed: `${o.plan.name}:${o.node.hostname}:${name}:journal`,
      from,
      to: now,
      runs,
      profile,
      bursts: sp.bursts,
      events: sp.events,
      noisePerMinute: sp.noisePerMinute,
      restartCounterFrom: sp.restartCounterFrom,
    };
    const last = runs[runs.length - 1];
    let active = sp.active;
    let since = sp.since;
    let result = sp.result;
    if (!active) {
      if (last.end === null || last.end > now) {
        active = "active (running)";
        since = since ?? localIso(o.plan, last.start ?? boot);
      } else if (last.endKind === "crash") {
        active = "activating (auto-restart)";
        result = result ?? "exit-code";
        since = since ?? localIso(o.plan, last.end);
      } else if (last.endKind === "fail") {
        active = "failed";
        result = result ?? "exit-code";
        since = since ?? localIso(o.plan, last.end);
      } else {
        active = "inactive (dead)";
        since = since ?? localIso(o.plan, last.end);
      }
    }
    const r = new Rng(`${o.plan.name}:${o.node.hostname}:${name}:status`);
    const heavy = name === "kubelite" || name === "k8s-dqlite" || name === "containerd";
    out[name] = {
      journal: serviceJournal(journalOptions),
      active,
      result,
      since: since ?? localIso(o.plan, boot),
      mainPid: last.pid,
      memory: sp.memory ?? (heavy ? `${r.int(180, 900)}.${r.int(0, 9)}M` : `${r.int(2, 30)}.${r.int(0, 9)}M`),
      // CPU accounting is derived from the run's age when the status block is written.
      cpu: sp.cpu,
      tasks: heavy ? r.int(12, 40) : r.int(2, 8),
      children:
        name === "containerd"
          ? Array.from({ length: 3 }, () => ({
              pid: r.int(3000, 90000),
              cmd: `/snap/microk8s/${o.plan.revision}/bin/containerd-shim-runc-v2 -namespace k8s.io -id ${r.hex(64)} -address /var/snap/microk8s/common/run/containerd.sock`,
            }))
          : name === "apiserver-kicker"
            ? [{ pid: r.int(90000, 99999), cmd: "sleep 5" }]
            : undefined,
    };
  }
  return out;
}

/** The parts of a ReportSpec that follow from the plans. */
export function baseSpec(
  plan: ClusterPlan,
  node: NodePlan,
  takenAt: string,
): Pick<ReportSpec, "hostname" | "microk8s" | "confinement" | "role" | "takenAt" | "zone" | "bootedAt"> {
  return {
    hostname: node.hostname,
    microk8s: { version: plan.version, revision: plan.revision, channel: plan.channel },
    confinement: plan.confinement,
    role: node.role,
    takenAt,
    zone: plan.zone,
    bootedAt: node.bootedAt,
  };
}
