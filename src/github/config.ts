/**
 * Repository configuration: `.github/report-triage.yml`, validated strictly.
 * Any error → the defaults are used and the comment shows one line saying what was wrong.
 */
import { parse as parseYaml } from "yaml";
import { SEVERITY_ORDER, type Severity } from "../result/types.js";
import { type Octokit, statusOf } from "./github-api.js";
import { defaultLabelNames, LABEL_ROLES, type LabelNames, type LabelRole } from "./labels.js";

export const CONFIG_FILE = "report-triage.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface RepoConfig {
  labels: LabelNames;
  /** Enabled `/triage` subcommands (`help` is always available). */
  commands: string[];
  /** Nudge MicroK8s bug reports that have no inspection report attached. */
  nudge: boolean;
  /** Findings below this severity are left out of the comment; null = renderer default. */
  minSeverity: Severity | null;
  /** Extra signature rules, validated by the engine's catalogue loader. */
  extraRules: unknown;
  /** List up to three earlier issues whose analysis has a matching signature (read-only: never closes or labels). */
  relatedIssues: boolean;
  /** Allow `/triage explain` (it also needs a model configured on the server). */
  explain: boolean;
  /** Add the model's explanation to every analysis comment (needs `explain` and a model on the server). */
  autoExplain: boolean;
}

export interface LoadedConfig {
  config: RepoConfig;
  /** Empty when the file is absent or valid. */
  errors: string[];
  /** GitHub refused to show the file (the app lacks the Contents permission); defaults used. */
  unreadable?: boolean;
}

const TOP_LEVEL_KEYS = [
  "labels",
  "commands",
  "nudge",
  "minSeverity",
  "extraRules",
  "relatedIssues",
  "explain",
  "autoExplain",
];
const LABEL_NAME_MAX = 50;

export function defaultConfig(allCommands: readonly string[]): RepoConfig {
  return {
    labels: defaultLabelNames(),
    commands: [...allCommands],
    nudge: true,
    minSeverity: null,
    extraRules: null,
    relatedIssues: true,
    explain: true,
    autoExplain: false,
  };
}

/** Validate a parsed YAML document. Unknown keys and wrong types are errors. */
export function validateConfig(raw: unknown, allCommands: readonly string[]): LoadedConfig {
  const defaults = defaultConfig(allCommands);
  if (raw === null || raw === undefined) return { config: defaults, errors: [] };
  if (!isRecord(raw)) return { config: defaults, errors: ["the file must be a YAML mapping of settings"] };

  const errors: string[] = [];
  const config = defaultConfig(allCommands);
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.includes(key)) errors.push(`unknown key \`${clip(key)}\``);
  }
  if ("labels" in raw) config.labels = validateLabels(raw.labels, errors);
  if ("commands" in raw) config.commands = validateCommands(raw.commands, allCommands, errors);
  for (const key of ["nudge", "relatedIssues", "explain", "autoExplain"] as const) {
    if (!(key in raw)) continue;
    if (typeof raw[key] === "boolean") config[key] = raw[key];
    else errors.push(`\`${key}\` must be true or false`);
  }
  if ("minSeverity" in raw) {
    const value = raw.minSeverity;
    if (typeof value === "string" && (SEVERITY_ORDER as readonly string[]).includes(value.toLowerCase())) {
      config.minSeverity = value.toLowerCase() as Severity;
    } else {
      errors.push(`\`minSeverity\` must be one of ${SEVERITY_ORDER.join(", ")}`);
    }
  }
  if ("extraRules" in raw) {
    // the engine's catalogue loader checks the rules themselves (fields, regex safety)
    if (raw.extraRules === null || typeof raw.extraRules === "object") config.extraRules = raw.extraRules;
    else errors.push("`extraRules` must be a list of rules");
  }
  return errors.length > 0 ? { config: defaults, errors } : { config, errors };
}

function validateLabels(value: unknown, errors: string[]): LabelNames {
  const names = defaultLabelNames();
  if (!isRecord(value)) {
    errors.push(`\`labels\` must be a mapping of ${LABEL_ROLES.join(", ")} to label names`);
    return names;
  }
  const seen = new Map<string, string>();
  for (const [key, name] of Object.entries(value)) {
    if (!(LABEL_ROLES as readonly string[]).includes(key)) {
      errors.push(`unknown label role \`labels.${clip(key)}\` (known: ${LABEL_ROLES.join(", ")})`);
      continue;
    }
    const role = key as LabelRole;
    if (name === false || name === null) {
      names[role] = null;
      continue;
    }
    if (
      typeof name !== "string" ||
      name.trim().length === 0 ||
      name.length > LABEL_NAME_MAX ||
      /[\r\n,]/.test(name)
    ) {
      errors.push(
        `\`labels.${role}\` must be a label name (1–${LABEL_NAME_MAX} characters, no comma) or false`,
      );
      continue;
    }
    const trimmed = name.trim();
    const clash = seen.get(trimmed.toLowerCase());
    if (clash)
      errors.push(`\`labels.${role}\` and \`labels.${clash}\` use the same label \`${clip(trimmed)}\``);
    seen.set(trimmed.toLowerCase(), role);
    names[role] = trimmed;
  }
  return names;
}

function validateCommands(value: unknown, allCommands: readonly string[], errors: string[]): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    errors.push(`\`commands\` must be a list of command names (${allCommands.join(", ")})`);
    return [...allCommands];
  }
  const enabled: string[] = [];
  for (const item of value as string[]) {
    const name = item.trim().toLowerCase();
    if (!allCommands.includes(name)) errors.push(`unknown command \`${clip(item)}\` in \`commands\``);
    else if (!enabled.includes(name)) enabled.push(name);
  }
  if (!enabled.includes("help")) enabled.push("help");
  return enabled;
}

/**
 * Read and validate the repository's config with Probot's config plugin (the same loader
 * `context.config()` uses: default branch, `.github` repo fallback, `_extends`).
 */
export async function loadRepoConfig(
  octokit: Octokit,
  owner: string,
  repo: string,
  allCommands: readonly string[],
): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    const { config, files } = await octokit.config.get({ owner, repo, path: CONFIG_PATH });
    raw = files.some((file) => file.config !== null) ? config : null;
  } catch (error) {
    // Without the Contents (or single-file) permission GitHub answers 403: as good as no file.
    if (statusOf(error) === 403 || statusOf(error) === 401) {
      return { config: defaultConfig(allCommands), errors: [], unreadable: true };
    }
    const fallback = /directory or a submodule/i.test(String((error as Error)?.message))
      ? await readBase64Config(octokit, owner, repo)
      : undefined;
    if (fallback === undefined)
      return { config: defaultConfig(allCommands), errors: [describeLoadError(error)] };
    if (typeof fallback === "string") return { config: defaultConfig(allCommands), errors: [fallback] };
    raw = fallback.value;
  }
  return validateConfig(raw, allCommands);
}

/**
 * The config plugin asks for the raw media type; a server that answers with the JSON form
 * (base64 `content`) would look like a directory to it. Read that form ourselves.
 * Returns the parsed document, an error line, or undefined when it is not a file after all.
 */
async function readBase64Config(
  octokit: Octokit,
  owner: string,
  repo: string,
): Promise<{ value: unknown } | string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: CONFIG_PATH });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    const text = Buffer.from(String(data.content), "base64").toString("utf8");
    try {
      return { value: parseYaml(text) ?? null };
    } catch {
      return "the file is not valid YAML";
    }
  } catch {
    return undefined;
  }
}

function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid YAML|could not be parsed/i.test(message)) return "the file is not valid YAML";
  if (/not an object/i.test(message)) return "the file must be a YAML mapping of settings";
  if (/directory or a submodule/i.test(message)) return "the path is a directory, not a file";
  if (/Recursion detected|_extends/i.test(message)) return `\`_extends\` could not be resolved`;
  return `the file could not be read (${clip(message.replace(/\[@probot\/octokit-plugin-config\]\s*/, ""), 120)})`;
}

/** The one line shown in the comment for a bad config. */
export function configErrorLine(errors: readonly string[]): string | null {
  if (errors.length === 0) return null;
  const shown = errors.slice(0, 3).join("; ");
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : "";
  const flat = shown.replace(/[\r\n]+/g, " ");
  return `> ⚠️ \`${CONFIG_PATH}\` was ignored: ${flat.length > 400 ? `${flat.slice(0, 399)}…` : flat}${more}. Using the defaults.`;
}

function clip(text: string, max = 60): string {
  const flat = text.replace(/[\r\n`]+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
