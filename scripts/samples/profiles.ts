// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${SNAP}"-style text is shell syntax written into logs, not a template.
/**
 * Per-service journal content: the wrapper scripts' `set -x` start-up noise (modelled on
 * microk8s-resources/wrappers/run-*-with-args), the daemons' start-up and shutdown lines, and
 * steady-state noise. Formats follow real journals: logrus for k8s-dqlite and containerd, klog
 * for kubelite, Go's log package for the cluster agent.
 */
import { argsFiles } from "./args.js";
import type { JournalContext, PayloadRenderer, ServiceProfile, StartupLine } from "./journal.js";
import { Rng } from "./prng.js";
import {
  calicoTime,
  clockMs as clock,
  goLogTime,
  klogTime,
  rfc3339,
  traceStartTime as traceStamp,
  type Zone,
} from "./time.js";

export const snapPath = (ctx: JournalContext): string => `/snap/microk8s/${ctx.rev}`;
export const snapData = (ctx: JournalContext): string => `/var/snap/microk8s/${ctx.rev}`;
const SNAP_COMMON = "/var/snap/microk8s/common";

/** klog line: "E0206 18:40:01.123456    1234 file.go:123] message". */
export function klog(
  zone: Zone,
  severity: "I" | "W" | "E" | "F",
  t: number,
  pid: number,
  where: string,
  msg: string,
): string {
  return `${klogTime(severity, t, zone)} ${String(pid).padStart(7)} ${where}] ${msg}`;
}

/** logrus' TextFormatter quotes any value with characters outside [A-Za-z0-9-._/@^+]. */
function quote(value: string): string {
  return /^[A-Za-z0-9\-._/@^+]+$/.test(value)
    ? value
    : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** logrus text line: time="…" level=error msg="…" key=value. */
export function logrus(
  zone: Zone,
  t: number,
  level: "info" | "warning" | "error" | "fatal" | "debug",
  msg: string,
  fields: Record<string, string> = {},
  fractionDigits: 0 | 9 = 0,
): string {
  const extra = Object.entries(fields)
    .map(([k, v]) => ` ${k}=${quote(v)}`)
    .join("");
  return `time="${rfc3339(t, zone, fractionDigits)}" level=${level} msg=${quote(msg)}${extra}`;
}

/** Versions of bundled components per MicroK8s minor. */
export function componentVersions(minor: number): {
  containerd: string;
  runc: string;
  calico: string;
  coredns: string;
  kustomize: string;
  go: string;
} {
  if (minor <= 22)
    return {
      containerd: "v1.5.13",
      runc: "v1.0.3",
      calico: "v3.19.1",
      coredns: "1.8.0",
      kustomize: "v4.2.0",
      go: "go1.16.15",
    };
  if (minor <= 24)
    return {
      containerd: "v1.5.13",
      runc: "v1.1.2",
      calico: "v3.21.4",
      coredns: "1.9.0",
      kustomize: "v4.5.4",
      go: "go1.18.10",
    };
  if (minor <= 27)
    return {
      containerd: "v1.6.15",
      runc: "v1.1.4",
      calico: "v3.23.5",
      coredns: "1.9.3",
      kustomize: "v4.5.7",
      go: minor === 25 ? "go1.19.13" : "go1.19.4",
    };
  if (minor <= 31)
    return {
      containerd: "v1.6.28",
      runc: "v1.1.12",
      calico: "v3.25.1",
      coredns: "1.10.1",
      kustomize: "v5.0.4-0.20230601165947-6ce0bf390ce3",
      go: "go1.21.13",
    };
  return {
    containerd: "v1.6.36",
    runc: "v1.1.15",
    calico: "v3.28.1",
    coredns: "1.11.3",
    kustomize: "v5.4.2",
    go: "go1.23.4",
  };
}

// ---------------------------------------------------------------------------------------------
// xtrace scripts

/**
 * A tiny script language for start-up blocks. Each item is one journal line:
 * "+ …" / "++ …" xtrace of the main shell; "@…" the same from a child process (new pid);
 * "!…" plain output of the main shell; "@!…" plain output of a child; "~N" sleeps N ms;
 * "$…" a sudo invocation (three lines from sudo's own pid).
 */
function runScript(
  items: string[],
  start: number,
  pid: number,
  nextPid: () => number,
  rng: Rng,
  snapDir: string,
): { lines: StartupLine[]; end: number } {
  const lines: StartupLine[] = [];
  let t = start;
  let child = pid;
  for (const item of items) {
    if (item.startsWith("~")) {
      t += Number(item.slice(1));
      continue;
    }
    t += rng.int(0, 3);
    if (item.startsWith("$")) {
      const sudoPid = nextPid();
      const cmd = item.slice(1);
      lines.push([
        t,
        sudoPid,
        `    root : PWD=${snapDir} ; USER=root ; ENV=LD_LIBRARY_PATH=/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void ; COMMAND=${cmd}`,
        "sudo",
      ]);
      lines.push([
        t,
        sudoPid,
        "pam_unix(sudo:session): session opened for user root(uid=0) by (uid=0)",
        "sudo",
      ]);
      lines.push([t + 2, sudoPid, "pam_unix(sudo:session): session closed for user root", "sudo"]);
      continue;
    }
    if (item.startsWith("@")) {
      child = nextPid();
      lines.push([t, child, item.slice(1).replace(/^!/, "")]);
      continue;
    }
    lines.push([t, pid, item.replace(/^!/, "")]);
  }
  return { lines, end: t };
}

function escapedPath(path: string): string {
  return path
    .split("")
    .map((c) => `\\${c}`)
    .join("");
}

function commonHeader(ctx: JournalContext, wrapper: string, locale: boolean): string[] {
  const snap = snapPath(ctx);
  const path = `${snap}/usr/sbin:${snap}/usr/bin:${snap}/sbin:${snap}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin`;
  const libs = `${snap}/lib:${snap}/usr/lib:${snap}/lib/${ctx.arch}-linux-gnu:${snap}/usr/lib/${ctx.arch}-linux-gnu`;
  const lines = [
    `+ export PATH=${path}`,
    `+ PATH=${path}`,
    `@++ ${snap}/bin/uname -m`,
    `+ ARCH=${ctx.arch}`,
    `+ export LD_LIBRARY_PATH=:${libs}`,
    `+ LD_LIBRARY_PATH=:${libs}`,
    `+ export LD_LIBRARY_PATH=/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void::${libs}`,
    `+ LD_LIBRARY_PATH=/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void::${libs}`,
  ];
  if (locale)
    lines.push("+ export LC_ALL=C.UTF-8", "+ LC_ALL=C.UTF-8", "+ export LANG=C.UTF-8", "+ LANG=C.UTF-8");
  lines.push(
    `+ export XDG_RUNTIME_DIR=${SNAP_COMMON}/run`,
    `+ XDG_RUNTIME_DIR=${SNAP_COMMON}/run`,
    `+ mkdir -p ${SNAP_COMMON}/run`,
    `+ source ${snap}/actions/common/utils.sh`,
    `++ [[ ${snap}/${wrapper} == ${escapedPath(`${snap}/actions/common/utils.sh`)} ]]`,
  );
  return lines;
}

function isStrictCheck(ctx: JournalContext): string[] {
  return [
    "+ is_strict",
    "@+ grep confinement",
    `@+ cat ${snapPath(ctx)}/meta/snap.yaml`,
    "@+ grep -q strict",
    ctx.strict ? "+ return 0" : "+ return 1",
  ];
}

/** `declare -a 'args=(…)'` spans one journal line per line of the args file. */
function declareArgs(ctx: JournalContext, name: string, content: string): string[] {
  const fileLines = content.replace(/\n$/, "").split("\n");
  const out = [`@++ cat ${snapData(ctx)}/args/${name}`];
  if (fileLines.length === 1) {
    out.push(`+ declare -a 'args=(${fileLines[0]})'`);
    return out;
  }
  out.push(`+ declare -a 'args=(${fileLines[0]}`);
  for (const l of fileLines.slice(1, -1)) out.push(`!${l}`);
  out.push(`!${fileLines[fileLines.length - 1]})'`);
  return out;
}

function expandArgs(ctx: JournalContext, content: string): string {
  return content
    .split("\n")
    .filter((l) => l.startsWith("--"))
    .map((l) =>
      l
        .replace(/\$\{SNAP_DATA\}|\$SNAP_DATA/g, snapData(ctx))
        .replace(/\$\{SNAP_COMMON\}/g, SNAP_COMMON)
        .replace(/"/g, "")
        .replace(/ /, "="),
    )
    .join(" ");
}

function argsOf(ctx: JournalContext, name: string): string {
  const files = argsFiles(
    {
      minor: ctx.minor,
      worker: false,
      strict: ctx.strict,
      hostname: ctx.host,
      rev: ctx.rev,
      controlPlaneIPs: [],
      noHa: false,
    },
    new Rng(1),
  );
  return files[`args/${name}`] ?? "";
}

// ---------------------------------------------------------------------------------------------
// k8s-dqlite

const REGISTRY_KEYS = [
  "/registry/leases/kube-system/kube-controller-manager",
  "/registry/leases/kube-system/kube-scheduler",
  "/registry/leases/kube-node-lease/",
  "/registry/health",
  "/registry/pods/",
  "/registry/configmaps/kube-system/",
  "/registry/events/",
  "/registry/services/endpoints/kube-system/microk8s.io-hostpath",
  "/registry/endpointslices/default/kubernetes",
  "/registry/minions/",
  "/registry/masterleases/",
  "/registry/crd.projectcalico.org/ipamblocks/",
  "/registry/crd.projectcalico.org/blockaffinities/",
  "/registry/apiregistration.k8s.io/apiservices/",
  "/registry/deployments/",
  "/registry/daemonsets/",
  "/registry/secrets/",
  "/registry/serviceaccounts/",
  "/registry/replicasets/",
  "/registry/jobs/",
  "/registry/controllerrevisions/",
  "/registry/flowschemas/",
  "/registry/priorityclasses/",
  "/registry/persistentvolumeclaims/",
];

/** A registry key, with a node name for lease keys. */
export function registryKey(rng: Rng, nodes: string[]): string {
  const k = rng.pick(REGISTRY_KEYS);
  if (k === "/registry/leases/kube-node-lease/") return `${k}${rng.pick(nodes)}`;
  return k;
}

/** " /registry/x/" range form ("/registry/pods/ /registry/pods/") or a single key ("key : "). */
export function rangeTarget(key: string): string {
  return key.endsWith("/") ? `${key} ${key}` : `${key} `;
}

function dqliteStartup(
  ctx: JournalContext,
  rng: Rng,
  pid: number,
  nextPid: () => number,
  info: Record<string, string>,
  start: number,
): StartupLine[] {
  const snap = snapPath(ctx);
  const data = snapData(ctx);
  const items = [
    ...commonHeader(ctx, "run-k8s-dqlite-with-args", false),
    "+ exit_if_service_not_expected_to_start k8s-dqlite",
    "+ local service=k8s-dqlite",
    `+ '[' -f ${data}/var/lock/no-k8s-dqlite ']'`,
    `+ '[' -e ${data}/var/lock/low-memory-guard.lock ']'`,
    "+ app=k8s-dqlite",
    `+ '[' -e ${data}/args/k8s-dqlite ']'`,
    "+ sleep 6",
    "~6000",
  ];
  if (ctx.minor >= 28) {
    items.push(
      `+ '[' '!' -e ${data}/var/lock/skip-aio-tune.lock ']'`,
      "+ increase_sysctl_parameter fs.aio-max-nr 1048576",
    );
    items.push(
      "+ local param_key=fs.aio-max-nr",
      "+ local new_val=1048576",
      "+ val_max=0",
      ...isStrictCheck(ctx),
    );
    for (const loc of [
      "/etc/sysctl.d/",
      "/run/sysctl.d/",
      "/usr/local/lib/sysctl.d/",
      "/usr/lib/sysctl.d/",
    ]) {
      items.push(
        '+ for loc in "${conf_locs[@]}"',
        `+ run_with_sudo ${snap}/bin/grep -qr '^fs.aio-max-nr=' ${loc}`,
      );
      items.push(`$${snap}/bin/grep -qr ^fs.aio-max-nr= ${loc}`);
      if (loc !== "/etc/sysctl.d/") items.push(`@!${snap}/bin/grep: ${loc}: No such file or directory`);
    }
    items.push("@!fs.aio-max-nr=1048576");
  }
  items.push(
    "+ set -a",
    `+ '[' -e ${data}/args/k8s-dqlite-env ']'`,
    `+ . ${data}/args/k8s-dqlite-env`,
    "+ set +a",
    ...declareArgs(ctx, "k8s-dqlite", argsOf(ctx, "k8s-dqlite")),
    `+ exec ${snap}/bin/k8s-dqlite ${expandArgs(ctx, argsOf(ctx, "k8s-dqlite"))}`,
  );
  const { lines, end } = runScript(items, start, pid, nextPid, rng, data);
  const z = ctx.zone;
  const out: StartupLine[] = [...lines];
  let t = end + rng.int(200, 900);
  const at = (dt: number): number => {
    t += dt + rng.next();
    return t;
  };
  const kine = `unix://${data}/var/kubernetes/backend/kine.sock:12379`;
  // ${data} is absolute, so this already reads "unix:///var/snap/…".
  const kineUrl = kine;
  if (ctx.minor >= 28) {
    const address = info.address ?? "127.0.0.1:19001";
    const id = info.id ?? "3297041220608546238";
    out.push([at(1), pid, logrus(z, t, "info", "Enable metrics endpoint", { address: "127.0.0.1:9042" })]);
    out.push([
      at(2),
      pid,
      logrus(z, t, "info", "Will initialize dqlite node", { address, cluster: info.cluster ?? "[]" }),
    ]);
    out.push([
      at(1),
      pid,
      logrus(z, t, "info", "Configure dqlite failure domain", { "failure-domain": "1" }),
    ]);
    out.push([at(1), pid, logrus(z, t, "info", "Disable TLS ClientSessionCache")]);
    out.push([at(1), pid, logrus(z, t, "info", "Enable TLS", { min_tls_version: "tls12" })]);
    out.push([at(rng.int(300, 2500)), pid, logrus(z, t, "info", "Started dqlite", { address, id })]);
    out.push([at(2), pid, logrus(z, t, "info", "New kine for dqlite")]);
    out.push([at(1), pid, logrus(z, t, "info", "DriverName is dqlite-1.")]);
    out.push([at(1), pid, logrus(z, t, "info", `Kine listening on ${kineUrl}`)]);
    out.push([
      at(1),
      pid,
      logrus(z, t, "info", "Started kine", {
        address: kineUrl,
        database:
          "dqlite://k8s?admission-control-only-write-queries=false&admission-control-policy=allow-all&admission-control-policy-limit-max-concurrent-txn=300&driver-name=dqlite-1&watch-query-timeout=20s",
      }),
    ]);
    out.push([
      at(1),
      pid,
      logrus(z, t, "info", "Enable periodic check for available disk size", {
        dir: `${data}/var/kubernetes/backend/`,
        interval: "5s",
      }),
    ]);
  } else {
    out.push([at(1), pid, logrus(z, t, "info", "Starting dqlite")]);
    out.push([at(1), pid, klog(z, "I", t, pid, "log.go:198", "Failure domain set to 1")]);
    out.push([at(0), pid, klog(z, "I", t, pid, "log.go:198", "TLS enabled")]);
    out.push([at(rng.int(300, 4000)), pid, logrus(z, t, "info", "New kine for dqlite.")]);
    out.push([at(1), pid, logrus(z, t, "info", "DriverName is dqlite-1.")]);
    out.push([at(1), pid, logrus(z, t, "info", `Kine listening on ${kineUrl}`)]);
  }
  return out;
}

function dqliteShutdown(ctx: JournalContext, _rng: Rng, _pid: number, t: number): string[] {
  // Older k8s-dqlite logged a literal "\n" inside the message.
  if (ctx.minor >= 28)
    return [logrus(ctx.zone, t, "info", "Shutting down"), logrus(ctx.zone, t + 40, "info", "Dqlite stopped")];
  return [
    `time="${rfc3339(t, ctx.zone)}" level=info msg="Shutting down\\n"`,
    `time="${rfc3339(t, ctx.zone)}" level=info msg="Dqlite stopped\\n"`,
  ];
}

export function k8sDqliteProfile(): ServiceProfile {
  return {
    startup: dqliteStartup,
    shutdown: dqliteShutdown,
    noisePerMinute: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// kubelite

function kubeliteXtrace(ctx: JournalContext): string[] {
  const snap = snapPath(ctx);
  const data = snapData(ctx);
  const items = [
    ...commonHeader(ctx, "run-kubelite-with-args", ctx.minor >= 25),
    "+ app=kubelite",
    `+ '[' '!' -e ${data}/var/lock/lite.lock ']'`,
    `+ '[' -e ${data}/var/lock/clustered.lock ']'`,
  ];
  if (ctx.minor >= 25) items.push(`+ '[' -e ${data}/var/lock/low-memory-guard.lock ']'`);
  items.push(
    "+ refresh_opt_in_local_config start-control-plane true kubelite",
    "+ local opt=--start-control-plane",
    "+ local value=true",
    "+ local config_file=kubelite",
    `+ local replace_line=--start-control-plane=true`,
    `+ grep -qE '^--start-control-plane(=| )' ${data}/args/kubelite`,
    `+ run_with_sudo preserve_env ${snap}/bin/sed -i 's@^--start-control-plane\\(=\\| \\).*@--start-control-plane=true@' ${data}/args/kubelite`,
    ...isStrictCheck(ctx),
    `$${snap}/bin/sed -i s@^--start-control-plane\\(=\\| \\).*@--start-control-plane=true@ ${data}/args/kubelite`,
    `+ '[' -e ${data}/var/lock/stopped.lock ']'`,
    `+ grep -E '(--advertise-address|--bind-address)' ${data}/args/kube-apiserver`,
    `+ rm -f ${data}/external_ip.txt`,
    "+ default_route_exists",
    "@+ ip route",
    "@+ grep '^default'",
    "+ wait_for_default_route",
    "+ n=0",
    "+ '[' 0 -ge 20 ']'",
    "@+ ip route",
    "@+ grep default",
    "+ break",
    `+ '[' -e ${data}/args/ha-conf ']'`,
    "@++ get_opt_in_config --storage-dir k8s-dqlite",
    `+ storage_param='\${SNAP_DATA}/var/kubernetes/backend/'`,
    "@++ eval echo '${SNAP_DATA}/var/kubernetes/backend/'",
    `+ storage_dir=${data}/var/kubernetes/backend/`,
    `@++ grep -qE '^failure-domain' ${data}/args/ha-conf`,
    "@++ get_opt_in_config failure-domain ha-conf",
    "+ val=1",
    "+ echo 1",
    `@++ cat ${data}/args/kubelet`,
    "@++ grep pod-cidr",
    "@++ tr = ' '",
    "@++ gawk '{print $2}'",
    "+ pod_cidr=",
    "+ '[' -z '' ']'",
    `@++ jq .Network ${data}/args/flannel-network-mgr-config`,
    "@++ tr -d '\"'",
    "+ pod_cidr=10.1.0.0/16",
    "+ '[' -z 10.1.0.0/16 ']'",
    "+ iptables -C FORWARD -s 10.1.0.0/16 -m comment --comment 'generated for MicroK8s pods' -j ACCEPT",
    `@++ cat ${data}/args/kubelet`,
    "@++ grep -- --resolv-conf",
    "@++ tr = ' '",
    "@++ gawk '{print $2}'",
    "+ resolv_conf=/run/systemd/resolve/resolv.conf",
    "+ '[' -z /run/systemd/resolve/resolv.conf ']'",
    ...isStrictCheck(ctx),
    "+ ufw version",
    `+ grep -e '--address ' ${data}/args/containerd`,
    `@++ grep -e '--address ' ${data}/args/containerd`,
    "@++ gawk '{print $2}'",
    "+ socket='${SNAP_COMMON}/run/containerd.sock'",
    "@++ eval echo '${SNAP_COMMON}/run/containerd.sock'",
    `+ socket_file_expand=${SNAP_COMMON}/run/containerd.sock`,
    "+ n=0",
    "+ '[' 0 -ge 10 ']'",
    `+ test -S ${SNAP_COMMON}/run/containerd.sock`,
    "+ break",
    "+ '[' -e /proc/$$/cgroup ']'",
    "@++ gawk -F '[:]' '(/cpu/ && !/cpuset/) || /memory/ {print $3}' /proc/self/cgroup",
    "@++ uniq",
    "@++ wc -l",
    "+ [[ 1 -eq \\2 ]]",
    "+ '[' -L /var/lib/kubelet ']'",
    "+ '[' -e /proc/sys/net/ipv4/conf/all/forwarding ']'",
    "+ grep -e 1 /proc/sys/net/ipv4/conf/all/forwarding",
    "@!1",
    "+ echo 'Enable ip forwarding for ipv4'",
    "!Enable ip forwarding for ipv4",
    ...declareArgs(ctx, "kubelite", argsOf(ctx, "kubelite")),
    `+ exec ${snap}/kubelite ${expandArgs(ctx, argsOf(ctx, "kubelite"))}`,
  );
  return items;
}

const API_GROUPS_SKIPPED = [
  "authentication.k8s.io/v1beta1",
  "authentication.k8s.io/v1alpha1",
  "authorization.k8s.io/v1beta1",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "batch/v1beta1",
  "discovery.k8s.io/v1beta1",
  "networking.k8s.io/v1alpha1",
  "node.k8s.io/v1beta1",
  "node.k8s.io/v1alpha1",
  "policy/v1beta1",
  "rbac.authorization.k8s.io/v1alpha1",
  "scheduling.k8s.io/v1alpha1",
  "storage.k8s.io/v1alpha1",
  "flowcontrol.apiserver.k8s.io/v1alpha1",
  "apps/v1beta2",
  "apps/v1beta1",
  "admissionregistration.k8s.io/v1alpha1",
  "events.k8s.io/v1beta1",
];

const CONTROLLERS = [
  "endpoint",
  "endpointslice",
  "endpointslicemirroring",
  "replicationcontroller",
  "podgc",
  "resourcequota",
  "namespace",
  "serviceaccount",
  "garbagecollector",
  "daemonset",
  "job",
  "deployment",
  "replicaset",
  "horizontalpodautoscaling",
  "disruption",
  "statefulset",
  "cronjob",
  "csrsigning",
  "csrapproving",
  "csrcleaner",
  "ttl",
  "bootstrapsigner",
  "tokencleaner",
  "nodeipam",
  "nodelifecycle",
  "persistentvolume-binder",
  "attachdetach",
  "persistentvolume-expander",
  "clusterrole-aggregation",
  "pvc-protection",
  "pv-protection",
  "ttl-after-finished",
  "root-ca-cert-publisher",
  "ephemeral-volume",
];

export interface KubeliteFacts {
  nodeIP: string;
  k8sVersion: string;
  /** Other nodes' names (lease keys, node-status lines). */
  nodes: string[];
  /** "namespace/pod" names of the cluster's pods. */
  pods: string[];
}

function kubeliteStartup(facts: KubeliteFacts, worker: boolean) {
  return (
    c: JournalContext,
    rng: Rng,
    pid: number,
    nextPid: () => number,
    _info: Record<string, string>,
    start: number,
  ): StartupLine[] => {
    const data = snapData(c);
    const { lines, end } = runScript(kubeliteXtrace(c), start, pid, nextPid, rng, data);
    const out: StartupLine[] = [...lines];
    const z = c.zone;
    let t = end + rng.int(100, 400);
    const add = (sev: "I" | "W" | "E", where: string, msg: string, dt = rng.int(0, 4)): void => {
      t += dt + rng.next();
      out.push([t, pid, klog(z, sev, t, pid, where, msg)]);
    };
    if (c.minor >= 26 && c.minor <= 26) {
      out.push([
        t,
        pid,
        "Flag --container-runtime has been deprecated, will be removed in 1.27 as the only valid value is 'remote'",
      ]);
    }
    if (!worker) {
      add("I", "options.go:220", `external host was not specified, using ${facts.nodeIP}`);
      add("I", "server.go:555", `Version: ${facts.k8sVersion}`);
      add("I", "server.go:155", '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""', rng.int(2, 10));
      add("I", "shared_informer.go:273", "Waiting for caches to sync for node_authorizer", rng.int(100, 300));
      add(
        "I",
        "plugins.go:158",
        "Loaded 12 mutating admission controller(s) successfully in the following order: NamespaceLifecycle,LimitRanger,ServiceAccount,TaintNodesByCondition,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,RuntimeClass,DefaultIngressClass,MutatingAdmissionWebhook.",
      );
      if (c.minor <= 22) {
        // v1.21–v1.22 run dqlite inside the API server (kine in-process).
        t += rng.int(20, 80);
        out.push([t, pid, logrus(z, t, "info", "Starting dqlite")]);
        add("I", "log.go:198", "Failure domain set to 1");
        add("I", "log.go:198", "TLS enabled");
        t += rng.int(300, 3000);
        out.push([t, pid, logrus(z, t, "info", "New kine for dqlite.")]);
        out.push([t, pid, logrus(z, t, "info", "DriverName is dqlite-1.")]);
        out.push([
          t,
          pid,
          logrus(z, t, "info", `Kine listening on unix://${data}/var/kubernetes/backend/kine.sock:12379`),
        ]);
      }
      add("I", "instance.go:277", "Using reconciler: lease", rng.int(50, 200));
      for (const g of API_GROUPS_SKIPPED) {
        add("W", "genericapiserver.go:660", `Skipping API ${g} because it has no resources.`, rng.int(1, 40));
      }
      add("I", "secure_serving.go:210", "Serving securely on [::]:16443", rng.int(200, 900));
      add(
        "I",
        "dynamic_cafile_content.go:157",
        `"Starting controller" name="client-ca-bundle::${data}/certs/ca.crt"`,
      );
      add(
        "I",
        "dynamic_serving_content.go:132",
        `"Starting controller" name="serving-cert::${data}/certs/server.crt::${data}/certs/server.key"`,
      );
      add("I", "tlsconfig.go:240", '"Starting DynamicServingCertificateController"');
      for (const name of [
        "APIServiceRegistrationController",
        "AvailableConditionController",
        "crd-autoregister",
        "cluster_authentication_trust_controller",
      ]) {
        add("I", "shared_informer.go:273", `Waiting for caches to sync for ${name}`);
      }
      add("I", "controller.go:85", "Starting OpenAPI controller");
      add("I", "naming_controller.go:291", "Starting NamingConditionController");
      add("I", "establishing_controller.go:76", "Starting EstablishingController");
      for (const name of [
        "node_authorizer",
        "crd-autoregister",
        "cluster_authentication_trust_controller",
        "configmaps",
      ]) {
        add("I", "shared_informer.go:280", `Caches are synced for ${name}`, rng.int(50, 600));
      }
      add(
        "I",
        "controller.go:132",
        "OpenAPI AggregationController: action for item k8s_internal_local_delegation_chain_0000000000: Nothing (removed from the queue).",
      );
      add(
        "I",
        "storage_scheduling.go:111",
        "all system priority classes are created successfully or already exist.",
        rng.int(100, 900),
      );
    }
    add("I", "server.go:412", `"Kubelet version" kubeletVersion="${facts.k8sVersion}"`, rng.int(300, 1500));
    add("I", "server.go:414", '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""');
    add("I", "server.go:836", '"Client rotation is on, will bootstrap in background"');
    add(
      "I",
      "container_manager_linux.go:267",
      '"Container manager verified user specified cgroup-root exists" cgroupRoot=[]',
    );
    add("I", "kubelet.go:398", '"Attempting to sync node with API server"');
    add(
      "I",
      "kuberuntime_manager.go:244",
      `"Container runtime initialized" containerRuntime="containerd" version="${componentVersions(c.minor).containerd}" apiVersion="v1"`,
    );
    add("I", "server.go:1186", '"Started kubelet"', rng.int(20, 200));
    add("I", "volume_manager.go:293", '"Starting Kubelet Volume Manager"');
    add(
      "I",
      "kubelet_node_status.go:70",
      `"Attempting to register node" node="${c.host}"`,
      rng.int(100, 700),
    );
    add("I", "kubelet_node_status.go:108", `"Node was previously registered" node="${c.host}"`);
    add("I", "kubelet_node_status.go:73", `"Successfully registered node" node="${c.host}"`);
    add("I", "node.go:163", `Successfully retrieved node IP: ${facts.nodeIP}`, rng.int(10, 90));
    add("I", "server_others.go:109", `"Detected node IP" address="${facts.nodeIP}"`);
    add("I", "server_others.go:535", '"Using iptables proxy"');
    add("I", "config.go:317", '"Starting service config controller"');
    add("I", "config.go:226", '"Starting endpoint slice config controller"');
    add("I", "shared_informer.go:280", "Caches are synced for service config", rng.int(100, 300));
    if (!worker) {
      add("I", "serving.go:348", "Generated self-signed cert in-memory", rng.int(100, 500));
      add("I", "controllermanager.go:196", `"Starting" version="${facts.k8sVersion}"`);
      add(
        "I",
        "leaderelection.go:248",
        "attempting to acquire leader lease kube-system/kube-controller-manager...",
      );
      add(
        "I",
        "leaderelection.go:248",
        "attempting to acquire leader lease kube-system/kube-scheduler...",
        rng.int(5, 50),
      );
      if (rng.chance(0.5)) {
        add(
          "I",
          "leaderelection.go:258",
          "successfully acquired lease kube-system/kube-controller-manager",
          rng.int(1000, 9000),
        );
        for (const ctl of CONTROLLERS)
          add("I", "controllermanager.go:622", `Started "${ctl}"`, rng.int(1, 25));
      }
    }
    return out;
  };
}

const NAMESPACES = ["kube-system", "monitoring", "default"];

function kubeliteNoise(ctx: JournalContext, facts: KubeliteFacts): PayloadRenderer {
  const z = ctx.zone;
  const pods = facts.pods.length > 0 ? facts.pods : ["kube-system/coredns-6f5f9b5d74-9mxlf"];
  // Ids are fixed per pod, as in real logs where the same pods and containers keep coming back.
  const ids = new Map(
    pods.map((p) => {
      const r = new Rng(`${p}:ids`);
      return [p, { uid: r.uuid(), containers: [r.hex(64), r.hex(64), r.hex(64)], volume: r.kubeSuffix(5) }];
    }),
  );
  const orphans = Array.from({ length: 4 }, (_, i) => new Rng(`${ctx.host}:orphan${i}`).uuid());
  return (rng, t, pid) => {
    // kubelet writes about one pod in bursts: lines within the same 30 s mostly share it.
    const full = rng.chance(0.8)
      ? pods[new Rng(Math.floor(t / 30000)).int(0, pods.length - 1)]
      : rng.pick(pods);
    const [ns, pod] = full.split("/");
    const id = ids.get(full)!;
    const owner = pod.replace(/-[^-]+$/, "");
    const container = pod.replace(/-[a-z0-9]{9,10}-[a-z0-9]{5}$/, "").replace(/-[a-z0-9]{5}$/, "");
    const kind = rng.weighted<number>([
      [0, 34],
      [1, 6],
      [2, 14],
      [3, 5],
      [4, 8],
      [5, 8],
      [6, 2],
      [7, 3],
      [8, 2],
      [9, 2],
    ]);
    switch (kind) {
      case 0:
        return [
          klog(
            z,
            "I",
            t,
            pid,
            "replica_set.go:577",
            `"Finished syncing" kind="ReplicaSet" key="${ns}/${owner}" duration="${rng.int(20, 9999)}.${rng.int(100, 999)}µs"`,
          ),
        ];
      case 1:
        return [
          klog(
            z,
            "E",
            t,
            pid,
            "cadvisor_stats_provider.go:457",
            `"Partial failure issuing cadvisor.ContainerInfoV2" err="partial failures: [\\"/kubepods/burstable/pod${id.uid}/${rng.pick(id.containers)}\\": RecentStats: unable to find data in memory cache]"`,
          ),
        ];
      case 2:
        return [
          klog(
            z,
            "I",
            t,
            pid,
            "event.go:294",
            `"Event occurred" object="${ns}/${pod}" fieldPath="" kind="Pod" apiVersion="v1" type="Normal" reason="${rng.pick(["Scheduled", "Pulled", "Created", "Started", "Killing", "SuccessfulCreate"])}" message="${rng.pick(["Container image already present on machine", "Created container", "Started container", "Stopping container"])} ${container}"`,
          ),
        ];
      case 3:
        return [
          klog(z, "I", t, pid, "scope.go:115", `"RemoveContainer" containerID="${rng.pick(id.containers)}"`),
        ];
      case 4:
        return [
          klog(
            z,
            "E",
            t,
            pid,
            "kubelet_volumes.go:263",
            `"There were many similar errors. Turn up verbosity to see them." err="orphaned pod \\"${rng.pick(orphans)}\\" found, but error not a directory occurred when trying to remove the volumes dir" numErrs=${rng.int(2, 6)}`,
          ),
        ];
      case 5:
        return [
          klog(
            z,
            "I",
            t,
            pid,
            "reconciler_common.go:253",
            `"operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-${id.volume}\\" (UniqueName: \\"kubernetes.io/projected/${id.uid}-kube-api-access-${id.volume}\\") pod \\"${pod}\\" (UID: \\"${id.uid}\\") " pod="${ns}/${pod}"`,
          ),
        ];
      case 6: {
        const id = rng.int(100000000, 2147483647);
        const ms = rng.int(120, 900);
        const secs = `${(ms / 1000).toFixed(3)}${rng.int(100000, 999999)}s`;
        return [
          klog(
            z,
            "I",
            t,
            pid,
            "trace.go:219",
            `Trace[${id}]: "List" accept:application/json, */*,audit-id:${rng.uuid()},client:127.0.0.1,protocol:HTTP/2.0,resource:pods,scope:cluster,url:/api/v1/pods,user-agent:kubectl/${facts.k8sVersion} (linux/${ctx.arch === "x86_64" ? "amd64" : "arm64"}) kubernetes/$Format,verb:LIST (${traceStamp(t - ms, z)}) (total time: ${ms}ms):`,
          ),
          `Trace[${id}]: ["List(recursive=true) etcd3" audit-id:${rng.uuid()},key:/pods,resourceVersion:,resourceVersionMatch:,limit:500,continue: ${ms - 3}ms (${clock(t - 3, z)})]`,
          `Trace[${id}]: [${secs}] [${secs}] END`,
        ];
      }
      case 7:
        return [
          klog(
            z,
            "E",
            t,
            pid,
            "pod_workers.go:965",
            `"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"${container}\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=${container} pod=${pod}_${ns}(${id.uid})\\"" pod="${ns}/${pod}" podUID=${id.uid}`,
          ),
        ];
      case 8:
        return [
          klog(
            z,
            "I",
            t,
            pid,
            "alloc.go:327",
            `"allocated clusterIPs" service="${ns}/${container}" clusterIPs=map[IPv4:10.152.183.${rng.int(2, 250)}]`,
          ),
        ];
      default:
        return [
          klog(
            z,
            "W",
            t,
            pid,
            "reflector.go:424",
            `vendor/k8s.io/client-go/informers/factory.go:150: watch of *v1.${rng.pick(["Pod", "Endpoints", "ConfigMap", "Secret"])} ended with: an error on the server ("unable to decode an event from the watch stream: http2: client connection lost") has prevented the request from succeeding`,
          ),
        ];
    }
  };
}

export function kubeliteProfile(ctx: JournalContext, facts: KubeliteFacts, worker = false): ServiceProfile {
  return {
    startup: kubeliteStartup(facts, worker),
    shutdown: (c, _rng, pid, t) =>
      worker
        ? [klog(c.zone, "I", t, pid, "server.go:263", "Received SIGTERM, shutting down kubelet")]
        : [
            klog(
              c.zone,
              "I",
              t,
              pid,
              "controller.go:211",
              "Shutting down kubernetes service endpoint reconciler",
            ),
            klog(
              c.zone,
              "I",
              t + 2,
              pid,
              "genericapiserver.go:484",
              '"[graceful-termination] shutdown event" name="ShutdownInitiated"',
            ),
          ],
    noise: kubeliteNoise(ctx, facts),
    noisePerMinute: 8,
  };
}

// ---------------------------------------------------------------------------------------------
// containerd

const CONTAINERD_PLUGINS: [string, string][] = [
  ["io.containerd.content.v1.content", "io.containerd.content.v1"],
  ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1"],
  ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1"],
  ["io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1"],
  ["io.containerd.snapshotter.v1.native", "io.containerd.snapshotter.v1"],
  ["io.containerd.snapshotter.v1.overlayfs", "io.containerd.snapshotter.v1"],
  ["io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1"],
  ["io.containerd.metadata.v1.bolt", "io.containerd.metadata.v1"],
  ["io.containerd.differ.v1.walking", "io.containerd.differ.v1"],
  ["io.containerd.event.v1.exchange", "io.containerd.event.v1"],
  ["io.containerd.gc.v1.scheduler", "io.containerd.gc.v1"],
  ["io.containerd.service.v1.introspection-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.containers-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.content-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.diff-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.images-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.leases-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.namespaces-service", "io.containerd.service.v1"],
  ["io.containerd.service.v1.snapshots-service", "io.containerd.service.v1"],
  ["io.containerd.runtime.v1.linux", "io.containerd.runtime.v1"],
  ["io.containerd.runtime.v2.task", "io.containerd.runtime.v2"],
  ["io.containerd.monitor.v1.cgroups", "io.containerd.monitor.v1"],
  ["io.containerd.service.v1.tasks-service", "io.containerd.service.v1"],
  ["io.containerd.grpc.v1.introspection", "io.containerd.grpc.v1"],
  ["io.containerd.internal.v1.restart", "io.containerd.internal.v1"],
  ["io.containerd.grpc.v1.containers", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.content", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.diff", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.events", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.healthcheck", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.images", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.leases", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.namespaces", "io.containerd.grpc.v1"],
  ["io.containerd.internal.v1.opt", "io.containerd.internal.v1"],
  ["io.containerd.grpc.v1.snapshots", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.tasks", "io.containerd.grpc.v1"],
  ["io.containerd.grpc.v1.version", "io.containerd.grpc.v1"],
  ["io.containerd.tracing.processor.v1.otlp", "io.containerd.tracing.processor.v1"],
  ["io.containerd.internal.v1.tracing", "io.containerd.internal.v1"],
  ["io.containerd.grpc.v1.cri", "io.containerd.grpc.v1"],
];

function containerdStartup(
  c: JournalContext,
  rng: Rng,
  pid: number,
  nextPid: () => number,
  _info: Record<string, string>,
  start: number,
): StartupLine[] {
  const snap = snapPath(c);
  const data = snapData(c);
  const items = [
    `+ source ${snap}/actions/common/utils.sh`,
    `++ [[ ${snap}/run-containerd-with-args == ${escapedPath(`${snap}/actions/common/utils.sh`)} ]]`,
    ...isStrictCheck(c),
    "+ '[' -d /sys/kernel/security/apparmor ']'",
    "+ status_file=/proc/self/attr/apparmor/current",
    "+ '[' '!' -f /proc/self/attr/apparmor/current ']'",
    "@++ cat /proc/self/attr/apparmor/current",
    "+ '[' unconfined '!=' unconfined ']'",
    `@++ echo ${snap}`,
    `@++ sed -e s,${c.rev},current,`,
    "+ SNAP_CURRENT=/snap/microk8s/current",
    "+ CURRENT_PATH=/snap/microk8s/current/usr/sbin:/snap/microk8s/current/usr/bin:/snap/microk8s/current/sbin:/snap/microk8s/current/bin",
    ...commonHeader(c, "run-containerd-with-args", false).slice(0, 11),
    "+ '[' -d /etc/apparmor.d ']'",
    "+ echo 'Using a default profile template'",
    "!Using a default profile template",
    `+ cp ${snap}/containerd-profile /etc/apparmor.d/cri-containerd.apparmor.d`,
    "+ echo 'Reloading AppArmor profiles'",
    "!Reloading AppArmor profiles",
    "+ service apparmor reload",
    "+ app=containerd",
    "+ RUNTIME=runc",
    "+ RUNTIME_TYPE=io.containerd.runc.v1",
    "@++ snapshotter",
    "+ SNAPSHOTTER=overlayfs",
    "@+ mount -t cgroup2",
    "@+ grep -q 'type cgroup2'",
    "+ RUNTIME_TYPE=io.containerd.runc.v2",
    `+ sed 's@\${SNAP}@${snap}@g;s@\${SNAP_DATA}@${data}@g;s@\${SNAPSHOTTER}@overlayfs@g;s@\${RUNTIME}@runc@g;s@\${RUNTIME_TYPE}@io.containerd.runc.v2@g' ${data}/args/containerd-template.toml`,
    `+ mkdir -p ${data}/args/certs.d`,
    "+ set -a",
    `+ . ${data}/args/containerd-env`,
    "++ PATH=" +
      `${snap}/usr/sbin:${snap}/usr/bin:${snap}/sbin:${snap}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:`,
    "++ ulimit -n 65536",
    "++ ulimit -l 16384",
    "+ set +a",
    ...declareArgs(c, "containerd", argsOf(c, "containerd")),
    `+ exec ${snap}/bin/containerd --config ${data}/args/containerd.toml --root ${SNAP_COMMON}/var/lib/containerd --state ${SNAP_COMMON}/run/containerd --address ${SNAP_COMMON}/run/containerd.sock`,
  ];
  const { lines, end } = runScript(items, start, pid, nextPid, rng, data);
  const out: StartupLine[] = [...lines];
  const z = c.zone;
  let t = end + rng.int(20, 90);
  const add = (level: "info" | "warning", msg: string, fields: Record<string, string> = {}): void => {
    t += rng.float(0.01, 2);
    out.push([t, pid, logrus(z, t, level, msg, fields, 9)]);
  };
  const v = componentVersions(c.minor);
  add("info", "starting containerd", { revision: new Rng(v.containerd).hex(40), version: v.containerd });
  for (const [plugin, type] of CONTAINERD_PLUGINS) {
    add("info", `loading plugin "${plugin}"...`, { type });
    if (plugin.endsWith("aufs")) {
      add("info", `skip loading plugin "${plugin}"...`, {
        error: `aufs is not supported (modprobe aufs failed: exit status 1 "modprobe: FATAL: Module aufs not found in directory /lib/modules/${rng.pick(["5.15.0-58-generic"])}\\n"): skip plugin`,
        type,
      });
    }
    if (plugin.endsWith("devmapper"))
      add("warning", `failed to load plugin ${plugin}`, { error: "devmapper not configured" });
    if (plugin.endsWith("zfs")) {
      add("info", `skip loading plugin "${plugin}"...`, {
        error: `path ${SNAP_COMMON}/var/lib/containerd/io.containerd.snapshotter.v1.zfs must be a zfs filesystem to be used with the zfs snapshotter: skip plugin`,
        type,
      });
    }
  }
  add("info", "serving...", { address: `${SNAP_COMMON}/run/containerd.sock.ttrpc` });
  add("info", "serving...", { address: `${SNAP_COMMON}/run/containerd.sock` });
  add("info", `containerd successfully booted in 0.${rng.int(30000, 99999)}s`);
  add("info", "Start subscribing containerd event");
  add("info", "Start recovering state");
  add("info", "Start event monitor");
  add("info", "Start snapshots syncer");
  add("info", "Start cni network conf syncer for default");
  add("info", "Start streaming server");
  return out;
}

function containerdNoise(ctx: JournalContext, nodeName: string): PayloadRenderer {
  const z = ctx.zone;
  const pool = new Rng(`${ctx.host}:containers`);
  const containers = Array.from({ length: 48 }, () => pool.hex(64));
  const images = Array.from({ length: 16 }, () => pool.hex(64));
  return (rng, t) => {
    // Container events come in bursts (create, start, exit, clean-up of the same container).
    const id = rng.chance(0.75)
      ? containers[new Rng(Math.floor(t / 60000)).int(0, containers.length - 1)]
      : rng.pick(containers);
    const kind = rng.weighted<number>([
      [0, 6],
      [1, 5],
      [2, 5],
      [3, 4],
      [4, 4],
      [5, 3],
      [6, 2],
      [7, 2],
    ]);
    switch (kind) {
      case 0:
        return [
          logrus(
            z,
            t,
            "info",
            `ImageCreate event &ImageCreate{Name:sha256:${rng.pick(images)},Labels:map[string]string{io.cri-containerd.image: managed,},XXX_unrecognized:[],}`,
            {},
            9,
          ),
        ];
      case 1:
        return [logrus(z, t, "info", `StartContainer for "${id}" returns successfully`, {}, 9)];
      case 2:
        return [
          logrus(z, t, "info", "shim disconnected", { id }, 9),
          logrus(z, t + 1, "warning", "cleaning up after shim disconnected", { id, namespace: "k8s.io" }, 9),
          logrus(z, t + 2, "info", "cleaning up dead shim", {}, 9),
        ];
      case 3:
        return [
          logrus(z, t, "info", `RemoveContainer for "${id}"`, {}, 9),
          logrus(z, t + 4, "info", `RemoveContainer for "${id}" returns successfully`, {}, 9),
        ];
      case 4:
        return [
          logrus(
            z,
            t,
            "error",
            `ContainerStatus for "${id}" failed`,
            {
              error: `rpc error: code = NotFound desc = an error occurred when try to find container "${id}": not found`,
            },
            9,
          ),
        ];
      case 5: {
        const cni = rng.int(10000, 99999);
        return [
          `${calicoTime(t, z)} [INFO][${cni}] k8s.go 489: Wrote updated endpoint to datastore ContainerID="${id}" Namespace="${rng.pick(NAMESPACES)}" Pod="${rng.kubeSuffix(8)}-${rng.kubeSuffix(5)}" WorkloadEndpoint="${nodeName}-k8s-${rng.kubeSuffix(8)}-eth0"`,
          `${calicoTime(t + 3, z)} [INFO][${cni}] ipam_plugin.go 372: About to acquire host-wide IPAM lock. source="ipam_plugin.go:372"`,
        ];
      }
      case 6:
        return [
          logrus(z, t, "info", `StopPodSandbox for "${id}"`, {}, 9),
          logrus(z, t + 30, "info", `TearDown network for sandbox "${id}" successfully`, {}, 9),
        ];
      default:
        return [
          logrus(
            z,
            t,
            "info",
            `PullImage "${rng.pick(["docker.io/calico/node", "docker.io/deluan/navidrome:latest", "quay.io/prometheus/node-exporter:v1.5.0", "docker.io/grafana/grafana:9.3.2"])}" returns image reference "sha256:${rng.pick(images)}"`,
            {},
            9,
          ),
        ];
    }
  };
}

export function containerdProfile(ctx: JournalContext, nodeName: string): ServiceProfile {
  return {
    startup: containerdStartup,
    shutdown: (c, _rng, _pid, t) => [
      logrus(c.zone, t, "info", "Stop CRI service", {}, 9),
      logrus(c.zone, t + 1, "info", "Event monitor stopped", {}, 9),
      logrus(c.zone, t + 2, "info", "Stream server stopped", {}, 9),
    ],
    noise: containerdNoise(ctx, nodeName),
    noisePerMinute: 2,
    notify: true,
  };
}

// ---------------------------------------------------------------------------------------------
// cluster-agent, apiserver-kicker, apiserver-proxy

export function clusterAgentProfile(): ServiceProfile {
  return {
    startup: (c, rng, pid, nextPid, _info, start) => {
      const data = snapData(c);
      const snap = snapPath(c);
      const items = [
        ...commonHeader(c, "run-cluster-agent-with-args", false),
        "+ app=cluster-agent",
        ...declareArgs(c, "cluster-agent", argsOf(c, "cluster-agent")),
        `+ exec ${snap}/bin/cluster-agent cluster-agent --bind 0.0.0.0:25000 --keyfile ${data}/certs/server.key --certfile ${data}/certs/server.crt --timeout 240`,
      ];
      const { lines, end } = runScript(items, start, pid, nextPid, rng, data);
      const t = end + rng.int(100, 800);
      return [...lines, [t, pid, `${goLogTime(t, c.zone)} Starting cluster agent on https://0.0.0.0:25000`]];
    },
    shutdown: () => [],
  };
}

export function apiserverKickerProfile(): ServiceProfile {
  return {
    startup: () => [],
    shutdown: () => [],
  };
}

export function apiserverProxyProfile(controlPlaneIPs: string[]): ServiceProfile {
  return {
    startup: (c, rng, pid, nextPid, _info, start) => {
      const data = snapData(c);
      const snap = snapPath(c);
      const items = [
        ...commonHeader(c, "run-apiserver-proxy-with-args", false),
        "+ app=apiserver-proxy",
        `+ '[' -e ${data}/var/lock/no-apiserver-proxy ']'`,
        ...declareArgs(c, "apiserver-proxy", argsOf(c, "apiserver-proxy")),
        `+ exec ${snap}/bin/cluster-agent apiserver-proxy --traefik-config ${data}/args/traefik/traefik.yaml --kubeconfig ${data}/credentials/kubelet.config --refresh-interval 30s`,
      ];
      const { lines, end } = runScript(items, start, pid, nextPid, rng, data);
      const t = end + rng.int(100, 800);
      const endpoints = controlPlaneIPs.map((ip) => `${ip}:16443`).join(" ");
      return [
        ...lines,
        [t, pid, `${goLogTime(t, c.zone)} Starting API server proxy on 127.0.0.1:16443`],
        [t + 3, pid, `${goLogTime(t + 3, c.zone)} Control plane endpoints: [${endpoints}]`],
      ];
    },
    shutdown: () => [],
  };
}
