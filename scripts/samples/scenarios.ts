/**
 * Generated sample reports for tests and demos, one function per situation (README.md lists the
 * conclusions each should lead to). Every generator is deterministic: the same call returns the
 * same bytes. `<name>Spec()` returns the ReportSpecs for tests that want to tweak one file.
 */
import { bigReport } from "./big-report.js";
import { buildReport, reportFileName } from "./builder.js";
import { podNames } from "./cluster-dump.js";
import { incident3735 } from "./incident-3735.js";
import type { Burst, ServiceRun } from "./journal.js";
import {
  baseSpec,
  type ClusterPlan,
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
import { apiserverProxyProfile } from "./profiles.js";
import {
  dqliteCanceled,
  dqliteDeadline,
  goDqliteNoLeader,
  goDqlitePeerUnreachable,
  kubeliteStartupDeadline,
} from "./signals.js";
import type { DqliteRecord, DqliteSpec, ReportSpec, ServiceName } from "./spec.js";
import { SECOND } from "./time.js";

export { type BigReportOptions, bigReport, writeBigReport } from "./big-report.js";
export { incident3735, incident3735Specs } from "./incident-3735.js";

export interface SampleReport {
  /** Tarball file name, as a user would attach it. */
  name: string;
  data: Buffer;
}

const JAMMY = { description: "Ubuntu 22.04.3 LTS", release: "22.04", codename: "jammy" };
const FOCAL = { description: "Ubuntu 20.04.6 LTS", release: "20.04", codename: "focal" };
const BOOTSTRAP_ID = "3297041220608546238";

async function build(specs: ReportSpec[], nodePrefix: boolean): Promise<SampleReport[]> {
  const out: SampleReport[] = [];
  for (const spec of specs)
    out.push({ name: reportFileName(spec, nodePrefix), data: await buildReport(spec) });
  return out;
}

function singleNodeDqlite(createdAt: string, extra: Partial<DqliteSpec> = {}): DqliteSpec {
  const self: DqliteRecord = { id: BOOTSTRAP_ID, address: "127.0.0.1:19001", role: 0 };
  return {
    cluster: [self],
    info: self,
    keyOrder: "id-first",
    listing: { closedSegments: 12, openSegments: 3, snapshots: 2, createdAt },
    ...extra,
  };
}

/** A one-node cluster with default journals; the building block of several scenarios. */
function singleNodeSpec(
  plan: ClusterPlan,
  node: NodePlan,
  takenAt: string,
  extra: Partial<ReportSpec> = {},
  journalFrom?: string,
): ReportSpec {
  const probe: ReportSpec = {
    ...baseSpec(plan, node, takenAt),
    host: hostFor(plan, node),
    dqlite: singleNodeDqlite(plan.createdAt),
    kubernetes: {
      api: "up",
      clusterSeed: plan.name,
      nodes: [k8sNodeFor(plan, node)],
      workloads: standardWorkloads(plan, [node], { metrics: true }),
    },
    services: {},
    dmesg: { events: [] },
    ...extra,
  };
  probe.services = nodeServices({
    plan,
    node,
    takenAt,
    journalFrom,
    clusterNodes: [node.hostname],
    dqliteInfo: { id: BOOTSTRAP_ID, address: "127.0.0.1:19001" },
    pods: podNames(probe),
  });
  return probe;
}

// ------------------------------------------------------------------------------ single node 1.28

const PLAN_128: ClusterPlan = {
  name: "single-128",
  version: "v1.28.7",
  revision: "6532",
  confinement: "classic",
  zone: { offsetMinutes: 60, abbrev: "CET" },
  createdAt: "2024-03-02T09:14:00",
  arch: "x86_64",
  os: JAMMY,
  kernel: "5.15.0-97-generic",
};

/** Healthy single node, MicroK8s v1.28 classic: bom.json, sys/aio-*, ip-addr holding `ip route`. */
export function singleNode128Spec(): ReportSpec[] {
  const node: NodePlan = {
    hostname: "devbox",
    ip: "192.168.1.40",
    role: "control-plane",
    bootedAt: "2024-03-11T08:02:13",
    joinedAt: PLAN_128.createdAt,
    cpus: 8,
    memoryMiB: 15892,
  };
  return [singleNodeSpec(PLAN_128, node, "2024-03-11T16:47:05", {}, "2024-03-11T08:00:00")];
}

export async function singleNode128(): Promise<SampleReport[]> {
  return build(singleNode128Spec(), false);
}

// ------------------------------------------------------------------------------ single node 1.32

const PLAN_132: ClusterPlan = {
  name: "single-132",
  version: "v1.32.3",
  revision: "7964",
  confinement: "classic",
  zone: { offsetMinutes: -300, abbrev: "EST" },
  createdAt: "2025-02-10T14:20:00",
  arch: "x86_64",
  os: { description: "Ubuntu 24.04.1 LTS", release: "24.04", codename: "noble" },
  kernel: "6.8.0-51-generic",
};

/** Healthy single node, v1.32: network/ip-addr holds `ip addr` again and network/ip-route exists. */
export function singleNode132Spec(): ReportSpec[] {
  const node: NodePlan = {
    hostname: "homelab",
    ip: "10.0.10.5",
    role: "control-plane",
    bootedAt: "2025-03-01T06:11:40",
    joinedAt: PLAN_132.createdAt,
    cpus: 6,
    memoryMiB: 31958,
  };
  return [singleNodeSpec(PLAN_132, node, "2025-03-03T21:05:12", {}, "2025-03-03T12:00:00")];
}

export async function singleNode132(): Promise<SampleReport[]> {
  return build(singleNode132Spec(), false);
}

// ---------------------------------------------------------------------------------- healthy HA 3

const PLAN_HA: ClusterPlan = {
  name: "healthy-ha3",
  version: "v1.29.4",
  revision: "6809",
  confinement: "classic",
  zone: { offsetMinutes: 0, abbrev: "UTC" },
  createdAt: "2024-05-06T08:30:00",
  arch: "x86_64",
  os: JAMMY,
  kernel: "5.15.0-105-generic",
};

const HA_IDS = [BOOTSTRAP_ID, "12764108459173542810", "7409112356034471663"];

/** Three healthy voters (v1.29): quorum healthy, no departed nodes, no disk errors. */
export function healthyHa3Specs(): ReportSpec[] {
  const nodes: NodePlan[] = [1, 2, 3].map((i) => ({
    hostname: `mk-cp${i}`,
    ip: `10.20.0.1${i}`,
    role: "control-plane",
    bootedAt: `2024-05-2${i}T04:1${i}:02`,
    joinedAt: `2024-05-06T08:${30 + i * 7}:00`,
    cpus: 4,
    memoryMiB: 7941,
  }));
  const cluster: DqliteRecord[] = nodes.map((n, i) => ({ id: HA_IDS[i], address: `${n.ip}:19001`, role: 0 }));
  const takenAt = ["2024-05-28T10:02:11", "2024-05-28T10:03:40", "2024-05-28T10:05:02"];
  const workloads = standardWorkloads(PLAN_HA, nodes, { metrics: true });
  const specs = nodes.map((node, i) => {
    const spec: ReportSpec = {
      ...baseSpec(PLAN_HA, node, takenAt[i]),
      seed: `${PLAN_HA.name}:${node.hostname}`,
      host: hostFor(PLAN_HA, node),
      dqlite: {
        cluster,
        info: cluster[i],
        keyOrder: "id-first",
        listing: { closedSegments: 16, openSegments: 3, snapshots: 2, createdAt: node.joinedAt },
      },
      kubernetes: {
        api: "up",
        clusterSeed: PLAN_HA.name,
        nodes: nodes.map((n) => k8sNodeFor(PLAN_HA, n)),
        workloads,
      },
      services: {},
      dmesg: { events: [] },
    };
    const ctx = journalContext(PLAN_HA, node, "k8s-dqlite");
    // A handful of cancelled queries right after start-up is normal.
    const boot = epoch(PLAN_HA, node.bootedAt);
    spec.services = nodeServices({
      plan: PLAN_HA,
      node,
      takenAt: takenAt[i],
      journalFrom: "2024-05-28T02:00:00",
      clusterNodes: nodes.map((n) => n.hostname),
      dqliteInfo: { id: cluster[i].id, address: cluster[i].address },
      pods: podNames(spec),
      services: {
        "k8s-dqlite": {
          from: node.bootedAt,
          bursts: [
            {
              from: boot + 20 * SECOND,
              to: boot + 90 * SECOND,
              perMinute: 3,
              render: dqliteCanceled(
                ctx,
                nodes.map((n) => n.hostname),
              ),
            },
          ],
        },
        kubelite: { noisePerMinute: 5 },
      },
    });
    return spec;
  });
  return specs;
}

export async function healthyHa3(): Promise<SampleReport[]> {
  return build(healthyHa3Specs(), true);
}

// --------------------------------------------------------------------------------- lost quorum

const PLAN_LOST: ClusterPlan = {
  name: "lost-quorum",
  version: "v1.28.3",
  revision: "6089",
  confinement: "classic",
  zone: { offsetMinutes: 120, abbrev: "EET" },
  createdAt: "2023-11-14T12:00:00",
  arch: "x86_64",
  os: JAMMY,
  kernel: "5.15.0-88-generic",
};

const LOST_IDS = [BOOTSTRAP_ID, "15032311970213575537", "2288160537736403815"];

/**
 * Two of three voters gone (powered off at 03:14): the survivor prod-1 loops on "no known
 * leader", cannot reach 10.0.0.12/13, and kubelite crash-loops on "context deadline exceeded".
 * Only prod-1's report exists. Quorum: lost.
 */
export function lostQuorumSpecs(): ReportSpec[] {
  const plan = PLAN_LOST;
  const node: NodePlan = {
    hostname: "prod-1",
    ip: "10.0.0.11",
    role: "control-plane",
    bootedAt: "2023-12-01T22:40:17",
    joinedAt: plan.createdAt,
    cpus: 8,
    memoryMiB: 32092,
  };
  const peers = ["10.0.0.12:19001", "10.0.0.13:19001"];
  const cluster: DqliteRecord[] = [
    { id: LOST_IDS[0], address: "10.0.0.11:19001", role: 0 },
    { id: LOST_IDS[1], address: peers[0], role: 0 },
    { id: LOST_IDS[2], address: peers[1], role: 0 },
  ];
  const takenAt = "2023-12-04T09:02:31";
  const at = (hhmm: string): number => epoch(plan, `2023-12-04T${hhmm}`);
  const outage = { from: at("03:14:40"), to: at("09:02:31") };
  const dq = journalContext(plan, node, "k8s-dqlite");
  const dqBursts: Burst[] = [
    ...peers.map((p) => ({
      ...outage,
      perMinute: 6,
      render: goDqlitePeerUnreachable(dq, p, "no route to host", outage.from),
    })),
    { ...outage, perMinute: 8, render: goDqliteNoLeader(dq, [...peers, "10.0.0.11:19001"], outage.from) },
    { ...outage, perMinute: 4, render: dqliteDeadline(dq, ["prod-1", "prod-2", "prod-3"]) },
  ];
  // kubelite waits for the datastore, gives up after ~90 s, systemd restarts it: a crash loop.
  const deadline = kubeliteStartupDeadline();
  const rng = new Rng(`${plan.name}:kubelite-loop`);
  const runs: ServiceRun[] = [];
  let start = at("08:20:03");
  let pid = 2_140_000;
  const lastCrash = at("09:02:28");
  while (start < lastCrash - 10 * SECOND) {
    // The run in progress at inspect time has just failed: "activating (auto-restart)".
    const end = Math.min(start + rng.int(80, 100) * SECOND, lastCrash);
    runs.push({ pid, start, end, endKind: "crash", ...deadline });
    start = end + 5 * SECOND;
    pid += rng.int(900, 4000);
  }
  const services: Partial<Record<ServiceName, ServicePlan>> = {
    "k8s-dqlite": {
      from: "2023-12-04T01:00:00",
      runs: [
        { pid: 1288, start: null, end: at("07:41:20"), endKind: "stop" },
        {
          pid: 1_968_412,
          start: at("07:41:22"),
          end: null,
          info: { id: LOST_IDS[0], address: "10.0.0.11:19001", cluster: "[10.0.0.12:19001 10.0.0.13:19001]" },
        },
      ],
      bursts: dqBursts,
    },
    kubelite: { from: "2023-12-04T08:20:00", runs, restartCounterFrom: 187, noisePerMinute: 0 },
  };
  const spec: ReportSpec = {
    ...baseSpec(plan, node, takenAt),
    seed: `${plan.name}:prod-1`,
    host: hostFor(plan, node),
    dqlite: {
      cluster,
      info: cluster[0],
      keyOrder: "id-first",
      listing: { closedSegments: 22, openSegments: 3, snapshots: 2, createdAt: plan.createdAt },
    },
    kubernetes: { api: "refused", clusterSeed: plan.name, nodes: [], workloads: [] },
    services: nodeServices({
      plan,
      node,
      takenAt,
      journalFrom: "2023-12-04T01:00:00",
      clusterNodes: ["prod-1", "prod-2", "prod-3"],
      services,
    }),
    dmesg: { events: [] },
  };
  return [spec];
}

export async function lostQuorum(): Promise<SampleReport[]> {
  return build(lostQuorumSpecs(), true);
}

// ------------------------------------------------------------------------------------- worker

const PLAN_WORKER: ClusterPlan = {
  name: "worker-127",
  version: "v1.27.5",
  revision: "5891",
  confinement: "classic",
  zone: { offsetMinutes: 0, abbrev: "UTC" },
  createdAt: "2023-09-04T10:00:00",
  arch: "x86_64",
  os: JAMMY,
  kernel: "5.15.0-83-generic",
};

/**
 * A worker node (joined with --worker, v1.27): apiserver-proxy instead of k8s-dqlite and
 * apiserver-kicker, kubectl refusing to run, and the stale single-node dqlite store left from
 * before the join (127.0.0.1:19001). Quorum: unknown.
 */
export function workerReportSpecs(): ReportSpec[] {
  const plan = PLAN_WORKER;
  const node: NodePlan = {
    hostname: "worker-3",
    ip: "10.10.1.23",
    role: "worker",
    bootedAt: "2023-09-18T07:55:30",
    joinedAt: "2023-09-04T11:20:00",
    cpus: 16,
    memoryMiB: 64287,
  };
  const controlPlane = ["10.10.1.11", "10.10.1.12", "10.10.1.13"];
  const takenAt = "2023-09-19T13:37:02";
  const cpNodes: NodePlan[] = controlPlane.map((ip, i) => ({
    hostname: `cp-${i + 1}`,
    ip,
    role: "control-plane",
    bootedAt: node.bootedAt,
    joinedAt: plan.createdAt,
    cpus: 4,
    memoryMiB: 7941,
  }));
  const spec: ReportSpec = {
    ...baseSpec(plan, node, takenAt),
    seed: `${plan.name}:worker-3`,
    host: hostFor(plan, node),
    dqlite: singleNodeDqlite("2023-09-04T11:02:45", {
      listing: { closedSegments: 2, openSegments: 2, snapshots: 0, createdAt: "2023-09-04T11:02:45" },
    }),
    kubernetes: {
      api: "worker",
      clusterSeed: plan.name,
      nodes: [...cpNodes, node].map((n) => k8sNodeFor(plan, n)),
      workloads: [],
    },
    services: nodeServices({
      plan,
      node,
      takenAt,
      journalFrom: "2023-09-19T06:00:00",
      clusterNodes: [...cpNodes.map((n) => n.hostname), node.hostname],
      services: { "apiserver-proxy": { profile: apiserverProxyProfile(controlPlane) } },
    }),
    dmesg: { events: [] },
  };
  return [spec];
}

export async function workerReport(): Promise<SampleReport[]> {
  return build(workerReportSpecs(), true);
}

// ------------------------------------------------------------------------------------- strict

const PLAN_STRICT: ClusterPlan = {
  name: "strict-129",
  version: "v1.29.1",
  revision: "6364",
  channel: "1.29-strict/stable",
  confinement: "strict",
  zone: { offsetMinutes: 330, abbrev: "IST" },
  createdAt: "2024-02-12T10:05:00",
  arch: "x86_64",
  os: JAMMY,
  kernel: "5.15.0-94-generic",
};

/** Strict confinement (v1.29): microk8s.daemon-* folders, snapctl.log, dmesg from `journalctl -k`. */
export function strictReportSpecs(): ReportSpec[] {
  const node: NodePlan = {
    hostname: "edge-01",
    ip: "172.16.4.21",
    role: "control-plane",
    bootedAt: "2024-02-19T09:12:44",
    joinedAt: PLAN_STRICT.createdAt,
    cpus: 4,
    memoryMiB: 7941,
  };
  return [singleNodeSpec(PLAN_STRICT, node, "2024-02-19T15:30:09", {}, "2024-02-19T09:00:00")];
}

export async function strictReport(): Promise<SampleReport[]> {
  return build(strictReportSpecs(), false);
}

// ------------------------------------------------------------------------------------ 1.22 era

const PLAN_122: ClusterPlan = {
  name: "pi-122",
  version: "v1.22.17",
  revision: "4595",
  confinement: "classic",
  zone: { offsetMinutes: 60, abbrev: "CET" },
  createdAt: "2022-06-02T18:44:00",
  arch: "aarch64",
  os: FOCAL,
  kernel: "5.4.0-1080-raspi",
};

/**
 * v1.22 on a Raspberry Pi HA cluster: kubelite with embedded dqlite (datastore errors in the
 * kubelite journal), no dqlite/ folder, juju/ and kubeflow/ folders, netstat/ifconfig, and
 * k8s/version in the version.Info{…} form. Quorum: unknown (no cluster.yaml in this generation).
 */
export function era122Specs(): ReportSpec[] {
  const plan = PLAN_122;
  const nodes: NodePlan[] = [1, 2, 3].map((i) => ({
    hostname: `pi-node${i}`,
    ip: `192.168.1.10${i}`,
    role: "control-plane",
    bootedAt: "2022-12-01T07:00:12",
    joinedAt: `2022-06-02T18:${44 + i * 3}:00`,
    cpus: 4,
    memoryMiB: 7810,
    iface: "eth0",
    disks: [
      { filesystem: "/dev/mmcblk0p2", size: "59G", used: "21G", avail: "36G", usePercent: 37, mount: "/" },
      {
        filesystem: "/dev/mmcblk0p1",
        size: "253M",
        used: "118M",
        avail: "135M",
        usePercent: 47,
        mount: "/boot/firmware",
      },
    ],
  }));
  const node = nodes[0];
  const takenAt = "2022-12-03T20:14:55";
  const kubelite = journalContext(plan, node, "kubelite");
  const slow = { from: epoch(plan, "2022-12-03T19:02:00"), to: epoch(plan, "2022-12-03T20:10:00") };
  const spec: ReportSpec = {
    ...baseSpec(plan, node, takenAt),
    seed: `${plan.name}:pi-node1`,
    host: hostFor(plan, node, { virt: "none" }),
    dqlite: {
      cluster: nodes.map((n, i) => ({
        id: i === 0 ? BOOTSTRAP_ID : new Rng(`${plan.name}:${i}`).uint64(),
        address: `${n.ip}:19001`,
        role: 0,
      })),
      info: { id: BOOTSTRAP_ID, address: "192.168.1.101:19001", role: 0 },
      listing: { closedSegments: 10, openSegments: 2, snapshots: 2, createdAt: plan.createdAt },
    },
    kubernetes: {
      api: "up",
      clusterSeed: plan.name,
      nodes: nodes.map((n) => k8sNodeFor(plan, n)),
      workloads: standardWorkloads(plan, nodes),
    },
    services: {},
    dmesg: { events: [] },
  };
  spec.services = nodeServices({
    plan,
    node,
    takenAt,
    journalFrom: "2022-12-03T16:00:00",
    clusterNodes: nodes.map((n) => n.hostname),
    pods: podNames(spec),
    services: {
      kubelite: {
        bursts: [
          {
            ...slow,
            perMinute: 5,
            render: dqliteDeadline(
              kubelite,
              nodes.map((n) => n.hostname),
            ),
          },
          {
            ...slow,
            perMinute: 2,
            render: dqliteCanceled(
              kubelite,
              nodes.map((n) => n.hostname),
            ),
          },
        ],
      },
    },
  });
  return [spec];
}

export async function era122(): Promise<SampleReport[]> {
  return build(era122Specs(), false);
}

// ------------------------------------------------------------------------------------ 1.25 era

const PLAN_125: ClusterPlan = {
  name: "legacy-125",
  version: "v1.25.11",
  revision: "5479",
  confinement: "classic",
  zone: { offsetMinutes: 480, abbrev: "CST" },
  createdAt: "2021-10-19T15:31:00",
  arch: "x86_64",
  os: { description: "Ubuntu 20.04.6 LTS", release: "20.04", codename: "focal" },
  kernel: "5.4.0-150-generic",
};

/**
 * v1.25 on an install that dates from 1.2x: legacy dqlite/localnode.yaml, "Address-first"
 * YAML key order, the kubectl deprecation WARNING in k8s/version. Single node: not-ha.
 */
export function era125Specs(): ReportSpec[] {
  const node: NodePlan = {
    hostname: "legacy-box",
    ip: "192.168.10.8",
    role: "control-plane",
    bootedAt: "2023-07-02T09:40:21",
    joinedAt: PLAN_125.createdAt,
    cpus: 4,
    memoryMiB: 15995,
  };
  const self: DqliteRecord = { id: BOOTSTRAP_ID, address: "127.0.0.1:19001", role: 0 };
  const dqlite: DqliteSpec = {
    cluster: [self],
    info: self,
    localnode: [self],
    keyOrder: "address-first",
    listing: { closedSegments: 21, openSegments: 2, snapshots: 2, createdAt: PLAN_125.createdAt },
  };
  return [singleNodeSpec(PLAN_125, node, "2023-07-05T11:58:33", { dqlite }, "2023-07-05T04:00:00")];
}

export async function era125(): Promise<SampleReport[]> {
  return build(era125Specs(), false);
}

/** Every scenario by name (the CLI's --scenario values). */
export const SCENARIOS: Record<string, () => Promise<SampleReport[]>> = {
  "incident-3735": incident3735,
  "healthy-ha3": healthyHa3,
  "lost-quorum": lostQuorum,
  worker: workerReport,
  strict: strictReport,
  "era-1.22": era122,
  "era-1.25": era125,
  "single-1.28": singleNode128,
  "single-1.32": singleNode132,
  big: async () => [await bigReport({ targetCompressedBytes: 25 * 1024 * 1024 })],
};

/** Not part of "all": large and slow. */
export const HEAVY_SCENARIOS = new Set(["big"]);
