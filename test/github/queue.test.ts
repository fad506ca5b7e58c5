import { describe, expect, it } from "vitest";
import { KeyedQueue, RecentSet } from "../../src/github/queue.js";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("KeyedQueue", () => {
  it("serialises jobs of one key and runs other keys in parallel", async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await delay(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run("a", job("a1", 30)),
      queue.run("a", job("a2", 1)),
      queue.run("b", job("b1", 1)),
    ]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
    expect(log.indexOf("end b1")).toBeLessThan(log.indexOf("end a1"));
  });

  it("keeps going after a failed job and reports idleness", async () => {
    const queue = new KeyedQueue();
    const failed = queue.run("a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("a", async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
    expect(await queue.whenIdle(1000)).toBe(true);
    expect(queue.size).toBe(0);
    void queue.run("slow", () => delay(200));
    expect(await queue.whenIdle(20)).toBe(false);
  });
});

describe("RecentSet", () => {
  it("remembers keys up to its capacity", () => {
    const set = new RecentSet(2);
    expect(set.add("a")).toBe(true);
    expect(set.add("a")).toBe(false);
    set.add("b");
    set.add("c");
    expect(set.add("a")).toBe(true);
  });
});
