/**
 * A local OpenAI-compatible endpoint (node:http on 127.0.0.1) implementing
 * POST /v1/chat/completions, with modes for the failure cases: slow, failing (500), garbage.
 * Records every request body as received, to check what would have left the machine.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeMode =
  | { kind: "answer"; text: (prompt: string) => string }
  | { kind: "slow"; delayMs: number; text: string }
  | { kind: "fail"; status: number }
  | { kind: "not-json" }
  | { kind: "no-choices" }
  | { kind: "content"; content: unknown };

export interface SeenCompletion {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent. */
  raw: string;
  body: { model?: string; messages?: { role: string; content: string }[] } | null;
}

export class FakeOpenAI {
  readonly requests: SeenCompletion[] = [];
  mode: FakeMode = { kind: "answer", text: () => "An explanation." };
  #server: Server;
  #timers = new Set<NodeJS.Timeout>();
  port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: SeenCompletion["body"] = null;
        try {
          body = JSON.parse(raw);
        } catch {
          body = null;
        }
        this.requests.push({ path: req.url ?? "", headers: req.headers, raw, body });
        if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "not found" } }));
          return;
        }
        const prompt = (body?.messages ?? []).map((m) => m.content).join("\n");
        const mode = this.mode;
        switch (mode.kind) {
          case "answer":
            return completion(res, body?.model, mode.text(prompt));
          case "slow": {
            const timer = setTimeout(() => {
              this.#timers.delete(timer);
              if (!res.destroyed) completion(res, body?.model, mode.text);
            }, mode.delayMs);
            this.#timers.add(timer);
            return;
          }
          case "fail":
            res.writeHead(mode.status, { "content-type": "application/json" });
            res.end(
              JSON.stringify({
                error: { message: "upstream exploded: secret-internal-detail", type: "server_error" },
              }),
            );
            return;
          case "not-json":
            res.writeHead(200, { "content-type": "application/json" });
            res.end("<html>definitely not json");
            return;
          case "no-choices":
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ id: "x", object: "chat.completion", choices: [] }));
            return;
          case "content":
            return completion(res, body?.model, mode.content);
        }
      });
    });
  }

  static async start(): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI();
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Every request body received so far, joined (for "nothing unredacted reached it" checks). */
  allRaw(): string {
    return this.requests.map((r) => r.raw).join("\n");
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function completion(
  res: import("node:http").ServerResponse,
  model: string | undefined,
  content: unknown,
): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 0,
      model: model ?? "unknown",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}
