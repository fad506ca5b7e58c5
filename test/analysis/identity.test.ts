import { describe, expect, it } from "vitest";
import { identify, nodeFromSourceName, normaliseVersion } from "../../src/analysis/identity.js";
import type { ReportData } from "../../src/analysis/types.js";
import type { ParsedReport } from "../../src/parsers/types.js";
import {
  BOOTSTRAP_ID,
  DQLITE_JOURNAL,
  dump,
  haMembers,
  journal,
  k8sNode,
  layout,
  member,
  parsed,
} from "./support.js";

function base(
  extra: Partial<ParsedReport>,
  source = "inspection-report-20250415_175852.tar.gz",
  role = layout("unknown", []),
) {
  const data: Omit<ReportData, "identity"> = {
    source,
    takenAt: null,
    files: [],
    layout: role,
    parsed: parsed(extra),
    hits: [],
    warnings: [],
  };
  return data;
}

describe("identify", () => {
  it("node name: most common journal host, weighted by lines (a renamed host keeps its newer name)", () => {
    const journals = {
      [DQLITE_JOURNAL]: journal(DQLITE_JOURNAL, "msi", {
        lines: 1150,
        xtraceLines: 1000,
        hosts: ["MSI", "msi"],
      }),
      "snap.microk8s.daemon-containerd/journal.log": journal(
        "snap.microk8s.daemon-containerd/journal.log",
        "msi",
        {
          lines: 561,
          xtraceLines: 0,
        },
      ),
      "snap.microk8s.daemon-apiserver-kicker/journal.log": journal(
        "snap.microk8s.daemon-apiserver-kicker/journal.log",
        "MSI",
        {
          lines: 38,
          xtraceLines: 0,
        },
      ),
    };
    expect(identify(base({ journals })).node).toBe("msi");
  });

  it("node name from the tarball name, an archive prefix, or a one-node list", () => {
    expect(nodeFromSourceName("kube05-inspection-report-20230206_185244.tar.gz")).toBe("kube05");
    expect(
      nodeFromSourceName(
        "https://github.com/user-attachments/files/1/kube06_inspection-report-20230206_185301.tar.gz",
      ),
    ).toBe("kube06");
    expect(nodeFromSourceName("all-nodes.tar.gz#kube07/inspection-report")).toBe("kube07");
    expect(nodeFromSourceName("inspection-report-20230206_185244.tar.gz")).toBeNull();
    expect(identify(base({}, "kube08-inspection-report-20230206_185244.tar.gz")).node).toBe("kube08");
    expect(identify(base({ clusterInfoDump: dump([k8sNode("microk8s-vm", "172.22.104.186")]) })).node).toBe(
      "microk8s-vm",
    );
    expect(identify(base({})).node).toBeNull();
  });

  it("role: k8s-dqlite → control-plane; apiserver-proxy without it → worker; a multi-member cluster.yaml → control-plane", () => {
    const withJournal = (file: string) => ({ journals: { [file]: journal(file, "kube05") } });
    expect(identify(base(withJournal(DQLITE_JOURNAL))).role).toBe("control-plane");
    expect(identify(base(withJournal("snap.microk8s.daemon-apiserver-proxy/journal.log"))).role).toBe(
      "worker",
    );
    expect(identify(base({ dqliteCluster: { ok: true, value: haMembers() } })).role).toBe("control-plane");
    expect(
      identify(
        base(
          { dqliteCluster: { ok: true, value: [member("127.0.0.1:19001", BOOTSTRAP_ID)] } },
          "x.tar.gz",
          layout("worker"),
        ),
      ).role,
    ).toBe("worker");
    expect(identify(base({}, "x.tar.gz", layout("control-plane", ["kubelite"]))).role).toBe("control-plane");
  });

  it("version: snap list, then kubectl version, then bom.json", () => {
    const snap = {
      name: "microk8s",
      version: "v1.28.14",
      rev: "7231",
      tracking: "1.28/stable",
      notes: "classic",
    };
    expect(identify(base({ snapList: [snap] })).microk8sVersion).toBe("v1.28.14");
    expect(
      identify(base({ k8sVersion: { client: "v1.25.16", server: null, error: "refused" } })).microk8sVersion,
    ).toBe("v1.25.16");
    expect(identify(base({ bom: { microk8s: "1.28" } })).microk8sVersion).toBe("v1.28");
    expect(identify(base({})).microk8sVersion).toBeNull();
    expect(
      normaliseVersion('version.Info{Major:"1", Minor:"25", GitVersion:"v1.25.16", GitCommit:"c5f4"}'),
    ).toBe("v1.25.16");
    expect(normaliseVersion("v1.26.0-3+b4bbb1b7ad9fdc")).toBe("v1.26.0");
    expect(normaliseVersion("latest/stable")).toBeNull();
  });

  it("dqlite address and this node's IPs (info.yaml host unless loopback, and its InternalIPs)", () => {
    const id = identify(
      base({
        journals: { [DQLITE_JOURNAL]: journal(DQLITE_JOURNAL, "kube05") },
        dqliteInfo: { ok: true, value: member("10.0.0.5:19001", BOOTSTRAP_ID) },
        clusterInfoDump: dump([k8sNode("kube05", "192.168.1.5"), k8sNode("kube06", "192.168.1.6")]),
      }),
    );
    expect(id.dqliteAddress).toBe("10.0.0.5:19001");
    expect(id.addresses).toEqual(["10.0.0.5", "192.168.1.5"]);
    const loop = identify(base({ dqliteInfo: { ok: true, value: member("127.0.0.1:19001", BOOTSTRAP_ID) } }));
    expect(loop.dqliteAddress).toBe("127.0.0.1:19001");
    expect(loop.addresses).toEqual([]);
  });
});
