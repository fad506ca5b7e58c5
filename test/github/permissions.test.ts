import { describe, expect, it } from "vitest";
import { effectiveRole, hasAtLeast } from "../../src/github/commands/permissions.js";

describe("effectiveRole", () => {
  it("reads role_name for triage and maintain, which `permission` reports as read and write", () => {
    expect(effectiveRole({ roleName: "triage", permission: "read" })).toBe("triage");
    expect(effectiveRole({ roleName: "maintain", permission: "write" })).toBe("maintain");
    expect(effectiveRole({ roleName: "admin", permission: "admin" })).toBe("admin");
    expect(effectiveRole({ roleName: "write", permission: "write" })).toBe("write");
  });

  it("falls back to `permission` for custom roles and missing role_name; 404 is none", () => {
    expect(effectiveRole({ roleName: "security-reviewer", permission: "write" })).toBe("write");
    expect(effectiveRole({ roleName: "", permission: "read" })).toBe("read");
    expect(effectiveRole({ roleName: "bogus", permission: "bogus" })).toBe("none");
    expect(effectiveRole(null)).toBe("none");
  });

  it("orders roles: triage and above may triage, read may not", () => {
    for (const role of ["triage", "write", "maintain", "admin"] as const)
      expect(hasAtLeast(role, "triage")).toBe(true);
    for (const role of ["none", "read"] as const) expect(hasAtLeast(role, "triage")).toBe(false);
  });
});
