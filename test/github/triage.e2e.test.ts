/**
 * End to end over real HTTP on loopback: signed webhooks → the real server → the GitHub stand-in
 * and a local attachment server. No Octokit mocks. Work is deferred, so tests poll the stand-in.
 */
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import { COMMENT_MARKER } from "../../src/render/markdown.js";
import { singleNodeReport } from "./fixtures.js";
import { type Harness, idle, OWNER, REPO, startHarness, waitForBotComment } from "./harness.js";

const SECTIONS = ["### Quorum", "### Departed nodes", "### Disk errors", "### Other findings"];
const isFinal = (body: string) => body.includes("### Quorum");

let h: Harness;
let healthy: Buffer;
let withDiskErrors: Buffer;

beforeAll(async () => {
  h = await startHarness();
  healthy = await singleNodeReport();
  withDiskErrors = await singleNodeReport({ diskErrors: true });
});

afterAll(async () => {
  await h?.close();
});

const link = (url: string) => `[${url.split("/").pop()}](${url})`;

describe("an issue opened with a report attached", () => {
  it("posts the placeholder, then the analysis with every section, and applies labels", async () => {
    const url = h.files.serve("inspection-report-20241029_182100.tar.gz", withDiskErrors);
    const issue = h.newIssue(`#### Summary\nDisk trouble\n\n#### Introspection Report\n${link(url)}\n`);
    const delivery = await h.opened(issue);
    expect(delivery.status).toBe(200);

    const body = await waitForBotComment(h, issue, isFinal, "final analysis");
    await idle(h);
    const comments = h.standIn.botComments(OWNER, REPO, issue.number);
    expect(comments).toHaveLength(1);
    const [comment] = comments;
    expect(comment.history[0]).toContain("⏳ Analysing 1 attachment");
    expect(comment.history[0].split("\n")[0]).toBe(COMMENT_MARKER);
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    for (const section of SECTIONS) expect(body).toContain(section);
    expect(body).toContain("inspection-report-20241029_182100.tar.gz");

    const labels = h.standIn.issue(OWNER, REPO, issue.number).labels;
    expect(labels).toEqual(expect.arrayContaining(["inspection-report", "disk/errors", "quorum/not-ha"]));
    const repoLabels = h.standIn.repoLabels(OWNER, REPO);
    const diskLabel = repoLabels.find((label) => label.name === "disk/errors");
    expect(diskLabel?.color).toBe("5319e7");
    expect(diskLabel?.description).toMatch(/disk/i);

    const state = decodeState(body);
    expect(state).toMatchObject({ shape: "analysis", ignored: false });
    expect(state?.labels).toEqual(expect.arrayContaining(["inspection-report", "disk/errors"]));
    // the attachment host is not GitHub: the installation token never goes there
    expect(h.files.requestsFor(url).every((request) => request.headers.authorization === undefined)).toBe(
      true,
    );
  });

  it("a redelivery and two simultaneous deliveries leave exactly one bot comment", async () => {
    const url = h.files.serve("inspection-report-20241029_190000.tar.gz", healthy);
    const issue = h.newIssue(link(url));
    const first = await h.opened(issue, "delivery-fixed-id");
    const again = await h.opened(issue, "delivery-fixed-id");
    const [a, b] = await Promise.all([h.opened(issue), h.opened(issue)]);
    expect([first.status, again.status, a.status, b.status]).toEqual([200, 200, 200, 200]);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, issue.number)).toHaveLength(1);
    // the same attachments are analysed once: later deliveries see the stored attachment set
    expect(h.files.requestsFor(url)).toHaveLength(1);
  });

  it("parallel workers that each created a comment fold them into the oldest", async () => {
    const url = h.files.serve("inspection-report-20241029_191500.tar.gz", healthy);
    const issue = h.newIssue(link(url));
    // a comment left by another worker (same marker, same bot login), created before ours
    const stray = h.standIn.addComment(OWNER, REPO, issue.number, {
      user: h.standIn.botUser.login,
      type: "Bot",
      body: `${COMMENT_MARKER}\n⏳ Analysing 1 attachment… (other worker)`,
    });
    await h.opened(issue);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    const comments = h.standIn.botComments(OWNER, REPO, issue.number);
    expect(comments.map((comment) => comment.id)).toEqual([stray.id]);
  });
});

describe("a real inspection report", () => {
  const real = new URL(
    "../../../shared/reports/real/react-to-do-list-inspection-report.tar.gz",
    import.meta.url,
  );

  it("is analysed as a healthy single node (not HA), with no secret from the report in the comment", async (context) => {
    if (!existsSync(real)) {
      console.warn(
        "skipped: ../shared/reports/real/react-to-do-list-inspection-report.tar.gz is not present",
      );
      context.skip();
    }
    const data = readFileSync(real);
    const url = h.files.serve("inspection-report-20241029_182100.tar.gz", data);
    const issue = h.newIssue(`#### Summary\nmicrok8s restarted\n\n#### Introspection Report\n${link(url)}`);
    await h.opened(issue);
    const body = await waitForBotComment(h, issue, isFinal);
    await idle(h);
    const labels = h.standIn.issue(OWNER, REPO, issue.number).labels;
    expect(labels).toEqual(expect.arrayContaining(["inspection-report", "quorum/not-ha"]));
    for (const absent of ["quorum/lost", "quorum/degraded", "node/departed", "disk/errors"])
      expect(labels).not.toContain(absent);
    expect(body).toContain("v1.28.14");
    // the calico kubeconfig in this report holds a (long expired) service-account token
    const tokens = [
      ...gunzipSync(data)
        .toString("latin1")
        .matchAll(/token: (\S{20,})/g),
    ].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(body).not.toContain(token);
  });
});

describe("edits and attachments in comments", () => {
  it("an issue edited twice updates the same comment (a later round replaces the earlier one); an edit that keeps the attachments does nothing", async () => {
    const first = h.files.serve("inspection-report-20241029_200000.tar.gz", healthy);
    const issue = h.newIssue(`Cluster broken with microk8s\n${link(first)}`);
    await h.opened(issue);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    const [comment] = h.standIn.botComments(OWNER, REPO, issue.number);
    const updatesBefore = comment.history.length;

    const second = h.files.serve("inspection-report-20241029_200500.tar.gz", withDiskErrors);
    const previous = issue.body;
    h.standIn.editIssue(OWNER, REPO, issue.number, { body: `${issue.body}\n${link(second)}` });
    await h.edited(issue, previous);
    await waitForBotComment(h, issue, (body) => isFinal(body) && body.includes("20241029_200500"));

    const third = h.files.serve("inspection-report-20241029_201000.tar.gz", healthy);
    h.standIn.editIssue(OWNER, REPO, issue.number, { body: `${issue.body}\n${link(third)}` });
    await h.edited(issue);
    await waitForBotComment(h, issue, (body) => isFinal(body) && body.includes("20241029_201000"));
    await idle(h);
    const comments = h.standIn.botComments(OWNER, REPO, issue.number);
    expect(comments.map((c) => c.id)).toEqual([comment.id]);
    expect(comments[0].history.length).toBeGreaterThan(updatesBefore + 1);
    // The third report is a later round from the same node: it is the one analysed, the disk errors
    // of the second round are gone (so is the bot's label), and the comment says what changed.
    expect(comments[0].body).toContain("What changed since the previous reports");
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).not.toContain("disk/errors");

    const settled = comments[0].history.length;
    h.standIn.editIssue(OWNER, REPO, issue.number, {
      body: `${issue.body}\n\nMore details: it happens daily.`,
    });
    await h.edited(issue);
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, issue.number)[0].history.length).toBe(settled);
  });

  it("a report attached in a later comment is analysed; a bot-set label goes when its finding goes", async () => {
    const bad = h.files.serve("inspection-report-20241029_210000.tar.gz", withDiskErrors);
    const issue = h.newIssue(`microk8s fails to start\n${link(bad)}`, { labels: ["bug"] });
    await h.opened(issue);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).toEqual(
      expect.arrayContaining(["bug", "disk/errors"]),
    );

    // a human adds quorum/lost themselves: the bot must never remove it
    h.standIn.addIssueLabel(OWNER, REPO, issue.number, "quorum/lost");
    const previous = issue.body;
    const good = h.files.serve("inspection-report-20241029_211500.tar.gz", healthy);
    h.standIn.editIssue(OWNER, REPO, issue.number, {
      body: `microk8s fails to start (replaced the report)\n${link(good)}`,
    });
    await h.edited(issue, previous);
    await waitForBotComment(h, issue, (body) => isFinal(body) && body.includes("20241029_211500"));
    await idle(h);
    const labels = h.standIn.issue(OWNER, REPO, issue.number).labels;
    expect(labels).not.toContain("disk/errors");
    expect(labels).toEqual(expect.arrayContaining(["bug", "quorum/lost", "inspection-report"]));
  });
});

describe("attachments that cannot be analysed", () => {
  it("each unreachable, oversized, forbidden or non-report attachment gets its own line", async () => {
    const good = h.files.serve("inspection-report-20241029_220000.tar.gz", healthy);
    const forbidden = h.files.fail("inspection-report-forbidden.tar.gz", 403);
    const oversized = h.files.serve("inspection-report-huge.tar.gz", Buffer.alloc(26 * 1024 * 1024, 1));
    // binary, neither gzip nor text (a PNG header and zeros)
    const notReport = h.files.serve(
      "notes.tar.gz",
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]),
    );
    const unreachable = `http://127.0.0.1:${h.deadPort}/files/1/inspection-report-unreachable.tar.gz`;
    const issue = h.newIssue([good, forbidden, oversized, notReport, unreachable].map(link).join("\n"));
    await h.opened(issue);
    const body = await waitForBotComment(h, issue, isFinal);
    // the inputs list: one line per attachment, linking it
    const lineFor = (url: string) =>
      body.split("\n").filter((line) => line.startsWith("- ") && line.includes(`(${url})`));
    for (const url of [good, forbidden, oversized, notReport, unreachable])
      expect(lineFor(url), url).toHaveLength(1);
    expect(lineFor(good)[0]).toMatch(/— analysed/);
    expect(lineFor(forbidden)[0]).toMatch(/could not be fetched or read: .*403/);
    expect(lineFor(oversized)[0]).toMatch(/could not be fetched or read: .*(larger|too large|limit)/i);
    expect(lineFor(unreachable)[0]).toMatch(
      /could not be fetched or read: .*(ECONNREFUSED|connect|unreachable)/i,
    );
    expect(lineFor(notReport)[0]).toMatch(/not an inspection report/);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).toContain("inspection-report");
  });

  it("links outside the allowlist are never fetched", async () => {
    const issue = h.newIssue(
      "microk8s broken, see [report](http://198.51.100.7/files/1/inspection-report.tar.gz)",
    );
    await h.opened(issue);
    await waitForBotComment(h, issue, (body) => body.includes("Please attach an inspection report"));
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, issue.number)).toHaveLength(1);
  });
});

describe("nudge", () => {
  it("asks once for a report on a bug-template issue, then turns into the analysis and drops the label", async () => {
    const issue = h.newIssue(
      "#### Summary\nPods stuck in ContainerCreating\n\n#### What Should Happen Instead?\nThey run\n\n#### Introspection Report\n<!-- Please run `microk8s inspect` and attach the generated tarball. -->\n",
      { user: "nudged-user" },
    );
    await h.opened(issue);
    const nudge = await waitForBotComment(h, issue, (body) =>
      body.includes("Please attach an inspection report"),
    );
    expect(nudge.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(nudge).toContain("sudo microk8s inspect");
    expect(nudge).toContain("/var/snap/microk8s/current/inspection-report-*.tar.gz");
    expect(nudge).toContain("@nudged-user");
    await idle(h);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).toContain("needs/inspection-report");

    // a second delivery of the same event does not nudge twice
    await h.opened(issue);
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, issue.number)).toHaveLength(1);

    const url = h.files.serve("inspection-report-20241030_080000.tar.gz", healthy);
    await h.commented(issue, "nudged-user", `Here it is: ${link(url)}`);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    const comments = h.standIn.botComments(OWNER, REPO, issue.number);
    expect(comments).toHaveLength(1);
    const labels = h.standIn.issue(OWNER, REPO, issue.number).labels;
    expect(labels).not.toContain("needs/inspection-report");
    expect(labels).toContain("inspection-report");
  });

  it("pasted `microk8s inspect` output is read: listed in the nudge, and added to the analysis", async () => {
    const consoleOutput = [
      "```",
      "Inspecting services",
      "  Service snap.microk8s.daemon-cluster-agent is running",
      " FAIL:  Service snap.microk8s.daemon-k8s-dqlite is not running",
      "For more details look at: sudo journalctl -u snap.microk8s.daemon-k8s-dqlite",
      "Building the report tarball",
      "```",
    ].join("\n");
    const issue = h.newIssue(`Output of the inspection:\n${consoleOutput}`, { title: "datastore down" });
    await h.opened(issue);
    const nudge = await waitForBotComment(h, issue, (body) =>
      body.includes("Please attach an inspection report"),
    );
    expect(nudge).toContain("From the `microk8s inspect` output pasted in the issue");
    expect(nudge).toMatch(/not running/i);

    const url = h.files.serve("inspection-report-20241030_083000.tar.gz", healthy);
    await h.commented(issue, "reporter", link(url));
    const body = await waitForBotComment(h, issue, isFinal);
    expect(body).toMatch(/issue description.*microk8s inspect.*console output/);
    expect(body).toMatch(/daemon-k8s-dqlite/);
  });

  it("does not nudge feature requests or unrelated issues", async () => {
    const feature = h.newIssue("#### Summary\nAdd a dark mode\n\n#### Why is this important?\nEyes\n", {
      title: "Dark mode",
    });
    const unrelated = h.newIssue("The docs have a typo.", { title: "Typo" });
    await h.opened(feature);
    await h.opened(unrelated);
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, feature.number)).toHaveLength(0);
    expect(h.standIn.botComments(OWNER, REPO, unrelated.number)).toHaveLength(0);
  });
});

describe("what the bot ignores", () => {
  it("events sent by bots, pull requests and locked issues cause no API call", async () => {
    const url = h.files.serve("inspection-report-20241030_090000.tar.gz", healthy);
    const issue = h.newIssue(link(url));
    const callsBefore = h.standIn.calls.length;
    const { issuesEvent } = await import("../support/webhook.js");
    const botSender = h.standIn.user("renovate[bot]", "Bot");
    await h.send(
      "issues",
      issuesEvent("opened", { installationId: h.standIn.installationId, issue, sender: botSender }),
    );
    const ownBot = h.standIn.botUser;
    await h.send(
      "issues",
      issuesEvent("opened", { installationId: h.standIn.installationId, issue, sender: ownBot }),
    );
    const pr = h.standIn.addIssue(OWNER, REPO, {
      title: "PR",
      body: link(url),
      user: "dev",
      pullRequest: true,
    });
    await h.opened(pr);
    const locked = h.newIssue(link(url), { locked: true });
    await h.opened(locked);
    await h.commented(issue, "someone[bot]", "/triage rerun");
    await idle(h);
    expect(h.standIn.calls.length).toBe(callsBefore);
    expect(h.files.requestsFor(url)).toHaveLength(0);
  });

  it("malformed payloads and bad signatures are refused without work", async () => {
    const callsBefore = h.standIn.calls.length;
    const bad = await h.send("issues", {
      action: "opened",
      repository: { name: "../x", owner: { login: "a" } },
      issue: { number: 1 },
    });
    expect(bad.status).toBeLessThan(500);
    const { deliver } = await import("../support/webhook.js");
    const forged = await deliver(h.webhookUrl, "wrong-secret", {
      name: "issues",
      payload: { action: "opened" },
    });
    expect([400, 401]).toContain(forged.status);
    await idle(h);
    expect(h.standIn.calls.length).toBe(callsBefore);
  });
});

describe("repository configuration and GitHub faults", () => {
  it("a bad .github/report-triage.yml shows one config error line and the defaults apply", async () => {
    h.standIn.setFile(OWNER, "configured", ".github/report-triage.yml", "nudge: maybe\ncolour: blue\n");
    const url = h.files.serve("inspection-report-20241030_100000.tar.gz", withDiskErrors);
    const issue = h.standIn.addIssue(OWNER, "configured", {
      title: "microk8s down",
      body: link(url),
      user: "reporter",
    });
    await h.opened(issue);
    const body = await waitForBotComment(h, issue, isFinal);
    const errorLines = body.split("\n").filter((line) => line.includes(".github/report-triage.yml"));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain("`nudge` must be true or false");
    expect(errorLines[0]).toContain("unknown key `colour`");
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    await idle(h);
    expect(h.standIn.issue(OWNER, "configured", issue.number).labels).toContain("disk/errors");
  });

  it("configured label names and minSeverity are used", async () => {
    h.standIn.setFile(
      OWNER,
      "renamed",
      ".github/report-triage.yml",
      "labels:\n  diskErrors: storage/broken\n  quorumNotHa: false\nminSeverity: critical\n",
    );
    const url = h.files.serve("inspection-report-20241030_103000.tar.gz", withDiskErrors);
    const issue = h.standIn.addIssue(OWNER, "renamed", {
      title: "microk8s down",
      body: link(url),
      user: "reporter",
    });
    await h.opened(issue);
    const body = await waitForBotComment(h, issue, isFinal);
    expect(body).not.toContain("report-triage.yml");
    await idle(h);
    const labels = h.standIn.issue(OWNER, "renamed", issue.number).labels;
    expect(labels).toContain("storage/broken");
    expect(labels).not.toContain("disk/errors");
    expect(labels).not.toContain("quorum/not-ha");
  });

  it("transient 500/502 and a secondary rate limit are retried", async () => {
    const url = h.files.serve("inspection-report-20241030_110000.tar.gz", healthy);
    const issue = h.newIssue(link(url));
    h.standIn.failNext({ status: 502, method: "GET", path: new RegExp(`/issues/${issue.number}/comments$`) });
    h.standIn.failNext({
      status: 500,
      method: "POST",
      path: new RegExp(`/issues/${issue.number}/comments$`),
    });
    h.standIn.failNext({ status: 403, retryAfter: 1, method: "PATCH", path: /\/issues\/comments\/\d+$/ });
    await h.opened(issue);
    // Octokit's retry plugin waits 4 s after a 5xx, the throttling plugin retry-after seconds after a 403
    await h.standIn.waitFor(
      () => h.standIn.botComments(OWNER, REPO, issue.number).find((c) => isFinal(c.body)),
      {
        timeoutMs: 45_000,
        what: "analysis despite faults",
      },
    );
    await idle(h);
    expect(h.standIn.botComments(OWNER, REPO, issue.number)).toHaveLength(1);
    const faulted = h.standIn.calls.filter((call) => call.status >= 500 || call.status === 403);
    expect(faulted.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

describe("maintainer labels", () => {
  it("triage/rerun re-runs and is removed; triage/skip silences the bot", async () => {
    const url = h.files.serve("inspection-report-20241030_120000.tar.gz", healthy);
    const issue = h.newIssue(link(url));
    await h.opened(issue);
    await waitForBotComment(h, issue, isFinal);
    await idle(h);
    const downloads = h.files.requestsFor(url).length;

    h.standIn.addIssueLabel(OWNER, REPO, issue.number, "triage/rerun");
    await h.labeled(issue, "triage/rerun", "maintainer");
    await h.standIn.waitFor(() => h.files.requestsFor(url).length > downloads, { what: "re-download" });
    await idle(h);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).not.toContain("triage/rerun");

    h.standIn.addIssueLabel(OWNER, REPO, issue.number, "triage/skip");
    await h.labeled(issue, "triage/skip", "maintainer");
    await idle(h);
    const [comment] = h.standIn.botComments(OWNER, REPO, issue.number);
    expect(decodeState(comment.body)?.ignored).toBe(true);
    const more = h.files.serve("inspection-report-20241030_121500.tar.gz", withDiskErrors);
    await h.commented(issue, "reporter", link(more));
    await idle(h);
    expect(h.files.requestsFor(more)).toHaveLength(0);

    h.standIn.removeIssueLabel(OWNER, REPO, issue.number, "triage/skip");
    await h.labeled(issue, "triage/skip", "maintainer", "unlabeled");
    await h.standIn.waitFor(() => h.files.requestsFor(more).length > 0, { what: "analysis after resume" });
    await idle(h);
    expect(decodeState(h.standIn.botComments(OWNER, REPO, issue.number)[0].body)?.ignored).toBe(false);
  });
});
