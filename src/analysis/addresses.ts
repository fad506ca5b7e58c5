/** Small helpers over dqlite "host:port" addresses and host names. */

/** Host part of "host:port" / "[v6]:port" (brackets removed); the input when it has no port. */
export function hostOf(address: string): string {
  const trimmed = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed) return bracketed[1].toLowerCase();
  const colons = trimmed.split(":").length - 1;
  if (colons === 1) return trimmed.slice(0, trimmed.lastIndexOf(":")).toLowerCase();
  return trimmed.toLowerCase();
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isLoopbackAddress(address: string): boolean {
  return isLoopbackHost(hostOf(address));
}

/** "host:port" as written in go-dqlite logs and cluster.yaml (also "[v6]:port"). */
export const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/;

/** All "server <host:port>" addresses named in a go-dqlite connection line. */
export function serverAddressesIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/server (\[[0-9a-fA-F:.]+\]:\d{1,5}|[A-Za-z0-9_.-]+:\d{1,5})/g))
    found.add(match[1]);
  return [...found];
}

/** Case-insensitive node name comparison that also accepts a short name against an FQDN. */
export function sameNodeName(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  return x.split(".")[0] === y.split(".")[0] && (!x.includes(".") || !y.includes("."));
}

/** "kube05 (10.0.0.5:19001)" or just the address. */
export function describeMember(address: string, node: string | null): string {
  return node ? `${node} (${address})` : address;
}
