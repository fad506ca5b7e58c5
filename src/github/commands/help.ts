import { COMMAND_PREFIX } from "./parse.js";
import { describeWho } from "./permissions.js";
import type { CommandDefinition } from "./types.js";

/** The command table, as posted by `/triage help` and in answer to an unknown command. */
export function renderHelpTable(commands: readonly CommandDefinition[]): string {
  const rows = commands.map(
    (command) =>
      `| \`${command.usage}\` | ${command.description} | ${describeWho(command.whoCanUse)} | ${command.examples
        .map((example) => `\`${example}\``)
        .join("<br>")} |`,
  );
  return [
    "| Command | What it does | Who can use it | Example |",
    "|---|---|---|---|",
    ...rows,
    "",
    `Write the command at the start of a line in a new comment. Several commands per comment are fine; commands inside code blocks or quotes are ignored.`,
  ].join("\n");
}

export const help: CommandDefinition = {
  name: "help",
  usage: `${COMMAND_PREFIX} help`,
  description: "Lists the commands of the report triage bot.",
  whoCanUse: "anyone",
  examples: [`${COMMAND_PREFIX} help`],
  async handler(context) {
    return { ok: true, reply: `here is what I can do:\n\n${renderHelpTable(context.available)}` };
  },
};
