/**
 * In-process work queue: jobs with the same key (one issue) run one after another, jobs for
 * different issues run side by side. Used after the webhook is acknowledged (`npm start`) and,
 * awaited, in a worker that must finish before it returns (Lambda).
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #running = new Set<Promise<unknown>>();

  /** Run `job` after every earlier job of `key`; resolves or rejects with the job's outcome. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(job, job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    this.#running.add(tail);
    void tail.then(() => {
      this.#running.delete(tail);
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of jobs queued or running. */
  get size(): number {
    return this.#running.size;
  }

  /** Resolves once no job is queued or running (or after `timeoutMs`). */
  async whenIdle(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#running.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      const pending = Promise.allSettled([...this.#running]);
      if (Number.isFinite(remaining)) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
        clearTimeout(timer);
      } else {
        await pending;
      }
    }
    return true;
  }
}

/** A small set of recently seen keys (webhook delivery ids), oldest evicted first. */
export class RecentSet {
  readonly #items = new Set<string>();
  constructor(private readonly capacity = 2000) {}

  /** Adds `key`; returns false when it was already there. */
  add(key: string): boolean {
    if (this.#items.has(key)) return false;
    this.#items.add(key);
    if (this.#items.size > this.capacity) {
      const oldest = this.#items.values().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    this.#items.delete(key);
  }
}
