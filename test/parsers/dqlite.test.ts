import { describe, expect, it } from "vitest";
import { parseClusterYaml, parseInfoYaml, parseLocalnodeYaml } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

const BOOTSTRAP_ID = "3297041220608546238";

describe("parseClusterYaml", () => {
  it("reads the classic single-node file (key order ID, Address, Role)", () => {
    const result = parseClusterYaml("- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0\n");
    expect(result).toEqual({ ok: true, value: [{ id: BOOTSTRAP_ID, address: "127.0.0.1:19001", role: 0 }] });
  });

  it("reads any key order and keeps uint64 IDs exact", () => {
    const text = [
      "- Address: 10.211.205.122:19001",
      "  ID: 3297041220608546238",
      "  Role: 0",
      "- Role: 1",
      "  Address: 10.211.205.253:19001",
      "  ID: 9373968242441247628", // > 2^63: a JS number would round it
      "- ID: 18446744073709551615", // uint64 max
      "  Role: 2",
      "  Address: 10.211.205.254:19001",
    ].join("\n");
    const result = parseClusterYaml(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual([
      { id: BOOTSTRAP_ID, address: "10.211.205.122:19001", role: 0 },
      { id: "9373968242441247628", address: "10.211.205.253:19001", role: 1 },
      { id: "18446744073709551615", address: "10.211.205.254:19001", role: 2 },
    ]);
    expect(result.warnings).toBeUndefined();
    // The precision trap the parser avoids:
    expect(String(Number("9373968242441247628"))).not.toBe("9373968242441247628");
  });

  it("tolerates comments, quoted IPv6 addresses and a missing Role", () => {
    const text = "# written by go-dqlite\n- ID: 42\n  Address: '[fd00::1]:19001' # node a\n";
    expect(parseClusterYaml(text)).toEqual({
      ok: true,
      value: [{ id: "42", address: "[fd00::1]:19001", role: null }],
    });
  });

  it("gives an empty list with a warning for an empty or comment-only file", () => {
    for (const text of ["", "\n\n", "# nothing here\n"]) {
      const result = parseClusterYaml(text);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.value).toEqual([]);
      expect(result.warnings?.length).toBe(1);
    }
  });

  it("rejects text that is not YAML with a one-line reason", () => {
    const result = parseClusterYaml("- ID: 1\n  Address: [unclosed\n\t- Role: {\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^dqlite\/cluster\.yaml is not valid YAML: /);
    expect(result.error).not.toContain("\n");
  });

  it("rejects an unquoted IPv6 address (YAML reads it as a flow sequence)", () => {
    const result = parseClusterYaml("- ID: 1\n  Address: [fd00::1]:19001\n");
    expect(result.ok).toBe(false);
  });

  it("rejects YAML that is not a list", () => {
    for (const text of ["ID: 1\nAddress: 10.0.0.1:19001\n", "just a string\n", "42\n"]) {
      const result = parseClusterYaml(text);
      expect(result).toEqual({ ok: false, error: "dqlite/cluster.yaml is not a list of members" });
    }
  });

  it("skips entries without an Address and says so; all entries bad is an error", () => {
    const mixed = parseClusterYaml(
      "- ID: 1\n  Role: 0\n- ID: 2\n  Address: 10.0.0.2:19001\n  Role: 0\n- plain\n",
    );
    expect(mixed.ok).toBe(true);
    if (!mixed.ok) return;
    expect(mixed.value).toEqual([{ id: "2", address: "10.0.0.2:19001", role: 0 }]);
    expect(mixed.warnings).toEqual([
      "dqlite/cluster.yaml entry 1 has no Address; skipped",
      "dqlite/cluster.yaml entry 3 is not a map; skipped",
    ]);

    const none = parseClusterYaml("- ID: 1\n  Role: 0\n- ID: 2\n");
    expect(none.ok).toBe(false);
  });

  it("flags odd IDs and roles without dropping the member", () => {
    const result = parseClusterYaml(
      "- ID: -5\n  Address: a:1\n  Role: 7\n- ID: abc\n  Address: b:1\n  Role: voter\n",
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual([
      { id: "-5", address: "a:1", role: null },
      { id: "", address: "b:1", role: 0 },
    ]);
    expect(result.warnings).toHaveLength(3);
  });

  it("stops a billion-laughs alias bomb quickly", () => {
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = "a";
    for (let level = 0; level < 9; level++) {
      const name = `b${level}`;
      bomb += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]\n`;
      previous = name;
    }
    const list = `- ID: 1\n  Address: *x\n  Role: 0\n- &x 10.0.0.1:19001\n${bomb.replace(/^/gm, "- ")}`;
    for (const text of [bomb, list]) {
      const started = performance.now();
      const result = parseClusterYaml(text);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result.ok).toBe(false);
    }
    const result = parseClusterYaml(bomb);
    if (!result.ok) expect(result.error).toMatch(/alias/i);
  });

  it("refuses deep nesting before the YAML parser can exhaust the stack", () => {
    const hostile = [
      `- ${"[".repeat(500_000)}${"]".repeat(500_000)}\n`,
      `${"{a: ".repeat(100_000)}1${"}".repeat(100_000)}\n`,
      `${"- ".repeat(200_000)}x\n`,
      Array.from({ length: 1_000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n"),
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(parseClusterYaml(text)).toEqual({
        ok: false,
        error: "dqlite/cluster.yaml is not valid YAML: nested too deeply",
      });
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // Ordinary nesting still parses.
    expect(parseClusterYaml("- ID: 1\n  Address: a:1\n  Extra: {x: [1, [2, {y: 3}]]}\n").ok).toBe(true);
  });

  it("parses 10 000 entries in bounded time", () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        `- ID: ${10_000_000_000_000_000_000n + BigInt(i)}`,
        `  Address: 10.0.${i >> 8}.${i & 255}:19001`,
        "  Role: 2",
      );
    }
    const started = performance.now();
    const result = parseClusterYaml(lines.join("\n"));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toHaveLength(10_000);
    expect(result.value[9_999]).toEqual({ id: "10000000000000009999", address: "10.0.39.15:19001", role: 2 });
  });

  it("rejects a file over the size cap when streamed", () => {
    const big = "# padding\n".repeat(120_000); // ~1.2 MB, over the 1 MiB cap
    const { out, warnings } = runParsers(
      { "dqlite/cluster.yaml": `- ID: 1\n  Address: a:1\n${big}` },
      64 * 1024,
    );
    expect(out.dqliteCluster?.ok).toBe(false);
    expect(warnings.some((w) => w.includes("larger than"))).toBe(true);
  });
});

describe("parseInfoYaml", () => {
  it("reads the single map in either key order", () => {
    for (const text of [
      "ID: 3297041220608546238\nAddress: 127.0.0.1:19001\nRole: 0\n",
      "Address: 127.0.0.1:19001\nID: 3297041220608546238\nRole: 0\n",
    ]) {
      expect(parseInfoYaml(text)).toEqual({
        ok: true,
        value: { id: BOOTSTRAP_ID, address: "127.0.0.1:19001", role: 0 },
      });
    }
  });

  it("rejects empty, list-of-many, and address-less records", () => {
    expect(parseInfoYaml("").ok).toBe(false);
    expect(parseInfoYaml("- ID: 1\n  Address: a:1\n- ID: 2\n  Address: b:1\n").ok).toBe(false);
    expect(parseInfoYaml("ID: 1\nRole: 0\n")).toEqual({
      ok: false,
      error: "dqlite/info.yaml has no Address",
    });
  });

  it("accepts a one-entry list with a warning", () => {
    const result = parseInfoYaml("- ID: 7\n  Address: 10.0.0.7:19001\n  Role: 1\n");
    expect(result).toMatchObject({ ok: true, value: { id: "7", address: "10.0.0.7:19001", role: 1 } });
    expect(result.ok && result.warnings?.length).toBe(1);
  });
});

describe("parseLocalnodeYaml (legacy)", () => {
  it("accepts the list form and the single-map form", () => {
    const member = { id: BOOTSTRAP_ID, address: "127.0.0.1:19001", role: 0 };
    expect(parseLocalnodeYaml("- Address: 127.0.0.1:19001\n  ID: 3297041220608546238\n  Role: 0\n")).toEqual({
      ok: true,
      value: [member],
    });
    expect(parseLocalnodeYaml("Address: 127.0.0.1:19001\nID: 3297041220608546238\nRole: 0\n")).toEqual({
      ok: true,
      value: [member],
    });
  });
});

describe("dqlite file parsers", () => {
  it("fill their fields and report problems as warnings", () => {
    const { out, warnings } = runParsers({
      "dqlite/cluster.yaml": "- ID: 1\n  Address: 10.0.0.1:19001\n  Role: 0\n- Role: 1\n",
      "dqlite/info.yaml": "ID: 1\nAddress: 10.0.0.1:19001\nRole: 0\n",
      "dqlite/localnode.yaml": "{not: [valid\n",
    });
    expect(out.dqliteCluster).toMatchObject({
      ok: true,
      value: [{ id: "1", address: "10.0.0.1:19001", role: 0 }],
    });
    expect(out.dqliteInfo).toMatchObject({ ok: true, value: { id: "1" } });
    expect(out.dqliteLocalnode?.ok).toBe(false);
    expect(warnings).toContain("dqlite/cluster.yaml entry 2 has no Address; skipped");
    expect(warnings.some((w) => w.startsWith("dqlite/localnode.yaml is not valid YAML"))).toBe(true);
  });
});
