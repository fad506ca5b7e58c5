/**
 * Which hosts may serve attachments. Shared by discovery (which links to pick up) and download
 * (which hosts to contact on every redirect hop). Exact host matching only: no substring tests,
 * so "github.com.evil.com" or "evilgithub.com" never pass.
 */

/** Where attachment hosts come from: the bot's configuration (GHE_HOST, GHE_PROTOCOL, ATTACHMENT_HOSTS). */
export interface HostPolicy {
  /** GitHub Enterprise Server host, `host[:port]` (a leading scheme is tolerated). */
  gheHost?: string | null;
  /** "http" or "https" (default) for the GHE host. */
  gheProtocol?: string | null;
  /** ATTACHMENT_HOSTS entries: `host[:port]`, optionally with `http://`/`https://` to fix the scheme. */
  extraHosts?: readonly string[];
}

/** One allowlisted `host[:port]`. */
export interface HostEntry {
  /** Canonical hostname as the WHATWG URL parser spells it (lower case, IPv6 in brackets). */
  hostname: string;
  /** Explicit port, or null for the scheme's default port. */
  port: string | null;
  /** Scheme the entry is restricted to, or null for either http: or https:. */
  protocol: "http:" | "https:" | null;
}

/**
 * - github: github.com itself (issue attachments start here)
 * - storage: GitHub's storage hosts, reached only by redirect
 * - ghe: the configured Enterprise host; ghe-storage: one of its subdomains (media., etc.), by redirect only
 * - extra: an ATTACHMENT_HOSTS entry
 */
export type HostClass = "github" | "storage" | "ghe" | "ghe-storage" | "extra";

export type HostCheck =
  | {
      ok: true;
      hostClass: HostClass /** Explicitly allowlisted: private addresses permitted. */;
      exempt: boolean;
    }
  | { ok: false; code: "host-not-allowed" | "protocol-not-allowed"; detail: string };

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const S3_BUCKET_HOST = /^github-production-[a-z0-9][a-z0-9-]*\.s3\.amazonaws\.com$/;

/** Parses one `host[:port]` entry (optionally `http://` or `https://` in front); null when malformed. */
export function parseHostEntry(entry: string): HostEntry | null {
  let text = entry.trim();
  let protocol: HostEntry["protocol"] = null;
  const scheme = /^(https?):\/\//i.exec(text);
  if (scheme) {
    protocol = scheme[1].toLowerCase() === "http" ? "http:" : "https:";
    text = text.slice(scheme[0].length);
  }
  text = text.replace(/\/+$/, "");
  const match = /^(\[[0-9a-f:.]+\]|[^:/?#@[\]\s]+)(?::(\d{1,5}))?$/i.exec(text);
  if (!match) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}/`).hostname;
  } catch {
    return null;
  }
  const port = match[2] === undefined ? null : String(Number(match[2]));
  if (port !== null && (Number(port) < 1 || Number(port) > 65535)) return null;
  return { hostname, port, protocol };
}

/** Splits an ATTACHMENT_HOSTS value (commas and/or whitespace) into its valid entries. */
export function parseAttachmentHosts(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && parseHostEntry(part) !== null);
}

function defaultPort(protocol: string): string {
  return protocol === "http:" ? "80" : "443";
}

/** An entry without a port matches only the scheme's default port. */
function portMatches(url: URL, entry: HostEntry): boolean {
  if (entry.port === null) return url.port === "";
  return (url.port || defaultPort(url.protocol)) === entry.port;
}

function sameHostAndPort(url: URL, entry: HostEntry): boolean {
  return url.hostname === entry.hostname && portMatches(url, entry);
}

function gheEntry(policy: HostPolicy): HostEntry | null {
  if (!policy.gheHost) return null;
  const entry = parseHostEntry(policy.gheHost);
  if (!entry) return null;
  if (entry.protocol === null) {
    entry.protocol =
      policy.gheProtocol?.trim().toLowerCase().replace(/:$/, "") === "http" ? "http:" : "https:";
  }
  return entry;
}

function isGitHubStorageHost(hostname: string): boolean {
  if (S3_BUCKET_HOST.test(hostname)) return true;
  const suffix = ".githubusercontent.com";
  if (!hostname.endsWith(suffix)) return false;
  const labels = hostname.slice(0, -suffix.length).split(".");
  return labels.every((label) => DNS_LABEL.test(label));
}

/** A direct subdomain of the GHE host (GHES "subdomain isolation": media.<host>, …), same port. */
function isGheSubdomain(url: URL, ghe: HostEntry): boolean {
  const suffix = `.${ghe.hostname}`;
  if (!url.hostname.endsWith(suffix)) return false;
  const label = url.hostname.slice(0, -suffix.length);
  return DNS_LABEL.test(label) && portMatches(url, ghe);
}

/**
 * Checks a parsed URL's scheme, host and port against the policy.
 * `stage` "initial" admits only hosts an attachment link may point at (github.com, GHE, ATTACHMENT_HOSTS);
 * "redirect" also admits GitHub's storage hosts and GHE subdomains.
 */
export function checkHost(url: URL, policy: HostPolicy, stage: "initial" | "redirect"): HostCheck {
  const displayHost = url.host;
  let wrongProtocolFor: string | null = null;
  const accept = (hostClass: HostClass, protocolOk: boolean, exempt: boolean): HostCheck | null => {
    if (!protocolOk) {
      wrongProtocolFor = wrongProtocolFor ?? hostClass;
      return null;
    }
    return { ok: true, hostClass, exempt };
  };

  for (const raw of policy.extraHosts ?? []) {
    const entry = parseHostEntry(raw);
    if (!entry || !sameHostAndPort(url, entry)) continue;
    const verdict = accept("extra", entry.protocol === null || entry.protocol === url.protocol, true);
    if (verdict) return verdict;
  }
  const ghe = gheEntry(policy);
  if (ghe && sameHostAndPort(url, ghe)) {
    const verdict = accept("ghe", url.protocol === ghe.protocol, false);
    if (verdict) return verdict;
  }
  if (url.hostname === "github.com" && url.port === "") {
    const verdict = accept("github", url.protocol === "https:", false);
    if (verdict) return verdict;
  }
  if (stage === "redirect") {
    if (isGitHubStorageHost(url.hostname) && url.port === "") {
      const verdict = accept("storage", url.protocol === "https:", false);
      if (verdict) return verdict;
    }
    if (ghe && isGheSubdomain(url, ghe)) {
      const verdict = accept("ghe-storage", url.protocol === ghe.protocol, false);
      if (verdict) return verdict;
    }
  }
  if (wrongProtocolFor !== null) {
    return {
      ok: false,
      code: "protocol-not-allowed",
      detail: `${url.protocol.replace(/:$/, "")} is not allowed for ${displayHost}`,
    };
  }
  return { ok: false, code: "host-not-allowed", detail: displayHost };
}

/**
 * True when the host in the URL's original text is spelled as the URL parser canonicalises it.
 * Rejects "http://2130706433/", "http://0x7f.1/", percent-encoded or IDN look-alike host spellings,
 * which would otherwise slip past a reader of the link. Case and a default port are ignored.
 * Relative references without an authority inherit an already vetted host and pass.
 */
export function hostSpelledCanonically(text: string, url: URL): boolean {
  const authority = /^(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}([^/?#\\]*)/i.exec(text.trim());
  if (!authority) return !/^[a-z][a-z0-9+.-]*:/i.test(text.trim());
  let host = authority[1].slice(authority[1].lastIndexOf("@") + 1).toLowerCase();
  const defaultSuffix = `:${defaultPort(url.protocol)}`;
  if (host.endsWith(defaultSuffix)) host = host.slice(0, -defaultSuffix.length);
  if (host.endsWith(":")) host = host.slice(0, -1);
  return host === url.host;
}
