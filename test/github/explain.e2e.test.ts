/** `/triage explain` with a model configured: the hook gets the analysis (redacted) and its answer is posted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExplainFn } from "../../src/github/app.js";
import { singleNodeReport } from "./fixtures.js";
import { type Harness, idle, OWNER, REPO, startHarness } from "./harness.js";

let h: Harness;
const seen: Parameters<ExplainFn>[0][] = [];

beforeAll(async () => {
  const explainFn: ExplainFn = async (request) => {
    seen.push(request);
    return `The cluster has ${request.result.reports.length} report(s); quorum is ${request.result.quorum.state}. token=ghp_${"a".repeat(36)}`;
  };
  h = await startHarness({
    env: { OPENAI_MODEL: "test-model", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    deps: { explainFn },
  });
});

afterAll(async () => {
  await h?.close();
});

describe("/triage explain with a model", () => {
  it("explains the analysis of the attachments, redacted, in a reply", async () => {
    const url = h.files.serve("inspection-report-20241101_000000.tar.gz", await singleNodeReport());
    const issue = h.newIssue(`microk8s broken, password=hunter2\n[r](${url})`);
    await h.commented(issue, "reporter", "/triage explain");
    const comment = h.standIn
      .comments(OWNER, REPO, issue.number)
      .filter((c) => c.user.login === "reporter")
      .pop()!;
    await h.standIn.waitFor(() =>
      comment.reactions.some((r) => r.content === "rocket" || r.content === "confused"),
    );
    await idle(h);
    expect(comment.reactions.map((r) => r.content)).toEqual(["eyes", "rocket"]);
    expect(seen).toHaveLength(1);
    expect(seen[0].model.model).toBe("test-model");
    expect(seen[0].result.reports).toHaveLength(1);
    expect(seen[0].body).not.toContain("hunter2");
    const reply = h.standIn
      .botComments(OWNER, REPO, issue.number)
      .map((c) => c.body)
      .find((body) => body.startsWith("> /triage explain"));
    expect(reply).toContain("quorum is not-ha");
    expect(reply).not.toContain(`ghp_${"a".repeat(36)}`);
  });
});
