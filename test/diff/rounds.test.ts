import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RoundInput, splitRounds } from "../../src/diff/rounds.js";

const at = (node: string | null, takenAt: string | null = null): RoundInput => ({ node, takenAt });

describe("splitRounds", () => {
  it("one report per node is a single round: nothing to compare", () => {
    const split = splitRounds([at("kube05", "2023-02-06T18:52:44"), at("kube06", "2023-02-06T18:55:17")]);
    expect(split.previous).toBeNull();
    expect(split.latest).toEqual([0, 1]);
    expect(split.superseded.size).toBe(0);
  });

  it("a later report of the same node starts a new round; other nodes stay on both sides", () => {
    const split = splitRounds([
      at("kube05", "2023-02-06T18:52:44"),
      at("kube06", "2023-02-06T18:55:17"),
      at("kube05", "2023-02-07T09:10:00"),
    ]);
    expect(split.latest).toEqual([1, 2]);
    expect(split.previous).toEqual([0, 1]);
    expect([...split.superseded]).toEqual([[0, 2]]);
  });

  it("orders a node's reports by the time in their names, not by attachment order", () => {
    const split = splitRounds([at("kube05", "2023-02-07T09:10:00"), at("kube05", "2023-02-06T18:52:44")]);
    expect(split.latest).toEqual([0]);
    expect(split.previous).toEqual([1]);
    expect(split.superseded.get(1)).toBe(0);
  });

  it("falls back to attachment order when a report's time is unknown", () => {
    const split = splitRounds([at("kube05", "2023-02-07T09:10:00"), at("kube05", null)]);
    expect(split.latest).toEqual([1]);
    expect(split.previous).toEqual([0]);
  });

  it("the same report attached twice is not a new round", () => {
    const split = splitRounds([at("kube05", "2023-02-06T18:52:44"), at("kube05", "2023-02-06T18:52:44")]);
    expect(split.previous).toBeNull();
    expect(split.latest).toEqual([0, 1]);
  });

  it("with three rounds the previous one is the second newest; both older ones are superseded", () => {
    const split = splitRounds([
      at("a", "2024-01-01T00:00:00"),
      at("a", "2024-01-03T00:00:00"),
      at("a", "2024-01-02T00:00:00"),
    ]);
    expect(split.latest).toEqual([1]);
    expect(split.previous).toEqual([2]);
    expect(split.superseded.get(0)).toBe(1);
    expect(split.superseded.get(2)).toBe(1);
  });

  it("matches node names case-insensitively and keeps reports without a node on both sides", () => {
    const split = splitRounds([
      at("Kube05", "2023-02-06T18:52:44"),
      at(null),
      at("kube05", "2023-02-07T09:10:00"),
    ]);
    expect(split.latest).toEqual([1, 2]);
    expect(split.previous).toEqual([0, 1]);
  });

  it("every input is either in the latest round or superseded, never both", () => {
    const input = fc.array(
      fc.record({
        node: fc.option(fc.constantFrom("a", "b", "c", "A"), { nil: null }),
        takenAt: fc.option(
          fc.constantFrom("2024-01-01T00:00:00", "2024-01-02T00:00:00", "2024-01-03T00:00:00"),
          { nil: null },
        ),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(input, (inputs) => {
        const split = splitRounds(inputs);
        for (let i = 0; i < inputs.length; i++) {
          expect(split.latest.includes(i) !== split.superseded.has(i)).toBe(true);
        }
        // a superseding report is in the latest round and belongs to the same node
        for (const [older, newer] of split.superseded) {
          expect(split.latest).toContain(newer);
          expect(inputs[newer]!.node?.toLowerCase()).toBe(inputs[older]!.node?.toLowerCase());
        }
        if (split.previous) expect(split.previous.every((i) => i >= 0 && i < inputs.length)).toBe(true);
        else expect(split.superseded.size).toBe(0);
      }),
    );
  });
});
