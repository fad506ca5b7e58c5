import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPseudonymizer } from "../../src/redact/pseudonymize.js";

describe("createPseudonymizer", () => {
  it("gives node names, IPs and hosts consistent placeholders and restores them", () => {
    const p = createPseudonymizer({ nodes: ["kube05", "kube06"] });
    const text =
      "kube05 cannot reach kube06 at 192.168.0.58:19001; kube06 (192.168.0.58) is NotReady, registry at registry.example.com";
    const out = p.pseudonymize(text);
    expect(out).toBe(
      "NODE_1 cannot reach NODE_2 at IP_1:19001; NODE_2 (IP_1) is NotReady, registry at HOST_1",
    );
    expect(p.restore(out)).toBe(text);
    // Same input later → same placeholder, also across calls.
    expect(p.pseudonymize("192.168.0.58 and kube06")).toBe("IP_1 and NODE_2");
    expect(p.mapping.get("NODE_1")).toBe("kube05");
  });

  it("takes the journal host field as a node name", () => {
    const p = createPseudonymizer();
    const line =
      'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"';
    const out = p.pseudonymize(line);
    expect(out.startsWith("Jan 30 20:22:45 NODE_1 microk8s.daemon-k8s-dqlite[931]:")).toBe(true);
    // Timestamps and registry keys are left alone.
    expect(out).toContain('time="2023-01-30T20:22:45Z"');
    expect(out).toContain("/registry/health");
    // Later mentions of the same host get the same token.
    expect(p.pseudonymize("node mk8s01 restarted")).toBe("node NODE_1 restarted");
  });

  it("handles IPv6 with and without brackets, and keeps loopback", () => {
    const p = createPseudonymizer();
    const out = p.pseudonymize(
      "peers [fd00::59]:19001 and fe80::1ff:fe23:4567:890a, local 127.0.0.1:19001 and ::1",
    );
    expect(out).toBe("peers [IP_1]:19001 and IP_2, local 127.0.0.1:19001 and ::1");
    expect(p.restore(out)).toBe(
      "peers [fd00::59]:19001 and fe80::1ff:fe23:4567:890a, local 127.0.0.1:19001 and ::1",
    );
  });

  it("does not take times, versions, MACs or file names for addresses or hosts", () => {
    const p = createPseudonymizer();
    const text =
      "E0320 20:46:08.223079 leaderelection.go:367 v1.28.14 mac aa:bb:cc:dd:ee:ff journal.log cluster.yaml see https://microk8s.io/docs and github.com";
    expect(p.pseudonymize(text)).toBe(text);
  });

  it("does not replace a node called like a common word outside the host field", () => {
    const p = createPseudonymizer({ nodes: ["microk8s"] });
    const line =
      "Oct 29 17:41:12 microk8s microk8s.daemon-k8s-dqlite[1259]: snap.microk8s.daemon-kubelite started";
    expect(p.pseudonymize(line)).toBe(
      "Oct 29 17:41:12 NODE_1 microk8s.daemon-k8s-dqlite[1259]: snap.microk8s.daemon-kubelite started",
    );
  });

  it("redacts secrets first (they cannot be restored)", () => {
    const p = createPseudonymizer({ nodes: ["kube05"] });
    const out = p.pseudonymize("kube05: microk8s join 10.0.0.5:25000/3b4c9f2a8d7e6b5c4a3f2e1d0c9b8a7f");
    expect(out).toBe("NODE_1: microk8s join IP_1:25000/[REDACTED]");
    expect(p.restore(out)).toBe("kube05: microk8s join 10.0.0.5:25000/[REDACTED]");
  });

  it("is case-insensitive for names and leaves unknown placeholders alone on restore", () => {
    const p = createPseudonymizer({ nodes: ["MSI"] });
    expect(p.pseudonymize("host MSI aka msi")).toBe("host NODE_1 aka NODE_1");
    expect(p.restore("NODE_1 and NODE_9")).toBe("MSI and NODE_9");
  });

  it("round-trips any text made of known names and addresses (property)", () => {
    const names = ["kube05", "kube06", "node-a", "worker-1"];
    const ips = ["10.0.0.5", "192.168.1.20", "fd00::5", "2001:db8::1"];
    const piece = fc.constantFrom(
      ...names,
      ...ips,
      " ",
      ", ",
      ":19001",
      " connect: connection refused ",
      "→",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const p = createPseudonymizer({ nodes: names });
        const text = pieces.join(" ");
        const out = p.pseudonymize(text);
        for (const secret of [...names, ...ips]) {
          if (out.includes(secret)) return false;
        }
        return p.restore(out) === text;
      }),
      { numRuns: 500 },
    );
  });
});
