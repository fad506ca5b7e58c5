import { COMMAND_PREFIX } from "./parse.js";
import type { CommandDefinition } from "./types.js";

export const ignore: CommandDefinition = {
  name: "ignore",
  usage: `${COMMAND_PREFIX} ignore`,
  description: "Stops the bot on this issue: no analysis, no nudge, no label changes until unignored.",
  whoCanUse: "triage",
  examples: [`${COMMAND_PREFIX} ignore`],
  async handler(context) {
    await context.services.setIgnored(true, context.actor);
    return { ok: true };
  },
};
