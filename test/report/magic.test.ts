import { describe, expect, it } from "vitest";
import { ReportReadError } from "../../src/report/limits.js";
import { sniffArchive } from "../../src/report/magic.js";
import { rawTar } from "./support.js";

function errorOf(verdict: ReturnType<typeof sniffArchive>): ReportReadError {
  if (!(verdict instanceof ReportReadError)) throw new Error(`expected an error, got ${String(verdict)}`);
  return verdict;
}

describe("sniffArchive", () => {
  it("recognises gzip from two bytes", () => {
    expect(sniffArchive(Buffer.from([0x1f, 0x8b]), false)).toBe("gzip");
    expect(sniffArchive(Buffer.from([0x1f]), false)).toBe("more");
  });

  it("recognises a plain tar by its ustar magic", () => {
    const tar = rawTar([{ path: "inspection-report/sys/ps", body: "PID\n" }]);
    expect(sniffArchive(tar.subarray(0, 512), false)).toBe("tar");
    expect(sniffArchive(tar.subarray(0, 200), false)).toBe("more");
  });

  it("asks for more bytes until it can tell, then decides", () => {
    expect(sniffArchive(Buffer.alloc(0), false)).toBe("more");
    expect(sniffArchive(Buffer.from("PK\u0003\u0004"), false)).toBe("more");
    expect(errorOf(sniffArchive(Buffer.from("PK\u0003\u0004"), true)).code).toBe("not-gzip");
  });

  it("names the empty input", () => {
    const error = errorOf(sniffArchive(Buffer.alloc(0), true));
    expect(error.code).toBe("empty");
    expect(error.message).toBe("empty file (0 bytes)");
  });

  it.each([
    [[0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], "not a gzip file (starts with 50 4b 03 04 — a .zip?)"],
    [[0x42, 0x5a, 0x68, 0x39, 0x31], "not a gzip file (starts with 42 5a 68 39 — a .bz2"],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "not a gzip file (starts with fd 37 7a 58 — an .xz"],
    [[0x28, 0xb5, 0x2f, 0xfd, 0x00], "not a gzip file (starts with 28 b5 2f fd — a .zst"],
  ])("explains %j", (bytes, message) => {
    const error = errorOf(sniffArchive(Buffer.from(bytes), true));
    expect(error.code).toBe("not-gzip");
    expect(error.message.startsWith(message)).toBe(true);
  });

  it("spots a pasted log and a saved HTML page", () => {
    const log = Buffer.from(
      "Jun 16 22:50:53 pi11 microk8s.daemon-kubelite[37255]: Error: context deadline exceeded\n",
    );
    expect(errorOf(sniffArchive(log, true)).message).toContain("plain text");
    const html = Buffer.from("<!DOCTYPE html><html><body>Sign in</body></html>");
    expect(errorOf(sniffArchive(html, true)).message).toContain("HTML page");
  });

  it("gives the bytes of unknown binary data without guessing", () => {
    const error = errorOf(sniffArchive(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff]), true));
    expect(error.message).toBe("not a gzip file (starts with 00 01 02 03)");
  });
});
