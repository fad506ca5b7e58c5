/**
 * The few GitHub REST calls the bot makes, over a Probot Octokit. Each one handles the
 * status codes that are not errors for us (404 on delete, 422 "already_exists" …).
 */
import type { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface IssueComment {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
  created_at?: string;
}

export interface IssueData {
  number: number;
  title: string;
  body: string | null;
  state: string;
  locked: boolean;
  user: { login: string; type: string } | null;
  labels: string[];
  isPullRequest: boolean;
}

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export interface GitHubApi {
  getIssue(owner: string, repo: string, issueNumber: number): Promise<IssueData | null>;
  listComments(owner: string, repo: string, issueNumber: number): Promise<IssueComment[]>;
  createComment(owner: string, repo: string, issueNumber: number, body: string): Promise<IssueComment>;
  /** Returns false when the comment no longer exists. */
  updateComment(owner: string, repo: string, commentId: number, body: string): Promise<boolean>;
  deleteComment(owner: string, repo: string, commentId: number): Promise<void>;
  /** Names of the repository's labels (first 1 000). */
  listLabels(owner: string, repo: string): Promise<string[]>;
  createLabel(
    owner: string,
    repo: string,
    spec: { name: string; color: string; description: string },
  ): Promise<void>;
  addLabels(owner: string, repo: string, issueNumber: number, labels: string[]): Promise<void>;
  removeLabel(owner: string, repo: string, issueNumber: number, label: string): Promise<void>;
  react(owner: string, repo: string, commentId: number, content: ReactionContent): Promise<void>;
  /** `role_name` and `permission` of a user on the repository; null when GitHub answers 404. */
  permission(
    owner: string,
    repo: string,
    username: string,
  ): Promise<{ roleName: string; permission: string } | null>;
  /** Installation access token (for downloading attachments from the GitHub host only). */
  installationToken(): Promise<string | null>;
  /** Issue search (GET /search/issues), first page only; used for "possibly related issues". */
  searchIssues?(query: string, perPage: number): Promise<SearchedIssue[]>;
}

export interface SearchedIssue {
  number: number;
  title: string;
  state: string;
  url: string | null;
  isPullRequest: boolean;
}

const MAX_COMMENT_PAGES = 30;
/** Longest wait we accept from a retry-after header before giving up. */
const MAX_RETRY_AFTER_S = 60;
const RATE_LIMIT_RETRIES = 2;

export function createGitHubApi(octokit: Octokit): GitHubApi {
  return withRateLimitRetries(createRawApi(octokit));
}

/**
 * Probot's throttling options do not retry secondary rate limits (403/429 with retry-after);
 * GitHub asks clients to wait that long and try again, so we do, a couple of times.
 * (5xx answers are retried by Octokit's retry plugin already.)
 */
export function withRateLimitRetries(api: GitHubApi, sleep = defaultSleep): GitHubApi {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(api) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn(...args);
        } catch (error) {
          const wait = rateLimitWait(error);
          if (wait === null || attempt >= RATE_LIMIT_RETRIES) throw error;
          await sleep(wait * 1000);
        }
      }
    };
  }
  return wrapped as unknown as GitHubApi;
}

/** Seconds to wait before retrying a rate-limited request; null when the error is something else. */
export function rateLimitWait(error: unknown): number | null {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return null;
  const response = (error as { response?: { headers?: Record<string, unknown>; data?: unknown } }).response;
  const headers = response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  const message = String((error as Error).message ?? "");
  const secondary = /secondary rate|abuse/i.test(message);
  if (Number.isFinite(retryAfter) && retryAfter >= 0)
    return retryAfter <= MAX_RETRY_AFTER_S ? retryAfter : null;
  if (secondary || status === 429) return Math.min(MAX_RETRY_AFTER_S, 10);
  return null;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function createRawApi(octokit: Octokit): GitHubApi {
  return {
    async getIssue(owner, repo, issueNumber) {
      try {
        const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: issueNumber });
        return {
          number: data.number,
          title: typeof data.title === "string" ? data.title : "",
          body: typeof data.body === "string" ? data.body : null,
          state: String(data.state ?? "open"),
          locked: data.locked === true,
          user: data.user ? { login: data.user.login, type: data.user.type } : null,
          labels: (data.labels ?? [])
            .map((label) => (typeof label === "string" ? label : (label?.name ?? "")))
            .filter((name): name is string => typeof name === "string" && name.length > 0),
          isPullRequest: Boolean(data.pull_request),
        };
      } catch (error) {
        if (statusOf(error) === 404 || statusOf(error) === 410) return null;
        throw error;
      }
    },

    async listComments(owner, repo, issueNumber) {
      const comments: IssueComment[] = [];
      let page = 0;
      for await (const response of octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      })) {
        for (const comment of response.data) {
          comments.push({
            id: comment.id,
            body: typeof comment.body === "string" ? comment.body : "",
            user: comment.user ? { login: comment.user.login, type: comment.user.type } : null,
            created_at: comment.created_at,
          });
        }
        page += 1;
        if (page >= MAX_COMMENT_PAGES) break;
      }
      return comments;
    },

    async createComment(owner, repo, issueNumber, body) {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
      });
      return {
        id: data.id,
        body: data.body ?? body,
        user: data.user ? { login: data.user.login, type: data.user.type } : null,
        created_at: data.created_at,
      };
    },

    async updateComment(owner, repo, commentId, body) {
      try {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },

    async deleteComment(owner, repo, commentId) {
      try {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: commentId });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },

    async listLabels(owner, repo) {
      const names: string[] = [];
      let page = 0;
      for await (const response of octokit.paginate.iterator(octokit.rest.issues.listLabelsForRepo, {
        owner,
        repo,
        per_page: 100,
      })) {
        for (const label of response.data) if (typeof label.name === "string") names.push(label.name);
        page += 1;
        if (page >= 10) break;
      }
      return names;
    },

    async createLabel(owner, repo, spec) {
      try {
        await octokit.rest.issues.createLabel({ owner, repo, ...spec });
      } catch (error) {
        if (statusOf(error) === 422 && isAlreadyExists(error)) return;
        throw error;
      }
    },

    async addLabels(owner, repo, issueNumber, labels) {
      if (labels.length === 0) return;
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels });
    },

    async removeLabel(owner, repo, issueNumber, label) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: issueNumber, name: label });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },

    async react(owner, repo, commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
    },

    async permission(owner, repo, username) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
        const roleName = (data as { role_name?: unknown }).role_name;
        return {
          roleName: typeof roleName === "string" ? roleName : "",
          permission: typeof data.permission === "string" ? data.permission : "none",
        };
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    async searchIssues(query, perPage) {
      const { data } = await octokit.rest.search.issuesAndPullRequests({
        q: query,
        per_page: Math.min(100, Math.max(1, perPage)),
      });
      return (data.items ?? []).map((item) => ({
        number: item.number,
        title: typeof item.title === "string" ? item.title : "",
        state: String(item.state ?? "open"),
        url: typeof item.html_url === "string" ? item.html_url : null,
        isPullRequest: Boolean(item.pull_request),
      }));
    },

    async installationToken() {
      try {
        const auth = (await octokit.auth({ type: "installation" })) as { token?: unknown };
        return typeof auth?.token === "string" ? auth.token : null;
      } catch {
        return null;
      }
    },
  };
}

export function statusOf(error: unknown): number | null {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : null;
  }
  return null;
}

function isAlreadyExists(error: unknown): boolean {
  const data = (error as { response?: { data?: unknown } }).response?.data as
    | { errors?: { code?: string }[]; message?: string }
    | undefined;
  if (data?.errors?.some((item) => item?.code === "already_exists")) return true;
  return /already.exists/i.test(data?.message ?? String((error as Error).message ?? ""));
}
