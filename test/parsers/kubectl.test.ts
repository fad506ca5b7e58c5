import { describe, expect, it } from "vitest";
import { parseGetAll, parseK8sVersion } from "../../src/parsers/index.js";

const REFUSED =
  "The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?";

describe("parseK8sVersion", () => {
  it("reads the short form", () => {
    const text =
      "Client Version: v1.28.14\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.28.14\n";
    expect(parseK8sVersion(text)).toEqual({ client: "v1.28.14", server: "v1.28.14", error: null });
  });

  it("reads the 1.22-era version.Info{…} form", () => {
    const text = [
      'Client Version: version.Info{Major:"1", Minor:"22", GitVersion:"v1.22.17", GitCommit:"a7736eaf34d823d7652415337ac0ad06db9167fc", GitTreeState:"clean", BuildDate:"2022-12-08T11:47:36Z", GoVersion:"go1.16.15", Compiler:"gc", Platform:"linux/amd64"}',
      'Server Version: version.Info{Major:"1", Minor:"22+", GitVersion:"v1.22.17-3+ab6c3e7c1e2b8d", GitCommit:"ab6c3e7c1e2b8d", GitTreeState:"clean", BuildDate:"2022-12-09T11:47:36Z", GoVersion:"go1.16.15", Compiler:"gc", Platform:"linux/amd64"}',
    ].join("\n");
    expect(parseK8sVersion(text)).toEqual({
      client: "v1.22.17",
      server: "v1.22.17-3+ab6c3e7c1e2b8d",
      error: null,
    });
  });

  it("keeps the error when the API server is down (deprecation warning is not an error)", () => {
    const text = [
      "WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.",
      'Client Version: version.Info{Major:"1", Minor:"25", GitVersion:"v1.25.16", GitCommit:"c5f43560a4f98f2af3743a59299fb79f07924373"}',
      "Kustomize Version: v4.5.7",
      REFUSED,
    ].join("\n");
    expect(parseK8sVersion(text)).toEqual({ client: "v1.25.16", server: null, error: REFUSED });
  });

  it("strips the klog prefix of newer kubectl error lines", () => {
    const text =
      'E0415 17:58:52.123456   12345 memcache.go:265] couldn\'t get current server API group list: Get "https://127.0.0.1:16443/api?timeout=32s": dial tcp 127.0.0.1:16443: connect: connection refused\nClient Version: v1.29.0\n';
    const result = parseK8sVersion(text);
    expect(result.client).toBe("v1.29.0");
    expect(result.error).toMatch(/^couldn't get current server API group list/);
  });
});

const GET_ALL = [
  "NAMESPACE            NAME                                             READY   STATUS             RESTARTS      AGE   IP               NODE          NOMINATED NODE   READINESS GATES",
  "container-registry   pod/registry-6c9fcc695f-5sh5d                    1/1     Running            1 (40m ago)   49m   10.1.254.79      microk8s-vm   <none>           <none>",
  "kube-system          pod/calico-node-kwv84                            0/1     CrashLoopBackOff   27            58m   172.22.104.186   kube06        <none>           <none>",
  "kube-system          pod/coredns-864597b5fd-n46c6                     0/1     Pending            0             58m   <none>           <none>        <none>           <none>",
  "",
  "NAMESPACE            NAME                                TYPE           CLUSTER-IP       EXTERNAL-IP   PORT(S)     AGE   SELECTOR",
  "default              service/kubernetes                  ClusterIP      10.152.183.1     <none>        443/TCP     58m   <none>",
  "",
  "NAMESPACE     NAME                                      READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS                IMAGES                                      SELECTOR",
  "kube-system   deployment.apps/calico-kube-controllers   0/1     0            0           15m   calico-kube-controllers   docker.io/calico/kube-controllers:v3.23.5   k8s-app=calico-kube-controllers",
].join("\n");

describe("parseGetAll", () => {
  it("reads the pod table, restarts with '(… ago)', and skips other tables", () => {
    expect(parseGetAll(GET_ALL)).toEqual({
      available: true,
      error: null,
      pods: [
        {
          namespace: "container-registry",
          kind: "pod",
          name: "registry-6c9fcc695f-5sh5d",
          ready: "1/1",
          status: "Running",
          restarts: 1,
          node: "microk8s-vm",
        },
        {
          namespace: "kube-system",
          kind: "pod",
          name: "calico-node-kwv84",
          ready: "0/1",
          status: "CrashLoopBackOff",
          restarts: 27,
          node: "kube06",
        },
        {
          namespace: "kube-system",
          kind: "pod",
          name: "coredns-864597b5fd-n46c6",
          ready: "0/1",
          status: "Pending",
          restarts: 0,
          node: null,
        },
      ],
    });
  });

  it("is available with no pods when only other tables exist", () => {
    const text = GET_ALL.split("\n").slice(5).join("\n");
    expect(parseGetAll(text)).toEqual({ available: true, error: null, pods: [] });
  });

  it("is unavailable with the error text when the API server is down", () => {
    expect(parseGetAll(`${REFUSED}\n`)).toEqual({ available: false, error: REFUSED, pods: [] });
    expect(
      parseGetAll("Unable to connect to the server: dial tcp 10.0.0.1:16443: i/o timeout\n"),
    ).toMatchObject({
      available: false,
      error: "Unable to connect to the server: dial tcp 10.0.0.1:16443: i/o timeout",
    });
    expect(parseGetAll("")).toMatchObject({ available: false, pods: [] });
  });

  it("treats 'No resources found' as an available, empty cluster", () => {
    expect(parseGetAll("No resources found\n")).toEqual({ available: true, error: null, pods: [] });
  });
});
