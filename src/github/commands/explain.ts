import { COMMAND_PREFIX } from "./parse.js";
import type { CommandDefinition } from "./types.js";

export const explain: CommandDefinition = {
  name: "explain",
  usage: `${COMMAND_PREFIX} explain`,
  description:
    "Asks the configured language model to explain the analysis in plain words (redacted findings only). Needs a model configured for the bot.",
  whoCanUse: "author-or-triage",
  examples: [`${COMMAND_PREFIX} explain`],
  async handler(context) {
    if (!context.settings.openai || !context.config.explain) {
      return {
        ok: false,
        reply: `\`${COMMAND_PREFIX} explain\` is not configured here: no language model is set up for this bot.`,
      };
    }
    if (!context.services.explain) {
      return {
        ok: false,
        reply: `\`${COMMAND_PREFIX} explain\` is not available in this version of the bot yet.`,
      };
    }
    if (await context.services.isIgnored()) {
      return {
        ok: false,
        reply: `triage is paused on this issue; a maintainer can resume it with \`${COMMAND_PREFIX} unignore\`.`,
      };
    }
    const text = await context.services.explain();
    return { ok: true, reply: text };
  },
};
