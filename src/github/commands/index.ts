/**
 * The `/triage` command registry and dispatcher: 👀 on the comment, permission check per command,
 * run, one reply comment for whatever needs saying, then 🚀 (all fine) or 😕 (refused/failed).
 */
import type { Logger } from "probot";
import type { RepoConfig } from "../config.js";
import type { GitHubApi } from "../github-api.js";
import { renderReply } from "../messages.js";
import type { BotSettings } from "../settings.js";
import { explain } from "./explain.js";
import { help, renderHelpTable } from "./help.js";
import { ignore } from "./ignore.js";
import { COMMAND_PREFIX, type ParsedCommand } from "./parse.js";
import { checkPermission } from "./permissions.js";
import { rerun } from "./rerun.js";
import type { CommandDefinition, CommandOutcome, CommandServices } from "./types.js";
import { unignore } from "./unignore.js";

export const ALL_COMMANDS: readonly CommandDefinition[] = [help, rerun, ignore, unignore, explain];
export const COMMAND_NAMES: readonly string[] = ALL_COMMANDS.map((command) => command.name);

export function enabledCommands(config: RepoConfig): CommandDefinition[] {
  return ALL_COMMANDS.filter((command) => command.name === "help" || config.commands.includes(command.name));
}

export interface DispatchInput {
  api: GitHubApi;
  owner: string;
  repo: string;
  issueNumber: number;
  issueAuthor: string | null;
  actor: string;
  commentId: number;
  commands: readonly ParsedCommand[];
  config: RepoConfig;
  settings: BotSettings;
  services: CommandServices;
  log: Logger;
}

export interface DispatchResult {
  ok: boolean;
  /** Per command: name and whether it succeeded. */
  results: { name: string; ok: boolean }[];
}

export async function dispatchCommands(input: DispatchInput): Promise<DispatchResult> {
  const { api, owner, repo, log } = input;
  await reactSafely(input, "eyes");
  const available = enabledCommands(input.config);
  const replies: string[] = [];
  const results: { name: string; ok: boolean }[] = [];

  for (const command of input.commands) {
    const outcome = await runOne(input, command, available);
    results.push({ name: command.name || "help", ok: outcome.ok });
    if (outcome.reply) replies.push(renderReply(command.line, input.actor, outcome.reply));
  }

  if (replies.length > 0) {
    try {
      await api.createComment(owner, repo, input.issueNumber, replies.join("\n\n---\n\n"));
    } catch (error) {
      log.error({ err: error }, "could not post the command reply");
      results.push({ name: "reply", ok: false });
    }
  }
  const ok = results.every((result) => result.ok);
  await reactSafely(input, ok ? "rocket" : "confused");
  return { ok, results };
}

async function runOne(
  input: DispatchInput,
  command: ParsedCommand,
  available: readonly CommandDefinition[],
): Promise<CommandOutcome> {
  const name = command.name || "help";
  const label = `${COMMAND_PREFIX} ${name}`;
  const definition = available.find((candidate) => candidate.name === name);
  if (!definition) {
    if (COMMAND_NAMES.includes(name)) {
      return { ok: false, reply: `\`${label}\` is turned off in this repository.` };
    }
    return {
      ok: false,
      reply: `I don't know \`${clip(label)}\`. Here is what I can do:\n\n${renderHelpTable(available)}`,
    };
  }
  try {
    const permission = await checkPermission(input.api, definition.whoCanUse, {
      owner: input.owner,
      repo: input.repo,
      actor: input.actor,
      issueAuthor: input.issueAuthor,
      commandLabel: label,
    });
    if (!permission.allowed) return { ok: false, reply: permission.refusal };
    return await definition.handler({
      api: input.api,
      owner: input.owner,
      repo: input.repo,
      issueNumber: input.issueNumber,
      issueAuthor: input.issueAuthor,
      actor: input.actor,
      command,
      config: input.config,
      settings: input.settings,
      services: input.services,
      available,
      log: input.log,
    });
  } catch (error) {
    input.log.error({ err: error, command: name }, "command failed");
    return { ok: false, reply: `\`${label}\` failed (${describeError(error)}); please try again later.` };
  }
}

async function reactSafely(input: DispatchInput, content: "eyes" | "rocket" | "confused"): Promise<void> {
  try {
    await input.api.react(input.owner, input.repo, input.commentId, content);
  } catch (error) {
    input.log.warn({ err: error, content }, "could not add a reaction");
  }
}

function describeError(error: unknown): string {
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number") return `GitHub answered ${status}`;
  return "internal error";
}

function clip(text: string): string {
  const flat = text.replace(/`/g, "'");
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
