import { describe, expect, it } from "vitest";
import { createParsedReport, PARSERS, parserFor } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

describe("parser registry", () => {
  it("creates an empty report", () => {
    expect(createParsedReport()).toEqual({ journals: {}, args: {} });
    expect(createParsedReport()).not.toBe(createParsedReport());
  });

  it("has unique ids", () => {
    const ids = PARSERS.map((parser) => parser.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ["dqlite/cluster.yaml", ["dqlite-cluster"]],
    ["dqlite/info.yaml", ["dqlite-info"]],
    ["dqlite/localnode.yaml", ["dqlite-localnode"]],
    ["dqlite/list.out", ["dqlite-list"]],
    ["snap.microk8s.daemon-k8s-dqlite/journal.log", ["service-logs"]],
    ["microk8s.daemon-k8s-dqlite/snapctl.log", ["service-logs"]],
    ["snap.microk8s.daemon-kubelite/systemctl.log", ["service-logs"]],
    ["apparmor/dmesg", ["kernel-log"]],
    ["sys/disk_usage", ["sys-disk-usage"]],
    ["sys/memory_usage", ["sys-memory-usage"]],
    ["sys/snap-list", ["sys-snap-list"]],
    ["sys/aio-nr", ["sys-sysctl"]],
    ["sys/inotify_max_user_watches", ["sys-sysctl"]],
    ["k8s/cluster-info-dump", ["k8s-cluster-info-dump"]],
    ["k8s/get-all", ["k8s-get-all"]],
    ["k8s/version", ["k8s-version"]],
    ["network/iptables-L", ["network-iptables-l"]],
    ["network/ip-route", ["network-ip-route"]],
    ["network/ip-addr", ["network-ip-addr"]],
    ["args/kubelet", ["args-flags"]],
    ["bom.json", ["bom"]],
  ])("%s → %j", (path, ids) => {
    expect(parserFor(path).map((parser) => parser.id)).toEqual(ids);
  });

  it.each([
    "k8s/cluster-info",
    "sys/ps",
    "args/cni-network/cni.yaml",
    "args/k8s-dqlite-env",
    "inspection-report/dqlite/cluster.yaml",
    "constructor",
    "__proto__",
    "sys/constructor",
  ])("ignores %s", (path) => {
    expect(parserFor(path)).toEqual([]);
  });

  it("never throws on binary garbage in any known file", () => {
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + (i >> 3)) % 256));
    const paths = [
      "dqlite/cluster.yaml",
      "dqlite/info.yaml",
      "dqlite/localnode.yaml",
      "dqlite/list.out",
      "snap.microk8s.daemon-k8s-dqlite/journal.log",
      "apparmor/dmesg",
      "sys/disk_usage",
      "sys/memory_usage",
      "sys/snap-list",
      "sys/aio-nr",
      "k8s/cluster-info-dump",
      "k8s/get-all",
      "k8s/version",
      "network/iptables-L",
      "network/ip-route",
      "network/ip-addr",
      "args/kubelet",
      "bom.json",
    ];
    const { out } = runParsers(Object.fromEntries(paths.map((path) => [path, garbage])), 1000);
    expect(out.dqliteCluster?.ok).toBe(false);
    expect(out.dqliteInfo?.ok).toBe(false);
    expect(out.journals["snap.microk8s.daemon-k8s-dqlite/journal.log"].lines).toBeGreaterThan(0);
    expect(out.clusterInfoDump?.available).toBe(false);
    expect(out.bom).toBeUndefined();
  });
});
