import { clip, MiB, smallFileParser, splitLines } from "./common.js";
import type { FileParser } from "./registry-types.js";
import type { IpRoute, IptablesL } from "./types.js";

const MAX_ROUTES = 2_000;
const MAX_ADDRESSES = 256;
const MAX_ROUTE_CHARS = 500;

/** network/iptables-L: the FORWARD chain's policy ("Chain FORWARD (policy DROP)"). */
export function parseIptablesL(text: string): IptablesL {
  for (const line of splitLines(text)) {
    const match = /^Chain FORWARD \(policy ([A-Z]+)\b/.exec(line.trim());
    if (match) return { forwardPolicy: match[1] };
  }
  return { forwardPolicy: null };
}

const ROUTE_TYPES = "unicast|local|broadcast|multicast|throw|unreachable|prohibit|blackhole|nat|anycast";
const ROUTE_PREFIX = new RegExp(`^(?:(${ROUTE_TYPES})\\s+)?(default|[0-9a-fA-F.:]+(?:/\\d{1,3})?)(?:\\s|$)`);
const NEXTHOP = /^\s+nexthop\s/;
const IP_ADDR_INTERFACE = /^\d+: [^\s:]+(?:@[^\s:]+)?: </;

/** True for one `ip route` line: "default via …", "10.1.0.0/16 dev …", "blackhole 10.1.254.64/26 proto 80". */
export function isRouteLine(line: string): boolean {
  const match = ROUTE_PREFIX.exec(line);
  if (!match) return false;
  // A destination alone is not enough ("1: lo: <…>" of `ip addr` starts with a hex-looking token).
  if (match[1] !== undefined && match[1] !== "unicast") return true;
  return / (?:dev|via|nexthop|proto|scope) /.test(` ${line} `);
}

/** True when the text is `ip route` output: most lines are routes and none is an `ip addr` interface header. */
export function looksLikeRoutes(text: string): boolean {
  let lines = 0;
  let routes = 0;
  for (const line of splitLines(text)) {
    if (line.trim() === "") continue;
    if (IP_ADDR_INTERFACE.test(line)) return false;
    lines++;
    if (isRouteLine(line) || NEXTHOP.test(line)) routes++;
  }
  return lines > 0 && routes / lines >= 0.8;
}

/** `ip route` output → the routes (trimmed lines) and whether a default route exists. */
export function parseIpRoute(text: string): IpRoute {
  const routes: string[] = [];
  let hasDefaultRoute = false;
  for (const line of splitLines(text)) {
    if (!isRouteLine(line)) continue;
    if (/^(?:unicast\s+)?default\b/.test(line)) hasDefaultRoute = true;
    if (routes.length < MAX_ROUTES) routes.push(clip(line.trim(), MAX_ROUTE_CHARS));
  }
  return { hasDefaultRoute, routes };
}

function isLoopbackOrLinkLocal(address: string): boolean {
  const lower = address.toLowerCase();
  return (
    lower.startsWith("127.") ||
    lower === "::1" ||
    /^fe[89ab][0-9a-f]:/.test(lower) ||
    lower.startsWith("169.254.")
  );
}

/** `ip addr` output → the node's addresses (IPv4 and IPv6, no prefix length), loopback and link-local left out. */
export function parseIpAddr(text: string): string[] {
  const addresses = new Set<string>();
  for (const line of splitLines(text)) {
    const match = /^\s+inet6?\s+([0-9a-fA-F.:]+)(?:\/\d{1,3})?\s/.exec(`${line} `);
    if (match && !isLoopbackOrLinkLocal(match[1]) && addresses.size < MAX_ADDRESSES) addresses.add(match[1]);
  }
  return [...addresses];
}

export const iptablesLParser: FileParser = smallFileParser(
  "network-iptables-l",
  (path) => path === "network/iptables-L",
  4 * MiB,
  (text, { out }) => {
    out.iptablesL = parseIptablesL(text);
  },
);

/** network/ip-route is authoritative; it replaces routes taken from a mislabelled network/ip-addr. */
export const ipRouteParser: FileParser = smallFileParser(
  "network-ip-route",
  (path) => path === "network/ip-route",
  4 * MiB,
  (text, { path, out, warnings }) => {
    const route = parseIpRoute(text);
    if (route.routes.length > 0) out.ipRoute = route;
    else if (text.trim() !== "") warnings.push(`${path}: no route lines found`);
  },
);

/**
 * network/ip-addr: `ip addr` output, except on some inspect.sh versions where it holds `ip route` output;
 * then it fills ipRoute (unless network/ip-route already did).
 */
export const ipAddrParser: FileParser = smallFileParser(
  "network-ip-addr",
  (path) => path === "network/ip-addr",
  4 * MiB,
  (text, { out }) => {
    if (looksLikeRoutes(text)) {
      out.ipRoute ??= parseIpRoute(text);
      return;
    }
    const addresses = parseIpAddr(text);
    if (addresses.length > 0) out.ipAddresses = addresses;
  },
);
