/**
 * A node:http server on 127.0.0.1 for attachments: serves bytes, answers a status, or redirects;
 * records every connection and request (a "trap" that must stay untouched is just one of these).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

let nextId = 7_000_000;

export class LoopbackServer {
  readonly requests: SeenRequest[] = [];
  connections = 0;
  port = 0;
  readonly #routes = new Map<string, Route>();
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      this.requests.push({ path, headers: req.headers });
      const route = this.#routes.get(path);
      if (route) route(req, res);
      else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }
    });
    this.#server.on("connection", () => {
      this.connections += 1;
    });
  }

  static async start(): Promise<LoopbackServer> {
    const server = new LoopbackServer();
    await new Promise<void>((resolve) => server.#server.listen(0, "127.0.0.1", resolve));
    server.port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  /** `127.0.0.1:PORT`. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get origin(): string {
    return `http://${this.host}`;
  }

  /** Serves `data` at /files/<id>/<name>; returns the URL. */
  serve(name: string, data: Buffer): string {
    return this.#add(name, (_req, res) => {
      res.writeHead(200, { "content-type": "application/gzip", "content-length": String(data.length) });
      res.end(data);
    });
  }

  /** Answers /files/<id>/<name> with `status`. */
  status(name: string, status: number): string {
    return this.#add(name, (_req, res) => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(`status ${status}`);
    });
  }

  /** Redirects /files/<id>/<name> to `location` (sent as is, relative or absolute). */
  redirect(name: string, location: string, status = 302): string {
    return this.#add(name, (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    });
  }

  requestsFor(url: string): SeenRequest[] {
    const path = new URL(url).pathname;
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #add(name: string, route: Route): string {
    nextId += 1;
    const path = `/files/${nextId}/${encodeURIComponent(name)}`;
    this.#routes.set(path, route);
    return `${this.origin}${path}`;
  }
}
