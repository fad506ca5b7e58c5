import { describe, expect, it } from "vitest";
import {
  deepestPrefixHolding,
  isServiceFolder,
  isUnderPrefix,
  normaliseEntryPath,
  relativeToPrefix,
  reportPrefixOf,
} from "../../src/report/prefix.js";

describe("normaliseEntryPath", () => {
  it.each([
    ["inspection-report/dqlite/cluster.yaml", "inspection-report/dqlite/cluster.yaml"],
    ["./inspection-report/dqlite/cluster.yaml", "inspection-report/dqlite/cluster.yaml"],
    ["inspection-report//k8s/./get-all", "inspection-report/k8s/get-all"],
    ["inspection-report/", "inspection-report"],
    ["./", ""],
  ])("keeps %s as %s", (raw, expected) => {
    expect(normaliseEntryPath(raw)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ["/etc/passwd", "absolute"],
    ["C:/Windows/win.ini", "absolute"],
    ["\\\\server\\share\\x", "absolute"],
    ["../../etc/passwd", "escapes"],
    ["./../x", "escapes"],
    ["inspection-report/../../x", "escapes"],
    ["..\\..\\x", "escapes"],
    ["inspection-report/../x", "parent-segment"],
    ["inspection-report/k8s/../sys/ps", "parent-segment"],
  ])("refuses %s (%s)", (raw, reason) => {
    expect(normaliseEntryPath(raw)).toEqual({ ok: false, reason });
  });

  it("does not mistake names containing dots for parent segments", () => {
    expect(normaliseEntryPath("inspection-report/..hidden/x..y")).toEqual({
      ok: true,
      path: "inspection-report/..hidden/x..y",
    });
  });
});

describe("isServiceFolder", () => {
  it.each([
    "snap.microk8s.daemon-kubelite",
    "microk8s.daemon-k8s-dqlite",
    "snap.microk8s.daemon-apiserver-proxy",
  ])("accepts %s", (name) => expect(isServiceFolder(name)).toBe(true));
  it.each([
    "snap.microk8s.daemon-",
    "microk8s.kubelite",
    "snap.lxd.daemon",
    "xsnap.microk8s.daemon-kubelite",
  ])("rejects %s", (name) => expect(isServiceFolder(name)).toBe(false));
});

describe("reportPrefixOf", () => {
  it.each([
    ["inspection-report/dqlite/cluster.yaml", "inspection-report"],
    ["inspection-report/snap.microk8s.daemon-kubelite/journal.log", "inspection-report"],
    ["inspection-report/microk8s.daemon-k8s-dqlite/snapctl.log", "inspection-report"],
    ["inspection-report/bom.json", "inspection-report"],
    ["dqlite/cluster.yaml", ""],
    ["snap.microk8s.daemon-kubelite/journal.log", ""],
    ["bom.json", ""],
    ["kube05-report/k8s/get-all", "kube05-report"],
    ["tmp/kube05/inspection-report/sys/ps", "tmp/kube05/inspection-report"],
    ["kube06/inspection-report/args/cni-network/cni.yaml", "kube06/inspection-report"],
    // The first known child decides, so deeper names inside the report do not matter.
    ["inspection-report/args/certs.d/k8s/hosts.toml", "inspection-report"],
    // A user folder named like a report child: the child under `inspection-report` wins …
    ["k8s/inspection-report/sys/ps", "k8s/inspection-report"],
    // … and report children never nest, so `k8s/dqlite/` means `k8s` is the user's folder.
    ["k8s/dqlite/cluster.yaml", "k8s"],
  ])("%s → %s", (path, prefix) => {
    expect(reportPrefixOf(path)).toBe(prefix);
  });

  it.each([
    "inspection-report/README",
    "README.md",
    "kube05/inspection-report/notes.txt",
    // Known names only count as folders; a file called `k8s` or a folder called `bom.json` does not.
    "inspection-report/k8s",
    "inspection-report/bom.json/x",
  ])("cannot decide %s", (path) => {
    expect(reportPrefixOf(path)).toBeNull();
  });
});

describe("prefix helpers", () => {
  it("isUnderPrefix treats the empty prefix as the root and respects segment boundaries", () => {
    expect(isUnderPrefix("anything/at/all", "")).toBe(true);
    expect(isUnderPrefix("inspection-report/x", "inspection-report")).toBe(true);
    expect(isUnderPrefix("inspection-report-2/x", "inspection-report")).toBe(false);
    expect(isUnderPrefix("inspection-report", "inspection-report")).toBe(false);
  });

  it("relativeToPrefix strips the folder", () => {
    expect(relativeToPrefix("kube05/inspection-report/sys/ps", "kube05/inspection-report")).toBe("sys/ps");
    expect(relativeToPrefix("sys/ps", "")).toBe("sys/ps");
  });

  it("deepestPrefixHolding picks the most specific folder", () => {
    const prefixes = ["", "kube05/inspection-report", "kube05"];
    expect(deepestPrefixHolding("kube05/inspection-report/README", prefixes)).toBe(
      "kube05/inspection-report",
    );
    expect(deepestPrefixHolding("kube05/notes", prefixes)).toBe("kube05");
    expect(deepestPrefixHolding("other", prefixes)).toBe("");
    expect(deepestPrefixHolding("other", ["kube05"])).toBeNull();
  });
});
