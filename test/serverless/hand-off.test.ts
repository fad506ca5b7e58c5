import { describe, expect, it } from "vitest";
import { readIssueEvent } from "../../src/github/payload.js";
import {
  encodeHandOff,
  HAND_OFF_LIMIT_BYTES,
  type HandOffEvent,
  parseHandOff,
  restoreSlimmedPayload,
  SLIM_MARK,
  slimMarkOf,
} from "../../src/lambda/hand-off.js";
import { examplePayload, setPath } from "./payloads.js";

const handOff = (payload: Record<string, unknown>, name = "issues"): HandOffEvent => ({
  id: "d-1",
  name,
  payload,
});

/** Padding that the app never reads: a big repository description plus many label URLs. */
function inflate(payload: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const labels = Array.from({ length: 100 }, (_, index) => ({
    id: index,
    name: `label-${index}`,
    url: `https://api.github.com/repos/o/r/labels/${"x".repeat(Math.ceil(bytes / 100))}`,
    node_id: "MDU6TGFiZWwx",
    color: "ededed",
  }));
  setPath(payload, "issue.labels", labels);
  return payload;
}

describe("encodeHandOff", () => {
  it("sends a payload under the limit unchanged", () => {
    const event = handOff(examplePayload("issues", "opened"));
    const encoded = encodeHandOff(event);
    expect(encoded.slimmed).toBe(false);
    expect(JSON.parse(encoded.json)).toEqual(event);
    expect(encoded.bytes).toBe(Buffer.byteLength(encoded.json));
  });

  it("strips fields the app does not read when over the limit, and the app reads the same event", () => {
    const payload = inflate(examplePayload("issues", "edited"), 400_000);
    setPath(payload, "changes", { body: { from: "an old body ".repeat(5_000) } });
    const event = handOff(payload);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(HAND_OFF_LIMIT_BYTES);

    const encoded = encodeHandOff(event);
    expect(encoded.slimmed).toBe(true);
    expect(encoded.refetch).toEqual([]);
    expect(encoded.bytes).toBeLessThanOrEqual(HAND_OFF_LIMIT_BYTES);
    const sent = JSON.parse(encoded.json) as HandOffEvent;
    expect(sent.id).toBe("d-1");
    expect(sent.name).toBe("issues");
    expect(slimMarkOf(sent.payload)).toEqual({ stripped: true, refetch: [] });
    expect(JSON.stringify(sent.payload)).not.toMatch(/"(url|html_url|node_id)"/);
    expect(sent.payload.changes).toEqual({ body: { from: "" } });
    // the view of the app is unchanged
    expect(readIssueEvent(sent.payload)).toEqual(readIssueEvent(payload));
  });

  it("empties the texts when stripping is not enough, and the worker restores them", async () => {
    // GitHub allows 65,536 characters per text; in 4-byte characters two texts exceed the limit
    const body = "🦄".repeat(30_000);
    const commentBody = `see https://github.com/o/r/files/1/inspection-report.tar.gz ${"🔥".repeat(65_000)}`;
    const payload = examplePayload("issue_comment", "created");
    setPath(payload, "issue.body", body);
    setPath(payload, "comment.body", commentBody);
    const encoded = encodeHandOff(handOff(payload, "issue_comment"));
    expect(encoded.slimmed).toBe(true);
    expect(encoded.refetch).toEqual(["comment.body"]);
    expect(encoded.bytes).toBeLessThanOrEqual(HAND_OFF_LIMIT_BYTES);

    const sent = JSON.parse(encoded.json) as HandOffEvent;
    expect((sent.payload.comment as { body: string }).body).toBe("");
    const fetched: string[] = [];
    const restored = await restoreSlimmedPayload(sent.payload, {
      issueBody: async () => {
        fetched.push("issue");
        return body;
      },
      commentBody: async (owner, repo, id) => {
        fetched.push(`comment ${owner}/${repo}#${id}`);
        return commentBody;
      },
    });
    const repository = payload.repository as { name: string; owner: { login: string } };
    const commentId = (payload.comment as { id: number }).id;
    expect(fetched).toEqual([`comment ${repository.owner.login}/${repository.name}#${commentId}`]);
    expect(restored[SLIM_MARK]).toBeUndefined();
    expect(readIssueEvent(restored)).toEqual(readIssueEvent(payload));
  });

  it("empties both bodies when one is not enough", () => {
    const payload = examplePayload("issue_comment", "created");
    setPath(payload, "issue.body", "🦄".repeat(65_536));
    setPath(payload, "comment.body", "🔥".repeat(65_536));
    const encoded = encodeHandOff(handOff(payload, "issue_comment"), 100_000);
    expect(encoded.refetch).toEqual(["comment.body", "issue.body"]);
    expect(encoded.bytes).toBeLessThanOrEqual(100_000);
  });

  it("throws when even the slimmest form does not fit", () => {
    const payload = inflate(examplePayload("issues", "opened"), 10_000);
    setPath(payload, "issue.title", "t".repeat(5_000));
    expect(() => encodeHandOff(handOff(payload), 2_000)).toThrow(/does not fit the 2000-byte hand-off limit/);
  });
});

describe("restoreSlimmedPayload", () => {
  it("only removes the mark when nothing was emptied", async () => {
    const original = examplePayload("issues", "opened");
    const payload: Record<string, unknown> = { ...original, [SLIM_MARK]: { stripped: true, refetch: [] } };
    const restored = await restoreSlimmedPayload(payload, {
      issueBody: async () => {
        throw new Error("must not fetch");
      },
      commentBody: async () => {
        throw new Error("must not fetch");
      },
    });
    expect(restored[SLIM_MARK]).toBeUndefined();
    expect(restored).toEqual(original);
  });

  it("fails loudly when a slimmed payload names no repository", async () => {
    const payload = {
      issue: { number: 1, body: "" },
      [SLIM_MARK]: { stripped: true, refetch: ["issue.body"] },
    };
    await expect(
      restoreSlimmedPayload(payload, { issueBody: async () => "b", commentBody: async () => "c" }),
    ).rejects.toThrow(/no repository/);
  });
});

describe("parseHandOff", () => {
  it("accepts {id, name, payload}", () => {
    expect(parseHandOff({ id: "a", name: "issues", payload: { action: "opened" } })).toEqual({
      id: "a",
      name: "issues",
      payload: { action: "opened" },
    });
  });

  it("rejects anything else with a reason", () => {
    expect(() => parseHandOff(null)).toThrow(/not an object/);
    expect(() => parseHandOff({ name: "issues", payload: {} })).toThrow(/no delivery id/);
    expect(() => parseHandOff({ id: "a", payload: {} })).toThrow(/a has no event name/);
    expect(() => parseHandOff({ id: "a", name: "issues", payload: "{}" })).toThrow(/no payload object/);
    // an API Gateway event sent to the worker by mistake
    expect(() => parseHandOff({ headers: {}, body: "{}", isBase64Encoded: false })).toThrow(/no delivery id/);
  });
});
