/**
 * Builds an inspection report in memory, laid out exactly as `microk8s inspect` does for the
 * node's generation, confinement and role (report-format.md §2): top folder
 * `inspection-report/`, service folders, args/, apparmor/, sys/, network/, k8s/, dqlite/ …,
 * packed as tar + gzip.
 */
import type { Writable } from "node:stream";
import {
  type ArchiveEntry,
  type ArchiveOptions,
  type ArchiveStats,
  type EntryContent,
  tarGzBuffer,
  writeTarGz,
} from "./archive.js";
import { argsFiles } from "./args.js";
import { clusterInfoDump, clusterView, getAll, getPv, getPvc } from "./cluster-dump.js";
import { TailBuffer } from "./journal.js";
import { hashSeed, Rng } from "./prng.js";
import {
  aaStatus,
  bomJson,
  clusterInfo,
  diskUsage,
  dmesg,
  dqliteInfoYaml,
  dqliteYaml,
  ifconfig,
  ipAddr,
  ipRoute,
  iptablesL,
  iptablesNat,
  iptablesS,
  k8sVersion,
  listOut,
  lsbRelease,
  memoryUsage,
  netstat,
  openssl,
  ps,
  snapctlServices,
  snapList,
  snapVersion,
  ss,
  sysctl,
  systemctlStatus,
  uptime,
} from "./render.js";
import { eraFeatures, expectedServices, type ReportSpec, type ServiceName, serviceFolder } from "./spec.js";
import { tarballStamp, toEpoch } from "./time.js";

export type { EntryContent } from "./archive.js";
export type * from "./spec.js";

export interface BuildOptions extends ArchiveOptions {
  /** Folder at the top of the archive; `microk8s inspect` always uses "inspection-report". */
  topFolder?: string;
}

/** The tarball name inspect prints, optionally prefixed with the node name as users often do. */
export function reportFileName(spec: ReportSpec, nodePrefix = false): string {
  const stamp = tarballStamp(toEpoch(spec.takenAt, spec.zone), spec.zone);
  return `${nodePrefix ? `${spec.hostname}-` : ""}inspection-report-${stamp}.tar.gz`;
}

function seedOf(spec: ReportSpec): string {
  return spec.seed ?? `${spec.hostname}@${spec.takenAt}`;
}

function missingServiceStatus(name: ServiceName): string {
  const unit = `snap.microk8s.daemon-${name}.service`;
  return `○ ${unit} - Service for snap application microk8s.daemon-${name}\n     Loaded: loaded (/etc/systemd/system/${unit}; disabled; vendor preset: enabled)\n     Active: inactive (dead)\n`;
}

/**
 * Every file of the report, keyed by path relative to the top folder. Contents are lazy where
 * they can be large; the map's insertion order is irrelevant (the archive order is decided later).
 */
export function reportFiles(spec: ReportSpec): Map<string, EntryContent> {
  const era = eraFeatures(spec.microk8s.version);
  const rng = new Rng(seedOf(spec));
  const classic = spec.confinement === "classic";
  const files = new Map<string, EntryContent>();
  const text = (path: string, content: string): void => {
    files.set(path, content);
  };

  // Services.
  for (const name of expectedServices(spec)) {
    const folder = serviceFolder(spec.confinement, name);
    const svc = spec.services[name];
    if (!svc) {
      text(`${folder}/journal.log`, "-- No entries --\n");
      text(
        `${folder}/${classic ? "systemctl.log" : "snapctl.log"}`,
        classic ? missingServiceStatus(name) : "",
      );
      continue;
    }
    const tail = new TailBuffer(10);
    files.set(`${folder}/journal.log`, { kind: "lines", lines: () => tail.tap(svc.journal()) });
    if (classic) {
      files.set(`${folder}/systemctl.log`, {
        kind: "lazy",
        resolve: () => systemctlStatus(spec, name, svc, tail.lines),
      });
    } else {
      text(`${folder}/snapctl.log`, snapctlServices(name, svc));
    }
  }

  // args/: a copy of $SNAP_DATA/args.
  const controlPlaneIPs = spec.kubernetes.nodes.filter((n) => n.controlPlane).map((n) => n.internalIP);
  const args = argsFiles(
    {
      minor: era.minor,
      worker: spec.role === "worker",
      strict: !classic,
      hostname: spec.hostname,
      rev: spec.microk8s.revision,
      controlPlaneIPs,
      noHa: spec.dqlite === null,
    },
    rng.fork("args"),
  );
  for (const [path, content] of Object.entries(args)) text(path, content);

  // apparmor/: classic runs dmesg and aa-status; strict runs journalctl -k.
  files.set("apparmor/dmesg", { kind: "lines", lines: dmesg(spec, rng.fork("dmesg")) });
  if (classic) text("apparmor/aa-status", aaStatus(spec));

  // sys/
  text("sys/ps", ps(spec, rng.fork("ps")));
  text("sys/disk_usage", diskUsage(spec.host.disks));
  text("sys/memory_usage", memoryUsage(spec));
  text("sys/uptime", uptime(spec));
  text("sys/openssl", openssl(spec));
  if (classic) {
    text("sys/snap-version", snapVersion(spec));
    text("sys/snap-list", snapList(spec));
    text("sys/vm_name", `${spec.host.virt}\n`);
    text("sys/lsb_release", lsbRelease(spec));
    if (era.sysctls) {
      const aio = spec.host.aio ?? { nr: 2048, maxNr: 1048576 };
      const ino = spec.host.inotify ?? { maxUserInstances: 1024, maxUserWatches: 1048576 };
      text("sys/aio-max-nr", sysctl("fs.aio-max-nr", aio.maxNr));
      text("sys/aio-nr", sysctl("fs.aio-nr", aio.nr));
      text("sys/inotify_max_user_instances", sysctl("fs.inotify.max_user_instances", ino.maxUserInstances));
      text("sys/inotify_max_user_watches", sysctl("fs.inotify.max_user_watches", ino.maxUserWatches));
    }
  }

  // network/
  const net = rng.fork("network");
  if (era.legacyNetTools) {
    text("network/netstat", netstat(spec, net.fork("netstat")));
    text("network/ifconfig", ifconfig(spec, net.fork("ifconfig")));
  } else {
    // 1.25–1.31 scripts redirected `ip route` over ip-addr; 1.32 fixed it with a separate file.
    text(
      "network/ip-addr",
      era.ipAddrHoldsRoutes ? ipRoute(spec, net.fork("route")) : ipAddr(spec, net.fork("addr")),
    );
    if (era.ipRouteFile) text("network/ip-route", ipRoute(spec, net.fork("route")));
    if (classic) text("network/ss", ss(spec, net.fork("ss")));
  }
  text("network/iptables", iptablesNat());
  text("network/iptables-S", iptablesS(spec));
  text("network/iptables-L", iptablesL(spec));

  // k8s/
  const view = clusterView(spec);
  text("k8s/version", k8sVersion(spec, rng.fork("version")));
  text("k8s/cluster-info", clusterInfo(spec));
  files.set(
    "k8s/cluster-info-dump",
    spec.kubernetes.dumpOverride ?? { kind: "lines", lines: clusterInfoDump(spec, view) },
  );
  text("k8s/get-all", getAll(spec, view));
  text("k8s/get-pv", getPv(spec));
  text("k8s/get-pvc", getPvc(spec));
  if (era.bom) text("bom.json", bomJson(spec, rng.fork("bom")));

  // juju/ and kubeflow/ (≤1.23): the commands fail on clusters without those addons.
  if (era.jujuKubeflow) {
    text("juju/status", "Command 'juju' not found, did you mean 'microk8s enable juju'?\n");
    text("juju/debug.log", "Command 'juju' not found, did you mean 'microk8s enable juju'?\n");
    text("juju/controller.log", 'Error from server (NotFound): namespaces "controller-uk8s" not found\n');
    text("kubeflow/pods.yaml", 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
    text("kubeflow/pods.describe", "No resources found in kubeflow namespace.\n");
  }

  // dqlite/ (≥1.23, only with the ha-cluster lock).
  if (spec.dqlite && !era.embeddedDqlite) {
    const d = spec.dqlite;
    const order = d.keyOrder ?? "id-first";
    text("dqlite/cluster.yaml", dqliteYaml(d.cluster, order));
    text("dqlite/info.yaml", dqliteInfoYaml(d.info, order));
    text("dqlite/list.out", listOut(spec, d, rng.fork("list")));
    if (d.localnode && era.copiesLocalnode) text("dqlite/localnode.yaml", dqliteYaml(d.localnode, order));
  }

  for (const [path, content] of Object.entries(spec.extraFiles ?? {})) files.set(path, content);
  for (const path of spec.omitFiles ?? []) files.delete(path);
  return files;
}

/**
 * Archive order imitates ext4's hash order (what `tar` sees from readdir): stable for a report,
 * unrelated to the alphabet, except that a service's journal.log precedes its status file (the
 * status block quotes the journal's tail).
 */
function archiveEntries(spec: ReportSpec, files: Map<string, EntryContent>, top: string): ArchiveEntry[] {
  const seed = seedOf(spec);
  const mtime = new Date(Math.floor(toEpoch(spec.takenAt, spec.zone) / 1000) * 1000);
  const rank = (name: string): number => {
    if (name === "journal.log") return -2;
    if (name === "systemctl.log" || name === "snapctl.log") return -1;
    return hashSeed(`${seed}/${name}`);
  };
  interface Dir {
    files: string[];
    dirs: Map<string, Dir>;
  }
  const root: Dir = { files: [], dirs: new Map() };
  for (const path of files.keys()) {
    const parts = path.split("/");
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) {
        next = { files: [], dirs: new Map() };
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    dir.files.push(parts[parts.length - 1]);
  }
  const out: ArchiveEntry[] = [];
  const walk = (dir: Dir, prefix: string): void => {
    const names = [
      ...dir.files.map((f) => ({ name: f, isDir: false })),
      ...[...dir.dirs.keys()].map((d) => ({ name: d, isDir: true })),
    ];
    names.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1));
    for (const { name, isDir } of names) {
      if (isDir) {
        out.push({ path: `${prefix}${name}/`, type: "Directory", mtime });
        walk(dir.dirs.get(name) as Dir, `${prefix}${name}/`);
      } else {
        out.push({
          path: `${prefix}${name}`,
          type: "File",
          mtime,
          content: files.get(`${prefix.slice(top.length + 1)}${name}`),
        });
      }
    }
  };
  out.push({ path: `${top}/`, type: "Directory", mtime });
  walk(root, `${top}/`);
  return out;
}

/** The report as archive entries (lazy contents), for streaming writers. */
export function reportEntries(spec: ReportSpec, options: BuildOptions = {}): ArchiveEntry[] {
  const top = options.topFolder ?? "inspection-report";
  return archiveEntries(spec, reportFiles(spec), top);
}

/** Builds the `.tar.gz` of a report in memory. */
export async function buildReport(spec: ReportSpec, options: BuildOptions = {}): Promise<Buffer> {
  const { data } = await tarGzBuffer(reportEntries(spec, options), options);
  return data;
}

/** Streams the `.tar.gz` of a report into `out`. */
export async function writeReport(
  spec: ReportSpec,
  out: Writable,
  options: BuildOptions = {},
): Promise<ArchiveStats> {
  return writeTarGz(reportEntries(spec, options), out, options);
}
