import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { normalisePem, readCredentials } from "../../src/github/credentials.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

describe("credentials", () => {
  it("accepts PEM (PKCS#1 and PKCS#8), escaped newlines, one-line PEM and base64 of a PEM", () => {
    for (const variant of [
      pkcs8,
      pkcs1,
      pkcs8.replace(/\n/g, "\\n"),
      pkcs1.replace(/\n/g, " "),
      Buffer.from(pkcs8).toString("base64"),
      Buffer.from(pkcs1).toString("base64").replace(/.{76}/g, "$&\n"),
    ]) {
      const pem = normalisePem(variant);
      expect(pem, variant.slice(0, 40)).not.toBeNull();
      expect(pem).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----\n/);
    }
  });

  it("rejects text that is not a key", () => {
    expect(normalisePem("hello")).toBeNull();
    expect(normalisePem(Buffer.from("not a key").toString("base64"))).toBeNull();
    expect(normalisePem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")).toBeNull();
  });

  it("names every missing or invalid variable", () => {
    expect(readCredentials({})).toEqual({ ok: false, missing: ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"] });
    const bad = readCredentials({ APP_ID: "abc", PRIVATE_KEY: "nope", WEBHOOK_SECRET: "s" });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.missing).toEqual(["APP_ID (not a number)", expect.stringContaining("PRIVATE_KEY (")]);
    const good = readCredentials({
      APP_ID: "12",
      PRIVATE_KEY: Buffer.from(pkcs8).toString("base64"),
      WEBHOOK_SECRET: "s",
    });
    expect(good).toMatchObject({ ok: true, credentials: { appId: 12, webhookSecret: "s" } });
  });
});
