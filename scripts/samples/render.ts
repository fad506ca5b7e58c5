/**
 * Renderers for the small files of a report: sys/*, network/*, apparmor/*, dqlite/*, systemctl
 * status blocks, k8s/version and friends. Each is a pure function of the spec (and a seeded Rng).
 */
import type { Rng } from "./prng.js";
import { componentVersions } from "./profiles.js";
import {
  type DiskRow,
  type DqliteRecord,
  type DqliteSpec,
  eraFeatures,
  type KernelEvent,
  type ReportSpec,
  type ServiceName,
  type ServiceSpec,
} from "./spec.js";
import {
  DAY,
  dmesgStamp,
  HOUR,
  journalTime,
  lsTime,
  MINUTE,
  systemdAgo,
  systemdTime,
  toEpoch,
  uptimeLine,
  type Zone,
} from "./time.js";

export const REFUSED =
  "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?";
export const WORKER_KUBECTL =
  "This MicroK8s deployment is acting as a node in a cluster. Please use the microk8s kubectl on the master.";

export const times = (spec: ReportSpec) => ({
  now: toEpoch(spec.takenAt, spec.zone),
  boot: toEpoch(spec.bootedAt, spec.zone),
});

// ------------------------------------------------------------------------------------------- sys

export function snapList(spec: ReportSpec): string {
  const minor = eraFeatures(spec.microk8s.version).minor;
  const base = minor >= 32 ? "core22" : minor >= 25 ? "core20" : "core18";
  const rows = [
    {
      name: base,
      version: minor >= 32 ? "20241119" : minor >= 28 ? "20240705" : "20221212",
      rev: minor >= 32 ? "1722" : minor >= 28 ? "2379" : "1778",
      tracking: "latest/stable",
      notes: "base",
    },
    ...(spec.host.extraSnaps ?? []),
    {
      name: "microk8s",
      version: spec.microk8s.version,
      rev: spec.microk8s.revision,
      tracking: spec.microk8s.channel ?? `${spec.microk8s.version.replace(/^v(\d+\.\d+).*/, "$1")}/stable`,
      notes: spec.confinement === "strict" ? "-" : "classic",
    },
    {
      name: "snapd",
      version: minor >= 28 ? "2.63" : "2.58",
      rev: minor >= 28 ? "21759" : "17950",
      tracking: "latest/stable",
      notes: "snapd",
    },
  ].sort((a, b) => a.name.localeCompare(b.name));
  return table(
    ["Name", "Version", "Rev", "Tracking", "Publisher", "Notes"],
    rows.map((r) => [r.name, r.version, r.rev, r.tracking, "canonical**", r.notes]),
    2,
  );
}

export function snapVersion(spec: ReportSpec): string {
  const minor = eraFeatures(spec.microk8s.version).minor;
  const snapd = minor >= 28 ? "2.63+22.04ubuntu0.1" : "2.58+22.04";
  return `snap    ${snapd}\nsnapd   ${snapd}\nseries  16\nubuntu  ${spec.host.os.release}\nkernel  ${spec.host.kernel}\n`;
}

export function lsbRelease(spec: ReportSpec): string {
  const os = spec.host.os;
  return `No LSB modules are available.\nDistributor ID:\tUbuntu\nDescription:\t${os.description}\nRelease:\t${os.release}\nCodename:\t${os.codename}\n`;
}

export function openssl(spec: ReportSpec): string {
  const jammy = spec.host.os.release >= "22.04";
  const v = jammy
    ? "OpenSSL 3.0.2 15 Mar 2022 (Library: OpenSSL 3.0.2 15 Mar 2022)"
    : "OpenSSL 1.1.1f  31 Mar 2020";
  const engines = jammy
    ? `/usr/lib/${spec.host.arch}-linux-gnu/engines-3`
    : `/usr/lib/${spec.host.arch}-linux-gnu/engines-1.1`;
  return `${v}\nOPENSSLDIR: "/usr/lib/ssl"\nENGINESDIR: "${engines}"\n`;
}

export function uptime(spec: ReportSpec): string {
  const { now, boot } = times(spec);
  return `${uptimeLine(now, boot, spec.zone, spec.host.users, spec.host.load)}\n`;
}

export function memoryUsage(spec: ReportSpec): string {
  const m = spec.host.memory;
  const shared = m.sharedMiB ?? 4;
  const cache = m.buffCacheMiB ?? Math.max(0, Math.round((m.totalMiB - m.usedMiB) * 0.6));
  const free = Math.max(0, m.totalMiB - m.usedMiB - cache);
  const available = Math.max(0, m.totalMiB - m.usedMiB - shared);
  const swapTotal = m.swapTotalMiB ?? 0;
  const swapUsed = m.swapUsedMiB ?? 0;
  const w = (n: number, width: number): string => String(n).padStart(width);
  return (
    "               total        used        free      shared  buff/cache   available\n" +
    `Mem:    ${w(m.totalMiB, 12)}${w(m.usedMiB, 12)}${w(free, 12)}${w(shared, 12)}${w(cache, 12)}${w(available, 12)}\n` +
    `Swap:   ${w(swapTotal, 12)}${w(swapUsed, 12)}${w(swapTotal - swapUsed, 12)}\n`
  );
}

export function diskUsage(rows: DiskRow[]): string {
  const fsWidth = Math.max(16, ...rows.map((r) => r.filesystem.length + 1));
  return rows
    .map(
      (r) =>
        `${r.filesystem.padEnd(fsWidth)}${r.size.padStart(5)} ${r.used.padStart(5)} ${r.avail.padStart(5)} ${`${r.usePercent}%`.padStart(4)} ${r.mount}`,
    )
    .map((l) => `${l}\n`)
    .join("");
}

export function sysctl(key: string, value: number): string {
  return `${key} = ${value}\n`;
}

/** `ps -ef`: kernel threads, system daemons, MicroK8s services and container processes. */
export function ps(spec: ReportSpec, rng: Rng): string {
  const { now, boot } = times(spec);
  const bootClock = hhmm(boot, spec.zone, now);
  const rows: string[][] = [];
  const proc = (uid: string, pid: number, ppid: number, stime: string, time: string, cmd: string): void => {
    rows.push([uid, String(pid), String(ppid), "0", stime, "?", time, cmd]);
  };
  proc("root", 1, 0, bootClock, "00:01:12", "/sbin/init");
  proc("root", 2, 0, bootClock, "00:00:00", "[kthreadd]");
  const kthreads = [
    "rcu_gp",
    "rcu_par_gp",
    "slub_flushwq",
    "netns",
    "kworker/0:0H-events_highpri",
    "mm_percpu_wq",
    "rcu_tasks_rude_",
    "rcu_tasks_trace",
    "ksoftirqd/0",
    "rcu_sched",
    "migration/0",
    "idle_inject/0",
    "cpuhp/0",
    "kdevtmpfs",
    "inet_frag_wq",
    "kauditd",
    "khungtaskd",
    "oom_reaper",
    "writeback",
    "kcompactd0",
    "ksmd",
    "khugepaged",
    "kintegrityd",
    "kblockd",
    "blkcg_punt_bio",
    "ata_sff",
    "md",
    "edac-poller",
    "devfreq_wq",
    "watchdogd",
    "kswapd0",
    "ecryptfs-kthrea",
    "kthrotld",
    "scsi_eh_0",
    "scsi_tmf_0",
    "jbd2/sda2-8",
    "ext4-rsv-conver",
    "ipv6_addrconf",
    "kstrp",
    "zswap-shrink",
    "charger_manager",
    "cryptd",
  ];
  let pid = 3;
  for (const k of kthreads) proc("root", pid++, 2, bootClock, "00:00:00", `[${k}]`);
  for (let cpu = 1; cpu < Math.min(spec.host.cpus, 8); cpu++) {
    proc("root", pid++, 2, bootClock, "00:00:00", `[cpuhp/${cpu}]`);
    proc("root", pid++, 2, bootClock, "00:00:01", `[migration/${cpu}]`);
    proc("root", pid++, 2, bootClock, "00:00:02", `[ksoftirqd/${cpu}]`);
  }
  pid = 380 + rng.int(0, 40);
  const daemons = [
    "/lib/systemd/systemd-journald",
    "/lib/systemd/systemd-udevd",
    "/sbin/multipathd -d -s",
    "/lib/systemd/systemd-networkd",
    "/lib/systemd/systemd-resolved",
    "/lib/systemd/systemd-timesyncd",
    "/usr/sbin/cron -f -P",
    "@dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only",
    "/usr/sbin/irqbalance --foreground",
    "/usr/bin/python3 /usr/bin/networkd-dispatcher --run-startup-triggers",
    "/usr/libexec/polkitd --no-debug",
    "/usr/sbin/rsyslogd -n -iNONE",
    "/usr/lib/snapd/snapd",
    "/lib/systemd/systemd-logind",
    "/usr/libexec/udisks2/udisksd",
    "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
    "/sbin/agetty -o -p -- \\u --noclear tty1 linux",
  ];
  for (const d of daemons) {
    const user = d.includes("networkd")
      ? "systemd+"
      : d.includes("resolved") || d.includes("timesyncd")
        ? "systemd+"
        : d.includes("rsyslog")
          ? "syslog"
          : d.startsWith("@dbus")
            ? "message+"
            : "root";
    proc(user, pid, 1, bootClock, `00:0${rng.int(0, 5)}:${String(rng.int(0, 59)).padStart(2, "0")}`, d);
    pid += rng.int(1, 40);
  }
  const snap = `/snap/microk8s/${spec.microk8s.revision}`;
  const data = `/var/snap/microk8s/${spec.microk8s.revision}`;
  const cmdFor: Record<ServiceName, string> = {
    "k8s-dqlite": `${snap}/bin/k8s-dqlite --storage-dir=${data}/var/kubernetes/backend/ --listen=unix://${data}/var/kubernetes/backend/kine.sock:12379`,
    kubelite: `${snap}/kubelite --scheduler-args-file=${data}/args/kube-scheduler --controller-manager-args-file=${data}/args/kube-controller-manager --proxy-args-file=${data}/args/kube-proxy --kubelet-args-file=${data}/args/kubelet --apiserver-args-file=${data}/args/kube-apiserver --kubeconfig-file=${data}/credentials/client.config --start-control-plane=${spec.role === "worker" ? "false" : "true"}`,
    containerd: `${snap}/bin/containerd --config ${data}/args/containerd.toml --root /var/snap/microk8s/common/var/lib/containerd --state /var/snap/microk8s/common/run/containerd --address /var/snap/microk8s/common/run/containerd.sock`,
    "cluster-agent": `${snap}/bin/cluster-agent cluster-agent --bind 0.0.0.0:25000 --keyfile ${data}/certs/server.key --certfile ${data}/certs/server.crt --timeout 240`,
    "apiserver-kicker": `/bin/bash ${snap}/apiservice-kicker`,
    "apiserver-proxy": `${snap}/bin/cluster-agent apiserver-proxy --traefik-config ${data}/args/traefik/traefik.yaml --kubeconfig ${data}/credentials/kubelet.config --refresh-interval 30s`,
    flanneld: `${snap}/opt/cni/bin/flanneld --iface= --etcd-endpoints=https://127.0.0.1:12379`,
    etcd: `${snap}/etcd --data-dir=/var/snap/microk8s/common/var/run/etcd --advertise-client-urls=https://${spec.host.network.address}:12379`,
  };
  for (const [name, svc] of Object.entries(spec.services) as [ServiceName, ServiceSpec][]) {
    if (svc.mainPid === null || !svc.active.startsWith("active")) continue;
    const since = toEpoch(svc.since, spec.zone);
    const cpu = Math.floor(cpuSeconds(name, now - since));
    const time = `${String(Math.floor(cpu / 3600)).padStart(2, "0")}:${String(Math.floor(cpu / 60) % 60).padStart(2, "0")}:${String(cpu % 60).padStart(2, "0")}`;
    proc("root", svc.mainPid, 1, hhmm(since, spec.zone, now), time, cmdFor[name]);
    for (const child of svc.children ?? [])
      proc("root", child.pid, svc.mainPid, hhmm(since, spec.zone, now), "00:00:03", child.cmd);
  }
  rows.sort((a, b) => Number(a[1]) - Number(b[1]));
  const header = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];
  return `${psTable(header, rows)}`;
}

/** CPU time a service plausibly used over `elapsedMs` (control-plane daemons are busy, the rest idle). */
export function cpuSeconds(name: ServiceName, elapsedMs: number): number {
  const share =
    name === "kubelite" ? 0.12 : name === "k8s-dqlite" ? 0.08 : name === "containerd" ? 0.03 : 0.0004;
  return (elapsedMs / 1000) * share;
}

/** systemd's CPU accounting format: "56.029s", "2min 52.234s", "1h 3min 2.345s". */
export function systemdCpu(seconds: number): string {
  const ms = Math.round((seconds % 1) * 1000);
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${s % 60}.${String(ms).padStart(3, "0")}s`;
  if (h > 0) return `${h}h ${m}min ${rest}`;
  if (m > 0) return `${m}min ${rest}`;
  return rest;
}

function hhmm(t: number, zone: Zone, now: number): string {
  if (now - t > DAY) {
    const d = new Date(Math.floor(t) + zone.offsetMinutes * MINUTE);
    return `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, "0")}`;
  }
  return journalTime(t, zone).slice(7, 12);
}

function psTable(header: string[], rows: string[][]): string {
  const line = (r: string[]): string =>
    `${r[0].padEnd(8)} ${r[1].padStart(7)} ${r[2].padStart(7)}  ${r[3]} ${r[4].padEnd(5)} ${r[5].padEnd(8)} ${r[6]} ${r[7]}`;
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

/** Left-aligned columns separated by `gap` spaces (kubectl/snap tabwriter style). */
export function table(header: string[], rows: string[][], gap = 3): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + gap)))
      .join("")
      .trimEnd();
  return `${[header, ...rows].map(fmt).join("\n")}\n`;
}

// --------------------------------------------------------------------------------------- network

function calicoIfaces(rng: Rng, count: number): { name: string; ip: string }[] {
  const out: { name: string; ip: string }[] = [];
  const block = rng.int(1, 250);
  const base = rng.pick([0, 64, 128, 192]);
  for (let i = 0; i < count; i++)
    out.push({ name: `cali${rng.hex(11)}`, ip: `10.1.${block}.${base + 1 + i}` });
  return out;
}

export function ipRoute(spec: ReportSpec, rng: Rng): string {
  const n = spec.host.network;
  const lines: string[] = [];
  if (n.gateway)
    lines.push(`default via ${n.gateway} dev ${n.iface} proto dhcp src ${n.address} metric 100 `);
  const pods = calicoIfaces(rng.fork("cali"), rng.int(3, 9));
  const block = pods[0].ip.split(".").slice(0, 3).join(".");
  lines.push(`blackhole ${block}.${Number(pods[0].ip.split(".")[3]) - 1}/26 proto 80 `);
  for (const p of pods) lines.push(`${p.ip} dev ${p.name} scope link `);
  const network = n.address.split(".").slice(0, 3).join(".");
  lines.push(`${network}.0/${n.prefix} dev ${n.iface} proto kernel scope link src ${n.address} metric 100 `);
  if (n.gateway) lines.push(`${n.gateway} dev ${n.iface} proto dhcp scope link src ${n.address} metric 100 `);
  return `${lines.join("\n")}\n`;
}

export function ipAddr(spec: ReportSpec, rng: Rng): string {
  const n = spec.host.network;
  const pods = calicoIfaces(rng.fork("cali"), rng.int(3, 9));
  const out = [
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
    "    inet 127.0.0.1/8 scope host lo",
    "       valid_lft forever preferred_lft forever",
    "    inet6 ::1/128 scope host ",
    "       valid_lft forever preferred_lft forever",
    `2: ${n.iface}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000`,
    `    link/ether ${n.mac} brd ff:ff:ff:ff:ff:ff`,
    `    inet ${n.address}/${n.prefix} metric 100 brd ${n.address.split(".").slice(0, 3).join(".")}.255 scope global dynamic ${n.iface}`,
    `       valid_lft ${rng.int(3000, 86000)}sec preferred_lft ${rng.int(3000, 86000)}sec`,
    `    inet6 fe80::${rng.hex(4)}:${rng.hex(2)}ff:fe${rng.hex(2)}:${rng.hex(4)}/64 scope link `,
    "       valid_lft forever preferred_lft forever",
    `3: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default `,
    `    link/ether 66:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)} brd ff:ff:ff:ff:ff:ff`,
    `    inet ${pods[0].ip.split(".").slice(0, 3).join(".")}.${Number(pods[0].ip.split(".")[3]) - 1}/32 scope global vxlan.calico`,
    "       valid_lft forever preferred_lft forever",
  ];
  pods.forEach((p, i) => {
    out.push(
      `${i + 6}: ${p.name}@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default `,
      `    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-${rng.uuid()}`,
      "    inet6 fe80::ecee:eeff:feee:eeee/64 scope link ",
      "       valid_lft forever preferred_lft forever",
    );
  });
  return `${out.join("\n")}\n`;
}

export function ifconfig(spec: ReportSpec, rng: Rng): string {
  const n = spec.host.network;
  return `${n.iface}: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
        inet ${n.address}  netmask 255.255.255.0  broadcast ${n.address.split(".").slice(0, 3).join(".")}.255
        ether ${n.mac}  txqueuelen 1000  (Ethernet)
        RX packets ${rng.int(1e6, 9e7)}  bytes ${rng.int(1e9, 9e10)} (${rng.int(1, 90)}.${rng.int(0, 9)} GB)
        TX packets ${rng.int(1e6, 9e7)}  bytes ${rng.int(1e9, 9e10)} (${rng.int(1, 90)}.${rng.int(0, 9)} GB)

lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536
        inet 127.0.0.1  netmask 255.0.0.0
        loop  txqueuelen 1000  (Local Loopback)

`;
}

export function netstat(spec: ReportSpec, rng: Rng): string {
  const rows = listeningSockets(spec, rng).map(
    (s) =>
      `${s.proto.padEnd(6)}${"0".padStart(6)}${"0".padStart(7)} ${s.local.padEnd(23)} ${s.proto.startsWith("udp") ? "0.0.0.0:*".padEnd(23) : "0.0.0.0:*".padEnd(23)} ${s.proto.startsWith("udp") ? "       " : "LISTEN "}     ${s.pid}/${s.comm}`,
  );
  return `Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n${rows.join("\n")}\n`;
}

interface Socket {
  proto: string;
  local: string;
  pid: number;
  comm: string;
}

function listeningSockets(spec: ReportSpec, rng: Rng): Socket[] {
  const pidOf = (s: ServiceName): number => spec.services[s]?.mainPid ?? rng.int(1000, 5000);
  const out: Socket[] = [
    { proto: "tcp", local: "127.0.0.53%lo:53", pid: 612, comm: "systemd-resolve" },
    { proto: "tcp", local: "0.0.0.0:22", pid: 901, comm: "sshd" },
    { proto: "tcp", local: "127.0.0.1:1338", pid: pidOf("containerd"), comm: "containerd" },
    { proto: "tcp", local: "127.0.0.1:10248", pid: pidOf("kubelite"), comm: "kubelite" },
    { proto: "tcp", local: "127.0.0.1:10249", pid: pidOf("kubelite"), comm: "kubelite" },
    { proto: "tcp", local: "127.0.0.1:10256", pid: pidOf("kubelite"), comm: "kubelite" },
    { proto: "tcp", local: "*:10250", pid: pidOf("kubelite"), comm: "kubelite" },
    { proto: "tcp", local: "*:25000", pid: pidOf("cluster-agent"), comm: "cluster-agent" },
    { proto: "udp", local: "127.0.0.53%lo:53", pid: 612, comm: "systemd-resolve" },
  ];
  if (spec.role !== "worker") {
    out.push(
      { proto: "tcp", local: "*:16443", pid: pidOf("kubelite"), comm: "kubelite" },
      { proto: "tcp", local: "*:10257", pid: pidOf("kubelite"), comm: "kubelite" },
      { proto: "tcp", local: "*:10259", pid: pidOf("kubelite"), comm: "kubelite" },
      { proto: "tcp", local: "127.0.0.1:9099", pid: rng.int(3000, 9000), comm: "calico-node" },
    );
    if (spec.dqlite && !eraFeatures(spec.microk8s.version).embeddedDqlite) {
      const own = spec.dqlite.info.address;
      out.push({
        proto: "tcp",
        local: own.startsWith("127.") ? "127.0.0.1:19001" : `${own}`,
        pid: pidOf("k8s-dqlite"),
        comm: "k8s-dqlite",
      });
    }
  } else {
    out.push({
      proto: "tcp",
      local: "127.0.0.1:16443",
      pid: pidOf("apiserver-proxy"),
      comm: "cluster-agent",
    });
  }
  return out;
}

/** `ss -pln`: unix sockets first, then TCP/UDP listeners. */
export function ss(spec: ReportSpec, rng: Rng): string {
  const header =
    "Netid State  Recv-Q Send-Q                                      Local Address:Port         Peer Address:PortProcess                                              ";
  const lines = [header];
  const unix = [
    ["/run/systemd/notify", 1, "systemd"],
    ["/run/systemd/private", 1, "systemd"],
    ["/run/systemd/journal/stdout", 1, "systemd"],
    ["/run/dbus/system_bus_socket", 1, "systemd"],
    ["/run/snapd.socket", 1, "systemd"],
    ["/var/snap/microk8s/common/run/containerd.sock", spec.services.containerd?.mainPid ?? 1, "containerd"],
    [
      "/var/snap/microk8s/common/run/containerd.sock.ttrpc",
      spec.services.containerd?.mainPid ?? 1,
      "containerd",
    ],
  ] as const;
  for (const [path, pid, comm] of unix) {
    lines.push(
      `u_str LISTEN 0      4096 ${path.padStart(58)} ${String(rng.int(10000, 99999)).padEnd(9)}* 0    users:(("${comm}",pid=${pid},fd=${rng.int(3, 60)}))`,
    );
  }
  if (spec.role !== "worker" && spec.dqlite && !eraFeatures(spec.microk8s.version).embeddedDqlite) {
    const pid = spec.services["k8s-dqlite"]?.mainPid ?? 1;
    lines.push(
      `u_str LISTEN 0      4096 /var/snap/microk8s/${spec.microk8s.revision}/var/kubernetes/backend/kine.sock:12379 ${rng.int(10000, 99999)} * 0 users:(("k8s-dqlite",pid=${pid},fd=${rng.int(3, 30)}))`,
    );
  }
  for (const s of listeningSockets(spec, rng)) {
    const [addr, port] = splitHostPort(s.local);
    lines.push(
      `${s.proto.padEnd(5)} ${s.proto === "udp" ? "UNCONN" : "LISTEN"} 0      4096 ${`${addr}:${port}`.padStart(58)} ${"0.0.0.0:*".padEnd(9)} users:(("${s.comm}",pid=${s.pid},fd=${rng.int(3, 40)}))`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function splitHostPort(hp: string): [string, string] {
  const i = hp.lastIndexOf(":");
  return [hp.slice(0, i), hp.slice(i + 1)];
}

const IPTABLES_WARNING = "# Warning: iptables-legacy tables present, use iptables-legacy to see them";

export function iptablesNat(): string {
  const chain = (name: string): string =>
    `Chain ${name} (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination         \n`;
  return `${IPTABLES_WARNING}\n${["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"].map(chain).join("\n")}`;
}

export function iptablesS(spec: ReportSpec): string {
  const policy = spec.host.forwardPolicy ?? "ACCEPT";
  return `${IPTABLES_WARNING}\n-P INPUT ACCEPT\n-P FORWARD ${policy}\n-P OUTPUT ACCEPT\n-A FORWARD -s 10.1.0.0/16 -m comment --comment "generated for MicroK8s pods" -j ACCEPT\n-A FORWARD -d 10.1.0.0/16 -m comment --comment "generated for MicroK8s pods" -j ACCEPT\n`;
}

export function iptablesL(spec: ReportSpec): string {
  const policy = spec.host.forwardPolicy ?? "ACCEPT";
  return `${IPTABLES_WARNING}
Chain INPUT (policy ACCEPT)
target     prot opt source               destination         

Chain FORWARD (policy ${policy})
target     prot opt source               destination         
ACCEPT     all  --  10.1.0.0/16          anywhere             /* generated for MicroK8s pods */
ACCEPT     all  --  anywhere             10.1.0.0/16          /* generated for MicroK8s pods */

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
`;
}

// -------------------------------------------------------------------------------------- apparmor

export function aaStatus(spec: ReportSpec): string {
  const profiles = [
    "/snap/snapd/17950/usr/lib/snapd/snap-confine",
    "/snap/snapd/17950/usr/lib/snapd/snap-confine//mount-namespace-capture-helper",
    "/usr/bin/man",
    "/usr/lib/NetworkManager/nm-dhcp-client.action",
    "/usr/lib/NetworkManager/nm-dhcp-helper",
    "/usr/lib/connman/scripts/dhclient-script",
    "/usr/lib/snapd/snap-confine",
    "/usr/lib/snapd/snap-confine//mount-namespace-capture-helper",
    "/usr/sbin/tcpdump",
    "cri-containerd.apparmor.d",
    "lsb_release",
    "man_filter",
    "man_groff",
    "nvidia_modprobe",
    "nvidia_modprobe//kmod",
    "snap-update-ns.microk8s",
    "snap.microk8s.microk8s",
  ];
  const pods = Math.max(4, spec.kubernetes.workloads.length);
  return `apparmor module is loaded.
${profiles.length} profiles are loaded.
${profiles.length} profiles are in enforce mode.
${profiles.map((p) => `   ${p}`).join("\n")}
0 profiles are in complain mode.
0 profiles are in kill mode.
0 profiles are in unconfined mode.
${pods} processes have profiles defined.
${pods} processes are in enforce mode.
${Array.from({ length: pods }, (_, i) => `   /pause (${2100 + i * 37}) cri-containerd.apparmor.d`).join("\n")}
0 processes are in complain mode.
0 processes are unconfined but have a profile defined.
0 processes are in mixed mode.
0 processes are in kill mode.
`;
}

const BOOT_TEMPLATE = [
  "Linux version {kernel} (buildd@lcy02-amd64-0{b}) (x86_64-linux-gnu-gcc-11 (Ubuntu 11.3.0-1ubuntu1~22.04) 11.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #{build}-Ubuntu SMP {builddate}",
  "Command line: BOOT_IMAGE=/vmlinuz-{kernel} root=/dev/mapper/ubuntu--vg-ubuntu--lv ro",
  "KERNEL supported cpus:",
  "  Intel GenuineIntel",
  "  AMD AuthenticAMD",
  "  Hygon HygonGenuine",
  "  Centaur CentaurHauls",
  "  zhaoxin   Shanghai  ",
  "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'",
  "x86/fpu: Supporting XSAVE feature 0x002: 'SSE registers'",
  "x86/fpu: Supporting XSAVE feature 0x004: 'AVX registers'",
  "x86/fpu: Enabled xstate features 0x7, context size is 832 bytes, using 'standard' format.",
  "signal: max sigframe size: 1776",
  "BIOS-provided physical RAM map:",
  "BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable",
  "BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved",
  "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdafff] usable",
  "NX (Execute Disable) protection: active",
  "SMBIOS 3.2.0 present.",
  "DMI: Intel(R) Client Systems NUC8i5BEH/NUC8BEB, BIOS BECFL357.86A.0089.2022.0318.1517 03/18/2022",
  "tsc: Detected 2300.000 MHz processor",
  "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
  "last_pfn = 0x{pfn} max_arch_pfn = 0x400000000",
  "x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  ",
  "found SMP MP-table at [mem 0x000fcf60-0x000fcf6f]",
  "RAMDISK: [mem 0x2e7e6000-0x32bd7fff]",
  "ACPI: Early table checksum verification disabled",
  "ACPI: RSDP 0x00000000000F0490 000024 (v02 INTEL )",
  "No NUMA configuration found",
  "Zone ranges:",
  "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
  "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
  "  Normal   [mem 0x0000000100000000-0x000000043fffffff]",
  "smpboot: Allowing {cpus} CPUs, 0 hotplug CPUs",
  "Booting paravirtualized kernel on bare hardware",
  "Built 1 zonelists, mobility grouping on.  Total pages: {pages}",
  "Kernel command line: BOOT_IMAGE=/vmlinuz-{kernel} root=/dev/mapper/ubuntu--vg-ubuntu--lv ro",
  "Memory: {memk}K/{memt}K available (16393K kernel code, 4387K rwdata, 10812K rodata, 3240K init, 6572K bss, 389512K reserved, 0K cma-reserved)",
  "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs={cpus}, Nodes=1",
  "rcu: Hierarchical RCU implementation.",
  "NR_IRQS: 524544, nr_irqs: 2048, preallocated irqs: 16",
  "Console: colour dummy device 80x25",
  "printk: console [tty0] enabled",
  "ACPI: Core revision 20210730",
  "clocksource: hpet: mask: 0xffffffff max_cycles: 0xffffffff, max_idle_ns: 79635855245 ns",
  "APIC: Switch to symmetric I/O mode setup",
  "smpboot: CPU0: Intel(R) Core(TM) i5-8259U CPU @ 2.30GHz (family: 0x6, model: 0x8e, stepping: 0xa)",
  "smp: Brought up 1 node, {cpus} CPUs",
  "devtmpfs: initialized",
  "NET: Registered PF_NETLINK/PF_ROUTE protocol family",
  "audit: initializing netlink subsys (disabled)",
  "PCI: Using configuration type 1 for base access",
  "ACPI: Interpreter enabled",
  "iommu: Default domain type: Translated ",
  "SCSI subsystem initialized",
  "NetLabel: Initializing",
  "clocksource: Switched to clocksource tsc-early",
  "VFS: Disk quotas dquot_6.6.0",
  "NET: Registered PF_INET protocol family",
  "TCP established hash table entries: 131072 (order: 8, 1048576 bytes, linear)",
  "Trying to unpack rootfs image as initramfs...",
  "Initialise system trusted keyrings",
  "zbud: loaded",
  "Key type asymmetric registered",
  "io scheduler mq-deadline registered",
  "Serial: 8250/16550 driver, 32 ports, IRQ sharing enabled",
  "i8042: PNP: PS/2 Controller [PNP0303:PS2K] at 0x60,0x64 irq 1",
  "rtc_cmos 00:01: RTC can wake from S4",
  "NET: Registered PF_INET6 protocol family",
  "Freeing initrd memory: 69576K",
  "Loading compiled-in X.509 certificates",
  "Freeing unused kernel image (initmem) memory: 3240K",
  "Run /init as init process",
  "ahci 0000:00:17.0: AHCI 0001.0301 32 slots 2 ports 6 Gbps 0x3 impl SATA mode",
  "scsi host0: ahci",
  "scsi host1: ahci",
  "ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)",
  "ata2: SATA link up 6.0 Gbps (SStatus 133 SControl 300)",
  "ata1.00: ATA-10: Samsung SSD 860 EVO 250GB, RVT04B6Q, max UDMA/133",
  "ata2.00: ATA-9: WDC WD10JPVX-22JC3T0, 01.01A01, max UDMA/133",
  "scsi 0:0:0:0: Direct-Access     ATA      Samsung SSD 860  4B6Q PQ: 0 ANSI: 5",
  "sd 0:0:0:0: [sda] 488397168 512-byte logical blocks: (250 GB/233 GiB)",
  "sd 0:0:0:0: [sda] Write Protect is off",
  "scsi 1:0:0:0: Direct-Access     ATA      WDC WD10JPVX-22J 1A01 PQ: 0 ANSI: 5",
  "sd 1:0:0:0: [sdb] 1953525168 512-byte logical blocks: (1.00 TB/932 GiB)",
  "sd 1:0:0:0: [sdb] 4096-byte physical blocks",
  "sd 1:0:0:0: [sdb] Write Protect is off",
  " sda: sda1 sda2 sda3",
  "sd 0:0:0:0: [sda] Attached SCSI disk",
  "sd 1:0:0:0: [sdb] Attached SCSI disk",
  "e1000e 0000:00:1f.6 {iface}: renamed from eth0",
  "EXT4-fs (dm-0): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
  "systemd[1]: Inserted module 'autofs4'",
  "systemd[1]: systemd 249.11-0ubuntu3.6 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS -OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY -P11KIT -QRENCODE +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)",
  "systemd[1]: Detected architecture x86-64.",
  "systemd[1]: Hostname set to <{host}>.",
  "EXT4-fs (dm-0): re-mounted. Opts: (null). Quota mode: none.",
  "lp: driver loaded but no devices found",
  "loop0: detected capacity change from 0 to 8",
  "loop1: detected capacity change from 0 to 126760",
  "EXT4-fs (sda2): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
  "EXT4-fs (sdb): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
  'audit: type=1400 audit({audit}:2): apparmor="STATUS" operation="profile_load" profile="unconfined" name="lsb_release" pid=812 comm="apparmor_parser"',
  "e1000e 0000:00:1f.6 {iface}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
  "IPv6: ADDRCONF(NETDEV_CHANGE): {iface}: link becomes ready",
  "bridge: filtering via arp/ip/ip6tables is no longer available by default. Update your scripts to load br_netfilter if you need this.",
  "Bridge firewalling registered",
  "Initializing XFRM netlink socket",
  "IPVS: Registered protocols (TCP, UDP, SCTP, AH, ESP)",
  "IPVS: Connection hash table configured (size=4096, memory=32Kbytes)",
  "IPVS: ipvs loaded.",
  "bpfilter: Loaded bpfilter_umh pid 2318",
  "Started bpfilter",
  "vxlan: vxlan.calico: link becomes ready",
];

const BOOT_TEMPLATE_RPI = [
  "Booting Linux on physical CPU 0x0000000000 [0x410fd083]",
  "Linux version {kernel} (buildd@bos02-arm64-0{b}) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1)) #{build}-Ubuntu SMP PREEMPT Thu Nov 3 10:08:24 UTC 2022",
  "Machine model: Raspberry Pi 4 Model B Rev 1.4",
  "efi: UEFI not found.",
  "Reserved memory: created CMA memory pool at 0x000000002ac00000, size 64 MiB",
  "percpu: Embedded 32 pages/cpu s92504 r8192 d30376 u131072",
  "Detected PIPT I-cache on CPU0",
  "Built 1 zonelists, mobility grouping on.  Total pages: {pages}",
  "Kernel command line:  coherent_pool=1M 8250.nr_uarts=1 snd_bcm2835.enable_compat_alsa=0 bcm2708_fb.fbwidth=0 console=ttyS0,115200 dwc_otg.lpm_enable=0 console=tty1 root=LABEL=writable rootfstype=ext4 elevator=deadline rootwait fixrtc quiet splash",
  "Memory: {memk}K/{memt}K available (11776K kernel code, 1924K rwdata, 4220K rodata, 3968K init, 1069K bss, 233548K reserved, 65536K cma-reserved)",
  "smp: Brought up 1 node, {cpus} CPUs",
  "CPU: All CPU(s) started at EL2",
  "mmc0: SDHCI controller on fe340000.emmc2 [fe340000.emmc2] using ADMA",
  "mmc0: new ultra high speed DDR50 SDXC card at address aaaa",
  "mmcblk0: mmc0:aaaa SN64G 59.5 GiB",
  " mmcblk0: p1 p2",
  "EXT4-fs (mmcblk0p2): mounted filesystem with ordered data mode. Opts: (null)",
  "systemd[1]: Hostname set to <{host}>.",
  "bcmgenet fd580000.ethernet {iface}: Link is Up - 1Gbps/Full - flow control rx/tx",
  "IPv6: ADDRCONF(NETDEV_CHANGE): {iface}: link becomes ready",
  "Bridge firewalling registered",
  "IPVS: ipvs loaded.",
  "vxlan: vxlan.calico: link becomes ready",
];

function fillTemplate(line: string, vars: Record<string, string>): string {
  return line.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
}

/** Kernel log lines with their times (absolute ms), boot block first, then noise and events. */
function kernelLines(spec: ReportSpec, rng: Rng): { t: number; text: string }[] {
  const { now, boot } = times(spec);
  const vars: Record<string, string> = {
    kernel: spec.host.kernel,
    b: String(rng.int(1, 9)),
    build: String(rng.int(60, 80)),
    builddate: "Fri Jan 6 20:41:41 UTC 2023",
    pfn: rng.hex(6),
    cpus: String(spec.host.cpus),
    pages: String(spec.host.memory.totalMiB * 252),
    memk: String(spec.host.memory.totalMiB * 1000),
    memt: String(spec.host.memory.totalMiB * 1024),
    iface: spec.host.network.iface,
    host: spec.hostname,
    audit: `${Math.floor(boot / 1000)}.${rng.int(100, 999)}`,
  };
  const out: { t: number; text: string }[] = [];
  let s = 0;
  const template = spec.host.arch === "aarch64" ? BOOT_TEMPLATE_RPI : BOOT_TEMPLATE;
  for (const [i, l] of template.entries()) {
    s += i < 40 ? rng.float(0, 0.002) : rng.float(0.001, 0.35);
    out.push({ t: boot + s * 1000, text: fillTemplate(l, vars) });
  }
  const perHour = spec.dmesg.noisePerHour ?? 2;
  let t = boot + 120 * 1000;
  const mean = HOUR / Math.max(perHour, 0.001);
  while (perHour > 0) {
    t += rng.expo(mean);
    if (t >= now) break;
    const cali = `cali${rng.hex(11)}`;
    out.push({
      t,
      text: rng.pick([
        `IPv6: ADDRCONF(NETDEV_CHANGE): ${cali}: link becomes ready`,
        `IPv6: ADDRCONF(NETDEV_CHANGE): ${cali}: link becomes ready`,
        `cni0: port 1(${cali}) entered disabled state`,
        `device ${cali} left promiscuous mode`,
        `audit: type=1400 audit(${Math.floor(t / 1000)}.${rng.int(100, 999)}:${rng.int(100, 999)}): apparmor="DENIED" operation="ptrace" profile="cri-containerd.apparmor.d" pid=${rng.int(10000, 99999)} comm="pidof" requested_mask="read" denied_mask="read" peer="unconfined"`,
      ]),
    });
  }
  // Event times come with at most millisecond precision; printk has microseconds.
  for (const ev of spec.dmesg.events) out.push({ t: toEpoch(ev.at, spec.zone) + rng.next(), text: ev.text });
  return out.sort((a, b) => a.t - b.t);
}

/** apparmor/dmesg: `dmesg` (classic) or `journalctl -k` (strict). */
export function dmesg(spec: ReportSpec, rng: Rng): () => Iterable<string> {
  return function* () {
    const { boot } = times(spec);
    const lines = kernelLines(spec, rng.fork("dmesg"));
    for (const l of lines) {
      if (spec.confinement === "strict")
        yield `${journalTime(l.t, spec.zone)} ${spec.hostname} kernel: ${l.text}`;
      else yield `${dmesgStamp((l.t - boot) / 1000)} ${l.text}`;
    }
  };
}

/** Helpers for scenarios: a burst of disk errors on one device. */
export function diskErrorBurst(
  rng: Rng,
  opts: {
    device: string;
    at: number;
    count: number;
    spacingMs: number;
    comm: string;
    zone: Zone;
    inode?: number;
  },
): KernelEvent[] {
  const events: KernelEvent[] = [];
  let t = opts.at;
  for (let i = 0; i < opts.count; i++) {
    const sector = rng.int(10000000, 1900000000);
    const iso = new Date(Math.floor(t)).toISOString();
    const kind = i % 4;
    if (kind === 0) {
      events.push({
        at: iso,
        text: `blk_update_request: I/O error, dev ${opts.device}, sector ${sector} op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 0`,
      });
    } else if (kind === 1) {
      events.push({
        at: iso,
        text: `Buffer I/O error on dev ${opts.device}, logical block ${Math.floor(sector / 8)}, async page read`,
      });
    } else if (kind === 2) {
      events.push({
        at: iso,
        text: `EXT4-fs error (device ${opts.device}): __ext4_find_entry:1658: inode #${opts.inode ?? 2}: comm ${opts.comm}: reading directory lblock 0`,
      });
    } else {
      events.push({
        at: iso,
        text: `sd 1:0:0:0: [${opts.device}] tag#${rng.int(0, 31)} FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=${rng.int(0, 9)}s`,
      });
    }
    t += rng.float(opts.spacingMs * 0.2, opts.spacingMs * 1.8);
  }
  return events;
}

// ---------------------------------------------------------------------------------------- dqlite

export function dqliteYaml(records: DqliteRecord[], order: "id-first" | "address-first"): string {
  return records
    .map((r) => {
      const lines =
        order === "id-first"
          ? [`ID: ${r.id}`, `Address: ${r.address}`, `Role: ${r.role}`]
          : [`Address: ${r.address}`, `ID: ${r.id}`, `Role: ${r.role}`];
      return `- ${lines[0]}\n  ${lines[1]}\n  ${lines[2]}\n`;
    })
    .join("");
}

export function dqliteInfoYaml(r: DqliteRecord, order: "id-first" | "address-first"): string {
  return order === "id-first"
    ? `ID: ${r.id}\nAddress: ${r.address}\nRole: ${r.role}\n`
    : `Address: ${r.address}\nID: ${r.id}\nRole: ${r.role}\n`;
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  const units = ["K", "M", "G"];
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return v < 10 ? `${v.toFixed(1)}${units[u]}` : `${Math.round(v)}${units[u]}`;
}

/** dqlite/list.out: `ls -lh` of the backend folder, sorted like ls (segments, then names). */
export function listOut(spec: ReportSpec, d: DqliteSpec, rng: Rng): string {
  if (d.listing.empty) return "";
  const { now } = times(spec);
  const created = toEpoch(d.listing.createdAt, spec.zone);
  const ls = (t: number): string => lsTime(t, spec.zone, now);
  const entries: { name: string; size: number; t: number; mode: string; group: string }[] = [];
  const add = (name: string, size: number, t: number, mode = "-rw-rw----", group = "microk8s"): void => {
    entries.push({ name, size, t, mode, group });
  };
  // On a worker k8s-dqlite no longer runs: nothing in the folder changed since the join.
  const worker = spec.role === "worker";
  const recent = (maxAgo: number): number =>
    worker ? created + rng.int(60000, 3600000) : now - rng.int(1000, maxAgo);
  let index = d.listing.firstIndex ?? rng.int(100000, 9000000);
  const span = Math.max(now - created, HOUR);
  const segments = d.listing.closedSegments;
  for (let i = 0; i < segments; i++) {
    const n = rng.int(180, 640);
    const full = rng.chance(0.6);
    const size = full ? 8 * 1024 * 1024 : rng.int(400, 7000) * 1024;
    const t = worker
      ? created + (i + 1) * rng.int(60000, 600000)
      : now - span * 0.5 * ((segments - i) / Math.max(segments, 1)) - rng.int(0, 60000);
    add(`${String(index).padStart(16, "0")}-${String(index + n - 1).padStart(16, "0")}`, size, t);
    index += n;
  }
  add("cluster.crt", 1935, created);
  add("cluster.key", 3272, created);
  const yamlSize = dqliteYaml(d.cluster, d.keyOrder ?? "id-first").length;
  add(
    "cluster.yaml",
    yamlSize,
    recent(30000),
    eraFeatures(spec.microk8s.version).minor >= 25 ? "-rw-------" : "-rw-rw----",
    "root",
  );
  add("failure-domain", 2, recent(3 * HOUR), "-rw-rw-r--");
  add("info.yaml", dqliteInfoYaml(d.info, d.keyOrder ?? "id-first").length, created + 60000);
  if (d.listing.initYaml) add("init.yaml", 58, now - rng.int(60000, HOUR));
  if (d.listing.join) add("join", 0, now - rng.int(60000, HOUR));
  add("kine.sock:12379", 0, recent(3 * HOUR), "srw-rw----");
  if (d.localnode)
    add("localnode.yaml", dqliteYaml(d.localnode, d.keyOrder ?? "id-first").length, created, "-rw-rw----");
  add("metadata1", 32, recent(60000));
  add("metadata2", 32, recent(60000));
  for (let i = 0; i < d.listing.openSegments; i++)
    add(`open-${rng.int(40, 900) + i}`, 8 * 1024 * 1024, recent(60000));
  const term = rng.int(1, 40);
  for (let i = 0; i < d.listing.snapshots; i++) {
    const snapIndex = index - (d.listing.snapshots - i) * 1024;
    const stamp = Math.floor((now - (d.listing.snapshots - i) * rng.int(60000, 600000)) / 1000) % 10000000;
    const name = `snapshot-${term}-${snapIndex}-${stamp}`;
    const t = now - (d.listing.snapshots - i) * 120000;
    add(name, rng.int(800, 60000) * 1024, t);
    add(`${name}.meta`, 72 + rng.int(0, 96), t);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const total = entries.reduce((s, e) => s + e.size, 0);
  const sizeWidth = Math.max(...entries.map((e) => humanSize(e.size).length));
  const groupWidth = Math.max(...entries.map((e) => e.group.length));
  const lines = [`total ${humanSize(total)}`];
  for (const e of entries) {
    lines.push(
      `${e.mode} 1 root ${e.group.padEnd(groupWidth)} ${humanSize(e.size).padStart(sizeWidth)} ${ls(e.t)} ${e.name}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// -------------------------------------------------------------------------------------- services

export function systemctlStatus(
  spec: ReportSpec,
  name: ServiceName,
  svc: ServiceSpec,
  tail: string[],
): string {
  const { now } = times(spec);
  const unit = `snap.microk8s.daemon-${name}.service`;
  const since = toEpoch(svc.since, spec.zone);
  const snap = `/snap/microk8s/${spec.microk8s.revision}`;
  const result = svc.result ? ` (Result: ${svc.result})` : "";
  const lines = [
    `● ${unit} - Service for snap application microk8s.daemon-${name}`,
    `     Loaded: loaded (/etc/systemd/system/${unit}; enabled; vendor preset: enabled)`,
    `     Active: ${svc.active}${result} since ${systemdTime(since, spec.zone)}; ${systemdAgo(now - since)}`,
  ];
  if (svc.active.startsWith("active") && svc.mainPid !== null) {
    const comm: Record<ServiceName, string> = {
      "k8s-dqlite": "k8s-dqlite",
      kubelite: "kubelite",
      containerd: "containerd",
      "cluster-agent": "run-cluster-age",
      "apiserver-kicker": "apiservice-kick",
      "apiserver-proxy": "cluster-agent",
      flanneld: "flanneld",
      etcd: "etcd",
    };
    lines.push(`   Main PID: ${svc.mainPid} (${comm[name]})`);
    lines.push(
      `      Tasks: ${svc.tasks ?? 12} (limit: ${spec.host.memory.totalMiB > 8000 ? 38269 : 18921})`,
    );
    lines.push(`     Memory: ${svc.memory ?? "123.4M"}`);
    lines.push(
      `        CPU: ${svc.cpu ?? systemdCpu(cpuSeconds(name, now - since) + (svc.mainPid % 1000) / 1000)}`,
    );
    lines.push(`     CGroup: /system.slice/${unit}`);
    const procs = [{ pid: svc.mainPid, cmd: psCommand(spec, name, snap) }, ...(svc.children ?? [])];
    procs.forEach((p, i) => {
      lines.push(`             ${i === procs.length - 1 ? "└─" : "├─"}${p.pid} ${p.cmd}`);
    });
  } else if (svc.mainPid !== null) {
    lines.push(
      `    Process: ${svc.mainPid} ExecStart=/usr/bin/snap run microk8s.daemon-${name} (code=exited, status=1/FAILURE)`,
    );
    lines.push(`   Main PID: ${svc.mainPid} (code=exited, status=1/FAILURE)`);
    lines.push(`        CPU: ${svc.cpu ?? "2.101s"}`);
  }
  lines.push("");
  lines.push(...tail);
  return `${lines.join("\n")}\n`;
}

function psCommand(spec: ReportSpec, name: ServiceName, snap: string): string {
  const data = `/var/snap/microk8s/${spec.microk8s.revision}`;
  switch (name) {
    case "k8s-dqlite":
      return `${snap}/bin/k8s-dqlite --storage-dir=${data}/var/kubernetes/backend/ --listen=unix://${data}/var/kubernetes/backend/kine.sock:12379`;
    case "kubelite":
      return `${snap}/kubelite --scheduler-args-file=${data}/args/kube-scheduler --controller-manager-args-file=${data}/args/kube-controller-manager --proxy-args-file=${data}/args/kube-proxy --kubelet-args-file=${data}/args/kubelet --apiserver-args-file=${data}/args/kube-apiserver --kubeconfig-file=${data}/credentials/client.config --start-control-plane=${spec.role === "worker" ? "false" : "true"}`;
    case "containerd":
      return `${snap}/bin/containerd --config ${data}/args/containerd.toml --root /var/snap/microk8s/common/var/lib/containerd --state /var/snap/microk8s/common/run/containerd --address /var/snap/microk8s/common/run/containerd.sock`;
    case "cluster-agent":
      return `/bin/bash ${snap}/run-cluster-agent-with-args`;
    case "apiserver-kicker":
      return `/bin/bash ${snap}/apiservice-kicker`;
    case "apiserver-proxy":
      return `${snap}/bin/cluster-agent apiserver-proxy --traefik-config ${data}/args/traefik/traefik.yaml --kubeconfig ${data}/credentials/kubelet.config --refresh-interval 30s`;
    default:
      return `${snap}/bin/${name}`;
  }
}

/** `snapctl services microk8s.daemon-<name>` (strict). */
export function snapctlServices(name: ServiceName, svc: ServiceSpec): string {
  const current = svc.active.startsWith("active") ? "active" : "inactive";
  return table(
    ["Service", "Startup", "Current", "Notes"],
    [[`microk8s.daemon-${name}`, "enabled", current, "-"]],
    2,
  );
}

// ------------------------------------------------------------------------------------------- k8s

function versionInfo(version: string, minor: number, rng: Rng, arch: string): string {
  const go = componentVersions(minor).go;
  const build = new Date(Date.UTC(2022, 11, 9, 14, 11, 7)).toISOString().replace(/\.\d+Z$/, "Z");
  return `version.Info{Major:"1", Minor:"${minor}", GitVersion:"${version}", GitCommit:"${rng.hex(40)}", GitTreeState:"clean", BuildDate:"${build}", GoVersion:"${go}", Compiler:"gc", Platform:"linux/${arch}"}`;
}

export function k8sVersion(spec: ReportSpec, rng: Rng): string {
  const api = spec.kubernetes.api;
  if (api === "worker") return `${WORKER_KUBECTL}\n`;
  if (typeof api === "object") return `${api.text}\n`;
  const era = eraFeatures(spec.microk8s.version);
  const arch = spec.host.arch === "x86_64" ? "amd64" : "arm64";
  const v = spec.microk8s.version;
  const kustomize = componentVersions(era.minor).kustomize;
  const lines: string[] = [];
  if (era.versionWarning) {
    lines.push(
      "WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.",
    );
  }
  const info = versionInfo(v, era.minor, rng.fork("git"), arch);
  lines.push(era.versionInfoForm ? `Client Version: ${info}` : `Client Version: ${v}`);
  if (era.minor >= 24) lines.push(`Kustomize Version: ${kustomize}`);
  if (api === "refused") lines.push(REFUSED);
  else lines.push(era.versionInfoForm ? `Server Version: ${info}` : `Server Version: ${v}`);
  return `${lines.join("\n")}\n`;
}

export function clusterInfo(spec: ReportSpec): string {
  const api = spec.kubernetes.api;
  if (api === "worker") return `${WORKER_KUBECTL}\n`;
  if (typeof api === "object") return `${api.text}\n`;
  if (api === "refused")
    return `\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n${REFUSED}\n`;
  return (
    "\u001b[0;32mKubernetes control plane\u001b[0m is running at \u001b[0;33mhttps://127.0.0.1:16443\u001b[0m\n" +
    "\u001b[0;32mCoreDNS\u001b[0m is running at \u001b[0;33mhttps://127.0.0.1:16443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\u001b[0m\n\n" +
    "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
  );
}

export function apiErrorText(spec: ReportSpec): string | null {
  const api = spec.kubernetes.api;
  if (api === "up") return null;
  if (api === "worker") return `${WORKER_KUBECTL}\n`;
  if (api === "refused") return `${REFUSED}\n`;
  return `${api.text}\n`;
}

export function bomJson(spec: ReportSpec, rng: Rng): string {
  const minor = eraFeatures(spec.microk8s.version).minor;
  const v = componentVersions(minor);
  const comp = (repository: string, version: string, patches: string[] = []) => ({
    repository,
    version,
    revision: rng.hex(40),
    patches,
    "strict-patches": [],
  });
  const bom = {
    microk8s: { version: `1.${minor}`, revision: rng.hex(40) },
    tools: {
      go: [`go version ${v.go} linux/${spec.host.arch === "x86_64" ? "amd64" : "arm64"}`],
      python: ["Python 3.8.10 (default, Nov 22 2023, 10:22:35) ", "[GCC 9.4.0]"],
    },
    components: {
      "cluster-agent": comp("https://github.com/canonical/microk8s-cluster-agent", `1.${minor}`),
      cni: comp("https://github.com/containernetworking/plugins", "v1.2.0", [
        "0001-single-entrypoint-for-cni-tools.patch",
      ]),
      containerd: comp("https://github.com/containerd/containerd", v.containerd, [
        "0001-microk8s-sideload-images-plugin.patch",
      ]),
      dqlite: comp("https://github.com/canonical/dqlite", minor >= 32 ? "v1.17.1" : "v1.16.0"),
      "k8s-dqlite": comp("https://github.com/canonical/k8s-dqlite", minor >= 32 ? "v1.3.0" : "v1.1.11"),
      kubernetes: comp("https://github.com/kubernetes/kubernetes", spec.microk8s.version),
      runc: comp("https://github.com/opencontainers/runc", v.runc),
      helm: comp("https://github.com/helm/helm", minor >= 32 ? "v3.16.3" : "v3.9.1"),
      raft: comp("https://github.com/canonical/raft", "v0.18.0"),
      sqlite: comp("https://github.com/sqlite/sqlite", "3.40.0"),
    },
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}
