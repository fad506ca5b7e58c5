/**
 * Who may run what: GET /repos/{owner}/{repo}/collaborators/{user}/permission, reading both
 * `role_name` (triage, maintain, custom roles) and `permission` (admin/write/read/none).
 */
import type { GitHubApi } from "../github-api.js";
import type { WhoCanUse } from "./types.js";

export type RepoRole = "none" | "read" | "triage" | "write" | "maintain" | "admin";

const RANK: Record<RepoRole, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

function asRole(value: string): RepoRole | null {
  const lower = value.toLowerCase();
  return lower in RANK ? (lower as RepoRole) : null;
}

/** The higher of `role_name` (when it is a built-in role) and `permission`. */
export function effectiveRole(answer: { roleName: string; permission: string } | null): RepoRole {
  if (!answer) return "none";
  const fromRole = asRole(answer.roleName) ?? "none";
  const fromPermission = asRole(answer.permission) ?? "none";
  return RANK[fromRole] >= RANK[fromPermission] ? fromRole : fromPermission;
}

export function hasAtLeast(role: RepoRole, wanted: RepoRole): boolean {
  return RANK[role] >= RANK[wanted];
}

export async function repoRole(api: GitHubApi, owner: string, repo: string, user: string): Promise<RepoRole> {
  return effectiveRole(await api.permission(owner, repo, user));
}

export interface PermissionCheck {
  allowed: boolean;
  /** Why not, as the end of a sentence "@user: …". */
  refusal?: string;
}

export async function checkPermission(
  api: GitHubApi,
  who: WhoCanUse,
  request: { owner: string; repo: string; actor: string; issueAuthor: string | null; commandLabel: string },
): Promise<PermissionCheck> {
  if (who === "anyone") return { allowed: true };
  const isAuthor =
    request.issueAuthor !== null && request.issueAuthor.toLowerCase() === request.actor.toLowerCase();
  if (who === "author-or-triage" && isAuthor) return { allowed: true };
  const role = await repoRole(api, request.owner, request.repo, request.actor);
  if (hasAtLeast(role, "triage")) return { allowed: true };
  const refusal =
    who === "author-or-triage"
      ? `only the issue author or maintainers with triage rights can use \`${request.commandLabel}\`.`
      : `only maintainers with triage rights can use \`${request.commandLabel}\`.`;
  return { allowed: false, refusal };
}

export function describeWho(who: WhoCanUse): string {
  switch (who) {
    case "anyone":
      return "anyone";
    case "author-or-triage":
      return "the issue author; collaborators with triage, write, maintain or admin rights";
    case "triage":
      return "collaborators with triage, write, maintain or admin rights";
  }
}
