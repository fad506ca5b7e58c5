/**
 * Small generated inspection reports for the diff, related-issue and explanation tests: one node,
 * a chosen dqlite membership, optional datastore deadline bursts and kernel disk errors, and
 * optional "planted" secrets and host names in the logged lines. Log lines follow the real
 * formats quoted in the shared report-format notes.
 */
import { tarGz } from "../github/fixtures.js";

export interface Member {
  id: string;
  address: string;
  role?: 0 | 1 | 2;
}

export interface ReportOptions {
  host: string;
  ip: string;
  /** cluster.yaml records; default: this node alone as a voter. */
  members?: Member[];
  /** `context deadline exceeded` lines in the k8s-dqlite journal, one per minute from 09:00 (≥ 20 over ≥ 10 min is sustained). */
  deadlines?: number;
  /** go-dqlite "no route to host" lines naming this address. */
  unreachable?: string | null;
  /** Kernel I/O and EXT4 errors on this device in dmesg. */
  diskErrors?: string | null;
  /** MicroK8s version in k8s/version. */
  version?: string;
  /** Extra text inside every deadline line (planted host names, credentials …). */
  plant?: string;
  /** Date of the journal lines (MMM DD), default "Nov 01". */
  day?: string;
}

export const DEFAULT_VERSION = "v1.28.14";

/** `<host>-inspection-report-YYYYMMDD_HHMMSS.tar.gz` */
export function reportName(host: string, stamp: string): string {
  return `${host}-inspection-report-${stamp}.tar.gz`;
}

export function reportFiles(o: ReportOptions): Record<string, string> {
  const day = o.day ?? "Nov 01";
  const members = o.members ?? [{ id: "3297041220608546238", address: `${o.ip}:19001`, role: 0 }];
  const self = members.find((m) => m.address.startsWith(`${o.ip}:`)) ?? members[0]!;
  const record = (m: Member) => `- ID: ${m.id}\n  Address: ${m.address}\n  Role: ${m.role ?? 0}\n`;
  const at = (minute: number, second = 0) =>
    `${String(9 + Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}:${String(second).padStart(2, "0")}`;
  const dqlite: string[] = [
    `${day} 08:59:00 ${o.host} microk8s.daemon-k8s-dqlite[931]: + export PATH=/snap/microk8s/7231/usr/bin:$PATH`,
  ];
  for (let i = 0; i < (o.deadlines ?? 0); i++) {
    const t = at(i);
    const key = o.plant ? `/registry/health ${o.plant}` : "/registry/health";
    dqlite.push(
      `${day} ${t} ${o.host} microk8s.daemon-k8s-dqlite[931]: time="2024-11-01T${t}Z" level=error msg="error while range on ${key} : query (try: 0): context deadline exceeded"`,
    );
  }
  if (o.unreachable) {
    for (let i = 0; i < 30; i++) {
      const t = at(i, 30);
      dqlite.push(
        `${day} ${t} ${o.host} microk8s.daemon-k8s-dqlite[931]: W1101 ${t}.130232     931 log.go:198] [go-dqlite] attempt ${i + 1}: server ${o.unreachable}: dial: dial tcp ${o.unreachable}: connect: no route to host`,
      );
    }
  }
  const dmesg = o.diskErrors
    ? [
        `[10910.096082] blk_update_request: I/O error, dev ${o.diskErrors}, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0`,
        `[10910.096093] Aborting journal on device ${o.diskErrors}-8.`,
        `[10910.096448] EXT4-fs warning (device ${o.diskErrors}): ext4_end_bio:347: I/O error 10 writing to inode 131080 starting block 597319)`,
        `[10911.000001] EXT4-fs error (device ${o.diskErrors}): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0`,
      ]
    : ["[    0.000000] Linux version 5.15.0-122-generic"];
  const kubelite = [
    `${day} 08:59:00 ${o.host} microk8s.daemon-kubelite[1234]: + export PATH=/snap/microk8s/7231/usr/bin:$PATH`,
    `${day} 08:59:01 ${o.host} microk8s.daemon-kubelite[1234]: I1101 08:59:01.000000    1234 server.go:100] started`,
  ];
  const running = "   Active: active (running) since Fri 2024-11-01 08:59:00 UTC; 2h ago\n";
  return {
    "inspection-report/dqlite/cluster.yaml": members.map(record).join(""),
    "inspection-report/dqlite/info.yaml": `ID: ${self.id}\nAddress: ${self.address}\nRole: ${self.role ?? 0}\n`,
    "inspection-report/snap.microk8s.daemon-k8s-dqlite/journal.log": `${dqlite.join("\n")}\n`,
    "inspection-report/snap.microk8s.daemon-k8s-dqlite/systemctl.log": running,
    "inspection-report/snap.microk8s.daemon-kubelite/journal.log": `${kubelite.join("\n")}\n`,
    "inspection-report/snap.microk8s.daemon-kubelite/systemctl.log": running,
    "inspection-report/k8s/version": `Client Version: ${o.version ?? DEFAULT_VERSION}\nServer Version: ${o.version ?? DEFAULT_VERSION}\n`,
    "inspection-report/apparmor/dmesg": `${dmesg.join("\n")}\n`,
  };
}

export function buildReport(o: ReportOptions): Promise<Buffer> {
  return tarGz(reportFiles(o));
}
