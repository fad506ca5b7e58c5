/**
 * The prompt for the explanation, built ONLY from the deterministic analysis: verdict, reports'
 * roles and versions, quorum, departed nodes, disk errors and findings (id, severity, title,
 * count, meaning) with a few lines of their redacted evidence. Everything that could identify the
 * reporter's machines goes through the pseudonymizer (node names → NODE_n, host names → HOST_n,
 * IPs → IP_n, secrets redacted). The issue's own text is never sent.
 */
import { createPseudonymizer, type Pseudonymizer } from "../redact/pseudonymize.js";
import { nodeNames } from "../related/signature.js";
import type { AnalysisResult, Finding } from "../result/types.js";
import { SEVERITY_ORDER } from "../result/types.js";

export interface ExplainPrompt {
  system: string;
  user: string;
  /** Maps the placeholders of the prompt (and of the answer) back. */
  pseudonymizer: Pseudonymizer;
}

export const PROMPT_LIMITS = {
  findings: 25,
  evidencePerFinding: 2,
  lineChars: 240,
  /** The user message as a whole. */
  chars: 14_000,
} as const;

export const SYSTEM_PROMPT = [
  "You help maintainers of MicroK8s triage GitHub issues.",
  "You get the results of an automated, deterministic analysis of `microk8s inspect` reports: quorum state of the dqlite datastore, departed nodes, disk errors and known failure signatures with a few redacted log lines.",
  "Write a short plain-language explanation (at most 200 words) of what most likely went wrong and how the findings relate, then a short numbered list titled **Next steps** with concrete checks or commands.",
  "Use only the facts given; do not invent log lines, versions, nodes or numbers. Say so when the findings do not explain the problem.",
  "NODE_1, HOST_1, IP_1 and similar are placeholders for real names and addresses: keep them exactly as written.",
  "Answer in GitHub Markdown without headings and without HTML.",
].join(" ");

export function buildExplainPrompt(result: AnalysisResult): ExplainPrompt {
  const pseudonymizer = createPseudonymizer({ nodes: nodeNames(result) });
  const p = (text: string | null | undefined, max: number = PROMPT_LIMITS.lineChars) =>
    clip(pseudonymizer.pseudonymize(oneLine(text ?? "")), max);
  const sections: string[] = [];

  if (result.verdict) sections.push(`Verdict: ${p(result.verdict)}`);

  const reports = (result.reports ?? []).map((report) => {
    if (report.error) return `- a report that could not be read (${p(report.error, 160)})`;
    const parts = [
      report.role,
      report.microk8sVersion ? `MicroK8s ${p(report.microk8sVersion, 40)}` : null,
      report.confinement ? `${report.confinement} confinement` : null,
      report.kind === "log" ? `single ${report.service ? `${p(report.service, 40)} ` : ""}log` : null,
    ].filter(Boolean);
    return `- ${report.node ? p(report.node, 80) : "unknown node"}: ${parts.join(", ")}`;
  });
  sections.push(`Reports analysed (${reports.length}):\n${reports.join("\n") || "- none"}`);

  const quorum = result.quorum;
  if (quorum) {
    const members = [
      ...(quorum.voters ?? []).map((m) => ({ ...m, role: "voter" })),
      ...(quorum.standBys ?? []).map((m) => ({ ...m, role: "stand-by" })),
      ...(quorum.spares ?? []).map((m) => ({ ...m, role: "spare" })),
    ].map(
      (m) =>
        `- ${p(m.address, 80)} ${m.node ? `(${p(m.node, 80)}) ` : ""}${m.role}${
          m.alive === false ? ", down" : m.alive === true ? ", up" : ""
        }`,
    );
    const numbers = [
      `${quorum.voters?.length ?? 0} voters`,
      quorum.aliveVoters !== null && quorum.aliveVoters !== undefined ? `${quorum.aliveVoters} alive` : null,
      quorum.quorumSize ? `${quorum.quorumSize} needed for quorum` : null,
    ].filter(Boolean);
    const summary = quorum.summary ? ` ${p(quorum.summary)}` : "";
    sections.push(
      `Datastore quorum: ${quorum.state} (${numbers.join(", ")}).${summary}${members.length > 0 ? `\n${members.join("\n")}` : ""}`,
    );
  }

  const departed = (result.departedNodes ?? []).map(
    (d) =>
      `- ${p(d.address, 80)}${d.node ? ` (${p(d.node, 80)})` : ""}, ${d.role}: ${p(d.reason, 400)} Suggested: ${p(d.hint, 300)}`,
  );
  sections.push(`Departed nodes: ${departed.length === 0 ? "none" : `\n${departed.join("\n")}`}`);

  const disks = (result.diskErrors ?? []).map(
    (d) => `- ${d.node ? `${p(d.node, 80)} ` : ""}${p(d.device, 60)} ${d.kind} ×${d.count}: ${p(d.sample)}`,
  );
  sections.push(`Disk errors: ${disks.length === 0 ? "none" : `\n${disks.join("\n")}`}`);

  const groups = groupFindings(sortBySeverity(result.findings ?? []));
  const shown = groups.slice(0, PROMPT_LIMITS.findings).map((group) => findingLines(group, p));
  const more =
    groups.length > shown.length ? `\n(${groups.length - shown.length} less severe findings left out)` : "";
  sections.push(
    `Findings (most severe first): ${shown.length === 0 ? "none" : `\n${shown.join("\n")}`}${more}`,
  );

  let user = sections.join("\n\n");
  if (user.length > PROMPT_LIMITS.chars)
    user = `${user.slice(0, PROMPT_LIMITS.chars - 30)}\n(cut to fit the prompt)`;
  // a last pass over the whole message: a placeholder-free prompt is the contract, not a hope
  return { system: SYSTEM_PROMPT, user: pseudonymizer.pseudonymize(user), pseudonymizer };
}

/** One finding id across nodes: the same rule firing on four nodes is one fact with four places. */
interface FindingGroup {
  first: Finding;
  all: Finding[];
}

function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const group = groups.get(finding.id);
    if (group) group.all.push(finding);
    else groups.set(finding.id, { first: finding, all: [finding] });
  }
  return [...groups.values()];
}

function findingLines(
  group: FindingGroup,
  p: (text: string | null | undefined, max?: number) => string,
): string {
  const f = group.first;
  const places = group.all
    .slice(0, 8)
    .map(
      (item) =>
        `${item.node ? p(item.node, 80) : "cluster-wide"} ×${item.count}${item.sustained ? " sustained" : ""}`,
    );
  if (group.all.length > 8) places.push(`${group.all.length - 8} more`);
  const firstSeen = group.all
    .map((item) => item.firstSeen)
    .filter(Boolean)
    .sort()[0];
  const lastSeen = group.all
    .map((item) => item.lastSeen)
    .filter(Boolean)
    .sort()
    .pop();
  const head = [
    `- [${f.severity}] ${p(f.id, 80)}: ${p(f.title, 200)}. On ${places.join(", ")}`,
    firstSeen || lastSeen ? `; ${p(firstSeen ?? "?", 40)} to ${p(lastSeen ?? "?", 40)}` : "",
    ".",
    f.meaning ? ` Meaning: ${p(f.meaning, 500)}` : "",
  ].join("");
  const evidence = group.all
    .flatMap((item) => item.evidence ?? [])
    .slice(0, PROMPT_LIMITS.evidencePerFinding)
    .map((e) => `    log: ${p(e.text)}`);
  return [head, ...evidence].join("\n");
}

function sortBySeverity(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => {
    const index = SEVERITY_ORDER.indexOf(f.severity);
    return index === -1 ? SEVERITY_ORDER.length : index;
  };
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index)
    .map((entry) => entry.finding);
}

function oneLine(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
