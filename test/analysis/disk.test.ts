import { describe, expect, it } from "vitest";
import { analyzeDisks, isIgnoredMount, mountFor, normaliseDevice } from "../../src/analysis/disk.js";
import type { DiskUsageRow, KernelEvent } from "../../src/parsers/types.js";
import { catalogue, controlPlane, hit, worker } from "./support.js";

const cat = catalogue();

/** Kernel lines quoted in report-format.md §4.E (longhorn#4925, home-assistant#3948, copyparty#851, microk8s#3448). */
const LINES = {
  blk: "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
  abort: "[10910.096093] Aborting journal on device sda-8.",
  ext4warn:
    "[10910.096448] EXT4-fs warning (device sda): ext4_end_bio:347: I/O error 10 writing to inode 131080 starting block 597319)",
  jbd2: "[10910.098177] JBD2: Error -5 detected when updating journal superblock for sda-8.",
  buffer: "[  306.925814] Buffer I/O error on dev sda8, logical block 8388775, lost async page write",
  mounting: "[    9.021800] EXT4-fs (sdb): warning: mounting fs with errors, running e2fsck is recommended",
  oom: "[ 5187.228904] relay invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999",
  remount: "[    3.101010] EXT4-fs (sda1): re-mounted. Opts: discard,errors=remount-ro",
};

function event(kind: KernelEvent["kind"], device: string, line: number, text: string): KernelEvent {
  return { kind, device, line, text, timestamp: /^\[\s*([\d.]+)\]/.exec(text)?.[1] ?? null };
}

function row(filesystem: string, usePercent: number, mountpoint: string): DiskUsageRow {
  return { filesystem, size: "49G", used: "45G", avail: "4G", usePercent, mountpoint };
}

describe("device and mount helpers", () => {
  it("groups a JBD2 journal device with its disk but keeps partitions and dm devices", () => {
    expect(normaliseDevice("sda-8")).toBe("sda");
    expect(normaliseDevice("sda-8.")).toBe("sda");
    expect(normaliseDevice("sda8")).toBe("sda8");
    expect(normaliseDevice("dm-0")).toBe("dm-0");
    expect(normaliseDevice("dm-0-8")).toBe("dm-0");
    expect(normaliseDevice("nvme0n1p2")).toBe("nvme0n1p2");
    expect(normaliseDevice("")).toBe("unknown");
  });

  it("ignores read-only images: loop devices, /snap, WSL mounts, /boot/efi", () => {
    expect(
      isIgnoredMount({ filesystem: "/dev/loop0", mountpoint: "/mnt/wsl/docker-desktop/cli-tools" }),
    ).toBe(true);
    expect(isIgnoredMount({ filesystem: "/dev/loop3", mountpoint: "/snap/core20/2379" })).toBe(true);
    expect(
      isIgnoredMount({
        filesystem: "/dev/sdd",
        mountpoint: "/mnt/wsl/docker-desktop/docker-desktop-user-distro",
      }),
    ).toBe(true);
    expect(isIgnoredMount({ filesystem: "/dev/sda15", mountpoint: "/boot/efi" })).toBe(true);
    expect(isIgnoredMount({ filesystem: "/dev/sda1", mountpoint: "/" })).toBe(false);
    expect(isIgnoredMount({ filesystem: "/dev/mapper/vg-var", mountpoint: "/var" })).toBe(false);
  });

  it("finds the mount holding a path by the longest prefix", () => {
    const rows = [
      row("/dev/sda1", 50, "/"),
      row("/dev/sdb1", 95, "/var/snap"),
      row("/dev/sdc1", 10, "/var/snapshots"),
    ];
    expect(mountFor("/var/snap/microk8s/common/var/lib", rows)?.mountpoint).toBe("/var/snap");
    expect(mountFor("/var/snapshots/x", rows)?.mountpoint).toBe("/var/snapshots");
    expect(mountFor("/etc/hosts", rows)?.mountpoint).toBe("/");
  });
});

describe("analyzeDisks", () => {
  it("groups kernel errors per node and device, with count, sample and first/last time", () => {
    const kube06 = controlPlane({
      node: "kube06",
      ip: "10.0.0.6",
      extra: {
        kernel: {
          lines: 900,
          events: [
            event("io-error", "sda", 101, LINES.blk),
            event("fs-error", "sda-8", 102, LINES.abort),
            event("fs-error", "sda", 103, LINES.ext4warn),
            event("fs-error", "sda-8", 104, LINES.jbd2),
            event("io-error", "sda8", 105, LINES.buffer),
            event("io-error", "sda", 106, LINES.blk.replace("10910.096082", "10911.000001")),
          ],
          eventCounts: { "io-error:sda": 40, "fs-error:sda-8": 2, "fs-error:sda": 1, "io-error:sda8": 1 },
        },
      },
    });
    const kube05 = controlPlane({
      node: "kube05",
      ip: "10.0.0.5",
      extra: { kernel: { lines: 10, events: [event("fs-error", "sdb", 7, LINES.mounting)] } },
    });
    const { diskErrors, findings } = analyzeDisks([kube06, kube05], cat);
    expect(diskErrors.map((d) => [d.kind, d.node, d.device, d.count])).toEqual([
      ["io-error", "kube06", "sda", 40],
      ["io-error", "kube06", "sda8", 1],
      ["fs-error", "kube05", "sdb", 1],
      ["fs-error", "kube06", "sda", 3],
    ]);
    const sda = diskErrors[0];
    // The sample is the kernel message; its boot-relative time is in firstSeen.
    expect(sda.sample).toBe(LINES.blk.replace(/^\[[^\]]*\]\s*/, ""));
    expect(sda.firstSeen).toBe("10910.096082");
    expect(sda.lastSeen).toBe("10911.000001");
    expect(sda).toMatchObject({ file: "apparmor/dmesg", line: 101 });

    const io = findings.find((f) => f.id === "kernel.io-error" && f.node === "kube06")!;
    expect(io.severity).toBe("critical");
    expect(io.count).toBe(41);
    expect(io.title).toBe("Catalogue title of kernel.io-error: sda, sda8");
    expect(io.evidence.map((e) => e.line)).toEqual([101, 105, 106]);
    const ext4 = findings.find((f) => f.id === "kernel.ext4-error" && f.node === "kube06")!;
    expect(ext4.count).toBe(3);
    expect(findings.find((f) => f.id === "kernel.ext4-error" && f.node === "kube05")?.title).toMatch(/sdb/);
  });

  it("the WSL trap: a 100 % loop image is not a full disk", () => {
    const wsl = controlPlane({
      node: "msi",
      ip: "127.0.0.1",
      extra: {
        diskUsage: [
          row("/dev/sdc", 19, "/"),
          row("/dev/sdd", 1, "/mnt/wsl/docker-desktop/docker-desktop-user-distro"),
          row("/dev/loop0", 100, "/mnt/wsl/docker-desktop/cli-tools"),
        ],
      },
    });
    expect(analyzeDisks([wsl], cat)).toEqual({ diskErrors: [], findings: [] });
  });

  it("disk usage: the filesystem holding /var/snap matters most", () => {
    const full = controlPlane({
      node: "kube05",
      ip: "10.0.0.5",
      extra: {
        diskUsage: [
          row("/dev/sda1", 98, "/"),
          row("/dev/sdb1", 92, "/data"),
          row("/dev/sda15", 100, "/boot/efi"),
        ],
      },
    });
    const { diskErrors, findings } = analyzeDisks([full], cat);
    expect(diskErrors.map((d) => [d.kind, d.device, d.line])).toEqual([
      ["disk-full", "/", 1],
      ["disk-full", "/data", 2],
    ]);
    expect(diskErrors[0].sample).toBe("/dev/sda1 49G 45G 4G 98% /");
    const usage = findings.find((f) => f.id === "disk.usage-high")!;
    expect(usage.severity).toBe("critical");
    expect(usage.title).toBe("Catalogue title of disk.usage-high: / at 98%, /data at 92%");
  });

  it("disk usage thresholds: 91 % on / is high, 92 % elsewhere medium, 86 % on / low without a disk error", () => {
    const rate = (rows: DiskUsageRow[]) =>
      analyzeDisks([controlPlane({ node: "kube05", ip: "10.0.0.5", extra: { diskUsage: rows } })], cat);
    expect(rate([row("/dev/sda1", 91, "/")]).findings[0].severity).toBe("high");
    expect(rate([row("/dev/sda1", 40, "/"), row("/dev/sdb1", 92, "/data")]).findings[0].severity).toBe(
      "medium",
    );
    const low = rate([row("/dev/sda1", 86, "/")]);
    expect(low.findings[0].severity).toBe("low");
    expect(low.diskErrors).toEqual([]);
    expect(rate([row("/dev/sda1", 40, "/"), row("/dev/sdb1", 95, "/var/snap")]).findings[0].severity).toBe(
      "high",
    );
  });

  it("no-space lines map to the mount holding the written path", () => {
    const line =
      'MountVolume.SetUp failed for volume "kube-api-access-w8g5f" : write /var/snap/microk8s/common/var/lib/kubelet/pods/39d37f2c/volumes/namespace: no space left on device';
    const withUsage = (percent: number) =>
      controlPlane({
        node: "kube05",
        ip: "10.0.0.5",
        hits: [
          hit("disk.no-space", "k8s/cluster-info-dump", { count: 4, samples: [{ line: 5120, text: line }] }),
        ],
        extra: {
          diskUsage: [row("/dev/sda1", 40, "/"), row("/dev/sdb1", percent, "/var/snap/microk8s/common")],
        },
      });
    // df shows space (inodes or a since-freed disk): the lines alone make the entry.
    expect(analyzeDisks([withUsage(60)], cat).diskErrors).toEqual([
      expect.objectContaining({
        kind: "disk-full",
        device: "/var/snap/microk8s/common",
        count: 4,
        sample: line,
        file: "k8s/cluster-info-dump",
        line: 5120,
      }),
    ]);
    // df also shows the mount full: one entry for the mount (4 lines + the df row).
    const both = analyzeDisks([withUsage(99)], cat).diskErrors;
    expect(both).toHaveLength(1);
    expect(both[0]).toMatchObject({ device: "/var/snap/microk8s/common", count: 5 });
  });

  it("OOM kills: critical when the victim is a control-plane process", () => {
    const oom = (victim: string) =>
      analyzeDisks(
        [
          controlPlane({
            node: "kube05",
            ip: "10.0.0.5",
            extra: { kernel: { lines: 5, events: [event("oom", victim, 3, LINES.oom)] } },
          }),
        ],
        cat,
      ).findings.find((f) => f.id === "kernel.oom")!;
    expect(oom("k8s-dqlite").severity).toBe("critical");
    expect(oom("relay").severity).toBe("high");
    expect(oom("relay").title).toMatch(/relay/);
  });

  it("a benign remount line is not a filesystem error", () => {
    const report = worker({
      node: "kube09",
      ip: "10.0.0.9",
      extra: { kernel: { lines: 1, events: [event("read-only", "sda1", 1, LINES.remount)] } },
    });
    expect(analyzeDisks([report], cat)).toEqual({ diskErrors: [], findings: [] });
  });

  it("devices counted beyond the kept events still appear", () => {
    const report = controlPlane({
      node: "kube06",
      ip: "10.0.0.6",
      extra: { kernel: { lines: 100, events: [], eventCounts: { "io-error:sdf": 12 } } },
    });
    expect(analyzeDisks([report], cat).diskErrors).toEqual([
      expect.objectContaining({ node: "kube06", device: "sdf", kind: "io-error", count: 12 }),
    ]);
  });
});
