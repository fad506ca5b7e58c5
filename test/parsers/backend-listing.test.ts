import { describe, expect, it } from "vitest";
import { parseBackendListing, parseSize } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

describe("parseSize", () => {
  it("converts ls -h sizes with powers of 1024", () => {
    expect(parseSize("63")).toBe(63);
    expect(parseSize("1.9K")).toBe(Math.round(1.9 * 1024));
    expect(parseSize("8.0M")).toBe(8 * 1024 * 1024);
    expect(parseSize("156M")).toBe(156 * 1024 * 1024);
    expect(parseSize("2.5G")).toBe(2.5 * 1024 ** 3);
    expect(parseSize("8,0M")).toBe(8 * 1024 * 1024);
    expect(parseSize("root")).toBeNull();
    expect(parseSize("")).toBeNull();
  });
});

describe("parseBackendListing", () => {
  const listing = [
    "total 156M",
    "-rw-rw---- 1 root microk8s 8.0M Oct 29 18:03 0000000000014337-0000000000014731",
    "-rw-rw---- 1 root microk8s 3.1M Oct 29 18:06 0000000000015121-0000000000015360",
    "-rw-rw---- 1 root microk8s 1.9K Oct 29 17:22 cluster.crt",
    "-rw-rw---- 1 root microk8s   63 Oct 29 18:21 cluster.yaml",
    "srw-rw---- 1 root microk8s    0 Oct 29 17:41 kine.sock:12379",
    "-rw-rw---- 1 root microk8s 8.0M Oct 29 18:21 open-44",
    "-rw-rw---- 1 root microk8s 8.0M Oct 29 18:21 open-45",
    "-rw-rw---- 1 root microk8s 1.6M Oct 29 18:21 snapshot-1-21504-2419498",
    "-rw-rw---- 1 root microk8s   72 Oct 29 18:21 snapshot-1-21504-2419498.meta",
    "-rw-rw---- 1 root microk8s  120 Mar  3  2023 join",
    "-rw-rw---- 1 root microk8s   80 Mar  3  2023 init.yaml",
    "-rw-rw---- 1 root microk8s   63 Mar  3  2023 localnode.yaml",
    "",
  ].join("\n");

  it("counts segments, snapshots (not their .meta) and flags leftover files", () => {
    const result = parseBackendListing(listing);
    expect(result.totalBytes).toBe(156 * 1024 * 1024);
    expect(result.closedSegments).toBe(2);
    expect(result.openSegments).toBe(2);
    expect(result.snapshots).toBe(1);
    expect(result.hasJoinFile).toBe(true);
    expect(result.hasInitYaml).toBe(true);
    expect(result.hasLocalnodeYaml).toBe(true);
    expect(result.entries).toHaveLength(12);
    expect(result.entries[0]).toEqual({
      name: "0000000000014337-0000000000014731",
      sizeBytes: 8 * 1024 * 1024,
      mtime: "Oct 29 18:03",
    });
    expect(result.entries.find((e) => e.name === "kine.sock:12379")?.sizeBytes).toBe(0);
    expect(result.entries.find((e) => e.name === "join")?.mtime).toBe("Mar 3 2023");
  });

  it("gives all zero for an empty file", () => {
    expect(parseBackendListing("")).toEqual({
      totalBytes: null,
      entries: [],
      closedSegments: 0,
      openSegments: 0,
      snapshots: 0,
      hasJoinFile: false,
      hasInitYaml: false,
      hasLocalnodeYaml: false,
    });
  });

  it("ignores lines that are not ls entries and strips symlink targets", () => {
    const result = parseBackendListing(
      "ls: cannot access '/x': No such file or directory\ngarbage line\n" +
        "lrwxrwxrwx 1 root root 12 Oct 29 18:21 info.yaml -> /elsewhere/info.yaml\n",
    );
    expect(result.entries.map((e) => e.name)).toEqual(["info.yaml"]);
  });

  it("is filled by the dqlite/list.out parser", () => {
    const { out } = runParsers({ "dqlite/list.out": listing });
    expect(out.dqliteList?.openSegments).toBe(2);
  });
});
