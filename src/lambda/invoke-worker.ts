/**
 * Hands an event to the worker function with Lambda's asynchronous Invoke (InvocationType
 * "Event"): Lambda queues it internally, answers 202 at once, retries a failed run and finally
 * sends it to the worker's on-failure destination (an SQS dead-letter queue).
 *
 * Locally, serverless-offline emulates this API on its lambda port; WORKER_LAMBDA_ENDPOINT points
 * the client there, and since that emulator checks no signature, placeholder credentials are used
 * when none are configured.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

export interface WorkerInvokerOptions {
  /** Name or ARN of the worker function. */
  functionName: string;
  /** Lambda API endpoint override (serverless-offline: http://127.0.0.1:3002); null on AWS. */
  endpoint?: string | null;
  region?: string | null;
  /** Upper bound for one Invoke call, retries included (the receiver must answer GitHub within 10 s). */
  timeoutMs?: number;
  /** Environment, for credentials when running against a local endpoint. */
  env?: NodeJS.ProcessEnv;
}

export type InvokeWorker = (eventJson: string) => Promise<void>;

export const DEFAULT_INVOKE_TIMEOUT_MS = 5_000;

export function createWorkerInvoker(options: WorkerInvokerOptions): InvokeWorker {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint?.trim() || undefined;
  const hasCredentials = Boolean(
    env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
  );
  const client = new LambdaClient({
    region: options.region?.trim() || env.AWS_REGION || "us-east-1",
    endpoint,
    maxAttempts: 3,
    ...(endpoint && !hasCredentials
      ? { credentials: { accessKeyId: "offline", secretAccessKey: "offline" } }
      : {}),
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;

  return async (eventJson) => {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: options.functionName,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(eventJson),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    if (response.StatusCode !== 202) {
      throw new Error(
        `async invoke of ${options.functionName} answered ${response.StatusCode ?? "no status"}${
          response.FunctionError ? ` (${response.FunctionError})` : ""
        }`,
      );
    }
  };
}
