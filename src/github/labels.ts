/**
 * The bot's label set: names per role (configurable), colours, descriptions, which labels an
 * analysis implies, and a sync plan that never removes a label a human set.
 */
import type { AnalysisResult } from "../result/types.js";
import type { GitHubApi } from "./github-api.js";

export type LabelRole =
  | "report"
  | "quorumLost"
  | "quorumDegraded"
  | "quorumNotHa"
  | "nodeDeparted"
  | "diskErrors"
  | "needsReport"
  | "rerun"
  | "skip";

export const LABEL_ROLES: readonly LabelRole[] = [
  "report",
  "quorumLost",
  "quorumDegraded",
  "quorumNotHa",
  "nodeDeparted",
  "diskErrors",
  "needsReport",
  "rerun",
  "skip",
];

/** Label name per role; null disables that label. */
export type LabelNames = Record<LabelRole, string | null>;

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

const LABEL_DEFAULTS: Record<LabelRole, LabelSpec> = {
  report: {
    name: "inspection-report",
    color: "1d76db",
    description: "A microk8s inspection report is attached and was analysed",
  },
  quorumLost: {
    name: "quorum/lost",
    color: "b60205",
    description: "dqlite quorum lost: the datastore cannot commit writes",
  },
  quorumDegraded: {
    name: "quorum/degraded",
    color: "d93f0b",
    description: "dqlite quorum degraded: one more voter loss freezes the cluster",
  },
  quorumNotHa: {
    name: "quorum/not-ha",
    color: "fbca04",
    description: "Fewer than 3 dqlite voters: no high availability",
  },
  nodeDeparted: {
    name: "node/departed",
    color: "e99695",
    description: "A cluster member looks departed or unreachable",
  },
  diskErrors: {
    name: "disk/errors",
    color: "5319e7",
    description: "Disk or filesystem errors found in an inspection report",
  },
  needsReport: {
    name: "needs/inspection-report",
    color: "ededed",
    description: "Please attach the tarball from `sudo microk8s inspect` (one per node)",
  },
  rerun: {
    name: "triage/rerun",
    color: "c5def5",
    description: "Add to re-run the report triage bot on this issue",
  },
  skip: {
    name: "triage/skip",
    color: "cccccc",
    description: "The report triage bot ignores this issue",
  },
};

export function defaultLabelNames(): LabelNames {
  const names = {} as LabelNames;
  for (const role of LABEL_ROLES) names[role] = LABEL_DEFAULTS[role].name;
  return names;
}

/** The label to create for a role under the configured name (colour and description stay ours). */
export function labelSpec(role: LabelRole, names: LabelNames): LabelSpec | null {
  const name = names[role];
  if (!name) return null;
  return { ...LABEL_DEFAULTS[role], name };
}

/** Roles whose labels the analysis (or nudge) sets and later removes. */
export const MANAGED_ROLES: readonly LabelRole[] = [
  "report",
  "quorumLost",
  "quorumDegraded",
  "quorumNotHa",
  "nodeDeparted",
  "diskErrors",
  "needsReport",
];

/** Which managed roles an analysis implies. `reportAnalysed`: at least one attachment was read as a report or log. */
export function rolesForResult(result: AnalysisResult, reportAnalysed: boolean): LabelRole[] {
  const roles: LabelRole[] = [];
  if (reportAnalysed) roles.push("report");
  switch (result.quorum?.state) {
    case "lost":
      roles.push("quorumLost");
      break;
    case "degraded":
      roles.push("quorumDegraded");
      break;
    case "not-ha":
      roles.push("quorumNotHa");
      break;
    default:
      break;
  }
  if ((result.departedNodes?.length ?? 0) > 0) roles.push("nodeDeparted");
  if ((result.diskErrors?.length ?? 0) > 0) roles.push("diskErrors");
  return roles;
}

export function namesForRoles(roles: readonly LabelRole[], names: LabelNames): string[] {
  const out: string[] = [];
  for (const role of roles) {
    const name = names[role];
    if (name && !includesLabel(out, name)) out.push(name);
  }
  return out;
}

export interface LabelPlanInput {
  /** Labels the current analysis implies. */
  desired: readonly string[];
  /** Labels now on the issue. */
  current: readonly string[];
  /** Labels the bot applied earlier (hidden state). */
  applied: readonly string[];
  /** Labels the bot applied earlier and a human then removed (hidden state). */
  declined: readonly string[];
  /** Labels removed whoever set them, when not desired (the "needs report" request once a report is there). */
  alwaysRemovable?: readonly string[];
}

export interface LabelPlan {
  add: string[];
  remove: string[];
  /** New `labels` for the hidden state. */
  applied: string[];
  /** New `declined` for the hidden state. */
  declined: string[];
}

/**
 * Pure label sync. Adds what the findings imply; removes a label only if the bot set it earlier
 * (or it is an always-removable request label) and its finding disappeared. A label the bot set
 * that a human removed is not added again while its finding persists.
 */
export function planLabelSync(input: LabelPlanInput): LabelPlan {
  const { desired, current, applied, declined } = input;
  const humanRemoved = applied.filter((name) => !includesLabel(current, name));
  const stillDeclined = [...declined, ...humanRemoved].filter(
    (name, index, all) => includesLabel(desired, name) && indexOfLabel(all, name) === index,
  );
  const add = desired.filter((name) => !includesLabel(current, name) && !includesLabel(stillDeclined, name));
  const removable = [...applied, ...(input.alwaysRemovable ?? [])];
  const remove = current.filter((name) => includesLabel(removable, name) && !includesLabel(desired, name));
  const keptApplied = applied.filter((name) => includesLabel(current, name) && includesLabel(desired, name));
  return {
    add,
    remove,
    applied: dedupeLabels([...keptApplied, ...add]),
    declined: stillDeclined,
  };
}

export function includesLabel(list: readonly string[], name: string): boolean {
  return indexOfLabel(list, name) >= 0;
}

function indexOfLabel(list: readonly string[], name: string): number {
  const wanted = name.toLowerCase();
  return list.findIndex((item) => item.toLowerCase() === wanted);
}

function dedupeLabels(list: readonly string[]): string[] {
  return list.filter((name, index) => indexOfLabel(list, name) === index);
}

/**
 * Creates the bot's labels on first use. Each repository's label list is read once (and again
 * after 10 minutes), so a label that exists costs no write; creating one that appeared meanwhile
 * answers 422 "already_exists", which is fine.
 */
export class LabelEnsurer {
  readonly #repos = new Map<string, { loadedAt: number; names: Promise<Set<string>> }>();
  /** Creations under way: issues triaged at the same time share one request per label. */
  readonly #creating = new Map<string, Promise<void>>();
  static readonly TTL_MS = 10 * 60 * 1000;

  async ensure(api: GitHubApi, owner: string, repo: string, spec: LabelSpec): Promise<void> {
    const names = await this.#names(api, owner, repo);
    const wanted = spec.name.toLowerCase();
    if (names.has(wanted)) return;
    const key = `${owner}/${repo}\u0000${wanted}`.toLowerCase();
    let creating = this.#creating.get(key);
    if (!creating) {
      creating = api
        .createLabel(owner, repo, spec)
        .then(() => {
          names.add(wanted);
        })
        .finally(() => this.#creating.delete(key));
      this.#creating.set(key, creating);
    }
    await creating;
  }

  #names(api: GitHubApi, owner: string, repo: string): Promise<Set<string>> {
    const key = `${owner}/${repo}`.toLowerCase();
    const cached = this.#repos.get(key);
    if (cached && Date.now() - cached.loadedAt < LabelEnsurer.TTL_MS) return cached.names;
    const names = api
      .listLabels(owner, repo)
      .then((list) => new Set(list.map((name) => name.toLowerCase())))
      // without the list we simply try to create, and treat "already exists" as success
      .catch(() => new Set<string>());
    if (this.#repos.size > 2000) this.#repos.clear();
    this.#repos.set(key, { loadedAt: Date.now(), names });
    return names;
  }
}

/** Find the role whose configured label has this name (case-insensitive). */
export function roleOfLabel(name: string, names: LabelNames): LabelRole | null {
  for (const role of LABEL_ROLES) {
    const configured = names[role];
    if (configured && configured.toLowerCase() === name.toLowerCase()) return role;
  }
  return null;
}
