/**
 * Two rounds of reports on one issue, end to end through the running server: the reporter attaches
 * a report, then (after a maintainer's suggestion) a later report of the same node. The comment
 * shows the latest round and what changed since the earlier one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeState } from "../../src/github/state.js";
import { type Harness, idle, OWNER, REPO, startHarness, waitForBotComment } from "../github/harness.js";
import { buildReport, reportName } from "./fixtures.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const link = (url: string) => `[${url.split("/").pop()}](${url})`;
const DIFF_TITLE = "### What changed since the previous reports";

describe("a second round of reports on one issue", () => {
  it("analyses the latest round and shows what changed since the earlier one", async () => {
    const voters = (ids: [string, string][]) =>
      ids.map(([id, address]) => ({ id, address, role: 0 as const }));
    const first = reportName("alpha", "20241101_100000");
    const second = reportName("alpha", "20241102_100000");
    const url1 = h.files.serve(
      first,
      await buildReport({
        host: "alpha",
        ip: "10.0.0.1",
        members: voters([
          ["1", "10.0.0.1:19001"],
          ["2", "10.0.0.2:19001"],
          ["3", "10.0.0.3:19001"],
        ]),
        deadlines: 25,
        unreachable: "10.0.0.2:19001",
        diskErrors: "sdb",
      }),
    );
    const issue = h.newIssue(`Datastore times out\n\n${link(url1)}`);
    await h.opened(issue);
    const before = await waitForBotComment(h, issue, (body) => body.includes("### Quorum"), "first analysis");
    await idle(h);
    expect(before).not.toContain(DIFF_TITLE);
    expect(h.standIn.issue(OWNER, REPO, issue.number).labels).toContain("disk/errors");

    const url2 = h.files.serve(
      second,
      await buildReport({
        host: "alpha",
        ip: "10.0.0.1",
        members: voters([
          ["1", "10.0.0.1:19001"],
          ["3", "10.0.0.3:19001"],
          ["4", "10.0.0.4:19001"],
        ]),
        version: "v1.28.15",
      }),
    );
    await h.commented(
      issue,
      "reporter",
      `Removed the dead node and replaced the disk, new report:\n${link(url2)}`,
    );
    const after = await waitForBotComment(
      h,
      issue,
      (body) => body.includes(DIFF_TITLE),
      "analysis with the diff",
    );
    await idle(h);

    expect(h.standIn.botComments(OWNER, REPO, issue.number)).toHaveLength(1);
    const diff = after.slice(after.indexOf(DIFF_TITLE));
    expect(diff).toContain("New report of **alpha** (2024-11-01 10:00:00 → 2024-11-02 10:00:00)");
    expect(diff).toContain("**Voters removed**: `10.0.0.2:19001`");
    expect(diff).toContain("**Voters added**: `10.0.0.4:19001`");
    expect(diff).toContain("**Departed nodes resolved**");
    expect(diff).toContain("**Disk errors stopped**");
    expect(diff).toMatch(/\*\*Gone\*\*:[\s\S]*`dqlite\.query-deadline` on \*\*alpha\*\*/);
    expect(diff).toContain("**MicroK8s version**: **alpha**: `v1.28.14` → `v1.28.15`");
    // the earlier report is listed as replaced; the sections above describe the latest round only
    expect(after.replace(/\\_/g, "_")).toContain(`earlier report, replaced by ${second}`);
    const diskSection = after.slice(after.indexOf("### Disk errors"), after.indexOf("### Other findings"));
    expect(diskSection).not.toContain("sdb");
    expect(decodeState(after)).toMatchObject({ shape: "analysis" });
  });
});
