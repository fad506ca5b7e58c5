/** Real HTTP servers on 127.0.0.1 for download tests; records connections and requests. */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface LocalServer {
  port: number;
  /** "127.0.0.1:PORT" (the bind address and port), as an ATTACHMENT_HOSTS entry. */
  host: string;
  origin: string;
  connections: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, server: LocalServer) => void;

export async function startServer(handler: Handler, bindAddress = "127.0.0.1"): Promise<LocalServer> {
  const server = http.createServer();
  const state: LocalServer = {
    port: 0,
    host: "",
    origin: "",
    connections: 0,
    requests: [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on("connection", () => {
    state.connections++;
  });
  server.on("request", (req, res) => {
    state.requests.push({ path: req.url ?? "", headers: req.headers });
    handler(req, res, state);
  });
  await new Promise<void>((resolve) => server.listen(0, bindAddress, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.host = `${bindAddress}:${state.port}`;
  state.origin = `http://${state.host}`;
  return state;
}

export function redirectTo(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };
}

export function serveBytes(data: Buffer, contentType = "application/gzip"): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": contentType, "content-length": String(data.length) });
    res.end(data);
  };
}
