/**
 * Benchmark child: the four reports of the #3735 incident, end to end over loopback. The real server
 * (src/server.ts) runs against the GitHub API stand-in; the tarballs are served by a local HTTP
 * server; a signed issues.opened webhook is POSTed and the time until the stand-in holds the final
 * analysis comment (not the ⏳ placeholder) is measured. Several issues in a row: the first runs on a
 * freshly started (cold) server.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import { startServer } from "../../src/server.js";
import { GitHubStandIn } from "../../test/support/github-stand-in.js";
import { deliver, issuesEvent } from "../../test/support/webhook.js";
import { fail, peakRssBytes, printResult } from "./report.js";

const SECRET = "bench-webhook-secret";
const OWNER = "canonical";
const REPO = "microk8s";
const PLACEHOLDER = "⏳";
const TIMEOUT_MS = 120_000;

async function serveFiles(paths: string[]): Promise<{ urls: string[]; close(): Promise<void> }> {
  const files = new Map(paths.map((path, i) => [`/files/${i}/${basename(path)}`, readFileSync(path)]));
  const server = createServer((req, res) => {
    const data = files.get((req.url ?? "").split("?")[0]);
    if (!data) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": String(data.length) });
    res.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: [...files.keys()].map((path) => `${origin}${path}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2]);
  const tarballs = process.argv.slice(3);
  if (!(runs > 0) || tarballs.length === 0) throw new Error("usage: incident <runs> <report.tar.gz>…");
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const standIn = await GitHubStandIn.start({ appKey: publicKey });
  const files = await serveFiles(tarballs);
  const env: NodeJS.ProcessEnv = {
    APP_ID: String(standIn.appId),
    PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: standIn.host,
    GHE_PROTOCOL: "http",
    ATTACHMENT_HOSTS: new URL(files.urls[0]).origin,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
  };
  const server = await startServer(env);
  const webhookUrl = `http://127.0.0.1:${server.port}/api/github/webhooks`;
  const body = [
    "#### Summary",
    "After a power failure kube05 does not come back and the cluster has no leader.",
    "",
    "#### Introspection Report",
    ...files.urls.map((url) => `[${basename(url)}](${url})`),
  ].join("\n");

  const results: {
    ackMs: number;
    placeholderMs: number | null;
    commentMs: number;
    /** The GitHub API calls of this run, in ms after the webhook was sent. */
    calls: { ms: number; call: string }[];
  }[] = [];
  for (let run = 0; run < runs; run++) {
    const issue = standIn.addIssue(OWNER, REPO, { title: "Cluster lost quorum", body, user: "reporter" });
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: issue.user,
    });
    const callsBefore = standIn.calls.length;
    const wallStart = Date.now();
    const t0 = performance.now();
    const delivery = await deliver(webhookUrl, SECRET, { name: "issues", payload });
    const ackMs = performance.now() - t0;
    if (delivery.status < 200 || delivery.status > 299) {
      throw new Error(`webhook answered ${delivery.status}: ${delivery.body}`);
    }
    let placeholderMs: number | null = null;
    const final = await standIn.waitFor(
      () => {
        const comment = standIn.botComments(OWNER, REPO, issue.number)[0];
        if (comment && placeholderMs === null && comment.history[0]?.includes(PLACEHOLDER)) {
          placeholderMs = performance.now() - t0;
        }
        return comment && !comment.body.includes(PLACEHOLDER) ? comment.body : undefined;
      },
      { timeoutMs: TIMEOUT_MS, what: "the final analysis comment" },
    );
    const commentMs = performance.now() - t0;
    if (!final.includes("Quorum")) throw new Error(`unexpected final comment:\n${final.slice(0, 500)}`);
    const calls = standIn.calls.slice(callsBefore).map((call) => ({
      ms: call.at - wallStart,
      call: `${call.method} ${call.path.replace(/\/\d+(?=\/|$)/g, "/:n")} ${call.status}`,
    }));
    results.push({ ackMs, placeholderMs, commentMs, calls });
  }
  await server.close();
  await Promise.all([standIn.close(), files.close()]);
  printResult({ runs: results, peakRssBytes: peakRssBytes() });
}

main().catch(fail);
