/**
 * `/triage <command> [args]` lines in a comment: line-anchored, case-insensitive, several per
 * comment; never inside fenced or indented code, inline code, HTML comments or `>` quotes.
 */

export const COMMAND_PREFIX = "/triage";

export interface ParsedCommand {
  /** Lower-case subcommand; "" for a bare `/triage`. */
  name: string;
  args: string[];
  /** The command line as written (for quoting in replies). */
  line: string;
}

const MAX_BODY = 65_536 * 2;
const MAX_COMMANDS = 10;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const COMMAND_LINE = /^ {0,3}\/triage(?=$|\s)(.*)$/i;

export function parseCommands(body: string | null | undefined): ParsedCommand[] {
  if (typeof body !== "string" || body.length === 0) return [];
  const text = stripHtmlComments(body.slice(0, MAX_BODY).replace(/\r\n?/g, "\n"));
  const commands: ParsedCommand[] = [];
  const seen = new Set<string>();
  let fence: { char: string; length: number } | null = null;

  for (const line of text.split("\n")) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length) {
        if (line.slice(fenceMatch[0].length).trim() === "") fence = null;
      }
      continue;
    }
    if (fenceMatch) {
      fence = { char: fenceMatch[1][0], length: fenceMatch[1].length };
      continue;
    }
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const rest = stripInlineCode(match[1]).trim();
    const words = rest.length > 0 ? rest.split(/\s+/) : [];
    const name = (words[0] ?? "").toLowerCase().replace(/[.!?,;:]+$/, "");
    const args = words.slice(1, 10).map((word) => word.slice(0, 100));
    const key = `${name} ${args.join(" ")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    commands.push({ name, args, line: line.trim().slice(0, 200) });
    if (commands.length >= MAX_COMMANDS) break;
  }
  return commands;
}

function stripHtmlComments(text: string): string {
  // an unterminated comment hides the rest, as GitHub renders it
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, "");
}

function stripInlineCode(text: string): string {
  return text.replace(/(`+)[\s\S]*?\1/g, " ");
}
