/**
 * A realistic single-node report (v1.32 "homelab", scripts/samples) with secrets planted where
 * they turn up in real reports and issues: args files, token files, kubeconfigs, PEM keys and
 * bearer tokens in journals, join URLs, credentials in URLs. Every secret value is distinctive,
 * so a plain substring search over any output proves it absent.
 *
 * FORCED_RULES are repository-style extra rules that quote each planted line as evidence, so the
 * redaction of evidence is exercised on every one of them.
 */
import { reportFiles } from "../../scripts/samples/builder.js";
import { singleNode132Spec } from "../../scripts/samples/scenarios.js";
import type { ReportSpec } from "../../scripts/samples/spec.js";

/** Values that must never leave the process unredacted. */
export const SECRETS = {
  apiserverPassword: "Pw0rd-Zq8xK2mV9tLr",
  clientSecret: "cs_7HqM2vXp9LkT4wRz",
  oidcSecret: "oidcS3cr3tXb81QwEe",
  argToken: "tokArg5Yv7Np2Kc9Ds",
  knownToken: "9f86d081884c7d659a2feaa0c55ad015",
  proxyToken: "2c26b46b68ffc68ff99b453c1d304134",
  basicAuthPassword: "BasicPw9Jx2Lq7Vn4",
  kubeconfigToken: "kcTok-8Hf3Jq0Lz5Wp2Ty",
  kubeconfigJwt:
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IlBsYW50ZWQifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a3ViZS1zeXN0ZW06Y2FsaWNvIn0.c2lnbmF0dXJlUGxhbnRlZDEyMw",
  kubeconfigPassword: "KubePw4Rt7Yu1Io3",
  clientCertData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUN5RENDQWJDZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcw",
  clientKeyData: "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBdDNQbGFudGVkS2V5RGF0YQ",
  pemOneLine: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwPlantedOneLineKey",
  pemBlock: "MIIEowIBAAKCAQEAt3PlantedMultiLineKeyMaterialQwErTy",
  bearerCurl: "bTok-3Vx9Qm2Lp7Rz4Nc8",
  bearerHeader: "hdrTok-6Ws1Ek5Dx0Cv2B",
  joinToken: "92b2db237428470dc4fcfc4ebbd9dc81",
  joinHash: "2c0cb3284b05a1c9",
  registryPassword: "RegPw7Tq2Xs9Mb3",
  proxyPassword: "ProxyPw3Mz8Kd5Hj",
  bodyPassword: "hunter2-Body-9Qz",
  bodyBearer: "bodyTok-4Kq9Zx2Vm7",
  attachmentPassword: "AttPw-6Rt2Yx9Lq",
  attachmentQueryToken: "qTok-5Jd8Wm2Xc6Vb",
} as const;

export type SecretName = keyof typeof SECRETS;
const S = SECRETS;

const HOST = "homelab";
const stamp = (second: number) => `Mar 03 21:04:${String(second).padStart(2, "0")} ${HOST}`;
/** Continuation lines of a multi-line journal message, as `journalctl` indents them. */
const CONTINUATION = " ".repeat(52);

/** Lines appended to args/kube-apiserver (`${SNAP_DATA}` is the shell variable the real files hold). */
export const APISERVER_ARGS = [
  `--password=${S.apiserverPassword}`,
  `--client-secret=${S.clientSecret}`,
  `--oidc-client-secret ${S.oidcSecret}`,
  `--token=${S.argToken}`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, as in the real file
  "--token-auth-file=${SNAP_DATA}/args/known_tokens.csv",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, as in the real file
  "--basic-auth-file=${SNAP_DATA}/args/basic_auth.csv",
];

/** `--token-auth-file` and `--basic-auth-file` contents: token/password, user, uid, groups. */
export const KNOWN_TOKENS = [
  `${S.knownToken},admin,admin,"system:masters"`,
  `${S.proxyToken},system:kube-proxy,kube-proxy`,
];
export const BASIC_AUTH = [`${S.basicAuthPassword},admin,admin,"system:masters"`];

export const KUBECONFIG = [
  "apiVersion: v1",
  "clusters:",
  "- cluster:",
  `    certificate-authority-data: ${S.clientCertData}`,
  "    server: https://127.0.0.1:16443",
  "  name: microk8s-cluster",
  "contexts:",
  "- context:",
  "    cluster: microk8s-cluster",
  "    user: admin",
  "  name: microk8s",
  "current-context: microk8s",
  "kind: Config",
  "users:",
  "- name: admin",
  "  user:",
  `    client-certificate-data: ${S.clientCertData}`,
  `    client-key-data: ${S.clientKeyData}`,
  `    token: ${S.kubeconfigToken}`,
  "    username: admin",
  `    password: ${S.kubeconfigPassword}`,
];

export const CALICO_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "users:",
  "- name: calico",
  "  user:",
  `    token: ${S.kubeconfigJwt}`,
];

export const CONTAINERD_ENV = [`HTTPS_PROXY=http://proxyuser:${S.proxyPassword}@proxy.corp.local:3128`];

export const KUBELITE_LINES = [
  `${stamp(50)} microk8s.daemon-kubelite[1812]: I0303 21:04:50.118204    1812 round_trippers.go:466] curl -v -XGET  -H "Accept: application/json" -H "Authorization: Bearer ${S.bearerCurl}" 'https://127.0.0.1:16443/api/v1/nodes?limit=500'`,
  `${stamp(50)} microk8s.daemon-kubelite[1812]: I0303 21:04:50.118391    1812 round_trippers.go:473]     Authorization: Bearer ${S.bearerHeader}`,
  `${stamp(51)} microk8s.daemon-kubelite[1812]: time="2025-03-03T21:04:51Z" level=error msg="failed to load key: -----BEGIN PRIVATE KEY-----\\n${S.pemOneLine}\\n-----END PRIVATE KEY-----\\n"`,
  `${stamp(52)} microk8s.daemon-kubelite[1812]: E0303 21:04:52.000000    1812 server.go:310] bad serving key -----BEGIN RSA PRIVATE KEY-----`,
  `${CONTINUATION}${S.pemBlock}`,
  `${CONTINUATION}-----END RSA PRIVATE KEY-----`,
];

export const CLUSTER_AGENT_LINES = [
  `${stamp(53)} microk8s.daemon-cluster-agent[1650]: Join this node with: microk8s join 10.1.2.3:25000/${S.joinToken}/${S.joinHash}`,
];

export const CONTAINERD_LINES = [
  `${stamp(54)} microk8s.daemon-containerd[1433]: time="2025-03-03T21:04:54.000000000Z" level=info msg="trying next host" error="failed to do request: Head \\"https://admin:${S.registryPassword}@registry.example.com/v2/library/nginx/manifests/latest\\": dial tcp 10.9.8.7:443: i/o timeout" host=registry.example.com`,
];

/** The single-node 1.32 spec with every secret planted. */
export function plantedSpec(): ReportSpec {
  const [spec] = singleNode132Spec();
  const files = reportFiles(spec);
  const text = (path: string): string => {
    const content = files.get(path);
    if (typeof content !== "string") throw new Error(`${path} is not a plain text file in the sample`);
    return content;
  };
  const journal = (service: "kubelite" | "cluster-agent" | "containerd", extra: string[]) => ({
    kind: "lines" as const,
    lines: () => [...spec.services[service]!.journal(), ...extra],
  });
  return {
    ...spec,
    extraFiles: {
      "args/kube-apiserver": `${text("args/kube-apiserver")}${APISERVER_ARGS.join("\n")}\n`,
      "args/known_tokens.csv": `${KNOWN_TOKENS.join("\n")}\n`,
      "args/basic_auth.csv": `${BASIC_AUTH.join("\n")}\n`,
      "args/kubeconfig": `${KUBECONFIG.join("\n")}\n`,
      "args/cni-network/calico-kubeconfig": `${CALICO_KUBECONFIG.join("\n")}\n`,
      "args/containerd-env": `${text("args/containerd-env")}${CONTAINERD_ENV.join("\n")}\n`,
      "snap.microk8s.daemon-kubelite/journal.log": journal("kubelite", KUBELITE_LINES),
      "snap.microk8s.daemon-cluster-agent/journal.log": journal("cluster-agent", CLUSTER_AGENT_LINES),
      "snap.microk8s.daemon-containerd/journal.log": journal("containerd", CONTAINERD_LINES),
    },
  };
}

/** The planted lines, by the file they are in. */
export const PLANTED_LINES: Record<string, string[]> = {
  "args/kube-apiserver": APISERVER_ARGS,
  "args/known_tokens.csv": KNOWN_TOKENS,
  "args/basic_auth.csv": BASIC_AUTH,
  "args/kubeconfig": KUBECONFIG,
  "args/cni-network/calico-kubeconfig": CALICO_KUBECONFIG,
  "args/containerd-env": CONTAINERD_ENV,
  "snap.microk8s.daemon-kubelite/journal.log": KUBELITE_LINES,
  "snap.microk8s.daemon-cluster-agent/journal.log": CLUSTER_AGENT_LINES,
  "snap.microk8s.daemon-containerd/journal.log": CONTAINERD_LINES,
};

/** Every planted line that holds a secret value. */
export function secretLines(): string[] {
  const values = Object.values(SECRETS) as string[];
  return Object.values(PLANTED_LINES)
    .flat()
    .filter((line) => values.some((value) => line.includes(value)));
}

interface ForcedRule {
  id: string;
  files: string[];
  regex: string;
}

/**
 * One extra rule per kind of planted line, each matching only planted lines, so that every one is
 * quoted as evidence (a repository's own rules could quote them just the same).
 */
const FORCED: ForcedRule[] = [
  { id: "planted.apiserver-password", files: ["args/*"], regex: "^--password=" },
  { id: "planted.client-secret", files: ["args/*"], regex: "^--client-secret=" },
  { id: "planted.oidc-secret", files: ["args/*"], regex: "^--oidc-client-secret " },
  { id: "planted.arg-token", files: ["args/*"], regex: "^--token=" },
  { id: "planted.token-file-admin", files: ["args/*"], regex: ',admin,admin,"system:masters"' },
  { id: "planted.token-file-proxy", files: ["args/*"], regex: ",system:kube-proxy,kube-proxy" },
  { id: "planted.kubeconfig-token", files: ["args/**"], regex: "^ {4}token: " },
  { id: "planted.kubeconfig-password", files: ["args/*"], regex: "^ {4}password: " },
  { id: "planted.kubeconfig-ca-data", files: ["args/*"], regex: "certificate-authority-data: " },
  { id: "planted.kubeconfig-cert-data", files: ["args/*"], regex: "client-certificate-data: " },
  { id: "planted.kubeconfig-key-data", files: ["args/*"], regex: "client-key-data: " },
  { id: "planted.proxy-url", files: ["args/*"], regex: "^HTTPS_PROXY=http" },
  { id: "planted.bearer-curl", files: ["<svc:kubelite>/*.log"], regex: "round_trippers\\.go:466\\] curl " },
  {
    id: "planted.bearer-header",
    files: ["<svc:kubelite>/*.log"],
    regex: "round_trippers\\.go:473\\] +Authorization",
  },
  { id: "planted.pem-one-line", files: ["<svc:kubelite>/*.log"], regex: "failed to load key: -----BEGIN" },
  { id: "planted.pem-begin", files: ["<svc:kubelite>/*.log"], regex: "bad serving key -----BEGIN" },
  { id: "planted.pem-body", files: ["<svc:kubelite>/*.log"], regex: "^ {20,}MIIEow" },
  {
    id: "planted.join-url",
    files: ["<svc:cluster-agent>/*.log"],
    regex: "Join this node with: microk8s join ",
  },
  { id: "planted.registry-url", files: ["<svc:containerd>/*.log"], regex: "trying next host" },
];

/** The forced rules in the repository-configuration form (`.github/report-triage.yml` `rules:`). */
export const FORCED_RULES = FORCED.map((rule) => ({
  ...rule,
  severity: "high",
  title: `Planted secret line (${rule.id})`,
  meaning: "A line planted by the secrets suite; it must be quoted only redacted.",
  docs: null,
}));
export const FORCED_RULE_IDS = FORCED.map((rule) => rule.id);

/** An issue body pasting console output and links (one with a token in its query), with secrets of its own. */
export function issueBody(reportUrl: string, credentialUrl: string, signedUrl = reportUrl): string {
  const signed = new URL(signedUrl);
  signed.searchParams.set("token", S.attachmentQueryToken);
  return [
    "#### Summary",
    `The node fails after I ran microk8s join 10.1.2.3:25000/${S.joinToken}/${S.joinHash} on it.`,
    `My registry login is password=${S.bodyPassword} and kubectl used Authorization: Bearer ${S.bodyBearer}`,
    "",
    "#### Introspection Report",
    `[inspection-report-20250303_210512.tar.gz](${reportUrl})`,
    `mirror: [copy](${credentialUrl})`,
    `signed: ${signed.href}`,
  ].join("\n");
}

/** Secrets that must not show anywhere; a list for error messages that name the one found. */
export function leakedSecrets(text: string): SecretName[] {
  return (Object.keys(SECRETS) as SecretName[]).filter((name) => text.includes(SECRETS[name]));
}
