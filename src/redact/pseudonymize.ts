/**
 * Consistent placeholders for identifying names before text goes to a language model:
 * node names → NODE_1, other host names → HOST_1, IP addresses → IP_1. The same input always gets
 * the same placeholder, so relationships survive ("NODE_2 cannot reach IP_3:19001"), and
 * `restore` maps the model's answer back. Secrets are redacted first (not restorable).
 */
import { isIPv4, isIPv6 } from "node:net";
import { redact } from "./redact.js";

export type PlaceholderKind = "NODE" | "HOST" | "IP";

export interface Pseudonymizer {
  /** Register node names (from the reports, cluster.yaml …) so they become NODE_n. */
  addNodes(names: Iterable<string | null | undefined>): void;
  /** Redact, then replace node names, host names and IP addresses with placeholders. */
  pseudonymize(text: string): string;
  /** Replace placeholders by the original values; unknown placeholders stay as they are. */
  restore(text: string): string;
  /** Placeholder → original value. */
  readonly mapping: ReadonlyMap<string, string>;
}

export interface PseudonymizerOptions {
  nodes?: Iterable<string | null | undefined>;
}

/**
 * Names too common to replace everywhere (a node called "ubuntu" or "microk8s"): replaced only
 * where the text clearly names a host (the host field of a journal line).
 */
const COMMON_WORDS = new Set([
  "localhost",
  "microk8s",
  "master",
  "node",
  "worker",
  "kubernetes",
  "k8s",
  "ubuntu",
  "debian",
  "server",
  "host",
  "snap",
  "kernel",
  "systemd",
  "containerd",
  "default",
]);

/** Public domains worth keeping readable: they identify software, not the user's machines. */
const PUBLIC_DOMAINS = [
  "github.com",
  "githubusercontent.com",
  "microk8s.io",
  "k8s.io",
  "kubernetes.io",
  "docker.io",
  "docker.com",
  "quay.io",
  "gcr.io",
  "ghcr.io",
  "canonical.com",
  "ubuntu.com",
  "launchpad.net",
  "snapcraft.io",
  "projectcalico.org",
  "tigera.io",
  "coredns.io",
  "cluster.local",
  "golang.org",
  "google.com",
];

const TLDS =
  "com|net|org|io|dev|local|lan|internal|intra|intranet|home|corp|cloud|eu|de|uk|fr|nl|info|biz|xyz|site|online|tech|app|localdomain|example|tld";

const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g;
const IPV6_CANDIDATE = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
const FQDN = new RegExp(
  String.raw`(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:${TLDS})(?![\w-])(?!\.[a-z0-9])`,
  "gi",
);
/** `Jan 30 20:22:45 mk8s01 microk8s.daemon-…` and `2021-07-31T10:52:31Z host systemd[1]:` */
const JOURNAL_HOST =
  /^((?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) )([A-Za-z0-9][A-Za-z0-9._-]*)(?= \S+(?:\[\d+\])?:)/gm;
const PLACEHOLDER_TOKEN = /\b(NODE|HOST|IP)_(\d+)\b/g;

function isKeptAddress(ip: string): boolean {
  const lower = ip.toLowerCase();
  return (
    lower.startsWith("127.") ||
    lower === "0.0.0.0" ||
    lower === "255.255.255.255" ||
    lower === "::1" ||
    lower === "::" ||
    lower.startsWith("::ffff:127.")
  );
}

function isPublicDomain(host: string): boolean {
  const lower = host.toLowerCase();
  return PUBLIC_DOMAINS.some((d) => lower === d || lower.endsWith(`.${d}`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The longest valid IPv6 address at the start of a candidate ("fd00::1:19001" → "fd00::1"). */
function validIPv6Prefix(candidate: string): string | null {
  let current = candidate;
  while (current.includes(":")) {
    if (isIPv6(current) && (current.includes("::") || current.split(":").length === 8)) return current;
    const cut = current.lastIndexOf(":");
    current = current.slice(0, cut);
    // A trailing "::" loses its meaning once cut in half; stop at fewer than two groups.
    if (current.split(":").length < 3 && !current.includes("::")) return null;
  }
  return null;
}

export function createPseudonymizer(options: PseudonymizerOptions = {}): Pseudonymizer {
  const byOriginal = new Map<string, string>(); // "NODE:kube05" → "NODE_1"
  const mapping = new Map<string, string>(); // "NODE_1" → "kube05"
  const counters: Record<PlaceholderKind, number> = { NODE: 0, HOST: 0, IP: 0 };
  const nodes = new Map<string, string>(); // lower-case name → name as registered

  const tokenFor = (kind: PlaceholderKind, original: string): string => {
    // Host names are case-insensitive: one placeholder for "Kube05" and "kube05".
    const key = `${kind === "IP" ? "IP" : "NAME"}:${original.toLowerCase()}`;
    const existing = byOriginal.get(key);
    if (existing) return existing;
    counters[kind] += 1;
    const token = `${kind}_${counters[kind]}`;
    byOriginal.set(key, token);
    mapping.set(token, original);
    return token;
  };

  const addNodes = (names: Iterable<string | null | undefined>): void => {
    for (const name of names) {
      const trimmed = name?.trim();
      if (!trimmed || /^(?:NODE|HOST|IP)_\d+$/.test(trimmed)) continue;
      if (isIPv4(trimmed) || isIPv6(trimmed)) continue;
      if (!nodes.has(trimmed.toLowerCase())) {
        nodes.set(trimmed.toLowerCase(), trimmed);
        tokenFor("NODE", trimmed);
      }
    }
  };
  addNodes(options.nodes ?? []);

  const replaceIps = (text: string): string =>
    text
      .replace(IPV4, (ip) => (isKeptAddress(ip) ? ip : tokenFor("IP", ip)))
      .replace(IPV6_CANDIDATE, (candidate) => {
        const ip = validIPv6Prefix(candidate);
        if (!ip || isKeptAddress(ip)) return candidate;
        return tokenFor("IP", ip) + candidate.slice(ip.length);
      });

  const replaceNodes = (text: string): string => {
    const names = [...nodes.values()]
      .filter((n) => !COMMON_WORDS.has(n.toLowerCase()))
      .sort((a, b) => b.length - a.length);
    if (names.length === 0) return text;
    const pattern = new RegExp(
      `(?<![A-Za-z0-9_.-])(?:${names.map(escapeRegExp).join("|")})(?![A-Za-z0-9_-])`,
      "gi",
    );
    return text.replace(pattern, (name) => tokenFor("NODE", nodes.get(name.toLowerCase()) ?? name));
  };

  const pseudonymize = (input: string): string => {
    let text = redact(input);
    // The host field of a journal line is a node's hostname, even when nobody registered it.
    text = text.replace(JOURNAL_HOST, (match, head: string, host: string) => {
      if (/^(?:NODE|HOST|IP)_\d+$/.test(host) || isIPv4(host)) return match;
      addNodes([host]);
      return `${head}${tokenFor("NODE", host)}`;
    });
    text = replaceNodes(text);
    text = text.replace(FQDN, (host) => (isPublicDomain(host) ? host : tokenFor("HOST", host)));
    return replaceIps(text);
  };

  const restore = (text: string): string =>
    text.replace(PLACEHOLDER_TOKEN, (token) => mapping.get(token) ?? token);

  return { addNodes, pseudonymize, restore, mapping };
}
