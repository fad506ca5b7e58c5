/** Issues triaged at the same time share one label-creation request per label. */
import { describe, expect, it } from "vitest";
import type { GitHubApi } from "../../src/github/github-api.js";
import { LabelEnsurer } from "../../src/github/labels.js";

/** Only the two calls LabelEnsurer makes; creations resolve when the test says so. */
function fakeApi(existing: string[] = []) {
  const created: string[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const api = {
    listLabels: async () => [...existing],
    createLabel: (_owner: string, _repo: string, spec: { name: string }) =>
      new Promise<void>((resolve, reject) => {
        created.push(spec.name);
        pending.push({ resolve, reject });
      }),
  } as unknown as GitHubApi;
  return { api, created, pending };
}

const spec = (name: string) => ({ name, color: "5319e7", description: "test" });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("LabelEnsurer under concurrency", () => {
  it("twenty simultaneous requests for a missing label send one creation", async () => {
    const fake = fakeApi(["bug"]);
    const ensurer = new LabelEnsurer();
    const all = Promise.all(
      Array.from({ length: 20 }, () => ensurer.ensure(fake.api, "o", "r", spec("disk/errors"))),
    );
    await settle();
    expect(fake.created).toEqual(["disk/errors"]);
    fake.pending[0].resolve();
    await all;
    // known from now on: no more requests, other repositories and labels are separate
    await ensurer.ensure(fake.api, "o", "r", spec("Disk/Errors"));
    await ensurer.ensure(fake.api, "o", "r", spec("bug"));
    const other = ensurer.ensure(fake.api, "o", "other", spec("disk/errors"));
    await settle();
    expect(fake.created).toEqual(["disk/errors", "disk/errors"]);
    fake.pending[1].resolve();
    await other;
  });

  it("a failed creation fails every waiter once; the next request tries again", async () => {
    const fake = fakeApi();
    const ensurer = new LabelEnsurer();
    const waiters = [1, 2, 3].map(() => ensurer.ensure(fake.api, "o", "r", spec("quorum/lost")));
    await settle();
    fake.pending[0].reject(new Error("HTTP 502"));
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(fake.created).toEqual(["quorum/lost"]);

    const again = ensurer.ensure(fake.api, "o", "r", spec("quorum/lost"));
    await settle();
    expect(fake.created).toEqual(["quorum/lost", "quorum/lost"]);
    fake.pending[1].resolve();
    await expect(again).resolves.toBeUndefined();
  });
});
