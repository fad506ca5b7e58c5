import { describe, expect, it } from "vitest";
import { compilePattern, patternError } from "../../src/rules/paths.js";

const matches = (pattern: string, path: string) => compilePattern(pattern).test(path);

describe("file patterns", () => {
  it("expand <svc:NAME> to classic and strict service folders", () => {
    expect(matches("<svc:k8s-dqlite>/journal.log", "snap.microk8s.daemon-k8s-dqlite/journal.log")).toBe(true);
    expect(matches("<svc:k8s-dqlite>/journal.log", "microk8s.daemon-k8s-dqlite/journal.log")).toBe(true);
    expect(matches("<svc:k8s-dqlite>/journal.log", "snap.microk8s.daemon-kubelite/journal.log")).toBe(false);
    expect(matches("<svc:k8s-dqlite>/*.log", "microk8s.daemon-k8s-dqlite/snapctl.log")).toBe(true);
    expect(matches("<svc:k8s-dqlite>/*.log", "xsnap.microk8s.daemon-k8s-dqlite/journal.log")).toBe(false);
  });

  it("have aliases for the datastore and Kubernetes services of every generation", () => {
    for (const svc of ["k8s-dqlite", "kubelite", "apiserver"])
      expect(matches("<svc:datastore>/*.log", `snap.microk8s.daemon-${svc}/journal.log`), svc).toBe(true);
    expect(matches("<svc:datastore>/*.log", "snap.microk8s.daemon-containerd/journal.log")).toBe(false);
    expect(matches("<svc:k8s>/*.log", "snap.microk8s.daemon-kubelet/journal.log")).toBe(true);
    expect(matches("<svc:*>/*.log", "microk8s.daemon-anything/journal.log")).toBe(true);
  });

  it("support *, ** and plain paths", () => {
    expect(matches("k8s/*", "k8s/cluster-info-dump")).toBe(true);
    expect(matches("k8s/*", "k8s/a/b")).toBe(false);
    expect(matches("apparmor/dmesg", "apparmor/dmesg")).toBe(true);
    expect(matches("apparmor/dmesg", "apparmor/dmesg.old")).toBe(false);
    expect(matches("**", "args/cni-network/cni.yaml")).toBe(true);
    expect(matches("**/journal.log", "journal.log")).toBe(true);
    expect(matches("**/journal.log", "a/b/journal.log")).toBe(true);
    expect(matches("args/**", "args/certs.d/x/hosts.toml")).toBe(true);
    expect(matches("a/**/z", "a/z")).toBe(true);
    expect(matches("a/**/z", "a/b/c/z")).toBe(true);
  });

  it("keep the console source apart", () => {
    expect(matches("@console", "@console")).toBe(true);
    expect(matches("**", "@console")).toBe(false);
    expect(matches("**/*", "@console")).toBe(false);
  });

  it("reject malformed patterns", () => {
    expect(patternError("")).toMatch(/empty/);
    expect(patternError("/etc/passwd")).toMatch(/relative/);
    expect(patternError("a/../b")).toMatch(/relative/);
    expect(patternError("<svc:>/x")).toMatch(/service placeholder/);
    expect(patternError("a**b")).toMatch(/whole path segment/);
    expect(patternError("a//b")).toMatch(/empty path segment/);
    expect(patternError("@Console!")).toMatch(/virtual source/);
    expect(patternError("<svc:kubelite>/journal.log")).toBeNull();
  });
});
