/**
 * Address checks for the attachment downloader's SSRF guard. Pure functions, no DNS.
 *
 * Unknown or unparsable input is treated as forbidden: the guard fails closed.
 */

/** IPv4 ranges that must never be contacted: [network, prefix length]. */
const FORBIDDEN_V4: ReadonlyArray<readonly [number, number]> = [
  [v4(0, 0, 0, 0), 8], // "this network", unspecified
  [v4(10, 0, 0, 0), 8], // private
  [v4(100, 64, 0, 0), 10], // carrier-grade NAT
  [v4(127, 0, 0, 0), 8], // loopback
  [v4(169, 254, 0, 0), 16], // link-local (cloud metadata lives here)
  [v4(172, 16, 0, 0), 12], // private
  [v4(192, 0, 0, 0), 24], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24], // documentation
  [v4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [v4(192, 168, 0, 0), 16], // private
  [v4(198, 18, 0, 0), 15], // benchmarking
  [v4(198, 51, 100, 0), 24], // documentation
  [v4(203, 0, 113, 0), 24], // documentation
  [v4(224, 0, 0, 0), 4], // multicast
  [v4(240, 0, 0, 0), 4], // reserved, broadcast
];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inV4Range(address: number, network: number, prefix: number): boolean {
  const shift = 32 - prefix;
  return address >>> shift === network >>> shift;
}

function parseV4Part(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return Number.parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return Number.parseInt(part, 10);
  return null;
}

/**
 * Parses an IPv4 address in any spelling `inet_aton` and the WHATWG URL parser accept:
 * dotted quad, fewer parts ("127.1"), decimal ("2130706433"), octal ("0177.0.0.1"), hex ("0x7f.1").
 * Returns the address as an unsigned 32-bit number, or null.
 */
export function parseIPv4(text: string): number | null {
  if (text.length === 0 || text.length > 64) return null;
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop(); // WHATWG allows one trailing dot
  if (parts.length === 0 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseV4Part(part);
    if (value === null || !Number.isFinite(value)) return null;
    values.push(value);
  }
  const last = values[values.length - 1];
  const head = values.slice(0, -1);
  if (head.some((value) => value > 255)) return null;
  if (last >= 256 ** (5 - values.length)) return null;
  let address = 0;
  head.forEach((value, index) => {
    address += value * 256 ** (3 - index);
  });
  return address + last;
}

/** Parses an IPv6 address (optionally with an embedded dotted quad) into eight 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  if (text.length === 0 || text.length > 64) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const toGroups = (half: string, allowV4Tail: boolean): number[] | null => {
    if (half === "") return [];
    const pieces = half.split(":");
    const groups: number[] = [];
    for (let index = 0; index < pieces.length; index++) {
      const piece = pieces[index];
      if (allowV4Tail && index === pieces.length - 1 && piece.includes(".")) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return null;
        const octets = piece.split(".").map(Number);
        if (octets.some((octet) => octet > 255)) return null;
        groups.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null;
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };
  if (halves.length === 1) {
    const groups = toGroups(halves[0], true);
    return groups && groups.length === 8 ? groups : null;
  }
  const left = toGroups(halves[0], false);
  const right = toGroups(halves[1], true);
  if (!left || !right || left.length + right.length > 7) return null;
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function isForbiddenV4(address: number): boolean {
  return FORBIDDEN_V4.some(([network, prefix]) => inV4Range(address, network, prefix));
}

function embeddedV4(high: number, low: number): number {
  return ((high << 16) | low) >>> 0;
}

function isForbiddenV6(g: number[]): boolean {
  const zeroUpTo = (count: number) => g.slice(0, count).every((group) => group === 0);
  // Checked before ::/8, which contains it.
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    // NAT64 well-known prefix reaches the embedded IPv4 address; the local-use /48 is private.
    return g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0
      ? isForbiddenV4(embeddedV4(g[6], g[7]))
      : true;
  }
  // ::/8 holds the unspecified and loopback addresses and the IPv4-mapped/compatible forms.
  if ((g[0] & 0xff00) === 0) {
    const mapped = zeroUpTo(5) && g[5] === 0xffff;
    return mapped ? isForbiddenV4(embeddedV4(g[6], g[7])) : true;
  }
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0x0db8)) return true; // Teredo tunnels, documentation
  if (g[0] === 0x2002) return isForbiddenV4(embeddedV4(g[1], g[2])); // 6to4 carries an IPv4 address
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return true; // deprecated site-local fec0::/10
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/**
 * True when an address must not be contacted: private, loopback, link-local, unique-local, multicast,
 * unspecified, documentation/benchmark ranges, and IPv6 forms that embed such an IPv4 address.
 * Accepts bracketed IPv6 ("[::1]"), zone ids ("fe80::1%eth0") and any IPv4 spelling; anything that
 * is not an IP address at all counts as forbidden.
 */
export function isForbiddenAddress(ip: string): boolean {
  let text = ip.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (text.includes(":")) {
    const groups = parseIPv6(text);
    return groups === null ? true : isForbiddenV6(groups);
  }
  const address = parseIPv4(text);
  return address === null ? true : isForbiddenV4(address);
}
