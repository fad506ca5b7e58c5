/** The GitHub stand-in itself, driven by @octokit/rest: GitHub's status codes, shapes and pagination. */
import { createSign, generateKeyPairSync } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubStandIn } from "../support/github-stand-in.js";

let standIn: GitHubStandIn;
let octokit: Octokit;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

function jwt(appId: number, key = privateKey): string {
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId })).toString(
    "base64url",
  );
  const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(key).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

beforeAll(async () => {
  standIn = await GitHubStandIn.start({ appKey: publicKey });
  octokit = new Octokit({ baseUrl: standIn.baseUrl, auth: standIn.issueToken() });
  standIn.addIssue("o", "r", { title: "first", body: "microk8s dqlite quorum lost", user: "alice" });
});

afterAll(async () => {
  await standIn.close();
});

describe("GitHub stand-in", () => {
  it("app endpoints need a valid app JWT and issue installation tokens", async () => {
    const app = new Octokit({ baseUrl: standIn.baseUrl, auth: jwt(standIn.appId) });
    const { data } = await app.rest.apps.getAuthenticated();
    expect(data?.slug).toBe("report-triage");
    const token = await app.rest.apps.createInstallationAccessToken({
      installation_id: standIn.installationId,
    });
    expect(token.status).toBe(201);
    expect(token.data.token).toMatch(/^ghs_/);
    const installation = await app.rest.apps.getRepoInstallation({ owner: "o", repo: "r" });
    expect(installation.data.id).toBe(standIn.installationId);
    const forged = new Octokit({
      baseUrl: standIn.baseUrl,
      auth: jwt(standIn.appId, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey),
    });
    await expect(forged.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
    await expect(
      new Octokit({ baseUrl: standIn.baseUrl, auth: "ghs_unknown" }).rest.issues.get({
        owner: "o",
        repo: "r",
        issue_number: 1,
      }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it("paginates comments with Link headers, ids increasing, bot as author", async () => {
    for (let i = 0; i < 7; i++)
      await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: `c${i}` });
    const first = await octokit.rest.issues.listComments({
      owner: "o",
      repo: "r",
      issue_number: 1,
      per_page: 3,
    });
    expect(first.data).toHaveLength(3);
    expect(first.headers.link).toMatch(/rel="next"/);
    expect(first.headers.link).toMatch(/page=3>; rel="last"/);
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: "o",
      repo: "r",
      issue_number: 1,
      per_page: 3,
    });
    expect(all.map((c) => c.body)).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    const ids = all.map((c) => c.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(all[0].user?.login).toBe("report-triage[bot]");
    expect(all[0].user?.type).toBe("Bot");
  });

  it("validates comments like GitHub (missing body, too long) and 404s unknown resources", async () => {
    await expect(
      octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "" }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "x".repeat(65_537) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.issues.get({ owner: "o", repo: "r", issue_number: 99 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.issues.deleteComment({ owner: "o", repo: "r", comment_id: 1 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("labels: 422 already_exists (case-insensitive), auto-created when added to an issue, 404 on removing an absent one", async () => {
    const created = await octokit.rest.issues.createLabel({
      owner: "o",
      repo: "r",
      name: "quorum/lost",
      color: "b60205",
      description: "d",
    });
    expect(created.status).toBe(201);
    const duplicate = await octokit.rest.issues
      .createLabel({ owner: "o", repo: "r", name: "Quorum/Lost", color: "b60205" })
      .catch((e) => e);
    expect(duplicate.status).toBe(422);
    expect(duplicate.response.data.errors[0].code).toBe("already_exists");
    const added = await octokit.rest.issues.addLabels({
      owner: "o",
      repo: "r",
      issue_number: 1,
      labels: ["quorum/lost", "new-one"],
    });
    expect(added.data.map((l) => l.name)).toEqual(["quorum/lost", "new-one"]);
    const removed = await octokit.rest.issues.removeLabel({
      owner: "o",
      repo: "r",
      issue_number: 1,
      name: "new-one",
    });
    expect(removed.data.map((l) => l.name)).toEqual(["quorum/lost"]);
    await expect(
      octokit.rest.issues.removeLabel({ owner: "o", repo: "r", issue_number: 1, name: "new-one" }),
    ).rejects.toMatchObject({ status: 404 });
    const repoLabels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
      owner: "o",
      repo: "r",
      per_page: 1,
    });
    expect(repoLabels.map((l) => l.name)).toEqual(["quorum/lost", "new-one"]);
  });

  it("reactions: 201 new, 200 repeated, 422 unknown content", async () => {
    const comment = standIn.addComment("o", "r", 1, { user: "bob", body: "/triage help" });
    const first = await octokit.rest.reactions.createForIssueComment({
      owner: "o",
      repo: "r",
      comment_id: comment.id,
      content: "eyes",
    });
    const again = await octokit.rest.reactions.createForIssueComment({
      owner: "o",
      repo: "r",
      comment_id: comment.id,
      content: "eyes",
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    await expect(
      octokit.request(`POST /repos/o/r/issues/comments/${comment.id}/reactions`, { content: "party" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("collaborator permission: role_name and permission, 404 for non-users", async () => {
    standIn.setPermission("o", "r", "tri", "triage");
    standIn.setPermission("o", "r", "maint", "maintain");
    standIn.setPermission("o", "r", "nobody", null);
    const tri = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: "o",
      repo: "r",
      username: "tri",
    });
    expect(tri.data).toMatchObject({ permission: "read", role_name: "triage" });
    const maint = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: "o",
      repo: "r",
      username: "maint",
    });
    expect(maint.data).toMatchObject({ permission: "write", role_name: "maintain" });
    const stranger = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: "o",
      repo: "r",
      username: "stranger",
    });
    expect(stranger.data).toMatchObject({ permission: "read", role_name: "read" });
    await expect(
      octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "o", repo: "r", username: "nobody" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("contents: base64 JSON by default, raw text on request, 404 when absent", async () => {
    standIn.setFile("o", "r", ".github/report-triage.yml", "nudge: false\n");
    const json = await octokit.rest.repos.getContent({
      owner: "o",
      repo: "r",
      path: ".github/report-triage.yml",
    });
    const data = json.data as { encoding: string; content: string };
    expect(data.encoding).toBe("base64");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("nudge: false\n");
    const raw = await octokit.rest.repos.getContent({
      owner: "o",
      repo: "r",
      path: ".github/report-triage.yml",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe("nudge: false\n");
    await expect(
      octokit.rest.repos.getContent({ owner: "o", repo: "r", path: "missing.yml" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("search issues by repo, state, label and words", async () => {
    standIn.addIssue("o", "r", {
      title: "second",
      body: "disk errors on sda",
      user: "bob",
      labels: ["disk/errors"],
    });
    const byWords = await octokit.rest.search.issuesAndPullRequests({ q: "repo:o/r is:issue quorum lost" });
    expect(byWords.data.items.map((i) => i.title)).toEqual(["first"]);
    const byLabel = await octokit.rest.search.issuesAndPullRequests({ q: 'repo:o/r label:"disk/errors"' });
    expect(byLabel.data.total_count).toBe(1);
  });

  it("fault knobs: the next responses fail as configured and are recorded", async () => {
    standIn.failNext({ status: 502, count: 2, method: "GET", path: /\/issues\/1$/ });
    const plain = new Octokit({ baseUrl: standIn.baseUrl, auth: standIn.issueToken() });
    await expect(plain.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 })).rejects.toMatchObject({
      status: 502,
    });
    await expect(plain.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 })).rejects.toMatchObject({
      status: 502,
    });
    expect((await plain.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 })).status).toBe(200);
    standIn.failNext({ status: 403, retryAfter: 3 });
    const limited = await plain.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 }).catch((e) => e);
    expect(limited.status).toBe(403);
    expect(limited.response.headers["retry-after"]).toBe("3");
    expect(limited.message).toMatch(/secondary rate limit/);
    expect(
      standIn
        .callsTo("GET", /\/issues\/1$/)
        .map((c) => c.status)
        .slice(-4),
    ).toEqual([502, 502, 200, 403]);
  });
});
