/** Who a report comes from: node name, role, MicroK8s version and addresses. */
import type { JournalSummary } from "../parsers/types.js";
import type { NodeRole } from "../result/types.js";
import { hostOf, isLoopbackHost, sameNodeName } from "./addresses.js";
import type { ReportData, ReportIdentity } from "./types.js";

type Unidentified = Omit<ReportData, "identity">;

function journals(data: Unidentified): JournalSummary[] {
  return Object.values(data.parsed.journals ?? {});
}

/** Most frequent journal host field across the report, weighted by lines (a renamed host keeps its newer name). */
function hostFromJournals(data: Unidentified): string | null {
  const weight = new Map<string, number>();
  for (const journal of journals(data)) {
    if (!journal.host) continue;
    weight.set(
      journal.host,
      (weight.get(journal.host) ?? 0) + Math.max(1, journal.lines - journal.xtraceLines),
    );
  }
  let best: string | null = null;
  let bestWeight = -1;
  for (const [host, w] of weight) {
    if (w > bestWeight) {
      best = host;
      bestWeight = w;
    }
  }
  return best;
}

const GENERIC_NAMES = new Set([
  "inspection-report",
  "report",
  "tmp",
  "download",
  "downloads",
  "attachment",
  "files",
]);

/**
 * Node name from the input name: "kube05-inspection-report-20230206_185244.tar.gz" or an archive
 * member prefix "bundle.tar.gz#kube05/inspection-report".
 */
export function nodeFromSourceName(source: string): string | null {
  const [file, prefix] = source.split("#", 2);
  if (prefix) {
    const parts = prefix.split("/").filter(Boolean);
    const index = parts.indexOf("inspection-report");
    const candidate = index > 0 ? parts[index - 1] : null;
    if (candidate && !GENERIC_NAMES.has(candidate.toLowerCase())) {
      const inner = /^(.+?)[-_.]inspection-report/.exec(candidate);
      return inner ? inner[1] : candidate;
    }
    const named = prefix.match(/([A-Za-z0-9][A-Za-z0-9._-]*?)[-_.]inspection-report/);
    if (named) return named[1];
  }
  const base = file.split(/[/\\]/).pop() ?? file;
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*?)[-_.]inspection-report/.exec(base);
  if (match && !GENERIC_NAMES.has(match[1].toLowerCase())) return match[1];
  return null;
}

function ownNodeByAddress(data: Unidentified): string | null {
  const dump = data.parsed.clusterInfoDump;
  if (!dump?.available) return null;
  const candidates = new Set<string>();
  const info = data.parsed.dqliteInfo;
  if (info?.ok && !isLoopbackHost(hostOf(info.value.address))) candidates.add(hostOf(info.value.address));
  for (const ip of data.parsed.ipAddresses ?? []) candidates.add(ip.toLowerCase());
  if (candidates.size === 0) return null;
  const matches = dump.nodes.filter((node) =>
    node.internalIPs.some((ip) => candidates.has(ip.toLowerCase())),
  );
  return matches.length === 1 ? matches[0].name : null;
}

function nodeName(data: Unidentified): string | null {
  const fromJournals = hostFromJournals(data);
  if (fromJournals) return fromJournals;
  const byAddress = ownNodeByAddress(data);
  if (byAddress) return byAddress;
  const fromName = nodeFromSourceName(data.source);
  if (fromName) return fromName;
  // A one-node cluster's node list can only name this node.
  const nodes = data.parsed.clusterInfoDump?.available ? data.parsed.clusterInfoDump.nodes : [];
  return nodes.length === 1 ? nodes[0].name : null;
}

function services(data: Unidentified): Set<string> {
  const names = new Set<string>(data.layout.services ?? []);
  for (const journal of journals(data)) names.add(journal.service);
  return names;
}

function refineRole(data: Unidentified): NodeRole {
  const present = services(data);
  // 1.23–1.25 workers still list an inactive k8s-dqlite service; the proxy folder (traefik/apiserver-proxy) decides.
  if (data.layout.role === "worker") return "worker";
  if (present.has("k8s-dqlite")) return "control-plane";
  // join --worker removes the no-apiserver-proxy lock and creates no-k8s-dqlite.
  if (present.has("apiserver-proxy")) return "worker";
  const cluster = data.parsed.dqliteCluster;
  if (cluster?.ok && cluster.value.length > 1) return "control-plane";
  return data.layout.role;
}

/** "v1.28.14" from "v1.28.14", "1.28.14-3+abc", `GitVersion:"v1.25.16"`, "1.28"; null otherwise. */
export function normaliseVersion(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const git = /GitVersion:"v?(\d+\.\d+(?:\.\d+)?)/.exec(raw);
  const match = git ?? /(?:^|[^\d.])v?(\d+\.\d+(?:\.\d+)?)/.exec(` ${raw.trim()}`);
  return match ? `v${match[1]}` : null;
}

function microk8sVersion(data: Unidentified): string | null {
  const snap = data.parsed.snapList?.find((row) => row.name === "microk8s");
  const fromSnap = normaliseVersion(snap?.version);
  if (fromSnap) return fromSnap;
  const k8s = data.parsed.k8sVersion;
  const fromK8s = normaliseVersion(k8s?.server) ?? normaliseVersion(k8s?.client);
  if (fromK8s) return fromK8s;
  return normaliseVersion(data.parsed.bom?.microk8s);
}

function addresses(data: Unidentified, node: string | null): string[] {
  const found = new Set<string>();
  const info = data.parsed.dqliteInfo;
  if (info?.ok) {
    const host = hostOf(info.value.address);
    if (host && !isLoopbackHost(host)) found.add(host);
  }
  const dump = data.parsed.clusterInfoDump;
  if (node && dump?.available) {
    for (const k8sNode of dump.nodes) {
      if (sameNodeName(k8sNode.name, node)) for (const ip of k8sNode.internalIPs) found.add(ip.toLowerCase());
    }
  }
  for (const ip of data.parsed.ipAddresses ?? []) if (!isLoopbackHost(ip)) found.add(ip.toLowerCase());
  return [...found];
}

export function identify(data: Unidentified): ReportIdentity {
  const node = nodeName(data);
  const info = data.parsed.dqliteInfo;
  return {
    node,
    role: refineRole(data),
    microk8sVersion: microk8sVersion(data),
    dqliteAddress: info?.ok ? info.value.address : null,
    addresses: addresses(data, node),
  };
}
