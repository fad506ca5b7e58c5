/**
 * SSRF, end to end: signed webhooks → the real server → the real downloader. Attachment links and
 * redirect chains that lead to loopback, link-local, private or odd-spelled addresses are refused
 * before any connection, each with its reason on its own line of the bot's comment.
 *
 * Everything listens on 127.0.0.1. Name resolution is a fixed table (no DNS): the downloader's
 * guard gets the same answers it would get from a resolver. A net guard refuses, and records, any
 * connection attempt outside loopback, so a regression cannot reach 169.254.169.254 or a LAN.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadAttachment } from "../../src/attachments/download.js";
import { singleNodeReport } from "../github/fixtures.js";
import type { GitHubStandIn, StandInIssue } from "../support/github-stand-in.js";
import {
  type Bot,
  inputLines,
  isFinal,
  link,
  OWNER,
  REPO,
  type StubResolver,
  startBot,
  startStandIn,
  stickies,
  stubResolver,
  waitForComment,
} from "./harness.js";
import { LoopbackServer } from "./loopback.js";
import { installNetGuard, type NetGuard } from "./net-guard.js";

const S3_HOST = "github-production-user-asset-6210df.s3.amazonaws.com";
/** What the bot's resolver answers: names GitHub uses, pointed at addresses it must never contact. */
const DNS: Record<string, string[]> = {
  "github.com": ["127.0.0.1"],
  "objects.githubusercontent.com": ["169.254.169.254"],
  "media.githubusercontent.com": ["::1"],
  "private-user-images.githubusercontent.com": ["10.20.30.40"],
  // one public and one private answer: a single bad address refuses the whole name (no rebinding)
  [S3_HOST]: ["140.82.112.3", "192.168.7.7"],
};

let guard: NetGuard;
let standIn: GitHubStandIn;
let files: LoopbackServer;
let trap: LoopbackServer;
let resolver: StubResolver;
let bot: Bot;
let report: Buffer;

beforeAll(async () => {
  guard = installNetGuard();
  standIn = await startStandIn();
  files = await LoopbackServer.start();
  trap = await LoopbackServer.start();
  resolver = stubResolver(DNS);
  report = await singleNodeReport({ host: "ssrf-node" });
  bot = await startBot(standIn, {
    // the attachment server is allowlisted; the trap and the stand-in (the GHE host) are not
    env: { ATTACHMENT_HOSTS: `http://${files.host}`, MAX_ATTACHMENTS: "20" },
    deps: {
      downloadFn: (url, options) => downloadAttachment(url, { ...options, resolve: resolver.resolve }),
    },
  });
});

afterAll(async () => {
  await bot?.close();
  await Promise.all([standIn?.close(), files?.close(), trap?.close()]);
  guard?.uninstall();
});

/** Opens an issue with these links and returns its settled sticky comment. */
async function triage(urls: string[]): Promise<{ issue: StandInIssue; body: string }> {
  const issue = standIn.addIssue(OWNER, REPO, {
    title: "microk8s broken after reboot",
    body: `#### Introspection Report\n${urls.map(link).join("\n")}\n`,
    user: "reporter",
  });
  expect((await bot.opened(issue)).status).toBe(200);
  await waitForComment(standIn, issue, isFinal);
  await bot.idle();
  const comments = stickies(standIn, issue);
  expect(comments).toHaveLength(1);
  return { issue, body: comments[0].body };
}

/** The one comment line for `url`, which must say it was refused for `reason`. */
function expectRefused(body: string, url: string, reason: string | RegExp): void {
  const lines = inputLines(body, url);
  expect(lines, url).toHaveLength(1);
  expect(lines[0], url).toContain("could not be fetched or read: download failed:");
  if (typeof reason === "string") expect(lines[0], url).toContain(reason);
  else expect(lines[0], url).toMatch(reason);
}

/** Nothing outside loopback was tried, the trap saw nothing, and the stand-in served no file. */
function expectNoForbiddenContact(): void {
  expect(guard.attempts.filter((attempt) => attempt.refused)).toEqual([]);
  expect(guard.attemptsTo(443)).toEqual([]);
  expect(guard.attemptsTo(80)).toEqual([]);
  expect(guard.attemptsTo(trap.port)).toEqual([]);
  expect(trap.connections).toBe(0);
  expect(trap.requests).toEqual([]);
  // every request the stand-in saw was an API call: no attachment was fetched from the GHE host
  expect(standIn.calls.filter((call) => /\/files\//.test(call.path))).toEqual([]);
}

describe("links to forbidden targets", () => {
  it("refuses the GHE host on loopback and a github.com link whose name resolves to loopback", async () => {
    const good = files.serve("inspection-report-20241101_100000.tar.gz", report);
    const gheOnLoopback = `http://${standIn.host}/${OWNER}/${REPO}/files/4242/inspection-report-ghe.tar.gz`;
    const nameToLoopback = "https://github.com/user-attachments/files/4243/inspection-report-dns.tar.gz";
    // not attachment hosts at all: never picked up, never contacted
    const ignored = [
      "http://169.254.169.254/user-attachments/files/1/inspection-report.tar.gz",
      `http://[::1]:${trap.port}/user-attachments/files/2/inspection-report.tar.gz`,
      "http://10.0.0.8/user-attachments/files/3/inspection-report.tar.gz",
      "http://192.168.1.1/canonical/microk8s/files/4/inspection-report.tar.gz",
      `http://${trap.host}/user-attachments/files/5/inspection-report.tar.gz`,
    ];
    const queriesBefore = resolver.queries.length;
    const { body } = await triage([good, gheOnLoopback, nameToLoopback, ...ignored]);

    expect(inputLines(body, good)[0]).toMatch(/— analysed/);
    expect(body).toContain("ssrf-node");
    expectRefused(body, gheOnLoopback, `link to a private or local address: ${standIn.host}`);
    expectRefused(
      body,
      nameToLoopback,
      "github.com resolves to a private or local address (127.0.0.1); list it in ATTACHMENT_HOSTS to allow it",
    );
    for (const url of ignored) expect(body).not.toContain(url);
    // github.com was looked up once (the refusal is not retried); nothing else was
    expect(resolver.queries.slice(queriesBefore)).toEqual(["github.com"]);
    expect(files.requestsFor(good)).toHaveLength(1);
    // the guard does see the downloader's connections (to the allowlisted server)
    expect(guard.attemptsTo(files.port).length).toBeGreaterThan(0);
    expectNoForbiddenContact();
  });
});

describe("redirect chains from an allowed host", () => {
  it("refuses hops to hosts outside the allowlist, odd spellings and other schemes, before connecting", async () => {
    const targets: [location: string, reason: string][] = [
      [
        `${trap.origin}/files/1/inspection-report.tar.gz`,
        `redirected to a host that is not allowed: ${trap.host}`,
      ],
      [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "redirected to a host that is not allowed: 169.254.169.254",
      ],
      [
        `http://[::1]:${trap.port}/inspection-report.tar.gz`,
        `redirected to a host that is not allowed: [::1]:${trap.port}`,
      ],
      ["http://10.0.0.8/inspection-report.tar.gz", "redirected to a host that is not allowed: 10.0.0.8"],
      ["http://172.16.5.4/inspection-report.tar.gz", "redirected to a host that is not allowed: 172.16.5.4"],
      [
        "https://192.168.1.1/inspection-report.tar.gz",
        "redirected to a host that is not allowed: 192.168.1.1",
      ],
      // 2130706433 and 0x7f.1 are 127.0.0.1 in other spellings
      [
        `http://2130706433:${trap.port}/inspection-report.tar.gz`,
        "redirected to a host in a non-standard spelling (127.0.0.1)",
      ],
      [
        `http://0x7f.1:${trap.port}/inspection-report.tar.gz`,
        "redirected to a host in a non-standard spelling (127.0.0.1)",
      ],
      ["file:///etc/passwd", "redirected to a file: URL, only https is allowed"],
    ];
    const links = targets.map(([location], index) =>
      files.redirect(`inspection-report-hop-${index}.tar.gz`, location),
    );
    // a longer chain: allowed → allowed → link-local
    const secondHop = files.redirect("second-hop.tar.gz", "http://169.254.169.254/latest/user-data");
    const chain = files.redirect("inspection-report-chain.tar.gz", secondHop);
    const queriesBefore = resolver.queries.length;
    const { body } = await triage([...links, chain]);

    targets.forEach(([, reason], index) => {
      expectRefused(body, links[index], reason);
    });
    expectRefused(body, chain, "redirected to a host that is not allowed: 169.254.169.254");
    expect(files.requestsFor(chain)).toHaveLength(1);
    expect(files.requestsFor(secondHop)).toHaveLength(1);
    // each link was asked for once: a refusal is final, not retried
    for (const url of links) expect(files.requestsFor(url)).toHaveLength(1);
    expect(resolver.queries.slice(queriesBefore)).toEqual([]);
    expectNoForbiddenContact();
  });

  it("refuses allowlisted storage names that resolve to private addresses, and the GHE host on loopback", async () => {
    const hops: [location: string, reason: string][] = [
      [
        "https://objects.githubusercontent.com/github-production-repository-file-5c1aeb/1/inspection-report.tar.gz",
        "objects.githubusercontent.com resolves to a private or local address (169.254.169.254)",
      ],
      [
        "https://media.githubusercontent.com/media/canonical/microk8s/inspection-report.tar.gz",
        "media.githubusercontent.com resolves to a private or local address (::1)",
      ],
      [
        "https://private-user-images.githubusercontent.com/1/inspection-report.tar.gz?jwt=x",
        "private-user-images.githubusercontent.com resolves to a private or local address (10.20.30.40)",
      ],
      [
        `https://${S3_HOST}/1/inspection-report.tar.gz?X-Amz-Signature=x`,
        `${S3_HOST} resolves to a private or local address (192.168.7.7)`,
      ],
      [
        `http://${standIn.host}/${OWNER}/${REPO}/files/77/inspection-report.tar.gz`,
        `redirected to a private or local address: ${standIn.host}`,
      ],
    ];
    const links = hops.map(([location], index) =>
      files.redirect(`inspection-report-storage-${index}.tar.gz`, location),
    );
    const queriesBefore = resolver.queries.length;
    const { body } = await triage(links);

    hops.forEach(([, reason], index) => {
      expectRefused(body, links[index], reason);
    });
    // the signed query strings of storage links never reach the comment
    expect(body).not.toContain("X-Amz-Signature");
    expect(body).not.toContain("jwt=");
    expect([...resolver.queries.slice(queriesBefore)].sort()).toEqual(
      [
        "media.githubusercontent.com",
        "objects.githubusercontent.com",
        "private-user-images.githubusercontent.com",
        S3_HOST,
      ].sort(),
    );
    expectNoForbiddenContact();
  });
});
