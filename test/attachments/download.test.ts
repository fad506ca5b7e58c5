import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DownloadOptions,
  downloadAttachment,
  firstForbiddenAddress,
  httpStatusFailure,
} from "../../src/attachments/download.js";
import { type LocalServer, redirectTo, serveBytes, startServer } from "./local-server.js";

const servers: LocalServer[] = [];
async function server(...args: Parameters<typeof startServer>): Promise<LocalServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A resolver that fails the test if any name is looked up: proves no DNS query (and no connection) happened. */
const noDns: DownloadOptions["resolve"] = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

const PAYLOAD = Buffer.from("\x1f\x8b fake report bytes for the test", "latin1");

describe("downloadAttachment: success and redirects", () => {
  it("follows a redirect chain across allowlisted hosts and returns the bytes", async () => {
    const storage = await server((req, res) => {
      if (req.url?.startsWith("/signed")) {
        res.writeHead(302, { location: "/final/inspection-report.tar.gz" }); // relative Location
        res.end();
      } else {
        serveBytes(PAYLOAD)(req, res, storage);
      }
    });
    const origin = await server(
      redirectTo(`${storage.origin}/signed?X-Amz-Signature=secret&X-Amz-Expires=300`),
    );
    const result = await downloadAttachment(`${origin.origin}/canonical/microk8s/files/1/r.tar.gz`, {
      extraHosts: [origin.host, storage.host],
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: true, contentType: "application/gzip" });
    if (!result.ok) return;
    expect(result.data.equals(PAYLOAD)).toBe(true);
    // The signed query must not leak into logs or comments through finalUrl.
    expect(result.finalUrl).toBe(`${storage.origin}/final/inspection-report.tar.gz`);
    expect(storage.requests.map((r) => r.path)).toEqual([
      "/signed?X-Amz-Signature=secret&X-Amz-Expires=300",
      "/final/inspection-report.tar.gz",
    ]);
  });

  it("sends Authorization to the link's own host only, never to the redirect target", async () => {
    const storage = await server(serveBytes(PAYLOAD));
    const origin = await server(redirectTo(`${storage.origin}/blob`));
    const result = await downloadAttachment(`${origin.origin}/o/r/files/7/report.tar.gz`, {
      extraHosts: [origin.host, storage.host],
      token: "ghs_installation_token",
      resolve: noDns,
    });
    expect(result.ok).toBe(true);
    expect(origin.requests[0].headers.authorization).toBe("Bearer ghs_installation_token");
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0].headers.authorization).toBeUndefined();
  });

  it("retries without the token when the origin refuses it, so a public attachment still downloads", async () => {
    const origin = await server((req, res, self) => {
      if (req.headers.authorization) {
        res.writeHead(401);
        res.end();
      } else {
        serveBytes(PAYLOAD)(req, res, self);
      }
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/7/report.tar.gz`, {
      extraHosts: [origin.host],
      token: "bad",
      resolve: noDns,
    });
    expect(result.ok).toBe(true);
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual(["Bearer bad", undefined]);
  });

  it("allows a DNS name that resolves to loopback when it is explicitly listed in ATTACHMENT_HOSTS", async () => {
    const origin = await server(serveBytes(PAYLOAD));
    const result = await downloadAttachment(`http://localhost:${origin.port}/o/r/files/1/r.tar.gz`, {
      extraHosts: [`localhost:${origin.port}`],
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    expect(result.ok).toBe(true);
    expect(origin.requests[0].headers.host).toBe(`localhost:${origin.port}`);
  });

  it("connects to the vetted address, not to whatever a second DNS lookup would answer (pinning)", async () => {
    // The system resolver says localhost is 127.0.0.1, where nothing listens on this port; ours says 127.0.0.2.
    const origin = await server(serveBytes(PAYLOAD), "127.0.0.2");
    const looked: string[] = [];
    const result = await downloadAttachment(`http://localhost:${origin.port}/o/r/files/1/r.tar.gz`, {
      extraHosts: [`localhost:${origin.port}`],
      resolve: async (hostname) => {
        looked.push(hostname);
        return [{ address: "127.0.0.2", family: 4 }];
      },
    });
    expect(result.ok).toBe(true);
    expect(looked).toEqual(["localhost"]);
  });

  it("downloads a real inspection report byte for byte", async (context) => {
    const dir = new URL("../../../shared/reports/real/", import.meta.url);
    const path = fileURLToPath(dir);
    const name = existsSync(path) ? readdirSync(path).find((file) => file.endsWith(".tar.gz")) : undefined;
    if (!name) {
      context.skip(`no real report under ${path} (shared reference data absent)`);
      return;
    }
    const bytes = readFileSync(new URL(name, dir));
    const origin = await server(serveBytes(bytes));
    const result = await downloadAttachment(`${origin.origin}/canonical/microk8s/files/1/${name}`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.equals(bytes)).toBe(true);
    expect(gunzipSync(result.data).length).toBeGreaterThan(bytes.length);
  });
});

describe("downloadAttachment: limits", () => {
  it("refuses by Content-Length before reading the body", async () => {
    // The server declares 5 MB but sends only a few bytes and then stalls: only the header can end this quickly.
    const origin = await server((_req, res) => {
      res.writeHead(200, { "content-length": "5000000" });
      res.write(Buffer.alloc(10));
    });
    const started = Date.now();
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/big.tar.gz`, {
      extraHosts: [origin.host],
      maxBytes: 1024 * 1024,
      resolve: noDns,
    });
    expect(result).toEqual({ ok: false, code: "too-large", reason: "larger than 1 MB (4.8 MB)" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("uses 25 MB as the default cap", async () => {
    const origin = await server((_req, res) => {
      res.writeHead(200, { "content-length": String(26 * 1024 * 1024) });
      res.end();
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/big.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "too-large" });
    expect(result.ok ? "" : result.reason).toMatch(/^larger than 25 MB/);
  });

  it("aborts a body without Content-Length as soon as it passes the cap", async () => {
    let chunksSent = 0;
    let closedEarly = false;
    const origin = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }); // chunked, no length
      const timer = setInterval(() => {
        if (res.destroyed || chunksSent >= 200) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        chunksSent++;
        res.write(Buffer.alloc(500));
      }, 5);
      res.on("close", () => {
        closedEarly = chunksSent < 200;
        clearInterval(timer);
      });
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/stream.tar.gz`, {
      extraHosts: [origin.host],
      maxBytes: 1000,
      resolve: noDns,
    });
    expect(result).toEqual({ ok: false, code: "too-large", reason: "larger than 1000 bytes" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly).toBe(true);
    expect(chunksSent).toBeLessThan(50);
  });

  it("times out on a server that never answers", async () => {
    const origin = await server(() => {
      /* stall: never respond */
    });
    const started = Date.now();
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      timeoutMs: 300,
      resolve: noDns,
    });
    expect(result).toEqual({ ok: false, code: "timeout", reason: "timed out after 0.3 s" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("gives up on a body that stalls midway (idle timeout)", async () => {
    const origin = await server((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write(Buffer.alloc(100)); // then nothing
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      idleTimeoutMs: 200,
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "idle-timeout" });
    expect(result.ok ? "" : result.reason).toContain("no data");
  });

  it("honours the caller's AbortSignal", async () => {
    const origin = await server(() => {
      /* stall */
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      signal: controller.signal,
      resolve: noDns,
    });
    expect(result).toEqual({ ok: false, code: "aborted", reason: "download cancelled" });
  });

  it("stops after 5 redirects", async () => {
    const origin = await server((req, res, self) => {
      const step = Number(new URL(req.url ?? "/", self.origin).searchParams.get("n") ?? "0");
      res.writeHead(302, { location: `/loop?n=${step + 1}` });
      res.end();
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result).toEqual({ ok: false, code: "too-many-redirects", reason: "more than 5 redirects" });
    expect(origin.requests).toHaveLength(6); // the link plus 5 followed redirects
  });
});

describe("downloadAttachment: HTTP status handling", () => {
  it("explains a 404 from the attachment host as a probably private repository", async () => {
    const origin = await server((_req, res) => {
      res.writeHead(404);
      res.end("Not Found");
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "not-accessible" });
    const reason = result.ok ? "" : result.reason;
    expect(reason).toContain("GitHub returned 404");
    expect(reason).toContain("the repository may be private");
    expect(reason).toContain("GitHub Apps cannot download private attachments");
    expect(reason).not.toContain("\n");
    expect(origin.requests).toHaveLength(1); // a 404 is not retried
  });

  it("retries a 5xx with back-off and then succeeds", async () => {
    let calls = 0;
    const origin = await server((req, res, self) => {
      calls++;
      if (calls <= 2) {
        res.writeHead(503);
        res.end();
      } else {
        serveBytes(PAYLOAD)(req, res, self);
      }
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      retryDelayMs: 10,
      resolve: noDns,
    });
    expect(result.ok).toBe(true);
    expect(calls).toBe(3);
  });

  it("reports a persistent 5xx after the retries", async () => {
    const origin = await server((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      retryDelayMs: 10,
      resolve: noDns,
    });
    expect(result).toEqual({
      ok: false,
      code: "server-error",
      reason: `${origin.host} returned HTTP 502 after 3 attempts`,
    });
    expect(origin.requests).toHaveLength(3);
  });

  it("does not retry a 429", async () => {
    const origin = await server((_req, res) => {
      res.writeHead(429, { "retry-after": "60" });
      res.end();
    });
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      retryDelayMs: 10,
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "rate-limited" });
    expect(origin.requests).toHaveLength(1);
  });

  it("words a 401/403/404 by who answered: attachment origin (private repo) or storage host (expired link)", () => {
    const github = httpStatusFailure(403, "github.com", "github", false, 1);
    expect(github.code).toBe("not-accessible");
    expect(github.reason).toContain("the repository may be private");
    const storage = httpStatusFailure(403, "objects.githubusercontent.com", "storage", false, 1);
    expect(storage.code).toBe("not-accessible");
    expect(storage.reason).toBe(
      "the storage host objects.githubusercontent.com returned HTTP 403 (the download link may have expired)",
    );
    expect(httpStatusFailure(410, "github.com", "github", false, 1).code).toBe("gone");
    expect(httpStatusFailure(418, "github.com", "github", false, 1)).toMatchObject({
      code: "http-error",
      reason: "unexpected HTTP 418 from github.com",
    });
  });
});

describe("downloadAttachment: SSRF guard", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["http://10.0.0.1/", "10.0.0.1"],
    ["http://[::1]/", "[::1]"],
    ["https://github.com.evil.com/x.tar.gz", "github.com.evil.com"],
  ])("refuses a redirect to %s without connecting", async (location, shown) => {
    const origin = await server(redirectTo(location));
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result).toEqual({
      ok: false,
      code: "host-not-allowed",
      reason: `redirected to a host that is not allowed: ${shown}`,
    });
  });

  it("treats 127.0.0.1 on another port as another host (no connection made)", async () => {
    const other = await server(serveBytes(PAYLOAD));
    const origin = await server(redirectTo(`${other.origin}/x`));
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(result).toEqual({
      ok: false,
      code: "host-not-allowed",
      reason: `redirected to a host that is not allowed: ${other.host}`,
    });
    expect(other.connections).toBe(0);
  });

  it("refuses an allowlisted storage name whose DNS answer is private, before connecting", async () => {
    const looked: string[] = [];
    const origin = await server(
      redirectTo("https://objects.githubusercontent.com/github-production-x/1?sig=1"),
    );
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: async (hostname) => {
        looked.push(hostname);
        return [{ address: "10.0.0.1", family: 4 }];
      },
    });
    expect(looked).toEqual(["objects.githubusercontent.com"]);
    expect(result).toMatchObject({ ok: false, code: "forbidden-address" });
    expect(result.ok ? "" : result.reason).toContain("10.0.0.1");
  });

  it("refuses a DNS name resolving to loopback (localhost) unless that host is in ATTACHMENT_HOSTS", async () => {
    const origin = await server(serveBytes(PAYLOAD));
    // The GHE host is allowed as a host, but is not exempt from the address rule.
    const result = await downloadAttachment(`http://localhost:${origin.port}/o/r/files/1/r.tar.gz`, {
      gheHost: `localhost:${origin.port}`,
      gheProtocol: "http",
    });
    expect(result).toMatchObject({ ok: false, code: "forbidden-address" });
    expect(result.ok ? "" : result.reason).toMatch(/^localhost resolves to a private or local address/);
    expect(origin.connections).toBe(0);
  });

  it("checks every resolved address, not only the first", () => {
    expect(firstForbiddenAddress([{ address: "140.82.112.3", family: 4 }])).toBeNull();
    expect(
      firstForbiddenAddress([
        { address: "140.82.112.3", family: 4 },
        { address: "::ffff:127.0.0.1", family: 6 },
      ]),
    ).toBe("::ffff:127.0.0.1");
  });

  it.each([
    ["2130706433", "decimal"],
    ["0x7f.1", "hex"],
    ["0177.0.0.1", "octal"],
  ])("refuses an IPv4 address spelled %s (%s) even when 127.0.0.1:PORT is allowlisted", async (spelling) => {
    const target = await server(serveBytes(PAYLOAD));
    const origin = await server(redirectTo(`http://${spelling}:${target.port}/x.tar.gz`));
    const viaRedirect = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host, target.host],
      resolve: noDns,
    });
    expect(viaRedirect).toMatchObject({ ok: false, code: "forbidden-address" });
    const direct = await downloadAttachment(`http://${spelling}:${target.port}/o/r/files/1/r.tar.gz`, {
      extraHosts: [target.host],
      resolve: noDns,
    });
    expect(direct).toMatchObject({ ok: false, code: "forbidden-address" });
    expect(target.connections).toBe(0);
  });

  it("refuses plain http for GitHub's own hosts, on the link and on a redirect", async () => {
    const direct = await downloadAttachment("http://github.com/user-attachments/files/1/r.tar.gz", {
      resolve: noDns,
    });
    expect(direct).toMatchObject({ ok: false, code: "protocol-not-allowed" });
    const origin = await server(redirectTo("http://objects.githubusercontent.com/x?sig=1"));
    const redirected = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host],
      resolve: noDns,
    });
    expect(redirected).toMatchObject({ ok: false, code: "protocol-not-allowed" });
    expect(redirected.ok ? "" : redirected.reason).not.toContain("sig=1");
  });

  it("refuses an ATTACHMENT_HOSTS entry pinned to https when the link is http", async () => {
    const origin = await server(serveBytes(PAYLOAD));
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [`https://${origin.host}`],
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "protocol-not-allowed" });
    expect(origin.connections).toBe(0);
  });

  it.each([
    ["javascript:alert(1)", "protocol-not-allowed"],
    ["file:///etc/passwd", "protocol-not-allowed"],
    ["https://user:pass@github.com/user-attachments/files/1/r.tar.gz", "credentials-in-url"],
    ["https://objects.githubusercontent.com/x/r.tar.gz", "host-not-allowed"],
    ["https://evil.example/user-attachments/files/1/r.tar.gz", "host-not-allowed"],
    ["not a url", "invalid-url"],
  ])("refuses the link %s (%s) without any lookup", async (link, code) => {
    const result = await downloadAttachment(link, { resolve: noDns });
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? "" : result.reason.length).toBeGreaterThan(0);
  });

  it("refuses a redirect carrying credentials", async () => {
    const target = await server(serveBytes(PAYLOAD));
    const origin = await server(redirectTo(`http://u:p@${target.host}/x`));
    const result = await downloadAttachment(`${origin.origin}/o/r/files/1/r.tar.gz`, {
      extraHosts: [origin.host, target.host],
      resolve: noDns,
    });
    expect(result).toMatchObject({ ok: false, code: "credentials-in-url" });
    expect(target.connections).toBe(0);
  });
});
