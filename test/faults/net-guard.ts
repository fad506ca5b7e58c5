/**
 * A safety net for tests that feed the bot links to forbidden targets: every outgoing TCP
 * connection of this process is recorded, and one to an address outside 127.0.0.0/8 and ::1 is
 * refused before a packet leaves (an SSRF regression then fails the test instead of reaching
 * 169.254.169.254 or a private network). Names are checked after resolution, through the
 * socket's `lookup`, so the bot's own pinned lookups are covered too.
 */
import dns from "node:dns";
import net from "node:net";

export interface ConnectAttempt {
  /** The host the socket was asked to reach (name or IP literal). */
  host: string;
  /** Addresses it resolved to (the literal itself for an IP). */
  addresses: string[];
  port: number;
  /** True when the guard refused it (a non-loopback address). */
  refused: boolean;
}

export interface NetGuard {
  readonly attempts: ConnectAttempt[];
  /** Attempts to `port` on any host. */
  attemptsTo(port: number): ConnectAttempt[];
  uninstall(): void;
}

export function isLoopback(address: string): boolean {
  const text = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (net.isIPv4(text)) return text.startsWith("127.");
  if (text === "::1" || text === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  return mapped?.[1].startsWith("127.") === true;
}

type LookupCallback = (error: Error | null, address?: unknown, family?: number) => void;
type Lookup = (hostname: string, options: unknown, callback: LookupCallback) => void;

function refusal(host: string, port: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`net guard: refused a connection to ${host}:${port} (not loopback)`), {
    code: "ECONNREFUSED",
  });
}

/** Patches net.Socket#connect for this process until `uninstall()`. */
export function installNetGuard(): NetGuard {
  const attempts: ConnectAttempt[] = [];
  const original = net.Socket.prototype.connect;

  function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    // net.connect() hands over its already normalised [options, callback] array
    const normalized = Array.isArray(args[0]) ? (args[0] as unknown[]) : null;
    const first = normalized ? normalized[0] : args[0];
    let options: Record<string, unknown>;
    if (typeof first === "object" && first !== null) options = first as Record<string, unknown>;
    else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first)))
      options = { port: first, host: typeof args[1] === "string" ? args[1] : undefined };
    else return original.apply(this, args as never);
    if (typeof options.path === "string") return original.apply(this, args as never);

    const host = typeof options.host === "string" && options.host !== "" ? options.host : "localhost";
    const port = Number(options.port);
    if (net.isIP(host) !== 0) {
      const refused = !isLoopback(host);
      attempts.push({ host, addresses: [host], port, refused });
      if (refused) {
        process.nextTick(() => this.destroy(refusal(host, port)));
        return this;
      }
      return original.apply(this, args as never);
    }

    const lookup = (typeof options.lookup === "function" ? options.lookup : dns.lookup) as Lookup;
    const guardedLookup: Lookup = (hostname, lookupOptions, callback) => {
      lookup(hostname, lookupOptions, (error, address, family) => {
        if (error) {
          callback(error);
          return;
        }
        const list = Array.isArray(address)
          ? (address as { address: string }[]).map((entry) => entry.address)
          : [String(address)];
        const refused = list.some((entry) => !isLoopback(entry));
        attempts.push({ host: hostname, addresses: list, port, refused });
        if (refused) callback(refusal(hostname, port));
        else callback(null, address, family);
      });
    };
    const patched = { ...options, lookup: guardedLookup };
    if (normalized) {
      normalized[0] = patched;
      return original.apply(this, args as never);
    }
    const callbacks = args.filter((arg) => typeof arg === "function");
    return original.apply(this, [patched, ...callbacks] as never);
  }

  net.Socket.prototype.connect = guardedConnect as typeof net.Socket.prototype.connect;
  return {
    attempts,
    attemptsTo: (port) => attempts.filter((attempt) => attempt.port === port),
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}
