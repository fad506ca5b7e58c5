/**
 * Defensive reading of webhook payloads: only the fields we use, each type-checked and capped.
 * A payload that does not fit is ignored with a reason, never trusted.
 */

export interface Actor {
  login: string;
  type: string;
}

export interface IssueEventInfo {
  owner: string;
  repo: string;
  installationId: number | null;
  action: string;
  issueNumber: number;
  issueTitle: string;
  issueBody: string | null;
  issueAuthor: Actor | null;
  issueLabels: string[];
  locked: boolean;
  isPullRequest: boolean;
  sender: Actor;
  /** issues.edited: the body changed (not only the title). */
  bodyChanged: boolean;
  /** issues.labeled/unlabeled: the label's name. */
  label: string | null;
  /** issue_comment.*: the comment. */
  comment: { id: number; body: string; author: Actor } | null;
}

export type ReadResult = { ok: true; event: IssueEventInfo } | { ok: false; reason: string };

const MAX_TEXT = 262_144;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const LOGIN = /^[A-Za-z0-9_.\-[\]]{1,100}$/;

export function readIssueEvent(payload: unknown): ReadResult {
  if (!isRecord(payload)) return fail("payload is not an object");
  const repository = payload.repository;
  if (!isRecord(repository) || !isRecord(repository.owner)) return fail("no repository");
  const owner = repository.owner.login;
  const repo = repository.name;
  if (typeof owner !== "string" || !NAME.test(owner)) return fail("bad repository owner");
  if (typeof repo !== "string" || !NAME.test(repo)) return fail("bad repository name");

  const issue = payload.issue;
  if (!isRecord(issue)) return fail("no issue");
  const issueNumber = issue.number;
  if (typeof issueNumber !== "number" || !Number.isSafeInteger(issueNumber) || issueNumber <= 0) {
    return fail("bad issue number");
  }
  const sender = readActor(payload.sender);
  if (!sender) return fail("bad sender");

  const installation = payload.installation;
  const installationId =
    isRecord(installation) && typeof installation.id === "number" && Number.isSafeInteger(installation.id)
      ? installation.id
      : null;

  let comment: IssueEventInfo["comment"] = null;
  if (payload.comment !== undefined) {
    const raw = payload.comment;
    if (!isRecord(raw) || typeof raw.id !== "number" || !Number.isSafeInteger(raw.id))
      return fail("bad comment");
    const author = readActor(raw.user);
    if (!author) return fail("bad comment author");
    comment = { id: raw.id, body: typeof raw.body === "string" ? raw.body.slice(0, MAX_TEXT) : "", author };
  }

  const changes = payload.changes;
  const label =
    isRecord(payload.label) && typeof payload.label.name === "string"
      ? payload.label.name.slice(0, 100)
      : null;

  return {
    ok: true,
    event: {
      owner,
      repo,
      installationId,
      action: typeof payload.action === "string" ? payload.action : "",
      issueNumber,
      issueTitle: typeof issue.title === "string" ? issue.title.slice(0, 1024) : "",
      issueBody: typeof issue.body === "string" ? issue.body.slice(0, MAX_TEXT) : null,
      issueAuthor: readActor(issue.user),
      issueLabels: readLabels(issue.labels),
      locked: issue.locked === true,
      isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
      sender,
      bodyChanged: isRecord(changes) && isRecord(changes.body),
      label,
      comment,
    },
  };
}

/** Bots — ours included — are never answered. */
export function isBot(actor: Actor | null): boolean {
  if (!actor) return false;
  return actor.type.toLowerCase() === "bot" || actor.login.toLowerCase().endsWith("[bot]");
}

function readActor(value: unknown): Actor | null {
  if (!isRecord(value) || typeof value.login !== "string" || !LOGIN.test(value.login)) return null;
  return { login: value.login, type: typeof value.type === "string" ? value.type : "User" };
}

function readLabels(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const item of value.slice(0, 100)) {
    const name = typeof item === "string" ? item : isRecord(item) ? item.name : null;
    if (typeof name === "string" && name.length > 0 && name.length <= 100) names.push(name);
  }
  return names;
}

function fail(reason: string): ReadResult {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
