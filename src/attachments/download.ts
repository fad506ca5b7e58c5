/**
 * SSRF-safe download of one issue attachment into memory.
 *
 * Every hop (the link and each redirect) is checked against the host allowlist, its name is resolved
 * here and every address vetted, and the connection is pinned to the vetted address so a second DNS
 * answer cannot redirect it (DNS rebinding). Redirects are followed by hand; the token only ever goes
 * to the link's own origin. Bytes are capped by Content-Length and while streaming; nothing touches disk.
 */
import { promises as dns } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { checkHost, type HostClass, type HostPolicy, hostSpelledCanonically } from "./hosts.js";
import { isForbiddenAddress } from "./ip.js";

export { isForbiddenAddress } from "./ip.js";

export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface DownloadOptions extends HostPolicy {
  /** Installation token; sent only to the link's own origin (github.com, the GHE host or an ATTACHMENT_HOSTS entry). */
  token?: string | null;
  /** Byte cap (default 25 MiB, GitHub's attachment limit). */
  maxBytes?: number;
  /** Whole download, all hops and retries included (default 30 s). */
  timeoutMs?: number;
  /** Longest silence on the socket (default 10 s). */
  idleTimeoutMs?: number;
  /** Redirect hops (default 5). */
  maxRedirects?: number;
  /** Extra attempts after a 5xx or a dropped connection (default 2). */
  retries?: number;
  /** First back-off delay; doubled per retry (default 500 ms). */
  retryDelayMs?: number;
  signal?: AbortSignal;
  userAgent?: string;
  /** Name resolution, all addresses (default: dns.promises.lookup with all: true). Injected by tests. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export type DownloadErrorCode =
  | "invalid-url"
  | "credentials-in-url"
  | "host-not-allowed"
  | "protocol-not-allowed"
  | "forbidden-address"
  | "dns-failed"
  | "too-many-redirects"
  | "bad-redirect"
  | "not-accessible"
  | "gone"
  | "rate-limited"
  | "server-error"
  | "http-error"
  | "too-large"
  | "truncated"
  | "timeout"
  | "idle-timeout"
  | "aborted"
  | "network-error";

export type DownloadResult =
  | { ok: true; data: Buffer; finalUrl: string; contentType?: string }
  | { ok: false; reason: string; code: DownloadErrorCode };

export interface Failure {
  ok: false;
  code: DownloadErrorCode;
  reason: string;
  /** Worth another attempt (5xx, dropped connection). */
  retryable?: boolean;
  /** Credentials were refused: worth one attempt without them. */
  authRejected?: boolean;
}

type Success = Extract<DownloadResult, { ok: true }>;

interface Settings {
  policy: HostPolicy;
  token: string | null;
  maxBytes: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  maxRedirects: number;
  retries: number;
  retryDelayMs: number;
  userAgent: string;
  resolve: (hostname: string) => Promise<ResolvedAddress[]>;
}

/** Tracks why the shared signal fired, so an abort is reported as a timeout or a cancellation. */
interface Run {
  signal: AbortSignal;
  deadline: number;
  timedOut: () => boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Hosts whose 401/403/404 means "private or deleted attachment" rather than an expired storage link. */
const ORIGIN_CLASSES: ReadonlySet<HostClass> = new Set(["github", "ghe", "extra"]);

function fail(code: DownloadErrorCode, reason: string, extra: Partial<Failure> = {}): Failure {
  return { ok: false, code, reason, ...extra };
}

export function formatBytes(bytes: number): string {
  const round = (value: number) => String(Math.round(value * 10) / 10);
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** The URL without query and fragment: presigned storage links carry signatures that must not be logged. */
function publicUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Parses a link or Location value and checks scheme, credentials, spelling and host. */
function vetUrl(
  text: string,
  base: URL | null,
  policy: HostPolicy,
): { ok: true; url: URL; hostClass: HostClass; exempt: boolean } | Failure {
  const hop = base ? "redirected to" : "link to";
  let url: URL;
  try {
    url = base ? new URL(text, base) : new URL(text);
  } catch {
    return fail(
      base ? "bad-redirect" : "invalid-url",
      base ? "redirect to an invalid URL" : "not a valid URL",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return fail(
      "protocol-not-allowed",
      `${hop} a ${url.protocol.replace(/:$/, "")}: URL, only https is allowed`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    return fail("credentials-in-url", `${hop} a URL with embedded credentials`);
  }
  if (!hostSpelledCanonically(text, url)) {
    return fail("forbidden-address", `${hop} a host in a non-standard spelling (${url.hostname})`);
  }
  url.hash = "";
  const host = checkHost(url, policy, base ? "redirect" : "initial");
  if (!host.ok) {
    if (host.code === "protocol-not-allowed") {
      return fail("protocol-not-allowed", `${hop} ${publicUrl(url)}: ${host.detail} (https only)`);
    }
    return fail(
      "host-not-allowed",
      base
        ? `redirected to a host that is not allowed: ${host.detail}`
        : `not an allowed attachment host: ${host.detail}`,
    );
  }
  return { ok: true, url, hostClass: host.hostClass, exempt: host.exempt };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortFailure(run: Run, settings: Settings): Failure {
  return run.timedOut()
    ? fail("timeout", `timed out after ${formatSeconds(settings.timeoutMs)}`)
    : fail("aborted", "download cancelled");
}

/** The first address that must not be contacted, or null when every one is fine. */
export function firstForbiddenAddress(addresses: readonly ResolvedAddress[]): string | null {
  return addresses.find((entry) => isForbiddenAddress(entry.address))?.address ?? null;
}

/** Resolves the host (unless it is an IP literal) and vets every address; returns those to connect to. */
async function resolveTarget(
  url: URL,
  exempt: boolean,
  settings: Settings,
  run: Run,
  redirected: boolean,
): Promise<ResolvedAddress[] | Failure> {
  const hostname = stripBrackets(url.hostname);
  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await abortable(settings.resolve(hostname), run.signal);
    } catch (error) {
      if (run.signal.aborted) return abortFailure(run, settings);
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return fail("dns-failed", `could not resolve ${hostname} (${code})`, {
        retryable: code === "EAI_AGAIN",
      });
    }
    addresses = addresses.filter((entry) => isIP(entry.address) !== 0);
    if (addresses.length === 0) return fail("dns-failed", `could not resolve ${hostname} (no addresses)`);
  }
  const forbidden = exempt ? null : firstForbiddenAddress(addresses);
  if (forbidden !== null) {
    const reason =
      literal !== 0
        ? `${redirected ? "redirected to" : "link to"} a private or local address: ${url.host}`
        : `${hostname} resolves to a private or local address (${forbidden}); list it in ATTACHMENT_HOSTS to allow it`;
    return fail("forbidden-address", reason);
  }
  return addresses.map((entry) => ({ address: entry.address, family: isIP(entry.address) }));
}

/**
 * A lookup that answers only with the already vetted addresses, so the socket cannot reach an address
 * a second DNS answer would give (rebinding). Node's happy-eyeballs asks for all of them.
 */
function pinnedLookup(targets: readonly ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all)
      callback(
        null,
        targets.map((entry) => ({ address: entry.address, family: entry.family })),
      );
    else callback(null, targets[0].address, targets[0].family);
  }) as unknown as LookupFunction;
}

type HopOutcome =
  | { kind: "redirect"; location: string }
  | { kind: "status"; status: number }
  | { kind: "body"; data: Buffer; contentType?: string }
  | Failure;

function parseContentLength(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

function networkFailure(error: unknown, run: Run, settings: Settings, host: string): Failure {
  if (run.signal.aborted) return abortFailure(run, settings);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return fail("network-error", `connection to ${host} failed (${detail})`, { retryable: true });
}

/** One HTTP GET; reads the body only for a 2xx answer. */
function requestHop(
  url: URL,
  targets: readonly ResolvedAddress[],
  headers: Record<string, string>,
  settings: Settings,
  run: Run,
): Promise<HopOutcome> {
  return new Promise<HopOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: HopOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const hostname = stripBrackets(url.hostname);
    const secure = url.protocol === "https:";
    const options: https.RequestOptions = {
      protocol: url.protocol,
      hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers,
      agent: false,
      lookup: pinnedLookup(targets),
      signal: run.signal,
    };
    if (secure && isIP(hostname) === 0) options.servername = hostname;
    const send = secure ? https.request : http.request;

    const readResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        res.destroy();
        finish(
          location
            ? { kind: "redirect", location }
            : fail("bad-redirect", `${url.host} answered ${status} without a Location`),
        );
        return;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        finish({ kind: "status", status });
        return;
      }
      const declared = parseContentLength(res.headers["content-length"]);
      if (declared !== null && declared > settings.maxBytes) {
        res.destroy();
        finish(fail("too-large", `larger than ${formatBytes(settings.maxBytes)} (${formatBytes(declared)})`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > settings.maxBytes) {
          finish(fail("too-large", `larger than ${formatBytes(settings.maxBytes)}`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (declared !== null && received !== declared) {
          finish(
            fail("truncated", `download ended early (${received} of ${declared} bytes)`, { retryable: true }),
          );
          return;
        }
        const contentType = res.headers["content-type"];
        finish({
          kind: "body",
          data: Buffer.concat(chunks, received),
          ...(contentType ? { contentType } : {}),
        });
      });
      res.on("error", (error) => finish(networkFailure(error, run, settings, url.host)));
      res.on("close", () => {
        if (!res.complete) {
          finish(
            run.signal.aborted
              ? abortFailure(run, settings)
              : fail("truncated", `connection to ${url.host} closed after ${received} bytes`, {
                  retryable: true,
                }),
          );
        }
      });
    };

    let req: http.ClientRequest;
    try {
      req = send(options, (res: IncomingMessage) => readResponse(res));
    } catch (error) {
      finish(networkFailure(error, run, settings, url.host));
      return;
    }

    req.setTimeout(settings.idleTimeoutMs, () => {
      finish(
        fail(
          "idle-timeout",
          `stalled: no data from ${url.host} for ${formatSeconds(settings.idleTimeoutMs)}`,
        ),
      );
      req.destroy();
    });
    req.on("error", (error) => finish(networkFailure(error, run, settings, url.host)));
    req.end();
  });
}

/** The failure for a final non-2xx status; exported for tests. `host` is host[:port] as shown to users. */
export function httpStatusFailure(
  status: number,
  host: string,
  hostClass: HostClass,
  authSent: boolean,
  attempts: number,
): Failure {
  if (status === 429) return fail("rate-limited", `rate limited by ${host} (HTTP 429); try again later`);
  if (status >= 500) {
    return fail(
      "server-error",
      `${host} returned HTTP ${status} after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
      {
        retryable: true,
      },
    );
  }
  if (status === 410) return fail("gone", `the attachment was deleted (${host} returned HTTP 410)`);
  if ((status === 401 || status === 400) && authSent) {
    return fail("http-error", `${host} refused the credentials (HTTP ${status})`, { authRejected: true });
  }
  if (status === 401 || status === 403 || status === 404) {
    if (ORIGIN_CLASSES.has(hostClass)) {
      return fail(
        "not-accessible",
        `not accessible: GitHub returned ${status} (the repository may be private; GitHub Apps cannot download ` +
          "private attachments — attach the report to a public issue or paste the key files)",
      );
    }
    return fail(
      "not-accessible",
      `the storage host ${host} returned HTTP ${status} (the download link may have expired)`,
    );
  }
  return fail("http-error", `unexpected HTTP ${status} from ${host}`);
}

/** Follows one redirect chain from the link to the file. */
async function fetchChain(
  link: string,
  settings: Settings,
  run: Run,
  useToken: boolean,
  attempt: number,
): Promise<Success | Failure> {
  const first = vetUrl(link, null, settings.policy);
  if (!first.ok) return first;
  const origin = first.url.origin;
  const tokenAllowed = useToken && settings.token !== null && ORIGIN_CLASSES.has(first.hostClass);
  let hop = first;
  for (let redirects = 0; ; redirects++) {
    const targets = await resolveTarget(hop.url, hop.exempt, settings, run, redirects > 0);
    if (!Array.isArray(targets)) return targets;
    const headers: Record<string, string> = {
      "user-agent": settings.userAgent,
      accept: "*/*",
      "accept-encoding": "identity",
    };
    const authSent = tokenAllowed && hop.url.origin === origin;
    if (authSent) headers.authorization = `Bearer ${settings.token}`;
    const outcome = await requestHop(hop.url, targets, headers, settings, run);
    if ("ok" in outcome) return outcome;
    if (outcome.kind === "body") {
      const success: Success = { ok: true, data: outcome.data, finalUrl: publicUrl(hop.url) };
      if (outcome.contentType) success.contentType = outcome.contentType;
      return success;
    }
    if (outcome.kind === "status") {
      return httpStatusFailure(outcome.status, hop.url.host, hop.hostClass, authSent, attempt);
    }
    if (redirects + 1 > settings.maxRedirects) {
      return fail("too-many-redirects", `more than ${settings.maxRedirects} redirects`);
    }
    const next = vetUrl(outcome.location, hop.url, settings.policy);
    if (!next.ok) return next;
    hop = next;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function settingsFrom(opts: DownloadOptions): Settings {
  const positive = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  return {
    policy: { gheHost: opts.gheHost, gheProtocol: opts.gheProtocol, extraHosts: opts.extraHosts },
    token: opts.token ? opts.token : null,
    maxBytes: positive(opts.maxBytes, DEFAULT_MAX_BYTES),
    timeoutMs: positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS),
    idleTimeoutMs: positive(opts.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
    maxRedirects:
      opts.maxRedirects !== undefined && opts.maxRedirects >= 0 ? opts.maxRedirects : DEFAULT_MAX_REDIRECTS,
    retries: opts.retries !== undefined && opts.retries >= 0 ? Math.floor(opts.retries) : 2,
    retryDelayMs: opts.retryDelayMs !== undefined && opts.retryDelayMs >= 0 ? opts.retryDelayMs : 500,
    userAgent: opts.userAgent ?? "report-triage",
    resolve: opts.resolve ?? ((hostname) => dns.lookup(hostname, { all: true, verbatim: true })),
  };
}

/**
 * Downloads one attachment into memory. Never throws: every failure is a one-line `reason` fit for
 * the bot's comment, with a stable `code`.
 */
export async function downloadAttachment(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const settings = settingsFrom(opts);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("timeout")), settings.timeoutMs);
  const signals = opts.signal ? [opts.signal, deadline.signal] : [deadline.signal];
  const run: Run = {
    signal: AbortSignal.any(signals),
    deadline: Date.now() + settings.timeoutMs,
    timedOut: () => deadline.signal.aborted && !opts.signal?.aborted,
  };
  try {
    let useToken = true;
    for (let attempt = 1; ; attempt++) {
      if (run.signal.aborted) return publicFailure(abortFailure(run, settings));
      const result = await fetchChain(url, settings, run, useToken, attempt);
      if (result.ok) return result;
      if (result.authRejected && useToken) {
        useToken = false; // a refused token must not hide a public attachment
        attempt--;
        continue;
      }
      const delay = settings.retryDelayMs * 2 ** (attempt - 1);
      const canRetry = result.retryable && attempt <= settings.retries && Date.now() + delay < run.deadline;
      if (!canRetry) return publicFailure(result);
      try {
        await sleep(delay, run.signal);
      } catch {
        return publicFailure(abortFailure(run, settings));
      }
    }
  } catch (error) {
    // Defensive: the steps above report failures as values; anything thrown is a bug or an abort.
    if (run.signal.aborted) return publicFailure(abortFailure(run, settings));
    return { ok: false, code: "network-error", reason: `download failed (${(error as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}

function publicFailure(failure: Failure): DownloadResult {
  return { ok: false, code: failure.code, reason: failure.reason };
}

/**
 * True when the URL's scheme, host and port are allowed by the policy. `stage` "initial" is for a link
 * from an issue (github.com, GHE, ATTACHMENT_HOSTS); "redirect" (the default) also admits GitHub's
 * storage hosts. Does not resolve names: the address rule is applied at download time.
 */
export function isAllowedHost(
  url: string | URL,
  opts: HostPolicy,
  stage: "initial" | "redirect" = "redirect",
): boolean {
  const text = typeof url === "string" ? url : url.href;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return false;
  }
  if (parsed.username !== "" || parsed.password !== "" || !hostSpelledCanonically(text, parsed)) return false;
  return checkHost(parsed, opts, stage).ok;
}
