/**
 * The worker's logic: take a hand-off `{id, name, payload}`, restore a slimmed payload, and let the
 * Probot app handle it to the end. A failure is logged with the delivery id and thrown again, so
 * that Lambda retries the event and finally sends it to the on-failure destination (the DLQ).
 * Running a delivery twice is safe: the app finds and edits its one sticky comment.
 */
import { type HandOffEvent, parseHandOff, restoreSlimmedPayload, type TextFetchers } from "./hand-off.js";
import { type LogLine, writeLogLine } from "./log.js";

export interface WorkerLog {
  info(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

/** What the worker needs from a loaded Probot (see probot-env.ts for the real one). */
export interface WorkerProbot {
  /** A logger whose every line carries `bindings`. */
  logFor(bindings: Record<string, unknown>): WorkerLog;
  receive(event: HandOffEvent): Promise<void>;
  /** API reads for restoring a slimmed payload, as the installation. */
  fetchers(installationId: number): TextFetchers;
}

export interface WorkerDeps {
  /** Resolves to the loaded Probot; called on every invocation, so it should cache (see `once`). */
  getProbot: () => Promise<WorkerProbot>;
  /** For lines written before Probot's logger exists. */
  log?: LogLine;
  now?: () => number;
}

export type WorkerHandler = (event: unknown) => Promise<void>;

export function createWorker(deps: WorkerDeps): WorkerHandler {
  const early = deps.log ?? writeLogLine;
  const now = deps.now ?? Date.now;

  return async (event) => {
    let handOff: HandOffEvent;
    try {
      handOff = parseHandOff(event);
    } catch (error) {
      early("error", "worker: not a hand-off event", {
        delivery: deliveryIdOf(event),
        err: errorText(error),
      });
      throw error;
    }
    const action = typeof handOff.payload.action === "string" ? handOff.payload.action : null;
    const bindings = { delivery: handOff.id, event: action ? `${handOff.name}.${action}` : handOff.name };

    let probot: WorkerProbot;
    try {
      probot = await deps.getProbot();
    } catch (error) {
      early("error", "worker: Probot could not start", { ...bindings, err: errorText(error) });
      throw error;
    }

    const log = probot.logFor(bindings);
    const started = now();
    log.info({}, "worker: handling delivery");
    try {
      const installationId = installationIdOf(handOff.payload);
      const payload = await restoreSlimmedPayload(handOff.payload, {
        issueBody: (...args) => fetchersFor(probot, installationId).issueBody(...args),
        commentBody: (...args) => fetchersFor(probot, installationId).commentBody(...args),
      });
      await probot.receive({ ...handOff, payload });
      log.info({ ms: now() - started }, "worker: delivery done");
    } catch (error) {
      log.error(
        { ms: now() - started, err: error },
        "worker: delivery failed; thrown so that Lambda retries it and then sends it to the dead-letter queue",
      );
      throw error;
    }
  };
}

/** Caches a successful start for the container's lifetime; a failed start is tried again next time. */
export function once<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | null = null;
  return () => {
    started ??= start().catch((error: unknown) => {
      started = null;
      throw error;
    });
    return started;
  };
}

function fetchersFor(probot: WorkerProbot, installationId: number | null): TextFetchers {
  if (installationId === null) throw new Error("slimmed payload has no installation id to fetch texts with");
  return probot.fetchers(installationId);
}

function installationIdOf(payload: Record<string, unknown>): number | null {
  const installation = payload.installation;
  if (typeof installation !== "object" || installation === null) return null;
  const id = (installation as { id?: unknown }).id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

function deliveryIdOf(event: unknown): string | null {
  if (typeof event !== "object" || event === null) return null;
  const id = (event as { id?: unknown }).id;
  return typeof id === "string" ? id : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
