/**
 * Lambda: the worker, invoked asynchronously by the receiver with `{id, name, payload}`.
 * Probot is created and the app loaded once per container; each event is handled to the end
 * (download, analysis, comment) and any failure is thrown so that Lambda retries it and then
 * sends it to the dead-letter queue.
 */
import { createApp } from "../src/github/app.js";
import { asWorkerProbot, startProbot } from "../src/lambda/probot-env.js";
import { createWorker, once } from "../src/lambda/worker.js";

export const handler = createWorker({
  getProbot: once(async () => asWorkerProbot(await startProbot(createApp({ defer: false })))),
});
