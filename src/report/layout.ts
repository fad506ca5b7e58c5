import type { ReportFileEntry, ReportLayout } from "./types.js";

/*
 * What the listing says about the node, per inspect.sh's history (canonical/microk8s
 * scripts/inspect.sh at the release tags):
 *
 *   ≤1.20      separate daemons (apiserver, kubelet, proxy, scheduler, controller-manager);
 *              dqlite runs inside daemon-apiserver; etcd + flanneld when not HA.
 *   1.21–1.22  daemon-kubelite (separate daemons still, without lite.lock); dqlite inside kubelite.
 *   1.23       daemon-k8s-dqlite listed on every node; dqlite/ always; network/ss + ip-addr replace
 *              netstat + ifconfig; worker nodes (join --worker) run daemon-traefik.
 *   1.24       k8s-dqlite and dqlite/ only with the ha-cluster lock.
 *   1.25       strict confinement (`microk8s.daemon-*`, snapctl.log); daemon-apiserver-proxy replaces
 *              traefik on workers.
 *   1.26+      workers (no-k8s-dqlite lock) have no daemon-k8s-dqlite folder; 1.28 adds bom.json.
 *
 * So a proxy folder (apiserver-proxy or traefik) marks a worker whether or not k8s-dqlite is
 * listed: 1.23–1.25 list k8s-dqlite on workers too.
 */

const CLASSIC_PREFIX = "snap.microk8s.daemon-";
const STRICT_PREFIX = "microk8s.daemon-";

const SEPARATE_DAEMONS = ["apiserver", "kubelet", "proxy", "scheduler", "controller-manager"];
const WORKER_PROXIES = ["apiserver-proxy", "traefik"];
const LEGACY_DATASTORE = ["etcd", "flanneld"];
/** Folders every inspect.sh generation writes; their presence says the listing is a whole report. */
const WHOLE_REPORT_FOLDER = /^(?:sys|k8s|network|args)\//;

/** Confinement, role and generation of a report, from its file listing (paths relative to the report). */
export function detectLayout(files: readonly ReportFileEntry[]): ReportLayout {
  const classic = new Set<string>();
  const strict = new Set<string>();
  const paths = new Set(files.map((file) => file.path));
  let systemctlLogs = 0;
  let snapctlLogs = 0;
  let hasDqliteFolder = false;

  for (const { path } of files) {
    const slash = path.indexOf("/");
    if (slash < 0) continue;
    const folder = path.slice(0, slash);
    const rest = path.slice(slash + 1);
    if (folder === "dqlite") hasDqliteFolder = true;
    if (folder.startsWith(CLASSIC_PREFIX)) {
      classic.add(folder.slice(CLASSIC_PREFIX.length));
    } else if (folder.startsWith(STRICT_PREFIX)) {
      strict.add(folder.slice(STRICT_PREFIX.length));
    } else {
      continue;
    }
    if (rest === "systemctl.log") systemctlLogs++;
    if (rest === "snapctl.log") snapctlLogs++;
  }

  const confinement = decideConfinement(classic.size, strict.size, systemctlLogs, snapctlLogs);
  const servicePrefix = confinement === "strict" ? STRICT_PREFIX : CLASSIC_PREFIX;
  const services = [...new Set([...classic, ...strict])].sort();
  const has = (name: string) => services.includes(name);
  const hasAny = (names: readonly string[]) => names.some(has);

  const worker = hasAny(WORKER_PROXIES);
  const legacyDatastore = hasAny(LEGACY_DATASTORE);
  const modern =
    has("k8s-dqlite") ||
    hasDqliteFolder ||
    worker ||
    confinement === "strict" ||
    paths.has("bom.json") ||
    paths.has("network/ss") ||
    paths.has("network/ip-addr");
  const oldNetwork = paths.has("network/netstat") || paths.has("network/ifconfig");

  let era: ReportLayout["era"] = null;
  if (modern) era = ">=1.23";
  else if (has("kubelite")) {
    // The missing k8s-dqlite folder only dates the report if the listing is a whole report (a
    // lone kubelite journal says nothing). Not HA (etcd) on 1.24+ lists neither k8s-dqlite nor
    // dqlite/ either, so there only the old network files can tell 1.21–1.22 apart.
    const wholeReport = has("containerd") || [...paths].some((path) => WHOLE_REPORT_FOLDER.test(path));
    if (oldNetwork || (wholeReport && !legacyDatastore)) era = "1.21-1.22";
  } else if (hasAny(SEPARATE_DAEMONS)) era = "<=1.20";

  let role: ReportLayout["role"] = "unknown";
  if (worker) role = "worker";
  else if (legacyDatastore) role = "unknown";
  else if (has("k8s-dqlite")) role = "control-plane";
  else if ((era === "1.21-1.22" || era === "<=1.20") && (has("kubelite") || has("apiserver"))) {
    role = "control-plane";
  }

  let datastoreService: string | null = null;
  if (!worker && !legacyDatastore) {
    if (era === ">=1.23") datastoreService = "k8s-dqlite";
    else if (era === "1.21-1.22")
      datastoreService = has("kubelite") ? "kubelite" : has("apiserver") ? "apiserver" : null;
    else if (era === "<=1.20") datastoreService = has("apiserver") ? "apiserver" : null;
  }

  return { confinement, role, servicePrefix, services, datastoreService, era, hasDqliteFolder };
}

function decideConfinement(
  classicFolders: number,
  strictFolders: number,
  systemctlLogs: number,
  snapctlLogs: number,
): ReportLayout["confinement"] {
  if (classicFolders > 0 && strictFolders === 0) return "classic";
  if (strictFolders > 0 && classicFolders === 0) return "strict";
  // Both or neither kind of folder: the status file tells (systemctl classic, snapctl strict).
  if (snapctlLogs > systemctlLogs) return "strict";
  if (systemctlLogs > snapctlLogs) return "classic";
  if (classicFolders !== strictFolders) return classicFolders > strictFolders ? "classic" : "strict";
  return null;
}
