/**
 * Secrets planted in a report (args files, token files, kubeconfigs, PEM keys and bearer tokens in
 * journals, join URLs, credentials in URLs) and in the issue itself never leave the process: not in
 * the comment, the JSON, the logs at `info`, the GitHub API calls, or anything sent to a model.
 *
 * Extra rules quote every planted line as evidence, so evidence redaction is exercised on each.
 * The bot runs as the real server (src/server.ts) in a child process with LOG_LEVEL=info; its
 * stdout and stderr are the logs. GitHub is the local stand-in; the model is a local fake
 * OpenAI-compatible endpoint that records what it is sent.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildReport } from "../../scripts/samples/builder.js";
import { analyze, loadCatalogueWithExtras } from "../../src/engine.js";
import { buildExplainPrompt } from "../../src/explain/prompt.js";
import { createParsedReport, parserFor } from "../../src/parsers/index.js";
import { createPseudonymizer } from "../../src/redact/pseudonymize.js";
import { PLACEHOLDER, redact } from "../../src/redact/redact.js";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import type { AnalysisResult } from "../../src/result/types.js";
import { AttachmentServer } from "../github/fixtures.js";
import { GitHubStandIn } from "../support/github-stand-in.js";
import { deliver, issueCommentEvent, issuesEvent } from "../support/webhook.js";
import {
  FORCED_RULE_IDS,
  FORCED_RULES,
  issueBody,
  KNOWN_TOKENS,
  leakedSecrets,
  PLANTED_LINES,
  plantedSpec,
  SECRETS,
  secretLines,
} from "./secrets-fixture.js";
import { projectPath } from "./support.js";

const NAME = "inspection-report-20250303_210512.tar.gz";
let report: Buffer;
let forced: AnalysisResult;

beforeAll(async () => {
  report = await buildReport(plantedSpec());
  const { catalogue, errors } = loadCatalogueWithExtras(FORCED_RULES);
  expect(errors).toEqual([]);
  forced = await analyze([{ kind: "buffer", data: report, name: NAME }], { catalogue });
}, 60_000);

/** The evidence text, with each placeholder standing for "something", as a pattern for the original line. */
function redactedPattern(text: string): RegExp {
  const parts = text.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}

describe("the analysis, rendered", () => {
  it("quotes every planted secret line as evidence, with only the secrets replaced", () => {
    const evidence = forced.findings
      .filter((f) => FORCED_RULE_IDS.includes(f.id))
      .flatMap((f) => f.evidence.map((e) => e.text));
    for (const id of FORCED_RULE_IDS) {
      expect(
        forced.findings.some((f) => f.id === id),
        id,
      ).toBe(true);
    }
    for (const line of secretLines()) {
      const quoted = evidence.find((text) => redactedPattern(text).test(line));
      expect(quoted, `evidence for: ${line}`).toBeDefined();
      expect(quoted).toContain(PLACEHOLDER);
      expect(leakedSecrets(quoted!)).toEqual([]);
    }
  });

  it("the comment and the JSON hold none of the secrets (with and without the extra rules)", async () => {
    const plain = await analyze([{ kind: "buffer", data: report, name: NAME }]);
    for (const result of [forced, plain]) {
      expect(leakedSecrets(renderMarkdown(result))).toEqual([]);
      expect(leakedSecrets(renderJson(result))).toEqual([]);
      expect(leakedSecrets(JSON.stringify(result))).toEqual([]);
    }
    // The forced run did quote them, so the comment shows redacted lines, not none at all.
    expect(renderMarkdown(forced)).toContain(`--password=${PLACEHOLDER}`);
  });

  it("the parsed args keep no secret flag value", () => {
    const out = createParsedReport();
    const text = Buffer.from(PLANTED_LINES["args/kube-apiserver"].join("\n"));
    for (const parser of parserFor("args/kube-apiserver")) {
      const sink = parser.open("args/kube-apiserver", out, []);
      sink.write(text);
      sink.end();
    }
    const flags = out.args["kube-apiserver"];
    expect(flags["--password"]).toBe("[redacted]");
    expect(flags["--client-secret"]).toBe("[redacted]");
    expect(flags["--oidc-client-secret"]).toBe("[redacted]");
    expect(flags["--token"]).toBe("[redacted]");
    expect(leakedSecrets(JSON.stringify(out))).toEqual([]);
  });

  it("token-file rows and bare key lines are redacted; look-alikes are not", () => {
    expect(redact(KNOWN_TOKENS[0])).toBe(`${PLACEHOLDER},admin,admin,"system:masters"`);
    expect(redact(`  ${SECRETS.basicAuthPassword},admin,1000`)).toBe(`  ${PLACEHOLDER},admin,1000`);
    expect(redact(`    ${SECRETS.pemBlock}`)).toBe(`    ${PLACEHOLDER}`);
    const keep = [
      "10.0.0.11:19001,10.0.0.12:19001,10.0.0.13:19001",
      "10.0.0.11,node1,node2",
      "   4b825dc642cb6eb9a060e54bf8d69288fbee49044b825dc642cb6eb9a060e54b",
      "containerd,containerd,running",
      "Mar 03 21:04:52 homelab microk8s.daemon-kubelite[1812]: started",
    ];
    for (const line of keep) expect(redact(line), line).toBe(line);
  });
});

describe("what a model would be sent", () => {
  it("the explain prompt built from the analysis holds no secret", () => {
    const prompt = buildExplainPrompt(forced);
    expect(leakedSecrets(prompt.system)).toEqual([]);
    expect(leakedSecrets(prompt.user)).toEqual([]);
    expect(leakedSecrets(JSON.stringify([...prompt.pseudonymizer.mapping]))).toEqual([]);
    expect(prompt.user).toContain(PLACEHOLDER);
  });

  it("pseudonymizing a raw planted line redacts its secret first", () => {
    const pseudonymizer = createPseudonymizer({ nodes: ["homelab"] });
    for (const line of [
      ...secretLines(),
      issueBody("https://example.invalid/r", "https://example.invalid/c"),
    ]) {
      const sent = pseudonymizer.pseudonymize(line);
      expect(leakedSecrets(sent), line).toEqual([]);
      expect(leakedSecrets(pseudonymizer.restore(sent)), line).toEqual([]);
    }
  });
});

// ── the bot, end to end ─────────────────────────────────────────────────────────

const OWNER = "canonical";
const REPO = "microk8s";
const WEBHOOK_SECRET = "whsec-Planted-8Yt3Kq1Zx";
const OPENAI_API_KEY = "sk-planted-3Hq8Vz1Mx7Lp0Rw5";
const TSX_LOADER = pathToFileURL(projectPath("node_modules/tsx/dist/esm/index.mjs")).href;

interface FakeModel {
  server: Server;
  port: number;
  requests: string[];
}

/** An OpenAI-compatible chat endpoint that records request bodies and answers with a fixed text. */
async function startFakeModel(): Promise<FakeModel> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push(
        `${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString("utf8")}`,
      );
      const body = JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "test-model",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "NODE_1 is a single node; its datastore is fine." },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

interface BotProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

async function startBot(env: NodeJS.ProcessEnv): Promise<BotProcess> {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, projectPath("src/server.ts")], {
    cwd: projectPath("."),
    env: { ...process.env, TSX_DISABLE_CACHE: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${output}`)), 30_000);
    const poll = setInterval(() => {
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(Number(match[1]));
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`the bot exited:\n${output}`));
      }
    }, 50);
  });
  return {
    child,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

describe("the bot (real server, LOG_LEVEL=info, a model configured)", () => {
  let standIn: GitHubStandIn;
  let files: AttachmentServer;
  let model: FakeModel;
  let bot: BotProcess | null = null;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  /** A line from the middle of the app's private key: no log may show it. */
  const privateKeyLine = privateKeyPem.split("\n")[5];

  beforeAll(async () => {
    standIn = await GitHubStandIn.start({ appKey: publicKey });
    files = await AttachmentServer.start();
    model = await startFakeModel();
    bot = await startBot({
      APP_ID: String(standIn.appId),
      PRIVATE_KEY: privateKeyPem,
      WEBHOOK_SECRET,
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      ATTACHMENT_HOSTS: `http://127.0.0.1:${files.port}`,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      OPENAI_MODEL: "test-model",
      OPENAI_BASE_URL: `http://127.0.0.1:${model.port}/v1`,
      OPENAI_API_KEY,
    });
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await Promise.all([standIn?.close(), files?.close()]);
    await new Promise<void>((resolve) => (model ? model.server.close(() => resolve()) : resolve()));
  });

  it("leaks no secret into comments, API calls, logs or model requests", async () => {
    standIn.setFile(
      OWNER,
      REPO,
      ".github/report-triage.yml",
      stringify({ extraRules: FORCED_RULES, autoExplain: true }),
    );
    const url = files.serve(NAME, report);
    const mirror = new URL(files.serve("copy.tar.gz", report));
    mirror.username = "alice";
    mirror.password = SECRETS.attachmentPassword;
    const issue = standIn.addIssue(OWNER, REPO, {
      title: "microk8s stopped after join",
      body: issueBody(url, mirror.href, files.serve("inspection-report-20250303_210600.tar.gz", report)),
      user: "reporter",
    });
    const webhookUrl = `http://127.0.0.1:${bot!.port}/api/github/webhooks`;
    const target = { installationId: standIn.installationId, issue };
    const opened = await deliver(webhookUrl, WEBHOOK_SECRET, {
      name: "issues",
      payload: issuesEvent("opened", { ...target, sender: issue.user }),
    });
    expect(opened.status).toBe(200);
    const analysis = await standIn.waitFor(
      () => standIn.botComments(OWNER, REPO, issue.number).find((c) => c.body.includes("### Quorum")),
      { timeoutMs: 60_000, what: "the analysis comment" },
    );
    // The forced rules ran: the comment quotes planted lines, redacted.
    expect(analysis.body).toContain(`--password=${PLACEHOLDER}`);

    const command = standIn.addComment(OWNER, REPO, issue.number, {
      user: "reporter",
      body: "/triage explain",
    });
    await deliver(webhookUrl, WEBHOOK_SECRET, {
      name: "issue_comment",
      payload: issueCommentEvent({ ...target, sender: command.user, comment: command }),
    });
    await standIn.waitFor(
      () => command.reactions.some((r) => r.content === "rocket" || r.content === "confused"),
      { timeoutMs: 60_000, what: "the explain command to finish" },
    );
    await bot!.stop();

    const logs = bot!.output();
    expect(logs).toMatch(/listening on port/); // the logs were captured at info
    const comments = standIn
      .comments(OWNER, REPO, issue.number)
      .filter((c) => c.user.login === standIn.botUser.login)
      .flatMap((c) => [c.body, ...c.history]);
    expect(comments.length).toBeGreaterThan(0);
    const calls = JSON.stringify(
      standIn.calls.map((call) => ({ path: call.path, query: call.query, body: call.body })),
    );
    expect(model.requests.length, "the model was asked").toBeGreaterThan(0);

    for (const [what, text] of [
      ["comments", comments.join("\n")],
      ["GitHub API calls", calls],
      ["logs", logs],
      ["model requests", model.requests.join("\n")],
    ] as const) {
      expect(leakedSecrets(text), what).toEqual([]);
    }
    for (const [what, text] of [
      ["logs", logs],
      ["GitHub API calls", calls],
      ["model requests", model.requests.join("\n")],
    ] as const) {
      expect(text.includes(WEBHOOK_SECRET), `webhook secret in ${what}`).toBe(false);
      expect(text.includes(privateKeyLine), `private key in ${what}`).toBe(false);
    }
    expect(logs.includes(OPENAI_API_KEY), "model API key in the logs").toBe(false);
    // The attachment behind credentials in its URL: never fetched with them.
    expect(files.requests.some((r) => (r.headers.authorization ?? "").startsWith("Basic"))).toBe(false);
  }, 150_000);
});
