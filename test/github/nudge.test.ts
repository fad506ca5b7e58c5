import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideNudge } from "../../src/github/nudge.js";

const templates = new URL("../../../shared/microk8s-issue-templates/", import.meta.url);
const template = (name: string) => {
  const url = new URL(name, templates);
  return existsSync(url) ? readFileSync(url, "utf8").replace(/^---[\s\S]*?---\n/, "") : null;
};

const decide = (title: string, body: string | null, labels: string[] = []) =>
  decideNudge({ title, body, labels }).nudge;

describe("decideNudge", () => {
  it("nudges the current bug template even when left unfilled", () => {
    const body = template("current-bug_report.md");
    if (body === null) return console.warn("skipped: ../shared/microk8s-issue-templates not present");
    expect(decide("Node not joining", body)).toBe(true);
  });

  it("nudges the old one-line templates (microk8s inspect and microk8s.inspect)", () => {
    for (const name of ["2020-03_to_2022-05-ISSUE_TEMPLATE.md", "2018-10_to_2020-03-ISSUE_TEMPLATE.md"]) {
      const body = template(name);
      if (body === null) return console.warn("skipped: templates not present");
      expect(decide("pods stuck", body)).toBe(true);
    }
  });

  it("does not nudge the feature request template", () => {
    const body = template("current-feature_request.md");
    if (body === null) return console.warn("skipped: templates not present");
    expect(decide("Support for X", body)).toBe(false);
  });

  it("ignores `microk8s inspect` inside HTML comments", () => {
    expect(
      decide(
        "Idea",
        "<!-- Please run `microk8s inspect` and attach the generated tarball. -->\nIt would be nice to have X",
      ),
    ).toBe(false);
  });

  it("nudges free-form MicroK8s trouble and pasted `microk8s status` output", () => {
    expect(
      decide("Cluster broken", "After upgrading microk8s the node is NotReady and kubelite keeps crashing"),
    ).toBe(true);
    expect(decide("help", "microk8s is not running. Use microk8s inspect for a deeper inspection.")).toBe(
      true,
    );
    expect(
      decide(
        "status",
        "```\nmicrok8s is running\nhigh-availability: no\n  datastore master nodes: 127.0.0.1:19001\n```",
      ),
    ).toBe(true);
  });

  it("does not nudge questions, feature requests or unrelated issues", () => {
    expect(decide("[Feature] microk8s should fail faster", "error handling")).toBe(false);
    expect(decide("Question: can microk8s run on ARM?", "it fails to install?")).toBe(false);
    expect(decide("microk8s crashes", "it fails", ["enhancement"])).toBe(false);
    expect(decide("Typo in README", "The word 'teh' should be 'the'.")).toBe(false);
    expect(decide("Add dark mode", "microk8s dashboard could have a dark mode")).toBe(false);
    expect(decide("", null)).toBe(false);
  });
});
