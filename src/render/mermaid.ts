/**
 * The dqlite membership as a Mermaid flowchart: voters, stand-bys and spares grouped in
 * subgraphs, the nodes that sent a report marked, down or departed members styled red.
 * Labels are escaped with Mermaid entity codes, so quotes, brackets, `#` and IPv6 colons stay inert.
 */
import type { AnalysisResult, QuorumMember } from "../result/types.js";
import { clip, stripControl } from "./md-text.js";

const MAX_NODES = 60;

/**
 * Text for inside a quoted Mermaid label `id["…"]`. Mermaid decodes `#name;` / `#123;` entity
 * codes; `"` would end the string, `<`/`>`/`&` are HTML, `#` starts an entity, a backtick right
 * after the quote switches to Markdown strings, `%%{…}%%` would be read as a directive.
 * "style"/"classDef" are disguised because Mermaid's pre-processor rewrites lines containing
 * `style…:…#…;`.
 */
export function mermaidLabel(text: string, max = 80): string {
  const oneLine = clip(stripControl(text).replace(/\s+/g, " ").trim(), max);
  return oneLine
    .replace(/[#"<>&`\\%]/g, (c) => `#${c.charCodeAt(0)};`)
    .replace(/style/g, "sty#108;e")
    .replace(/classDef/g, "class#68;ef");
}

interface DiagramNode {
  id: string;
  lines: string[];
  down: boolean;
  reporting: boolean;
}

function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!.toLowerCase();
  const parts = address.split(":");
  return (parts.length === 2 ? parts[0]! : address).toLowerCase();
}

/** Returns the fenced ```mermaid block, or null when there is no membership to draw. */
export function membershipDiagram(result: AnalysisResult): string | null {
  const { quorum, departedNodes, reports } = result;
  const members = quorum.voters.length + quorum.standBys.length + quorum.spares.length;
  if (members === 0 && departedNodes.length === 0) return null;

  const reportNodes = new Set(
    reports.filter((r) => !r.error && r.node).map((r) => (r.node as string).toLowerCase()),
  );
  // A departed entry names one record by its ID when it has one (a host may be listed twice:
  // the stale record of a re-join and the live one); otherwise by address or node name.
  const departedIds = new Map(departedNodes.filter((d) => d.id).map((d) => [d.id as string, d]));
  const byAddress = departedNodes.filter((d) => !d.id);
  const departedAddresses = new Set(byAddress.map((d) => hostOf(d.address)));
  const departedNames = new Set(byAddress.filter((d) => d.node).map((d) => (d.node as string).toLowerCase()));
  const drawnNames = new Set<string>();
  const drawnHosts = new Set<string>();
  let counter = 0;
  let omitted = 0;

  const memberNode = (member: QuorumMember): DiagramNode | null => {
    if (counter >= MAX_NODES) {
      omitted += 1;
      return null;
    }
    const name = member.node?.toLowerCase() ?? null;
    const byId = member.id ? departedIds.get(member.id) : undefined;
    const departed =
      byId !== undefined ||
      departedAddresses.has(hostOf(member.address)) ||
      (name !== null && departedNames.has(name));
    const stale = byId?.rule === "departed.duplicate-record";
    const reporting = name !== null && reportNodes.has(name) && !stale;
    const lines = [member.node ?? "unknown node", member.address];
    if (stale) lines.push(`stale record, old ID ${member.id}`);
    if (reporting) lines.push("📄 report");
    if (stale) {
      // said above
    } else if (departed) lines.push("departed");
    else if (member.alive === false) lines.push("❌ down");
    if (name) drawnNames.add(name);
    drawnHosts.add(hostOf(member.address));
    return { id: `n${counter++}`, lines, down: departed || member.alive === false, reporting };
  };

  const groups: { id: string; title: string; nodes: DiagramNode[] }[] = [];
  const addGroup = (id: string, title: string, list: QuorumMember[]) => {
    const nodes = list.map(memberNode).filter((n): n is DiagramNode => n !== null);
    if (nodes.length > 0) groups.push({ id, title, nodes });
  };
  const quorumNote = quorum.quorumSize !== null ? `, quorum ${quorum.quorumSize}` : "";
  addGroup("voters", `Voters (${quorum.voters.length}${quorumNote})`, quorum.voters);
  addGroup("standbys", `Stand-bys (${quorum.standBys.length})`, quorum.standBys);
  addGroup("spares", `Spares (${quorum.spares.length})`, quorum.spares);

  const departedOnly = departedNodes
    .filter((d) => !drawnHosts.has(hostOf(d.address)))
    .map((d) => memberNode({ address: d.address, id: "", node: d.node, alive: false }))
    .filter((n): n is DiagramNode => n !== null)
    .map((n) => ({
      ...n,
      down: true,
      lines: [...n.lines.filter((l) => l !== "❌ down" && l !== "departed"), "departed"],
    }));
  if (departedOnly.length > 0)
    groups.push({ id: "departed", title: "Departed, not a member", nodes: departedOnly });

  const others: DiagramNode[] = [];
  for (const report of reports) {
    if (report.error || !report.node || drawnNames.has(report.node.toLowerCase())) continue;
    if (counter >= MAX_NODES) {
      omitted += 1;
      continue;
    }
    drawnNames.add(report.node.toLowerCase());
    others.push({
      id: `n${counter++}`,
      lines: [report.node, report.role, "📄 report"],
      down: false,
      reporting: true,
    });
  }
  if (others.length > 0) groups.push({ id: "others", title: "Not in the datastore", nodes: others });

  const lines = ["flowchart LR"];
  for (const group of groups) {
    lines.push(`  subgraph ${group.id}["${mermaidLabel(group.title)}"]`);
    for (const node of group.nodes) {
      lines.push(`    ${node.id}["${node.lines.map((l) => mermaidLabel(l)).join("<br/>")}"]`);
    }
    lines.push("  end");
  }
  if (omitted > 0) lines.push(`  more["${mermaidLabel(`… ${omitted} more not drawn`)}"]`);
  const all = groups.flatMap((g) => g.nodes);
  const down = all.filter((n) => n.down).map((n) => n.id);
  const reporting = all.filter((n) => n.reporting && !n.down).map((n) => n.id);
  lines.push("  classDef down fill:#ffd7d7,stroke:#c62828,color:#7f0000");
  lines.push("  classDef reporting stroke:#1f6feb,stroke-width:3px");
  if (down.length > 0) lines.push(`  class ${down.join(",")} down`);
  if (reporting.length > 0) lines.push(`  class ${reporting.join(",")} reporting`);
  return ["```mermaid", ...lines, "```"].join("\n");
}
