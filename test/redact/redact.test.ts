import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { looksSecret, PLACEHOLDER, redact, redactResult } from "../../src/redact/redact.js";
import type { AnalysisResult } from "../../src/result/types.js";

/** A syntactically real (unsigned, fake) JWT built at run time, like a service-account token. */
function fakeJwt(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "RS256", kid: "test-key-id" })}.${b64({ iss: "https://kubernetes.default.svc", sub: "system:serviceaccount:kube-system:calico-node" })}.c2lnbmF0dXJlLW5vdC1yZWFsLXRlc3QtZGF0YQ`;
}

const JOIN_TOKEN = "3b4c9f2a8d7e6b5c4a3f2e1d0c9b8a7f";
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell variable used in MicroK8s args files
const SNAP_DATA = "${SNAP_DATA}";
const FINGERPRINT = "2c0cb3284b05";

describe("redact: secrets planted in realistic lines", () => {
  it("kubeconfig snippet: token, key/cert data and password go, structure stays", () => {
    const keyData = Buffer.from(
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtest\n-----END RSA PRIVATE KEY-----\n",
    ).toString("base64");
    const kubeconfig = [
      "apiVersion: v1",
      "clusters:",
      "- cluster:",
      "    certificate-authority-data: Q0VSVElGSUNBVEUtREFUQS1GT1ItVEVTVFMtT05MWQ==",
      "    server: https://127.0.0.1:16443",
      "  name: microk8s-cluster",
      "users:",
      "- name: admin",
      "  user:",
      "    client-certificate-data: Q0xJRU5ULUNFUlQtREFUQS1URVNU",
      `    client-key-data: ${keyData}`,
      "    token: c0ffee1234567890deadbeef",
      "    password: hunter2",
    ].join("\n");
    const out = redact(kubeconfig);
    for (const secret of [
      "Q0VSVElGSUNBVEUtREFUQS1GT1ItVEVTVFMtT05MWQ==",
      "Q0xJRU5ULUNFUlQtREFUQS1URVNU",
      keyData,
      "c0ffee1234567890deadbeef",
      "hunter2",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain(`    certificate-authority-data: ${PLACEHOLDER}`);
    expect(out).toContain(`    client-key-data: ${PLACEHOLDER}`);
    expect(out).toContain(`    token: ${PLACEHOLDER}`);
    expect(out).toContain(`    password: ${PLACEHOLDER}`);
    // Non-secret lines are untouched and the line count is kept.
    expect(out).toContain("    server: https://127.0.0.1:16443");
    expect(out).toContain("  name: microk8s-cluster");
    expect(out.split("\n")).toHaveLength(kubeconfig.split("\n").length);
  });

  it("calico-kubeconfig `token: eyJ…` (a service-account JWT)", () => {
    const jwt = fakeJwt();
    const out = redact(`    token: ${jwt}`);
    expect(out).toBe(`    token: ${PLACEHOLDER}`);
    // A JWT anywhere else in a line goes too.
    const line = `Jan 30 20:22:45 mk8s01 microk8s.daemon-kubelite[931]: using token ${jwt} for calico`;
    expect(redact(line)).toBe(
      `Jan 30 20:22:45 mk8s01 microk8s.daemon-kubelite[931]: using token ${PLACEHOLDER} for calico`,
    );
  });

  it("`--token=` / `--token …` / secret flags keep the flag, lose the value; file and path flags stay", () => {
    const args = [
      "--token=abcdef0123456789abcdef0123456789",
      `--token-auth-file=${SNAP_DATA}/credentials/known_tokens.csv`,
      `--kubelet-client-key=${SNAP_DATA}/certs/server.key`,
      `--service-account-key-file=${SNAP_DATA}/certs/serviceaccount.key`,
      "--oidc-client-secret=sup3r-s3cret",
      "--encryption-key 'k3y-material-001'",
      "--anonymous-auth=false",
    ].join("\n");
    expect(redact(args).split("\n")).toEqual([
      `--token=${PLACEHOLDER}`,
      `--token-auth-file=${SNAP_DATA}/credentials/known_tokens.csv`,
      `--kubelet-client-key=${SNAP_DATA}/certs/server.key`,
      `--service-account-key-file=${SNAP_DATA}/certs/serviceaccount.key`,
      `--oidc-client-secret=${PLACEHOLDER}`,
      `--encryption-key '${PLACEHOLDER}'`,
      "--anonymous-auth=false",
    ]);
    expect(redact(`microk8s add-node --token ${JOIN_TOKEN} --token-ttl 3600`)).toBe(
      `microk8s add-node --token ${PLACEHOLDER} --token-ttl 3600`,
    );
    expect(redact("kube-apiserver --bind-address=0.0.0.0 --password=s3cret --secure-port=16443")).toBe(
      `kube-apiserver --bind-address=0.0.0.0 --password=${PLACEHOLDER} --secure-port=16443`,
    );
  });

  it("a Go --help listing is not a secret (`--storage_driver_password string`)", () => {
    const line =
      '      --storage_driver_password string                             database password (default "root")';
    expect(redact(line)).toBe(line);
    const gates = "                CSINodeExpandSecret=true|false (BETA - default=true)";
    expect(redact(gates)).toBe(gates);
  });

  it("PEM private keys and certificates, complete or truncated", () => {
    const pem = [
      "-----BEGIN RSA PRIVATE KEY-----",
      "MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
      "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
      "-----END RSA PRIVATE KEY-----",
    ].join("\n");
    const out = redact(`before\n${pem}\nafter`);
    expect(out).toBe(
      `before\n-----BEGIN RSA PRIVATE KEY-----${PLACEHOLDER}-----END RSA PRIVATE KEY-----\nafter`,
    );

    const cert =
      "-----BEGIN CERTIFICATE-----\nMIIDDzCCAfegAwIBAgIUDWgUUZmRUF9IWXgsm2zaBVwuZIYw\n-----END CERTIFICATE-----";
    expect(redact(cert)).toBe(`-----BEGIN CERTIFICATE-----${PLACEHOLDER}-----END CERTIFICATE-----`);

    // JSON-escaped key in one log line, cut off before its END marker.
    const truncated =
      'msg="loaded" key="-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
    const cut = redact(truncated);
    expect(cut).toBe(`msg="loaded" key="-----BEGIN PRIVATE KEY-----${PLACEHOLDER}`);
    expect(cut).not.toContain("MIIEvQ");

    // Truncated multi-line block: following base64 lines go, the next ordinary line stays.
    const open =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\nnext ordinary log line";
    expect(redact(open)).toBe(`-----BEGIN EC PRIVATE KEY-----${PLACEHOLDER}\nnext ordinary log line`);
  });

  it("join URLs keep host:25000 and lose the token (IPv4, IPv6, /token/fingerprint form)", () => {
    expect(redact(`microk8s join 10.0.0.5:25000/${JOIN_TOKEN}/${FINGERPRINT} --worker`)).toBe(
      `microk8s join 10.0.0.5:25000/${PLACEHOLDER} --worker`,
    );
    expect(redact(`microk8s join [fd00::5]:25000/${JOIN_TOKEN}`)).toBe(
      `microk8s join [fd00::5]:25000/${PLACEHOLDER}`,
    );
    expect(redact(`Join command: "microk8s join kube05.lan:25000/${JOIN_TOKEN}/${FINGERPRINT}"`)).toBe(
      `Join command: "microk8s join kube05.lan:25000/${PLACEHOLDER}"`,
    );
    // The cluster agent's own API path is not a token.
    const api = "POST https://10.0.0.5:25000/cluster/api/v1.0/join 200";
    expect(redact(api)).toBe(api);
  });

  it("Authorization headers and bearer tokens", () => {
    expect(redact('curl -H "Authorization: Bearer abc.def-ghi_jkl0123456789"')).toBe(
      `curl -H "Authorization: Bearer ${PLACEHOLDER}"`,
    );
    expect(redact("authorization: Basic dXNlcjpwYXNzd29yZA==")).toBe(`authorization: Basic ${PLACEHOLDER}`);
    expect(redact("using bearer 0123456789abcdef0123 for the request")).toBe(
      `using bearer ${PLACEHOLDER} for the request`,
    );
    // Prose about bearer tokens is not a token.
    const prose = 'err="[invalid bearer token, square/go-jose: error in cryptographic primitive]"';
    expect(redact(prose)).toBe(prose);
  });

  it("AWS keys, password= in URLs and args, user:pass@host", () => {
    expect(redact("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")).toBe(`aws_access_key_id = ${PLACEHOLDER}`);
    expect(redact("GET /login?user=bob&password=pa55word&next=/ HTTP/1.1")).toBe(
      `GET /login?user=bob&password=${PLACEHOLDER}&next=/ HTTP/1.1`,
    );
    expect(redact("mysql passwd=letmein host=db")).toBe(`mysql passwd=${PLACEHOLDER} host=db`);
    expect(redact("HTTPS_PROXY=http://proxyuser:Pr0xyPa55@proxy.corp:3128/")).toBe(
      `HTTPS_PROXY=http://proxyuser:${PLACEHOLDER}@proxy.corp:3128/`,
    );
  });

  it("JSON secrets, including escaped quotes", () => {
    expect(redact('{"password":"a\\"b","token": "zzz", "user": "bob"}')).toBe(
      `{"password":"${PLACEHOLDER}","token": "${PLACEHOLDER}", "user": "bob"}`,
    );
    // A JSON object opening brace is not a value.
    expect(redact('      "secret": {')).toBe('      "secret": {');
  });
});

describe("redact: ordinary log lines are unchanged", () => {
  // Real lines quoted in report-format.md (test data by design).
  const lines = [
    'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"',
    'May 26 19:01:44 node02 microk8s.daemon-k8s-dqlite[1365]: time="2023-05-26T19:01:44+10:00" level=error msg="error while range on /registry/leases/kube-system/apiserver-kjyqtto24pdthbxs3qj5czwgvi : query (try: 0): context deadline exceeded"',
    'Oct 29 17:41:12 microk8s-vm microk8s.daemon-k8s-dqlite[1259]: time="2024-10-29T17:41:12+05:30" level=error msg="error while range on /registry/serviceaccounts/ /registry/serviceaccounts/: context canceled"',
    "2024-03-09T20:45:25+01:00 | WARN  | attempt 3630: server 127.0.0.1:10003: dial: dial tcp 127.0.0.1:10003: connect: connection refused",
    'microk8s.daemon-kubelite[53319]: E0320 20:46:08.223079   53319 leaderelection.go:367] Failed to update lock: Put "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=15s": context deadline exceeded',
    'leaderelection.go:325] error retrieving resource lock kube-system/kube-scheduler: Get "https://127.0.0.1:16443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler?timeout=15s": net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
    "Oct 07 20:05:36 canada-rustyspotted-com microk8s.daemon-flanneld[2877103]: Error:  client: etcd cluster is unavailable or misconfigured; error #0: dial tcp 10.0.0.57:12379: connect: no route to host",
    "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
    "EXT4-fs error (device sdb): __ext4_find_entry:1658: inode #2: comm navidrome: reading directory lblock 0",
    'Warning  FailedCreatePodSandBox  60s               kubelet            Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "d9f4c91394d548cca1b189e665fd0532f158bb5bb4407153aa48e1af40afe2f0": plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized',
    "Apr 10 18:46:18 docker3 systemd[1]: snap.microk8s.daemon-kubelite.service: Start request repeated too quickly.",
    "Unable to connect to the server: x509: certificate has expired or is not yet valid: current time 2021-03-10T13:30:47+01:00 is before 2021-03-10T13:26:42Z",
    'msg="failed to get token: connection refused"',
    'E1015 Failed to update node lease, error: leases.coordination.k8s.io "my-precision-5540" is forbidden: User "system:node:my-Precision-5540" cannot update resource "leases"',
    "- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0",
  ];
  it.each(lines)("%s", (line) => {
    expect(redact(line)).toBe(line);
  });
});

describe("redact: idempotence and robustness", () => {
  const fragments = [
    "token: ",
    "token:",
    "password=",
    "--token=",
    "--token ",
    "--client-secret ",
    "Authorization: Bearer ",
    "bearer ",
    "eyJhbGciOiJSUzI1NiJ9.",
    "eyJ",
    ".",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "-----BEGIN CERTIFICATE-----",
    ":25000/",
    "10.0.0.5",
    "https://",
    "user:",
    "@host",
    PLACEHOLDER,
    "[",
    "]",
    '"',
    "'",
    "\n",
    " ",
    "\t",
    "{",
    "}",
    ",",
    "abc123DEF456ghi789",
    "AKIAIOSFODNN7EXAMPLE",
    "LS0tLS1CRUdJTi",
    "client-key-data: ",
    '"password":',
    "\\",
    "=",
    "true",
  ];
  const secretish = fc
    .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 })), { maxLength: 30 })
    .map((parts) => parts.join(""));

  it("redact(redact(x)) === redact(x) for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => redact(redact(text)) === redact(text)),
      { numRuns: 500 },
    );
  });

  it("redact(redact(x)) === redact(x) for strings built from secret-shaped fragments", () => {
    fc.assert(
      fc.property(secretish, (text) => redact(redact(text)) === redact(text)),
      { numRuns: 3000 },
    );
  });

  it("never throws, also on unicode and very long input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        (text) => typeof redact(text) === "string",
      ),
    );
    const long = `token: ${"a1".repeat(50_000)} ${"-----BEGIN X-----".repeat(200)}`;
    const started = Date.now();
    expect(redact(long)).not.toContain("a1a1");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a planted random token never survives in any of the templates", () => {
    const templates = [
      (t: string) => `    token: ${t}`,
      (t: string) => `--token=${t}`,
      (t: string) => `microk8s add-node --token ${t}`,
      (t: string) => `microk8s join 192.168.1.230:25000/${t}`,
      (t: string) => `Authorization: Bearer ${t}`,
      (t: string) => `https://admin:${t}@10.0.0.1:16443/`,
      (t: string) => `password=${t}&x=1`,
      (t: string) => `{"client_secret":"${t}"}`,
    ];
    const token = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/).filter((t) => /\d/.test(t));
    fc.assert(
      fc.property(
        token,
        fc.integer({ min: 0, max: templates.length - 1 }),
        (t, i) => !redact(templates[i]!(t)).includes(t),
      ),
      { numRuns: 1000 },
    );
  });

  it("looksSecret tells words from credentials", () => {
    expect(looksSecret("connection")).toBe(false);
    expect(looksSecret("Unauthorized")).toBe(false);
    expect(looksSecret("short1")).toBe(false);
    expect(looksSecret("c0ffee1234567890")).toBe(true);
    expect(looksSecret("abc.def-ghi")).toBe(true);
  });
});

describe("redactResult", () => {
  const jwt = fakeJwt();
  const result: AnalysisResult = {
    schemaVersion: 1,
    reports: [
      {
        source: "kube05.tar.gz",
        node: "kube05",
        role: "control-plane",
        microk8sVersion: "v1.28.14",
        error: null,
        warnings: [`odd line --token=${JOIN_TOKEN}`],
      },
      {
        source: "bad.tar.gz",
        node: null,
        role: "unknown",
        microk8sVersion: null,
        error: `could not read token: ${jwt}`,
      },
    ],
    quorum: {
      state: "not-ha",
      voters: [],
      standBys: [],
      spares: [],
      quorumSize: 1,
      aliveVoters: 1,
      summary: `password=hunter2`,
    },
    departedNodes: [
      {
        address: "10.0.0.7:19001",
        node: "kube07",
        role: "voter",
        reason: `joined with microk8s join 10.0.0.5:25000/${JOIN_TOKEN}`,
        hint: "microk8s remove-node kube07 --force",
      },
    ],
    diskErrors: [
      {
        node: "kube05",
        device: "sdb",
        kind: "io-error",
        count: 1,
        sample: `I/O error, dev sdb token: ${jwt}`,
      },
    ],
    findings: [
      {
        id: "x.y",
        severity: "high",
        title: "t",
        node: "kube05",
        count: 1,
        evidence: [{ file: "args/kube-apiserver", line: 3, text: `--token=${JOIN_TOKEN}` }],
        docs: null,
      },
    ],
    verdict: `Bearer ${JOIN_TOKEN}`,
  };

  it("redacts every string field and leaves the input untouched", () => {
    const before = JSON.stringify(result);
    const redacted = redactResult(result);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(JOIN_TOKEN);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain("hunter2");
    expect(redacted.findings[0]!.evidence[0]!.text).toBe(`--token=${PLACEHOLDER}`);
    expect(redacted.departedNodes[0]!.hint).toBe("microk8s remove-node kube07 --force");
    expect(redacted.quorum.state).toBe("not-ha");
    expect(redacted.findings[0]!.evidence[0]!.line).toBe(3);
    expect(JSON.stringify(result)).toBe(before);
  });
});
