/**
 * GitHub API faults, end to end: the stand-in answers 5xx, secondary rate limits (403 with
 * retry-after) and 404s; the real server retries what is retryable (Octokit's retry plugin for
 * 5xx, the app's own wait for secondary limits), explains what is not, and loses no analysis.
 * Then the Lambda worker crashing mid-run: the retried invocation still leaves one comment.
 *
 * Retry waits are the real ones: Octokit's retry plugin waits 1 s before retrying a 5xx (4 s once
 * the same job has retried before), the app waits the retry-after the stand-in sends (1 s). No
 * test knob shortens them; each fault below costs a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { singleNodeReport } from "../github/fixtures.js";
import type { GitHubStandIn, RecordedCall, StandInIssue } from "../support/github-stand-in.js";
import {
  type Bot,
  type BotDeps,
  inputLines,
  isFinal,
  link,
  OWNER,
  openedPayload,
  REPO,
  startBot,
  startStandIn,
  startWorker,
  stickies,
  waitForComment,
} from "./harness.js";
import { LoopbackServer } from "./loopback.js";

const PLACEHOLDER = "⏳ Analysing";
const FAILURE_NOTICE = "The analysis of the attached reports failed";

let standIn: GitHubStandIn;
let files: LoopbackServer;
let bot: Bot;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  standIn = await startStandIn();
  files = await LoopbackServer.start();
  // a GitHub Enterprise host on a private network has to be listed to serve attachments
  env = { ATTACHMENT_HOSTS: `http://${files.host}, http://${standIn.host}` };
  bot = await startBot(standIn, { env });
});

afterAll(async () => {
  await bot?.close();
  await Promise.all([standIn?.close(), files?.close()]);
});

function newIssue(body: string, repo = REPO, user = "reporter"): StandInIssue {
  return standIn.addIssue(OWNER, repo, { title: "microk8s stopped after a reboot", body, user });
}

async function reportLink(node: string, options: { diskErrors?: boolean } = {}): Promise<string> {
  const url = files.serve(
    `inspection-report-${node}.tar.gz`,
    await singleNodeReport({ host: node, ...options }),
  );
  return link(url);
}

/** Faulted calls (status ≥ 500, or 403) since `from`, each with the call that retried it. */
function retriesOf(from: number, matches: (call: RecordedCall) => boolean) {
  const calls = standIn.calls.slice(from);
  return calls
    .map((call, index) => ({ call, index }))
    .filter(({ call }) => matches(call) && (call.status >= 500 || call.status === 403))
    .map(({ call, index }) => ({
      fault: call,
      retry: calls
        .slice(index + 1)
        .find((later) => later.method === call.method && later.path === call.path && later.status < 400),
    }));
}

/** HTTP statuses carried by an error or the errors it aggregates. */
function statusesOf(error: unknown): number[] {
  const own = (error as { status?: unknown })?.status;
  const nested = (error as { errors?: unknown[] })?.errors ?? [];
  return [...(typeof own === "number" ? [own] : []), ...nested.flatMap((inner) => statusesOf(inner))];
}

describe("GitHub API faults on the server", () => {
  it("5xx answers on reads and on the comment writes are retried: one correct comment", async () => {
    const issue = newIssue(await reportLink("retried-node"));
    const n = issue.number;
    standIn.failNext({ status: 503, method: "GET", path: new RegExp(`/issues/${n}$`) });
    standIn.failNext({ status: 500, method: "POST", path: new RegExp(`/issues/${n}/comments$`) });
    standIn.failNext({
      status: 502,
      method: "PATCH",
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/,
    });
    const from = standIn.calls.length;
    await bot.opened(issue);
    const body = await waitForComment(standIn, issue, isFinal, { timeoutMs: 45_000 });
    await bot.idle();

    const retried = retriesOf(from, () => true);
    expect(retried.map(({ fault }) => `${fault.method} ${fault.status}`).sort()).toEqual(
      ["GET 503", "PATCH 502", "POST 500"].sort(),
    );
    for (const { fault, retry } of retried) {
      expect(retry, `${fault.method} ${fault.path}`).toBeDefined();
      // Octokit waited before retrying (1 s or more)
      expect(retry!.at - fault.at).toBeGreaterThanOrEqual(900);
    }
    const [comment, ...others] = stickies(standIn, issue);
    expect(others).toEqual([]);
    expect(standIn.comments(OWNER, REPO, n)).toHaveLength(1);
    expect(comment.history[0]).toContain(PLACEHOLDER);
    expect(body).toContain("retried-node");
    expect(decodeState(body)).toMatchObject({ shape: "analysis" });
    expect(standIn.issue(OWNER, REPO, n).labels).toEqual(
      expect.arrayContaining(["inspection-report", "quorum/not-ha"]),
    );
  }, 60_000);

  it("a 502 sent after GitHub created the comment: the retry's duplicate is folded into the first", async () => {
    const issue = newIssue(await reportLink("duplicate-node"));
    const n = issue.number;
    standIn.failNext({
      status: 502,
      method: "POST",
      path: new RegExp(`/issues/${n}/comments$`),
      afterApplying: true,
    });
    const from = standIn.calls.length;
    await bot.opened(issue);
    const body = await waitForComment(standIn, issue, isFinal, { timeoutMs: 45_000 });
    await bot.idle();

    const posts = standIn.calls
      .slice(from)
      .filter((call) => call.method === "POST" && call.path.endsWith(`/issues/${n}/comments`));
    expect(posts.map((call) => call.status)).toEqual([502, 201]);
    const comments = standIn.comments(OWNER, REPO, n);
    expect(comments).toHaveLength(1);
    // the first comment (created by the request that answered 502) is the one kept
    const deleted = standIn
      .callsTo("DELETE", /\/issues\/comments\/\d+$/)
      .filter((call) => call.at >= posts[0].at)
      .map((call) => Number(call.path.split("/").pop()));
    expect(deleted).toHaveLength(1);
    expect(comments[0].id).toBeLessThan(deleted[0]);
    expect(body).toContain("duplicate-node");
  }, 60_000);

  it("secondary rate limits: a short retry-after is waited out, an hour is not; the next run adds the labels", async () => {
    const repo = "rate-limited";
    const issue = newIssue(await reportLink("limited-node", { diskErrors: true }), repo, "limited-author");
    const n = issue.number;
    const createLabelPath = new RegExp(`^/repos/${OWNER}/${repo}/labels$`);
    const addLabelsPath = new RegExp(`/${repo}/issues/${n}/labels$`);
    const reactionsPath = new RegExp(`/${repo}/issues/comments/\\d+/reactions$`);
    standIn.failNext({ status: 403, retryAfter: 1, method: "POST", path: createLabelPath });
    standIn.failNext({ status: 403, retryAfter: 3600, method: "POST", path: addLabelsPath });
    const from = standIn.calls.length;
    const started = Date.now();
    await bot.opened(issue);
    const body = await waitForComment(standIn, issue, isFinal, { timeoutMs: 30_000 });
    await bot.idle();

    // not an hour later: the analysis is there, without the labels GitHub would not take now
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(body).toContain("limited-node");
    expect(body).toMatch(/### Disk errors/);
    expect(standIn.callsTo("POST", addLabelsPath).map((call) => call.status)).toEqual([403]);
    expect(standIn.issue(OWNER, repo, n).labels).toEqual([]);
    // not recorded as applied, so that the next run adds them
    expect(decodeState(body)?.labels).toEqual([]);
    // the label creation was retried after its retry-after
    expect(standIn.repoLabels(OWNER, repo).map((label) => label.name)).toContain("disk/errors");

    // the next run (a command: 👀 when seen, rate-limited once; 🚀 when done) adds the labels
    standIn.failNext({ status: 403, retryAfter: 1, method: "POST", path: reactionsPath });
    await bot.commented(issue, "limited-author", "/triage rerun");
    await bot.idle();
    const command = standIn.comments(OWNER, repo, n).find((c) => c.body === "/triage rerun");
    expect(command?.reactions.map((reaction) => reaction.content).sort()).toEqual(["eyes", "rocket"]);
    const wanted = ["inspection-report", "disk/errors", "quorum/not-ha"];
    expect(standIn.issue(OWNER, repo, n).labels).toEqual(expect.arrayContaining(wanted));
    const [comment, ...others] = stickies(standIn, issue);
    expect(others).toEqual([]);
    expect(decodeState(comment.body)?.labels).toEqual(expect.arrayContaining(wanted));

    const waited = retriesOf(
      from,
      (call) => createLabelPath.test(call.path) || reactionsPath.test(call.path),
    );
    expect(waited).toHaveLength(2);
    for (const { fault, retry } of waited) {
      expect(retry, fault.path).toBeDefined();
      // retry-after: 1 was honoured
      expect(retry!.at - fault.at, fault.path).toBeGreaterThanOrEqual(900);
    }
  }, 60_000);

  it("a 404 for an attachment on the GitHub host is explained on its line; the rest is analysed", async () => {
    const gone = `http://${standIn.host}/${OWNER}/${REPO}/files/5151/inspection-report-deleted.tar.gz`;
    const goodUrl = files.serve(
      "inspection-report-present.tar.gz",
      await singleNodeReport({ host: "present-node" }),
    );
    const issue = newIssue(`${link(gone)}\n${link(goodUrl)}`);
    await bot.opened(issue);
    const body = await waitForComment(standIn, issue, isFinal);
    await bot.idle();

    const [goneLine] = inputLines(body, gone);
    expect(goneLine).toContain(
      "could not be fetched or read: download failed: not accessible: GitHub returned 404 (the repository may be private",
    );
    expect(inputLines(body, goodUrl)[0]).toMatch(/— analysed/);
    expect(body).toContain("present-node");
    // one request (a 404 is final), carrying the installation token: the GHE host is GitHub itself
    const fetched = standIn.calls.filter((call) => call.path === new URL(gone).pathname);
    expect(fetched).toHaveLength(1);
    expect(String(fetched[0].headers.authorization)).toMatch(/^(bearer|token) ghs_/i);
    // the token never goes to the other attachment host
    expect(files.requestsFor(goodUrl).map((request) => request.headers.authorization)).toEqual([undefined]);
    expect(stickies(standIn, issue)).toHaveLength(1);
  });
});

describe("the Lambda worker crashing mid-run", () => {
  const invoke = (handler: (event: unknown) => Promise<void>, issue: StandInIssue, id: string) =>
    handler({ id, name: "issues", payload: openedPayload(standIn, issue) });

  it("an exception after the placeholder: the invocation fails, its retry finishes the one comment", async () => {
    let renders = 0;
    const deps: BotDeps = {
      // the real renderer, after a first call that crashes
      renderFn: (result, options) => {
        renders += 1;
        if (renders === 1) throw new Error("worker crashed while rendering");
        return renderMarkdown(result, options);
      },
    };
    const worker = await startWorker(standIn, { env, deps });
    const issue = newIssue(await reportLink("crashed-node"));

    await expect(invoke(worker, issue, "delivery-crash")).rejects.toThrow(/worker crashed while rendering/);
    const [notice] = stickies(standIn, issue);
    expect(notice.body).toContain(FAILURE_NOTICE);
    expect(notice.body).not.toContain(PLACEHOLDER);

    // Lambda retries the event (same container here)
    await invoke(worker, issue, "delivery-crash");
    const [comment, ...others] = stickies(standIn, issue);
    expect(others).toEqual([]);
    expect(comment.id).toBe(notice.id);
    expect(isFinal(comment.body)).toBe(true);
    expect(comment.body).toContain("crashed-node");
    expect(comment.history[0]).toContain(PLACEHOLDER);

    // at-least-once delivery: the same event once more changes nothing
    const edits = comment.history.length;
    await invoke(worker, issue, "delivery-crash");
    expect(stickies(standIn, issue).map((c) => [c.id, c.history.length])).toEqual([[comment.id, edits]]);
  }, 60_000);

  it("a container killed mid-run: a fresh container edits the placeholder into the one comment", async () => {
    let hung = 0;
    const frozen = await startWorker(standIn, {
      env,
      deps: {
        // the container dies during the download: this invocation never returns
        downloadFn: () => {
          hung += 1;
          return new Promise(() => {});
        },
      },
    });
    const issue = newIssue(await reportLink("revived-node"));
    const first = invoke(frozen, issue, "delivery-killed");
    first.catch(() => {});
    await standIn.waitFor(() => hung > 0 && stickies(standIn, issue)[0], { what: "placeholder" });
    const [placeholder] = stickies(standIn, issue);
    expect(placeholder.body).toContain(PLACEHOLDER);

    const fresh = await startWorker(standIn, { env });
    await invoke(fresh, issue, "delivery-killed");
    const comments = stickies(standIn, issue);
    expect(comments.map((c) => c.id)).toEqual([placeholder.id]);
    expect(isFinal(comments[0].body)).toBe(true);
    expect(comments[0].body).toContain("revived-node");
    expect(standIn.comments(OWNER, REPO, issue.number)).toHaveLength(1);
  }, 60_000);

  it("GitHub refusing the final edit: the invocation fails with a notice, its retry posts the analysis", async () => {
    const worker = await startWorker(standIn, { env });
    const issue = newIssue(await reportLink("stubborn-node"));
    // a refusal nothing retries (as when the app's permissions change mid-run)
    standIn.failNext({
      status: 403,
      message: "Resource not accessible by integration",
      method: "PATCH",
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/,
    });
    const from = standIn.calls.length;
    const failure = await invoke(worker, issue, "delivery-refused").then(
      () => null,
      (error: unknown) => error,
    );
    // thrown so that Lambda retries: Probot's AggregateError around the API's 403
    expect(failure).toBeInstanceOf(Error);
    expect(statusesOf(failure)).toContain(403);
    const patches = standIn.calls.slice(from).filter((call) => call.method === "PATCH");
    // the refused analysis, then the failure notice in its place (no "analysing" left behind)
    expect(patches.map((call) => call.status)).toEqual([403, 200]);
    const [notice] = stickies(standIn, issue);
    expect(notice.body).not.toContain(PLACEHOLDER);
    expect(notice.body).toContain(FAILURE_NOTICE);

    await invoke(worker, issue, "delivery-refused");
    const [comment, ...others] = stickies(standIn, issue);
    expect(others).toEqual([]);
    expect(comment.id).toBe(notice.id);
    expect(isFinal(comment.body)).toBe(true);
    expect(comment.body).toContain("stubborn-node");
  }, 60_000);
});
