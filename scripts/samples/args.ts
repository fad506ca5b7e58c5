// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the args files hold shell variables such as ${SNAP_DATA}.
/**
 * The `args/` folder (a copy of $SNAP_DATA/args) as MicroK8s ships it, per generation, plus the
 * edits the snap makes at run time (DNS flags, the calico kubeconfig with its bearer token, the
 * apiserver-proxy endpoint list on workers).
 */
import type { Rng } from "./prng.js";

export interface ArgsOptions {
  minor: number;
  worker: boolean;
  strict: boolean;
  hostname: string;
  /** Snap revision, to expand ${SNAP}/${SNAP_DATA} where the snap writes real paths. */
  rev: string;
  /** Control-plane addresses a worker's apiserver-proxy talks to. */
  controlPlaneIPs: string[];
  /** Legacy non-HA (etcd/flannel) cluster. */
  noHa: boolean;
}

const KUBE_APISERVER_BASE = [
  "--cert-dir=${SNAP_DATA}/certs",
  "--service-cluster-ip-range=10.152.183.0/24",
  "--authorization-mode=AlwaysAllow",
  "--service-account-key-file=${SNAP_DATA}/certs/serviceaccount.key",
  "--client-ca-file=${SNAP_DATA}/certs/ca.crt",
  "--tls-cert-file=${SNAP_DATA}/certs/server.crt",
  "--tls-private-key-file=${SNAP_DATA}/certs/server.key",
];

const AGGREGATION = [
  "",
  "# Enable the aggregation layer",
  "--requestheader-client-ca-file=${SNAP_DATA}/certs/front-proxy-ca.crt",
  "--requestheader-allowed-names=front-proxy-client",
  "--requestheader-extra-headers-prefix=X-Remote-Extra-",
  "--requestheader-group-headers=X-Remote-Group",
  "--requestheader-username-headers=X-Remote-User",
  "--proxy-client-cert-file=${SNAP_DATA}/certs/front-proxy-client.crt",
  "--proxy-client-key-file=${SNAP_DATA}/certs/front-proxy-client.key",
  "#~Enable the aggregation layer",
];

function kubeApiserver(o: ArgsOptions): string {
  const lines = [...KUBE_APISERVER_BASE];
  if (o.minor >= 28) {
    lines.push(
      "--kubelet-client-certificate=${SNAP_DATA}/certs/apiserver-kubelet-client.crt",
      "--kubelet-client-key=${SNAP_DATA}/certs/apiserver-kubelet-client.key",
      "--secure-port=16443",
    );
  } else {
    lines.push(
      "--kubelet-client-certificate=${SNAP_DATA}/certs/server.crt",
      "--kubelet-client-key=${SNAP_DATA}/certs/server.key",
      "--secure-port=16443",
      "--token-auth-file=${SNAP_DATA}/credentials/known_tokens.csv",
    );
  }
  if (o.minor <= 22) {
    lines.push(
      "--insecure-port=0",
      o.noHa ? '--etcd-servers="https://127.0.0.1:12379"' : "--storage-backend=dqlite",
    );
    if (!o.noHa) lines.push("--storage-dir=${SNAP_DATA}/var/kubernetes/backend/");
  } else {
    lines.push('--etcd-servers="unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379"');
  }
  lines.push(
    "--allow-privileged=true",
    "--service-account-issuer='https://kubernetes.default.svc'",
    "--service-account-signing-key-file=${SNAP_DATA}/certs/serviceaccount.key",
  );
  if (o.minor <= 22) lines.push("--feature-gates=RemoveSelfLink=false");
  else lines.push("--event-ttl=5m", "--profiling=false");
  lines.push(...AGGREGATION);
  if (o.minor >= 28) {
    lines.push(
      "--enable-admission-plugins=EventRateLimit",
      "--admission-control-config-file=${SNAP_DATA}/args/admission-control-config-file.yaml",
      "--kubelet-certificate-authority=${SNAP_DATA}/certs/ca.crt",
      "--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
    );
  }
  return `${lines.join("\n")}\n`;
}

function kubelet(o: ArgsOptions): string {
  const lines = [
    "--kubeconfig=${SNAP_DATA}/credentials/kubelet.config",
    "--cert-dir=${SNAP_DATA}/certs",
    "--client-ca-file=${SNAP_DATA}/certs/ca.crt",
    "--anonymous-auth=false",
    "--root-dir=${SNAP_COMMON}/var/lib/kubelet",
    "--fail-swap-on=false",
  ];
  if (o.minor <= 26) lines.push("--feature-gates=DevicePlugins=true");
  lines.push('--eviction-hard="memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi"');
  if (o.minor <= 26) lines.push("--container-runtime=remote");
  lines.push(
    "--container-runtime-endpoint=${SNAP_COMMON}/run/containerd.sock",
    "--containerd=${SNAP_COMMON}/run/containerd.sock",
  );
  lines.push(
    o.worker
      ? '--node-labels="microk8s.io/cluster=true"'
      : '--node-labels="microk8s.io/cluster=true,node.kubernetes.io/microk8s-controlplane=microk8s-controlplane"',
  );
  lines.push("--authentication-token-webhook=true", "--read-only-port=0");
  if (o.minor >= 28) {
    lines.push(
      "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256",
      "--serialize-image-pulls=false",
    );
  }
  // Appended by the snap when the DNS addon and the host resolver are configured.
  lines.unshift("--resolv-conf=/run/systemd/resolve/resolv.conf");
  lines.push("--cluster-dns=10.152.183.10", "--cluster-domain=cluster.local");
  return `${lines.join("\n")}\n`;
}

function kubelite(o: ArgsOptions): string {
  return [
    "--scheduler-args-file=$SNAP_DATA/args/kube-scheduler",
    "--controller-manager-args-file=$SNAP_DATA/args/kube-controller-manager",
    "--proxy-args-file=$SNAP_DATA/args/kube-proxy",
    "--kubelet-args-file=$SNAP_DATA/args/kubelet",
    "--apiserver-args-file=$SNAP_DATA/args/kube-apiserver",
    "--kubeconfig-file=$SNAP_DATA/credentials/client.config",
    `--start-control-plane=${o.worker ? "false" : "true"}`,
    "",
  ].join("\n");
}

function controllerManager(o: ArgsOptions): string {
  const lines = [
    "--kubeconfig=${SNAP_DATA}/credentials/controller.config",
    "--service-account-private-key-file=${SNAP_DATA}/certs/serviceaccount.key",
    "--root-ca-file=${SNAP_DATA}/certs/ca.crt",
    "--cluster-signing-cert-file=${SNAP_DATA}/certs/ca.crt",
    "--cluster-signing-key-file=${SNAP_DATA}/certs/ca.key",
    "--use-service-account-credentials",
    "--leader-elect-lease-duration=60s",
    "--leader-elect-renew-deadline=30s",
  ];
  if (o.minor >= 23) lines.push("--profiling=false");
  // The CNI set-up adds these for calico.
  lines.unshift("--cluster-cidr=10.1.0.0/16", "--service-cluster-ip-range=10.152.183.0/24");
  return `${lines.join("\n")}\n`;
}

const CONTAINERD_ENV = `# Remember to restart MicroK8s after editing this file:
#
# sudo microk8s stop; sudo microk8s start
#

# To start containerd behind a proxy you need to add an HTTPS_PROXY
# environment variable in this file. HTTPS_PROXY is of the following form:
# HTTPS_PROXY=http://username:password@proxy:port/
# where username: and password@ are optional. eg:
#
# HTTPS_PROXY=https://squid.internal:3128
#
# You may also want to set NO_PROXY to include the cluster-cidr and the services-cidr
# as specified in /var/snap/microk8s/current/args/kube-proxy and
# /var/snap/microk8s/current/args/kube-apiserver
#
# NO_PROXY=10.1.0.0/16,10.152.183.0/24
#

# You can set the of the kata containers runtime here.
#
# KATA_PATH=
#
PATH=$PATH:$KATA_PATH

# Attempt to change the maximum number of open file descriptors
# this get inherited to the running containers
#
ulimit -n 65536 || true

# Attempt to change the maximum locked memory limit
# this get inherited to the running containers
#
ulimit -l 16384 || true
`;

function containerdToml(o: ArgsOptions, template: boolean): string {
  const snapData = template ? "${SNAP_DATA}" : `/var/snap/microk8s/${o.rev}`;
  const snapshotter = template ? "${SNAPSHOTTER}" : "overlayfs";
  const runtime = template ? "${RUNTIME}" : "runc";
  const runtimeType = template ? "${RUNTIME_TYPE}" : "io.containerd.runc.v2";
  const pause =
    o.minor >= 28
      ? "registry.k8s.io/pause:3.7"
      : o.minor >= 25
        ? "registry.k8s.io/pause:3.7"
        : "k8s.gcr.io/pause:3.1";
  return `# Use config version 2 to enable new configuration fields.
version = 2
oom_score = 0

[grpc]
  uid = 0
  gid = 0
  max_recv_message_size = 16777216
  max_send_message_size = 16777216

[debug]
  address = ""
  uid = 0
  gid = 0

[metrics]
  address = "127.0.0.1:1338"
  grpc_histogram = false

[cgroup]
  path = ""


# The 'plugins."io.containerd.grpc.v1.cri"' table contains all of the server options.
[plugins."io.containerd.grpc.v1.cri"]

  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  sandbox_image = "${pause}"
  stats_collect_period = 10
  enable_tls_streaming = false
  max_container_log_line_size = 16384

  # 'plugins."io.containerd.grpc.v1.cri".containerd' contains config related to containerd
  [plugins."io.containerd.grpc.v1.cri".containerd]

    # snapshotter is the snapshotter used by containerd.
    snapshotter = "${snapshotter}"

    # no_pivot disables pivot-root (linux only), required when running a container in a RamDisk with runc.
    # This only works for runtime type "io.containerd.runtime.v1.linux".
    no_pivot = false

    # default_runtime_name is the default runtime name to use.
    default_runtime_name = "${runtime}"

    # 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes' is a map from CRI RuntimeHandler strings, which specify types
    # of runtime configurations, to the matching configurations.
    # In this example, 'runc' is the RuntimeHandler string to match.
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      # runtime_type is the runtime type to use in containerd e.g. io.containerd.runtime.v1.linux
      runtime_type = "${runtimeType}"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia-container-runtime]
      # runtime_type is the runtime type to use in containerd e.g. io.containerd.runtime.v1.linux
      runtime_type = "${runtimeType}"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia-container-runtime.options]
        BinaryName = "nvidia-container-runtime"

  # 'plugins."io.containerd.grpc.v1.cri".cni' contains config related to cni
  [plugins."io.containerd.grpc.v1.cri".cni]
    # bin_dir is the directory in which the binaries for the plugin is kept.
    bin_dir = "${snapData}/opt/cni/bin"

    # conf_dir is the directory in which the admin places a CNI conf.
    conf_dir = "${snapData}/args/cni-network"

  # 'plugins."io.containerd.grpc.v1.cri".registry' contains config related to the registry
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${snapData}/args/certs.d"
`;
}

function calicoConflist(o: ArgsOptions): string {
  return `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/snap/microk8s/common/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "${o.hostname}",
      "nodename_file": "/var/snap/microk8s/current/var/lib/calico/nodename",
      "mtu": 0,
      "ipam": {
          "assign_ipv4": "true",
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "/var/snap/microk8s/current/args/cni-network/calico-kubeconfig"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    },
    {
      "type": "bandwidth",
      "capabilities": {"bandwidth": true}
    }
  ]
}`;
}

function base64url(rng: Rng, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[rng.int(0, 63)];
  return s;
}

/** A service-account JWT look-alike: three base64url parts. Redaction tests want one. */
export function fakeJwt(rng: Rng): string {
  const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: base64url(rng, 43) })).toString("base64url");
  return `${header}.${base64url(rng, 620)}.${base64url(rng, 342)}`;
}

function calicoKubeconfig(rng: Rng): string {
  const caData = Buffer.from(
    `-----BEGIN CERTIFICATE-----\n${base64url(rng, 64)}\n-----END CERTIFICATE-----\n`,
  ).toString("base64");
  return `# Kubeconfig file for Calico CNI plugin. Installed by calico/node.
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://10.152.183.1:443
    certificate-authority-data: "${caData}"
users:
- name: calico
  user:
    token: ${fakeJwt(rng)}
contexts:
- name: calico-context
  context:
    cluster: local
    user: calico
current-context: calico-context
`;
}

function cniManifest(o: ArgsOptions): string {
  const calico = o.minor >= 28 ? "v3.25.1" : o.minor >= 25 ? "v3.23.5" : "v3.19.1";
  const header = `---
# Source: calico/templates/calico-kube-controllers.yaml
# This manifest creates a Pod Disruption Budget for Controller to allow K8s Cluster Autoscaler to evict

apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: calico-kube-controllers
  namespace: kube-system
  labels:
    k8s-app: calico-kube-controllers
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      k8s-app: calico-kube-controllers
---
# Source: calico/templates/calico-config.yaml
# This ConfigMap is used to configure a self-hosted Calico installation.
kind: ConfigMap
apiVersion: v1
metadata:
  name: calico-config
  namespace: kube-system
data:
  typha_service_name: "none"
  calico_backend: "vxlan"
  veth_mtu: "0"
---
# Source: calico/templates/calico-node.yaml
kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: calico-node
  namespace: kube-system
  labels:
    k8s-app: calico-node
spec:
  selector:
    matchLabels:
      k8s-app: calico-node
  template:
    metadata:
      labels:
        k8s-app: calico-node
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      hostNetwork: true
      serviceAccountName: calico-node
      priorityClassName: system-node-critical
      initContainers:
        - name: upgrade-ipam
          image: docker.io/calico/cni:${calico}
        - name: install-cni
          image: docker.io/calico/cni:${calico}
      containers:
        - name: calico-node
          image: docker.io/calico/node:${calico}
          env:
            - name: DATASTORE_TYPE
              value: "kubernetes"
            - name: CALICO_IPV4POOL_CIDR
              value: "10.1.0.0/16"
            - name: CALICO_IPV4POOL_VXLAN
              value: "Always"
            - name: IP_AUTODETECTION_METHOD
              value: "first-found"
`;
  const crds = [
    "bgpconfigurations",
    "bgppeers",
    "blockaffinities",
    "caliconodestatuses",
    "clusterinformations",
    "felixconfigurations",
    "globalnetworkpolicies",
    "globalnetworksets",
    "hostendpoints",
    "ipamblocks",
    "ipamconfigs",
    "ipamhandles",
    "ippools",
    "ipreservations",
    "kubecontrollersconfigurations",
    "networkpolicies",
    "networksets",
  ]
    .map(
      (plural) => `---
# Source: calico/templates/kdd-crds.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.crd.projectcalico.org
spec:
  group: crd.projectcalico.org
  names:
    kind: ${plural}
    plural: ${plural}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
`,
    )
    .join("");
  return header + crds;
}

/** Report-relative path under args/ → content. */
export function argsFiles(o: ArgsOptions, rng: Rng): Record<string, string> {
  const files: Record<string, string> = {
    "args/kube-apiserver": kubeApiserver(o),
    "args/kubelet": kubelet(o),
    "args/kube-proxy":
      "--kubeconfig=${SNAP_DATA}/credentials/proxy.config\n--cluster-cidr=10.1.0.0/16\n--healthz-bind-address=127.0.0.1\n" +
      (o.minor >= 23 ? "--profiling=false\n" : ""),
    "args/kube-scheduler":
      "--kubeconfig=${SNAP_DATA}/credentials/scheduler.config\n--leader-elect-lease-duration=60s\n--leader-elect-renew-deadline=30s\n" +
      (o.minor >= 23 ? "--profiling=false\n" : ""),
    "args/kube-controller-manager": controllerManager(o),
    "args/kubelite": kubelite(o),
    "args/cluster-agent":
      '--bind 0.0.0.0:25000\n--keyfile "${SNAP_DATA}/certs/server.key"\n--certfile "${SNAP_DATA}/certs/server.crt"\n--timeout 240\n',
    "args/containerd":
      "--config ${SNAP_DATA}/args/containerd.toml\n--root ${SNAP_COMMON}/var/lib/containerd\n--state ${SNAP_COMMON}/run/containerd\n--address ${SNAP_COMMON}/run/containerd.sock\n",
    "args/containerd-env": CONTAINERD_ENV,
    "args/containerd-template.toml": containerdToml(o, true),
    "args/containerd.toml": containerdToml(o, false),
    "args/ctr": "--address=${SNAP_COMMON}/run/containerd.sock\n--namespace k8s.io\n",
    "args/kubectl": "",
    "args/kubectl-env": "export KUBECONFIG=$SNAP_DATA/credentials/client.config",
    "args/flannel-network-mgr-config": '{"Network": "10.1.0.0/16", "Backend": {"Type": "vxlan"}}',
    "args/flannel-template.conflist":
      '{\n    "name": "microk8s-flannel-network",\n    "plugins": [\n      {\n        "type": "flannel",\n        "delegate": {\n          "hairpinMode": true,\n          "isDefaultGateway": true\n        }\n      },\n      {\n        "type": "portmap",\n        "capabilities": {"portMappings": true},\n        "snat": true\n      }\n    ]\n}\n',
    "args/flanneld":
      '--iface=""\n--etcd-endpoints=https://127.0.0.1:12379\n--etcd-cafile=${SNAP_DATA}/certs/ca.crt\n--etcd-certfile=${SNAP_DATA}/certs/server.crt\n--etcd-keyfile=${SNAP_DATA}/certs/server.key\n--subnet-file=${SNAP_COMMON}/run/flannel/subnet.env\n--ip-masq=true\n',
    "args/etcd":
      "--data-dir=${SNAP_COMMON}/var/run/etcd\n--advertise-client-urls=https://${DEFAULT_INTERFACE_IP_ADDR}:12379\n--listen-client-urls=https://0.0.0.0:12379\n--client-cert-auth\n--trusted-ca-file=${SNAP_DATA}/certs/ca.crt\n--cert-file=${SNAP_DATA}/certs/server.crt\n--key-file=${SNAP_DATA}/certs/server.key\n--enable-v2=true\n",
    "args/ha-conf": "failure-domain=1\n",
    "args/cni-network/cni.yaml": cniManifest(o),
    "args/cni-network/10-calico.conflist": calicoConflist(o),
    "args/cni-network/calico-kubeconfig": calicoKubeconfig(rng),
    "args/certs.d/docker.io/hosts.toml":
      'server = "https://docker.io"\n\n[host."https://registry-1.docker.io"]\n  capabilities = ["pull", "resolve"]\n',
  };
  // The registry folder name changed: "localhost:32000" (≤1.27 on disk), "localhost_32000" later.
  const registryDir = o.minor >= 28 ? "localhost_32000" : "localhost:32000";
  files[`args/certs.d/${registryDir}/hosts.toml`] =
    'server = "http://localhost:32000"\n\n[host."http://localhost:32000"]\n  capabilities = ["pull", "resolve"]\n';
  if (o.minor >= 23) {
    files["args/k8s-dqlite"] =
      "--storage-dir=${SNAP_DATA}/var/kubernetes/backend/\n--listen=unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379\n";
    files["args/k8s-dqlite-env"] =
      '# Environment variables k8s-dqlite will run with\n#\n# Enable dqlite debugging flags\n# LIBRAFT_TRACE="1"\n# LIBDQLITE_TRACE="1"\n';
  }
  if (o.minor >= 25) {
    files["args/apiserver-proxy"] =
      "--traefik-config ${SNAP_DATA}/args/traefik/traefik.yaml\n--kubeconfig ${SNAP_DATA}/credentials/kubelet.config\n--refresh-interval 30s\n";
  }
  if (o.minor >= 23) {
    files["args/traefik/traefik-template.yaml"] =
      'entryPoints:\n  apiserver:\n    address: ":16443"\nproviders:\n  file:\n    filename: ${SNAP_DATA}/args/traefik/provider.yaml\n    watch: true\n';
    files["args/traefik/provider-template.yaml"] =
      'tcp:\n  routers:\n    Router-1:\n      rule: "HostSNI(`*`)"\n      service: "kube-apiserver"\n      tls:\n        passthrough: true\n  services:\n    kube-apiserver:\n      loadBalancer:\n        servers:\n# APISERVERS\n#      - address: "10.130.0.2:16443"\n#      - address: "10.130.0.3:16443"\n#      - address: "10.130.0.4:16443"\n';
    if (o.worker) {
      files["args/traefik/traefik.yaml"] = files["args/traefik/traefik-template.yaml"].replace(
        "${SNAP_DATA}",
        `/var/snap/microk8s/${o.rev}`,
      );
      files["args/traefik/provider.yaml"] =
        'tcp:\n  routers:\n    Router-1:\n      rule: "HostSNI(`*`)"\n      service: "kube-apiserver"\n      tls:\n        passthrough: true\n  services:\n    kube-apiserver:\n      loadBalancer:\n        servers:\n' +
        o.controlPlaneIPs.map((ip) => `        - address: "${ip}:16443"\n`).join("");
    }
  }
  if (o.minor >= 28) {
    files["args/admission-control-config-file.yaml"] =
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: EventRateLimit\n    path: eventconfig.yaml\n";
    files["args/eventconfig.yaml"] =
      "apiVersion: eventratelimit.admission.k8s.io/v1alpha1\nkind: Configuration\nlimits:\n  - type: Server\n    qps: 5000\n    burst: 20000\n";
    files["args/cni-env"] =
      "# Environment variables for the CNI\n#\n# IPv4_SUPPORT=true\n# IPv4_CLUSTER_CIDR=10.1.0.0/16\n# IPv4_SERVICE_CIDR=10.152.183.0/24\n# IPv6_SUPPORT=false\n";
  }
  return files;
}
