import { COMMAND_PREFIX } from "./parse.js";
import type { CommandDefinition } from "./types.js";

export const unignore: CommandDefinition = {
  name: "unignore",
  usage: `${COMMAND_PREFIX} unignore`,
  description: "Resumes the bot on this issue and analyses any report attached meanwhile.",
  whoCanUse: "triage",
  examples: [`${COMMAND_PREFIX} unignore`],
  async handler(context) {
    await context.services.setIgnored(false, context.actor);
    const outcome = await context.services.triage({ force: false, reason: "unignore command" });
    return { ok: outcome.status !== "failed" };
  },
};
