import { describe, expect, it } from "vitest";
import {
  asReportReadError,
  DEFAULT_LIMITS,
  describeIoError,
  formatBytes,
  quotePath,
  ReportReadError,
  resolveLimits,
} from "../../src/report/limits.js";

describe("limits", () => {
  it("defaults to GitHub's 25 MiB attachment cap, 1 GiB unpacked, 20 000 entries, 300 MiB per file", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxCompressedBytes: 25 * 1024 * 1024,
      maxUnpackedBytes: 1024 * 1024 * 1024,
      maxEntries: 20_000,
      maxFileBytes: 300 * 1024 * 1024,
    });
  });

  it("fills unset or nonsensical limits from the defaults", () => {
    expect(resolveLimits({ maxEntries: 5, maxFileBytes: Number.NaN, maxUnpackedBytes: -1 })).toEqual({
      ...DEFAULT_LIMITS,
      maxEntries: 5,
    });
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
  });

  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [1023, "1023 bytes"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [25 * 1024 * 1024, "25 MiB"],
    [1024 ** 3, "1 GiB"],
  ])("formatBytes(%d) = %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("quotePath removes control characters and bounds the length", () => {
    expect(quotePath("a\nb\u0007c\u009bd")).toBe("a?b?c?d");
    const long = quotePath("x".repeat(500));
    expect(long).toHaveLength(160);
    expect(long.endsWith("…")).toBe(true);
  });

  it("ReportReadError keeps a stable code and a one-line message", () => {
    const error = new ReportReadError("truncated", "archive is truncated\n  (second line)\r\n");
    expect(error.code).toBe("truncated");
    expect(error.message).toBe("archive is truncated (second line)");
    expect(error).toBeInstanceOf(Error);
    expect(asReportReadError(error)).toBe(error);
    expect(asReportReadError(new TypeError("boom")).code).toBe("internal");
  });

  it("describeIoError drops the machine path Node puts in its messages", () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/home/someone/report.tgz'"), {
      code: "EACCES",
    });
    expect(describeIoError(error)).toBe("permission denied (EACCES)");
    expect(describeIoError(new Error("socket hang up"))).toBe("socket hang up");
  });
});
