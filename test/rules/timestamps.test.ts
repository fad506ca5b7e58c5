import { describe, expect, it } from "vitest";
import {
  displayTimestamp,
  parseLineTimestamp,
  parseTimestamp,
  rebaseMinute,
  YearTracker,
} from "../../src/rules/timestamps.js";

describe("parseLineTimestamp", () => {
  it("reads journal timestamps with the hinted year, as UTC", () => {
    const ts = parseLineTimestamp(
      "Oct 29 17:22:58 microk8s-vm microk8s.daemon-k8s-dqlite[1259]: started",
      2024,
    );
    expect(ts).toEqual({
      ms: Date.UTC(2024, 9, 29, 17, 22, 58),
      display: "2024-10-29T17:22:58",
      kind: "syslog",
    });
    expect(parseLineTimestamp("Sep  8 01:28:57 t2 x[1]: y", 2025)?.display).toBe("2025-09-08T01:28:57");
    expect(parseLineTimestamp("Sep 8 10:00:37 p1 x[1]: y", 2025)?.ms).toBe(Date.UTC(2025, 8, 8, 10, 0, 37));
  });

  it("takes the year from a logrus time field when there is no hint", () => {
    const line =
      'Oct 29 17:41:12 microk8s-vm microk8s.daemon-k8s-dqlite[1259]: time="2024-10-29T17:41:12+05:30" level=error msg="x"';
    expect(parseLineTimestamp(line)?.display).toBe("2024-10-29T17:41:12");
    expect(parseLineTimestamp(line)?.ms).toBe(Date.UTC(2024, 9, 29, 17, 41, 12));
  });

  it("has no wall clock without any year", () => {
    expect(parseLineTimestamp("Oct 29 17:22:58 host x[1]: y")).toEqual({
      ms: null,
      display: "Oct 29 17:22:58",
      kind: "syslog",
    });
  });

  it("reads ISO timestamps with zones", () => {
    expect(parseLineTimestamp("2021-07-31T10:52:31Z systemd[1]: x")).toEqual({
      ms: Date.UTC(2021, 6, 31, 10, 52, 31),
      display: "2021-07-31T10:52:31Z",
      kind: "iso",
    });
    const off = parseLineTimestamp("2024-03-09T20:45:25+01:00 | WARN  | attempt 3630");
    expect(off?.ms).toBe(Date.UTC(2024, 2, 9, 19, 45, 25));
    expect(off?.display).toBe("2024-03-09T20:45:25+01:00");
    expect(parseLineTimestamp('{"level":"warn","ts":"2022-08-22T18:40:50.923Z","msg":"x"}')?.ms).toBe(
      Date.UTC(2022, 7, 22, 18, 40, 50, 923),
    );
  });

  it("reads klog month/day timestamps", () => {
    const ts = parseLineTimestamp("E0320 20:46:08.223079   53319 leaderelection.go:367] Failed", 2023);
    expect(ts?.ms).toBe(Date.UTC(2023, 2, 20, 20, 46, 8, 223));
    expect(ts?.kind).toBe("klog");
    const inJournal = parseLineTimestamp(
      "microk8s.daemon-kubelite[53319]: I0320 20:46:08.223143   53319 x.go:1] y",
      2023,
    );
    expect(inJournal?.kind).toBe("klog");
  });

  it("keeps dmesg times for display only", () => {
    expect(parseLineTimestamp("[  306.925814] I/O error, dev sda, sector 68537656", 2024)).toEqual({
      ms: null,
      display: "306.925814s after boot",
      kind: "dmesg",
    });
  });

  it("returns null for lines without a timestamp or with impossible ones", () => {
    expect(parseLineTimestamp("The connection to the server 127.0.0.1:16443 was refused")).toBeNull();
    expect(parseLineTimestamp("Foo 29 17:22:58 x")).toBeNull();
    expect(parseLineTimestamp("Oct 32 17:22:58 x")).toBeNull();
    expect(parseLineTimestamp("Oct 29 25:22:58 x")).toBeNull();
  });
});

describe("YearTracker", () => {
  const raw = (line: string) => parseTimestamp(line)!;

  it("counts Dec→Jan rollovers and anchors the hint at the end of the file", () => {
    const t = new YearTracker(2025);
    const dec = t.place(raw("Dec 30 10:00:00 h x: y"));
    const jan = t.place(raw("Jan 02 10:00:00 h x: y"));
    expect(t.baseYear()).toBe(2024);
    expect(t.yearOf(dec)).toBe(2024);
    expect(t.yearOf(jan)).toBe(2025);
    expect(displayTimestamp(jan.raw, t.yearOf(jan))).toBe("2025-01-02T10:00:00");
  });

  it("does not roll over on small steps back in time", () => {
    const t = new YearTracker(2024);
    t.place(raw("Mar 30 10:00:00 h x: y"));
    t.place(raw("Feb 28 10:00:00 h x: y"));
    expect(t.baseYear()).toBe(2024);
  });

  it("lets a year in a line win over the hint", () => {
    const t = new YearTracker(2030);
    const a = t.place(raw("Dec 31 23:00:00 h x: y"));
    t.place(raw('Jan 01 01:00:00 h x: time="2020-01-01T01:00:00Z" y'));
    expect(t.baseYear()).toBe(2019);
    expect(t.yearOf(a)).toBe(2019);
  });

  it("moves placeholder minutes to the real year", () => {
    const m = Date.UTC(2000, 9, 29, 17, 22) / 60_000;
    expect(rebaseMinute(m, 2024)).toBe(Date.UTC(2024, 9, 29, 17, 22) / 60_000);
  });
});
