import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAllowedHost, isForbiddenAddress } from "../../src/attachments/download.js";
import { parseAttachmentHosts, parseHostEntry } from "../../src/attachments/hosts.js";
import { parseIPv4, parseIPv6 } from "../../src/attachments/ip.js";

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.10",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::",
    "2001:db8::1",
    "2130706433",
    "0x7f.1",
    "0177.0.0.1",
    "0x7f000001",
    "127.1",
    "017700000001",
    "not-an-ip",
    "",
    "1.2.3.4.5",
    "::1::",
  ])("forbids %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    "140.82.112.3", // github.com
    "185.199.108.133", // objects.githubusercontent.com
    "52.216.0.1", // S3
    "8.8.8.8",
    "172.32.0.1", // just outside 172.16/12
    "100.128.0.1", // just outside 100.64/10
    "169.253.255.255",
    "2606:50c0:8000::154", // GitHub over IPv6
    "2a00:1450:4001::1",
    "::ffff:140.82.112.3",
    "64:ff9b::8c52:7003",
    "2002:8c52:7003::1",
  ])("allows the public address %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it("judges an IPv4 address the same in every spelling and in its IPv4-mapped IPv6 form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        const octets = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
        const dotted = octets.join(".");
        const verdict = isForbiddenAddress(dotted);
        expect(isForbiddenAddress(String(value))).toBe(verdict);
        expect(isForbiddenAddress(`0x${value.toString(16)}`)).toBe(verdict);
        expect(isForbiddenAddress(octets.map((o) => `0${o.toString(8)}`).join("."))).toBe(verdict);
        expect(isForbiddenAddress(`::ffff:${dotted}`)).toBe(verdict);
      }),
    );
  });

  it("forbids every address of the private IPv4 blocks", () => {
    const block = (a: number, bMin: number, bMax: number) =>
      fc
        .tuple(
          fc.integer({ min: bMin, max: bMax }),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 255 }),
        )
        .map(([b, c, d]) => `${a}.${b}.${c}.${d}`);
    fc.assert(
      fc.property(
        fc.oneof(block(10, 0, 255), block(127, 0, 255), block(172, 16, 31), block(192, 168, 168)),
        (ip) => {
          expect(isForbiddenAddress(ip)).toBe(true);
        },
      ),
    );
  });
});

describe("IP parsers", () => {
  it("parses IPv4 spellings like the URL parser does", () => {
    expect(parseIPv4("127.0.0.1")).toBe(0x7f000001);
    expect(parseIPv4("127.1")).toBe(0x7f000001);
    expect(parseIPv4("10.1.2")).toBe(0x0a010002);
    expect(parseIPv4("0x7f.1")).toBe(0x7f000001);
    expect(parseIPv4("4294967295")).toBe(0xffffffff);
    expect(parseIPv4("4294967296")).toBeNull();
    expect(parseIPv4("256.0.0.1")).toBeNull();
    expect(parseIPv4("08.0.0.1")).toBeNull(); // 8 is not an octal digit
    // Cross-check with the WHATWG parser on a few spellings.
    for (const spelling of ["2130706433", "0x7f.1", "0177.1", "127.0.1"]) {
      const n = parseIPv4(spelling);
      expect(n).not.toBeNull();
      const dotted = [n! >>> 24, (n! >>> 16) & 255, (n! >>> 8) & 255, n! & 255].join(".");
      expect(new URL(`http://${spelling}/`).hostname).toBe(dotted);
    }
  });

  it("parses IPv6 with compression and an embedded IPv4 tail", () => {
    expect(parseIPv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6("2001:db8::")).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIPv6("1::2::3")).toBeNull();
    expect(parseIPv6("12345::")).toBeNull();
  });
});

describe("isAllowedHost", () => {
  const none = {};
  it.each([
    ["https://github.com/user-attachments/files/1/r.tar.gz", true],
    ["https://GitHub.com/user-attachments/files/1/r.tar.gz", true],
    ["https://github.com:443/x", true],
    ["http://github.com/x", false],
    ["https://github.com:8443/x", false],
    ["https://github.com./x", false],
    ["https://github.com.evil.com/x", false],
    ["https://evilgithub.com/x", false],
    ["https://www.github.com/x", false],
    ["https://objects.githubusercontent.com/x", true],
    ["https://a.b.githubusercontent.com/x", true],
    ["https://githubusercontent.com/x", false],
    ["https://evilgithubusercontent.com/x", false],
    ["https://objects.githubusercontent.com.evil.com/x", false],
    ["http://objects.githubusercontent.com/x", false],
    ["https://github-production-repository-file-5c1aeb.s3.amazonaws.com/x", true],
    ["https://github-production-user-asset-6210df.s3.amazonaws.com/x", true],
    ["https://evil-github-production-x.s3.amazonaws.com/x", false],
    ["https://github-production-x.s3.amazonaws.com.evil.com/x", false],
    ["https://other-bucket.s3.amazonaws.com/x", false],
    ["https://user:pw@github.com/x", false],
    ["http://169.254.169.254/", false],
    ["http://2130706433/", false],
    ["not a url", false],
  ])("%s → %s", (url, allowed) => {
    expect(isAllowedHost(url, none)).toBe(allowed);
  });

  it("admits storage hosts only as redirect targets, not as the link itself", () => {
    expect(isAllowedHost("https://objects.githubusercontent.com/x", none, "initial")).toBe(false);
    expect(isAllowedHost("https://github.com/x", none, "initial")).toBe(true);
  });

  it("matches ATTACHMENT_HOSTS by host and port, with http allowed unless the entry fixes https", () => {
    const policy = { extraHosts: ["127.0.0.1:8080", "https://files.example.org", "[::1]:9000"] };
    expect(isAllowedHost("http://127.0.0.1:8080/x", policy)).toBe(true);
    expect(isAllowedHost("https://127.0.0.1:8080/x", policy)).toBe(true);
    expect(isAllowedHost("http://127.0.0.1:8081/x", policy)).toBe(false);
    expect(isAllowedHost("http://127.0.0.1/x", policy)).toBe(false);
    expect(isAllowedHost("https://files.example.org/x", policy)).toBe(true);
    expect(isAllowedHost("http://files.example.org/x", policy)).toBe(false);
    expect(isAllowedHost("https://files.example.org:444/x", policy)).toBe(false);
    expect(isAllowedHost("http://[::1]:9000/x", policy)).toBe(true);
    expect(isAllowedHost("http://0x7f.0.0.1:8080/x", policy)).toBe(false);
  });

  it("matches the GHE host with its protocol, and its direct subdomains on redirects", () => {
    const policy = { gheHost: "ghe.corp.example", gheProtocol: "https" };
    expect(isAllowedHost("https://ghe.corp.example/o/r/files/1/x.tar.gz", policy, "initial")).toBe(true);
    expect(isAllowedHost("http://ghe.corp.example/x", policy)).toBe(false);
    expect(isAllowedHost("https://media.ghe.corp.example/user/1/files/x", policy, "redirect")).toBe(true);
    expect(isAllowedHost("https://media.ghe.corp.example/user/1/files/x", policy, "initial")).toBe(false);
    expect(isAllowedHost("https://a.b.ghe.corp.example/x", policy)).toBe(false);
    expect(isAllowedHost("https://evilghe.corp.example/x", policy)).toBe(false);
    const http = { gheHost: "ghe.lan:8080", gheProtocol: "http" };
    expect(isAllowedHost("http://ghe.lan:8080/x", http)).toBe(true);
    expect(isAllowedHost("http://ghe.lan/x", http)).toBe(false);
  });
});

describe("ATTACHMENT_HOSTS parsing", () => {
  it("splits on commas and spaces and drops malformed entries", () => {
    expect(
      parseAttachmentHosts(" 127.0.0.1:8080, ghe.lan  https://x.example:8443 bad/path user@host ,"),
    ).toEqual(["127.0.0.1:8080", "ghe.lan", "https://x.example:8443"]);
    expect(parseAttachmentHosts(undefined)).toEqual([]);
  });

  it("canonicalises entries", () => {
    expect(parseHostEntry("GHE.Example.com:0443")).toEqual({
      hostname: "ghe.example.com",
      port: "443",
      protocol: null,
    });
    expect(parseHostEntry("http://[::1]:9000/")).toEqual({
      hostname: "[::1]",
      port: "9000",
      protocol: "http:",
    });
    expect(parseHostEntry("host:70000")).toBeNull();
    expect(parseHostEntry("")).toBeNull();
  });
});
