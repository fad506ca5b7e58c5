import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/rules/catalogue.js";
import { rulesForFile } from "../../src/rules/paths.js";
import {
  createScanner,
  isSustained,
  isXtraceLine,
  MAX_LINE_BYTES,
  WILDCARD_SUBJECT_CHARS,
} from "../../src/rules/scanner.js";
import { effectiveSeverity } from "../../src/rules/severity.js";
import type { SignatureRule } from "../../src/rules/types.js";
import { comparable, hitOf, scan, xtrace } from "./helpers.js";

const cat = loadCatalogue();
const DQLITE = "snap.microk8s.daemon-k8s-dqlite/journal.log";
const KUBELITE = "snap.microk8s.daemon-kubelite/journal.log";

/** A k8s-dqlite deadline line at a journal time, without a year in it. */
const deadline = (time: string, key = "/registry/health") =>
  `${time} mk8s01 microk8s.daemon-k8s-dqlite[931]: level=error msg="error while range on ${key} : query (try: 0): context deadline exceeded"`;
const filler = (time: string, n = 0) =>
  `${time} mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2024-10-29T17:00:00Z" level=info msg="Handling request ${n}"`;
const leaderLost = (time: string) =>
  `${time} node microk8s.daemon-kubelite[1007360]: F0915 14:14:23.073580 1007360 controllermanager.go:287] leaderelection lost`;
const restart = (n: number) =>
  `Oct 29 17:41:08 microk8s-vm systemd[1]: snap.microk8s.daemon-kubelite.service: Scheduled restart job, restart counter is at ${n}.`;

/** Journal time `Mon DD HH:MM:SS` for a UTC instant (the year is dropped, as journald does). */
function journalTime(ms: number): string {
  const d = new Date(ms);
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
    d.getUTCMonth()
  ];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${mon} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

describe("createScanner", () => {
  it("returns null when no regex rule applies to the path", () => {
    expect(createScanner(cat, "dqlite/cluster.yaml")).toBeNull();
    expect(createScanner(cat, "sys/uptime")).toBeNull();
    expect(createScanner(cat, DQLITE)).not.toBeNull();
  });

  it("counts matching lines and numbers them from 1", () => {
    const lines = [
      filler("Oct 29 17:22:40", 1),
      deadline("Oct 29 17:22:45"),
      filler("Oct 29 17:22:46", 2),
      filler("Oct 29 17:22:47", 3),
      deadline("Oct 29 17:22:50", "/registry/pods/x"),
      "",
      filler("Oct 29 17:22:51", 4),
      filler("Oct 29 17:22:52", 5),
      deadline("Oct 29 17:22:53"),
    ];
    const hit = hitOf(scan(cat, DQLITE, lines.join("\n"), { yearHint: 2024 }), "dqlite.query-deadline");
    expect(hit?.count).toBe(3);
    expect(hit?.samples.map((s) => s.line)).toEqual([2, 5, 9]);
    expect(hit?.samples[1].text).toBe(lines[4]);
    expect(hit?.file).toBe(DQLITE);
    expect(hit?.firstSeen).toBe("2024-10-29T17:22:45");
    expect(hit?.lastSeen).toBe("2024-10-29T17:22:53");
  });

  it("skips bash xtrace lines of the wrapper scripts", () => {
    const text = [
      xtrace('echo "error while range on /x : context deadline exceeded"'),
      "Oct 29 17:22:58 node1 microk8s.daemon-k8s-dqlite[1234]: ++ echo error while range on /x : context deadline exceeded",
      deadline("Oct 29 17:22:59"),
    ].join("\n");
    const hit = hitOf(scan(cat, DQLITE, text), "dqlite.query-deadline");
    expect(hit?.count).toBe(1);
    expect(hit?.samples[0].line).toBe(3);
    expect(isXtraceLine("Oct 29 17:22:58 h u[1]: + export PATH=/x")).toBe(true);
    expect(isXtraceLine("Oct 29 17:22:58 h u[1]: +++ foo")).toBe(true);
    expect(isXtraceLine("Oct 29 17:22:58 h u[1]: +1 more")).toBe(false);
    expect(isXtraceLine("Oct 29 17:22:58 h u[1]: E1029 + x")).toBe(false);
  });

  it("keeps only the first samples, and counts all lines", () => {
    const text = Array.from({ length: 10 }, (_, i) => deadline(`Oct 29 17:22:${String(10 + i)}`)).join("\n");
    const three = hitOf(scan(cat, DQLITE, text, { maxSamples: 3 }), "dqlite.query-deadline");
    expect(three?.count).toBe(10);
    expect(three?.samples.map((s) => s.line)).toEqual([1, 2, 3]);
    expect(hitOf(scan(cat, DQLITE, text), "dqlite.query-deadline")?.samples).toHaveLength(5);
  });

  it("records capture group 1: distinct peers with counts, and the largest numeric value", () => {
    const peer = (addr: string) =>
      `Oct 29 17:22:58 n1 microk8s.daemon-k8s-dqlite[9]: [go-dqlite] attempt 3: server ${addr}: dial: dial tcp ${addr}: connect: connection refused`;
    const hits = scan(
      cat,
      DQLITE,
      [peer("10.0.0.2:19001"), peer("10.0.0.3:19001"), peer("10.0.0.2:19001")].join("\n"),
    );
    const hit = hitOf(hits, "dqlite.peer-unreachable");
    expect(hit?.captures).toEqual(["10.0.0.2:19001", "10.0.0.3:19001"]);
    expect(hit?.captureCounts).toEqual({ "10.0.0.2:19001": 2, "10.0.0.3:19001": 1 });
    expect(hit?.maxCapture).toBeNull();
  });

  it("escalates crash loops by the restart counter", () => {
    const rule = cat.byId.get("kubelite.crashloop") as SignatureRule;
    const calm = hitOf(
      scan(cat, KUBELITE, [restart(1), restart(2), restart(3)].join("\n")),
      "kubelite.crashloop",
    );
    expect(calm?.maxCapture).toBe(3);
    expect(effectiveSeverity(rule, [calm!])?.severity ?? null).toBe("medium");
    const loop = hitOf(
      scan(cat, KUBELITE, [restart(3), restart(12), restart(7)].join("\n")),
      "kubelite.crashloop",
    );
    expect(loop?.maxCapture).toBe(12);
    expect(effectiveSeverity(rule, [loop!])?.severity ?? null).toBe("critical");
  });

  it("buckets matches per minute", () => {
    const text = [deadline("Oct 29 17:22:58"), deadline("Oct 29 17:22:59"), deadline("Oct 29 17:23:01")].join(
      "\n",
    );
    const hit = hitOf(scan(cat, DQLITE, text, { yearHint: 2024 }), "dqlite.query-deadline");
    const m = Date.UTC(2024, 9, 29, 17, 22) / 60_000;
    expect([...(hit?.perMinute ?? [])]).toEqual([
      [m, 2],
      [m + 1, 1],
    ]);
    expect(hit?.yearKnown).toBeUndefined();
  });

  it("handles CRLF line ends", () => {
    const text = `${filler("Oct 29 17:22:40")}\r\n${deadline("Oct 29 17:22:45")}\r\n`;
    const hit = hitOf(scan(cat, DQLITE, text), "dqlite.query-deadline");
    expect(hit?.samples).toEqual([{ line: 2, text: deadline("Oct 29 17:22:45") }]);
  });

  it("decodes invalid UTF-8 with replacement characters and still matches", () => {
    const line = Buffer.concat([
      Buffer.from("Oct 29 17:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: \xff\xfe", "latin1"),
      Buffer.from(
        ' level=error msg="error while range on /registry/h\u00e9 : context deadline exceeded"\n',
        "utf8",
      ),
    ]);
    const hit = hitOf(scan(cat, DQLITE, line), "dqlite.query-deadline");
    expect(hit?.count).toBe(1);
    expect(hit?.samples[0].text).toContain("\ufffd");
    expect(hit?.samples[0].text).toContain("/registry/h\u00e9");
  });

  it("scans the last line without a trailing newline, and empty input", () => {
    expect(hitOf(scan(cat, DQLITE, deadline("Oct 29 17:22:45")), "dqlite.query-deadline")?.count).toBe(1);
    expect(scan(cat, DQLITE, "")).toEqual([]);
  });

  it("ends implicitly in result() and returns the same hits again", () => {
    const s = createScanner(cat, DQLITE)!;
    s.write(Buffer.from(deadline("Oct 29 17:22:45")));
    const first = s.result();
    expect(hitOf(first, "dqlite.query-deadline")?.count).toBe(1);
    expect(s.result()).toBe(first);
    expect(() => s.write(Buffer.from("x"))).toThrow();
  });
});

describe("long lines", () => {
  it("examines only the head of a line over 64 KiB, in bounded time", () => {
    const literal = 'error while range on /registry/x : context deadline exceeded"';
    const big = Buffer.alloc(20 * 1024 * 1024, "x");
    big.write(`Oct 29 17:22:45 n microk8s.daemon-k8s-dqlite[1]: msg="${literal}`, 0, "latin1");
    big.write(literal, 1024 * 1024, "latin1"); // beyond the head: ignored
    const beyond = Buffer.alloc(200 * 1024, "y");
    beyond.write(literal, MAX_LINE_BYTES + 10, "latin1");
    const data = Buffer.concat([
      big,
      Buffer.from("\n"),
      beyond,
      Buffer.from("\n"),
      Buffer.from(`${deadline("Oct 29 17:22:50")}\n`),
    ]);
    const started = performance.now();
    const hit = hitOf(scan(cat, DQLITE, data, {}, [65536]), "dqlite.query-deadline");
    const elapsed = performance.now() - started;
    expect(hit?.count).toBe(2);
    expect(hit?.samples.map((s) => s.line)).toEqual([1, 3]);
    expect(hit?.samples[0].text.length).toBeLessThanOrEqual(2001);
    expect(elapsed).toBeLessThan(3000);
  });

  it("copes with a huge final line without newline", () => {
    const data = Buffer.alloc(5 * 1024 * 1024, "z");
    data.write(deadline("Oct 29 17:22:45"), 0, "latin1");
    const hit = hitOf(scan(cat, DQLITE, data, {}, [1 << 20]), "dqlite.query-deadline");
    expect(hit?.count).toBe(1);
  });
});

describe("user rules with unbounded wildcards", () => {
  it("are tested on the head of a line only", () => {
    const user = loadCatalogue([
      {
        id: "custom.widget-broken",
        severity: "medium",
        title: "Widget broken",
        meaning: "The widget broke; replace it.",
        docs: null,
        files: ["<svc:kubelite>/journal.log"],
        regex: "widget .* broken",
      },
    ]);
    const near = `widget ${"x".repeat(100)} broken`;
    const far = `widget ${"x".repeat(WILDCARD_SUBJECT_CHARS)} broken`;
    const hits = scan(user, KUBELITE, `${near}\n${far}\n`);
    expect(hitOf(hits, "custom.widget-broken")?.samples.map((x) => x.line)).toEqual([1]);
  });
});

describe("sustained bursts", () => {
  const t0 = Date.UTC(2024, 9, 29, 17, 0, 0);
  const at = (secs: number[]) => secs.map((s) => deadline(journalTime(t0 + s * 1000))).join("\n");

  it("holds for a steady stream over more than ten minutes", () => {
    const hit = hitOf(
      scan(cat, DQLITE, at(Array.from({ length: 25 }, (_, i) => i * 40)), { yearHint: 2024 }),
      "dqlite.query-deadline",
    );
    expect(hit?.count).toBe(25);
    expect(hit?.sustained).toBe(true);
    expect(effectiveSeverity(cat.byId.get("dqlite.query-deadline")!, [hit!])?.severity ?? null).toBe("high");
  });

  it("does not hold for a start-up burst, however large", () => {
    const hit = hitOf(
      scan(cat, DQLITE, at(Array.from({ length: 200 }, (_, i) => Math.floor(i / 4))), { yearHint: 2024 }),
      "dqlite.query-deadline",
    );
    expect(hit?.count).toBe(200);
    expect(hit?.sustained).toBe(false);
    // not sustained: lowered as an isolated burst
    expect(effectiveSeverity(cat.byId.get("dqlite.query-deadline")!, [hit!])?.severity ?? null).toBe("low");
  });

  it("does not hold for two short bursts an hour apart", () => {
    const secs = [
      ...Array.from({ length: 15 }, (_, i) => i * 4),
      ...Array.from({ length: 15 }, (_, i) => 3600 + i * 4),
    ];
    expect(hitOf(scan(cat, DQLITE, at(secs), { yearHint: 2024 }), "dqlite.query-deadline")?.sustained).toBe(
      false,
    );
  });

  it("isSustained needs lines, span and enough active minutes", () => {
    const th = { minLines: 20, minMinutes: 10 };
    const spread = new Map(Array.from({ length: 11 }, (_, i) => [1000 + i, 2] as [number, number]));
    expect(isSustained(th, spread)).toBe(true);
    expect(isSustained(th, new Map([[1000, 30]]))).toBe(false);
    expect(
      isSustained(
        th,
        new Map([
          [1000, 10],
          [1030, 10],
        ]),
      ),
    ).toBe(false);
    expect(
      isSustained(
        { minLines: 3, minMinutes: 5 },
        new Map([
          [1, 1],
          [3, 1],
          [7, 1],
        ]),
      ),
    ).toBe(true);
    expect(isSustained(th, new Map())).toBe(false);
  });
});

describe("years", () => {
  it("rolls over from December to January before the report year", () => {
    const text = [leaderLost("Dec 31 23:59:50"), leaderLost("Jan 01 00:00:10")].join("\n");
    const hit = hitOf(scan(cat, KUBELITE, text, { yearHint: 2025 }), "kubelite.leaderelection-lost");
    expect(hit?.firstSeen).toBe("2024-12-31T23:59:50");
    expect(hit?.lastSeen).toBe("2025-01-01T00:00:10");
    expect([...(hit?.perMinute.keys() ?? [])]).toEqual([
      Date.UTC(2024, 11, 31, 23, 59) / 60_000,
      Date.UTC(2025, 0, 1, 0, 0) / 60_000,
    ]);
  });

  it("prefers a year written in the lines, also for earlier lines", () => {
    const noYear = `Dec 14 17:58:30 h microk8s.daemon-k8s-dqlite[1]: level=error msg="error in txn: query (try: 0): context canceled"`;
    const withYear = `Dec 14 17:58:35 h microk8s.daemon-k8s-dqlite[1]: time="2022-12-14T17:58:35Z" level=error msg="error in txn: query (try: 0): context canceled"`;
    const hit = hitOf(
      scan(cat, DQLITE, `${noYear}\n${withYear}\n`, { yearHint: 2025 }),
      "dqlite.query-canceled",
    );
    expect(hit?.firstSeen).toBe("2022-12-14T17:58:30");
    expect(hit?.lastSeen).toBe("2022-12-14T17:58:35");
    expect([...(hit?.perMinute.keys() ?? [])]).toEqual([Date.UTC(2022, 11, 14, 17, 58) / 60_000]);
  });

  it("says so when no year is known", () => {
    const hit = hitOf(scan(cat, KUBELITE, leaderLost("Oct 29 17:22:58")), "kubelite.leaderelection-lost");
    expect(hit?.yearKnown).toBe(false);
    expect(hit?.firstSeen).toBe("Oct 29 17:22:58");
    expect(hit?.perMinute.size).toBe(1);
  });

  it("uses ISO timestamps as written", () => {
    const line =
      "2021-07-31T10:52:31Z systemd[1]: snap.microk8s.daemon-kubelite.service: Main process exited, code=exited, status=255/EXCEPTION";
    const hit = hitOf(scan(cat, KUBELITE, line, { yearHint: 2030 }), "kubelite.crashloop");
    expect(hit?.firstSeen).toBe("2021-07-31T10:52:31Z");
    expect([...(hit?.perMinute.keys() ?? [])]).toEqual([Date.UTC(2021, 6, 31, 10, 52) / 60_000]);
  });
});

// ---------------------------------------------------------------------------------------------
// Chunk boundaries: a file must give the same result however its bytes are split.

const kubeliteRules = rulesForFile(cat, KUBELITE);
const POOL: string[] = [
  ...kubeliteRules.flatMap((r) => (r.example ? [r.example.line] : [])),
  ...kubeliteRules.flatMap((r) => (r.nearMiss ? [r.nearMiss] : [])),
  xtrace("export PATH=/snap/microk8s/current/bin:$PATH", "kubelite"),
  xtrace('echo "leaderelection lost"', "kubelite"),
  "Oct 29 17:41:12 microk8s-vm microk8s.daemon-kubelite[2129]: I1029 17:41:12.000000    2129 server.go:1] ok",
  "Jan  1 00:00:10 microk8s-vm microk8s.daemon-kubelite[2129]: F0101 00:00:10.000000    2129 x.go:1] leader election lost",
  "",
  "\r",
  "\xff\xfe broken \xc3 utf8 leaderelection lost",
];

function corpus(indexes: number[], withLong: boolean): Buffer {
  const parts = indexes.map((i) => Buffer.from(`${POOL[i % POOL.length]}\n`, "utf8"));
  if (withLong) {
    const long = Buffer.alloc(MAX_LINE_BYTES + 5000, "q");
    long.write("leaderelection lost", MAX_LINE_BYTES - 8, "latin1"); // straddles the cap
    long.write("leaderelection lost", 100, "latin1");
    parts.splice(Math.floor(parts.length / 2), 0, long, Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

describe("chunk boundaries", () => {
  const data = corpus(
    POOL.map((_, i) => i),
    true,
  );
  const whole = comparable(scan(cat, KUBELITE, data, { yearHint: 2024 }));

  it("finds the pool's examples", () => {
    const ids = (whole as { ruleId: string }[]).map((h) => h.ruleId);
    expect(ids).toContain("kubelite.leaderelection-lost");
    expect(ids).toContain("apiserver.slow-request");
    expect(ids.length).toBeGreaterThan(10);
  });

  it("gives the same result with 1-byte and 7-byte chunks", () => {
    expect(comparable(scan(cat, KUBELITE, data, { yearHint: 2024 }, [1]))).toEqual(whole);
    expect(comparable(scan(cat, KUBELITE, data, { yearHint: 2024 }, [7]))).toEqual(whole);
  });

  it("gives the same result for any split of any mix of lines (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(POOL.length * 3), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
        (indexes, withLong, sizes) => {
          const input = corpus(indexes, withLong);
          const expected = comparable(scan(cat, KUBELITE, input, { yearHint: 2024 }));
          expect(comparable(scan(cat, KUBELITE, input, { yearHint: 2024 }, sizes))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
