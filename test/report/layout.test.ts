import { describe, expect, it } from "vitest";
import { detectLayout } from "../../src/report/layout.js";
import type { ReportFileEntry } from "../../src/report/types.js";

/** Listing with one journal (+ status file) per service, as inspect.sh's check_service writes them. */
function listing(
  prefix: string,
  services: string[],
  statusFile: string,
  extra: string[] = [],
): ReportFileEntry[] {
  const paths = services.flatMap((svc) => [`${prefix}${svc}/journal.log`, `${prefix}${svc}/${statusFile}`]);
  return [...paths, ...extra].map((path) => ({ path, size: 10 }));
}

const classic = (services: string[], extra: string[] = []) =>
  listing("snap.microk8s.daemon-", services, "systemctl.log", extra);

describe("detectLayout", () => {
  it("classic 1.28 control plane", () => {
    const layout = detectLayout(
      classic(
        ["cluster-agent", "containerd", "kubelite", "k8s-dqlite", "apiserver-kicker"],
        [
          "dqlite/cluster.yaml",
          "dqlite/info.yaml",
          "dqlite/list.out",
          "network/ss",
          "bom.json",
          "sys/aio-nr",
        ],
      ),
    );
    expect(layout).toEqual({
      confinement: "classic",
      role: "control-plane",
      servicePrefix: "snap.microk8s.daemon-",
      services: ["apiserver-kicker", "cluster-agent", "containerd", "k8s-dqlite", "kubelite"],
      datastoreService: "k8s-dqlite",
      era: ">=1.23",
      hasDqliteFolder: true,
    });
  });

  it("strict confinement (microk8s.daemon-* folders, snapctl.log)", () => {
    const layout = detectLayout(
      listing("microk8s.daemon-", ["cluster-agent", "containerd", "kubelite", "k8s-dqlite"], "snapctl.log", [
        "dqlite/cluster.yaml",
      ]),
    );
    expect(layout.confinement).toBe("strict");
    expect(layout.servicePrefix).toBe("microk8s.daemon-");
    expect(layout.role).toBe("control-plane");
    expect(layout.era).toBe(">=1.23");
    expect(layout.datastoreService).toBe("k8s-dqlite");
  });

  it("strict without any journal folder still tells from snapctl.log being the status file", () => {
    // Odd listing with both folder styles: the status file breaks the tie.
    const files = [
      { path: "microk8s.daemon-kubelite/snapctl.log", size: 1 },
      { path: "snap.microk8s.daemon-kubelite/journal.log", size: 1 },
    ];
    expect(detectLayout(files).confinement).toBe("strict");
  });

  it("1.26+ worker: apiserver-proxy, no k8s-dqlite", () => {
    const layout = detectLayout(
      classic(
        ["cluster-agent", "containerd", "kubelite", "apiserver-proxy"],
        ["dqlite/cluster.yaml", "network/ss"],
      ),
    );
    expect(layout.role).toBe("worker");
    expect(layout.era).toBe(">=1.23");
    expect(layout.datastoreService).toBeNull();
    // The worker's dqlite/ copy is stale but present.
    expect(layout.hasDqliteFolder).toBe(true);
  });

  it("1.25 worker: apiserver-proxy next to the (inactive) k8s-dqlite folder is still a worker", () => {
    const layout = detectLayout(
      classic(["cluster-agent", "containerd", "kubelite", "k8s-dqlite", "apiserver-proxy"]),
    );
    expect(layout.role).toBe("worker");
    expect(layout.datastoreService).toBeNull();
  });

  it("1.23–1.24 worker: traefik instead of apiserver-proxy", () => {
    const layout = detectLayout(
      classic(["cluster-agent", "containerd", "kubelite", "k8s-dqlite", "traefik"]),
    );
    expect(layout.role).toBe("worker");
    expect(layout.era).toBe(">=1.23");
  });

  it("1.21–1.22: kubelite only, dqlite embedded in it", () => {
    const layout = detectLayout(
      classic(
        ["cluster-agent", "containerd", "apiserver-kicker", "kubelite"],
        ["network/netstat", "network/ifconfig"],
      ),
    );
    expect(layout.era).toBe("1.21-1.22");
    expect(layout.role).toBe("control-plane");
    expect(layout.datastoreService).toBe("kubelite");
    expect(layout.hasDqliteFolder).toBe(false);
  });

  it("a lone kubelite journal is not dated: the missing k8s-dqlite folder proves nothing", () => {
    const layout = detectLayout([{ path: "snap.microk8s.daemon-kubelite/journal.log", size: 100 }]);
    expect(layout.era).toBeNull();
    expect(layout.role).toBe("unknown");
    expect(layout.datastoreService).toBeNull();
    expect(layout.confinement).toBe("classic");
  });

  it("<=1.20: separate daemons, dqlite inside the apiserver", () => {
    const layout = detectLayout(
      classic(
        [
          "cluster-agent",
          "containerd",
          "apiserver",
          "apiserver-kicker",
          "proxy",
          "kubelet",
          "scheduler",
          "controller-manager",
        ],
        ["network/netstat"],
      ),
    );
    expect(layout.era).toBe("<=1.20");
    expect(layout.role).toBe("control-plane");
    expect(layout.datastoreService).toBe("apiserver");
    expect(layout.confinement).toBe("classic");
  });

  it("legacy etcd/flanneld: no dqlite datastore, role unknown", () => {
    const layout = detectLayout(
      classic([
        "cluster-agent",
        "containerd",
        "apiserver",
        "kubelet",
        "proxy",
        "scheduler",
        "controller-manager",
        "flanneld",
        "etcd",
      ]),
    );
    expect(layout.datastoreService).toBeNull();
    expect(layout.role).toBe("unknown");
    expect(layout.era).toBe("<=1.20");
  });

  it("legacy etcd with kubelite and modern network files is a 1.23+ non-HA node", () => {
    const layout = detectLayout(
      classic(["cluster-agent", "containerd", "kubelite", "flanneld", "etcd"], ["network/ss"]),
    );
    expect(layout.era).toBe(">=1.23");
    expect(layout.datastoreService).toBeNull();
    expect(layout.role).toBe("unknown");
  });

  it("legacy etcd with kubelite and nothing else cannot be dated", () => {
    const layout = detectLayout(classic(["kubelite", "flanneld", "etcd"]));
    expect(layout.era).toBeNull();
  });

  it("does not take args/etcd or args/flanneld files for services", () => {
    const layout = detectLayout(
      classic(["kubelite", "k8s-dqlite"], ["args/etcd", "args/flanneld", "args/traefik/x.yaml"]),
    );
    expect(layout.services).toEqual(["k8s-dqlite", "kubelite"]);
    expect(layout.role).toBe("control-plane");
  });

  it("a listing without services says so", () => {
    const layout = detectLayout([
      { path: "sys/ps", size: 1 },
      { path: "k8s/get-all", size: 1 },
    ]);
    expect(layout).toEqual({
      confinement: null,
      role: "unknown",
      servicePrefix: "snap.microk8s.daemon-",
      services: [],
      datastoreService: null,
      era: null,
      hasDqliteFolder: false,
    });
  });
});
