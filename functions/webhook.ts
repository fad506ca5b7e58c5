/**
 * Lambda: the GitHub webhook receiver behind API Gateway (POST /api/github/webhooks).
 * Verifies, filters and hands deliveries to the worker asynchronously; never analyses anything.
 * Its bundle must stay small: no probot, no analysis code (test/serverless/offline.test.ts checks).
 */
import { createWorkerInvoker } from "../src/lambda/invoke-worker.js";
import { createReceiver } from "../src/lambda/receiver.js";

const workerName = process.env.WORKER_FUNCTION_NAME;

export const handler = createReceiver({
  secret: process.env.WEBHOOK_SECRET,
  invokeWorker: workerName
    ? createWorkerInvoker({
        functionName: workerName,
        // serverless-offline sets IS_OFFLINE; its Lambda API emulation listens on the lambda port
        endpoint:
          process.env.WORKER_LAMBDA_ENDPOINT ||
          (process.env.IS_OFFLINE === "true" ? "http://127.0.0.1:3002" : null),
      })
    : async () => {
        throw new Error("WORKER_FUNCTION_NAME is not set");
      },
});
