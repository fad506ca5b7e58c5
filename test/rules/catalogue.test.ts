import { describe, expect, it } from "vitest";
import {
  buildCatalogue,
  CatalogueError,
  checkUserRegex,
  loadCatalogue,
  validateRules,
} from "../../src/rules/catalogue.js";
import { rulesForFile } from "../../src/rules/paths.js";
import { unboundedWildcards } from "../../src/rules/regex-analysis.js";
import { effectiveSeverity } from "../../src/rules/severity.js";
import type { SignatureRule } from "../../src/rules/types.js";
import { hitOf, pathForRule, scan, xtrace } from "./helpers.js";

const catalogue = loadCatalogue();
const regexRules = catalogue.rules.filter((r) => typeof r.regex === "string");

/** Every id of report-format.md §4 (tables A–G). */
const SECTION_4_IDS = [
  "dqlite.query-deadline",
  "dqlite.query-canceled",
  "dqlite.database-locked",
  "dqlite.no-leader",
  "dqlite.peer-unreachable",
  "dqlite.start-failed",
  "dqlite.raft-segment-corrupt",
  "dqlite.raft-snapshot-corrupt",
  "dqlite.tls-proxy",
  "dqlite.watch-cancel",
  "dqlite.existing-state",
  "dqlite.address-mismatch",
  "dqlite.unknown-flag",
  "dqlite.low-disk-check",
  "dqlite.service-crashloop",
  "dqlite.aio-exhausted",
  "kubelite.crashloop",
  "kubelite.leaderelection-lost",
  "kubelite.lease-renew-timeout",
  "apiserver.datastore-deadline",
  "apiserver.slow-request",
  "kubelite.startup-deadline",
  "apiserver.unreachable",
  "apiserver.port-conflict",
  "cert.serving-cert-missing",
  "node.notready",
  "kubelet.pleg-unhealthy",
  "kubelet.node-not-found",
  "kubelet.hostname-rbac",
  "kubelet.cni-not-ready",
  "cert.expired",
  "time.skew",
  "cert.ca-expiring",
  "disk.no-space",
  "disk.usage-high",
  "kernel.io-error",
  "kernel.ext4-error",
  "kernel.oom",
  "mem.low",
  "dqlite.backend-large",
  "containerd.shim-failed",
  "containerd.sandbox-failed",
  "calico.unauthorized",
  "calico.datastore-unreachable",
  "flannel.etcd-unavailable",
  "flannel.subnet-env-missing",
  "containerd.cgroup-v2-stats",
  "kubelet.existing-container-task-not-found",
  "quorum.single-node",
  "quorum.two-voters",
  "quorum.not-ha",
  "quorum.at-risk",
  "quorum.stale-member",
  "quorum.loopback-in-multi",
  "quorum.self-missing",
  "quorum.self-role",
  "dqlite.join-incomplete",
  "dqlite.legacy-localnode",
  "dqlite.no-snapshot",
  "dqlite.many-open",
];

describe("built-in catalogue", () => {
  it("holds every signature of the format reference, with unique ids", () => {
    const ids = catalogue.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of SECTION_4_IDS) expect(ids, id).toContain(id);
    expect(catalogue.byId.get("dqlite.query-deadline")?.title).toMatch(/deadline/i);
  });

  it("marks the conditions computed from parsed files as computed", () => {
    for (const id of [
      "dqlite.aio-exhausted",
      "disk.usage-high",
      "mem.low",
      "dqlite.backend-large",
      "apiserver.port-conflict",
    ]) {
      expect(catalogue.byId.get(id)?.computed, id).toBe(true);
    }
    for (const r of catalogue.rules.filter((x) => x.id.startsWith("quorum.")))
      expect(r.computed, r.id).toBe(true);
  });

  it("gives every rule a docs URL or null, a title and a meaning", () => {
    for (const r of catalogue.rules) {
      expect(r.docs === null || /^https:\/\/\S+$/.test(r.docs), r.id).toBe(true);
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.meaning.length, r.id).toBeGreaterThan(20);
    }
  });

  it("returns the same cached object without extras", () => {
    expect(loadCatalogue()).toBe(catalogue);
  });

  it("runs console-output rules only on @console", () => {
    const consoleRules = rulesForFile(catalogue, "@console").map((r) => r.id);
    expect(consoleRules).toContain("inspect.service-not-running");
    expect(consoleRules).toContain("cert.ca-expiring");
    expect(consoleRules).toContain("apiserver.port-conflict");
    expect(consoleRules).not.toContain("dqlite.query-deadline");
    const journalRules = rulesForFile(catalogue, "snap.microk8s.daemon-k8s-dqlite/journal.log").map(
      (r) => r.id,
    );
    expect(journalRules).not.toContain("inspect.service-not-running");
    expect(rulesForFile(catalogue, "dqlite/cluster.yaml")).toEqual([]);
  });
});

describe.each(regexRules.map((r) => [r.id, r] as const))("rule %s", (_id, rule) => {
  const path = pathForRule(rule);

  it("applies to a report path", () => {
    expect(path).toBeDefined();
  });

  it("matches its example through the scanner", () => {
    const example = rule.example?.line as string;
    const text = [
      "Oct 29 17:22:58 node1 systemd[1]: Started Service for snap application microk8s.daemon-x.",
      xtrace(`echo '${example.replace(/'/g, "")}'`),
      example,
      "",
    ].join("\n");
    const hit = hitOf(scan(catalogue, path as string, text, { yearHint: 2024 }), rule.id);
    expect(hit, `${rule.id} on ${path}`).toBeDefined();
    expect(hit?.count).toBe(1);
    expect(hit?.samples).toEqual([{ line: 3, text: example }]);
  });

  it("does not match its near miss", () => {
    const hits = scan(catalogue, path as string, `${rule.nearMiss}\n`, { yearHint: 2024 });
    expect(hitOf(hits, rule.id)).toBeUndefined();
  });

  it("cites a source for its example", () => {
    expect(rule.example?.source).toMatch(/^(https:\/\/github\.com\/\S+|message text from .+|public .+)$/);
  });
});

describe("built-in regexes stay fast on hostile lines", () => {
  it("bound every wildcard repeat unless anchored at the line start", () => {
    const offenders = regexRules.filter(
      (r) => !r.regex?.startsWith("^") && unboundedWildcards(r.regex as string) > 0,
    );
    expect(offenders.map((r) => r.id)).toEqual([]);
  });

  it("test a 64 KiB line of repeated near misses quickly", () => {
    let worst = 0;
    let worstId = "";
    for (const r of regexRules) {
      const re = new RegExp(r.regex as string, r.caseSensitive ? "" : "i");
      for (const seed of [r.nearMiss as string, (r.example?.line ?? "").slice(0, -3)]) {
        const line = seed.repeat(Math.ceil(65536 / seed.length)).slice(0, 65536);
        const t = performance.now();
        re.test(line);
        const ms = performance.now() - t;
        if (ms > worst) [worst, worstId] = [ms, r.id];
      }
    }
    expect(worst, worstId).toBeLessThan(250);
  });
});

describe("service folders", () => {
  it("match classic and strict layouts, and the datastore alias covers older generations", () => {
    const line =
      'Jan 30 20:22:45 mk8s01 microk8s.daemon-k8s-dqlite[931]: time="2023-01-30T20:22:45Z" level=error msg="error while range on /registry/health : query (try: 0): context deadline exceeded"';
    for (const path of [
      "snap.microk8s.daemon-k8s-dqlite/journal.log",
      "microk8s.daemon-k8s-dqlite/journal.log",
      "snap.microk8s.daemon-k8s-dqlite/systemctl.log",
      "microk8s.daemon-k8s-dqlite/snapctl.log",
      "snap.microk8s.daemon-kubelite/journal.log",
      "snap.microk8s.daemon-apiserver/journal.log",
    ]) {
      expect(hitOf(scan(catalogue, path, line), "dqlite.query-deadline"), path).toBeDefined();
    }
    expect(
      hitOf(scan(catalogue, "snap.microk8s.daemon-containerd/journal.log", line), "dqlite.query-deadline"),
    ).toBe(undefined);
  });
});

describe("noise rules", () => {
  it("suppress the other rules on their line, and only there", () => {
    const cniInit =
      'Oct 29 17:22:59 node1 microk8s.daemon-containerd[1100]: time="2024-10-29T17:22:59Z" level=error msg="failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: no network config found in /var/snap/microk8s/7231/args/cni-network: cni plugin not initialized: failed to load cni config"';
    const cniLater =
      '2020-10-22T14:08:28Z microk8s.daemon-containerd[56113]: time="2020-10-22T16:08:28.437092800+02:00" level=error msg="Failed to load cni configuration" error="cni config load failed: no network config found in /var/snap/microk8s/1769/args/cni-network: cni plugin not initialized: failed to load cni config"';
    const hits = scan(catalogue, "snap.microk8s.daemon-containerd/journal.log", `${cniInit}\n${cniLater}\n`);
    expect(hitOf(hits, "containerd.cni-init")?.count).toBe(1);
    expect(hitOf(hits, "kubelet.cni-not-ready")?.count).toBe(1);
    expect(hitOf(hits, "kubelet.cni-not-ready")?.samples[0].line).toBe(2);
  });

  it("keep shutdown-time 'database is closed' errors from raising lease findings", () => {
    const line =
      "Oct 29 17:40:02 node1 microk8s.daemon-kubelite[8451]: E1029 17:40:02.180000    8451 leaderelection.go:332] error retrieving resource lock kube-system/kube-scheduler: rpc error: code = Unknown desc = query (try: 0): sql: database is closed";
    const hits = scan(catalogue, "snap.microk8s.daemon-kubelite/journal.log", `${line}\n`);
    expect(hitOf(hits, "kubelite.lease-renew-timeout")).toBeUndefined();
    expect(hitOf(hits, "dqlite.database-closed")?.count).toBe(1);
  });

  it("never become findings", () => {
    const noise = catalogue.rules.filter((r) => r.severity === "noise");
    expect(noise.length).toBeGreaterThanOrEqual(4);
    for (const r of noise)
      expect(effectiveSeverity(r, [{ sustained: true, maxCapture: 99 }])?.severity ?? null).toBeNull();
  });
});

describe("effectiveSeverity", () => {
  const byId = (id: string) => catalogue.byId.get(id) as SignatureRule;
  it("escalates crash loops by restart counter", () => {
    expect(
      effectiveSeverity(byId("kubelite.crashloop"), [{ sustained: false, maxCapture: 3 }])?.severity ?? null,
    ).toBe("medium");
    expect(
      effectiveSeverity(byId("kubelite.crashloop"), [{ sustained: false, maxCapture: 6 }])?.severity ?? null,
    ).toBe("critical");
    expect(
      effectiveSeverity(byId("dqlite.service-crashloop"), [{ sustained: false, maxCapture: null }])
        ?.severity ?? null,
    ).toBe("medium");
  });
  it("escalates sustained bursts and lowers isolated ones", () => {
    expect(
      effectiveSeverity(byId("dqlite.query-deadline"), [{ sustained: false, maxCapture: null }]),
    ).toEqual({
      severity: "low",
      sustained: false,
      isolated: true,
    });
    expect(
      effectiveSeverity(byId("dqlite.query-deadline"), [{ sustained: true, maxCapture: null }])?.severity ??
        null,
    ).toBe("high");
    expect(
      effectiveSeverity(byId("dqlite.query-canceled"), [{ sustained: true, maxCapture: null }])?.severity ??
        null,
    ).toBe("high");
  });
  it("lowers rules that want a sustained burst when it is missing, and keeps them when it is there", () => {
    const rule: SignatureRule = { ...byId("dqlite.query-deadline"), escalate: undefined };
    expect(effectiveSeverity(rule, [{ sustained: false, maxCapture: null }])).toMatchObject({
      severity: "low",
      isolated: true,
    });
    expect(
      effectiveSeverity(rule, [
        { sustained: false, maxCapture: null },
        { sustained: true, maxCapture: null },
      ]),
    ).toEqual({
      severity: "medium",
      sustained: true,
      isolated: false,
    });
  });
});

// ---------------------------------------------------------------------------------------------

const base = {
  id: "custom.thing-failed",
  severity: "high",
  title: "Thing failed",
  meaning: "The thing failed; restart it.",
  docs: null,
  files: ["<svc:kubelite>/journal.log"],
  regex: "thing failed: (\\S+)",
  example: { line: "E0101 thing failed: boom", source: "https://github.com/example/example/issues/1" },
  nearMiss: "I0101 thing succeeded",
};

function errorsFor(rule: Record<string, unknown>, user = false): string[] {
  return validateRules([rule], { user }).errors;
}

describe("validateRules", () => {
  it("accepts a well-formed rule", () => {
    const { rules, errors } = validateRules([base]);
    expect(errors).toEqual([]);
    expect(rules[0]).toMatchObject({ id: "custom.thing-failed", regex: "thing failed: (\\S+)" });
  });

  it.each([
    [{ ...base, colour: "red" }, /unknown key "colour"/],
    [{ ...base, severity: "urgent" }, /severity must be one of/],
    [{ ...base, id: "NoDots" }, /id must be dotted/],
    [{ ...base, regex: "thing (failed" }, /regex does not compile/],
    [{ ...base, example: undefined }, /example \{line, source\} is required/],
    [{ ...base, nearMiss: undefined }, /nearMiss is required/],
    [{ ...base, example: { line: "nothing here", source: "x" } }, /example.line does not match/],
    [{ ...base, nearMiss: "E0101 thing failed: again" }, /nearMiss matches the regex/],
    [{ ...base, files: [] }, /files must be a non-empty list/],
    [{ ...base, files: ["<svc:Bad Name>/x"] }, /bad service placeholder/],
    [{ ...base, files: ["../etc/passwd"] }, /relative to the report folder/],
    [{ ...base, docs: "not a url" }, /docs must be an http\(s\) URL or null/],
    [{ ...base, escalate: { severity: "medium", when: "sustained" } }, /more severe than severity/],
    [{ ...base, escalate: { severity: "critical", when: "sustained" } }, /needs a sustained threshold/],
    [{ ...base, escalate: { severity: "critical", when: { capture: 2, above: 1 } } }, /capture must be 1/],
    [{ ...base, sustained: { minLines: 0, minMinutes: 1 } }, /minLines must be a whole number/],
    [
      { ...base, regex: undefined, example: undefined, nearMiss: undefined },
      /needs a regex \(or computed: true\)/,
    ],
    [{ ...base, regex: "ab|\\d+" }, /literal of at least 3 characters/],
    [
      {
        ...base,
        severity: "noise",
        escalate: { severity: "high", when: "sustained" },
        sustained: { minLines: 1, minMinutes: 1 },
      },
      /noise rules cannot escalate/,
    ],
  ])("rejects %j", (rule, message) => {
    const errors = errorsFor(rule as Record<string, unknown>);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(message);
    expect(errors.every((e) => e.startsWith('rule "') || e.startsWith("rule #"))).toBe(true);
  });

  it("names the rule in every message and reports duplicates", () => {
    const { rules, errors } = validateRules({
      signatures: [base, base, { ...base, id: "other.rule", severity: 3 }],
    });
    expect(rules).toHaveLength(1);
    expect(errors).toContain('rule "custom.thing-failed": duplicate id');
    expect(errors.some((e) => e.startsWith('rule "other.rule": severity'))).toBe(true);
  });

  it("rejects unknown top-level keys and non-lists", () => {
    expect(validateRules({ signatures: [], extra: 1 }).errors).toContain(
      'catalogue: unknown top-level key "extra"',
    );
    expect(validateRules("nope").errors[0]).toMatch(/expected a list of rules/);
  });

  it("accepts computed rules without regex or examples", () => {
    const { errors } = validateRules([
      {
        id: "x.computed",
        severity: "info",
        title: "Computed thing",
        meaning: "Something derived from files.",
        docs: null,
        files: ["dqlite/list.out"],
        computed: true,
      },
    ]);
    expect(errors).toEqual([]);
  });
});

describe("user rules", () => {
  const user = { ...base, example: undefined, nearMiss: undefined };

  it("need no example and are added after the built-in ones", () => {
    const cat = loadCatalogue([user]);
    expect(cat).not.toBe(catalogue);
    expect(cat.rules.at(-1)?.id).toBe("custom.thing-failed");
    expect(cat.rules.length).toBe(catalogue.rules.length + 1);
    const hits = scan(cat, "snap.microk8s.daemon-kubelite/journal.log", "E0101 thing failed: boom\n");
    expect(hitOf(hits, "custom.thing-failed")?.captures).toEqual(["boom"]);
  });

  it("may not reuse built-in ids, be computed, or use dangerous patterns", () => {
    expect(() => loadCatalogue([{ ...user, id: "dqlite.query-deadline" }])).toThrow(CatalogueError);
    try {
      loadCatalogue([
        { ...user, id: "dqlite.query-deadline" },
        { ...user, id: "x.y", regex: "(a+)+thing" },
      ]);
    } catch (e) {
      const errors = (e as CatalogueError).errors;
      expect(errors).toContain('rule "dqlite.query-deadline": id is already used by a built-in rule');
      expect(errors.some((m) => m.startsWith('rule "x.y": regex rejected: nested quantifiers'))).toBe(true);
    }
    expect(errorsFor({ ...user, computed: true }, true).join()).toMatch(
      /computed rules cannot come from a repository/,
    );
  });

  it("are still checked against an example when they give one", () => {
    expect(errorsFor({ ...user, nearMiss: "E0101 thing failed: x" }, true).join()).toMatch(
      /nearMiss matches/,
    );
  });
});

describe("checkUserRegex", () => {
  it.each([
    ["(a+)+b", /nested quantifiers/],
    ["(.*)*foo", /nested quantifiers/],
    ["(\\w+\\s?)*end", /nested quantifiers/],
    ["(x|x)*abc", /repeated alternation/],
    ["(ab|a)+xyz", /repeated alternation/],
    ["(foo|)+bar", /repeated alternation/],
    ["(abc)\\1", /backreferences/],
    ["(?<w>abc)\\k<w>", /backreferences/],
    ["foo(?=bar)", /lookahead/],
    ["(?<!x)foo", /lookbehind/],
    ["a.*b.*c.*dddd", /too many unbounded wildcards/],
    ["\\d+\\s+", /literal of at least 3 characters/],
    ["ab|cde", /literal of at least 3 characters/],
    ["x".repeat(501), /at most 500/],
    ["foo(", /does not compile/],
    ["", /empty/],
  ])("rejects %s", (src, message) => {
    expect(checkUserRegex(src)).toMatch(message);
  });

  it.each([
    "thing failed: (\\S+)",
    'error (?:in txn|while range on [^"]*): context canceled',
    "(?:foo|bar)+ baz",
    "attempt \\d+: server (\\S+:\\d+): .*connection refused",
    "(?:\\d{1,3}\\.){3}\\d{1,3} unreachable",
  ])("accepts %s", (src) => {
    expect(checkUserRegex(src)).toBeNull();
  });
});

describe("buildCatalogue", () => {
  it("indexes rules by id", () => {
    const cat = buildCatalogue(validateRules([base]).rules);
    expect(cat.byId.get("custom.thing-failed")?.severity).toBe("high");
  });
});
