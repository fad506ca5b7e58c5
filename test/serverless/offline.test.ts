/**
 * End to end under `osls offline` (what `npm run offline` runs): the real receiver and worker
 * bundles, the receiver handing off through serverless-offline's emulation of Lambda's async
 * Invoke API, the worker running the Probot app against the local GitHub stand-in and downloading
 * the four incident reports from a local attachment server. Then `osls package` and the bundles.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bundledSources,
  listZip,
  measureBundle,
  RECEIVER_CODE_BUDGET_BYTES,
} from "../../scripts/bundle-size.js";
import { COMMENT_MARKER } from "../../src/render/markdown.js";
import { GitHubStandIn, type StandInIssue } from "../support/github-stand-in.js";
import { incident3735 } from "../support/reports.js";
import { issuesEvent } from "../support/webhook.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OSLS = join(ROOT, "node_modules", ".bin", "osls");
const SECRET = "offline-e2e-secret";
const OWNER = "canonical";
const REPO = "microk8s";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

// ------------------------------------------------------------------ local servers

/** Attachments on 127.0.0.1; while the gate is closed, requests are held (not answered). */
class GatedFiles {
  readonly requested: string[] = [];
  #files = new Map<string, Buffer>();
  #open = false;
  #waiting: (() => void)[] = [];
  #server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    this.requested.push(path);
    const answer = () => {
      const data = this.#files.get(path);
      if (!data) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/gzip", "content-length": String(data.length) });
      res.end(data);
    };
    if (this.#open) answer();
    else this.#waiting.push(answer);
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  serve(name: string, data: Buffer): string {
    const path = `/files/${1000 + this.#files.size}/${name}`;
    this.#files.set(path, data);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  close(): void {
    this.#open = false;
  }

  open(): void {
    this.#open = true;
    for (const answer of this.#waiting.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.open();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment without the developer's AWS/GitHub settings, plus `extra`. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|GHE_|APP_ID$|PRIVATE_KEY|WEBHOOK_SECRET$|ATTACHMENT_HOSTS$|OPENAI_|LOG_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

async function postWebhook(
  url: string,
  name: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify(payload);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": `offline-${Date.now()}-${Math.random().toString(16).slice(2)}`,
      "x-hub-signature-256": await sign(SECRET, body),
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    at: Date.now(),
  };
}

// ------------------------------------------------------------------ osls offline process

interface Offline {
  child: ChildProcess;
  output: () => string;
}

async function startOffline(env: NodeJS.ProcessEnv, httpPort: number, lambdaPort: number): Promise<Offline> {
  // node_modules/.bin/osls directly (not npx): SIGINT then reaches the process that owns the ports
  const child = spawn(
    OSLS,
    ["offline", "start", "--httpPort", String(httpPort), "--lambdaPort", String(lambdaPort)],
    {
      cwd: ROOT,
      env,
      detached: true, // its own process group, so that nothing it starts can outlive the test
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  let onOutput = () => {};
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      onOutput();
    });
  }
  const offline = { child, output: () => output };
  // if the test run itself is killed, do not leave the emulator holding its ports
  process.once("exit", () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`osls offline not ready after 90 s:\n${output}`)),
        90_000,
      );
      onOutput = () => {
        if (!output.includes("Server ready")) return;
        clearTimeout(timer);
        resolve();
      };
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`osls offline exited with ${code} before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await stopOffline(offline);
    throw error;
  }
  return offline;
}

async function stopOffline(offline: Offline | undefined): Promise<void> {
  const child = offline?.child;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  try {
    // whatever is left in its group (esbuild's service process, a stuck worker)
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
  if (!stopped) await exited;
}

// ------------------------------------------------------------------ tests

describe("npm run offline: receiver → async Invoke → worker", () => {
  let standIn: GitHubStandIn;
  const files = new GatedFiles();
  let offline: Offline | undefined;
  let webhookUrl = "";
  let reportUrls: string[] = [];

  beforeAll(async () => {
    standIn = await GitHubStandIn.start({ appKey: publicKey });
    await files.start();
    const reports = await incident3735();
    reportUrls = reports.map((report) => files.serve(report.name, report.data));
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    offline = await startOffline(
      cleanEnv({
        APP_ID: String(standIn.appId),
        PRIVATE_KEY: PRIVATE_KEY_PEM,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: standIn.host,
        GHE_PROTOCOL: "http",
        ATTACHMENT_HOSTS: `127.0.0.1:${files.port}`,
        WORKER_LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`,
        LOG_LEVEL: "warn",
      }),
      httpPort,
      lambdaPort,
    );
    webhookUrl = `http://127.0.0.1:${httpPort}/api/github/webhooks`;
  }, 180_000);

  afterAll(async () => {
    await stopOffline(offline);
    await files.stop();
    await standIn?.close();
  }, 30_000);

  const newIssue = (body: string): StandInIssue =>
    standIn.addIssue(OWNER, REPO, { title: "Inconsistent control plane state", body, user: "kube-admin" });

  it("answers 202 before the worker finishes, then the worker posts the triage comment", async () => {
    const body = [
      "After kube07 re-joined, the datastore keeps timing out. Reports from all four nodes:",
      "",
      ...reportUrls.map((url) => `- [${url.split("/").pop()}](${url})`),
    ].join("\n");
    const issue = newIssue(body);
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("kube-admin"),
    });

    // Attachments are held until the receiver has answered: a receiver that waited for the
    // worker would never answer (and this POST would time out).
    files.close();
    const sent = Date.now();
    let ack: Awaited<ReturnType<typeof postWebhook>>;
    try {
      ack = await postWebhook(webhookUrl, "issues", payload);
      expect(ack.status).toBe(202);
      expect(ack.body).toEqual({ accepted: expect.any(String) });
      expect(
        standIn.botComments(OWNER, REPO, issue.number).filter((c) => c.body.includes("### Quorum")),
      ).toEqual([]);
      // the worker is running meanwhile: it asks for the attachments
      await standIn.waitFor(() => files.requested.length > 0, {
        timeoutMs: 60_000,
        what: "the worker's downloads",
      });
    } finally {
      files.open();
    }

    const comment = await standIn.waitFor(
      () => standIn.botComments(OWNER, REPO, issue.number).find((c) => c.body.includes("### Quorum")),
      { timeoutMs: 120_000, what: "the triage comment" },
    );
    const posted = standIn
      .callsTo("POST", new RegExp(`/repos/${OWNER}/${REPO}/issues/${issue.number}/comments$`))
      .concat(standIn.callsTo("PATCH", /\/issues\/comments\/\d+$/))
      .filter((call) => JSON.stringify(call.body ?? "").includes("### Quorum"));
    expect(posted.length).toBeGreaterThan(0);
    expect(ack.at - sent).toBeLessThan(10_000); // within GitHub's delivery timeout
    expect(posted[0].at).toBeGreaterThan(ack.at);

    expect(comment.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment.body).toContain("### Departed nodes");
    expect(comment.body).toContain("### Disk errors");
    // all four reports were fetched and analysed together
    for (const url of reportUrls) expect(files.requested).toContain(new URL(url).pathname);
    for (const node of ["kube05", "kube06", "kube07", "kube08"]) expect(comment.body).toContain(node);
  }, 240_000);

  it("rejects a bad signature with 401 and a missing header with 400, without waking the worker", async () => {
    const issue = newIssue("nothing attached");
    const payload = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("x"),
    });
    const callsBefore = standIn.calls.length;

    const forged = await postWebhook(webhookUrl, "issues", payload, {
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const missing = await postWebhook(webhookUrl, "issues", payload, { "x-github-delivery": "" });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe("missing header x-github-delivery");

    const fromBot = issuesEvent("opened", {
      installationId: standIn.installationId,
      issue,
      sender: standIn.user("renovate[bot]", "Bot"),
    });
    const ignored = await postWebhook(webhookUrl, "issues", fromBot);
    expect(ignored).toMatchObject({ status: 202, body: { ignored: "sender renovate[bot] is a bot" } });

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(standIn.calls.length).toBe(callsBefore);
  }, 60_000);
});

describe("npm run package: the deployment bundles", () => {
  const outDir = mkdtempSync(join(tmpdir(), "report-triage-package-"));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("packages both functions offline; the receiver is small and holds no Probot or analysis code", async () => {
    await promisify(execFile)(OSLS, ["package", "--package", outDir], {
      cwd: ROOT,
      env: cleanEnv({}),
      timeout: 180_000,
    });
    const webhookZip = join(outDir, "webhook.zip");
    const workerZip = join(outDir, "worker.zip");
    expect(existsSync(webhookZip)).toBe(true);
    expect(existsSync(workerZip)).toBe(true);

    const receiver = readFileSync(webhookZip);
    const worker = readFileSync(workerZip);
    expect(measureBundle("webhook.zip", receiver).codeBytes).toBeLessThan(RECEIVER_CODE_BUDGET_BYTES);
    expect(listZip(receiver).map((entry) => entry.name)).toContain("functions/webhook.mjs");

    const heavy =
      /node_modules\/(probot|@octokit\/rest|@octokit\/webhooks\/|tar|yaml|openai|pino)\/|src\/(analysis|parsers|report|rules|render|attachments|engine|github\/app)/;
    const receiverSources = bundledSources(receiver);
    expect(receiverSources.some((source) => source.endsWith("functions/webhook.ts"))).toBe(true);
    expect(receiverSources.filter((source) => heavy.test(source))).toEqual([]);
    // the same check finds them in the worker, so it would catch them in the receiver
    const workerSources = bundledSources(worker);
    expect(workerSources.some((source) => source.includes("node_modules/probot/"))).toBe(true);
    expect(workerSources.some((source) => source.includes("src/analysis/"))).toBe(true);
    // read from the working directory (/var/task) at run time
    expect(listZip(worker).map((entry) => entry.name)).toContain("src/rules/signatures.yaml");
  }, 200_000);

  it("the packaged receiver runs on its own and hands off with an async Invoke", async () => {
    const extracted = join(outDir, "webhook");
    const entry = listZip(readFileSync(join(outDir, "webhook.zip"))).find(
      (e) => e.name === "functions/webhook.mjs",
    );
    expect(entry).toBeDefined();
    const bundle = join(extracted, "functions", "webhook.mjs");
    mkdirSync(dirname(bundle), { recursive: true });
    writeFileSync(bundle, entry!.read());

    const invocations: { path: string; type: string | undefined; body: string }[] = [];
    const lambdaApi = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        invocations.push({ path: req.url ?? "", type: req.headers["x-amz-invocation-type"] as string, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => lambdaApi.listen(0, "127.0.0.1", resolve));
    try {
      const payload = { action: "opened", issue: { number: 1 }, sender: { login: "a", type: "User" } };
      const body = JSON.stringify(payload);
      const event = {
        version: "2.0",
        headers: {
          "x-github-event": "issues",
          "x-github-delivery": "d-pkg",
          "x-hub-signature-256": await sign(SECRET, body),
        },
        body,
        isBase64Encoded: false,
      };
      const script = `const { handler } = await import(${JSON.stringify(`./functions/webhook.mjs`)});
        process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)})));`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
        cwd: extracted,
        env: cleanEnv({
          WEBHOOK_SECRET: SECRET,
          WORKER_FUNCTION_NAME: "report-triage-dev-worker",
          WORKER_LAMBDA_ENDPOINT: `http://127.0.0.1:${(lambdaApi.address() as AddressInfo).port}`,
          LOG_LEVEL: "silent",
          AWS_REGION: "us-east-1",
        }),
        timeout: 30_000,
      });
      expect(JSON.parse(stdout)).toMatchObject({
        statusCode: 202,
        body: JSON.stringify({ accepted: "d-pkg" }),
      });
      expect(invocations).toEqual([
        {
          path: "/2015-03-31/functions/report-triage-dev-worker/invocations",
          type: "Event",
          body: JSON.stringify({ id: "d-pkg", name: "issues", payload }),
        },
      ]);
    } finally {
      lambdaApi.closeAllConnections();
      await new Promise<void>((resolve) => lambdaApi.close(() => resolve()));
    }
  }, 60_000);
});
