import { describe, expect, it } from "vitest";
import { isSecretFlag, parseArgs, parseBom } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

/** The literal text "${SNAP_DATA}" as written in args files (not a template placeholder). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal is the point
const SNAP_DATA = "${SNAP_DATA}";

describe("parseArgs", () => {
  it("reads --flag=value, --flag value, bare flags; skips comments and blanks; unquotes", () => {
    const text = [
      `--cert-dir=${SNAP_DATA}/certs`,
      "",
      "# Enable the aggregation layer",
      `--etcd-servers="unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379"`,
      "--service-account-issuer='https://kubernetes.default.svc'",
      "--client-cert-auth",
      `--config ${SNAP_DATA}/args/containerd.toml`,
      "  --hostname-override=kube05  ",
      "not a flag line",
      "#~Enable the aggregation layer",
    ].join("\n");
    expect(parseArgs(text)).toEqual({
      "--cert-dir": `${SNAP_DATA}/certs`,
      "--etcd-servers": `unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379`,
      "--service-account-issuer": "https://kubernetes.default.svc",
      "--client-cert-auth": "",
      "--config": `${SNAP_DATA}/args/containerd.toml`,
      "--hostname-override": "kube05",
    });
  });

  it("never keeps values of secret-looking flags", () => {
    const flags = parseArgs(
      [
        "--token=abcdef0123456789abcdef0123456789",
        "--bootstrap-token abc.def",
        "--basic-auth-password=hunter2",
        "--client-secret=s3cr3t",
        `--tls-private-key-file=${SNAP_DATA}/certs/server.key`,
        `--token-auth-file=${SNAP_DATA}/credentials/known_tokens.csv`,
        "--secure-port=16443",
      ].join("\n"),
    );
    expect(flags).toEqual({
      "--token": "[redacted]",
      "--bootstrap-token": "[redacted]",
      "--basic-auth-password": "[redacted]",
      "--client-secret": "[redacted]",
      "--tls-private-key-file": "[redacted]",
      "--token-auth-file": "[redacted]",
      "--secure-port": "16443",
    });
    expect(JSON.stringify(flags)).not.toMatch(/abcdef|hunter2|s3cr3t|abc\.def/);
    expect(isSecretFlag("--KeyFile")).toBe(true);
    expect(isSecretFlag("--cert-dir")).toBe(false);
  });

  it("fills args[<name>] only for flag files", () => {
    const { out } = runParsers({
      "args/kubelet": "--node-ip=10.0.0.5\n",
      "args/k8s-dqlite": `--storage-dir=${SNAP_DATA}/var/kubernetes/backend/\n`,
      "args/kube-apiserver": "--secure-port=16443\n",
      "args/kubelite": "--start-control-plane=true\n",
      "args/k8s-dqlite-env": "LIBRAFT_TRACE=1\n",
      "args/containerd.toml": "version = 2\n",
    });
    expect(Object.keys(out.args).sort()).toEqual(["k8s-dqlite", "kube-apiserver", "kubelet", "kubelite"]);
    expect(out.args.kubelet).toEqual({ "--node-ip": "10.0.0.5" });
  });
});

describe("parseBom", () => {
  it("maps components to versions (map form) and keeps the microk8s entry", () => {
    const text = JSON.stringify({
      microk8s: { version: "1.28", revision: "19200c975ae99b5e11b638aaea1319a3f18126d4" },
      tools: { go: ["go version go1.21.13 linux/amd64"] },
      components: {
        "k8s-dqlite": {
          repository: "https://github.com/canonical/k8s-dqlite",
          version: "v1.1.11",
          patches: [],
        },
        kubernetes: { version: "v1.28.14" },
        broken: { version: { nested: true } },
      },
    });
    expect(parseBom(text)).toEqual({
      bom: { microk8s: "1.28", "k8s-dqlite": "v1.1.11", kubernetes: "v1.28.14" },
      error: null,
    });
  });

  it("accepts a list of components and direct version strings", () => {
    const list = JSON.stringify({ components: [{ name: "dqlite", version: "v1.16.0" }, { name: "runc" }] });
    expect(parseBom(list).bom).toEqual({ dqlite: "v1.16.0" });
    expect(parseBom(JSON.stringify({ components: { containerd: "v1.6.28" } })).bom).toEqual({
      containerd: "v1.6.28",
    });
  });

  it("never throws on bad input", () => {
    expect(parseBom("{not json").bom).toBeNull();
    expect(parseBom("[1,2]").error).toBe("not a JSON object");
    expect(parseBom('{"components": {"__proto__": {"version": "x"}}}').bom).toEqual({ ["__proto__"]: "x" });
    const { out, warnings } = runParsers({ "bom.json": "\u0000\u0001garbage" });
    expect(out.bom).toBeUndefined();
    expect(warnings[0]).toMatch(/^bom\.json: not valid JSON/);
  });
});
