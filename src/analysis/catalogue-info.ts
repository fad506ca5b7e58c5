/**
 * Title, meaning, docs and severity of a finding id, looked up in the catalogue with a built-in
 * fallback, so that a computed check never crashes on an id the catalogue does not (yet) hold.
 */
import type { Evidence, Finding, Severity } from "../result/types.js";
import type { Catalogue, SignatureRule } from "../rules/types.js";

export const DOCS = {
  restoreQuorum: "https://microk8s.io/docs/restore-quorum",
  highAvailability: "https://microk8s.io/docs/high-availability",
  clustering: "https://microk8s.io/docs/clustering",
  troubleshooting: "https://microk8s.io/docs/troubleshooting#heading--common-issues",
  offline: "https://microk8s.io/docs/install-offline",
} as const;

export interface RuleInfo {
  id: string;
  title: string;
  meaning: string;
  docs: string | null;
  severity: Severity | "noise";
  rule: SignatureRule | null;
}

type Fallback = Omit<RuleInfo, "id" | "rule">;

/** Used only when the catalogue lacks the id; the catalogue (signatures.yaml) is the source of truth. */
const FALLBACK: Record<string, Fallback> = {
  "quorum.single-node": {
    title: "Single-node datastore (no high availability)",
    meaning:
      "The dqlite datastore has one member; losing this node loses the cluster state. Add two control-plane nodes for HA.",
    docs: DOCS.highAvailability,
    severity: "info",
  },
  "quorum.two-voters": {
    title: "Only two datastore voters: no failure tolerance",
    meaning:
      "With two voters both are needed for quorum, so losing either freezes the datastore. Add a third control-plane node or remove a stale voter.",
    docs: DOCS.highAvailability,
    severity: "high",
  },
  "quorum.not-ha": {
    title: "Fewer than three voters in a cluster of three or more members",
    meaning:
      "dqlite normally promotes members to three voters; role rebalancing may be stuck or members may be unreachable.",
    docs: DOCS.highAvailability,
    severity: "medium",
  },
  "quorum.at-risk": {
    title: "Datastore quorum at risk",
    meaning:
      "Voters of the dqlite datastore are down; once fewer than a majority are alive the datastore cannot commit writes. Recover or remove the lost voters.",
    docs: DOCS.restoreQuorum,
    severity: "critical",
  },
  "quorum.stale-member": {
    title: "Datastore member matches no Kubernetes node",
    meaning:
      "A cluster.yaml member has no matching node: it probably died or was removed without --force. Remove it with `microk8s remove-node <node> --force` or dqlite `.remove <address>`.",
    docs: DOCS.restoreQuorum,
    severity: "high",
  },
  "quorum.loopback-in-multi": {
    title: "Loopback address in a multi-node datastore membership",
    meaning:
      "A 127.0.0.1 member in a multi-node cluster.yaml cannot be reached by the other nodes: a node formed its own cluster before joining, or a stale store was merged.",
    docs: DOCS.restoreQuorum,
    severity: "high",
  },
  "quorum.self-missing": {
    title: "Node missing from its own datastore membership",
    meaning:
      "info.yaml's ID/address is not in this node's cluster.yaml: the node was removed, or its dqlite files are inconsistent.",
    docs: DOCS.restoreQuorum,
    severity: "critical",
  },
  "quorum.self-role": {
    title: "This node is not a datastore voter",
    meaning: "This node is a dqlite stand-by or spare; its cluster.yaml view is secondary.",
    docs: DOCS.highAvailability,
    severity: "info",
  },
  "dqlite.join-incomplete": {
    title: "Datastore join never completed",
    meaning:
      "A `join` flag file or an unconsumed init.yaml is in the dqlite backend: the node never finished joining. Re-run the join.",
    docs: DOCS.clustering,
    severity: "high",
  },
  "dqlite.legacy-localnode": {
    title: "Legacy localnode.yaml in the datastore folder",
    meaning: "A file from the pre-k8s-dqlite integration; informational only.",
    docs: null,
    severity: "info",
  },
  "dqlite.no-snapshot": {
    title: "Datastore has many segments but no snapshot",
    meaning:
      "dqlite normally snapshots regularly; many closed segments without a snapshot suggest snapshotting is failing.",
    docs: null,
    severity: "low",
  },
  "dqlite.many-open": {
    title: "Many open datastore segments",
    meaning:
      "Dozens of pre-allocated open-* segments are unusual and may indicate a struggling datastore or disk.",
    docs: null,
    severity: "low",
  },
  "dqlite.backend-large": {
    title: "Large datastore backend",
    meaning: "A multi-gigabyte dqlite backend slows snapshots and restarts; check for compaction problems.",
    docs: "https://github.com/canonical/microk8s/issues/3227",
    severity: "medium",
  },
  "dqlite.aio-exhausted": {
    title: "Linux asynchronous I/O requests exhausted",
    meaning:
      "fs.aio-nr reached fs.aio-max-nr, which can make dqlite unresponsive. Raise fs.aio-max-nr (e.g. 1048576) and restart snap.microk8s.daemon-k8s-dqlite.",
    docs: null,
    severity: "high",
  },
  "disk.usage-high": {
    title: "Disk almost full",
    meaning:
      "A nearly full filesystem makes kubelet evict pods and can corrupt the datastore or leave empty certificate files.",
    docs: "https://github.com/canonical/microk8s/issues/3912",
    severity: "high",
  },
  "disk.no-space": {
    title: "No space left on device",
    meaning: "Writes failed for lack of space (or inodes); free space, then restart MicroK8s.",
    docs: "https://github.com/canonical/microk8s/issues/3912",
    severity: "critical",
  },
  "kernel.io-error": {
    title: "Disk I/O errors in the kernel log",
    meaning:
      "The block device reported I/O errors: failing disk or storage path. The datastore on it may be corrupt.",
    docs: null,
    severity: "critical",
  },
  "kernel.ext4-error": {
    title: "Filesystem errors in the kernel log",
    meaning: "The filesystem reported errors or was remounted read-only; run fsck and check the disk.",
    docs: null,
    severity: "critical",
  },
  "kernel.oom": {
    title: "Out-of-memory kills",
    meaning:
      "The kernel killed processes for lack of memory; a killed datastore or kubelite restarts the control plane.",
    docs: "https://github.com/canonical/microk8s/issues/3448",
    severity: "high",
  },
  "mem.low": {
    title: "Low available memory",
    meaning:
      "Little memory is available (or swap is heavily used); the datastore and kubelite slow down or get killed.",
    docs: null,
    severity: "medium",
  },
  "inspect.inotify-low": {
    title: "Low inotify limits",
    meaning:
      "fs.inotify.max_user_instances < 1024 or fs.inotify.max_user_watches < 1048576; pods and kubelet may fail with 'too many open files'.",
    docs: null,
    severity: "low",
  },
  "inspect.forward-drop": {
    title: "iptables FORWARD policy is DROP",
    meaning: "Pod traffic may be dropped between nodes; consider `sudo iptables -P FORWARD ACCEPT`.",
    docs: DOCS.troubleshooting,
    severity: "low",
  },
  "inspect.no-default-route": {
    title: "No default route",
    meaning:
      "The node has no default route; Kubernetes components need one (add a dummy route on air-gapped hosts).",
    docs: DOCS.offline,
    severity: "medium",
  },
  "inspect.hostname-invalid": {
    title: "Hostname not valid as a Kubernetes node name",
    meaning:
      "The node registers under a lower-case name that does not match its hostname, so RBAC denies the kubelet; set --hostname-override in args/kubelet or rename the host.",
    docs: DOCS.troubleshooting,
    severity: "high",
  },
  "k8s.pods-not-running": {
    title: "Pods not running",
    meaning:
      "kubectl lists pods that are neither Running nor Completed. ContainerCreating or Pending long after start-up points at the CNI, storage or image pulls; CrashLoopBackOff at the workload itself — `microk8s kubectl describe pod` tells which.",
    docs: DOCS.troubleshooting,
    severity: "low",
  },
  "apiserver.unreachable": {
    title: "API server unreachable",
    meaning: "kubectl could not reach the API server on 127.0.0.1:16443 when the report was taken.",
    docs: null,
    severity: "critical",
  },
};

/** A readable title for an id nobody described: "dqlite.peer-unreachable" → "dqlite: peer unreachable". */
function titleFromId(id: string): string {
  const [head, ...rest] = id.split(".");
  const tail = rest.join(".").replace(/[-_.]+/g, " ");
  return tail ? `${head}: ${tail}` : head;
}

export function ruleInfo(catalogue: Catalogue | undefined, id: string): RuleInfo {
  const rule = catalogue?.byId.get(id) ?? null;
  const fallback = FALLBACK[id];
  return {
    id,
    title: rule?.title || fallback?.title || titleFromId(id),
    meaning: rule?.meaning || fallback?.meaning || "",
    docs: rule ? (rule.docs ?? fallback?.docs ?? null) : (fallback?.docs ?? null),
    severity: rule?.severity ?? fallback?.severity ?? "medium",
    rule,
  };
}

export interface FindingInit {
  node: string | null;
  evidence: Evidence[];
  count?: number;
  /** Overrides the catalogue severity (e.g. escalation). */
  severity?: Severity;
  /** Appended to the title after a colon: "Disk almost full: / at 95%". */
  detail?: string;
  firstSeen?: string | null;
  lastSeen?: string | null;
  sustained?: boolean;
}

/** A finding of a computed check, described by the catalogue entry of `id`. */
export function computedFinding(catalogue: Catalogue | undefined, id: string, init: FindingInit): Finding {
  const info = ruleInfo(catalogue, id);
  const base: Severity = info.severity === "noise" ? "info" : info.severity;
  const finding: Finding = {
    id,
    severity: init.severity ?? base,
    title: init.detail ? `${info.title}: ${init.detail}` : info.title,
    node: init.node,
    count: init.count ?? Math.max(1, init.evidence.length),
    evidence: init.evidence,
    docs: info.docs,
  };
  if (info.meaning) finding.meaning = info.meaning;
  if (init.firstSeen !== undefined) finding.firstSeen = init.firstSeen;
  if (init.lastSeen !== undefined) finding.lastSeen = init.lastSeen;
  if (init.sustained !== undefined) finding.sustained = init.sustained;
  return finding;
}
