import { COMMAND_PREFIX } from "./parse.js";
import type { CommandDefinition } from "./types.js";

export const rerun: CommandDefinition = {
  name: "rerun",
  usage: `${COMMAND_PREFIX} rerun`,
  description: "Downloads the attached inspection reports again and updates the analysis comment.",
  whoCanUse: "author-or-triage",
  examples: [`${COMMAND_PREFIX} rerun`],
  async handler(context) {
    if (await context.services.isIgnored()) {
      return {
        ok: false,
        reply: `triage is paused on this issue; a maintainer can resume it with \`${COMMAND_PREFIX} unignore\`.`,
      };
    }
    const outcome = await context.services.triage({ force: true, reason: "rerun command" });
    if (outcome.status === "nothing-to-do") {
      return {
        ok: true,
        reply: "no inspection report is attached to this issue, so there is nothing to analyse yet.",
      };
    }
    return { ok: true };
  },
};
