/**
 * Possibly related issues, end to end through the running server and the GitHub stand-in's
 * search API: a later issue with the same failure on another cluster lists the earlier one with
 * the reason; nothing is ever closed, labelled or commented on the earlier issue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import { buildReport, reportName } from "../diff/fixtures.js";
import { type Harness, idle, OWNER, REPO, startHarness } from "../github/harness.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const RELATED = "### Possibly related issues";
const isFinal = (body: string) => body.includes("### Quorum");
const searches = () => h.standIn.callsTo("GET", /^\/search\/issues$/);

async function issueWith(host: string, ip: string, failing: boolean, timeoutMs = 15_000) {
  const name = reportName(host, "20241101_100000");
  const data = await buildReport(failing ? { host, ip, deadlines: 25, diskErrors: "sdb" } : { host, ip });
  const url = h.files.serve(name, data);
  const issue = h.newIssue(`Cluster in trouble\n\n[${name}](${url})`, { title: `${host} datastore trouble` });
  await h.opened(issue);
  const body = await h.standIn.waitFor(
    () => h.standIn.botComments(OWNER, REPO, issue.number).find((comment) => isFinal(comment.body))?.body,
    { what: `analysis of ${host}`, timeoutMs },
  );
  await idle(h);
  return { issue, body };
}

describe("possibly related issues", () => {
  it("lists the earlier issue with the same failure, says why, and leaves that issue alone", async () => {
    const a = await issueWith("mk-a", "10.1.0.1", true);
    expect(a.body).toContain(RELATED);
    expect(a.body).toContain("No earlier issue in this repository has a matching analysis signature.");
    const stateA = decodeState(a.body);
    expect(stateA?.signature?.ids).toEqual(
      expect.arrayContaining(["dqlite.query-deadline", "disk.fs-error.ext4"]),
    );
    const tokenLine = a.body.split("\n").find((line) => line.includes("Signature: rtsig"));
    expect(tokenLine).toBeDefined();

    const labelsA = [...h.standIn.issue(OWNER, REPO, a.issue.number).labels];
    const commentsA = h.standIn.comments(OWNER, REPO, a.issue.number).map((c) => [c.id, c.body]);

    const searchesBefore = searches().length;
    const b = await issueWith("mk-b", "10.2.0.7", true);
    expect(searches().length).toBe(searchesBefore + 1);
    const query = searches().at(-1)!.query.q ?? "";
    expect(query).toContain(`repo:${OWNER}/${REPO}`);
    expect(query).toContain("in:comments");

    const section = b.body.slice(b.body.indexOf(RELATED));
    const line = section.split("\n").find((l) => l.startsWith(`- #${a.issue.number} `));
    expect(line).toBeDefined();
    expect(line).toContain("identical signature");
    expect(line).toContain("dqlite.query-deadline sustained");
    expect(line).toContain("EXT4 errors");
    // B's own node names never leak into A's thread, and A is untouched
    expect(h.standIn.issue(OWNER, REPO, a.issue.number).labels).toEqual(labelsA);
    expect(h.standIn.issue(OWNER, REPO, a.issue.number).state).toBe("open");
    expect(h.standIn.comments(OWNER, REPO, a.issue.number).map((c) => [c.id, c.body])).toEqual(commentsA);
    expect(h.standIn.issue(OWNER, REPO, b.issue.number).labels).not.toContain("duplicate");
    expect(h.standIn.callsTo("PATCH", new RegExp(`/issues/${a.issue.number}$`))).toEqual([]);
  });

  it("a healthy analysis has no signature to match and no section", async () => {
    const before = searches().length;
    const c = await issueWith("mk-c", "10.3.0.1", false);
    expect(c.body).not.toContain(RELATED);
    expect(searches().length).toBe(before);
  });

  it("is switched off by `relatedIssues: false` in the repository config", async () => {
    h.standIn.setFile(OWNER, REPO, ".github/report-triage.yml", "relatedIssues: false\n");
    try {
      const before = searches().length;
      const d = await issueWith("mk-d", "10.4.0.1", true);
      expect(d.body).not.toContain(RELATED);
      expect(d.body).not.toContain("⚠️");
      expect(searches().length).toBe(before);
    } finally {
      h.standIn.setFile(OWNER, REPO, ".github/report-triage.yml", null);
    }
  });

  // Octokit retries a 500 three times (1 + 4 + 9 s) before the bot gives up on the search
  it("degrades to one line when the search fails, and still shows the signature", {
    timeout: 60_000,
  }, async () => {
    h.standIn.failNext({ status: 500, count: 10, path: /^\/search\/issues$/ });
    const e = await issueWith("mk-e", "10.5.0.1", true, 45_000);
    const section = e.body.slice(e.body.indexOf(RELATED));
    expect(section).toContain("could not be searched this time");
    expect(section).toContain("Signature: rtsig");
    expect(e.body).toContain("### Other findings");
  });
});
