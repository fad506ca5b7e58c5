import { describe, expect, it } from "vitest";
import { classifyDelivery } from "../../src/lambda/event-filter.js";
import { examplePayload, setPath } from "./payloads.js";

describe("classifyDelivery", () => {
  it("forwards the events and actions the app handles", () => {
    for (const [name, action] of [
      ["issues", "opened"],
      ["issues", "labeled"],
      ["issues", "unlabeled"],
      ["issue_comment", "created"],
    ]) {
      const payload = examplePayload(name, action);
      setPath(payload, "sender.type", "User");
      setPath(payload, "sender.login", "octocat");
      if (name === "issue_comment") {
        setPath(payload, "comment.user.type", "User");
        setPath(payload, "comment.body", "/triage rerun");
      }
      delete (payload.issue as Record<string, unknown>).pull_request;
      expect(classifyDelivery(name, payload), `${name}.${action}`).toEqual({ forward: true, action });
    }
  });

  it("forwards an edit of the body, ignores an edit of the title only", () => {
    const bodyEdit = setPath(examplePayload("issues", "edited"), "changes", { body: { from: "old" } });
    expect(classifyDelivery("issues", bodyEdit)).toEqual({ forward: true, action: "edited" });
    const titleEdit = setPath(examplePayload("issues", "edited"), "changes", { title: { from: "old" } });
    expect(classifyDelivery("issues", titleEdit)).toEqual({
      forward: false,
      reason: "edit did not change the issue body",
    });
  });

  it("ignores other events and actions", () => {
    expect(classifyDelivery("ping", { zen: "Keep it logically awesome." })).toEqual({
      forward: false,
      reason: 'event "ping" is not handled',
    });
    expect(classifyDelivery("pull_request", examplePayload("issues", "opened"))).toMatchObject({
      forward: false,
    });
    expect(classifyDelivery("issues", examplePayload("issues", "reopened"))).toEqual({
      forward: false,
      reason: 'action "issues.reopened" is not handled',
    });
    expect(classifyDelivery("issue_comment", examplePayload("issue_comment", "edited"))).toEqual({
      forward: false,
      reason: 'action "issue_comment.edited" is not handled',
    });
    // inherited property names are not event names
    expect(classifyDelivery("constructor", {})).toMatchObject({ forward: false });
    expect(classifyDelivery("issues", null)).toEqual({
      forward: false,
      reason: "payload is not a JSON object",
    });
  });

  it("ignores bots, pull requests and locked issues", () => {
    const byBot = setPath(examplePayload("issues", "opened"), "sender", {
      login: "renovate[bot]",
      type: "Bot",
    });
    expect(classifyDelivery("issues", byBot)).toEqual({
      forward: false,
      reason: "sender renovate[bot] is a bot",
    });

    const botLogin = setPath(examplePayload("issues", "opened"), "sender", {
      login: "helper[bot]",
      type: "User",
    });
    expect(classifyDelivery("issues", botLogin)).toMatchObject({ forward: false });

    const botComment = setPath(examplePayload("issue_comment", "created"), "comment.user", {
      login: "report-triage[bot]",
      type: "Bot",
    });
    setPath(botComment, "sender", { login: "octocat", type: "User" });
    expect(classifyDelivery("issue_comment", botComment)).toEqual({
      forward: false,
      reason: "comment author report-triage[bot] is a bot",
    });

    const onPullRequest = setPath(examplePayload("issue_comment", "created"), "issue.pull_request", {
      url: "https://api.github.com/repos/o/r/pulls/1",
    });
    expect(classifyDelivery("issue_comment", onPullRequest)).toEqual({
      forward: false,
      reason: "pull requests are not triaged",
    });

    const locked = setPath(examplePayload("issues", "opened"), "issue.locked", true);
    expect(classifyDelivery("issues", locked)).toEqual({ forward: false, reason: "issue is locked" });
  });

  it("forwards comments with a command or a link, ignores plain discussion", () => {
    const comment = (body: string) => {
      const payload = examplePayload("issue_comment", "created");
      setPath(payload, "sender", { login: "octocat", type: "User" });
      setPath(payload, "comment.user", { login: "octocat", type: "User" });
      return setPath(payload, "comment.body", body);
    };
    const forwarded = { forward: true, action: "created" };
    expect(classifyDelivery("issue_comment", comment("Thanks!\n/TRIAGE explain"))).toEqual(forwarded);
    expect(
      classifyDelivery(
        "issue_comment",
        comment("new report: https://github.com/user-attachments/files/1/r.tar.gz"),
      ),
    ).toEqual(forwarded);
    expect(classifyDelivery("issue_comment", comment("Same here, any update?"))).toEqual({
      forward: false,
      reason: "comment has no command and no link",
    });
  });

  it("treats a null pull_request as an issue", () => {
    const payload = setPath(examplePayload("issues", "opened"), "issue.pull_request", null);
    setPath(payload, "sender", { login: "octocat", type: "User" });
    expect(classifyDelivery("issues", payload)).toEqual({ forward: true, action: "opened" });
  });
});
