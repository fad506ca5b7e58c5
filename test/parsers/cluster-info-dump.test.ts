import { describe, expect, it } from "vitest";
import { createClusterInfoDumpCollector, parseClusterInfoDump, parserFor } from "../../src/parsers/index.js";
import type { ParsedReport } from "../../src/parsers/types.js";
import { lineSink } from "../../src/report/stream-text.js";
import { runParsers } from "./support.js";

function node(name: string, ip: string, ready: "True" | "False" | "Unknown", labels: Record<string, string>) {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec: {},
    status: {
      conditions: [
        { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory" },
        {
          type: "Ready",
          status: ready,
          lastHeartbeatTime: "2023-02-06T18:40:00Z",
          lastTransitionTime: "2023-02-06T18:41:13Z",
          reason: ready === "True" ? "KubeletReady" : "NodeStatusUnknown",
          message:
            ready === "True" ? "kubelet is posting ready status" : "Kubelet stopped posting node status.",
        },
      ],
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: name },
      ],
      nodeInfo: { kubeletVersion: "v1.26.0", osImage: "Ubuntu 22.04.1 LTS" },
    },
  };
}

/** kubectl prints documents with 4-space indentation and braces at column 0. */
function pretty(document: unknown): string {
  return `${JSON.stringify(document, null, 4)}\n`;
}

const NODE_LIST = pretty({
  kind: "NodeList",
  apiVersion: "v1",
  metadata: { resourceVersion: "8393" },
  items: [
    node("kube05", "192.168.0.57", "True", {
      "node.kubernetes.io/microk8s-controlplane": "microk8s-controlplane",
    }),
    node("kube07", "192.168.0.59", "Unknown", { "node-role.kubernetes.io/control-plane": "" }),
    node("kube08", "192.168.0.60", "True", { "node.kubernetes.io/microk8s-worker": "microk8s-worker" }),
  ],
});

const EVENT_LIST = pretty({
  kind: "EventList",
  apiVersion: "v1",
  metadata: {},
  items: [{ message: "{\n}" }],
});

function logSection(i: number, lines: number): string {
  const body = Array.from(
    { length: lines },
    (_, n) =>
      `2023-02-06T18:41:${String(n % 60).padStart(2, "0")}.000Z stdout F log line ${n} of container ${i} {`,
  );
  return `==== START logs for container calico-node of pod kube-system/calico-node-${i} ====\n${body.join("\n")}\n}\n==== END logs for container calico-node of pod kube-system/calico-node-${i} ====\n`;
}

describe("cluster-info-dump", () => {
  it("reads the nodes of the first document", () => {
    const { dump, warnings } = parseClusterInfoDump(NODE_LIST + EVENT_LIST + logSection(1, 10));
    expect(warnings).toEqual([]);
    expect(dump.available).toBe(true);
    expect(dump.error).toBeNull();
    expect(dump.nodes).toEqual([
      {
        name: "kube05",
        internalIPs: ["192.168.0.57"],
        ready: "True",
        readyReason: "KubeletReady",
        readyMessage: "kubelet is posting ready status",
        readySince: "2023-02-06T18:41:13Z",
        controlPlane: true,
        kubeletVersion: "v1.26.0",
      },
      {
        name: "kube07",
        internalIPs: ["192.168.0.59"],
        ready: "Unknown",
        readyReason: "NodeStatusUnknown",
        readyMessage: "Kubelet stopped posting node status.",
        readySince: "2023-02-06T18:41:13Z",
        controlPlane: true,
        kubeletVersion: "v1.26.0",
      },
      {
        name: "kube08",
        internalIPs: ["192.168.0.60"],
        ready: "True",
        readyReason: "KubeletReady",
        readyMessage: "kubelet is posting ready status",
        readySince: "2023-02-06T18:41:13Z",
        controlPlane: false,
        kubeletVersion: "v1.26.0",
      },
    ]);
  });

  it("reports an API-server error as unavailable", () => {
    const refused =
      "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?";
    expect(parseClusterInfoDump(`${refused}\n`).dump).toEqual({
      available: false,
      error: refused,
      nodes: [],
    });
    const unable = "Unable to connect to the server: dial tcp 10.0.0.1:16443: connect: no route to host";
    expect(parseClusterInfoDump(`${unable}\n`).dump).toMatchObject({ available: false, error: unable });
    expect(parseClusterInfoDump("").dump).toMatchObject({ available: false, error: "the file is empty" });
  });

  it("skips a leading non-node document and tolerates broken or missing nodes", () => {
    expect(parseClusterInfoDump(EVENT_LIST + NODE_LIST).dump.nodes.map((n) => n.name)).toEqual([
      "kube05",
      "kube07",
      "kube08",
    ]);
    const broken = parseClusterInfoDump('{\n    "kind": "NodeList",\n    "items": [ oops\n}\n');
    expect(broken.dump).toEqual({ available: true, error: null, nodes: [] });
    expect(broken.warnings[0]).toMatch(/not valid JSON/);
    const odd = parseClusterInfoDump(
      pretty({ kind: "NodeList", items: [{}, { metadata: { name: "n1" }, status: 5 }] }),
    );
    expect(odd.dump.nodes).toEqual([
      {
        name: "n1",
        internalIPs: [],
        ready: null,
        readyReason: null,
        readyMessage: null,
        readySince: null,
        controlPlane: false,
        kubeletVersion: null,
      },
    ]);
    const cut = parseClusterInfoDump(NODE_LIST.slice(0, 500));
    expect(cut.dump.nodes).toEqual([]);
    expect(cut.warnings).toContain("the NodeList document is cut off");
  });

  it("gives up on a node document over the cap, with a warning", () => {
    const collector = createClusterInfoDumpCollector(1024);
    for (const line of NODE_LIST.split("\n")) collector.line(line);
    const { dump, warnings } = collector.end();
    expect(dump).toEqual({ available: true, error: null, nodes: [] });
    expect(warnings[0]).toMatch(/larger than/);
  });

  it("streams a multi-MB dump keeping only the node document", () => {
    const collector = createClusterInfoDumpCollector();
    const sink = lineSink(
      (line) => collector.line(line),
      () => {},
    );
    let fed = NODE_LIST.length;
    sink.write(Buffer.from(NODE_LIST));
    sink.write(Buffer.from(EVENT_LIST));
    for (let i = 0; i < 500; i++) {
      const section = logSection(i, 500); // ~33 KB each
      fed += section.length;
      sink.write(Buffer.from(section));
    }
    sink.end();
    expect(fed).toBeGreaterThan(15 * 1024 * 1024);
    const { dump } = collector.end();
    expect(dump.nodes).toHaveLength(3);
    // Nothing but the NodeList document (plus newlines) was ever held.
    expect(collector.peakRetainedChars()).toBeLessThanOrEqual(NODE_LIST.length + 1);
  });

  it("is wired as the k8s/cluster-info-dump parser", () => {
    expect(parserFor("k8s/cluster-info-dump").map((p) => p.id)).toEqual(["k8s-cluster-info-dump"]);
    const { out } = runParsers({ "k8s/cluster-info-dump": NODE_LIST + logSection(1, 100) }, 4096);
    const dump = (out as ParsedReport).clusterInfoDump;
    expect(dump?.nodes.map((n) => [n.name, n.ready])).toEqual([
      ["kube05", "True"],
      ["kube07", "Unknown"],
      ["kube08", "True"],
    ]);
  });
});
