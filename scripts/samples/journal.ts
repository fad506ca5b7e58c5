/**
 * journalctl-style service logs assembled from timed sources: service runs (start-up with the
 * wrapper's `set -x` noise, shutdown, crash and systemd restart lines), background noise and
 * incident bursts. Sources are merged by time lazily, so a 100 000-line journal is never held
 * as an array.
 */
import { Rng } from "./prng.js";
import type { ServiceName } from "./spec.js";
import { journalTime, MINUTE, SECOND, type Zone } from "./time.js";

export interface JournalContext {
  host: string;
  zone: Zone;
  /** Snap revision, e.g. "4390" (paths /snap/microk8s/<rev>/…). */
  rev: string;
  service: ServiceName;
  /** MicroK8s minor version, for era-specific wording. */
  minor: number;
  arch: "x86_64" | "aarch64";
  strict: boolean;
}

/** A timed journal line (full text, timestamp included). */
export interface TimedLine {
  t: number;
  line: string;
}

/** Renders payload lines for one moment: `pid` is the service's main process at that time. */
export type PayloadRenderer = (rng: Rng, t: number, pid: number) => string[];

export function ident(service: ServiceName): string {
  return `microk8s.daemon-${service}`;
}

export function unitName(service: ServiceName): string {
  return `snap.microk8s.daemon-${service}.service`;
}

export function journalLine(
  ctx: JournalContext,
  t: number,
  source: string,
  pid: number,
  payload: string,
): string {
  return `${journalTime(t, ctx.zone)} ${ctx.host} ${source}[${pid}]: ${payload}`;
}

export function serviceLine(ctx: JournalContext, t: number, pid: number, payload: string): string {
  return journalLine(ctx, t, ident(ctx.service), pid, payload);
}

export function systemdLine(ctx: JournalContext, t: number, message: string): string {
  return journalLine(ctx, t, "systemd", 1, message);
}

/**
 * Merges time-ordered sources into one stream of lines; ties keep source order. Each source must
 * itself be non-decreasing in time.
 */
export function* mergeByTime(sources: Iterable<TimedLine>[]): Generator<string> {
  const iters = sources.map((s) => s[Symbol.iterator]());
  const heads: (TimedLine | null)[] = iters.map((it) => {
    const r = it.next();
    return r.done ? null : r.value;
  });
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== null && (best < 0 || h.t < (heads[best] as TimedLine).t)) best = i;
    }
    if (best < 0) return;
    yield (heads[best] as TimedLine).line;
    const r = iters[best].next();
    heads[best] = r.done ? null : r.value;
  }
}

/** One lifetime of the service's main process inside the journal window. */
export interface ServiceRun {
  pid: number;
  /** Start time; null when the process started before the journal window (no start-up block). */
  start: number | null;
  /** End time; null when still running at report time. */
  end: number | null;
  /** How it ended: a clean stop (also a reboot), or a crash that systemd restarts. */
  endKind?: "stop" | "crash" | "fail";
  /** systemd exit status for crashes: "255/EXCEPTION", "1/FAILURE". */
  exitStatus?: string;
  /** A new boot precedes this run's start (journalctl prints "-- Boot <id> --"). */
  bootId?: string;
  /** Payload lines the process writes just before it ends (the fatal error of a crash). */
  lastWords?: PayloadRenderer;
  /** Run-specific facts for the start-up lines (dqlite id/address after a re-join …). */
  info?: Record<string, string>;
}

/** [absolute time, pid, payload, source (default: the service)]. */
export type StartupLine = [number, number, string] | [number, number, string, string];

/** What a service writes at start-up, at shutdown and in steady state. */
export interface ServiceProfile {
  /** xtrace and start-up lines after systemd's "Started": [offset ms, pid, payload][]. */
  startup: (
    ctx: JournalContext,
    rng: Rng,
    pid: number,
    nextPid: () => number,
    info: Record<string, string>,
    start: number,
  ) => StartupLine[];
  /** Payload lines written while stopping at time t. */
  shutdown: (ctx: JournalContext, rng: Rng, pid: number, t: number) => string[];
  /** Steady-state lines. */
  noise?: PayloadRenderer;
  /** Steady-state lines per minute. */
  noisePerMinute?: number;
  /** containerd is Type=notify: systemd logs "Starting…" first and "Started" after start-up. */
  notify?: boolean;
}

/** Lines during a time span, spaced with exponential gaps (perMinute on average). */
export interface Burst {
  from: number;
  to: number;
  perMinute: number;
  render: PayloadRenderer;
  /** Log through another identifier (e.g. "kernel", "sudo"); default: the service. */
  source?: string;
}

export interface ServiceJournalOptions {
  ctx: JournalContext;
  seed: string;
  /** Journal window: first and last moment covered. */
  from: number;
  to: number;
  runs: ServiceRun[];
  profile: ServiceProfile;
  bursts?: Burst[];
  /** One-off lines: [time, payload] written by the process running then. */
  events?: [number, string][];
  /** Overrides the profile's noise rate (0 turns it off). */
  noisePerMinute?: number;
  /** systemd's restart counter before the window (a crash loop that began earlier). */
  restartCounterFrom?: number;
}

function runAt(runs: ServiceRun[], t: number, to: number): ServiceRun | null {
  for (const run of runs) {
    const start = run.start ?? Number.NEGATIVE_INFINITY;
    const end = run.end ?? to;
    if (t >= start + 2 * SECOND && t < end) return run;
  }
  return null;
}

/** Clamps times so that a source never goes back (a crash inside a long start-up block). */
function* monotonic(lines: Iterable<TimedLine>): Generator<TimedLine> {
  let cursor = Number.NEGATIVE_INFINITY;
  for (const l of lines) {
    if (l.t < cursor) yield { t: cursor, line: l.line };
    else {
      cursor = l.t;
      yield l;
    }
  }
}

function* runLines(o: ServiceJournalOptions, rng: Rng): Generator<TimedLine> {
  const { ctx, profile } = o;
  const unit = unitName(ctx.service);
  let restartCounter = o.restartCounterFrom ?? 0;
  let childPid = 0;
  for (const run of o.runs) {
    childPid = Math.max(childPid, run.pid);
    const nextPid = (): number => {
      childPid += rng.int(1, 9);
      return childPid;
    };
    if (run.start !== null && run.start >= o.from) {
      if (run.bootId) yield { t: run.start - 1, line: `-- Boot ${run.bootId} --` };
      const lines = profile.startup(ctx, rng, run.pid, nextPid, run.info ?? {}, run.start);
      if (profile.notify) {
        yield {
          t: run.start,
          line: systemdLine(ctx, run.start, `Starting Service for snap application ${ident(ctx.service)}...`),
        };
      } else {
        yield {
          t: run.start,
          line: systemdLine(ctx, run.start, `Started Service for snap application ${ident(ctx.service)}.`),
        };
      }
      let last = run.start;
      for (const [at, pid, payload, source] of lines) {
        // A process that dies during start-up never writes the rest of its start-up lines.
        if (run.end !== null && at >= run.end) break;
        last = at;
        const line = source
          ? journalLine(ctx, last, source, pid, payload)
          : serviceLine(ctx, last, pid, payload);
        yield { t: last, line };
      }
      if (profile.notify) {
        yield {
          t: last,
          line: systemdLine(ctx, last, `Started Service for snap application ${ident(ctx.service)}.`),
        };
      }
    }
    if (run.end === null || run.end > o.to) continue;
    const end = run.end;
    if (run.lastWords) {
      for (const payload of run.lastWords(rng, end, run.pid))
        yield { t: end, line: serviceLine(ctx, end, run.pid, payload) };
    }
    const cpu = `${rng.int(1, 59)}.${rng.int(100, 999)}s`;
    if (run.endKind === "crash" || run.endKind === "fail") {
      const status = run.exitStatus ?? "1/FAILURE";
      yield {
        t: end,
        line: systemdLine(ctx, end, `${unit}: Main process exited, code=exited, status=${status}`),
      };
      yield { t: end, line: systemdLine(ctx, end, `${unit}: Failed with result 'exit-code'.`) };
      yield { t: end, line: systemdLine(ctx, end, `${unit}: Consumed ${cpu} CPU time.`) };
      if (run.endKind === "crash") {
        restartCounter++;
        const at = end + 5 * SECOND;
        yield {
          t: at,
          line: systemdLine(
            ctx,
            at,
            `${unit}: Scheduled restart job, restart counter is at ${restartCounter}.`,
          ),
        };
        yield {
          t: at,
          line: systemdLine(ctx, at, `Stopped Service for snap application ${ident(ctx.service)}.`),
        };
        yield { t: at, line: systemdLine(ctx, at, `${unit}: Consumed ${cpu} CPU time.`) };
      }
    } else {
      restartCounter = 0;
      yield {
        t: end,
        line: systemdLine(ctx, end, `Stopping Service for snap application ${ident(ctx.service)}...`),
      };
      for (const payload of profile.shutdown(ctx, rng, run.pid, end + 300)) {
        yield { t: end + 300, line: serviceLine(ctx, end + 300, run.pid, payload) };
      }
      const done = end + rng.int(400, 1500);
      yield { t: done, line: systemdLine(ctx, done, `${unit}: Deactivated successfully.`) };
      yield {
        t: done,
        line: systemdLine(ctx, done, `Stopped Service for snap application ${ident(ctx.service)}.`),
      };
      yield { t: done, line: systemdLine(ctx, done, `${unit}: Consumed ${cpu} CPU time.`) };
    }
  }
}

function* burstLines(o: ServiceJournalOptions, burst: Burst, rng: Rng): Generator<TimedLine> {
  if (burst.perMinute <= 0) return;
  const mean = MINUTE / burst.perMinute;
  let t = Math.max(burst.from, o.from) + rng.expo(mean);
  const to = Math.min(burst.to, o.to);
  while (t < to) {
    const run = runAt(o.runs, t, o.to);
    if (run) {
      const source = burst.source;
      for (const payload of burst.render(rng, t, run.pid)) {
        yield {
          t,
          line: source
            ? journalLine(o.ctx, t, source, source === "systemd" ? 1 : run.pid, payload)
            : serviceLine(o.ctx, t, run.pid, payload),
        };
      }
    }
    t += rng.expo(mean);
  }
}

function* eventLines(o: ServiceJournalOptions): Generator<TimedLine> {
  const sorted = [...(o.events ?? [])].sort((a, b) => a[0] - b[0]);
  for (const [t, payload] of sorted) {
    if (t < o.from || t > o.to) continue;
    const run = runAt(o.runs, t, o.to);
    if (run) yield { t, line: serviceLine(o.ctx, t, run.pid, payload) };
  }
}

/** A deterministic journal factory: every call yields the same lines. */
export function serviceJournal(o: ServiceJournalOptions): () => Iterable<string> {
  return () => {
    const rng = new Rng(o.seed);
    const sources: Iterable<TimedLine>[] = [monotonic(runLines(o, rng.fork("runs")))];
    const noiseRate = o.noisePerMinute ?? o.profile.noisePerMinute ?? 0;
    if (o.profile.noise && noiseRate > 0) {
      sources.push(
        burstLines(
          o,
          { from: o.from, to: o.to, perMinute: noiseRate, render: o.profile.noise },
          rng.fork("noise"),
        ),
      );
    }
    (o.bursts ?? []).forEach((b, i) => {
      sources.push(burstLines(o, b, rng.fork(`burst${i}`)));
    });
    sources.push(eventLines(o));
    return withoutLeadingBoot(mergeByTime(sources));
  };
}

/** journalctl separates boots, but prints no separator before the first line it shows. */
function* withoutLeadingBoot(lines: Iterable<string>): Generator<string> {
  let first = true;
  for (const line of lines) {
    if (first && line.startsWith("-- Boot ")) continue;
    first = false;
    yield line;
  }
}

/** Keeps the last `size` lines that passed through (systemctl status shows the journal tail). */
export class TailBuffer {
  readonly #size: number;
  #lines: string[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  *tap(lines: Iterable<string>): Generator<string> {
    this.#lines = [];
    for (const line of lines) {
      if (!line.startsWith("-- ")) {
        this.#lines.push(line);
        if (this.#lines.length > this.#size * 4) this.#lines = this.#lines.slice(-this.#size);
      }
      yield line;
    }
    this.#lines = this.#lines.slice(-this.#size);
  }

  get lines(): string[] {
    return this.#lines.slice(-this.#size);
  }
}
