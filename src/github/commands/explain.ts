import { COMMAND_PREFIX } from "./parse.js";
import type { CommandDefinition } from "./types.js";

export const explain: CommandDefinition = {
  name: "explain",
  usage: `${COMMAND_PREFIX} explain`,
  description:
    "Asks the configured language model for a short plain-language explanation and next steps, built only from the findings (redacted, names and addresses replaced by placeholders). Needs a model configured for the bot.",
  whoCanUse: "author-or-triage",
  examples: [`${COMMAND_PREFIX} explain`],
  async handler(context) {
    if (!context.config.explain) {
      return {
        ok: false,
        reply: `\`${COMMAND_PREFIX} explain\` is not configured here: this repository turned it off (\`explain: false\`).`,
      };
    }
    if (!context.settings.openai) {
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
    const outcome = await context.services.explain();
    return { ok: outcome.ok, reply: outcome.text };
  },
};
