import { describe, expect, it } from "vitest";
import { Rng } from "../../scripts/samples/prng.js";
import {
  dmesgStamp,
  journalTime,
  k8sTime,
  klogTime,
  kubectlAge,
  lsTime,
  MINUTE,
  rfc3339,
  systemdAgo,
  systemdTime,
  tarballStamp,
  toEpoch,
  uptimeLine,
} from "../../scripts/samples/time.js";

const IST = { offsetMinutes: 330, abbrev: "IST" };
const GMT = { offsetMinutes: 0, abbrev: "GMT" };

describe("report time formats", () => {
  it("reads node-local and absolute ISO times", () => {
    expect(toEpoch("2024-10-29T17:41:12", IST)).toBe(Date.UTC(2024, 9, 29, 12, 11, 12));
    expect(toEpoch("2024-10-29T17:41:12+05:30", GMT)).toBe(Date.UTC(2024, 9, 29, 12, 11, 12));
    expect(toEpoch("2023-02-06T18:40:01.250Z", IST)).toBe(Date.UTC(2023, 1, 6, 18, 40, 1, 250));
    expect(() => toEpoch("yesterday", GMT)).toThrow();
  });

  it("writes the formats seen in real reports", () => {
    const t = toEpoch("2024-10-29T17:41:12", IST) + 0.123456;
    expect(journalTime(t, IST)).toBe("Oct 29 17:41:12");
    expect(rfc3339(t, IST)).toBe("2024-10-29T17:41:12+05:30");
    expect(rfc3339(toEpoch("2023-02-06T18:40:01", GMT), GMT)).toBe("2023-02-06T18:40:01Z");
    expect(klogTime("E", toEpoch("2023-03-20T20:46:08.223079", GMT), GMT)).toBe("E0320 20:46:08.223079");
    expect(systemdTime(toEpoch("2024-10-29T17:40:59", IST), IST)).toBe("Tue 2024-10-29 17:40:59 IST");
    expect(k8sTime(toEpoch("2024-10-29T17:23:17", IST))).toBe("2024-10-29T11:53:17Z");
    expect(tarballStamp(toEpoch("2023-02-06T18:52:44", GMT), GMT)).toBe("20230206_185244");
    expect(dmesgStamp(9.0218)).toBe("[    9.021800]");
    expect(dmesgStamp(1209123.456789)).toBe("[1209123.456789]");
  });

  it("writes relative times like systemd, kubectl, uptime and ls", () => {
    expect(systemdAgo(40 * MINUTE + 5000)).toBe("40min ago");
    expect(systemdAgo(8 * 60 * MINUTE + 44 * MINUTE)).toBe("8h 44min ago");
    expect(systemdAgo(16 * 24 * 60 * MINUTE)).toBe("2 weeks 2 days ago");
    expect(kubectlAge(95_000)).toBe("95s");
    expect(kubectlAge(5 * MINUTE + 3000)).toBe("5m3s");
    expect(kubectlAge(74 * MINUTE)).toBe("74m");
    expect(kubectlAge(14 * 24 * 60 * MINUTE)).toBe("14d");
    const now = toEpoch("2024-10-29T18:21:34", IST);
    expect(uptimeLine(now, now - 40 * MINUTE, IST, 0, [0.62, 0.43, 0.35])).toBe(
      " 18:21:34 up 40 min,  0 users,  load average: 0.62, 0.43, 0.35",
    );
    expect(uptimeLine(now, now - (14 * 24 * 60 + 8 * 60 + 3) * MINUTE, IST, 1, [1, 2, 3])).toBe(
      " 18:21:34 up 14 days,  8:03,  1 user,  load average: 1.00, 2.00, 3.00",
    );
    expect(lsTime(toEpoch("2024-10-06T09:05:00", IST), IST, now)).toBe("Oct  6 09:05");
    expect(lsTime(toEpoch("2023-01-06T09:05:00", IST), IST, now)).toBe("Jan  6  2023");
  });
});

describe("seeded randomness", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = new Rng("kube05");
    const b = new Rng("kube05");
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.int(0, 1_000_000));
    expect(seq(a)).toEqual(seq(b));
    expect(seq(new Rng("kube06"))).not.toEqual(seq(new Rng("kube05")));
    const id = new Rng(7).uint64();
    expect(id).toMatch(/^\d{1,20}$/);
    expect(BigInt(id) < 2n ** 64n).toBe(true);
    expect(new Rng(1).uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
