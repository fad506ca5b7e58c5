/** `/triage` commands end to end: reactions, replies, permissions via the collaborator permission endpoint. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import type { StandInIssue } from "../support/github-stand-in.js";
import { singleNodeReport } from "./fixtures.js";
import { type Harness, idle, OWNER, REPO, startHarness, waitForBotComment } from "./harness.js";

const isFinal = (body: string) => body.includes("### Quorum");
const link = (url: string) => `[${url.split("/").pop()}](${url})`;

let h: Harness;
let report: Buffer;

beforeAll(async () => {
  h = await startHarness();
  report = await singleNodeReport();
  h.standIn.setPermission(OWNER, REPO, "triager", "triage");
  h.standIn.setPermission(OWNER, REPO, "maintainer", "maintain");
  h.standIn.setPermission(OWNER, REPO, "reader", "read");
  h.standIn.setPermission(OWNER, REPO, "ghost", null);
});

afterAll(async () => {
  await h?.close();
});

/** Post a comment and wait for its final reaction (🚀 or 😕); returns the reactions and the bot's replies. */
async function command(issue: StandInIssue, user: string, body: string) {
  const repliesBefore = replies(issue).length;
  await h.commented(issue, user, body);
  const comment = h.standIn
    .comments(OWNER, REPO, issue.number)
    .filter((c) => c.user.login === user)
    .pop()!;
  await h.standIn.waitFor(
    () =>
      comment.reactions.some((reaction) => reaction.content === "rocket" || reaction.content === "confused"),
    { what: `final reaction to ${body}` },
  );
  await idle(h);
  return {
    reactions: comment.reactions.map((reaction) => reaction.content),
    replies: replies(issue).slice(repliesBefore),
  };
}

function replies(issue: StandInIssue): string[] {
  return h.standIn
    .botComments(OWNER, REPO, issue.number)
    .filter((comment) => !comment.body.startsWith("<!-- report-triage -->"))
    .map((comment) => comment.body);
}

async function analysedIssue(user = "reporter"): Promise<{ issue: StandInIssue; url: string }> {
  const url = h.files.serve(`inspection-report-${Math.floor(Math.random() * 1e6)}.tar.gz`, report);
  const issue = h.newIssue(`microk8s broken\n${link(url)}`, { user });
  await h.opened(issue);
  await waitForBotComment(h, issue, isFinal);
  await idle(h);
  return { issue, url };
}

describe("/triage help and unknown commands", () => {
  it("help answers with the command table; 👀 then 🚀", async () => {
    const issue = h.newIssue("question about microk8s", { title: "q" });
    const result = await command(issue, "someone", "/triage help");
    expect(result.reactions).toEqual(["eyes", "rocket"]);
    expect(result.replies).toHaveLength(1);
    const [reply] = result.replies;
    expect(reply.startsWith("> /triage help")).toBe(true);
    expect(reply).toContain("@someone");
    for (const name of ["/triage rerun", "/triage ignore", "/triage unignore", "/triage explain"])
      expect(reply).toContain(name);
    expect(reply).toMatch(/\| Command \| What it does \| Who can use it \|/);
  });

  it("an unknown subcommand is answered with help and 😕", async () => {
    const issue = h.newIssue("x", { title: "q" });
    const result = await command(issue, "someone", "/triage deploy-everything");
    expect(result.reactions).toEqual(["eyes", "confused"]);
    expect(result.replies[0]).toContain("I don't know `/triage deploy-everything`");
    expect(result.replies[0]).toContain("/triage rerun");
  });

  it("commands in code blocks or quotes are not run", async () => {
    const issue = h.newIssue("x", { title: "q" });
    const comment = h.standIn.addComment(OWNER, REPO, issue.number, {
      user: "someone",
      body: "```\n/triage help\n```\n> /triage help",
    });
    const { issueCommentEvent } = await import("../support/webhook.js");
    await h.send(
      "issue_comment",
      issueCommentEvent({ installationId: h.standIn.installationId, issue, sender: comment.user, comment }),
    );
    await idle(h);
    expect(comment.reactions).toEqual([]);
    expect(replies(issue)).toEqual([]);
  });
});

describe("/triage rerun", () => {
  it("the issue author may re-run: the report is downloaded again and the comment updated", async () => {
    const { issue, url } = await analysedIssue("author1");
    const before = h.files.requestsFor(url).length;
    const [sticky] = h.standIn.botComments(OWNER, REPO, issue.number);
    const updates = sticky.history.length;
    const result = await command(issue, "author1", "/triage rerun");
    expect(result.reactions).toEqual(["eyes", "rocket"]);
    expect(result.replies).toEqual([]);
    expect(h.files.requestsFor(url).length).toBe(before + 1);
    expect(h.standIn.comment(sticky.id)!.history.length).toBeGreaterThan(updates);
    expect(
      h.standIn
        .botComments(OWNER, REPO, issue.number)
        .filter((c) => c.body.startsWith("<!-- report-triage -->")),
    ).toHaveLength(1);
  });

  it("a triager may re-run; a reader who is not the author is refused, quoting the command", async () => {
    const { issue } = await analysedIssue("author2");
    expect((await command(issue, "triager", "/triage rerun")).reactions).toEqual(["eyes", "rocket"]);
    const refused = await command(issue, "reader", "/triage rerun");
    expect(refused.reactions).toEqual(["eyes", "confused"]);
    expect(refused.replies[0]).toBe(
      "> /triage rerun\n\n@reader: only the issue author or maintainers with triage rights can use `/triage rerun`.",
    );
    const permissionCalls = h.standIn.callsTo("GET", /\/collaborators\/reader\/permission$/);
    expect(permissionCalls.length).toBeGreaterThan(0);
  });
});

describe("/triage ignore and unignore", () => {
  it("readers and unknown users are refused; a triager silences the bot, a maintainer resumes it", async () => {
    const { issue } = await analysedIssue("author3");

    const byReader = await command(issue, "reader", "/triage ignore");
    expect(byReader.reactions).toEqual(["eyes", "confused"]);
    expect(byReader.replies[0]).toContain("> /triage ignore");
    expect(byReader.replies[0]).toContain(
      "@reader: only maintainers with triage rights can use `/triage ignore`.",
    );

    const byAuthor = await command(issue, "author3", "/triage ignore");
    expect(byAuthor.reactions).toEqual(["eyes", "confused"]);

    const byGhost = await command(issue, "ghost", "/triage ignore");
    expect(byGhost.reactions).toEqual(["eyes", "confused"]);

    const ignored = await command(issue, "triager", "/triage ignore");
    expect(ignored.reactions).toEqual(["eyes", "rocket"]);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).toContain("triage/skip");
    const sticky = () =>
      h.standIn
        .botComments(OWNER, REPO, issue.number)
        .find((c) => c.body.startsWith("<!-- report-triage -->"))!;
    expect(decodeState(sticky().body)?.ignored).toBe(true);

    const rerun = await command(issue, "author3", "/triage rerun");
    expect(rerun.reactions).toEqual(["eyes", "confused"]);
    expect(rerun.replies[0]).toContain("paused");

    const url = h.files.serve("inspection-report-while-ignored.tar.gz", report);
    await h.commented(issue, "author3", link(url));
    await idle(h);
    expect(h.files.requestsFor(url)).toHaveLength(0);

    const resumed = await command(issue, "maintainer", "/triage unignore");
    expect(resumed.reactions).toEqual(["eyes", "rocket"]);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).not.toContain("triage/skip");
    expect(decodeState(sticky().body)?.ignored).toBe(false);
    // unignore analyses what was attached meanwhile
    expect(h.files.requestsFor(url)).toHaveLength(1);
    expect(sticky().body).toContain("inspection-report-while-ignored.tar.gz");
  });
});

describe("/triage explain", () => {
  it("without a configured model it says so briefly", async () => {
    const { issue } = await analysedIssue();
    const result = await command(issue, "reporter", "/triage explain");
    expect(result.reactions).toEqual(["eyes", "confused"]);
    expect(result.replies[0]).toMatch(/not configured/);
  });
});

describe("several commands in one comment and disabled commands", () => {
  it("runs each command and replies once; a disabled command is reported", async () => {
    h.standIn.setFile(OWNER, "limited", ".github/report-triage.yml", "commands: [rerun]\n");
    h.standIn.setPermission(OWNER, "limited", "triager", "triage");
    const issue = h.standIn.addIssue(OWNER, "limited", { title: "x", body: "hello", user: "reporter" });
    await h.commented(issue, "triager", "/triage help\n/triage ignore");
    const comment = h.standIn
      .comments(OWNER, "limited", issue.number)
      .filter((c) => c.user.login === "triager")
      .pop()!;
    await h.standIn.waitFor(() =>
      comment.reactions.some((r) => r.content === "confused" || r.content === "rocket"),
    );
    await idle(h);
    expect(comment.reactions.map((r) => r.content)).toEqual(["eyes", "confused"]);
    const botReplies = h.standIn.botComments(OWNER, "limited", issue.number);
    expect(botReplies).toHaveLength(1);
    expect(botReplies[0].body).toContain("> /triage help");
    expect(botReplies[0].body).toContain("`/triage ignore` is turned off in this repository.");
    expect(botReplies[0].body).not.toContain("/triage explain`");
    expect(h.standIn.issue(OWNER, "limited", issue.number).labels).not.toContain("triage/skip");
  });
});
