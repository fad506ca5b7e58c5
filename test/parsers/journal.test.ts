import { describe, expect, it } from "vitest";
import {
  activeStateOf,
  serviceLogOf,
  splitJournalLine,
  summarizeServiceLog,
} from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

/** The literal text "${SNAP_DATA}" as written in args files (not a template placeholder). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal is the point
const SNAP_DATA = "${SNAP_DATA}";

describe("serviceLogOf", () => {
  it("recognises classic and strict service folders", () => {
    expect(serviceLogOf("snap.microk8s.daemon-k8s-dqlite/journal.log")).toEqual({
      service: "k8s-dqlite",
      kind: "journal",
    });
    expect(serviceLogOf("microk8s.daemon-kubelite/snapctl.log")).toEqual({
      service: "kubelite",
      kind: "snapctl",
    });
    expect(serviceLogOf("snap.microk8s.daemon-apiserver/systemctl.log")).toEqual({
      service: "apiserver",
      kind: "systemctl",
    });
    expect(serviceLogOf("k8s/journal.log")).toBeNull();
    expect(serviceLogOf("snap.microk8s.daemon-kubelite/other.log")).toBeNull();
  });
});

describe("splitJournalLine", () => {
  it("reads the short, ISO, full and host-less forms", () => {
    expect(
      splitJournalLine("Oct 29 17:22:58 microk8s-vm microk8s.daemon-k8s-dqlite[2828]: + export PATH=/snap/x"),
    ).toEqual({
      timestamp: "Oct 29 17:22:58",
      host: "microk8s-vm",
      identifier: "microk8s.daemon-k8s-dqlite",
      payload: "+ export PATH=/snap/x",
      year: null,
    });
    expect(splitJournalLine("2021-07-31T10:52:31Z host systemd[1]: Started x.")).toMatchObject({
      timestamp: "2021-07-31T10:52:31Z",
      host: "host",
      identifier: "systemd",
      year: 2021,
    });
    expect(splitJournalLine("2021-07-31T10:52:31+0000 kube05 kernel: boom")).toMatchObject({
      host: "kube05",
      identifier: "kernel",
      payload: "boom",
    });
    expect(splitJournalLine("Tue 2024-10-29 17:40:59 IST node1 systemd[1]: Stopped.")).toMatchObject({
      host: "node1",
      year: 2024,
    });
    // Real line from canonical/microk8s#1675 (pasted without the host field).
    expect(
      splitJournalLine(
        '2020-10-22T14:08:28Z microk8s.daemon-containerd[56113]: time="2020-10-22T16:08:28.437092800+02:00" level=error msg="Failed to load cni configuration"',
      ),
    ).toMatchObject({ host: null, identifier: "microk8s.daemon-containerd", year: 2020 });
    expect(splitJournalLine("Jul  5 01:02:03 h k[1]: x")).toMatchObject({
      timestamp: "Jul  5 01:02:03",
      host: "h",
    });
    expect(splitJournalLine("-- Boot 63561e025c4e4114aa3ea87c8229cd06 --")).toBeNull();
    expect(
      splitJournalLine(`--listen=unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379)'`),
    ).toBeNull();
  });
});

describe("activeStateOf", () => {
  it("keeps the state and drops since/result details", () => {
    expect(activeStateOf("active (running) since Tue 2024-10-29 17:40:59 IST; 40min ago")).toBe(
      "active (running)",
    );
    expect(
      activeStateOf(
        "activating (auto-restart) (Result: exit-code) since Mon 2023-01-30 20:22:45 UTC; 3s ago",
      ),
    ).toBe("activating (auto-restart)");
    expect(activeStateOf("failed (Result: exit-code) since Mon 2023-01-30 20:22:45 UTC; 1h ago")).toBe(
      "failed",
    );
    expect(activeStateOf("inactive (dead)")).toBe("inactive (dead)");
  });
});

const CLASSIC_JOURNAL = [
  "-- Logs begin at Mon 2023-01-30 10:00:00 UTC, end at Mon 2023-01-30 21:00:00 UTC. --",
  "Jan 30 20:22:40 mk8s01 systemd[1]: Started Service for snap application microk8s.daemon-k8s-dqlite.",
  "Jan 30 20:22:40 mk8s01 microk8s.daemon-k8s-dqlite[931]: + export PATH=/snap/microk8s/4595/usr/sbin:/snap/microk8s/4595/usr/bin",
  "Jan 30 20:22:40 mk8s01 microk8s.daemon-k8s-dqlite[933]: ++ /snap/microk8s/4595/bin/uname -m",
  'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"',
  "Jan 30 20:22:50 mk8s01 systemd[1]: snap.microk8s.daemon-k8s-dqlite.service: Main process exited, code=exited, status=255/EXCEPTION",
  "Jan 30 20:22:55 mk8s01 systemd[1]: snap.microk8s.daemon-k8s-dqlite.service: Scheduled restart job, restart counter is at 12.",
  "Jan 30 20:23:05 mk8s01 systemd[1]: snap.microk8s.daemon-k8s-dqlite.service: Scheduled restart job, restart counter is at 3.",
  'Jan 30 20:23:10 mk8s02 microk8s.daemon-k8s-dqlite[1200]: time="2023-01-30T20:23:10Z" level=info msg="Kine listening on unix:///var/snap/microk8s/4596/var/kubernetes/backend/kine.sock:12379"',
  "",
].join("\n");

describe("journal summaries", () => {
  it("summarises a classic journal.log", () => {
    const summary = summarizeServiceLog("snap.microk8s.daemon-k8s-dqlite/journal.log", CLASSIC_JOURNAL);
    expect(summary).toEqual({
      file: "snap.microk8s.daemon-k8s-dqlite/journal.log",
      service: "k8s-dqlite",
      lines: 9,
      xtraceLines: 2,
      host: "mk8s01",
      hosts: ["mk8s01", "mk8s02"],
      firstTimestamp: "Jan 30 20:22:40",
      lastTimestamp: "Jan 30 20:23:10",
      yearHint: 2023,
      activeState: null,
      maxRestartCounter: 12,
      snapRevision: "4596",
    });
  });

  it("takes a year from the old '-- Logs begin at …' header when lines carry none", () => {
    const text = [
      "-- Logs begin at Mon 2022-12-26 10:00:00 UTC, end at Tue 2023-01-03 18:52:44 UTC. --",
      "Jan 03 18:40:00 kube05 microk8s.daemon-kubelite[5]: E0103 18:40:00.000000       5 server.go:1] boom",
    ].join("\n");
    expect(summarizeServiceLog("snap.microk8s.daemon-kubelite/journal.log", text)?.yearHint).toBe(2023);
  });

  it("reads the strict journal names (microk8s.daemon-<svc>/) and ISO timestamps", () => {
    const text = [
      "2021-07-31T10:52:31Z kube05 systemd[1]: Started Service for snap application microk8s.daemon-kubelite.",
      "2021-07-31T10:52:32+0000 kube05 microk8s.daemon-kubelite[100]: + source /snap/microk8s/2346/actions/common/utils.sh",
      "2021-07-31T10:52:33Z kube05 microk8s.daemon-kubelite[100]: I0731 10:52:33.000000     100 server.go:1] started",
    ].join("\n");
    const { out } = runParsers({ "microk8s.daemon-kubelite/journal.log": text });
    expect(out.journals["microk8s.daemon-kubelite/journal.log"]).toMatchObject({
      service: "kubelite",
      lines: 3,
      xtraceLines: 1,
      host: "kube05",
      firstTimestamp: "2021-07-31T10:52:31Z",
      lastTimestamp: "2021-07-31T10:52:33Z",
      yearHint: 2021,
      snapRevision: "2346",
    });
  });

  it("reads systemctl.log: Active state, year and revision", () => {
    const text = [
      "● snap.microk8s.daemon-k8s-dqlite.service - Service for snap application microk8s.daemon-k8s-dqlite",
      "     Loaded: loaded (/etc/systemd/system/snap.microk8s.daemon-k8s-dqlite.service; enabled; vendor preset: enabled)",
      "     Active: activating (auto-restart) (Result: exit-code) since Tue 2024-10-29 17:40:59 IST; 2s ago",
      "    Process: 1259 ExecStart=/usr/bin/snap run microk8s.daemon-k8s-dqlite (code=exited, status=1/FAILURE)",
      "   Main PID: 1259 (code=exited, status=1/FAILURE)",
      "     CGroup: /system.slice/snap.microk8s.daemon-k8s-dqlite.service",
      "             └─1259 /snap/microk8s/7231/bin/k8s-dqlite --storage-dir=/var/snap/microk8s/7231/var/kubernetes/backend/",
      "",
      'Oct 29 17:41:05 microk8s-vm microk8s.daemon-k8s-dqlite[1259]: time="2024-10-29T17:41:05+05:30" level=info msg="Starting dqlite"',
    ].join("\n");
    const summary = summarizeServiceLog("snap.microk8s.daemon-k8s-dqlite/systemctl.log", text);
    expect(summary).toMatchObject({
      activeState: "activating (auto-restart)",
      yearHint: 2024,
      snapRevision: "7231",
      host: "microk8s-vm",
      lines: 9,
    });
  });

  it("reads snapctl.log (strict): state from the Current column", () => {
    const text = [
      "Service                     Startup  Current   Notes",
      "microk8s.daemon-k8s-dqlite  enabled  inactive  -",
    ].join("\n");
    expect(summarizeServiceLog("microk8s.daemon-k8s-dqlite/snapctl.log", text)?.activeState).toBe("inactive");
    const other = "Service  Startup  Current  Notes\nmicrok8s.something  enabled  active  -\n";
    expect(summarizeServiceLog("microk8s.daemon-kubelite/snapctl.log", other)?.activeState).toBe("active");
  });

  it("ties between host names go to the later one", () => {
    const text = "Apr 15 17:15:45 MSI systemd[1]: a\nApr 15 17:41:33 msi systemd[1]: b\n";
    expect(summarizeServiceLog("snap.microk8s.daemon-containerd/journal.log", text)).toMatchObject({
      host: "msi",
      hosts: ["MSI", "msi"],
    });
  });

  it("survives huge lines, invalid UTF-8 and binary garbage", () => {
    const prefix = "Oct 29 17:22:58 microk8s-vm microk8s.daemon-k8s-dqlite[2828]: ";
    const content = Buffer.concat([
      Buffer.from(`${prefix}${"x".repeat(3 * 1024 * 1024)}\n`),
      Buffer.from(`${prefix}bad utf8 `),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe, 0x00, 0x01, 0x1b, 0x5b]),
      Buffer.from("\n"),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)),
      Buffer.from(`\n${prefix}Scheduled restart job, restart counter is at 4.\n`),
    ]);
    const { out, warnings } = runParsers({ "snap.microk8s.daemon-k8s-dqlite/journal.log": content }, 4096);
    const summary = out.journals["snap.microk8s.daemon-k8s-dqlite/journal.log"];
    expect(warnings).toEqual([]);
    expect(summary.host).toBe("microk8s-vm");
    expect(summary.maxRestartCounter).toBe(4);
    expect(summary.lines).toBeGreaterThanOrEqual(4);
    expect(summary.lastTimestamp).toBe("Oct 29 17:22:58");
  });

  it("keeps no more than a bounded number of host names", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `Oct 29 17:22:58 host${i} systemd[1]: x`).join("\n");
    const summary = summarizeServiceLog("snap.microk8s.daemon-kubelite/journal.log", lines);
    expect(summary?.hosts.length).toBeLessThanOrEqual(64);
    expect(summary?.lines).toBe(1000);
  });
});
