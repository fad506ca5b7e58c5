import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { eraFeatures, expectedServices } from "../../scripts/samples/spec.js";
import {
  buildReport,
  type ExtractedReport,
  era122Specs,
  era125Specs,
  extractTarGz,
  lostQuorumSpecs,
  type ReportSpec,
  reportPaths,
  reportText,
  singleNode128Spec,
  singleNode132Spec,
  strictReportSpecs,
  workerReportSpecs,
} from "../support/reports.js";

// Report folder layout per generation, from scripts/inspect.sh (report-format.md §2).
const JOURNAL_LINE = /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [a-z0-9-]+ [\w.-]+\[\d+\]: /;
const BOOT_LINE = /^-- Boot [0-9a-f]{32} --$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function stampOf(line: string): number {
  const [mon, day, clock] = line.split(" ");
  const [h, m, s] = clock.split(":").map(Number);
  return Date.UTC(2000, MONTHS.indexOf(mon), Number(day), h, m, s);
}

const built = new Map<string, ExtractedReport>();
async function report(name: string, spec: ReportSpec): Promise<ExtractedReport> {
  let r = built.get(name);
  if (!r) {
    r = await extractTarGz(await buildReport(spec));
    built.set(name, r);
  }
  return r;
}

describe("generation features", () => {
  it("maps versions to the layout changes of inspect.sh", () => {
    expect(eraFeatures("v1.22.17")).toMatchObject({
      embeddedDqlite: true,
      legacyNetTools: true,
      jujuKubeflow: true,
      bom: false,
    });
    expect(eraFeatures("v1.26.0")).toMatchObject({
      embeddedDqlite: false,
      ipAddrHoldsRoutes: true,
      ipRouteFile: false,
      bom: false,
      versionWarning: true,
    });
    expect(eraFeatures("v1.28.14")).toMatchObject({
      bom: true,
      sysctls: true,
      ipAddrHoldsRoutes: true,
      versionInfoForm: false,
    });
    expect(eraFeatures("v1.32.3")).toMatchObject({
      ipAddrHoldsRoutes: false,
      ipRouteFile: true,
      copiesLocalnode: true,
    });
    expect(eraFeatures("v1.36.0").copiesLocalnode).toBe(false);
    expect(() => eraFeatures("2.0")).toThrow();
  });

  it("lists the services inspect.sh checks per role", () => {
    const v = (version: string) => ({ version, revision: "1" });
    expect(expectedServices({ microk8s: v("v1.26.0"), role: "control-plane", dqlite: {} as never })).toEqual([
      "cluster-agent",
      "containerd",
      "kubelite",
      "k8s-dqlite",
      "apiserver-kicker",
    ]);
    expect(expectedServices({ microk8s: v("v1.27.5"), role: "worker", dqlite: {} as never })).toEqual([
      "cluster-agent",
      "containerd",
      "kubelite",
      "apiserver-proxy",
    ]);
    expect(expectedServices({ microk8s: v("v1.26.0"), role: "control-plane", dqlite: null })).toContain(
      "etcd",
    );
    expect(expectedServices({ microk8s: v("v1.22.17"), role: "control-plane", dqlite: {} as never })).toEqual(
      ["cluster-agent", "containerd", "apiserver-kicker", "kubelite"],
    );
  });
});

describe("classic v1.28 single node", () => {
  let r: ExtractedReport;
  beforeAll(async () => {
    r = await report("1.28", singleNode128Spec()[0]);
  });

  it("has one top folder, folders before their files, and the 1.28 file set", () => {
    expect(r.warnings).toEqual([]);
    expect(r.entries[0]).toMatchObject({ path: "inspection-report/", type: "Directory" });
    const seen = new Set<string>();
    for (const e of r.entries) {
      expect(e.path.startsWith("inspection-report/")).toBe(true);
      if (e.type === "Directory") seen.add(e.path);
      else expect(seen.has(e.path.replace(/[^/]+$/, ""))).toBe(true);
    }
    const paths = reportPaths(r);
    for (const svc of ["cluster-agent", "containerd", "kubelite", "k8s-dqlite", "apiserver-kicker"]) {
      expect(paths).toContain(`snap.microk8s.daemon-${svc}/journal.log`);
      expect(paths).toContain(`snap.microk8s.daemon-${svc}/systemctl.log`);
    }
    for (const p of [
      "bom.json",
      "sys/aio-nr",
      "sys/aio-max-nr",
      "sys/inotify_max_user_watches",
      "sys/snap-list",
      "network/ss",
      "dqlite/cluster.yaml",
      "dqlite/info.yaml",
      "dqlite/list.out",
      "apparmor/aa-status",
      "k8s/cluster-info-dump",
    ]) {
      expect(paths).toContain(p);
    }
    for (const p of [
      "network/ip-route",
      "dqlite/localnode.yaml",
      "snap.microk8s.daemon-apiserver-proxy/journal.log",
      "juju/status",
    ]) {
      expect(paths).not.toContain(p);
    }
  });

  it("writes ip route output into network/ip-addr (the 1.25–1.31 script bug)", () => {
    expect(reportText(r, "network/ip-addr")).toMatch(/^default via 192\.168\.1\.1 dev eno1 /);
  });

  it("writes journal lines in journalctl's short format, in time order", () => {
    for (const path of reportPaths(r).filter((p) => p.endsWith("journal.log"))) {
      const lines = reportText(r, path).trimEnd().split("\n");
      let last = 0;
      for (const line of lines) {
        if (BOOT_LINE.test(line)) continue;
        expect(line, `${path}: ${line}`).toMatch(JOURNAL_LINE);
        const t = stampOf(line);
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
  });

  it("puts the journal's tail under the systemctl status block", () => {
    const journal = reportText(r, "snap.microk8s.daemon-kubelite/journal.log").trimEnd().split("\n");
    const status = reportText(r, "snap.microk8s.daemon-kubelite/systemctl.log");
    expect(status).toMatch(
      /^● snap\.microk8s\.daemon-kubelite\.service - Service for snap application microk8s\.daemon-kubelite\n/,
    );
    expect(status).toMatch(
      /\n {5}Active: active \(running\) since Mon 2024-03-11 08:02:\d\d CET; 8h 4\dmin ago\n/,
    );
    expect(status.trimEnd().split("\n").slice(-10)).toEqual(journal.slice(-10));
  });

  it("starts services with the wrapper's set -x noise and the daemon's own lines", () => {
    const dq = reportText(r, "snap.microk8s.daemon-k8s-dqlite/journal.log");
    expect(dq).toMatch(
      /microk8s\.daemon-k8s-dqlite\[\d+\]: \+ export PATH=\/snap\/microk8s\/6532\/usr\/sbin:/,
    );
    expect(dq).toMatch(/level=info msg="Started dqlite" address="127\.0\.0\.1:19001" id=3297041220608546238/);
    expect(dq).toContain("systemd[1]: Started Service for snap application microk8s.daemon-k8s-dqlite.");
  });

  it("keeps dqlite ids exact and the backend listing plausible", () => {
    const cluster = reportText(r, "dqlite/cluster.yaml");
    expect(cluster).toBe("- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0\n");
    expect(parseYaml(reportText(r, "dqlite/info.yaml"))).toMatchObject({
      Address: "127.0.0.1:19001",
      Role: 0,
    });
    const list = reportText(r, "dqlite/list.out").trimEnd().split("\n");
    expect(list[0]).toMatch(/^total \d+(\.\d)?[KMG]$/);
    expect(list.filter((l) => / \d{16}-\d{16}$/.test(l))).toHaveLength(12);
    expect(list.filter((l) => / open-\d+$/.test(l))).toHaveLength(3);
    expect(list.filter((l) => / snapshot-\d+-\d+-\d+$/.test(l))).toHaveLength(2);
    expect(list.some((l) => l.endsWith(" join"))).toBe(false);
  });

  it("reports versions consistently across snap-list, k8s/version and bom.json", () => {
    expect(reportText(r, "sys/snap-list")).toMatch(
      /^microk8s +v1\.28\.7 +6532 +1\.28\/stable +canonical\*\* +classic$/m,
    );
    expect(reportText(r, "k8s/version")).toBe(
      "Client Version: v1.28.7\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.28.7\n",
    );
    const bom = JSON.parse(reportText(r, "bom.json"));
    expect(bom.components.kubernetes.version).toBe("v1.28.7");
    expect(reportText(r, "sys/aio-nr")).toMatch(/^fs\.aio-nr = \d+\n$/);
  });

  it("starts the cluster-info-dump with a NodeList at column 0", () => {
    const dump = reportText(r, "k8s/cluster-info-dump");
    const end = dump.indexOf("\n}\n");
    const nodes = JSON.parse(dump.slice(0, end + 2));
    expect(nodes.kind).toBe("NodeList");
    expect(nodes.items[0].status.addresses[0]).toEqual({ type: "InternalIP", address: "192.168.1.40" });
    expect(nodes.items[0].status.conditions.find((c: { type: string }) => c.type === "Ready").status).toBe(
      "True",
    );
    expect(dump).toMatch(
      /\n==== START logs for container calico-node of pod kube-system\/calico-node-[a-z0-9]{5} ====\n/,
    );
  });

  it("puts a bearer token into the calico kubeconfig (redaction test material)", () => {
    expect(reportText(r, "args/cni-network/calico-kubeconfig")).toMatch(
      /\n {4}token: eyJ[\w-]+\.[\w-]+\.[\w-]+\n/,
    );
  });
});

describe("other generations, confinements and roles", () => {
  it("v1.32 writes ip addr and ip route to separate files", async () => {
    const r = await report("1.32", singleNode132Spec()[0]);
    expect(reportText(r, "network/ip-addr")).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(reportText(r, "network/ip-route")).toMatch(/^default via 10\.0\.10\.1 /);
  });

  it("strict confinement: microk8s.daemon-* folders, snapctl.log, journalctl -k, fewer sys files", async () => {
    const r = await report("strict", strictReportSpecs()[0]);
    const paths = reportPaths(r);
    expect(paths).toContain("microk8s.daemon-k8s-dqlite/journal.log");
    expect(paths).toContain("microk8s.daemon-k8s-dqlite/snapctl.log");
    expect(paths.some((p) => p.startsWith("snap.microk8s.daemon-"))).toBe(false);
    expect(paths.some((p) => p.endsWith("systemctl.log"))).toBe(false);
    for (const p of [
      "sys/snap-list",
      "sys/vm_name",
      "sys/lsb_release",
      "apparmor/aa-status",
      "network/ss",
      "sys/aio-nr",
    ])
      expect(paths).not.toContain(p);
    expect(reportText(r, "apparmor/dmesg").split("\n")[0]).toMatch(
      /^Feb 19 09:12:44 edge-01 kernel: Linux version /,
    );
    expect(reportText(r, "microk8s.daemon-kubelite/snapctl.log")).toMatch(
      /^microk8s\.daemon-kubelite +enabled +active +-$/m,
    );
  });

  it("worker: apiserver-proxy, no datastore services, kubectl refusing, stale local dqlite store", async () => {
    const r = await report("worker", workerReportSpecs()[0]);
    const paths = reportPaths(r);
    expect(paths).toContain("snap.microk8s.daemon-apiserver-proxy/journal.log");
    expect(paths.some((p) => p.includes("daemon-k8s-dqlite") || p.includes("daemon-apiserver-kicker"))).toBe(
      false,
    );
    expect(reportText(r, "k8s/version")).toBe(
      "This MicroK8s deployment is acting as a node in a cluster. Please use the microk8s kubectl on the master.\n",
    );
    expect(reportText(r, "dqlite/cluster.yaml")).toContain("Address: 127.0.0.1:19001");
    expect(reportText(r, "args/kubelite")).toContain("--start-control-plane=false");
    expect(reportText(r, "args/traefik/provider.yaml")).toContain('- address: "10.10.1.12:16443"');
  });

  it("v1.22: embedded dqlite, legacy network tools, juju and kubeflow, version.Info", async () => {
    const r = await report("1.22", era122Specs()[0]);
    const paths = reportPaths(r);
    expect(paths.some((p) => p.startsWith("dqlite/") || p.includes("k8s-dqlite"))).toBe(false);
    for (const p of [
      "network/netstat",
      "network/ifconfig",
      "juju/status",
      "kubeflow/pods.yaml",
      "snap.microk8s.daemon-apiserver-kicker/journal.log",
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths).not.toContain("network/ss");
    expect(reportText(r, "k8s/version")).toMatch(
      /^Client Version: version\.Info\{Major:"1", Minor:"22", GitVersion:"v1\.22\.17".*Platform:"linux\/arm64"\}\nServer Version: version\.Info/,
    );
    const kubelite = reportText(r, "snap.microk8s.daemon-kubelite/journal.log");
    expect(kubelite).toMatch(
      /microk8s\.daemon-kubelite\[\d+\]: time="2022-12-03T19:\d\d:\d\d\+01:00" level=error msg="error while range on \S+.*: query \(try: 0\): context deadline exceeded"/,
    );
    expect(reportText(r, "args/kube-apiserver")).toContain("--storage-backend=dqlite");
  });

  it("v1.25 on an old install: localnode.yaml, Address-first keys, the kubectl WARNING", async () => {
    const r = await report("1.25", era125Specs()[0]);
    expect(reportText(r, "dqlite/localnode.yaml")).toBe(
      "- Address: 127.0.0.1:19001\n  ID: 3297041220608546238\n  Role: 0\n",
    );
    expect(reportText(r, "dqlite/info.yaml")).toBe(
      "Address: 127.0.0.1:19001\nID: 3297041220608546238\nRole: 0\n",
    );
    expect(reportText(r, "k8s/version").split("\n")[0]).toMatch(
      /^WARNING: This version information is deprecated/,
    );
    expect(reportText(r, "dqlite/list.out")).toMatch(/ localnode\.yaml$/m);
  });

  it("lost quorum: kubelite crash-looping, API refused, no-leader loop naming the lost peers", async () => {
    const r = await report("lost", lostQuorumSpecs()[0]);
    expect(reportText(r, "k8s/cluster-info-dump")).toBe(
      "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?\n",
    );
    const status = reportText(r, "snap.microk8s.daemon-kubelite/systemctl.log");
    expect(status).toMatch(
      /Active: activating \(auto-restart\) \(Result: exit-code\) since Mon 2023-12-04 09:02:28 EET/,
    );
    const counters = [
      ...reportText(r, "snap.microk8s.daemon-kubelite/journal.log").matchAll(
        /restart counter is at (\d+)\./g,
      ),
    ].map((m) => Number(m[1]));
    expect(counters.length).toBeGreaterThan(20);
    expect(Math.max(...counters)).toBeGreaterThan(187);
    const dq = reportText(r, "snap.microk8s.daemon-k8s-dqlite/journal.log");
    expect(dq).toMatch(
      /\[go-dqlite\] attempt \d+: server 10\.0\.0\.12:19001: dial: dial tcp 10\.0\.0\.12:19001: connect: no route to host/,
    );
    expect(dq).toMatch(/\[go-dqlite\] attempt \d+: server 10\.0\.0\.1[123]:19001: no known leader/);
    expect(dq).toContain("no available dqlite leader server found");
  });

  it("lists a pending join, an init.yaml, or nothing when ls failed", async () => {
    const base = singleNode128Spec()[0];
    const dq = base.dqlite!;
    const joining = await extractTarGz(
      await buildReport({
        ...base,
        dqlite: { ...dq, listing: { ...dq.listing, join: true, initYaml: true } },
      }),
    );
    const list = reportText(joining, "dqlite/list.out");
    expect(list).toMatch(/^-rw-rw---- 1 root microk8s +0 \w{3} [ \d]\d \d\d:\d\d join$/m);
    expect(list).toMatch(/ init\.yaml$/m);
    const failed = await extractTarGz(
      await buildReport({ ...base, dqlite: { ...dq, listing: { ...dq.listing, empty: true } } }),
    );
    expect(reportText(failed, "dqlite/list.out")).toBe("");
  });

  it("builds the same bytes twice", async () => {
    const spec = strictReportSpecs()[0];
    const [a, b] = await Promise.all([buildReport(spec), buildReport(strictReportSpecs()[0])]);
    expect(a.equals(b)).toBe(true);
  });

  it("honours extraFiles, omitFiles and a different top folder", async () => {
    const spec = {
      ...singleNode128Spec()[0],
      extraFiles: { "dqlite/init.yaml": "Address: 10.0.0.5:19001\n" },
      omitFiles: ["sys/uptime"],
    };
    const r = await extractTarGz(await buildReport(spec, { topFolder: "devbox/inspection-report" }));
    const paths = reportPaths(r, "devbox/inspection-report");
    expect(paths).toContain("dqlite/init.yaml");
    expect(paths).not.toContain("sys/uptime");
    expect(r.entries[0].path).toBe("devbox/inspection-report/");
  });
});
