/**
 * Concurrency, end to end: many issues delivered at once to the real server, and one delivery
 * sent several times at once (to one server, and to several bot replicas sharing GitHub). Every
 * issue must end with exactly one comment, holding its own analysis.
 *
 * Time: Probot's throttling allows one write per second and one comment creation per three seconds
 * for the whole process (its limiter is shared by every installation), so 20 new comments take
 * about a minute whatever the installation ids; the timeouts below allow for that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import { singleNodeReport } from "../github/fixtures.js";
import type { GitHubStandIn, StandInIssue } from "../support/github-stand-in.js";
import { deliver } from "../support/webhook.js";
import {
  type Bot,
  isFinal,
  link,
  OWNER,
  openedPayload,
  REPO,
  SECRET,
  startBot,
  startStandIn,
  stickies,
  waitForComment,
} from "./harness.js";
import { LoopbackServer } from "./loopback.js";

const ISSUES = 20;

let standIn: GitHubStandIn;
let files: LoopbackServer;
let bot: Bot;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  standIn = await startStandIn();
  files = await LoopbackServer.start();
  env = { ATTACHMENT_HOSTS: `http://${files.host}` };
  bot = await startBot(standIn, { env });
});

afterAll(async () => {
  await bot?.close();
  await Promise.all([standIn?.close(), files?.close()]);
});

/** The comment without its "possibly related issues" section, which links other issues by title. */
function withoutRelatedIssues(body: string): string {
  return body.replace(/^### [^\n]*related[^\n]*\n[\s\S]*?(?=^### |^---$|(?![\s\S]))/im, "");
}

const nodeName = (index: number) => `burst-node-${String(index).padStart(2, "0")}`;

/** An issue with its own report: node `node`, disk errors when asked. */
async function issueWithReport(
  repo: string,
  node: string,
  diskErrors: boolean,
): Promise<{ issue: StandInIssue; url: string }> {
  const url = files.serve(
    `inspection-report-${node}.tar.gz`,
    await singleNodeReport({ host: node, diskErrors }),
  );
  const issue = standIn.addIssue(OWNER, repo, {
    title: `microk8s on ${node} fails`,
    body: `#### Introspection Report\n${link(url)}\n`,
    user: `user-${node}`,
  });
  return { issue, url };
}

describe("many issues at once", () => {
  it(`${ISSUES} issues with reports delivered at once each end with exactly one correct comment`, async () => {
    const repo = "burst";
    const cases = await Promise.all(
      Array.from({ length: ISSUES }, async (_, i) => {
        const index = i + 1;
        const diskErrors = index % 2 === 1;
        return { index, diskErrors, ...(await issueWithReport(repo, nodeName(index), diskErrors)) };
      }),
    );
    const postsBefore = standIn.callsTo("POST", new RegExp(`/${repo}/issues/\\d+/comments$`)).length;

    const deliveries = await Promise.all(cases.map(({ issue }) => bot.opened(issue)));
    expect(deliveries.map((delivery) => delivery.status)).toEqual(cases.map(() => 200));
    await Promise.all(
      cases.map(({ issue }) => waitForComment(standIn, issue, isFinal, { timeoutMs: 150_000 })),
    );
    await bot.idle(150_000);

    for (const { index, diskErrors, issue, url } of cases) {
      const node = nodeName(index);
      const comments = standIn.comments(OWNER, repo, issue.number);
      expect(comments, node).toHaveLength(1);
      const [comment] = stickies(standIn, issue);
      expect(comment?.id, node).toBe(comments[0].id);
      const body = comment.body;
      expect(isFinal(body), node).toBe(true);
      // its own report, and nobody else's (other issues may only appear as possibly related ones)
      const analysis = withoutRelatedIssues(body);
      expect(analysis, node).toContain(node);
      expect(analysis, node).toContain(`(${url})`);
      const others = cases.filter((other) => other.index !== index).map((other) => nodeName(other.index));
      for (const other of others) expect(analysis, `${node} mentions ${other}`).not.toContain(other);
      expect(decodeState(body), node).toMatchObject({ shape: "analysis" });
      const labels = standIn.issue(OWNER, repo, issue.number).labels;
      expect(labels, node).toEqual(expect.arrayContaining(["inspection-report", "quorum/not-ha"]));
      if (diskErrors) expect(labels, node).toContain("disk/errors");
      else expect(labels, node).not.toContain("disk/errors");
      expect(files.requestsFor(url), node).toHaveLength(1);
    }
    // one comment created per issue: no duplicate had to be cleaned up
    const posts = standIn.callsTo("POST", new RegExp(`/${repo}/issues/\\d+/comments$`));
    expect(posts.length - postsBefore).toBe(ISSUES);
    // the bot's labels were created with one request each, however many issues needed them at once
    const names = standIn.repoLabels(OWNER, repo).map((label) => label.name);
    expect(names.sort()).toEqual(["disk/errors", "inspection-report", "quorum/not-ha"]);
    const creations = standIn.callsTo("POST", new RegExp(`^/repos/${OWNER}/${repo}/labels$`));
    expect(creations.map((call) => call.status)).toEqual([201, 201, 201]);
  }, 170_000);
});

describe("the same delivery several times at once", () => {
  it("5 copies of one delivery, and 5 deliveries of the same event, to one server: one comment", async () => {
    const { issue, url } = await issueWithReport(REPO, "repeat-node", true);
    const payload = openedPayload(standIn, issue);
    const send = (id: string) => deliver(bot.webhookUrl, SECRET, { name: "issues", payload, id });
    const same = await Promise.all(Array.from({ length: 5 }, () => send("delivery-repeated")));
    const distinct = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`delivery-${i}`)));
    expect([...same, ...distinct].map((delivery) => delivery.status)).toEqual(Array(10).fill(200));
    await waitForComment(standIn, issue, isFinal);
    await bot.idle();

    const comments = standIn.comments(OWNER, REPO, issue.number);
    expect(comments).toHaveLength(1);
    expect(isFinal(comments[0].body)).toBe(true);
    expect(comments[0].body).toContain("repeat-node");
    // analysed once: the later runs find the same attachments already analysed
    expect(files.requestsFor(url)).toHaveLength(1);
    expect(standIn.callsTo("POST", new RegExp(`/${REPO}/issues/${issue.number}/comments$`))).toHaveLength(1);
    expect(standIn.issue(OWNER, REPO, issue.number).labels).toContain("disk/errors");
  }, 60_000);

  it("the same delivery to 5 bot replicas at once (shared GitHub): one comment, duplicates folded", async () => {
    const replicas = await Promise.all(Array.from({ length: 4 }, () => startBot(standIn, { env })));
    try {
      const all = [bot, ...replicas];
      const { issue, url } = await issueWithReport(REPO, "replica-node", false);
      const started = Date.now();
      const payload = openedPayload(standIn, issue);
      const answers = await Promise.all(
        all.map((replica) =>
          deliver(replica.webhookUrl, SECRET, { name: "issues", payload, id: "delivery-fan-out" }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(all.length).fill(200));
      await Promise.all(all.map((replica) => replica.idle(120_000)));

      const comments = standIn.comments(OWNER, REPO, issue.number);
      expect(comments).toHaveLength(1);
      const [comment] = comments;
      expect(isFinal(comment.body)).toBe(true);
      expect(comment.body).toContain("replica-node");
      expect(decodeState(comment.body)).toMatchObject({ shape: "analysis" });
      // every comment created by a replica that lost the race was removed again
      const created = standIn
        .callsTo("POST", new RegExp(`/${REPO}/issues/${issue.number}/comments$`))
        .filter((call) => call.status === 201).length;
      const deleted = standIn
        .callsTo("DELETE", /\/issues\/comments\/\d+$/)
        .filter((call) => call.status === 204 && call.at >= started).length;
      // the replicas all looked before any comment existed, so they raced to create one
      expect(created).toBeGreaterThan(1);
      expect(deleted).toBe(created - 1);
      expect(files.requestsFor(url).length).toBeGreaterThanOrEqual(1);
      expect(files.requestsFor(url).length).toBeLessThanOrEqual(all.length);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  }, 150_000);
});
