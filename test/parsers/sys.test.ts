import { describe, expect, it } from "vitest";
import { parseDiskUsage, parseMemoryUsage, parseSnapList, parseSysctl } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

describe("parseDiskUsage", () => {
  it("reads df -h rows, including a 100% loop device and mount points with spaces", () => {
    const text = [
      "/dev/sdc                                  251G   45G  194G  19% /",
      "/dev/loop0                                511M  511M     0 100% /mnt/wsl/docker-desktop/cli-tools",
      "/dev/sdb1       100G   91G  9.0G  91% /media/My Disk",
      "/dev/mapper/a-very-long-volume-name-that-wrapped",
      "",
    ].join("\n");
    expect(parseDiskUsage(text)).toEqual([
      { filesystem: "/dev/sdc", size: "251G", used: "45G", avail: "194G", usePercent: 19, mountpoint: "/" },
      {
        filesystem: "/dev/loop0",
        size: "511M",
        used: "511M",
        avail: "0",
        usePercent: 100,
        mountpoint: "/mnt/wsl/docker-desktop/cli-tools",
      },
      {
        filesystem: "/dev/sdb1",
        size: "100G",
        used: "91G",
        avail: "9.0G",
        usePercent: 91,
        mountpoint: "/media/My Disk",
      },
    ]);
  });

  it("skips a header line if one is present", () => {
    const text =
      "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        49G  4.1G   45G   9% /\n";
    expect(parseDiskUsage(text).map((row) => row.mountpoint)).toEqual(["/"]);
  });
});

describe("parseMemoryUsage", () => {
  it("reads the current free -m layout", () => {
    const text = [
      "               total        used        free      shared  buff/cache   available",
      "Mem:           15878        6990         590          52        8297        8512",
      "Swap:           4096           0        4096",
    ].join("\n");
    expect(parseMemoryUsage(text)).toEqual({
      totalMiB: 15878,
      usedMiB: 6990,
      availableMiB: 8512,
      swapTotalMiB: 4096,
      swapUsedMiB: 0,
    });
  });

  it("reads the old buffers/cached layout (no available column)", () => {
    const text = [
      "             total       used       free     shared    buffers     cached",
      "Mem:          7983       7801        182          0        110       1510",
      "-/+ buffers/cache:       6180       1803",
      "Swap:         2047       1024       1023",
    ].join("\n");
    expect(parseMemoryUsage(text)).toEqual({
      totalMiB: 7983,
      usedMiB: 7801,
      availableMiB: null,
      swapTotalMiB: 2047,
      swapUsedMiB: 1024,
    });
  });

  it("gives null without a Mem row", () => {
    expect(parseMemoryUsage("free: command not found\n")).toBeNull();
  });
});

describe("parseSnapList", () => {
  it("maps columns by the header; publisher marks do not shift columns", () => {
    const text = [
      "Name                         Version        Rev    Tracking       Publisher    Notes",
      "core20                       20240705       2379   latest/stable  canonical**  base",
      "lxd                          5.0.3-80aeff7  29351  5.0/stable/…   canonical✓   -",
      "microk8s                     v1.28.14       7231   1.28/stable    canonical**  classic",
      "hello                        2.10           38     -              -            disabled,devmode",
    ].join("\n");
    expect(parseSnapList(text)).toEqual([
      { name: "core20", version: "20240705", rev: "2379", tracking: "latest/stable", notes: "base" },
      { name: "lxd", version: "5.0.3-80aeff7", rev: "29351", tracking: "5.0/stable/…", notes: "-" },
      { name: "microk8s", version: "v1.28.14", rev: "7231", tracking: "1.28/stable", notes: "classic" },
      { name: "hello", version: "2.10", rev: "38", tracking: "-", notes: "disabled,devmode" },
    ]);
  });

  it("gives no rows without the header", () => {
    expect(parseSnapList("error: cannot communicate with server\n")).toEqual([]);
  });
});

describe("sysctl files", () => {
  it("parses name = value lines", () => {
    expect(parseSysctl("fs.aio-nr = 12345\n")).toEqual({ "fs.aio-nr": 12345 });
  });

  it("merges the four files into one object", () => {
    const { out } = runParsers({
      "sys/aio-nr": "fs.aio-nr = 65536\n",
      "sys/aio-max-nr": "fs.aio-max-nr = 65536\n",
      "sys/inotify_max_user_instances": "fs.inotify.max_user_instances = 128\n",
    });
    expect(out.sysctl).toEqual({
      aioNr: 65536,
      aioMaxNr: 65536,
      inotifyMaxUserInstances: 128,
      inotifyMaxUserWatches: null,
    });
  });

  it("accepts a bare number and ignores an error text", () => {
    const { out } = runParsers({
      "sys/inotify_max_user_watches": "1048576\n",
      "sys/aio-nr": "sysctl: cannot stat /proc/sys/fs/aio-nr: No such file or directory\n",
    });
    expect(out.sysctl).toEqual({
      aioNr: null,
      aioMaxNr: null,
      inotifyMaxUserInstances: null,
      inotifyMaxUserWatches: 1048576,
    });
  });
});
