/**
 * Kubernetes views of a report: pods derived from workloads, `kubectl get all -A -o wide`,
 * `kubectl cluster-info dump -A` (pretty JSON lists at column 0, then
 * "==== START logs for container … ====" sections) and the pod log styles inside it.
 */
import { Rng } from "./prng.js";
import { componentVersions } from "./profiles.js";
import { apiErrorText, table } from "./render.js";
import type { K8sNodeSpec, LogStyle, PodState, ReportSpec, WorkloadSpec } from "./spec.js";
import {
  calicoTime,
  goLogTime,
  k8sTime,
  klogTime,
  kubectlAge,
  MINUTE,
  rfc3339,
  SECOND,
  toEpoch,
  type Zone,
} from "./time.js";

export interface Pod {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  hostIP: string;
  ip: string | null;
  state: PodState;
  createdAt: number;
  startedAt: number;
  lastRestartAt: number | null;
  workload: WorkloadSpec;
  ownerKind: "ReplicaSet" | "DaemonSet" | "StatefulSet";
  ownerName: string;
  containerIds: string[];
}

export interface ClusterView {
  now: number;
  zone: Zone;
  nodes: K8sNodeSpec[];
  pods: Pod[];
  /** ReplicaSet name per Deployment (namespace/name). */
  replicaSets: Map<string, string>;
}

const runningState: PodState = { phase: "Running", restarts: 0 };

/** Pod names and object ids are shared by every report of one cluster. */
export function clusterSeedOf(spec: ReportSpec): string {
  return spec.kubernetes.clusterSeed ?? spec.seed ?? spec.hostname;
}

/** "namespace/pod" names of the cluster's pods (for log lines that mention them). */
export function podNames(spec: ReportSpec): string[] {
  return clusterView(spec).pods.map((p) => `${p.namespace}/${p.name}`);
}

/** Pods for every workload, deterministic for a given spec. */
export function clusterView(spec: ReportSpec): ClusterView {
  const rng = new Rng(`${clusterSeedOf(spec)}:pods`);
  const now = toEpoch(spec.takenAt, spec.zone);
  const nodes = spec.kubernetes.nodes;
  const nodeIP = new Map(nodes.map((n) => [n.name, n.internalIP]));
  const prefix = spec.kubernetes.podCidrPrefix ?? "10.1";
  const blocks = new Map(nodes.map((n, i) => [n.name, { third: 20 + ((i * 53) % 220), next: 2 + i }]));
  const pods: Pod[] = [];
  const replicaSets = new Map<string, string>();
  for (const w of spec.kubernetes.workloads) {
    const created = toEpoch(w.createdAt, spec.zone);
    let placements: string[];
    if (w.kind === "DaemonSet") placements = w.nodes.filter((n) => !(w.missingOn ?? []).includes(n));
    else placements = Array.from({ length: w.replicas ?? 1 }, (_, i) => w.nodes[i % w.nodes.length]);
    const rsHash = rng.kubeSuffix(rng.pick([9, 10]));
    if (w.kind === "Deployment") replicaSets.set(`${w.namespace}/${w.name}`, `${w.name}-${rsHash}`);
    placements.forEach((node, i) => {
      const state = w.state ? w.state(i, node) : runningState;
      const name =
        w.kind === "Deployment"
          ? `${w.name}-${rsHash}-${rng.kubeSuffix(5)}`
          : w.kind === "DaemonSet"
            ? `${w.name}-${rng.kubeSuffix(5)}`
            : `${w.name}-${i}`;
      const block = blocks.get(node) ?? { third: 99, next: 2 };
      let ip: string | null = null;
      if (w.hostNetwork) ip = nodeIP.get(node) ?? null;
      else if (state.phase !== "Pending") {
        block.next += rng.int(1, 4);
        ip = `${prefix}.${block.third}.${block.next}`;
      }
      const podCreated = Math.max(created, now - rng.int(2, 13) * 24 * 60 * MINUTE);
      const lastRestartAt = state.restarts > 0 ? now - rng.int(3, 180) * MINUTE : null;
      pods.push({
        namespace: w.namespace,
        name,
        uid: rng.uuid(),
        node,
        hostIP: nodeIP.get(node) ?? "",
        ip,
        state,
        createdAt: podCreated,
        startedAt: lastRestartAt ?? podCreated + rng.int(5, 90) * SECOND,
        lastRestartAt,
        workload: w,
        ownerKind: w.kind === "Deployment" ? "ReplicaSet" : w.kind,
        ownerName: w.kind === "Deployment" ? `${w.name}-${rsHash}` : w.name,
        containerIds: w.containers.map(() => rng.hex(64)),
      });
    });
  }
  pods.sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
  );
  return { now, zone: spec.zone, nodes, pods, replicaSets };
}

// -------------------------------------------------------------------------------------- get-all

function readyOf(p: Pod): string {
  const total = p.workload.containers.length;
  const ready = p.state.ready ?? (p.state.phase === "Running" ? total : 0);
  return `${ready}/${total}`;
}

function statusOf(p: Pod): string {
  return p.state.phase === "Pending" ? "ContainerCreating" : p.state.phase;
}

function restartsOf(p: Pod, now: number): string {
  if (p.state.restarts === 0 || p.lastRestartAt === null) return String(p.state.restarts);
  return `${p.state.restarts} (${kubectlAge(now - p.lastRestartAt)} ago)`;
}

function selectorOf(w: WorkloadSpec): string {
  const labels = w.labels ?? { "k8s-app": w.name };
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** `kubectl get all --all-namespaces -o wide`. */
export function getAll(spec: ReportSpec, view: ClusterView): string {
  const err = apiErrorText(spec);
  if (err !== null) return err;
  const { now } = view;
  const sections: string[] = [];
  sections.push(
    table(
      [
        "NAMESPACE",
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
      ],
      view.pods.map((p) => [
        p.namespace,
        `pod/${p.name}`,
        readyOf(p),
        statusOf(p),
        restartsOf(p, now),
        kubectlAge(now - p.createdAt),
        p.ip ?? "<none>",
        p.node,
        "<none>",
        "<none>",
      ]),
    ),
  );
  const clusterCreated = Math.min(
    ...spec.kubernetes.workloads.map((w) => toEpoch(w.createdAt, spec.zone)),
    now,
  );
  const services = [
    [
      "default",
      "service/kubernetes",
      "ClusterIP",
      "10.152.183.1",
      "<none>",
      "443/TCP",
      kubectlAge(now - clusterCreated),
      "<none>",
    ],
    ...spec.kubernetes.workloads
      .filter((w) => w.service)
      .map((w) => [
        w.namespace,
        `service/${w.service!.name ?? w.name}`,
        w.service!.type,
        w.service!.clusterIP,
        w.service!.type === "LoadBalancer" ? "<pending>" : "<none>",
        w.service!.ports,
        kubectlAge(now - toEpoch(w.createdAt, spec.zone)),
        selectorOf(w),
      ]),
  ].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
  sections.push(
    table(["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"], services),
  );
  const podsOf = (w: WorkloadSpec): Pod[] => view.pods.filter((p) => p.workload === w);
  const byNamespace = (a: WorkloadSpec, b: WorkloadSpec): number =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1;
  const images = (w: WorkloadSpec): [string, string] => [
    w.containers.map((c) => c.name).join(","),
    w.containers.map((c) => c.image).join(","),
  ];
  const ds = spec.kubernetes.workloads.filter((w) => w.kind === "DaemonSet").sort(byNamespace);
  if (ds.length > 0) {
    sections.push(
      table(
        [
          "NAMESPACE",
          "NAME",
          "DESIRED",
          "CURRENT",
          "READY",
          "UP-TO-DATE",
          "AVAILABLE",
          "NODE SELECTOR",
          "AGE",
          "CONTAINERS",
          "IMAGES",
          "SELECTOR",
        ],
        ds.map((w) => {
          const pods = podsOf(w);
          const ready = pods.filter((p) => p.state.phase === "Running").length;
          return [
            w.namespace,
            `daemonset.apps/${w.name}`,
            String(w.nodes.length),
            String(pods.length),
            String(ready),
            String(pods.length),
            String(ready),
            "kubernetes.io/os=linux",
            kubectlAge(now - toEpoch(w.createdAt, spec.zone)),
            ...images(w),
            selectorOf(w),
          ];
        }),
      ),
    );
  }
  const deps = spec.kubernetes.workloads.filter((w) => w.kind === "Deployment").sort(byNamespace);
  if (deps.length > 0) {
    sections.push(
      table(
        ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        deps.map((w) => {
          const pods = podsOf(w);
          const ready = pods.filter((p) => p.state.phase === "Running").length;
          return [
            w.namespace,
            `deployment.apps/${w.name}`,
            `${ready}/${w.replicas ?? 1}`,
            String(pods.length),
            String(ready),
            kubectlAge(now - toEpoch(w.createdAt, spec.zone)),
            ...images(w),
            selectorOf(w),
          ];
        }),
      ),
    );
    sections.push(
      table(
        ["NAMESPACE", "NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        deps.map((w) => {
          const pods = podsOf(w);
          const ready = pods.filter((p) => p.state.phase === "Running").length;
          const rs = view.replicaSets.get(`${w.namespace}/${w.name}`) ?? w.name;
          return [
            w.namespace,
            `replicaset.apps/${rs}`,
            String(w.replicas ?? 1),
            String(pods.length),
            String(ready),
            kubectlAge(now - toEpoch(w.createdAt, spec.zone)),
            ...images(w),
            `${selectorOf(w)},pod-template-hash=${rs.slice(w.name.length + 1)}`,
          ];
        }),
      ),
    );
  }
  const sts = spec.kubernetes.workloads.filter((w) => w.kind === "StatefulSet").sort(byNamespace);
  if (sts.length > 0) {
    sections.push(
      table(
        ["NAMESPACE", "NAME", "READY", "AGE", "CONTAINERS", "IMAGES"],
        sts.map((w) => {
          const ready = podsOf(w).filter((p) => p.state.phase === "Running").length;
          return [
            w.namespace,
            `statefulset.apps/${w.name}`,
            `${ready}/${w.replicas ?? 1}`,
            kubectlAge(now - toEpoch(w.createdAt, spec.zone)),
            ...images(w),
          ];
        }),
      ),
    );
  }
  return sections.join("\n");
}

export function getPv(spec: ReportSpec): string {
  return apiErrorText(spec) ?? "No resources found\n";
}

export function getPvc(spec: ReportSpec): string {
  return apiErrorText(spec) ?? "No resources found\n";
}

// ------------------------------------------------------------------------------ cluster-info-dump

/** Go's json.MarshalIndent with 4 spaces, which escapes <, > and &. */
export function goJson(value: unknown): string {
  return JSON.stringify(value, null, 4)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
}

function nodeObject(n: K8sNodeSpec, view: ClusterView, rng: Rng, rv: number): Record<string, unknown> {
  const { now, zone } = view;
  const readySince = toEpoch(n.readySince, zone);
  const heartbeat = n.lastHeartbeat ? toEpoch(n.lastHeartbeat, zone) : now - rng.int(5, 50) * SECOND;
  const created = toEpoch(n.createdAt, zone);
  const unknown = n.ready === "Unknown";
  const cond = (type: string, status: string, reason: string, message: string, since = created) => ({
    type,
    status,
    lastHeartbeatTime: k8sTime(heartbeat),
    lastTransitionTime: k8sTime(unknown ? readySince : since),
    reason,
    message,
  });
  const pressure = (type: string, reason: string, message: string) =>
    unknown
      ? cond(type, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
      : cond(type, "False", reason, message);
  const readyReason =
    n.reason ?? (n.ready === "True" ? "KubeletReady" : unknown ? "NodeStatusUnknown" : "KubeletNotReady");
  const readyMessage =
    n.message ??
    (n.ready === "True"
      ? "kubelet is posting ready status. AppArmor enabled"
      : unknown
        ? "Kubelet stopped posting node status."
        : "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized");
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": n.arch,
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": n.arch,
    "kubernetes.io/hostname": n.name,
    "kubernetes.io/os": "linux",
    "microk8s.io/cluster": "true",
  };
  if (n.controlPlane) labels["node.kubernetes.io/microk8s-controlplane"] = "microk8s-controlplane";
  else labels["node.kubernetes.io/microk8s-worker"] = "microk8s-worker";
  const ephemeralKi = 239363896 + rng.int(0, 9999);
  const obj: Record<string, unknown> = {
    metadata: {
      name: n.name,
      uid: rng.uuid(),
      resourceVersion: String(rv),
      creationTimestamp: k8sTime(created),
      labels,
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "projectcalico.org/IPv4Address": `${n.internalIP}/24`,
        "projectcalico.org/IPv4VXLANTunnelAddr": `10.1.${rng.int(1, 250)}.${rng.pick([0, 64, 128, 192])}`,
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: n.unschedulable
      ? {
          unschedulable: true,
          taints: [
            { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: k8sTime(readySince) },
          ],
        }
      : unknown
        ? {
            taints: [
              {
                key: "node.kubernetes.io/unreachable",
                effect: "NoSchedule",
                timeAdded: k8sTime(readySince + 40 * SECOND),
              },
              {
                key: "node.kubernetes.io/unreachable",
                effect: "NoExecute",
                timeAdded: k8sTime(readySince + 45 * SECOND),
              },
            ],
          }
        : {},
    status: {
      capacity: {
        cpu: String(n.cpus),
        "ephemeral-storage": `${ephemeralKi}Ki`,
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        memory: `${n.memoryKi}Ki`,
        pods: "110",
      },
      allocatable: {
        cpu: String(n.cpus),
        "ephemeral-storage": `${ephemeralKi - 1048576}Ki`,
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        memory: `${n.memoryKi - 102400}Ki`,
        pods: "110",
      },
      conditions: [
        {
          ...cond(
            "NetworkUnavailable",
            "False",
            "CalicoIsUp",
            "Calico is running on this node",
            created + 90 * SECOND,
          ),
          lastHeartbeatTime: k8sTime(created + 90 * SECOND),
        },
        pressure("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        pressure("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        {
          type: "Ready",
          status: n.ready,
          lastHeartbeatTime: k8sTime(heartbeat),
          lastTransitionTime: k8sTime(readySince),
          reason: readyReason,
          message: readyMessage,
        },
      ],
      addresses: [
        { type: "InternalIP", address: n.internalIP },
        { type: "Hostname", address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: rng.hex(32),
        systemUUID: rng.uuid(),
        bootID: `${n.bootId.slice(0, 8)}-${n.bootId.slice(8, 12)}-${n.bootId.slice(12, 16)}-${n.bootId.slice(16, 20)}-${n.bootId.slice(20, 32)}`,
        kernelVersion: n.kernel,
        osImage: n.osImage,
        containerRuntimeVersion: n.containerRuntime,
        kubeletVersion: n.kubeletVersion,
        kubeProxyVersion: n.kubeletVersion,
        operatingSystem: "linux",
        architecture: n.arch,
      },
      images: [
        {
          names: [`docker.io/calico/node@sha256:${rng.hex(64)}`, "docker.io/calico/node:v3.23.5"],
          sizeBytes: 88335791,
        },
        {
          names: [`docker.io/calico/cni@sha256:${rng.hex(64)}`, "docker.io/calico/cni:v3.23.5"],
          sizeBytes: 89884044,
        },
        {
          names: [`docker.io/coredns/coredns@sha256:${rng.hex(64)}`, "docker.io/coredns/coredns:1.9.3"],
          sizeBytes: 14837849,
        },
        {
          names: [`registry.k8s.io/pause@sha256:${rng.hex(64)}`, "registry.k8s.io/pause:3.7"],
          sizeBytes: 311278,
        },
      ],
    },
  };
  return obj;
}

export function nodeListJson(view: ClusterView, rng: Rng, rv: number): string {
  return goJson({
    kind: "NodeList",
    apiVersion: "v1",
    metadata: { resourceVersion: String(rv) },
    items: view.nodes.map((n, i) => nodeObject(n, view, rng.fork(`node${i}`), rv - rng.int(10, 900))),
  });
}

function podObject(p: Pod, rng: Rng): Record<string, unknown> {
  const w = p.workload;
  const running = p.state.phase === "Running";
  const labels: Record<string, string> = { ...(w.labels ?? { "k8s-app": w.name }) };
  if (p.ownerKind === "ReplicaSet") labels["pod-template-hash"] = p.ownerName.slice(w.name.length + 1);
  if (p.ownerKind === "DaemonSet") labels["controller-revision-hash"] = rng.kubeSuffix(10);
  const condition = (type: string, ok: boolean, at: number) => ({
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: k8sTime(at),
  });
  return {
    metadata: {
      name: p.name,
      generateName: p.ownerKind === "StatefulSet" ? `${w.name}-` : `${p.ownerName}-`,
      namespace: p.namespace,
      uid: p.uid,
      resourceVersion: String(rng.int(100000, 1900000)),
      creationTimestamp: k8sTime(p.createdAt),
      labels,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: p.ownerKind,
          name: p.ownerName,
          uid: rng.uuid(),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: w.containers.map((c) => ({
        name: c.name,
        image: c.image,
        resources: {},
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: "IfNotPresent",
      })),
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: w.hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
      serviceAccountName: w.name,
      nodeName: p.node,
      hostNetwork: w.hostNetwork ? true : undefined,
      schedulerName: "default-scheduler",
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
        {
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
    },
    status: {
      phase:
        p.state.phase === "CrashLoopBackOff" || p.state.phase === "Error"
          ? "Running"
          : p.state.phase === "Terminating"
            ? "Running"
            : p.state.phase,
      conditions: [
        condition("Initialized", true, p.createdAt + 2 * SECOND),
        condition("Ready", running, p.startedAt + 10 * SECOND),
        condition("ContainersReady", running, p.startedAt + 10 * SECOND),
        condition("PodScheduled", true, p.createdAt),
      ],
      hostIP: p.hostIP,
      podIP: p.ip ?? undefined,
      podIPs: p.ip ? [{ ip: p.ip }] : undefined,
      startTime: k8sTime(p.createdAt + SECOND),
      containerStatuses: w.containers.map((c, i) => ({
        name: c.name,
        state: running
          ? { running: { startedAt: k8sTime(p.startedAt) } }
          : { waiting: { reason: p.state.phase === "Pending" ? "ContainerCreating" : "CrashLoopBackOff" } },
        lastState:
          p.lastRestartAt !== null
            ? {
                terminated: {
                  exitCode: 255,
                  reason: "Unknown",
                  startedAt: k8sTime(p.createdAt),
                  finishedAt: k8sTime(p.lastRestartAt - 20 * SECOND),
                  containerID: `containerd://${rng.hex(64)}`,
                },
              }
            : {},
        ready: running,
        restartCount: p.state.restarts,
        image: c.image.includes("/") ? c.image : `docker.io/library/${c.image}`,
        imageID: `${c.image.split(":")[0]}@sha256:${rng.hex(64)}`,
        containerID: `containerd://${p.containerIds[i]}`,
        started: running,
      })),
      qosClass: "BestEffort",
    },
  };
}

function emptyList(kind: string, apiVersion: string, rv: number): string {
  return goJson({ kind, apiVersion, metadata: { resourceVersion: String(rv) }, items: [] });
}

function eventsJson(spec: ReportSpec, ns: string, rng: Rng, rv: number): string {
  const events = (spec.kubernetes.events ?? []).filter((e) => e.namespace === ns);
  return goJson({
    kind: "EventList",
    apiVersion: "v1",
    metadata: { resourceVersion: String(rv) },
    items: events.map((e) => {
      const at = toEpoch(e.at, spec.zone);
      return {
        metadata: {
          name: `${e.object}.${rng.hex(16)}`,
          namespace: ns,
          uid: rng.uuid(),
          resourceVersion: String(rng.int(100000, 1900000)),
          creationTimestamp: k8sTime(at),
        },
        involvedObject: {
          kind: e.kind,
          namespace: e.kind === "Node" ? undefined : ns,
          name: e.object,
          apiVersion: "v1",
        },
        reason: e.reason,
        message: e.message,
        source: { component: e.kind === "Node" ? "node-controller" : "kubelet" },
        firstTimestamp: k8sTime(at - (e.count ?? 1) * 30 * SECOND),
        lastTimestamp: k8sTime(at),
        count: e.count ?? 1,
        type: e.type,
        eventTime: null,
        reportingComponent: "",
        reportingInstance: "",
      };
    }),
  });
}

/** The JSON lists of one namespace, as `cluster-info dump` prints them. */
export function namespaceListsJson(
  spec: ReportSpec,
  view: ClusterView,
  ns: string,
  rng: Rng,
  rv: number,
): string {
  const workloads = spec.kubernetes.workloads.filter((w) => w.namespace === ns);
  const pods = view.pods.filter((p) => p.namespace === ns);
  const meta = (w: WorkloadSpec) => ({
    name: w.name,
    namespace: ns,
    uid: rng.uuid(),
    resourceVersion: String(rng.int(100000, 1900000)),
    generation: rng.int(1, 9),
    creationTimestamp: k8sTime(toEpoch(w.createdAt, spec.zone)),
    labels: w.labels ?? { "k8s-app": w.name },
  });
  const template = (w: WorkloadSpec) => ({
    metadata: { creationTimestamp: null, labels: w.labels ?? { "k8s-app": w.name } },
    spec: {
      containers: w.containers.map((c) => ({ name: c.name, image: c.image, resources: {} })),
      restartPolicy: "Always",
    },
  });
  const parts = [
    eventsJson(spec, ns, rng, rv),
    emptyList("ReplicationControllerList", "v1", rv),
    goJson({
      kind: "ServiceList",
      apiVersion: "v1",
      metadata: { resourceVersion: String(rv) },
      items: workloads
        .filter((w) => w.service)
        .map((w) => ({
          metadata: { ...meta(w), name: w.service!.name ?? w.name },
          spec: {
            ports: w.service!.ports.split(",").map((p) => {
              const [port, proto] = p.split("/");
              return {
                protocol: proto ?? "TCP",
                port: Number(port.split(":")[0]),
                targetPort: Number(port.split(":")[0]),
              };
            }),
            selector: w.labels ?? { "k8s-app": w.name },
            clusterIP: w.service!.clusterIP,
            clusterIPs: [w.service!.clusterIP],
            type: w.service!.type,
            sessionAffinity: "None",
          },
          status: { loadBalancer: {} },
        })),
    }),
    goJson({
      kind: "DaemonSetList",
      apiVersion: "apps/v1",
      metadata: { resourceVersion: String(rv) },
      items: workloads
        .filter((w) => w.kind === "DaemonSet")
        .map((w) => {
          const current = pods.filter((p) => p.workload === w);
          const ready = current.filter((p) => p.state.phase === "Running").length;
          return {
            metadata: meta(w),
            spec: { selector: { matchLabels: w.labels ?? { "k8s-app": w.name } }, template: template(w) },
            status: {
              currentNumberScheduled: current.length,
              numberMisscheduled: 0,
              desiredNumberScheduled: w.nodes.length,
              numberReady: ready,
              observedGeneration: 1,
              updatedNumberScheduled: current.length,
              numberAvailable: ready,
              numberUnavailable: w.nodes.length - ready || undefined,
            },
          };
        }),
    }),
    goJson({
      kind: "DeploymentList",
      apiVersion: "apps/v1",
      metadata: { resourceVersion: String(rv) },
      items: workloads
        .filter((w) => w.kind === "Deployment")
        .map((w) => {
          const ready = pods.filter((p) => p.workload === w && p.state.phase === "Running").length;
          return {
            metadata: meta(w),
            spec: {
              replicas: w.replicas ?? 1,
              selector: { matchLabels: w.labels ?? { "k8s-app": w.name } },
              template: template(w),
            },
            status: {
              observedGeneration: 1,
              replicas: w.replicas ?? 1,
              updatedReplicas: w.replicas ?? 1,
              readyReplicas: ready || undefined,
              availableReplicas: ready || undefined,
            },
          };
        }),
    }),
    goJson({
      kind: "ReplicaSetList",
      apiVersion: "apps/v1",
      metadata: { resourceVersion: String(rv) },
      items: workloads
        .filter((w) => w.kind === "Deployment")
        .map((w) => ({
          metadata: { ...meta(w), name: view.replicaSets.get(`${ns}/${w.name}`) ?? w.name },
          spec: { replicas: w.replicas ?? 1, template: template(w) },
          status: { replicas: w.replicas ?? 1, fullyLabeledReplicas: w.replicas ?? 1, observedGeneration: 1 },
        })),
    }),
    goJson({
      kind: "PodList",
      apiVersion: "v1",
      metadata: { resourceVersion: String(rv) },
      items: pods.map((p) => podObject(p, rng.fork(p.name))),
    }),
  ];
  return `${parts.join("\n")}\n`;
}

export function logHeader(container: string, p: Pod): string {
  return `==== START logs for container ${container} of pod ${p.namespace}/${p.name} ====`;
}

export function logFooter(container: string, p: Pod): string {
  return `==== END logs for container ${container} of pod ${p.namespace}/${p.name} ====`;
}

/** What kubectl writes instead of logs when it cannot get them. */
export function logError(p: Pod, nodeReady: boolean): string | null {
  if (!nodeReady) {
    return `Request log error: Get "https://${p.hostIP}:10250/containerLogs/${p.namespace}/${p.name}/${p.workload.containers[0].name}": dial tcp ${p.hostIP}:10250: connect: no route to host`;
  }
  if (p.state.phase === "Pending") {
    return `Request log error: container "${p.workload.containers[0].name}" in pod "${p.name}" is waiting to start: ContainerCreating`;
  }
  return null;
}

/** Namespaces `cluster-info dump -A` walks, in API order. */
export function dumpNamespaces(spec: ReportSpec): string[] {
  const set = new Set(["default", "kube-node-lease", "kube-public", "kube-system"]);
  for (const w of spec.kubernetes.workloads) set.add(w.namespace);
  return [...set].sort();
}

/** `kubectl cluster-info dump -A`, streamed line by line (pod logs are generated lazily). */
export function clusterInfoDump(spec: ReportSpec, view: ClusterView): () => Iterable<string> {
  return function* () {
    const err = apiErrorText(spec);
    if (err !== null) {
      yield err.replace(/\n$/, "");
      return;
    }
    const rng = new Rng(`${clusterSeedOf(spec)}:dump`);
    const rv = new Rng(`${clusterSeedOf(spec)}:${spec.takenAt}`).int(1200000, 1900000);
    const ready = new Map(view.nodes.map((n) => [n.name, n.ready === "True"]));
    yield nodeListJson(view, rng.fork("nodes"), rv);
    const perContainer = spec.kubernetes.podLogLines ?? 40;
    for (const ns of dumpNamespaces(spec)) {
      yield namespaceListsJson(spec, view, ns, rng.fork(ns), rv).replace(/\n$/, "");
      for (const p of view.pods.filter((x) => x.namespace === ns)) {
        for (const c of p.workload.containers) {
          yield logHeader(c.name, p);
          const e = logError(p, ready.get(p.node) ?? true);
          if (e !== null) yield e;
          else
            yield* podLog(c.log, {
              rng: rng.fork(`${p.name}/${c.name}`),
              zone: spec.zone,
              now: view.now,
              pod: p,
              lines: perContainer,
            });
          yield logFooter(c.name, p);
        }
      }
    }
  };
}

// ------------------------------------------------------------------------------------- pod logs

export interface PodLogContext {
  rng: Rng;
  zone: Zone;
  now: number;
  pod: Pod;
  lines: number;
}

const PATHS = [
  "/",
  "/api/v1/orders",
  "/api/v1/cart",
  "/rest/ping.view",
  "/rest/getCoverArt.view",
  "/metrics",
  "/healthz",
  "/app/",
  "/api/song",
  "/static/js/main.js",
  "/favicon.ico",
  "/rest/stream.view",
  "/api/album",
  "/login",
];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 16_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.2 Mobile/15E148 Safari/604.1",
  "Prometheus/2.41.0",
  "kube-probe/1.26",
  "DSub/5.5.2",
  "curl/7.81.0",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Identifiers a pod keeps reusing (clients, users, upstreams): real logs repeat them. */
interface PodPools {
  clients: string[];
  users: string[];
  upstreams: string[];
  traces: string[];
  folders: string[];
}

const poolCache = new Map<string, PodPools>();

/** Pools are a pure function of the pod's name, cached because every log line needs them. */
function poolsOf(pod: Pod): PodPools {
  const key = `${pod.namespace}/${pod.name}`;
  let pools = poolCache.get(key);
  if (!pools) {
    const r = new Rng(`${key}:pools`);
    pools = {
      clients: Array.from(
        { length: 24 },
        () => `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
      ),
      users: Array.from({ length: 12 }, () => r.kubeSuffix(7)),
      upstreams: Array.from({ length: 4 }, () => `10.1.${r.int(1, 250)}.${r.int(2, 250)}`),
      traces: Array.from({ length: 40 }, () => r.hex(32)),
      folders: Array.from({ length: 30 }, () => `/music/${r.kubeSuffix(8)}/${r.kubeSuffix(10)}`),
    };
    if (poolCache.size > 5000) poolCache.clear();
    poolCache.set(key, pools);
  }
  return pools;
}

const JAVA_TRACE = [
  "\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
  "\tat org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1072)",
  "\tat org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:965)",
  "\tat org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:227)",
  "\tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)",
  "\tat org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1791)",
  "\tat java.base/java.lang.Thread.run(Thread.java:833)",
];

/** Lines of one container's log, ending at `now`; styles mimic the real components. */
export function* podLog(style: LogStyle, c: PodLogContext): Generator<string> {
  const { rng, zone } = c;
  if (style === "none" || c.lines <= 0) return;
  const span = Math.min(c.now - c.pod.startedAt, 6 * 60 * MINUTE);
  let t = c.now - span;
  const step = span / c.lines;
  const node = c.pod.node;
  for (let i = 0; i < c.lines; i++) {
    t += rng.float(step * 0.2, step * 1.8);
    if (t > c.now) t = c.now - rng.int(1, 999);
    yield podLogLine(style, rng, t, zone, node, c.pod);
  }
}

/** One log line (possibly several, joined by "\n", for stack traces). ASCII only. */
export function podLogLine(style: LogStyle, rng: Rng, t: number, zone: Zone, node: string, pod: Pod): string {
  const pools = poolsOf(pod);
  switch (style) {
    case "calico-node": {
      const pid = 67;
      return rng.weighted<string>([
        [
          `${calicoTime(t, zone)} [INFO][${pid}] felix/summary.go 100: Summarising ${rng.int(8, 20)} dataplane reconciliation loops over 1m${rng.int(0, 9)}.${rng.int(0, 9)}s: avg=${rng.int(3, 40)}ms longest=${rng.int(20, 300)}ms (${rng.pick(["resync-nat-v4", "resync-routes-v4", "resync-filter-v4", "update-filter-v4"])})`,
          6,
        ],
        [
          `${calicoTime(t, zone)} [INFO][${pid}] felix/int_dataplane.go 1800: Received *proto.WorkloadEndpointUpdate update from calculation graph msg=id:<orchestrator_id:"k8s" workload_id:"${pod.namespace}/${pod.name}" endpoint_id:"eth0" > endpoint:<state:"active" name:"cali${pools.traces[0].slice(0, 11)}" profile_ids:"kns.${pod.namespace}" ipv4_nets:"${pools.upstreams[0]}/32" >`,
          2,
        ],
        [
          `${calicoTime(t, zone)} [INFO][${pid}] felix/route_table.go 1187: Failed to access interface because it doesn't exist. error=Link not found ifaceName="cali${rng.pick(pools.traces).slice(0, 11)}" ifaceRegex="^cali.*" ipVersion=0x4 tableIndex=254`,
          1,
        ],
        [
          `${calicoTime(t, zone)} [INFO][${pid}] felix/health.go 336: Overall health status changed: live=true ready=true`,
          1,
        ],
      ]);
    }
    case "calico-kube-controllers":
      return `${calicoTime(t, zone)} [INFO][1] ${rng.pick(["resources.go 350: Main client watcher loop", "ipam.go 1173: Releasing all IPs with handle", "hostendpoints.go 173: successfully synced all hostendpoints"])}`;
    case "coredns":
      return rng.chance(0.92)
        ? `[INFO] ${rng.pick(pools.upstreams)}:${rng.int(30000, 60999)} - ${rng.int(1, 65535)} "${rng.pick(["A", "AAAA", "A", "A"])} IN ${rng.pick(["prometheus-operated.monitoring.svc.cluster.local.", "navidrome.media.svc.cluster.local.", "api.github.com.", "registry-1.docker.io.", "grafana.monitoring.svc.cluster.local."])} udp ${rng.pick([44, 58, 62, 73])} false 512" ${rng.pick(["NOERROR", "NOERROR", "NXDOMAIN"])} qr,aa,rd ${rng.pick([106, 154, 170, 244])} 0.000${rng.int(100, 999)}s`
        : `[ERROR] plugin/errors: 2 ${rng.pick(pools.users)}.local. A: read udp ${pools.upstreams[0]}:${rng.int(30000, 60999)}->192.168.0.1:53: i/o timeout`;
    case "metrics-server":
      return `${klogTime(rng.chance(0.8) ? "E" : "I", t, zone)}       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://${pod.hostIP}:10250/metrics/resource\\": context deadline exceeded" node="${node}"`;
    case "hostpath-provisioner":
      return `${klogTime("I", t, zone)}       1 controller.go:1337] provision "${rng.pick(["media", "monitoring"])}/data-${rng.pick(pools.users)}" class "microk8s-hostpath": ${rng.pick(["started", "succeeded"])}`;
    case "node-exporter":
      return `ts=${rfc3339(t, zone, 3)} caller=${rng.pick(["collector.go:169", "node_exporter.go:199", "filesystem_common.go:111"])} level=${rng.pick(["info", "info", "error"])} ${rng.chance(0.5) ? `collector=${rng.pick(["filesystem", "netclass", "hwmon", "diskstats"])} msg="collector failed" err="${rng.pick(["could not get stats for /mnt/media: input/output error", "open /host/sys/class/hwmon/hwmon1/temp1_input: no such file or directory"])}"` : `msg="Scrape succeeded" duration_seconds=0.0${rng.int(10, 99)}`}`;
    case "prometheus":
      return `ts=${rfc3339(t, zone, 3)} caller=${rng.pick(["head.go:1156", "compact.go:519", "db.go:1292", "scrape.go:1351"])} level=${rng.pick(["info", "info", "warn"])} component=${rng.pick(["tsdb", '"scrape manager"'])} msg="${rng.pick(["Head GC completed", "write block", "Deleting obsolete block", "Append failed"])}" duration=${rng.int(10, 999)}.${rng.int(100, 999)}ms`;
    case "nginx-ingress": {
      const d = new Date(Math.floor(t) + zone.offsetMinutes * MINUTE);
      const stamp = `${String(d.getUTCDate()).padStart(2, "0")}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${goLogTime(t, zone).slice(11)} +0000`;
      const path = `${rng.pick(PATHS)}${rng.chance(0.2) ? `?u=${rng.pick(pools.users)}&v=1.16.1&c=${rng.pick(["DSub", "substreamer", "NavidromeUI"])}` : ""}`;
      const status = rng.weighted<number>([
        [200, 80],
        [304, 8],
        [404, 5],
        [499, 2],
        [502, 3],
        [504, 2],
      ]);
      const upstream = rng.pick(pools.upstreams);
      const size = rng.pick([0, 612, 1534, 4096, 18233, rng.int(0, 250000)]);
      return `${rng.pick(pools.clients)} - - [${stamp}] "${rng.pick(["GET", "GET", "GET", "POST"])} ${path} HTTP/1.1" ${status} ${size} "-" "${rng.pick(AGENTS)}" ${rng.int(200, 900)} 0.${String(rng.int(1, 99)).padStart(3, "0")} [${rng.pick(["media-navidrome-4533", "monitoring-grafana-80", "default-app-8080"])}] [] ${upstream}:${rng.pick([4533, 3000, 8080])} ${size} 0.${String(rng.int(1, 99)).padStart(3, "0")} ${status} ${rng.pick(pools.traces)}`;
    }
    case "navidrome":
      return `time="${rfc3339(t, zone)}" level=${rng.pick(["info", "info", "warning", "error"])} msg="${rng.pick(["Scanner: Finished scanning folder", "HTTP: GET http://navidrome/rest/stream.view", "Error reading directory", "Retrieved cover art", "Updating media file"])}" ${rng.pick([`folder="${rng.pick(pools.folders)}"`, `elapsed=${rng.int(1, 900)}ms`, `error="readdirent ${rng.pick(pools.folders)}: input/output error"`, `id=${rng.pick(pools.traces)}`])} requestId=${pod.name.slice(0, 12)}/${rng.pick(pools.users)}-${String(rng.int(1, 999)).padStart(6, "0")}`;
    case "app-json": {
      const level = rng.weighted<string>([
        ["info", 70],
        ["debug", 15],
        ["warn", 10],
        ["error", 5],
      ]);
      const head = `{"ts":"${rfc3339(t, zone, 6)}","level":"${level}","caller":"${rng.pick(["handler/http.go:214", "worker/queue.go:88", "store/sync.go:412", "cache/http.go:57"])}","msg":"${rng.pick(["request completed", "job finished", "cache miss", "retrying", "upstream timeout"])}"`;
      const tail = `,"path":"${rng.pick(PATHS)}","status":${rng.pick([200, 200, 200, 201, 404, 500])},"duration_ms":${rng.int(1, 900)},"user":"${rng.pick(pools.users)}"}`;
      if (level === "error" && rng.chance(0.5)) {
        // Unhandled exceptions print a stack trace after the JSON line.
        return `${head},"trace_id":"${rng.pick(pools.traces)}"${tail}\njava.net.SocketTimeoutException: Read timed out\n${JAVA_TRACE.join("\n")}`;
      }
      return level === "info" ? `${head}${tail}` : `${head},"trace_id":"${rng.pick(pools.traces)}"${tail}`;
    }
    default:
      return "";
  }
}

/** A one-line kubectl-style summary of the version the dump shows. */
export function runtimeVersion(minor: number): string {
  return `containerd://${componentVersions(minor).containerd.replace(/^v/, "")}`;
}
