/**
 * Computed checks on one report's parsed files, mirroring what `microk8s inspect` itself warns
 * about on the console (which is not in the tarball): AIO and inotify limits, memory, iptables
 * FORWARD policy, default route, hostname, API server reachability.
 */
import type { Evidence, Finding } from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { computedFinding } from "./catalogue-info.js";
import type { ReportData } from "./types.js";

const MIN_INOTIFY_INSTANCES = 1024;
const MIN_INOTIFY_WATCHES = 1048576;
/** The inspect script's own threshold for "consider joining as a worker". */
const TINY_RAM_MIB = 512;
const UNREACHABLE =
  /refused|unable to connect|connection reset|i\/o timeout|no route to host|deadline exceeded|timed out|EOF|ServiceUnavailable|TLS handshake/i;

function evidence(report: ReportData, file: string, line: number, text: string): Evidence {
  return { file, line, text, source: report.source };
}

function aio(report: ReportData, catalogue?: Catalogue): Finding | null {
  const sysctl = report.parsed.sysctl;
  if (!sysctl || sysctl.aioNr === null || sysctl.aioMaxNr === null || sysctl.aioMaxNr <= 0) return null;
  if (sysctl.aioNr < sysctl.aioMaxNr) return null;
  return computedFinding(catalogue, "dqlite.aio-exhausted", {
    node: report.identity.node,
    evidence: [
      evidence(report, "sys/aio-nr", 1, `fs.aio-nr = ${sysctl.aioNr}`),
      evidence(report, "sys/aio-max-nr", 1, `fs.aio-max-nr = ${sysctl.aioMaxNr}`),
    ],
    count: 1,
    detail: `fs.aio-nr ${sysctl.aioNr} ≥ fs.aio-max-nr ${sysctl.aioMaxNr}`,
  });
}

function inotify(report: ReportData, catalogue?: Catalogue): Finding | null {
  const sysctl = report.parsed.sysctl;
  if (!sysctl) return null;
  const items: Evidence[] = [];
  const details: string[] = [];
  const instances = sysctl.inotifyMaxUserInstances;
  const watches = sysctl.inotifyMaxUserWatches;
  if (instances !== null && instances < MIN_INOTIFY_INSTANCES) {
    items.push(
      evidence(report, "sys/inotify_max_user_instances", 1, `fs.inotify.max_user_instances = ${instances}`),
    );
    details.push(`max_user_instances ${instances} < ${MIN_INOTIFY_INSTANCES}`);
  }
  if (watches !== null && watches < MIN_INOTIFY_WATCHES) {
    items.push(
      evidence(report, "sys/inotify_max_user_watches", 1, `fs.inotify.max_user_watches = ${watches}`),
    );
    details.push(`max_user_watches ${watches} < ${MIN_INOTIFY_WATCHES}`);
  }
  if (items.length === 0) return null;
  return computedFinding(catalogue, "inspect.inotify-low", {
    node: report.identity.node,
    evidence: items,
    count: items.length,
    detail: details.join(", "),
  });
}

function memory(report: ReportData, catalogue?: Catalogue): Finding | null {
  const mem = report.parsed.memory;
  if (!mem || mem.totalMiB <= 0) return null;
  const details: string[] = [];
  const items: Evidence[] = [];
  const memLine = `Mem: total ${mem.totalMiB} MiB, used ${mem.usedMiB} MiB, available ${mem.availableMiB ?? "?"} MiB`;
  if (mem.availableMiB !== null && mem.availableMiB / mem.totalMiB < 0.1) {
    details.push(
      `${mem.availableMiB} MiB of ${mem.totalMiB} MiB available (${Math.round((100 * mem.availableMiB) / mem.totalMiB)}%)`,
    );
    items.push(evidence(report, "sys/memory_usage", 2, memLine));
  } else if (mem.totalMiB <= TINY_RAM_MIB) {
    details.push(`only ${mem.totalMiB} MiB of RAM`);
    items.push(evidence(report, "sys/memory_usage", 2, memLine));
  }
  const swapTotal = mem.swapTotalMiB ?? 0;
  const swapUsed = mem.swapUsedMiB ?? 0;
  if (swapTotal > 0 && swapUsed >= 256 && swapUsed / swapTotal >= 0.5) {
    details.push(`swap ${swapUsed} of ${swapTotal} MiB in use`);
    items.push(evidence(report, "sys/memory_usage", 3, `Swap: total ${swapTotal} MiB, used ${swapUsed} MiB`));
  }
  if (items.length === 0) return null;
  return computedFinding(catalogue, "mem.low", {
    node: report.identity.node,
    evidence: items,
    count: 1,
    detail: details.join("; "),
  });
}

function forwardPolicy(report: ReportData, catalogue?: Catalogue): Finding | null {
  const policy = report.parsed.iptablesL?.forwardPolicy;
  if (policy?.toUpperCase() !== "DROP") return null;
  return computedFinding(catalogue, "inspect.forward-drop", {
    node: report.identity.node,
    evidence: [evidence(report, "network/iptables-L", 1, "Chain FORWARD (policy DROP)")],
    count: 1,
  });
}

function defaultRoute(report: ReportData, catalogue?: Catalogue): Finding | null {
  const route = report.parsed.ipRoute;
  if (!route || route.hasDefaultRoute) return null;
  return computedFinding(catalogue, "inspect.no-default-route", {
    node: report.identity.node,
    evidence: [evidence(report, "network/ip-route", 1, route.routes[0] ?? "(no routes)")],
    count: 1,
  });
}

function hasHostnameOverride(report: ReportData): boolean | null {
  const kubelet = report.parsed.args?.kubelet ?? report.parsed.args?.["args/kubelet"];
  if (!kubelet) return null;
  return Object.keys(kubelet).some((flag) => flag.replace(/^-+/, "") === "hostname-override");
}

/**
 * Upper-case letters or underscores in the hostname without --hostname-override break node
 * registration and RBAC (issues #902, #368): the inspect script's own check, re-derived.
 */
function hostname(report: ReportData, catalogue?: Catalogue): Finding | null {
  if (hasHostnameOverride(report) === true) return null;
  const offending = new Map<string, string>();
  for (const journal of Object.values(report.parsed.journals ?? {})) {
    for (const host of journal.hosts ?? []) {
      if (/[A-Z_]/.test(host) && !offending.has(host)) offending.set(host, journal.file);
    }
  }
  if (offending.size === 0) return null;
  const override = hasHostnameOverride(report) === false ? "; args/kubelet has no --hostname-override" : "";
  const items = [...offending]
    .slice(0, 3)
    .map(([host, file]) => evidence(report, file, 1, `journal host field "${host}"${override}`));
  return computedFinding(catalogue, "inspect.hostname-invalid", {
    node: report.identity.node,
    evidence: items,
    count: offending.size,
    detail: [...offending.keys()].join(", "),
  });
}

function apiserver(report: ReportData, catalogue?: Catalogue): Finding | null {
  // The regex rule already quotes the exact line; this only covers what it cannot see.
  if (report.hits.some((h) => h.ruleId === "apiserver.unreachable" && h.count > 0)) return null;
  const items: Evidence[] = [];
  const version = report.parsed.k8sVersion;
  if (version?.error && (UNREACHABLE.test(version.error) || !version.server)) {
    items.push(evidence(report, "k8s/version", 1, version.error));
  }
  const dump = report.parsed.clusterInfoDump;
  if (dump && !dump.available && dump.error && UNREACHABLE.test(dump.error)) {
    items.push(evidence(report, "k8s/cluster-info-dump", 1, dump.error));
  }
  const all = report.parsed.getAll;
  if (all && !all.available && all.error && UNREACHABLE.test(all.error)) {
    items.push(evidence(report, "k8s/get-all", 1, all.error));
  }
  if (items.length === 0) return null;
  return computedFinding(catalogue, "apiserver.unreachable", {
    node: report.identity.node,
    evidence: items,
    count: items.length,
  });
}

const CHECKS = [aio, inotify, memory, forwardPolicy, defaultRoute, hostname, apiserver];

/** Pod states that are fine in `kubectl get all`. */
const POD_OK = /^(?:Running|Completed|Succeeded)$/i;
const MAX_POD_EVIDENCE = 5;

/**
 * Pods that are not running, from k8s/get-all. Every control-plane report holds the same list,
 * so it is one cluster-wide finding with each pod once; kube-system pods (CNI, DNS) weigh more.
 */
export function podChecks(reports: ReportData[], catalogue?: Catalogue): Finding[] {
  const pods = new Map<string, { evidence: Evidence; status: string }>();
  let system = false;
  for (const report of reports) {
    const all = report.parsed.getAll;
    if (!all?.available) continue;
    for (const pod of all.pods ?? []) {
      if (pod.kind !== "pod" || !pod.status || POD_OK.test(pod.status)) continue;
      const key = `${pod.namespace}/${pod.name}`;
      if (pods.has(key)) continue;
      if (pod.namespace === "kube-system") system = true;
      const facts = [
        pod.status,
        pod.ready ? `ready ${pod.ready}` : null,
        pod.restarts ? `${pod.restarts} restarts` : null,
        pod.node ? `on ${pod.node}` : null,
      ].filter((f): f is string => f !== null);
      pods.set(key, {
        evidence: evidence(report, "k8s/get-all", 0, `${key}: ${facts.join(", ")}`),
        status: pod.status,
      });
    }
  }
  if (pods.size === 0) return [];
  const states = [...new Set([...pods.values()].map((p) => p.status))];
  return [
    computedFinding(catalogue, "k8s.pods-not-running", {
      node: null,
      evidence: [...pods.values()].slice(0, MAX_POD_EVIDENCE).map((p) => p.evidence),
      count: pods.size,
      severity: system ? "medium" : undefined,
      detail: `${pods.size} pod${pods.size === 1 ? "" : "s"} (${states.slice(0, 3).join(", ")})`,
    }),
  ];
}

export function computedChecks(report: ReportData, catalogue?: Catalogue): Finding[] {
  return CHECKS.map((check) => check(report, catalogue)).filter((f): f is Finding => f !== null);
}

export function runChecks(reports: ReportData[], catalogue?: Catalogue): Finding[] {
  return [
    ...reports.flatMap((report) => computedChecks(report, catalogue)),
    ...podChecks(reports, catalogue),
  ];
}
