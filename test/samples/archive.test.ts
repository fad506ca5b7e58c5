import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ArchiveEntry, tarGzBuffer } from "../../scripts/samples/archive.js";
import { extractTarGz } from "../support/reports.js";

const mtime = new Date(Date.UTC(2023, 1, 6, 18, 52, 44));

function entries(files: Record<string, ArchiveEntry["content"]>): ArchiveEntry[] {
  return [
    { path: "inspection-report/", type: "Directory", mtime },
    ...Object.entries(files).map(([path, content]) => ({
      path: `inspection-report/${path}`,
      type: "File" as const,
      mtime,
      content,
    })),
  ];
}

describe("tar.gz writer", () => {
  it("writes a gzip'd ustar archive padded to 10 240-byte records", async () => {
    const { data, stats } = await tarGzBuffer(entries({ "sys/uptime": " 18:52:44 up 14 days\n", empty: "" }));
    expect(data.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const tar = gunzipSync(data);
    expect(tar.length % 10240).toBe(0);
    expect(tar.subarray(257, 262).toString()).toBe("ustar");
    expect(stats).toMatchObject({
      files: 2,
      directories: 1,
      unpackedBytes: 21,
      compressedBytes: data.length,
    });
    const out = await extractTarGz(data);
    expect(out.warnings).toEqual([]);
    expect(out.entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ["inspection-report/", "Directory", 0],
      ["inspection-report/sys/uptime", "File", 21],
      ["inspection-report/empty", "File", 0],
    ]);
    expect(out.entries[1].mtime?.getTime()).toBe(mtime.getTime());
    expect(out.files.get("inspection-report/sys/uptime")?.toString()).toBe(" 18:52:44 up 14 days\n");
  });

  it("gives the same bytes whether a line file is buffered or generated twice", async () => {
    const lines = (): Iterable<string> =>
      Array.from({ length: 5000 }, (_, i) => `line ${i} ${"x".repeat(i % 97)}`);
    const buffered = await tarGzBuffer(entries({ "a.log": { kind: "lines", lines } }));
    const twoPass = await tarGzBuffer(entries({ "a.log": { kind: "lines", lines } }), {
      maxBufferedBytes: 1024,
    });
    expect(twoPass.data.equals(buffered.data)).toBe(true);
    const out = await extractTarGz(twoPass.data);
    const text = out.files.get("inspection-report/a.log")?.toString() ?? "";
    expect(text.split("\n")).toHaveLength(5001);
    expect(text.endsWith(`line 4999 ${"x".repeat(4999 % 97)}\n`)).toBe(true);
  });

  it("rejects a line factory that changes between passes", async () => {
    let call = 0;
    const lines = (): Iterable<string> => {
      call++;
      return Array.from({ length: 2000 }, () => `pass ${call} ${"y".repeat(40)}`);
    };
    await expect(
      tarGzBuffer(entries({ "b.log": { kind: "lines", lines } }), { maxBufferedBytes: 100 }),
    ).rejects.toThrow(/not deterministic/);
  });

  it("checks the declared size of sized content", async () => {
    const short = { kind: "sized" as const, size: 10, chunks: () => ["12345"] };
    await expect(tarGzBuffer(entries({ s: short }))).rejects.toThrow(/wrote 5 bytes, declared 10/);
    const long = { kind: "sized" as const, size: 3, chunks: () => ["12345"] };
    await expect(tarGzBuffer(entries({ s: long }))).rejects.toThrow(/longer than its declared size/);
  });

  it("resolves lazy content with the compressed size written so far", async () => {
    let seen = -1;
    const lazy = {
      kind: "lazy" as const,
      resolve: (ctx: { compressedBytes: number; unpackedBytes: number }) => {
        seen = ctx.unpackedBytes;
        expect(ctx.compressedBytes).toBeGreaterThan(10);
        return Promise.resolve(`unpacked before me: ${ctx.unpackedBytes}\n`);
      },
    };
    const { data } = await tarGzBuffer(entries({ first: "a".repeat(1000), last: lazy }));
    expect(seen).toBe(1000);
    const out = await extractTarGz(data);
    expect(out.files.get("inspection-report/last")?.toString()).toBe("unpacked before me: 1000\n");
  });
});
