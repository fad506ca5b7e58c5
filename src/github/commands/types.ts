/** A `/triage` subcommand, described like a Prow plugin's help provider. */
import type { Logger } from "probot";
import type { RepoConfig } from "../config.js";
import type { GitHubApi } from "../github-api.js";
import type { BotSettings } from "../settings.js";
import type { ParsedCommand } from "./parse.js";

/** Who may run a command. */
export type WhoCanUse = "anyone" | "author-or-triage" | "triage";

export interface CommandOutcome {
  /** false → 😕 reaction. */
  ok: boolean;
  /** Reply posted under the command (quoted), if any. */
  reply?: string;
}

/** What a command handler may do; provided by the app. */
export interface CommandServices {
  /** Run the triage flow; `force` ignores the "attachments unchanged" shortcut. */
  triage(options: { force: boolean; reason: string }): Promise<{ status: string }>;
  /** Silence (true) or resume (false) the bot on this issue. */
  setIgnored(ignored: boolean, actor: string): Promise<void>;
  /** Is the bot silenced on this issue? */
  isIgnored(): Promise<boolean>;
  /**
   * Explain the latest analysis with the configured model; null when no model hook is available.
   * `ok: false` with a one-line reason when there is nothing to explain or the model failed.
   */
  explain: (() => Promise<{ ok: boolean; text: string }>) | null;
}

export interface CommandContext {
  api: GitHubApi;
  owner: string;
  repo: string;
  issueNumber: number;
  issueAuthor: string | null;
  actor: string;
  command: ParsedCommand;
  config: RepoConfig;
  settings: BotSettings;
  services: CommandServices;
  /** The commands enabled in this repository (for help). */
  available: readonly CommandDefinition[];
  log: Logger;
}

export interface CommandDefinition {
  name: string;
  usage: string;
  description: string;
  whoCanUse: WhoCanUse;
  examples: string[];
  handler(context: CommandContext): Promise<CommandOutcome>;
}
