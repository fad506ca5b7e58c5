/**
 * The optimised hot paths (issue #5 benchmark work) keep their results: decoding in pieces, the
 * block-aligned tar feed, the two-window prefilter, early stop of line parsers, the journal
 * summariser's host counting and xtrace test.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { Header } from "tar";
import { describe, expect, it } from "vitest";
import { lineFileParser } from "../../src/parsers/common.js";
import { createParsedReport } from "../../src/parsers/index.js";
import { createJournalSummarizer } from "../../src/parsers/journal.js";
import { readReport } from "../../src/report/read.js";
import { lineSink } from "../../src/report/stream-text.js";
import { buildPrefilter } from "../../src/rules/prefilter.js";
import { foldAscii } from "../../src/rules/regex-analysis.js";

/** Cuts `data` at the given offsets (sorted, deduplicated) into chunks. */
function cut(data: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => Math.min(data.length, o)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(data.subarray(from, p));
    from = p;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

function linesOf(chunks: Buffer[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const sink = lineSink(
    (line) => lines.push(line),
    () => {},
    maxLineBytes,
  );
  for (const chunk of chunks) sink.write(chunk);
  sink.end();
  return lines;
}

/** What lineSink must deliver for text without over-long lines: split on \n, a trailing \r dropped, no empty tail. */
function expectedLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

describe("lineSink decodes in pieces without changing the text", () => {
  const piece = 32 * 1024;

  it("keeps multi-byte characters that straddle pieces and chunks (property)", () => {
    const char = fc.constantFrom("a", "b", " ", "\n", "\r", "µ", "é", "€", "𝄞", "日");
    fc.assert(
      fc.property(
        fc.array(char, { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 0, max: piece - 1 }),
        fc.array(fc.integer({ min: 0, max: 3 * piece }), { maxLength: 6 }),
        (chars, padding, offsets) => {
          // ASCII padding pushes the interesting characters across a 32 KiB piece boundary.
          const text = `${"x".repeat(padding)}${chars.join("")}`;
          const data = Buffer.from(text, "utf8");
          expect(linesOf(cut(data, offsets), 1 << 20)).toEqual(expectedLines(text));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("decodes an ASCII chunk after a chunk that ended inside a character", () => {
    const data = Buffer.from("€uro\nnext\n", "utf8");
    // "€" is 3 bytes: the first chunk ends after 2 of them.
    expect(linesOf([data.subarray(0, 2), data.subarray(2, 3), data.subarray(3)])).toEqual(["€uro", "next"]);
    // An ASCII chunk after an unfinished character: the decoder, not the ASCII shortcut, decides.
    const broken = [Buffer.from([0x61, 0xe2, 0x82]), Buffer.from("bc\n")];
    expect(linesOf(broken)).toEqual([Buffer.concat(broken).toString("utf8").split("\n")[0]]);
  });

  it("keeps replacement characters for invalid bytes exactly as before", () => {
    const data = Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xe2, 0x82, 0x0a]);
    expect(linesOf([data])).toEqual(["a\ufffdb", "\ufffd"]);
  });

  it("still cuts a line only at the end of a write, as before", () => {
    // A 100 000-byte line inside one 256 KiB chunk spans several pieces and is delivered whole …
    const long = "y".repeat(100_000);
    const whole = Buffer.from(`${long}\nafter\n`);
    expect(linesOf([whole]).map((l) => l.length)).toEqual([100_000, 5]);
    // … while a line still open at the end of a write is cut to maxLineBytes and its rest skipped.
    const open = linesOf([Buffer.from(long), Buffer.from("tail\nafter\n")]);
    expect(open.map((l) => l.length)).toEqual([64 * 1024, 5]);
  });
});

describe("lineFileParser with done()", () => {
  it("stops decoding once done, and still ends once with the lines read", () => {
    const seen: string[] = [];
    const ends: number[] = [];
    const parser = lineFileParser(
      "test",
      () => true,
      () => ({
        onLine: (line) => seen.push(line),
        onEnd: (lines) => ends.push(lines),
        done: () => seen.includes("stop"),
      }),
    );
    const sink = parser.open("x", createParsedReport(), []);
    sink.write(Buffer.from("a\nstop\nb\n"));
    sink.write(Buffer.from("c\nd\n"));
    sink.end();
    // the chunk that reached "stop" is delivered whole; the next one is not decoded at all
    expect(seen).toEqual(["a", "stop", "b"]);
    expect(ends).toEqual([3]);
  });

  it("reads to the end when done() never turns true", () => {
    const seen: string[] = [];
    const ends: number[] = [];
    const parser = lineFileParser(
      "test",
      () => true,
      () => ({ onLine: (line) => seen.push(line), onEnd: (lines) => ends.push(lines), done: () => false }),
    );
    const sink = parser.open("x", createParsedReport(), []);
    sink.write(Buffer.from("a\nb"));
    sink.write(Buffer.from("c\n"));
    sink.end();
    expect(seen).toEqual(["a", "bc"]);
    expect(ends).toEqual([2]);
  });
});

/** A plain (uncompressed) tar of the given files. */
function tarOf(files: { path: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const header = Buffer.alloc(512);
    new Header({
      path: file.path,
      mode: 0o644,
      size: file.data.length,
      type: "File",
      mtime: new Date(0),
    }).encode(header);
    blocks.push(header, file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

async function readDigests(chunks: Buffer[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  const outcome = await readReport({ kind: "stream", stream: Readable.from(chunks), name: "r.tar" }, () => ({
    onFile(entry) {
      const hash = createHash("sha256");
      return {
        write: (chunk) => {
          hash.update(chunk);
        },
        end: () => {
          digests[entry.path] = hash.digest("hex");
        },
      };
    },
  }));
  if (outcome.error) throw new Error(outcome.error);
  return digests;
}

describe("the tar reader feeds whole 512-byte blocks", () => {
  const files = [
    {
      path: "inspection-report/dqlite/cluster.yaml",
      data: Buffer.from("- Address: 10.0.0.1:19001\n  ID: 1\n"),
    },
    { path: "inspection-report/k8s/cluster-info-dump", data: Buffer.alloc(70_001, "n") },
    { path: "inspection-report/apparmor/dmesg", data: Buffer.from("[    1.0] hello\n".repeat(999)) },
    { path: "inspection-report/sys/empty", data: Buffer.alloc(0) },
  ];
  const expected = Object.fromEntries(
    files.map((f) => [
      f.path.slice("inspection-report/".length),
      createHash("sha256").update(f.data).digest("hex"),
    ]),
  );
  const tar = tarOf(files);

  it("delivers the same bytes however a plain tar is chunked (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: tar.length - 1 }), { maxLength: 12 }),
        async (offsets) => {
          expect(await readDigests(cut(tar, offsets))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("delivers the same bytes from a gzip read in odd slices", async () => {
    const gz = gzipSync(tar);
    const offsets = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7919) % (gz.length - 1)));
    expect(await readDigests(cut(gz, offsets))).toEqual(expected);
  });
});

describe("the prefilter's two windows", () => {
  /** Every (start, literal index) where a literal occurs, by brute force. */
  function naive(buf: Buffer, literals: string[], from: number): string[] {
    const folded = foldAscii(buf.toString("latin1"));
    const out: string[] = [];
    literals.forEach((lit, li) => {
      for (let i = folded.indexOf(lit, from); i >= 0; i = folded.indexOf(lit, i + 1)) out.push(`${i}:${li}`);
    });
    return out.sort();
  }

  it("finds every occurrence in long buffers, ordered by end position (property)", () => {
    const alphabet = fc.constantFrom(..."abcAB :-/xyz".split(""));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.array(alphabet, { minLength: 3, maxLength: 10 }).map((a) => a.join("").toLowerCase()),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(alphabet, { minLength: 4096, maxLength: 12_000 }).map((a) => a.join("")),
        fc.integer({ min: 0, max: 50 }),
        (literals, text, from) => {
          const pf = buildPrefilter(literals.map((l) => [l]));
          const buf = Buffer.from(text, "latin1");
          const pairs: number[] = [];
          pf.scan(buf, from, buf.length, pairs);
          const got: string[] = [];
          const ends: number[] = [];
          for (let k = 0; k < pairs.length; k += 2) {
            got.push(`${pairs[k]}:${pairs[k + 1]}`);
            ends.push(pairs[k] + literals[pairs[k + 1]].length);
          }
          expect([...got].sort()).toEqual(naive(buf, literals, from));
          expect(ends).toEqual([...ends].sort((a, b) => a - b));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("journal summariser", () => {
  it("counts hosts across runs and switches, the newer name winning a tie", () => {
    const s = createJournalSummarizer("snap.microk8s.daemon-kubelite/journal.log", "kubelite", "journal");
    const line = (host: string) => `Oct 29 17:22:58 ${host} microk8s.daemon-kubelite[1]: hello`;
    for (const host of ["old", "old", "new", "old", "new", "new", "other"]) s.line(line(host));
    const summary = s.finish(7);
    expect(summary.hosts).toEqual(["old", "new", "other"]);
    expect(summary.host).toBe("new"); // 3 each: the later-seen name
  });

  it("stops tracking new hosts at 64 but keeps counting the tracked ones", () => {
    const s = createJournalSummarizer("snap.microk8s.daemon-kubelite/journal.log", "kubelite", "journal");
    const line = (host: string) => `Oct 29 17:22:58 ${host} microk8s.daemon-kubelite[1]: hello`;
    for (let i = 0; i < 70; i++) s.line(line(`h${i}`));
    for (let i = 0; i < 3; i++) s.line(line("h69")); // untracked: never counted
    for (let i = 0; i < 2; i++) s.line(line("h5"));
    const summary = s.finish(75);
    expect(summary.hosts).toHaveLength(64);
    expect(summary.hosts).not.toContain("h69");
    expect(summary.host).toBe("h5");
  });

  it("counts bash xtrace lines like /^\\++ /", () => {
    const s = createJournalSummarizer("snap.microk8s.daemon-kubelite/journal.log", "kubelite", "journal");
    const payloads = ["+ echo", "++ x", "+++ y", "+x", "+", " + x", "a + b", "++"];
    for (const p of payloads) s.line(`Oct 29 17:22:58 h microk8s.daemon-kubelite[1]: ${p}`);
    expect(s.finish(payloads.length).xtraceLines).toBe(3);
  });
});
