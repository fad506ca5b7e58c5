/**
 * A small local stand-in for the GitHub REST API (node:http on 127.0.0.1, mounted at /api/v3, so
 * GHE_HOST=127.0.0.1:PORT and GHE_PROTOCOL=http point a Probot app at it). It records every call,
 * keeps state (issues, comments, labels, reactions, permissions, repository files) and answers
 * with GitHub's status codes, JSON shapes and pagination Link headers. Faults can be injected.
 */
import { createPublicKey, createVerify, type KeyObject, randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export type RoleName = "read" | "triage" | "write" | "maintain" | "admin";

export interface StandInUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface StandInLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface StandInReaction {
  id: number;
  content: string;
  user: StandInUser;
  created_at: string;
}

export interface StandInComment {
  id: number;
  issueNumber: number;
  owner: string;
  repo: string;
  body: string;
  user: StandInUser;
  created_at: string;
  updated_at: string;
  reactions: StandInReaction[];
  /** Every body this comment had, oldest first (the first is the created body). */
  history: string[];
}

export interface StandInIssue {
  id: number;
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string | null;
  user: StandInUser;
  labels: string[];
  state: "open" | "closed";
  locked: boolean;
  pullRequest: boolean;
  created_at: string;
  updated_at: string;
  reactions: StandInReaction[];
}

interface RepoState {
  id: number;
  owner: StandInUser;
  name: string;
  private: boolean;
  defaultBranch: string;
  nextIssueNumber: number;
  labels: StandInLabel[];
  /** Permissions by lower-case login; null = 404 (not a user). */
  permissions: Map<string, RoleName | null>;
  files: Map<string, string>;
}

export interface RecordedCall {
  method: string;
  /** Path after /api/v3, without the query string. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** How the request authenticated. */
  auth: "app" | "installation" | "none";
  status: number;
  at: number;
}

export interface FaultSpec {
  status: 500 | 502 | 503 | 403 | 429;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Seconds, sent as retry-after (403/429). */
  retryAfter?: number;
  method?: string;
  path?: RegExp;
  /**
   * Carry the request out first, then answer with the fault: GitHub did the work but the answer was
   * lost on the way (a 502 from a proxy after the comment was created), so a retry repeats it.
   */
  afterApplying?: boolean;
  /**
   * The JSON `message` instead of the default one (for 403/429: the secondary rate limit text).
   * "Resource not accessible by integration" makes a 403 that nothing retries.
   */
  message?: string;
}

export interface StandInOptions {
  appId?: number;
  appSlug?: string;
  installationId?: number;
  /** PEM public key (or private key) to verify the app's JWTs; without it, JWTs are only decoded. */
  appKey?: string | KeyObject;
  /** Role for users without an explicit permission (GitHub answers "read" on public repositories). */
  defaultRole?: RoleName | null;
}

const API_PREFIX = "/api/v3";
/** Stands for GitHub's `OR` operator among the search words (a word never contains NUL). */
const OR_OPERATOR = "\u0000OR";
const MAX_COMMENT = 65_536;
const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);
const PERMISSION_OF_ROLE: Record<RoleName, string> = {
  read: "read",
  triage: "read",
  write: "write",
  maintain: "write",
  admin: "admin",
};

type Handler = (request: ParsedRequest) => Reply | Promise<Reply>;

interface ParsedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  actor: StandInUser | null;
  auth: "app" | "installation" | "none";
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text body instead of JSON. */
  text?: string;
}

export class GitHubStandIn {
  readonly appId: number;
  readonly appSlug: string;
  readonly installationId: number;
  readonly botUser: StandInUser;
  readonly calls: RecordedCall[] = [];

  #server: Server | null = null;
  #port = 0;
  #ids = 1000;
  #repos = new Map<string, RepoState>();
  #issues = new Map<string, StandInIssue>();
  #comments = new Map<number, StandInComment>();
  #users = new Map<string, StandInUser>();
  #tokens = new Map<string, { installationId: number; expiresAt: number }>();
  #faults: (FaultSpec & { remaining: number })[] = [];
  #publicKey: KeyObject | null;
  #defaultRole: RoleName | null;
  #routes: {
    method: string;
    pattern: RegExp;
    keys: string[];
    handler: Handler;
    auth: "app" | "installation";
  }[] = [];

  private constructor(options: StandInOptions) {
    this.appId = options.appId ?? 4242;
    this.appSlug = options.appSlug ?? "report-triage";
    this.installationId = options.installationId ?? 77;
    this.botUser = { login: `${this.appSlug}[bot]`, id: 900_001, type: "Bot" };
    this.#publicKey = !options.appKey
      ? null
      : typeof options.appKey === "string"
        ? createPublicKey(options.appKey)
        : options.appKey.type === "public"
          ? options.appKey
          : createPublicKey(options.appKey);
    this.#defaultRole = options.defaultRole === undefined ? "read" : options.defaultRole;
    this.#users.set(this.botUser.login.toLowerCase(), this.botUser);
    this.#defineRoutes();
  }

  static async start(options: StandInOptions = {}): Promise<GitHubStandIn> {
    const standIn = new GitHubStandIn(options);
    await standIn.#listen();
    return standIn;
  }

  get port(): number {
    return this.#port;
  }

  /** `host:port`, for GHE_HOST. */
  get host(): string {
    return `127.0.0.1:${this.#port}`;
  }

  get baseUrl(): string {
    return `http://${this.host}${API_PREFIX}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------ state set-up (tests)

  user(login: string, type: StandInUser["type"] = "User"): StandInUser {
    const key = login.toLowerCase();
    let user = this.#users.get(key);
    if (!user) {
      user = { login, id: this.#nextId(), type };
      this.#users.set(key, user);
    }
    return user;
  }

  addRepo(owner: string, name: string, options: { private?: boolean; defaultBranch?: string } = {}): void {
    const key = repoKey(owner, name);
    if (this.#repos.has(key)) return;
    this.#repos.set(key, {
      id: this.#nextId(),
      owner: this.user(owner, "Organization"),
      name,
      private: options.private ?? false,
      defaultBranch: options.defaultBranch ?? "main",
      nextIssueNumber: 1,
      labels: [],
      permissions: new Map(),
      files: new Map(),
    });
  }

  addIssue(
    owner: string,
    repo: string,
    issue: {
      title: string;
      body: string | null;
      user: string;
      labels?: string[];
      locked?: boolean;
      pullRequest?: boolean;
    },
  ): StandInIssue {
    this.addRepo(owner, repo);
    const state = this.#repo(owner, repo)!;
    const now = timestamp();
    for (const name of issue.labels ?? []) this.#ensureLabel(state, name);
    const created: StandInIssue = {
      id: this.#nextId(),
      number: state.nextIssueNumber++,
      owner,
      repo,
      title: issue.title,
      body: issue.body,
      user: this.user(issue.user),
      labels: [...(issue.labels ?? [])],
      state: "open",
      locked: issue.locked ?? false,
      pullRequest: issue.pullRequest ?? false,
      created_at: now,
      updated_at: now,
      reactions: [],
    };
    this.#issues.set(issueKey(owner, repo, created.number), created);
    return created;
  }

  /** Change an issue as a user would (the test then sends the matching webhook). */
  editIssue(
    owner: string,
    repo: string,
    issueNumber: number,
    changes: Partial<Pick<StandInIssue, "title" | "body" | "locked" | "state">>,
  ): StandInIssue {
    const issue = this.issue(owner, repo, issueNumber);
    Object.assign(issue, changes, { updated_at: timestamp() });
    return issue;
  }

  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    comment: { user: string; body: string; type?: StandInUser["type"] },
  ): StandInComment {
    const issue = this.issue(owner, repo, issueNumber);
    return this.#createComment(issue, this.user(comment.user, comment.type ?? "User"), comment.body);
  }

  /** Labels on the issue, added as a user would. */
  addIssueLabel(owner: string, repo: string, issueNumber: number, name: string): void {
    const issue = this.issue(owner, repo, issueNumber);
    this.#ensureLabel(this.#repo(owner, repo)!, name);
    if (!issue.labels.some((label) => sameName(label, name))) issue.labels.push(name);
  }

  removeIssueLabel(owner: string, repo: string, issueNumber: number, name: string): void {
    const issue = this.issue(owner, repo, issueNumber);
    issue.labels = issue.labels.filter((label) => !sameName(label, name));
  }

  addRepoLabel(
    owner: string,
    repo: string,
    name: string,
    color = "ededed",
    description: string | null = null,
  ): void {
    this.addRepo(owner, repo);
    const state = this.#repo(owner, repo)!;
    if (!state.labels.some((label) => sameName(label.name, name))) {
      state.labels.push({ id: this.#nextId(), name, color, description, default: false });
    }
  }

  /** `null` → the permission endpoint answers 404 for this user. */
  setPermission(owner: string, repo: string, login: string, role: RoleName | null): void {
    this.addRepo(owner, repo);
    this.user(login);
    this.#repo(owner, repo)!.permissions.set(login.toLowerCase(), role);
  }

  setFile(owner: string, repo: string, path: string, content: string | null): void {
    this.addRepo(owner, repo);
    const files = this.#repo(owner, repo)!.files;
    if (content === null) files.delete(path);
    else files.set(path, content);
  }

  /** An installation token, as POST /app/installations/:id/access_tokens would issue (for direct API tests). */
  issueToken(): string {
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    this.#tokens.set(token, { installationId: this.installationId, expiresAt: Date.now() + 60 * 60 * 1000 });
    return token;
  }

  failNext(fault: FaultSpec): void {
    this.#faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  // ------------------------------------------------------------------ state inspection (tests)

  issue(owner: string, repo: string, issueNumber: number): StandInIssue {
    const issue = this.#issues.get(issueKey(owner, repo, issueNumber));
    if (!issue) throw new Error(`no issue ${owner}/${repo}#${issueNumber}`);
    return issue;
  }

  comments(owner: string, repo: string, issueNumber: number): StandInComment[] {
    return [...this.#comments.values()]
      .filter((c) => sameName(c.owner, owner) && sameName(c.repo, repo) && c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id);
  }

  botComments(owner: string, repo: string, issueNumber: number): StandInComment[] {
    return this.comments(owner, repo, issueNumber).filter((c) => c.user.login === this.botUser.login);
  }

  comment(id: number): StandInComment | undefined {
    return this.#comments.get(id);
  }

  repoLabels(owner: string, repo: string): StandInLabel[] {
    return [...(this.#repo(owner, repo)?.labels ?? [])];
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /** Poll until `check` returns a truthy value (bounded wait). */
  async waitFor<T>(
    check: () => T | undefined | null | false,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? "condition"}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // ------------------------------------------------------------------ server

  async #listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify({ message: `stand-in error: ${String(error)}` }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", `http://${this.host}`);
    const method = (req.method ?? "GET").toUpperCase();
    const query = Object.fromEntries(url.searchParams.entries());
    let path = url.pathname;
    const record = (status: number, auth: RecordedCall["auth"], body: unknown) => {
      this.calls.push({ method, path, query, body, headers: req.headers, auth, status, at: Date.now() });
    };

    if (!path.startsWith(`${API_PREFIX}/`) && path !== API_PREFIX) {
      record(404, "none", undefined);
      return send(res, { status: 404, body: notFound() });
    }
    path = path.slice(API_PREFIX.length) || "/";

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        record(400, "none", raw.toString("utf8"));
        return send(res, { status: 400, body: { message: "Problems parsing JSON" } });
      }
    }

    const authResult = this.#authenticate(req.headers.authorization);
    const fault = this.#takeFault(method, path);
    if (fault && !fault.afterApplying) {
      record(fault.status, authResult.auth, body);
      return send(res, faultReply(fault));
    }

    const route = this.#match(method, path);
    if (!route) {
      record(404, authResult.auth, body);
      return send(res, { status: 404, body: notFound() });
    }
    const needsApp = route.auth === "app";
    let reply: Reply;
    if (authResult.error) reply = { status: 401, body: { message: authResult.error } };
    else if (needsApp && authResult.auth !== "app") {
      reply = { status: 401, body: { message: "A JSON web token could not be decoded" } };
    } else if (!needsApp && authResult.auth !== "installation") {
      reply = { status: 401, body: { message: "Requires authentication" } };
    } else {
      reply = await route.handler({
        method,
        path,
        params: route.params,
        query,
        body,
        headers: req.headers,
        actor: authResult.auth === "installation" ? this.botUser : null,
        auth: authResult.auth,
      });
    }
    if (fault) reply = faultReply(fault);
    record(reply.status, authResult.auth, body);
    send(res, reply, method);
  }

  #authenticate(header: string | undefined): { auth: RecordedCall["auth"]; error?: string } {
    if (!header) return { auth: "none" };
    const [scheme, credential] = header.trim().split(/\s+/, 2);
    if (!credential) return { auth: "none", error: "Bad credentials" };
    if (credential.split(".").length === 3 && /^bearer$/i.test(scheme)) {
      const error = this.#verifyJwt(credential);
      return error ? { auth: "none", error } : { auth: "app" };
    }
    const token = this.#tokens.get(credential);
    if (!token || token.expiresAt < Date.now()) return { auth: "none", error: "Bad credentials" };
    return { auth: "installation" };
  }

  #verifyJwt(jwt: string): string | null {
    const [headerPart, payloadPart, signaturePart] = jwt.split(".");
    let header: { alg?: string };
    let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
    try {
      header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
      payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
    } catch {
      return "A JSON web token could not be decoded";
    }
    if (header.alg !== "RS256") return "A JSON web token could not be decoded";
    if (String(payload.iss) !== String(this.appId)) return "Integration not found";
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== "number" || payload.exp < now)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (this.#publicKey) {
      const verifier = createVerify("RSA-SHA256");
      verifier.update(`${headerPart}.${payloadPart}`);
      if (!verifier.verify(this.#publicKey, Buffer.from(signaturePart, "base64url"))) {
        return "A JSON web token could not be decoded";
      }
    }
    return null;
  }

  #takeFault(method: string, path: string): FaultSpec | null {
    for (const fault of this.#faults) {
      if (fault.remaining <= 0) continue;
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.path && !fault.path.test(path)) continue;
      fault.remaining -= 1;
      return fault;
    }
    return null;
  }

  #match(method: string, path: string) {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(match[index + 1]);
      });
      return { handler: route.handler, auth: route.auth, params };
    }
    return null;
  }

  #route(
    method: string,
    template: string,
    handler: Handler,
    auth: "app" | "installation" = "installation",
  ): void {
    const keys: string[] = [];
    const pattern = template.replace(/:(\w+)(\+)?/g, (_all, key: string, rest: string | undefined) => {
      keys.push(key);
      return rest ? "(.+)" : "([^/]+)";
    });
    this.#routes.push({ method, pattern: new RegExp(`^${pattern}/?$`), keys, handler, auth });
  }

  // ------------------------------------------------------------------ routes

  #defineRoutes(): void {
    const r = this.#route.bind(this);
    const app = (method: string, template: string, handler: Handler) =>
      this.#route(method, template, handler, "app");
    app("GET", "/app", () => this.#appInfo());
    app("POST", "/app/installations/:id/access_tokens", (req) => this.#accessToken(req));
    app("GET", "/app/installations/:id", (req) => this.#installation(req.params.id));
    app("GET", "/repos/:owner/:repo/installation", (req) => this.#repoInstallation(req));

    r("GET", "/rate_limit", () => ({
      status: 200,
      body: { resources: { core: { limit: 5000, remaining: 4999, reset: 0, used: 1 } } },
    }));
    r("GET", "/repos/:owner/:repo", (req) =>
      this.#withRepo(req, (repo) => ({ status: 200, body: this.#repoJson(repo) })),
    );
    r("GET", "/repos/:owner/:repo/issues/comments/:id", (req) => this.#getComment(req));
    r("PATCH", "/repos/:owner/:repo/issues/comments/:id", (req) => this.#updateComment(req));
    r("DELETE", "/repos/:owner/:repo/issues/comments/:id", (req) => this.#deleteComment(req));
    r("GET", "/repos/:owner/:repo/issues/comments/:id/reactions", (req) =>
      this.#listReactions(req, "comment"),
    );
    r("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", (req) =>
      this.#createReaction(req, "comment"),
    );
    r("DELETE", "/repos/:owner/:repo/issues/comments/:id/reactions/:reactionId", (req) =>
      this.#deleteReaction(req, "comment"),
    );
    r("GET", "/repos/:owner/:repo/issues/:number", (req) =>
      this.#withIssue(req, (issue) => ({ status: 200, body: this.#issueJson(issue) })),
    );
    r("PATCH", "/repos/:owner/:repo/issues/:number", (req) => this.#updateIssue(req));
    r("GET", "/repos/:owner/:repo/issues/:number/comments", (req) => this.#listComments(req));
    r("POST", "/repos/:owner/:repo/issues/:number/comments", (req) => this.#postComment(req));
    r("GET", "/repos/:owner/:repo/issues/:number/labels", (req) =>
      this.#withIssue(req, (issue) => this.#paged(req, this.#issueLabelsJson(issue))),
    );
    r("POST", "/repos/:owner/:repo/issues/:number/labels", (req) => this.#addLabels(req, false));
    r("PUT", "/repos/:owner/:repo/issues/:number/labels", (req) => this.#addLabels(req, true));
    r("DELETE", "/repos/:owner/:repo/issues/:number/labels", (req) =>
      this.#withIssue(req, (issue) => {
        issue.labels = [];
        return { status: 204 };
      }),
    );
    r("DELETE", "/repos/:owner/:repo/issues/:number/labels/:name", (req) => this.#removeLabel(req));
    r("GET", "/repos/:owner/:repo/issues/:number/reactions", (req) => this.#listReactions(req, "issue"));
    r("POST", "/repos/:owner/:repo/issues/:number/reactions", (req) => this.#createReaction(req, "issue"));
    r("GET", "/repos/:owner/:repo/labels", (req) =>
      this.#withRepo(req, (repo) => this.#paged(req, repo.labels.map(labelJson))),
    );
    r("POST", "/repos/:owner/:repo/labels", (req) => this.#createLabel(req));
    r("GET", "/repos/:owner/:repo/labels/:name", (req) =>
      this.#withRepo(req, (repo) => {
        const label = repo.labels.find((item) => sameName(item.name, req.params.name));
        return label ? { status: 200, body: labelJson(label) } : { status: 404, body: notFound() };
      }),
    );
    r("GET", "/repos/:owner/:repo/collaborators/:username/permission", (req) => this.#permission(req));
    r("GET", "/repos/:owner/:repo/contents/:path+", (req) => this.#contents(req));
    r("GET", "/search/issues", (req) => this.#search(req));
  }

  #appInfo(): Reply {
    return {
      status: 200,
      body: {
        id: this.appId,
        slug: this.appSlug,
        node_id: "A_stand_in",
        owner: { login: "stand-in-owner", id: 1, type: "Organization" },
        name: this.appSlug,
        description: "stand-in app",
        external_url: "http://127.0.0.1/",
        html_url: `http://${this.host}/apps/${this.appSlug}`,
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
        permissions: { issues: "write", metadata: "read", contents: "read" },
        events: ["issues", "issue_comment"],
        installations_count: 1,
      },
    };
  }

  #installation(id: string): Reply {
    if (Number(id) !== this.installationId) return { status: 404, body: notFound() };
    return {
      status: 200,
      body: {
        id: this.installationId,
        app_id: this.appId,
        app_slug: this.appSlug,
        target_type: "Organization",
        account: { login: "stand-in-owner", id: 1, type: "Organization" },
        permissions: { issues: "write", metadata: "read", contents: "read" },
        events: ["issues", "issue_comment"],
        repository_selection: "all",
      },
    };
  }

  #accessToken(req: ParsedRequest): Reply {
    if (Number(req.params.id) !== this.installationId) return { status: 404, body: notFound() };
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = Date.now() + 60 * 60 * 1000;
    this.#tokens.set(token, { installationId: this.installationId, expiresAt });
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt).toISOString(),
        permissions: { issues: "write", metadata: "read", contents: "read" },
        repository_selection: "all",
      },
    };
  }

  #repoInstallation(req: ParsedRequest): Reply {
    if (!this.#repo(req.params.owner, req.params.repo)) return { status: 404, body: notFound() };
    return this.#installation(String(this.installationId));
  }

  #withRepo(req: ParsedRequest, fn: (repo: RepoState) => Reply): Reply {
    const repo = this.#repo(req.params.owner, req.params.repo);
    return repo ? fn(repo) : { status: 404, body: notFound() };
  }

  #withIssue(req: ParsedRequest, fn: (issue: StandInIssue, repo: RepoState) => Reply): Reply {
    const repo = this.#repo(req.params.owner, req.params.repo);
    const issue = this.#issues.get(issueKey(req.params.owner, req.params.repo, Number(req.params.number)));
    if (!repo || !issue) return { status: 404, body: notFound() };
    return fn(issue, repo);
  }

  #updateIssue(req: ParsedRequest): Reply {
    return this.#withIssue(req, (issue, repo) => {
      const body = asRecord(req.body);
      if (typeof body.title === "string") issue.title = body.title;
      if (typeof body.body === "string" || body.body === null) issue.body = body.body as string | null;
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (Array.isArray(body.labels)) {
        issue.labels = [];
        for (const name of labelNames(body.labels)) {
          this.#ensureLabel(repo, name);
          issue.labels.push(name);
        }
      }
      issue.updated_at = timestamp();
      return { status: 200, body: this.#issueJson(issue) };
    });
  }

  #listComments(req: ParsedRequest): Reply {
    return this.#withIssue(req, (issue) => {
      const list = this.comments(issue.owner, issue.repo, issue.number).map((comment) =>
        this.#commentJson(comment),
      );
      return this.#paged(req, list);
    });
  }

  #postComment(req: ParsedRequest): Reply {
    return this.#withIssue(req, (issue) => {
      const invalid = validateCommentBody(req.body);
      if (invalid) return invalid;
      const comment = this.#createComment(
        issue,
        req.actor ?? this.botUser,
        asRecord(req.body).body as string,
      );
      return {
        status: 201,
        body: this.#commentJson(comment),
        headers: { location: this.#commentUrl(comment) },
      };
    });
  }

  #findComment(req: ParsedRequest): StandInComment | null {
    const comment = this.#comments.get(Number(req.params.id));
    if (!comment || !sameName(comment.owner, req.params.owner) || !sameName(comment.repo, req.params.repo))
      return null;
    return comment;
  }

  #getComment(req: ParsedRequest): Reply {
    const comment = this.#findComment(req);
    return comment ? { status: 200, body: this.#commentJson(comment) } : { status: 404, body: notFound() };
  }

  #updateComment(req: ParsedRequest): Reply {
    const comment = this.#findComment(req);
    if (!comment) return { status: 404, body: notFound() };
    if (req.actor && comment.user.login !== req.actor.login) {
      return { status: 403, body: { message: "Resource not accessible by integration" } };
    }
    const invalid = validateCommentBody(req.body);
    if (invalid) return invalid;
    comment.body = asRecord(req.body).body as string;
    comment.history.push(comment.body);
    comment.updated_at = timestamp();
    return { status: 200, body: this.#commentJson(comment) };
  }

  #deleteComment(req: ParsedRequest): Reply {
    const comment = this.#findComment(req);
    if (!comment) return { status: 404, body: notFound() };
    this.#comments.delete(comment.id);
    return { status: 204 };
  }

  #reactionTarget(req: ParsedRequest, kind: "comment" | "issue"): { reactions: StandInReaction[] } | null {
    if (kind === "comment") return this.#findComment(req);
    return this.#issues.get(issueKey(req.params.owner, req.params.repo, Number(req.params.number))) ?? null;
  }

  #listReactions(req: ParsedRequest, kind: "comment" | "issue"): Reply {
    const target = this.#reactionTarget(req, kind);
    if (!target) return { status: 404, body: notFound() };
    const list = target.reactions.filter(
      (reaction) => !req.query.content || reaction.content === req.query.content,
    );
    return this.#paged(req, list.map(reactionJson));
  }

  #createReaction(req: ParsedRequest, kind: "comment" | "issue"): Reply {
    const target = this.#reactionTarget(req, kind);
    if (!target) return { status: 404, body: notFound() };
    const content = asRecord(req.body).content;
    if (typeof content !== "string" || !REACTIONS.has(content)) {
      return validationFailed("Reaction", "invalid", "content");
    }
    const actor = req.actor ?? this.botUser;
    const existing = target.reactions.find(
      (reaction) => reaction.content === content && reaction.user.login === actor.login,
    );
    if (existing) return { status: 200, body: reactionJson(existing) };
    const reaction: StandInReaction = { id: this.#nextId(), content, user: actor, created_at: timestamp() };
    target.reactions.push(reaction);
    return { status: 201, body: reactionJson(reaction) };
  }

  #deleteReaction(req: ParsedRequest, kind: "comment" | "issue"): Reply {
    const target = this.#reactionTarget(req, kind);
    if (!target) return { status: 404, body: notFound() };
    const index = target.reactions.findIndex((reaction) => reaction.id === Number(req.params.reactionId));
    if (index < 0) return { status: 404, body: notFound() };
    target.reactions.splice(index, 1);
    return { status: 204 };
  }

  #addLabels(req: ParsedRequest, replace: boolean): Reply {
    return this.#withIssue(req, (issue, repo) => {
      const raw = Array.isArray(req.body) ? req.body : asRecord(req.body).labels;
      if (!Array.isArray(raw)) return validationFailed("Label", "missing_field", "labels");
      const names = labelNames(raw);
      if (names.length !== raw.length || names.some((name) => name.trim() === "")) {
        return validationFailed("Label", "invalid", "name");
      }
      if (replace) issue.labels = [];
      for (const name of names) {
        // GitHub creates a label that does not exist yet (default colour)
        const label = this.#ensureLabel(repo, name);
        if (!issue.labels.some((existing) => sameName(existing, label.name))) issue.labels.push(label.name);
      }
      issue.updated_at = timestamp();
      return { status: 200, body: this.#issueLabelsJson(issue) };
    });
  }

  #removeLabel(req: ParsedRequest): Reply {
    return this.#withIssue(req, (issue) => {
      const index = issue.labels.findIndex((name) => sameName(name, req.params.name));
      if (index < 0)
        return { status: 404, body: { message: "Label does not exist", documentation_url: DOCS } };
      issue.labels.splice(index, 1);
      return { status: 200, body: this.#issueLabelsJson(issue) };
    });
  }

  #createLabel(req: ParsedRequest): Reply {
    return this.#withRepo(req, (repo) => {
      const body = asRecord(req.body);
      if (typeof body.name !== "string" || body.name.trim() === "")
        return validationFailed("Label", "missing_field", "name");
      const color = typeof body.color === "string" ? body.color.replace(/^#/, "") : "ededed";
      if (!/^[0-9a-f]{6}$/i.test(color)) return validationFailed("Label", "invalid", "color");
      if (typeof body.description === "string" && body.description.length > 100) {
        return validationFailed("Label", "invalid", "description");
      }
      if (repo.labels.some((label) => sameName(label.name, body.name as string))) {
        return validationFailed("Label", "already_exists", "name");
      }
      const label: StandInLabel = {
        id: this.#nextId(),
        name: body.name,
        color: color.toLowerCase(),
        description: typeof body.description === "string" ? body.description : null,
        default: false,
      };
      repo.labels.push(label);
      return { status: 201, body: labelJson(label) };
    });
  }

  #permission(req: ParsedRequest): Reply {
    return this.#withRepo(req, (repo) => {
      const login = req.params.username;
      const explicit = repo.permissions.has(login.toLowerCase());
      const role = explicit ? repo.permissions.get(login.toLowerCase()) : this.#defaultRole;
      if (role === null || role === undefined) return { status: 404, body: notFound() };
      const user = this.user(login);
      return {
        status: 200,
        body: {
          permission: PERMISSION_OF_ROLE[role],
          role_name: role,
          user: { ...userJson(user), permissions: rolePermissions(role), role_name: role },
        },
      };
    });
  }

  #contents(req: ParsedRequest): Reply {
    return this.#withRepo(req, (repo) => {
      const path = req.params.path.replace(/^\/+|\/+$/g, "");
      const content = repo.files.get(path);
      if (content === undefined) {
        const children = [...repo.files.keys()].filter((file) => file.startsWith(`${path}/`));
        if (children.length === 0) return { status: 404, body: notFound() };
        return {
          status: 200,
          body: children.map((file) => ({
            type: "file",
            name: file.split("/").pop(),
            path: file,
            size: repo.files.get(file)?.length ?? 0,
          })),
        };
      }
      const accept = String(req.headers.accept ?? "");
      if (/vnd\.github(\.v3)?\.raw/i.test(accept)) {
        return { status: 200, text: content, headers: { "content-type": "text/plain; charset=utf-8" } };
      }
      const encoded = Buffer.from(content, "utf8").toString("base64").replace(/.{60}/g, "$&\n");
      return {
        status: 200,
        body: {
          type: "file",
          encoding: "base64",
          size: Buffer.byteLength(content),
          name: path.split("/").pop(),
          path,
          content: encoded,
          sha: "0".repeat(40),
          url: `${this.baseUrl}/repos/${repo.owner.login}/${repo.name}/contents/${path}`,
        },
      };
    });
  }

  #search(req: ParsedRequest): Reply {
    const q = req.query.q;
    if (!q) return validationFailed("Search", "missing", "q");
    const terms = [...q.matchAll(/(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)/g)];
    let items = [...this.#issues.values()];
    const words: string[] = [];
    /** Fields named by `in:` qualifiers (GitHub: title, body, comments); none = title and body. */
    const fields = new Set<string>();
    for (const term of terms) {
      const qualifier = (term[1] ?? term[3])?.toLowerCase();
      const value = term[2] ?? term[4];
      if (qualifier === "repo") {
        const [owner, name] = value.split("/");
        items = items.filter((issue) => sameName(issue.owner, owner) && sameName(issue.repo, name ?? ""));
      } else if (qualifier === "is") {
        const v = value.toLowerCase();
        if (v === "issue") items = items.filter((issue) => !issue.pullRequest);
        else if (v === "pr") items = items.filter((issue) => issue.pullRequest);
        else if (v === "open" || v === "closed") items = items.filter((issue) => issue.state === v);
      } else if (qualifier === "state") {
        items = items.filter((issue) => issue.state === value.toLowerCase());
      } else if (qualifier === "label") {
        items = items.filter((issue) => issue.labels.some((label) => sameName(label, value)));
      } else if (qualifier === "in") {
        for (const field of value.toLowerCase().split(",")) fields.add(field);
      } else if (qualifier === "sort" || qualifier === "type") {
        // accepted, no effect
      } else if (qualifier) {
        words.push(`${qualifier}:${value}`);
      } else if (term[6] === "OR") {
        words.push(OR_OPERATOR);
      } else {
        words.push((term[5] ?? term[6]).toLowerCase());
      }
    }
    const searched = (issue: StandInIssue): string => {
      const parts: string[] = [];
      if (fields.size === 0 || fields.has("title")) parts.push(issue.title);
      if (fields.size === 0 || fields.has("body")) parts.push(issue.body ?? "");
      if (fields.has("comments"))
        parts.push(...this.comments(issue.owner, issue.repo, issue.number).map((comment) => comment.body));
      return parts.join("\n").toLowerCase();
    };
    // `a OR b OR c`: any of the alternatives (each a list of words that must all be present)
    const alternatives: string[][] = [[]];
    for (const word of words) {
      if (word === OR_OPERATOR) alternatives.push([]);
      else alternatives[alternatives.length - 1]!.push(word);
    }
    const usesOr = alternatives.length > 1;
    items = items.filter((issue) => {
      const text = searched(issue);
      if (usesOr)
        return alternatives.some((group) => group.length > 0 && group.every((word) => text.includes(word)));
      return words.every((word) => text.includes(word.toLowerCase()));
    });
    const page = this.#pageOf(
      req,
      items.sort((a, b) => b.id - a.id),
    );
    return {
      status: 200,
      headers: page.headers,
      body: {
        total_count: items.length,
        incomplete_results: false,
        items: page.items.map((issue) => ({ ...this.#issueJson(issue), score: 1 })),
      },
    };
  }

  // ------------------------------------------------------------------ helpers

  #paged(req: ParsedRequest, list: unknown[]): Reply {
    const page = this.#pageOf(req, list);
    return { status: 200, body: page.items, headers: page.headers };
  }

  #pageOf<T>(req: ParsedRequest, list: T[]): { items: T[]; headers: Record<string, string> } {
    const perPage = clampInt(req.query.per_page, 30, 1, 100);
    const page = clampInt(req.query.page, 1, 1, 100_000);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const items = list.slice((page - 1) * perPage, page * perPage);
    const link = (n: number, rel: string) => {
      const params = new URLSearchParams({ ...req.query, per_page: String(perPage), page: String(n) });
      return `<${this.baseUrl}${req.path}?${params.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, "prev"));
    if (page < last) links.push(link(page + 1, "next"));
    if (page < last) links.push(link(last, "last"));
    if (page > 1) links.push(link(1, "first"));
    return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
  }

  #repo(owner: string, name: string): RepoState | undefined {
    return this.#repos.get(repoKey(owner, name));
  }

  #ensureLabel(repo: RepoState, name: string): StandInLabel {
    const existing = repo.labels.find((label) => sameName(label.name, name));
    if (existing) return existing;
    const label: StandInLabel = {
      id: this.#nextId(),
      name,
      color: "ededed",
      description: null,
      default: false,
    };
    repo.labels.push(label);
    return label;
  }

  #createComment(issue: StandInIssue, user: StandInUser, body: string): StandInComment {
    const now = timestamp();
    const comment: StandInComment = {
      id: this.#nextId(),
      issueNumber: issue.number,
      owner: issue.owner,
      repo: issue.repo,
      body,
      user,
      created_at: now,
      updated_at: now,
      reactions: [],
      history: [body],
    };
    this.#comments.set(comment.id, comment);
    return comment;
  }

  #nextId(): number {
    this.#ids += 1;
    return this.#ids;
  }

  #repoJson(repo: RepoState) {
    return {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner.login}/${repo.name}`,
      owner: userJson(repo.owner),
      private: repo.private,
      default_branch: repo.defaultBranch,
      html_url: `http://${this.host}/${repo.owner.login}/${repo.name}`,
      url: `${this.baseUrl}/repos/${repo.owner.login}/${repo.name}`,
    };
  }

  #issueJson(issue: StandInIssue) {
    const base = `${this.baseUrl}/repos/${issue.owner}/${issue.repo}`;
    const repo = this.#repo(issue.owner, issue.repo);
    return {
      url: `${base}/issues/${issue.number}`,
      repository_url: base,
      html_url: `http://${this.host}/${issue.owner}/${issue.repo}/issues/${issue.number}`,
      id: issue.id,
      node_id: `I_${issue.id}`,
      number: issue.number,
      title: issue.title,
      user: userJson(issue.user),
      labels: issue.labels.map((name) =>
        labelJson(repo ? this.#ensureLabel(repo, name) : fallbackLabel(name)),
      ),
      state: issue.state,
      locked: issue.locked,
      assignee: null,
      assignees: [],
      comments: this.comments(issue.owner, issue.repo, issue.number).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.state === "closed" ? issue.updated_at : null,
      author_association: "NONE",
      body: issue.body,
      reactions: reactionSummary(issue.reactions),
      ...(issue.pullRequest ? { pull_request: { url: `${base}/pulls/${issue.number}` } } : {}),
    };
  }

  #issueLabelsJson(issue: StandInIssue) {
    const repo = this.#repo(issue.owner, issue.repo)!;
    return issue.labels.map((name) => labelJson(this.#ensureLabel(repo, name)));
  }

  #commentUrl(comment: StandInComment): string {
    return `${this.baseUrl}/repos/${comment.owner}/${comment.repo}/issues/comments/${comment.id}`;
  }

  #commentJson(comment: StandInComment) {
    return {
      url: this.#commentUrl(comment),
      html_url: `http://${this.host}/${comment.owner}/${comment.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${this.baseUrl}/repos/${comment.owner}/${comment.repo}/issues/${comment.issueNumber}`,
      id: comment.id,
      node_id: `IC_${comment.id}`,
      user: userJson(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: comment.user.type === "Bot" ? "NONE" : "CONTRIBUTOR",
      body: comment.body,
      reactions: reactionSummary(comment.reactions),
      performed_via_github_app: comment.user.type === "Bot" ? { id: this.appId, slug: this.appSlug } : null,
    };
  }
}

// ------------------------------------------------------------------ module helpers

const DOCS = "https://docs.github.com/rest";

function notFound() {
  return { message: "Not Found", documentation_url: DOCS, status: "404" };
}

function validationFailed(resource: string, code: string, field: string, message?: string): Reply {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{ resource, code, field, ...(message ? { message } : {}) }],
      documentation_url: DOCS,
    },
  };
}

function validateCommentBody(body: unknown): Reply | null {
  const text = asRecord(body).body;
  if (typeof text !== "string" || text.length === 0)
    return validationFailed("IssueComment", "missing_field", "body");
  if (text.length > MAX_COMMENT) {
    return validationFailed(
      "IssueComment",
      "custom",
      "body",
      `body is too long (maximum is ${MAX_COMMENT} characters)`,
    );
  }
  return null;
}

function faultReply(fault: FaultSpec): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  if ((fault.status === 403 || fault.status === 429) && fault.message !== undefined) {
    return { status: fault.status, headers, body: { message: fault.message, documentation_url: DOCS } };
  }
  if (fault.status === 403 || fault.status === 429) {
    return {
      status: fault.status,
      headers,
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
    };
  }
  if (fault.status === 502) {
    return {
      status: 502,
      headers: { ...headers, "content-type": "text/html" },
      text: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    };
  }
  return { status: fault.status, headers, body: { message: fault.message ?? "Server Error" } };
}

function send(res: ServerResponse, reply: Reply, method = "GET"): void {
  const headers: Record<string, string> = {
    "x-github-media-type": "github.v3; format=json",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    ...(reply.headers ?? {}),
  };
  if (reply.status === 204 || method === "HEAD") {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  if (reply.text !== undefined) {
    headers["content-type"] ??= "text/plain; charset=utf-8";
    res.writeHead(reply.status, headers);
    res.end(reply.text);
    return;
  }
  const text = JSON.stringify(reply.body ?? {});
  headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(reply.status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function userJson(user: StandInUser) {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: "",
    url: `/users/${user.login}`,
    html_url: `/${user.login}`,
    type: user.type,
    site_admin: false,
  };
}

function labelJson(label: StandInLabel) {
  return {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

function fallbackLabel(name: string): StandInLabel {
  return { id: 0, name, color: "ededed", description: null, default: false };
}

function reactionJson(reaction: StandInReaction) {
  return {
    id: reaction.id,
    node_id: `R_${reaction.id}`,
    user: userJson(reaction.user),
    content: reaction.content,
    created_at: reaction.created_at,
  };
}

function reactionSummary(reactions: StandInReaction[]) {
  const count = (content: string) => reactions.filter((reaction) => reaction.content === content).length;
  return {
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

function rolePermissions(role: RoleName) {
  const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}

function labelNames(raw: unknown[]): string[] {
  return raw
    .map((item) =>
      typeof item === "string"
        ? item
        : typeof item === "object" && item !== null
          ? (item as { name?: unknown }).name
          : null,
    )
    .filter((name): name is string => typeof name === "string");
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function clampInt(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) return fallback;
  return Math.min(max, Math.max(min, parsed));
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

function issueKey(owner: string, repo: string, issueNumber: number): string {
  return `${repoKey(owner, repo)}#${issueNumber}`;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
