import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/render/json.js";
import type { AnalysisResult } from "../../src/result/types.js";
import { degradedResult, emptyResult, finding } from "./helpers.js";

/** Keys as the contract (shared contract.md, "The JSON result") lists them, in its order. */
const CONTRACT = {
  top: ["schemaVersion", "reports", "quorum", "departedNodes", "diskErrors", "findings"],
  report: ["source", "node", "role", "microk8sVersion", "error"],
  quorum: ["state", "voters", "standBys", "spares", "quorumSize", "aliveVoters"],
  member: ["address", "id", "node"],
  departed: ["address", "node", "role", "reason", "hint"],
  disk: ["node", "device", "kind", "count", "sample"],
  finding: ["id", "severity", "title", "node", "count", "evidence", "docs"],
  evidence: ["file", "line", "text"],
};

function keys(value: unknown): string[] {
  return Object.keys(value as object);
}

describe("renderJson", () => {
  const parsed = JSON.parse(renderJson(degradedResult()));

  it("uses exactly the contract's field names in the contract's order, additions after", () => {
    expect(keys(parsed).slice(0, 6)).toEqual(CONTRACT.top);
    expect(keys(parsed).slice(6)).toEqual(["verdict"]);
    expect(keys(parsed.reports[0])).toEqual(CONTRACT.report);
    expect(keys(parsed.quorum).slice(0, 6)).toEqual(CONTRACT.quorum);
    expect(keys(parsed.quorum).slice(6)).toEqual(["summary", "disagreements", "authoritative"]);
    expect(keys(parsed.quorum.voters[0])).toEqual([...CONTRACT.member, "alive", "seenIn"]);
    expect(keys(parsed.departedNodes[0])).toEqual([...CONTRACT.departed, "docs"]);
    expect(keys(parsed.diskErrors[0])).toEqual([...CONTRACT.disk, "firstSeen", "lastSeen"]);
    expect(keys(parsed.findings[0])).toEqual(CONTRACT.finding);
    expect(keys(parsed.findings[0].evidence[0])).toEqual(CONTRACT.evidence);
  });

  it("orders keys by the contract even when the input object is built in another order", () => {
    const scrambled = {
      findings: [],
      diskErrors: [],
      quorum: { aliveVoters: null, quorumSize: null, spares: [], standBys: [], voters: [], state: "unknown" },
      departedNodes: [],
      reports: [{ error: "not gzip", microk8sVersion: null, role: "unknown", node: null, source: "x.tgz" }],
      schemaVersion: 1,
      verdict: "v",
    } as unknown as AnalysisResult;
    const out = JSON.parse(renderJson(scrambled));
    expect(keys(out)).toEqual([...CONTRACT.top, "verdict"]);
    expect(keys(out.quorum)).toEqual(CONTRACT.quorum);
    expect(keys(out.reports[0])).toEqual(CONTRACT.report);
  });

  it("fills missing nullable contract fields with null instead of dropping them", () => {
    const result = emptyResult({
      findings: [{ ...finding("high", 1), docs: undefined } as unknown as AnalysisResult["findings"][number]],
    });
    const out = JSON.parse(renderJson(result));
    expect(out.findings[0]).toHaveProperty("docs", null);
    expect(out.quorum.quorumSize).toBeNull();
    expect(out.reports[0].error).toBeNull();
  });

  it("keeps every value (nothing trimmed, findings most severe first) and is pretty-printed", () => {
    const result = emptyResult({
      findings: [finding("low", 1), finding("critical", 2), finding("medium", 3)],
    });
    const text = renderJson(result);
    expect(text.split("\n")[1]).toBe('  "schemaVersion": 1,');
    const out = JSON.parse(text);
    expect(out.findings.map((f: { severity: string }) => f.severity)).toEqual(["critical", "medium", "low"]);
    expect(out.findings[0]).toEqual(finding("critical", 2));
  });

  it("redacts secrets", () => {
    const result = emptyResult({
      findings: [
        finding("high", 1, {
          evidence: [{ file: "args/kube-apiserver", line: 2, text: "--token=abcdef0123456789abcdef" }],
        }),
      ],
    });
    const out = JSON.parse(renderJson(result));
    expect(out.findings[0].evidence[0].text).toBe("--token=[REDACTED]");
  });

  it("round-trips the data of a redaction-clean result", () => {
    const result = degradedResult();
    expect(JSON.parse(renderJson(result))).toEqual(
      JSON.parse(
        JSON.stringify({ ...result, findings: [result.findings[1], result.findings[2], result.findings[0]] }),
      ),
    );
  });
});
