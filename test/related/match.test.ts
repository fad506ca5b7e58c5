import { describe, expect, it } from "vitest";
import {
  findRelatedIssues,
  type IssueCandidate,
  type RelatedLookup,
  relatedSearchQuery,
} from "../../src/related/find.js";
import { describeElements, matchReason, scoreMatch } from "../../src/related/match.js";
import { renderRelatedMarkdown } from "../../src/related/render.js";
import {
  type AnalysisSignature,
  elementToken,
  lineHash,
  type StoredSignature,
} from "../../src/related/signature.js";

/** A signature built by hand: elements with weights, lines. */
function sig(weights: Record<string, number>, lines: string[] = [], key = "aaaaaaaaaaaa"): AnalysisSignature {
  return { ids: Object.keys(weights).sort(), lines: [...lines].sort(), key, idsKey: "bbbbbbbbbbbb", weights };
}

function stored(ids: string[], lines: string[] = [], key = "cccccccccccc"): StoredSignature {
  return { key, ids: [...ids].sort(), lines: lines.map(lineHash) };
}

const OURS = sig(
  {
    "dqlite.query-deadline": 3,
    "dqlite.query-deadline:sustained": 1,
    "disk.fs-error.ext4": 3,
    "kernel.ext4-error": 4,
    "node.not-ready-event": 1,
  },
  ["error while range on /registry/<key> : context deadline exceeded", "ext4-fs error (device <dev>)"],
);

describe("describeElements", () => {
  it("folds sustained into its finding, says disk kinds in words and drops kernel ids they repeat", () => {
    expect(
      describeElements([
        "kernel.ext4-error",
        "dqlite.query-deadline",
        "dqlite.query-deadline:sustained",
        "disk.fs-error.ext4",
      ]),
    ).toEqual(["dqlite.query-deadline sustained", "EXT4 errors"]);
    expect(describeElements(["quorum.lost", "departed.voter", "disk.io-error", "x.y:sustained"])).toEqual([
      "quorum lost",
      "departed voter",
      "disk I/O errors",
      "x.y sustained",
    ]);
  });
});

describe("scoreMatch", () => {
  it("explains a partial match by what is shared, weightiest first, with identical log lines", () => {
    const theirs = stored(
      [
        "dqlite.query-deadline",
        "dqlite.query-deadline:sustained",
        "disk.fs-error.ext4",
        "kernel.ext4-error",
        "apiserver.slow-request",
      ],
      ["error while range on /registry/<key> : context deadline exceeded"],
    );
    const match = scoreMatch(OURS, theirs);
    expect(match).not.toBeNull();
    expect(match!.exact).toBe(false);
    expect(match!.sharedLines).toBe(1);
    expect(match!.reason).toBe("same: EXT4 errors + dqlite.query-deadline sustained; 1 identical log line");
  });

  it("says so when the signatures are identical", () => {
    const theirs = { key: OURS.key, ids: OURS.ids, lines: OURS.lines.map(lineHash) };
    const match = scoreMatch(OURS, theirs)!;
    expect(match.exact).toBe(true);
    expect(match.reason.startsWith("identical signature: ")).toBe(true);
    expect(match.reason).toContain("2 identical log lines");
  });

  it("ignores coincidences: a shared low finding is not a match", () => {
    expect(scoreMatch(OURS, stored(["node.not-ready-event", "kubelite.crashloop"]))).toBeNull();
    expect(scoreMatch(OURS, stored([]))).toBeNull();
  });

  it("ranks more overlap higher", () => {
    const wide = scoreMatch(
      OURS,
      stored(["dqlite.query-deadline", "disk.fs-error.ext4", "kernel.ext4-error"]),
    )!;
    const narrow = scoreMatch(OURS, stored(["dqlite.query-deadline", "a.b", "c.d", "e.f", "g.h"]))!;
    expect(wide.score).toBeGreaterThan(narrow.score);
  });

  it("caps the reason at three labels", () => {
    expect(matchReason(["a.a", "b.b", "c.c", "d.d", "e.e"], 0, false)).toBe(
      "same: a.a + b.b + c.c (+2 more)",
    );
  });
});

describe("relatedSearchQuery", () => {
  it("searches this repository's issue comments for the ids token or up to four element tokens", () => {
    const query = relatedSearchQuery("canonical", "microk8s", OURS);
    expect(query.startsWith("repo:canonical/microk8s is:issue in:comments rtidsbbbbbbbbbbbb OR ")).toBe(true);
    expect(query.split(" OR ")).toHaveLength(4);
    // one term per family first: kernel, dqlite and disk before a second kernel/dqlite element
    expect(query).toContain(elementToken("kernel.ext4-error"));
    expect(query).toContain(elementToken("dqlite.query-deadline"));
    expect(query).toContain(elementToken("disk.fs-error.ext4"));
    expect(query).not.toContain(elementToken("node.not-ready-event"));
  });
});

function lookup(candidates: IssueCandidate[], signatures: Record<number, StoredSignature | Error | null>) {
  const queries: string[] = [];
  const read: number[] = [];
  const api: RelatedLookup = {
    async search(query) {
      queries.push(query);
      return candidates;
    },
    async storedSignature(issueNumber) {
      read.push(issueNumber);
      const value = signatures[issueNumber] ?? null;
      if (value instanceof Error) throw value;
      return value;
    },
  };
  return { api, queries, read };
}

const candidate = (number: number, state = "open"): IssueCandidate => ({
  number,
  title: `issue ${number}`,
  state,
  url: `https://github.com/o/r/issues/${number}`,
});

describe("findRelatedIssues", () => {
  const good = stored(["dqlite.query-deadline", "dqlite.query-deadline:sustained", "disk.fs-error.ext4"]);
  const weak = stored(["dqlite.query-deadline"]);
  const options = { owner: "o", repo: "r", issueNumber: 50 };

  it("lists at most three earlier issues, best first, never this one or later ones", async () => {
    const { api, read } = lookup(
      [
        candidate(50),
        candidate(60),
        candidate(10),
        candidate(20, "closed"),
        candidate(30),
        candidate(40),
        candidate(10),
      ],
      { 10: weak, 20: good, 30: good, 40: weak, 60: good, 50: good },
    );
    const found = await findRelatedIssues(OURS, api, options);
    expect(found.map((issue) => issue.number)).toEqual([30, 20, 40]);
    expect(found[1]!.state).toBe("closed");
    expect(found[0]!.reason).toBe("same: EXT4 errors + dqlite.query-deadline sustained");
    expect(read).not.toContain(50);
    expect(read).not.toContain(60);
    expect(read.filter((n) => n === 10)).toHaveLength(1);
  });

  it("skips candidates without a stored signature or whose comments cannot be read", async () => {
    const { api } = lookup([candidate(1), candidate(2), candidate(3)], {
      1: null,
      2: new Error("GitHub answered 500"),
      3: good,
    });
    expect((await findRelatedIssues(OURS, api, options)).map((issue) => issue.number)).toEqual([3]);
  });

  it("does not search at all when nothing fired", async () => {
    const { api, queries } = lookup([candidate(1)], { 1: good });
    expect(await findRelatedIssues(sig({}), api, options)).toEqual([]);
    expect(queries).toEqual([]);
  });

  it("lets a failing search fail (the caller degrades)", async () => {
    const api: RelatedLookup = {
      search: async () => {
        throw new Error("rate limited");
      },
      storedSignature: async () => null,
    };
    await expect(findRelatedIssues(OURS, api, options)).rejects.toThrow("rate limited");
  });
});

describe("renderRelatedMarkdown", () => {
  it("one line per issue with its reason, the tokens small, titles made inert", () => {
    const text = renderRelatedMarkdown(
      [
        {
          ...candidate(12, "closed"),
          title: "@someone broke <b>it</b> #99",
          score: 9,
          exact: false,
          reason: "same: x.y",
        },
      ],
      ["rtsigaaaaaaaaaaaa", "rtf12345678"],
    );
    const [line, footer] = text.split("\n\n");
    expect(line).toMatch(/^- #12 \(closed\) .+ — same: x\.y$/);
    expect(line).not.toContain("<b>");
    expect(line).not.toMatch(/@someone/);
    expect(line).not.toMatch(/#99/);
    expect(footer).toContain("never closed or labelled automatically");
    expect(footer).toContain("Signature: rtsigaaaaaaaaaaaa rtf12345678");
  });

  it("says when nothing matched, and when the search could not be done", () => {
    expect(renderRelatedMarkdown([], [])).toContain(
      "No earlier issue in this repository has a matching analysis signature.",
    );
    expect(renderRelatedMarkdown(null, [])).toContain("could not be searched");
  });
});
