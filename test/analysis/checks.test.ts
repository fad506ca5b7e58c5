import { describe, expect, it } from "vitest";
import { computedChecks, podChecks } from "../../src/analysis/checks.js";
import type { GetAllRow, ParsedReport } from "../../src/parsers/types.js";
import { catalogue, controlPlane, DQLITE_JOURNAL, hit, journal } from "./support.js";

const cat = catalogue();

function check(extra: Partial<ParsedReport>, hits = [] as ReturnType<typeof hit>[]) {
  return computedChecks(controlPlane({ node: "kube05", ip: "10.0.0.5", extra, hits }), cat);
}

/** Values of the healthy single-node report of report-format.md §5 (v1.28.14 on a 4 GB VM). */
const HEALTHY: Partial<ParsedReport> = {
  sysctl: { aioNr: 1, aioMaxNr: 1048576, inotifyMaxUserInstances: 1024, inotifyMaxUserWatches: 1048576 },
  memory: { totalMiB: 3911, usedMiB: 1065, availableMiB: 2644, swapTotalMiB: 0, swapUsedMiB: 0 },
  iptablesL: { forwardPolicy: "ACCEPT" },
  ipRoute: {
    hasDefaultRoute: true,
    routes: ["default via 172.22.96.1 dev eth0 proto dhcp src 172.22.104.186 metric 100"],
  },
  k8sVersion: { client: "v1.28.14", server: "v1.28.14", error: null },
  args: { kubelet: { "--cluster-dns": "10.152.183.10" } },
};

describe("computedChecks", () => {
  it("a healthy report raises nothing", () => {
    expect(check(HEALTHY)).toEqual([]);
  });

  it("dqlite.aio-exhausted when fs.aio-nr reaches fs.aio-max-nr", () => {
    const [finding] = check({ ...HEALTHY, sysctl: { ...HEALTHY.sysctl!, aioNr: 65536, aioMaxNr: 65536 } });
    expect(finding).toMatchObject({ id: "dqlite.aio-exhausted", severity: "high", node: "kube05" });
    expect(finding.evidence.map((e) => e.file)).toEqual(["sys/aio-nr", "sys/aio-max-nr"]);
  });

  it("inspect.inotify-low below the inspect script's limits", () => {
    const [finding] = check({ ...HEALTHY, sysctl: { ...HEALTHY.sysctl!, inotifyMaxUserInstances: 128 } });
    expect(finding.id).toBe("inspect.inotify-low");
    expect(finding.title).toMatch(/max_user_instances 128 < 1024/);
  });

  it("mem.low when under 10 % is available, or swap is heavily used", () => {
    const low = check({
      ...HEALTHY,
      memory: { totalMiB: 3911, usedMiB: 3700, availableMiB: 190, swapTotalMiB: 0, swapUsedMiB: 0 },
    });
    expect(low.map((f) => f.id)).toEqual(["mem.low"]);
    expect(low[0].title).toMatch(/190 MiB of 3911 MiB available \(5%\)/);
    const swap = check({
      ...HEALTHY,
      memory: { totalMiB: 8000, usedMiB: 4000, availableMiB: 3000, swapTotalMiB: 2048, swapUsedMiB: 1800 },
    });
    expect(swap[0].title).toMatch(/swap 1800 of 2048 MiB in use/);
    expect(swap[0].evidence[0]).toMatchObject({ file: "sys/memory_usage", line: 3 });
  });

  it("inspect.forward-drop and inspect.no-default-route", () => {
    const found = check({
      ...HEALTHY,
      iptablesL: { forwardPolicy: "DROP" },
      ipRoute: { hasDefaultRoute: false, routes: ["10.0.0.0/24 dev eth0"] },
    });
    expect(found.map((f) => f.id).sort()).toEqual(["inspect.forward-drop", "inspect.no-default-route"]);
  });

  it("inspect.hostname-invalid: upper-case hostname and no --hostname-override", () => {
    const journals = {
      [DQLITE_JOURNAL]: journal(DQLITE_JOURNAL, "msi", { hosts: ["MSI", "msi"] }),
    };
    const found = check({ ...HEALTHY, journals });
    expect(found.map((f) => f.id)).toEqual(["inspect.hostname-invalid"]);
    expect(found[0].evidence[0].text).toBe(
      'journal host field "MSI"; args/kubelet has no --hostname-override',
    );
    const overridden = check({ ...HEALTHY, journals, args: { kubelet: { "--hostname-override": "msi" } } });
    expect(overridden).toEqual([]);
  });

  it("apiserver.unreachable from k8s/version when the scanner did not already quote it", () => {
    const refused =
      "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?";
    const version = { client: "v1.25.16", server: null, error: refused };
    const found = check({ ...HEALTHY, k8sVersion: version });
    expect(found).toEqual([expect.objectContaining({ id: "apiserver.unreachable", severity: "critical" })]);
    expect(found[0].evidence[0]).toMatchObject({ file: "k8s/version", text: refused });
    const scanned = check({ ...HEALTHY, k8sVersion: version }, [
      hit("apiserver.unreachable", "k8s/version", { samples: [{ line: 3, text: refused }] }),
    ]);
    expect(scanned).toEqual([]);
  });
});

describe("podChecks", () => {
  const pod = (namespace: string, name: string, status: string, node = "kube08"): GetAllRow => ({
    namespace,
    kind: "pod",
    name,
    ready: status === "Running" ? "1/1" : "0/1",
    status,
    restarts: 0,
    node,
  });
  const report = (node: string, pods: GetAllRow[]) =>
    controlPlane({ node, ip: "10.0.0.5", extra: { getAll: { available: true, error: null, pods } } });

  it("one cluster-wide finding for pods not running, each pod once across the reports' copies", () => {
    const pods = [
      pod("monitoring", "prometheus-stack-kube-state-metrics-wckvrps25-rl5vm", "ContainerCreating"),
      pod("default", "web-1", "Running"),
      pod("default", "job-1", "Completed"),
    ];
    const findings = podChecks([report("kube05", pods), report("kube06", pods)], cat);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "k8s.pods-not-running",
      node: null,
      count: 1,
      severity: "low",
      title: "Pods not running: 1 pod (ContainerCreating)",
    });
    expect(findings[0]!.evidence.map((e) => e.text)).toEqual([
      "monitoring/prometheus-stack-kube-state-metrics-wckvrps25-rl5vm: ContainerCreating, ready 0/1, on kube08",
    ]);
  });

  it("kube-system pods weigh more; all running (or the API down) raises nothing", () => {
    const calico = [pod("kube-system", "calico-node-x2x9k", "CrashLoopBackOff")];
    expect(podChecks([report("kube05", calico)], cat)[0]).toMatchObject({ severity: "medium" });
    expect(podChecks([report("kube05", [pod("default", "web-1", "Running")])], cat)).toEqual([]);
    const down = controlPlane({
      node: "kube05",
      ip: "10.0.0.5",
      extra: {
        getAll: {
          available: false,
          error: "The connection to the server 127.0.0.1:16443 was refused",
          pods: [],
        },
      },
    });
    expect(podChecks([down], cat)).toEqual([]);
  });
});
