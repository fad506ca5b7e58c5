import { describe, expect, it } from "vitest";
import { isBot, readIssueEvent } from "../../src/github/payload.js";

const valid = () => ({
  action: "opened",
  repository: { name: "microk8s", owner: { login: "canonical" } },
  issue: {
    number: 7,
    title: "t",
    body: "b",
    user: { login: "alice", type: "User" },
    labels: [{ name: "bug" }, "x"],
    locked: false,
  },
  sender: { login: "alice", type: "User" },
  installation: { id: 5 },
});

describe("readIssueEvent", () => {
  it("reads the fields the bot uses", () => {
    const read = readIssueEvent(valid());
    expect(read).toMatchObject({
      ok: true,
      event: {
        owner: "canonical",
        repo: "microk8s",
        issueNumber: 7,
        installationId: 5,
        issueLabels: ["bug", "x"],
        isPullRequest: false,
      },
    });
  });

  it("rejects hostile or malformed payloads", () => {
    const cases: unknown[] = [
      null,
      "x",
      { ...valid(), repository: { name: "../etc", owner: { login: "a" } } },
      { ...valid(), repository: { name: "r", owner: { login: "a/b" } } },
      { ...valid(), issue: { ...valid().issue, number: -1 } },
      { ...valid(), issue: { ...valid().issue, number: "7" } },
      { ...valid(), sender: { login: 5 } },
      { ...valid(), comment: { id: "1", body: "x", user: { login: "a" } } },
    ];
    for (const payload of cases) expect(readIssueEvent(payload).ok, JSON.stringify(payload)).toBe(false);
  });

  it("marks pull requests, edits of the body and caps long text", () => {
    const read = readIssueEvent({
      ...valid(),
      issue: { ...valid().issue, pull_request: { url: "u" }, body: "x".repeat(1_000_000) },
      changes: { body: { from: "" } },
    });
    expect(read.ok && read.event.isPullRequest).toBe(true);
    expect(read.ok && read.event.bodyChanged).toBe(true);
    expect(read.ok && read.event.issueBody?.length).toBe(262_144);
  });

  it("recognises bots by type or [bot] login", () => {
    expect(isBot({ login: "report-triage[bot]", type: "User" })).toBe(true);
    expect(isBot({ login: "dependabot", type: "Bot" })).toBe(true);
    expect(isBot({ login: "alice", type: "User" })).toBe(false);
  });
});
