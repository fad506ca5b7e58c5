import { describe, expect, it } from "vitest";
import { jsonResponse, readHttpRequest } from "../../src/lambda/http-event.js";

describe("readHttpRequest", () => {
  it("lower-cases HTTP API (v2) headers and keeps the raw body", () => {
    const body = '{"a": 1,  "b":"é"}';
    const request = readHttpRequest({
      version: "2.0",
      headers: { "X-GitHub-Event": "issues", "Content-Type": "application/json" },
      body,
      isBase64Encoded: false,
    });
    expect(request).toEqual({
      headers: { "x-github-event": "issues", "content-type": "application/json" },
      body,
    });
  });

  it("decodes base64 bodies to the exact text", () => {
    const body = '{"title":"ünïcødé ✓"}';
    const request = readHttpRequest({
      headers: {},
      body: Buffer.from(body).toString("base64"),
      isBase64Encoded: true,
    });
    expect(request.body).toBe(body);
  });

  it("reads REST (v1) multiValueHeaders when there are no single-value headers", () => {
    const request = readHttpRequest({
      headers: null,
      multiValueHeaders: { "X-Hub-Signature-256": ["sha256=ab"], Accept: ["a", "b"] },
      body: "x",
    });
    expect(request.headers).toEqual({ "x-hub-signature-256": "sha256=ab", accept: "a, b" });
  });

  it("joins the same header sent in two spellings", () => {
    expect(readHttpRequest({ headers: { "X-A": "1", "x-a": "2" } }).headers).toEqual({ "x-a": "1, 2" });
  });

  it("tolerates events without headers or body (console test events)", () => {
    expect(readHttpRequest(undefined)).toEqual({ headers: {}, body: "" });
    expect(readHttpRequest({ key1: "value1" })).toEqual({ headers: {}, body: "" });
  });
});

describe("jsonResponse", () => {
  it("answers JSON with a status code", () => {
    const response = jsonResponse(202, { ignored: "why" });
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ ignored: "why" });
    expect(response.headers?.["content-type"]).toMatch(/^application\/json/);
  });
});
