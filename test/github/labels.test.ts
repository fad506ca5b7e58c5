import { describe, expect, it } from "vitest";
import { defaultLabelNames, labelSpec, planLabelSync, rolesForResult } from "../../src/github/labels.js";
import { emptyResult } from "../../src/github/triage.js";

describe("rolesForResult", () => {
  it("maps quorum states, departed nodes and disk errors to label roles", () => {
    const lost = { ...emptyResult(), quorum: { ...emptyResult().quorum, state: "lost" as const } };
    expect(rolesForResult(lost, true)).toEqual(["report", "quorumLost"]);
    const degraded = {
      ...emptyResult(),
      quorum: { ...emptyResult().quorum, state: "degraded" as const },
      departedNodes: [
        { address: "10.0.0.3:19001", node: "n3", role: "voter" as const, reason: "r", hint: "h" },
      ],
      diskErrors: [
        { node: "n1", device: "sda", kind: "io-error" as const, count: 2, sample: "I/O error, dev sda" },
      ],
    };
    expect(rolesForResult(degraded, true)).toEqual([
      "report",
      "quorumDegraded",
      "nodeDeparted",
      "diskErrors",
    ]);
    expect(rolesForResult(emptyResult(), false)).toEqual([]);
    expect(
      rolesForResult({ ...emptyResult(), quorum: { ...emptyResult().quorum, state: "healthy" } }, true),
    ).toEqual(["report"]);
  });
});

describe("labelSpec", () => {
  it("keeps colour and description under a configured name; null disables", () => {
    const names = { ...defaultLabelNames(), quorumLost: "dqlite: no quorum", quorumNotHa: null };
    expect(labelSpec("quorumLost", names)).toMatchObject({ name: "dqlite: no quorum", color: "b60205" });
    expect(labelSpec("quorumNotHa", names)).toBeNull();
    expect(labelSpec("report", defaultLabelNames())?.description.length).toBeGreaterThan(10);
  });
});

describe("planLabelSync", () => {
  it("adds what is implied and removes only labels the bot applied", () => {
    const plan = planLabelSync({
      desired: ["inspection-report", "quorum/lost"],
      current: ["bug", "quorum/degraded", "disk/errors"],
      applied: ["quorum/degraded"],
      declined: [],
    });
    expect(plan.add).toEqual(["inspection-report", "quorum/lost"]);
    // disk/errors was set by a human: kept
    expect(plan.remove).toEqual(["quorum/degraded"]);
    expect(plan.applied).toEqual(["inspection-report", "quorum/lost"]);
  });

  it("does not claim a label a human had already set, and so never removes it", () => {
    const plan = planLabelSync({
      desired: ["quorum/lost"],
      current: ["Quorum/Lost"],
      applied: [],
      declined: [],
    });
    expect(plan.add).toEqual([]);
    expect(plan.applied).toEqual([]);
    const later = planLabelSync({
      desired: [],
      current: ["Quorum/Lost"],
      applied: plan.applied,
      declined: [],
    });
    expect(later.remove).toEqual([]);
  });

  it("does not re-add a label a human removed while its finding persists", () => {
    const first = planLabelSync({
      desired: ["disk/errors"],
      current: [],
      applied: ["disk/errors"],
      declined: [],
    });
    expect(first.add).toEqual([]);
    expect(first.declined).toEqual(["disk/errors"]);
    const gone = planLabelSync({
      desired: [],
      current: [],
      applied: first.applied,
      declined: first.declined,
    });
    expect(gone.declined).toEqual([]);
    const back = planLabelSync({
      desired: ["disk/errors"],
      current: [],
      applied: gone.applied,
      declined: gone.declined,
    });
    expect(back.add).toEqual(["disk/errors"]);
  });

  it("removes an always-removable request label whoever set it", () => {
    const plan = planLabelSync({
      desired: ["inspection-report"],
      current: ["needs/inspection-report"],
      applied: [],
      declined: [],
      alwaysRemovable: ["needs/inspection-report"],
    });
    expect(plan.remove).toEqual(["needs/inspection-report"]);
  });
});
