import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { Pax } from "tar";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/report/limits.js";
import {
  bareZeroBomb,
  bufferInput,
  chunkedStream,
  MiB,
  packTar,
  packTarGz,
  rawTar,
  readAll,
  ustarHeader,
  withFolders,
  zeroBomb,
} from "./support.js";

const CLUSTER_YAML = "- ID: 3297041220608546238\n  Address: 127.0.0.1:19001\n  Role: 0\n";
const GOOD = { path: "inspection-report/dqlite/cluster.yaml", body: CLUSTER_YAML };

async function expectRefused(archive: Buffer, code: string, message?: string | RegExp) {
  const { outcome, breaches } = await readAll(bufferInput(archive));
  expect(outcome.errorCode).toBe(code);
  expect(outcome.reports).toEqual([]);
  expect(outcome.error).not.toMatch(/[\r\n]/);
  if (typeof message === "string") expect(outcome.error).toBe(message);
  else if (message) expect(outcome.error).toMatch(message);
  expect(breaches).toEqual([]);
  return outcome;
}

describe("not a .tar.gz", () => {
  it("a zip", async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), randomBytes(600)]);
    await expectRefused(zip, "not-gzip", "not a gzip file (starts with 50 4b 03 04 — a .zip?)");
  });

  it("random bytes", async () => {
    const noise = Buffer.concat([Buffer.from([0x00, 0x13, 0x37, 0x42]), randomBytes(4096)]);
    await expectRefused(noise, "not-gzip", "not a gzip file (starts with 00 13 37 42)");
  });

  it("empty input", async () => {
    await expectRefused(Buffer.alloc(0), "empty", "empty file (0 bytes)");
  });

  it("a gzip'd single log instead of a tar", async () => {
    const log =
      "Jun 16 22:50:53 pi11 microk8s.daemon-kubelite[37255]: Error: context deadline exceeded\n".repeat(100);
    await expectRefused(
      gzipSync(log),
      "not-tar",
      "the gzip file does not hold a tar archive (a single compressed file?)",
    );
  });

  it("a tiny gzip holding fewer bytes than one tar block", async () => {
    await expectRefused(gzipSync("hi"), "not-tar");
  });
});

describe("damaged archives", () => {
  async function sampleTar(): Promise<Buffer> {
    return packTar(
      withFolders({
        "inspection-report/dqlite/cluster.yaml": CLUSTER_YAML,
        "inspection-report/k8s/cluster-info-dump": randomBytes(200_000).toString("base64"),
        "inspection-report/sys/ps": "ps\n",
      }),
    );
  }

  it("a truncated gzip (incomplete download)", async () => {
    const gz = gzipSync(await sampleTar());
    await expectRefused(
      gz.subarray(0, Math.floor(gz.length / 2)),
      "truncated",
      "archive is truncated (the gzip data ends early: an incomplete download?)",
    );
    // Even the trailer alone missing is caught.
    await expectRefused(gz.subarray(0, gz.length - 4), "truncated");
  });

  it("a truncated tar inside a complete gzip: cut inside a file", async () => {
    const tar = await sampleTar();
    const cut = tar.indexOf(Buffer.from("inspection-report/k8s/cluster-info-dump")) + 512 + 100_000;
    await expectRefused(
      gzipSync(tar.subarray(0, cut)),
      "truncated",
      "archive is truncated: it ends inside inspection-report/k8s/cluster-info-dump",
    );
  });

  it("a truncated tar inside a complete gzip: cut right after a header", async () => {
    const tar = rawTar([GOOD, { path: "inspection-report/sys/ps", body: "x".repeat(2000) }], {
      endMarker: false,
    });
    await expectRefused(gzipSync(tar.subarray(0, 512 * 3)), "truncated", /inspection-report\/sys\/ps/);
  });

  it("a truncated plain tar", async () => {
    const tar = await sampleTar();
    await expectRefused(tar.subarray(0, 512 * 8 + 77), "truncated");
  });

  it("corrupted gzip data is refused, not half-read", async () => {
    const gz = gzipSync(await sampleTar());
    const damaged = Buffer.from(gz);
    for (let i = 0; i < 16; i++) damaged[Math.floor(gz.length / 2) + i] ^= 0x5a;
    const { outcome } = await readAll(bufferInput(damaged));
    expect(["corrupt", "truncated"]).toContain(outcome.errorCode);
    expect(outcome.reports).toEqual([]);
  });

  it("a gzip whose checksum does not match its content", async () => {
    const gz = gzipSync(rawTar([GOOD]));
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 8] ^= 0xff;
    await expectRefused(badCrc, "corrupt", /^damaged gzip data/);
  });

  it("a corrupted tar header after good entries", async () => {
    const tar = rawTar([GOOD, { path: "inspection-report/sys/ps", body: "ps\n" }]);
    tar[512 * 2 + 148] ^= 0x01; // checksum field of the second header
    await expectRefused(
      gzipSync(tar),
      "corrupt",
      /^damaged tar archive \(checksum failure\) after inspection-report\/dqlite\/cluster\.yaml$/,
    );
  });
});

describe("entries that escape or link", () => {
  it.each([
    ["../../etc/passwd", "entry escapes the report folder: ../../etc/passwd"],
    ["inspection-report/../../evil", "entry escapes the report folder: inspection-report/../../evil"],
    ["inspection-report/../sneaky", "entry escapes the report folder: inspection-report/../sneaky"],
    ["/etc/passwd", "entry has an absolute path: /etc/passwd"],
  ])("refuses %s", async (path, message) => {
    await expectRefused(gzipSync(rawTar([GOOD, { path, body: "root:x:0:0\n" }])), "unsafe-path", message);
  });

  it("refuses an escape hidden in a PAX header", async () => {
    const pax = new Pax({ path: "../../etc/cron.d/evil" }).encode();
    const tar = Buffer.concat([
      rawTar([GOOD], { endMarker: false }),
      pax,
      ustarHeader({ path: "inspection-report/sys/ps", size: 4 }),
      Buffer.from("ssh-\0".padEnd(512, "\0")),
      Buffer.alloc(1024),
    ]);
    await expectRefused(
      gzipSync(tar),
      "unsafe-path",
      "entry escapes the report folder: ../../etc/cron.d/evil",
    );
  });

  it("refuses a symbolic link", async () => {
    const tar = rawTar([GOOD, { path: "inspection-report/sys/ps", type: "2", linkpath: "/etc/shadow" }]);
    await expectRefused(
      gzipSync(tar),
      "link",
      "archive holds a symbolic link: inspection-report/sys/ps -> /etc/shadow",
    );
  });

  it("refuses a hard link", async () => {
    const tar = rawTar([
      GOOD,
      { path: "inspection-report/sys/ps", type: "1", linkpath: "inspection-report/dqlite/cluster.yaml" },
    ]);
    await expectRefused(
      gzipSync(tar),
      "link",
      "archive holds a hard link: inspection-report/sys/ps -> inspection-report/dqlite/cluster.yaml",
    );
  });

  it("keeps control characters out of the message", async () => {
    const outcome = await expectRefused(
      gzipSync(rawTar([{ path: "../x\n\u001b[31mred", body: "x" }])),
      "unsafe-path",
    );
    expect(outcome.error).toBe("entry escapes the report folder: ../x??[31mred");
  });

  it("writes nothing to disk, even for hostile entries", async () => {
    const marker = `evil-${randomUUID()}`;
    const places = [process.cwd(), dirname(process.cwd()), tmpdir()];
    const before = places.map((place) => readdirSync(place).sort());
    const archives = [
      rawTar([GOOD, { path: `../../${marker}`, body: "x" }]),
      rawTar([GOOD, { path: `/tmp/${marker}`, body: "x" }]),
      rawTar([GOOD, { path: `inspection-report/${marker}`, type: "2", linkpath: `/tmp/${marker}-target` }]),
      rawTar([
        { path: `${marker}/`, type: "5" },
        { path: `${marker}/dqlite/cluster.yaml`, body: CLUSTER_YAML },
      ]),
    ];
    for (const archive of archives) await readAll(bufferInput(gzipSync(archive)));
    const after = places.map((place) => readdirSync(place).sort());
    for (const [i, place] of places.entries()) {
      expect(
        after[i].filter((name) => name.includes(marker)),
        place,
      ).toEqual([]);
    }
    // The project folder itself must be untouched (other suites may use the temp folder meanwhile).
    expect(after[0]).toEqual(before[0]);
  });
});

describe("limits", () => {
  it("too many entries", async () => {
    const members = Array.from({ length: 12 }, (_, i) => ({
      path: `inspection-report/sys/f${i}`,
      body: "x",
    }));
    const { outcome } = await readAll(bufferInput(gzipSync(rawTar(members))), { maxEntries: 10 });
    expect(outcome.errorCode).toBe("too-many-entries");
    expect(outcome.error).toBe("archive holds more than 10 entries (limit)");
  });

  it("folders count as entries too", async () => {
    const members = [
      ...Array.from({ length: 11 }, (_, i) => ({ path: `inspection-report/d${i}/`, type: "5" })),
      GOOD,
    ];
    const { outcome } = await readAll(bufferInput(gzipSync(rawTar(members))), { maxEntries: 10 });
    expect(outcome.errorCode).toBe("too-many-entries");
  });

  it("a file larger than maxFileBytes, refused from its header", async () => {
    const tar = rawTar([GOOD, { path: "inspection-report/k8s/cluster-info-dump", body: "y".repeat(3000) }]);
    const { outcome } = await readAll(bufferInput(gzipSync(tar)), { maxFileBytes: 2048 });
    expect(outcome.errorCode).toBe("file-too-large");
    expect(outcome.error).toBe(
      "file is larger than 2 KiB (limit): inspection-report/k8s/cluster-info-dump (2.9 KiB)",
    );
  });

  it("a compressed archive over the limit: buffer, stream and size-less stream", async () => {
    const archive = await packTarGz(
      withFolders({ "inspection-report/k8s/dump": randomBytes(50_000).toString("hex") }),
    );
    const limits = { maxCompressedBytes: 20_000 };
    const fromBuffer = await readAll(bufferInput(archive), limits);
    expect(fromBuffer.outcome.errorCode).toBe("compressed-too-large");
    expect(fromBuffer.outcome.error).toMatch(/^archive is larger than 19\.5 KiB \(limit\)/);
    const stream = chunkedStream(archive, 4096);
    const fromStream = await readAll({ kind: "stream", stream, name: "upload" }, limits);
    expect(fromStream.outcome.errorCode).toBe("compressed-too-large");
    expect(stream.destroyed).toBe(true);
  });

  it("the unpacked total over the limit, from the declared sizes", async () => {
    const members = Array.from({ length: 6 }, (_, i) => ({
      path: `inspection-report/sys/f${i}`,
      body: "z".repeat(1000),
    }));
    const { outcome } = await readAll(bufferInput(gzipSync(rawTar(members))), { maxUnpackedBytes: 4000 });
    expect(outcome.errorCode).toBe("too-large");
    expect(outcome.error).toBe("archive expands past 3.9 KiB (limit)");
  });

  it("the unpacked stream over the limit even when no entry declares anything (PAX padding)", async () => {
    // Metadata records are not entries and declare no file size; only the stream count sees them.
    const paxFiller = { path: "PaxHeader", type: "x", body: `${" ".repeat(200 * 1024)}\n` };
    const tar = rawTar([GOOD, ...Array.from({ length: 20 }, () => paxFiller), GOOD]);
    const { outcome } = await readAll(bufferInput(gzipSync(tar)), {
      maxUnpackedBytes: 64 * 1024,
      maxEntries: 4,
    });
    expect(outcome.errorCode).toBe("too-large");
  });

  const discard = () => true;

  it("a gzip bomb (300 MiB of zeros) with a lowered limit stops at once", async () => {
    // 1 MiB files keep it just under the expansion guard, so the unpacked limit is what trips.
    const bomb = zeroBomb(300, 1);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const started = performance.now();
    const { outcome } = await readAll(bufferInput(bomb), { maxUnpackedBytes: 64 * MiB }, discard);
    expect(outcome.errorCode).toBe("too-large");
    expect(outcome.error).toBe("archive expands past 64 MiB (limit)");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("a 2 GiB gzip bomb with the default limits stops within two seconds", async () => {
    const bomb = zeroBomb(8, 256);
    expect(bomb.length).toBeLessThan(DEFAULT_LIMITS.maxCompressedBytes);
    const started = performance.now();
    const { outcome } = await readAll(bufferInput(bomb), undefined, discard);
    expect(outcome.errorCode).toBe("too-large");
    expect(outcome.error).toMatch(/^archive expands more than 1000× .*: a compression bomb\?$/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("a 2 GiB bomb just under the expansion guard stops at the 1 GiB unpacked limit", async () => {
    // One header per MiB keeps the ratio just below 1000×, so only the unpacked total stops it,
    // after inflating 1 GiB (about a second on a laptop core).
    const bomb = zeroBomb(2048, 1);
    const started = performance.now();
    const { outcome } = await readAll(bufferInput(bomb), undefined, discard);
    expect(outcome.error).toBe("archive expands past 1 GiB (limit)");
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("a bomb of bare zeros (no tar inside) ends soon after the end-of-archive marker", async () => {
    // Zeros read as an empty tar: two zero blocks end it, and little more is inflated after that.
    const started = performance.now();
    const { outcome } = await readAll(bufferInput(bareZeroBomb(2048)), undefined, discard);
    expect(outcome.errorCode).toBe("no-layout");
    expect(outcome.error).toBe("archive holds no files");
    expect(outcome.warnings).toEqual(["ignored data after the end of the tar archive"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
