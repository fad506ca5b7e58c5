/** Inspection-report tarballs built in memory (tar@7 + zlib), and a local attachment server. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { Header, Pack, ReadEntry } from "tar";

export async function tarGz(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = new Pack({ portable: true });
  // consume while adding: Pack holds back entries beyond its job limit until its output is read
  const packed = pack.concat();
  for (const [path, body] of Object.entries(files)) {
    const data = Buffer.from(body);
    const entry = new ReadEntry(
      new Header({ path, size: data.length, type: "File", mode: 0o644, mtime: new Date(0) }),
    );
    if (data.length > 0) entry.write(data);
    entry.end();
    pack.add(entry);
  }
  pack.end();
  return gzipSync(await packed);
}

/** Real kernel lines quoted in the shared report-format notes (longhorn#4925), as test data. */
export const DISK_ERROR_LINES = [
  "[10910.096082] blk_update_request: I/O error, dev sda, sector 4778544 op 0x1:(WRITE) flags 0x0 phys_seg 44 prio class 0",
  "[10910.096093] Aborting journal on device sda-8.",
  "[10910.096448] EXT4-fs warning (device sda): ext4_end_bio:347: I/O error 10 writing to inode 131080 starting block 597319)",
];

/** A single-node report (one dqlite voter: not highly available); with `diskErrors`, dmesg has I/O errors. */
export function singleNodeReport(options: { host?: string; diskErrors?: boolean } = {}): Promise<Buffer> {
  const host = options.host ?? "node1";
  const ip = "10.0.0.1";
  const journal = (service: string) =>
    [
      `Oct 29 17:41:08 ${host} microk8s.daemon-${service}[1234]: + export PATH=/snap/microk8s/7231/usr/bin:$PATH`,
      `Oct 29 17:41:09 ${host} microk8s.daemon-${service}[1234]: I1029 17:41:09.000000    1234 server.go:100] started`,
      "",
    ].join("\n");
  return tarGz({
    "inspection-report/dqlite/cluster.yaml": `- ID: 3297041220608546238\n  Address: ${ip}:19001\n  Role: 0\n`,
    "inspection-report/dqlite/info.yaml": `ID: 3297041220608546238\nAddress: ${ip}:19001\nRole: 0\n`,
    "inspection-report/snap.microk8s.daemon-k8s-dqlite/journal.log": journal("k8s-dqlite"),
    "inspection-report/snap.microk8s.daemon-k8s-dqlite/systemctl.log":
      "   Active: active (running) since Tue 2024-10-29 17:41:09 UTC; 40min ago\n",
    "inspection-report/snap.microk8s.daemon-kubelite/journal.log": journal("kubelite"),
    "inspection-report/snap.microk8s.daemon-kubelite/systemctl.log":
      "   Active: active (running) since Tue 2024-10-29 17:41:09 UTC; 40min ago\n",
    "inspection-report/k8s/version":
      "Client Version: v1.28.14\nKustomize Version: v5.0.4\nServer Version: v1.28.14\n",
    "inspection-report/apparmor/dmesg": options.diskErrors
      ? `${DISK_ERROR_LINES.join("\n")}\n`
      : "[    0.000000] Linux version 5.15.0-122-generic\n",
  });
}

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** node:http on 127.0.0.1 serving attachments by path; records every request. */
export class AttachmentServer {
  readonly requests: SeenRequest[] = [];
  readonly #routes = new Map<string, Route>();
  #server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    this.requests.push({ path, headers: req.headers });
    const route = this.#routes.get(path);
    if (route) route(req, res);
    else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  port = 0;

  static async start(): Promise<AttachmentServer> {
    const server = new AttachmentServer();
    await new Promise<void>((resolve) => server.#server.listen(0, "127.0.0.1", resolve));
    server.port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serve bytes at /files/<id>/<name>; returns the URL. */
  serve(name: string, data: Buffer, id = Math.floor(Math.random() * 1e9)): string {
    const path = `/files/${id}/${name}`;
    this.#routes.set(path, (_req, res) => {
      res.writeHead(200, { "content-type": "application/gzip", "content-length": String(data.length) });
      res.end(data);
    });
    return `${this.origin}${path}`;
  }

  /** Answer /files/<id>/<name> with a status code. */
  fail(name: string, status: number, id = Math.floor(Math.random() * 1e9)): string {
    const path = `/files/${id}/${name}`;
    this.#routes.set(path, (_req, res) => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(`status ${status}`);
    });
    return `${this.origin}${path}`;
  }

  requestsFor(url: string): SeenRequest[] {
    const path = new URL(url).pathname;
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening (for unreachable attachments). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
