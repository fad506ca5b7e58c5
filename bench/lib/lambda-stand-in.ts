/**
 * A stand-in for the Lambda Invoke API on 127.0.0.1: every POST (the receiver's async hand-off,
 * `POST /2015-03-31/functions/<name>/invocations`) is answered 202 at once, as Lambda does for
 * InvocationType "Event". It counts what it received.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface LambdaStandIn {
  endpoint: string;
  invocations(): number;
  close(): Promise<void>;
}

export async function startLambdaStandIn(): Promise<LambdaStandIn> {
  let invocations = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && /\/functions\/[^/]+\/invocations$/.test((req.url ?? "").split("?")[0])) {
        invocations++;
        res.writeHead(202, {
          "content-type": "application/json",
          "x-amzn-requestid": `bench-${invocations}`,
        });
        res.end();
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"message":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations: () => invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
