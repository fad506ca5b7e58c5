/** Failures inside the bot never leave the "analysing" placeholder behind, and are never silent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/render/markdown.js";
import { singleNodeReport } from "./fixtures.js";
import { type Harness, idle, OWNER, REPO, startHarness, waitForBotComment } from "./harness.js";

let h: Harness;
let renderCalls = 0;
let analyzeCalls = 0;

beforeAll(async () => {
  h = await startHarness({
    deps: {
      renderFn: (result, options) => {
        renderCalls += 1;
        if (renderCalls === 1) throw new Error("renderer exploded");
        return renderMarkdown(result, options);
      },
      analyzeFn: async (inputs, options) => {
        analyzeCalls += 1;
        if (inputs.some((input) => (input.name ?? "").includes("poison")))
          throw new Error("engine crashed on input");
        const { analyze } = await import("../../src/engine.js");
        return analyze(inputs, options);
      },
    },
  });
});

afterAll(async () => {
  await h?.close();
});

const link = (url: string) => `[${url.split("/").pop()}](${url})`;

describe("failures", () => {
  it("a crash after the placeholder turns it into a failure notice; /triage rerun recovers", async () => {
    const url = h.files.serve("inspection-report-20241102_000000.tar.gz", await singleNodeReport());
    const issue = h.newIssue(`microk8s broken\n${link(url)}`, { user: "author" });
    await h.opened(issue);
    const notice = await waitForBotComment(h, issue, (body) =>
      body.includes("analysis of the attached reports failed"),
    );
    expect(notice).not.toContain("⏳");
    await idle(h);
    await h.commented(issue, "author", "/triage rerun");
    await waitForBotComment(h, issue, (body) => body.includes("### Quorum"));
    await idle(h);
    expect(
      h.standIn
        .botComments(OWNER, REPO, issue.number)
        .filter((c) => c.body.startsWith("<!-- report-triage -->")),
    ).toHaveLength(1);
  });

  it("an engine crash is reported per attachment", async () => {
    const before = analyzeCalls;
    const url = h.files.serve("poison-inspection-report.tar.gz", await singleNodeReport());
    const issue = h.newIssue(`microk8s broken\n${link(url)}`);
    await h.opened(issue);
    const body = await waitForBotComment(h, issue, (text) => text.includes("### Quorum"));
    expect(analyzeCalls).toBe(before + 1);
    const line = body.split("\n").find((text) => text.includes(`(${url})`)) ?? "";
    expect(line).toMatch(/could not be analysed: engine crashed on input/);
  });
});
