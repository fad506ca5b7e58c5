/**
 * Payload renderers for failure signatures (report-format.md §4), in the wording of the
 * MicroK8s generation that wrote them. Renderers are pure functions of (rng, time, pid), so a
 * journal can be generated twice with identical output.
 */
import type { JournalContext, PayloadRenderer } from "./journal.js";
import { klog, logrus, rangeTarget, registryKey, snapData } from "./profiles.js";
import { clockMs, goLogTime, traceStartTime } from "./time.js";

const LEASES = ["kube-controller-manager", "kube-scheduler"];

/** `error while range on <key> : query (try: 0): context deadline exceeded`. */
export function dqliteDeadline(ctx: JournalContext, nodes: string[]): PayloadRenderer {
  return (rng, t) => [
    logrus(
      ctx.zone,
      t,
      "error",
      `error while range on ${rangeTarget(registryKey(rng, nodes))}: query (try: 0): context deadline exceeded`,
    ),
  ];
}

/** The client gave up: `… context canceled` (normal in small numbers). */
export function dqliteCanceled(ctx: JournalContext, nodes: string[]): PayloadRenderer {
  return (rng, t) =>
    rng.chance(0.5)
      ? [logrus(ctx.zone, t, "error", "error in txn: query (try: 0): context canceled")]
      : [
          logrus(
            ctx.zone,
            t,
            "error",
            `error while range on ${rangeTarget(registryKey(rng, nodes))}: query (try: 0): context canceled`,
          ),
        ];
}

/** Write contention: `exec (try: 500): database is locked`. */
export function dqliteLocked(ctx: JournalContext): PayloadRenderer {
  return (_rng, t) => [logrus(ctx.zone, t, "error", "error in txn: exec (try: 500): database is locked")];
}

/** Watchers failing to list after a stall. */
export function dqliteFailedList(ctx: JournalContext): PayloadRenderer {
  return (rng, t) => [
    logrus(
      ctx.zone,
      t,
      "error",
      `failed to list ${registryKey(rng, ["node"]).replace(/[^/]+$/, "")} for revision ${rng.int(1200000, 1900000)}`,
    ),
  ];
}

/** go-dqlite's connector, as k8s-dqlite logs it in this generation. */
function goDqlite(ctx: JournalContext, t: number, pid: number, message: string): string {
  return ctx.minor >= 28
    ? logrus(ctx.zone, t, "warning", `[go-dqlite] ${message}`)
    : klog(ctx.zone, "W", t, pid, "log.go:198", `[go-dqlite] ${message}`);
}

/**
 * `[go-dqlite] attempt N: server <addr>: dial: dial tcp <addr>: connect: connection refused`.
 * The attempt counter grows with time since `from` (retries every ~1.5 s), so output stays a pure
 * function of time.
 */
export function goDqlitePeerUnreachable(
  ctx: JournalContext,
  address: string,
  error: "connection refused" | "no route to host" | "i/o timeout",
  from: number,
): PayloadRenderer {
  return (_rng, t, pid) => {
    const attempt = 1 + Math.floor((t - from) / 1500);
    const tail = error === "i/o timeout" ? "i/o timeout" : `connect: ${error}`;
    return [
      goDqlite(ctx, t, pid, `attempt ${attempt}: server ${address}: dial: dial tcp ${address}: ${tail}`),
    ];
  };
}

/** No raft leader: `attempt N: server <addr>: no known leader` plus kine's own failure. */
export function goDqliteNoLeader(ctx: JournalContext, addresses: string[], from: number): PayloadRenderer {
  return (rng, t, pid) => {
    const attempt = 1 + Math.floor((t - from) / 1500);
    const lines = [
      goDqlite(ctx, t, pid, `attempt ${attempt}: server ${rng.pick(addresses)}: no known leader`),
    ];
    if (rng.chance(0.3)) {
      lines.push(
        logrus(
          ctx.zone,
          t,
          "error",
          "failed to create dqlite connection: no available dqlite leader server found",
        ),
      );
    }
    return lines;
  };
}

/** Leader-election renewals timing out inside kubelite (controller-manager / scheduler). */
export function kubeliteLeaseTimeout(ctx: JournalContext): PayloadRenderer {
  return (rng, t, pid) => {
    const lease = rng.pick(LEASES);
    if (rng.chance(0.35)) {
      return [
        klog(
          ctx.zone,
          "E",
          t,
          pid,
          "leaderelection.go:330",
          `error retrieving resource lock kube-system/${lease}: Get "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}?timeout=15s": net/http: request canceled (Client.Timeout exceeded while awaiting headers)`,
        ),
      ];
    }
    return [
      klog(
        ctx.zone,
        "E",
        t,
        pid,
        "leaderelection.go:367",
        `Failed to update lock: Put "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}?timeout=15s": context deadline exceeded`,
      ),
    ];
  };
}

/**
 * The last words of a kubelite that lost its controller-manager lease: the renewal failures and
 * "leaderelection lost" (klog Fatal with exit 255 up to 1.25; ErrorS and exit 1 from 1.26).
 */
export function kubeliteLeaderLost(ctx: JournalContext): { lastWords: PayloadRenderer; exitStatus: string } {
  const lastWords: PayloadRenderer = (rng, t, pid) => {
    const z = ctx.zone;
    const lines = [
      klog(
        z,
        "E",
        t - rng.float(1500, 2500),
        pid,
        "leaderelection.go:367",
        `Failed to update lock: Put "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=15s": context deadline exceeded`,
      ),
      klog(
        z,
        "I",
        t - rng.float(20, 900),
        pid,
        "leaderelection.go:283",
        "failed to renew lease kube-system/kube-controller-manager: timed out waiting for the condition",
      ),
    ];
    const end = t - rng.float(1, 15);
    if (ctx.minor >= 26)
      lines.push(klog(z, "E", end, pid, "controllermanager.go:294", '"leaderelection lost"'));
    else lines.push(klog(z, "F", end, pid, "controllermanager.go:287", "leaderelection lost"));
    return lines;
  };
  return { lastWords, exitStatus: ctx.minor >= 26 ? "1/FAILURE" : "255/EXCEPTION" };
}

/** kubelite gave up waiting for the datastore at start (quorum lost). */
export function kubeliteStartupDeadline(): { lastWords: PayloadRenderer; exitStatus: string } {
  return { lastWords: () => ["Error: context deadline exceeded"], exitStatus: "1/FAILURE" };
}

/** apiserver request traces over `minMs`…`maxMs`, mostly lease updates. */
export function apiserverSlowTrace(
  ctx: JournalContext,
  k8sVersion: string,
  minMs: number,
  maxMs: number,
): PayloadRenderer {
  const arch = ctx.arch === "x86_64" ? "amd64" : "arm64";
  return (rng, t, pid) => {
    const z = ctx.zone;
    const id = rng.int(100000000, 2147483647);
    const ms = rng.int(minMs, maxMs);
    const lease = rng.pick(LEASES);
    const audit = rng.uuid();
    const start = t - ms;
    const secs = `${(ms / 1000).toFixed(3)}${rng.int(100000, 999999)}s`;
    return [
      klog(
        z,
        "I",
        t,
        pid,
        "trace.go:219",
        `Trace[${id}]: "Update" accept:application/vnd.kubernetes.protobuf, */*,audit-id:${audit},client:127.0.0.1,protocol:HTTP/2.0,resource:leases,scope:resource,url:/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease},user-agent:kubelite/${k8sVersion} (linux/${arch}) kubernetes/${rng.hex(7)}/leader-election,verb:PUT (${traceStartTime(start, z)}) (total time: ${ms}ms):`,
      ),
      `Trace[${id}]: ["GuaranteedUpdate etcd3" audit-id:${audit},key:/leases/kube-system/${lease},type:*coordination.Lease,resource:leases.coordination.k8s.io ${ms - 1}ms (${clockMs(start + 1, z)})`,
      `Trace[${id}]:  ---"Txn call failed" err:Timeout: request did not complete within requested timeout - context deadline exceeded ${ms - 2}ms (${clockMs(t - 1, z)})]`,
      `Trace[${id}]: [${secs}] [${secs}] END`,
    ];
  };
}

/** The apiserver surfacing dqlite's lock errors. */
export function apiserverDatabaseLocked(ctx: JournalContext): PayloadRenderer {
  return (rng, t, pid) => [
    klog(
      ctx.zone,
      "E",
      t,
      pid,
      "status.go:71",
      `apiserver received an error that is not an metav1.Status: &status.Error{s:(*status.Status)(0xc0${rng.hex(8)})}: rpc error: code = Unknown desc = exec (try: 500): database is locked`,
    ),
  ];
}

/** The apiserver's etcd client timing out on kine.sock. */
export function etcdClientRetry(ctx: JournalContext): PayloadRenderer {
  return (rng, t) => [
    JSON.stringify({
      level: "warn",
      ts: new Date(Math.floor(t)).toISOString(),
      logger: "etcd-client",
      caller: "v3@v3.5.5/retry_interceptor.go:62",
      msg: "retrying of unary invoker failed",
      target: `etcd-endpoints://0xc00${rng.hex(7)}/${snapData(ctx)}/var/kubernetes/backend/kine.sock:12379`,
      attempt: 0,
      error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
    }),
  ];
}

/** kubelet failing to post node status / renew its node lease. */
export function kubeletStatusTimeout(ctx: JournalContext): PayloadRenderer {
  return (rng, t, pid) =>
    rng.chance(0.5)
      ? [
          klog(
            ctx.zone,
            "E",
            t,
            pid,
            "kubelet_node_status.go:540",
            `"Error updating node status, will retry" err="error getting node \\"${ctx.host}\\": Get \\"https://127.0.0.1:16443/api/v1/nodes/${ctx.host}?resourceVersion=0&timeout=10s\\": context deadline exceeded"`,
          ),
        ]
      : [
          klog(
            ctx.zone,
            "E",
            t,
            pid,
            "controller.go:189",
            `failed to update lease, error: Put "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${ctx.host}?timeout=10s": context deadline exceeded`,
          ),
        ];
}

/** Requests timing out in the apiserver's handler chain. */
export function apiserverHandlerTimeout(ctx: JournalContext): PayloadRenderer {
  return (rng, t, pid) => [
    klog(
      ctx.zone,
      "E",
      t,
      pid,
      "wrap.go:54",
      `timeout or abort while handling: method=GET URI="/api/v1/namespaces/${rng.pick(["kube-system", "monitoring", "default"])}/${rng.pick(["configmaps", "pods", "endpoints"])}?resourceVersion=${rng.int(1200000, 1900000)}&watch=true" audit-ID="${rng.uuid()}"`,
    ),
  ];
}

/** The cluster agent serving a join request from another node. */
export function clusterAgentJoin(ctx: JournalContext, t: number, fromAddress: string): string[] {
  return [
    `${goLogTime(t, ctx.zone)} POST 200 "/cluster/api/v2.0/join" ${fromAddress}`,
    `${goLogTime(t + 900, ctx.zone)} POST 200 "/cluster/api/v2.0/configure" 127.0.0.1`,
  ];
}
