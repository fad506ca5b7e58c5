import { describe, expect, it } from "vitest";
import { classifyKernelMessage, parseDmesg, splitKernelLine } from "../../src/parsers/index.js";
import { MAX_EVENTS_PER_KEY } from "../../src/parsers/kernel.js";
import { runParsers } from "./support.js";

/** Classifies a full dmesg/journal line the way the collector does. */
function classify(line: string) {
  return classifyKernelMessage(splitKernelLine(line).message);
}

describe("kernel line classification", () => {
  it.each([
    // Real lines quoted in report-format.md §4.E.
    [
      "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
      "io-error",
      "sda",
    ],
    ["[10910.096093] Aborting journal on device sda-8.", "fs-error", "sda"],
    [
      "[10910.096448] EXT4-fs warning (device sda): ext4_end_bio:347: I/O error 10 writing to inode 131080 starting block 597319)",
      "fs-error",
      "sda",
    ],
    ["[10910.098177] JBD2: Error -5 detected when updating journal superblock for sda-8.", "fs-error", "sda"],
    [
      "[  306.925814] I/O error, dev sda, sector 68537656 op 0x1:(WRITE) flags 0x103000 phys_seg 1 prio class 0",
      "io-error",
      "sda",
    ],
    [
      "[  306.925814] Buffer I/O error on dev sda8, logical block 8388775, lost async page write",
      "io-error",
      "sda8",
    ],
    [
      "Jul 14 10:25:59 immortal kernel: [699615.762794] print_req_error: critical medium error, dev sdf, sector 1811939592",
      "io-error",
      "sdf",
    ],
    [
      "[    9.021800] EXT4-fs (sdb): warning: mounting fs with errors, running e2fsck is recommended",
      "fs-error",
      "sdb",
    ],
    [
      "[ 5187.228904] relay invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999",
      "oom",
      "relay",
    ],
    // Generic kernel message shapes named in the brief.
    [
      "[  12.1] EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0",
      "fs-error",
      "sdb",
    ],
    ["[  12.1] EXT4-fs (sda1): Remounting filesystem read-only", "read-only", "sda1"],
    [
      '[  12.1] XFS (sdb1): metadata I/O error in "xfs_imap_to_bp+0x5c/0xa0" at daddr 0x1e0 len 32 error 5',
      "fs-error",
      "sdb1",
    ],
    ["[  12.1] XFS (dm-0): Corruption detected. Unmount and run xfs_repair", "fs-error", "dm-0"],
    ["[  12.1] XFS (sda1): Filesystem has been shut down due to log error (0x2).", "fs-error", "sda1"],
    [
      "[  12.1] BTRFS error (device sdb1): bdev /dev/sdb1 errs: wr 1, rd 0, flush 0, corrupt 0, gen 0",
      "fs-error",
      "sdb1",
    ],
    ["[  12.1] BTRFS info (device sdb1): forced readonly", "read-only", "sdb1"],
    ["[  12.1] ata1.00: failed command: READ FPDMA QUEUED", "smart", "ata1.00"],
    ["[  12.1] ata3: SError: { PHYRdyChg CommWake }", "smart", "ata3"],
    ["[  12.1] ata1.00: status: { DRDY ERR }", "smart", "ata1.00"],
    ["[  12.1] ata1.00: error: { UNC }", "smart", "ata1.00"],
    ["[  12.1] sd 2:0:0:0: [sdc] tag#1 Sense Key : Medium Error [current]", "smart", "sdc"],
    [
      "[  12.1] Out of memory: Killed process 1234 (k8s-dqlite) total-vm:2843000kB, anon-rss:1900000kB",
      "oom",
      "k8s-dqlite",
    ],
    [
      "[  12.1] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/snap.microk8s.daemon-kubelite.service,task=kubelite,pid=3510,uid=0",
      "oom",
      "kubelite",
    ],
    ["[  12.1] Memory cgroup out of memory: Killed process 99 (containerd)", "oom", "containerd"],
    [
      "Oct 29 17:22:58 microk8s-vm kernel: EXT4-fs error (device nvme0n1p2): ext4_lookup:1",
      "fs-error",
      "nvme0n1p2",
    ],
  ])("%s", (line, kind, device) => {
    expect(classify(line)).toEqual({ kind, device });
  });

  it.each([
    "[    3.327209] EXT4-fs (sda1): re-mounted. Opts: discard,errors=remount-ro. Quota mode: none.",
    "[    1.043699] EXT4-fs (sdc): mounted filesystem with ordered data mode. Opts: discard,errors=remount-ro,data=ordered. Quota mode: none.",
    "[  12.1] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
    "[    1.848870] misc dxg: dxgk: dxgkio_is_feature_enabled: Ioctl failed: -22",
    "[    2.014487] Failed to connect to bus: No such file or directory",
    "[    6.804279] WSL (253) ERROR: CheckConnection: getaddrinfo() failed: -5",
    "[    0.244389] RAS: Correctable Errors collector initialized.",
    "[  12.1] XFS (sda1): Mounting V5 Filesystem",
    "[  12.1] BTRFS info (device sda1): disk space caching is enabled",
    "[  12.1] EXT4-fs warning (device sda1): ext4_dx_add_entry:2479: Directory (ino: 2) index full, reach max htree level :2",
    "[  12.1] sd 2:0:0:0: [sdc] tag#1 Sense Key : Unit Attention [current]",
    "[  12.1] calico: oom_score_adj set to -998",
  ])("not an error: %s", (line) => {
    expect(classify(line)).toBeNull();
  });

  it("takes the journal timestamp in `journalctl -k` output and the bracket in dmesg", () => {
    expect(splitKernelLine("[  306.925814] I/O error, dev sda, sector 1")).toEqual({
      timestamp: "[  306.925814]",
      message: "I/O error, dev sda, sector 1",
    });
    expect(splitKernelLine("Oct 29 17:22:58 host kernel: [ 1.5] x").timestamp).toBe("Oct 29 17:22:58");
    expect(splitKernelLine("Oct 29 17:22:58 host kernel: EXT4-fs error").message).toBe("EXT4-fs error");
  });

  it("gives a bare 'Remounting filesystem read-only' the device of the preceding fs error", () => {
    const summary = parseDmesg(
      [
        "[ 1.0] EXT3-fs error (device sdb2): ext3_journal_start_sb: Detected aborted journal",
        "[ 1.1] Remounting filesystem read-only",
      ].join("\n"),
    );
    expect(summary.events.map((e) => [e.kind, e.device, e.line])).toEqual([
      ["fs-error", "sdb2", 1],
      ["read-only", "sdb2", 2],
    ]);
  });
});

describe("kernel collector", () => {
  it("keeps line numbers, raw text and timestamps", () => {
    const summary = parseDmesg(
      [
        "[    0.000000] Linux version 5.15.0-122-generic",
        "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
        "[10910.096093] Aborting journal on device sda-8.",
      ].join("\n"),
    );
    expect(summary.lines).toBe(3);
    expect(summary.events).toEqual([
      {
        kind: "io-error",
        device: "sda",
        line: 2,
        text: "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
        timestamp: "[10910.096082]",
      },
      {
        kind: "fs-error",
        device: "sda",
        line: 3,
        text: "[10910.096093] Aborting journal on device sda-8.",
        timestamp: "[10910.096093]",
      },
    ]);
    expect(summary.eventCounts).toEqual({ "io-error:sda": 1, "fs-error:sda": 1 });
  });

  it("caps kept events per kind and device but counts them all, streaming", () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++)
      lines.push(`[ ${i}.000000] Buffer I/O error on dev sdb1, logical block ${i}, async page read`);
    for (let i = 0; i < 3; i++)
      lines.push(`[ 9999.0] Buffer I/O error on dev sdc, logical block ${i}, async page read`);
    lines.push("[ 9999.1] ata1.00: error: { UNC }");
    const { out } = runParsers({ "apparmor/dmesg": `${lines.join("\n")}\n` }, 1000);
    const kernel = out.kernel!;
    expect(kernel.lines).toBe(5004);
    expect(kernel.eventCounts).toEqual({ "io-error:sdb1": 5000, "io-error:sdc": 3, "smart:ata1.00": 1 });
    expect(kernel.events.filter((e) => e.device === "sdb1")).toHaveLength(MAX_EVENTS_PER_KEY);
    expect(kernel.events.filter((e) => e.device === "sdc").map((e) => e.line)).toEqual([5001, 5002, 5003]);
  });

  it("bounds the number of distinct devices it tracks", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `[ 1.0] I/O error, dev sd${i}, sector 1`);
    const summary = parseDmesg(lines.join("\n"));
    expect(Object.keys(summary.eventCounts).length).toBeLessThanOrEqual(501);
    const total = Object.values(summary.eventCounts).reduce((a, b) => a + b, 0);
    expect(total).toBe(2000);
    expect(summary.events.length).toBeLessThanOrEqual(500);
  });
});
