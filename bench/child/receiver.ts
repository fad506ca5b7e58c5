/**
 * Benchmark child: the Lambda webhook receiver in a fresh process. Cold = import of the bundled
 * receiver plus its first invocation; warm = each later invocation. Events (API Gateway v2, signed)
 * come from a JSON file the parent wrote; the receiver's async hand-off goes to the parent's
 * stand-in Lambda endpoint (WORKER_LAMBDA_ENDPOINT).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { fail, printResult } from "./report.js";

interface HandlerResult {
  statusCode: number;
  body?: string;
}

function expectAccepted(result: HandlerResult, deliveryId: string): void {
  if (result.statusCode !== 202 || !String(result.body).includes(deliveryId)) {
    throw new Error(`receiver answered ${result.statusCode} ${result.body ?? ""} for ${deliveryId}`);
  }
}

async function main(): Promise<void> {
  const [bundle, eventsFile] = process.argv.slice(2);
  if (!bundle || !eventsFile) throw new Error("usage: receiver <receiver.mjs> <events.json>");
  const events = JSON.parse(readFileSync(eventsFile, "utf8")) as {
    headers: Record<string, string>;
  }[];
  const idOf = (event: (typeof events)[number]) => event.headers["x-github-delivery"];

  const t0 = performance.now();
  const module = (await import(pathToFileURL(bundle).href)) as {
    handler: (event: unknown) => Promise<HandlerResult>;
  };
  const t1 = performance.now();
  expectAccepted(await module.handler(events[0]), idOf(events[0]));
  const t2 = performance.now();

  const warmMs: number[] = [];
  for (const event of events.slice(1)) {
    const start = performance.now();
    const result = await module.handler(event);
    warmMs.push(performance.now() - start);
    expectAccepted(result, idOf(event));
  }
  printResult({ importMs: t1 - t0, firstCallMs: t2 - t1, coldMs: t2 - t0, warmMs });
}

main().catch(fail);
