/**
 * The triage flow for one issue: gather report attachments from the body and every comment,
 * download, analyse together, render, and post or update the ONE sticky comment; keep the
 * bot's labels in sync. Ask for a report (nudge) when a MicroK8s bug report has none.
 */
import type { Logger } from "probot";
import {
  DIFF_SECTION_TITLE,
  diffResults,
  type RoundInput,
  renderDiffMarkdown,
  splitRounds,
} from "../diff/index.js";
import { EXPLANATION_TITLE, renderExplanation } from "../explain/render.js";
import { findRelatedIssues, type RelatedIssue } from "../related/find.js";
import { githubRelatedLookup } from "../related/github.js";
import { RELATED_SECTION_TITLE, renderRelatedMarkdown } from "../related/render.js";
import {
  type AnalysisSignature,
  analysisSignature,
  signatureTokens,
  storedSignature,
} from "../related/signature.js";
import type { InputNote, RenderOptions } from "../render/types.js";
import type { ReportInput } from "../report/types.js";
import {
  type AnalysisResult,
  type Finding,
  SCHEMA_VERSION,
  SEVERITY_ORDER,
  type Severity,
} from "../result/types.js";
import type { Catalogue } from "../rules/types.js";
import { configErrorLine, type LoadedConfig, type RepoConfig } from "./config.js";
import type { GitHubApi, IssueComment, IssueData } from "./github-api.js";
import {
  includesLabel,
  type LabelEnsurer,
  type LabelRole,
  labelSpec,
  MANAGED_ROLES,
  namesForRoles,
  planLabelSync,
  rolesForResult,
} from "./labels.js";
import { insertAfterMarker, renderFailureNotice, renderNeedsReport, renderPlaceholder } from "./messages.js";
import { decideNudge } from "./nudge.js";
import { isBot } from "./payload.js";
import { type BotSettings, isGitHubHost } from "./settings.js";
import { decodeState, digestAttachmentKey, emptyState, replaceState, type TriageState } from "./state.js";
import { findStickies, type IssueRef, upsertSticky } from "./sticky.js";

/** GitHub refuses comment bodies over 65 536 characters. */
export const MAX_COMMENT_LENGTH = 65_536;

export interface AttachmentRef {
  url: string;
  name: string;
  kind: "archive" | "log";
}

export type DownloadOutcome =
  | { ok: true; data: Buffer; finalUrl?: string }
  | { ok: false; reason: string; code?: string };

export interface DownloadOptions {
  token?: string;
  extraHosts?: string[];
  gheHost?: string | null;
  gheProtocol?: string;
  maxBytes?: number;
  timeoutMs?: number;
}

export interface DiscoverOptions {
  owner: string;
  repo: string;
  gheHost?: string | null;
  gheProtocol?: string | null;
  extraHosts?: readonly string[];
}

/** Everything the flow needs from the rest of the project, injectable. */
export interface TriageDeps {
  marker: string;
  analyze(inputs: ReportInput[], options?: { catalogue?: Catalogue }): Promise<AnalysisResult>;
  consoleFindings(text: string, catalogue?: Catalogue): Finding[];
  loadCatalogue(extraRules: unknown): { catalogue: Catalogue; errors: string[] };
  discover(markdown: string, options: DiscoverOptions): AttachmentRef[];
  attachmentKey(list: AttachmentRef[]): string;
  download(url: string, options: DownloadOptions): Promise<DownloadOutcome>;
  render(result: AnalysisResult, options: RenderOptions): string;
  redact(text: string): string;
  settings: BotSettings;
  labels: LabelEnsurer;
  botLogin(): Promise<string>;
  log: Logger;
  /** Explain an analysis with the configured model (never throws); absent = no explainer. */
  explain?(request: ExplainRequest): Promise<ExplainAttempt>;
}

/** The model's explanation as safe Markdown, or one line saying why there is none. */
export type ExplainAttempt =
  | { ok: true; markdown: string; model: string | null }
  | { ok: false; reason: string };

/** The related-issues search gives up after this long (the analysis is posted regardless). */
const RELATED_TIMEOUT_MS = 15_000;

/** One issue, with the API client and the repository config (loaded once per job). */
export interface IssueSession {
  api: GitHubApi;
  ref: IssueRef;
  loadConfig(): Promise<LoadedConfig>;
}

export type TriageStatus =
  | "analysed"
  | "nudged"
  | "unchanged"
  | "ignored"
  | "locked"
  | "not-found"
  | "pull-request"
  | "nothing-to-do";

export interface TriageOutcome {
  status: TriageStatus;
  commentId?: number;
  attachments?: number;
}

export interface TriageRequest {
  /** Ignore the "same attachments as last time" shortcut (rerun). */
  force: boolean;
  reason: string;
}

/** The issue as the flow sees it: fresh from the API, with its comments and the bot's comment. */
interface IssueView {
  issue: IssueData;
  comments: IssueComment[];
  sticky: IssueComment | null;
  state: TriageState;
  config: RepoConfig;
  configErrors: string[];
  botLogin: string;
}

export async function runTriage(
  session: IssueSession,
  request: TriageRequest,
  deps: TriageDeps,
): Promise<TriageOutcome> {
  const view = await loadView(session, deps);
  if ("status" in view) return view;
  if (isIgnored(view)) return { status: "ignored" };

  const catalogue = loadCatalogue(view.config, deps);
  const errorLine = configErrorLine([...view.configErrors, ...catalogue.errors]);
  const attachments = gatherAttachments(session.ref, view, deps);
  const key = digestAttachmentKey(deps.attachmentKey(attachments));
  const settled = view.state.shape === "analysis" || view.state.shape === "needs-report";
  if (!request.force && view.sticky && settled && view.state.attachments === key) {
    return { status: "unchanged", commentId: view.sticky.id };
  }
  deps.log.info(
    {
      issue: `${session.ref.owner}/${session.ref.repo}#${session.ref.issueNumber}`,
      reason: request.reason,
      attachments: attachments.length,
    },
    "triage",
  );
  if (attachments.length === 0) return askForReport(session, view, key, errorLine, catalogue.catalogue, deps);
  return analyseAndPost(session, view, { attachments, key, errorLine, catalogue: catalogue.catalogue }, deps);
}

async function loadView(session: IssueSession, deps: TriageDeps): Promise<IssueView | TriageOutcome> {
  const { api, ref } = session;
  const issue = await api.getIssue(ref.owner, ref.repo, ref.issueNumber);
  if (!issue) return { status: "not-found" };
  if (issue.isPullRequest) return { status: "pull-request" };
  if (issue.locked) return { status: "locked" };
  const [loaded, botLogin, comments] = await Promise.all([
    session.loadConfig(),
    deps.botLogin(),
    api.listComments(ref.owner, ref.repo, ref.issueNumber),
  ]);
  const stickies = findStickies(comments, deps.marker, botLogin);
  const sticky = stickies[0] ?? null;
  // leftovers of an earlier race: fold into the oldest
  for (const duplicate of stickies.slice(1)) await api.deleteComment(ref.owner, ref.repo, duplicate.id);
  return {
    issue,
    comments,
    sticky,
    state: decodeState(sticky?.body) ?? emptyState(),
    config: loaded.config,
    configErrors: loaded.errors,
    botLogin,
  };
}

function isIgnored(view: IssueView): boolean {
  const skip = view.config.labels.skip;
  return view.state.ignored || (skip !== null && includesLabel(view.issue.labels, skip));
}

function loadCatalogue(
  config: RepoConfig,
  deps: TriageDeps,
): { catalogue: Catalogue | undefined; errors: string[] } {
  if (config.extraRules === null || config.extraRules === undefined)
    return { catalogue: undefined, errors: [] };
  try {
    const loaded = deps.loadCatalogue(config.extraRules);
    return { catalogue: loaded.catalogue, errors: loaded.errors.map((error) => `extraRules: ${error}`) };
  } catch (error) {
    return {
      catalogue: undefined,
      errors: [`extraRules: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

/** Report attachments of the issue body and of every comment not written by a bot, first seen first. */
function gatherAttachments(ref: IssueRef, view: IssueView, deps: TriageDeps): AttachmentRef[] {
  const options: DiscoverOptions = {
    owner: ref.owner,
    repo: ref.repo,
    gheHost: deps.settings.gheHost,
    gheProtocol: deps.settings.gheProtocol,
    extraHosts: deps.settings.attachmentHosts,
  };
  const texts = [
    view.issue.body ?? "",
    ...view.comments.filter((comment) => !isBot(comment.user)).map((c) => c.body),
  ];
  const seen = new Set<string>();
  const list: AttachmentRef[] = [];
  for (const text of texts) {
    if (!text) continue;
    for (const attachment of safeDiscover(text, options, deps)) {
      if (seen.has(attachment.url)) continue;
      seen.add(attachment.url);
      list.push(attachment);
    }
  }
  return list;
}

function safeDiscover(text: string, options: DiscoverOptions, deps: TriageDeps): AttachmentRef[] {
  try {
    return deps.discover(text, options);
  } catch (error) {
    deps.log.warn({ err: error }, "attachment discovery failed on one text");
    return [];
  }
}

// ---------------------------------------------------------------- no report: nudge

async function askForReport(
  session: IssueSession,
  view: IssueView,
  key: string,
  errorLine: string | null,
  catalogue: Catalogue | undefined,
  deps: TriageDeps,
): Promise<TriageOutcome> {
  const hadReport = view.state.shape === "analysis" || view.state.shape === "analysing";
  if (!view.sticky) {
    if (!view.config.nudge) return { status: "nothing-to-do" };
    const decision = decideNudge({
      title: view.issue.title,
      body: view.issue.body,
      labels: view.issue.labels,
    });
    if (!decision.nudge) return { status: "nothing-to-do" };
  }
  const roles: LabelRole[] = view.config.nudge ? ["needsReport"] : [];
  const labels = await syncLabels(session, view, roles, [], deps);
  const state: TriageState = withoutSignature({
    ...view.state,
    shape: "needs-report",
    attachments: key,
    ...labels,
  });
  const body = renderNeedsReport({
    marker: deps.marker,
    state,
    author: view.issue.user?.login ?? null,
    labelName: view.config.nudge ? view.config.labels.needsReport : null,
    consoleFindings: safeConsoleFindings(view.issue.body, catalogue, deps),
    reportRemoved: hadReport && view.sticky !== null,
  });
  const comment = await upsertSticky(
    session.api,
    session.ref,
    withErrorLine(body, errorLine),
    stickyOptions(view, deps),
  );
  return { status: "nudged", commentId: comment.id, attachments: 0 };
}

// ---------------------------------------------------------------- reports: analyse

interface AnalysisPlan {
  attachments: AttachmentRef[];
  key: string;
  errorLine: string | null;
  catalogue: Catalogue | undefined;
}

async function analyseAndPost(
  session: IssueSession,
  view: IssueView,
  plan: AnalysisPlan,
  deps: TriageDeps,
): Promise<TriageOutcome> {
  const analysing: TriageState = { ...view.state, shape: "analysing" };
  const placeholder = renderPlaceholder(
    deps.marker,
    Math.min(plan.attachments.length, deps.settings.maxAttachments),
    analysing,
  );
  let sticky = await upsertSticky(
    session.api,
    session.ref,
    withErrorLine(placeholder, plan.errorLine),
    stickyOptions(view, deps),
  );

  try {
    const analysis = await analyseAttachments(
      session.api,
      view.issue,
      plan.attachments,
      plan.catalogue,
      deps,
    );
    const roles = rolesForResult(analysis.result, analysis.reportAnalysed);
    const needsReport = view.config.labels.needsReport;
    // a report that could not be read does not satisfy the request for one
    if (!analysis.reportAnalysed && needsReport && includesLabel(view.state.labels, needsReport))
      roles.push("needsReport");
    const labels = await syncLabels(
      session,
      view,
      roles,
      analysis.reportAnalysed ? ["needsReport"] : [],
      deps,
    );
    const signature = analysis.reportAnalysed ? analysisSignature(analysis.result) : null;
    const state: TriageState = withoutSignature({
      ...view.state,
      shape: "analysis",
      attachments: plan.key,
      ...labels,
    });
    if (signature) state.signature = storedSignature(signature);
    const extras = await extraSections(session, view, analysis, signature, deps);
    const reserve = plan.errorLine ? plan.errorLine.length + 4 : 0;
    const body = renderAnalysis(analysis, view.config, state, MAX_COMMENT_LENGTH - reserve, deps, extras);
    sticky = await upsertSticky(session.api, session.ref, withErrorLine(body, plan.errorLine), {
      ...stickyOptions(view, deps),
      existing: sticky,
    });
  } catch (error) {
    // never leave the "analysing" placeholder behind (not even when GitHub refused the final
    // edit after Octokit's retries): say it failed, keep the state re-runnable
    deps.log.error({ err: error }, "analysis failed");
    const failed = renderFailureNotice(deps.marker, { ...view.state, shape: "notice" });
    await upsertSticky(session.api, session.ref, withErrorLine(failed, plan.errorLine), {
      ...stickyOptions(view, deps),
      existing: sticky,
    }).catch((updateError: unknown) =>
      deps.log.error({ err: updateError }, "could not post the failure notice"),
    );
    throw error;
  }
  return { status: "analysed", commentId: sticky.id, attachments: plan.attachments.length };
}

export interface AttachmentAnalysis {
  /** The latest round of reports (all of them when there is only one round). */
  result: AnalysisResult;
  /** The round before, when a node's report was replaced by a later one of the same node; else null. */
  previous: AnalysisResult | null;
  inputs: InputNote[];
  /** At least one attachment was read as a report or a log. */
  reportAnalysed: boolean;
}

/** Download every attachment, analyse them together, add console-output findings. No GitHub writes. */
export async function analyseAttachments(
  api: GitHubApi,
  issue: IssueData,
  attachments: readonly AttachmentRef[],
  catalogue: Catalogue | undefined,
  deps: TriageDeps,
): Promise<AttachmentAnalysis> {
  const limit = deps.settings.maxAttachments;
  const chosen = attachments.slice(0, limit);
  const skipped = attachments.slice(limit);
  const names = uniqueNames(chosen.map((attachment) => attachment.name));
  const needsToken = chosen.some((attachment) => isGitHubHost(attachment.url, deps.settings.gheHost));
  const token = needsToken ? await api.installationToken() : null;

  const downloads = await mapLimited(chosen, 3, (attachment) => downloadOne(attachment, token, deps));
  // attachment index of each downloaded input
  const inputOf: number[] = [];
  const inputs: ReportInput[] = [];
  downloads.forEach((outcome, index) => {
    if (!outcome.ok) return;
    inputOf.push(index);
    inputs.push({ kind: "buffer", data: outcome.data, name: names[index] });
  });

  let combined = emptyResult();
  let analysisError: string | null = null;
  if (inputs.length > 0) {
    try {
      combined = await deps.analyze(inputs, catalogue ? { catalogue } : {});
    } catch (error) {
      deps.log.error({ err: error }, "analysis failed");
      analysisError = deps.redact(error instanceof Error ? error.message : String(error)).slice(0, 200);
    }
  }
  const rounds = analysisError ? null : await analyseRounds(inputs, combined, catalogue, deps);
  let result = rounds?.latest ?? combined;
  let previous = rounds?.previous ?? null;
  /** attachment index → attachment index of the later report of the same node */
  const replacedBy = new Map<number, number>();
  for (const [older, newer] of rounds?.superseded ?? []) replacedBy.set(inputOf[older]!, inputOf[newer]!);

  const notes: InputNote[] = [];
  let reportAnalysed = false;
  chosen.forEach((attachment, index) => {
    const outcome = downloads[index];
    const base = { name: names[index], url: attachment.url };
    if (!outcome.ok) {
      notes.push({
        ...base,
        status: "failed",
        detail: `download failed: ${oneLine(deps.redact(outcome.reason))}`,
      });
      return;
    }
    if (analysisError) {
      notes.push({ ...base, status: "failed", detail: `could not be analysed: ${analysisError}` });
      return;
    }
    const note = noteForInput(base, combined, names[index]);
    if (note.status === "analysed" || note.status === "log") reportAnalysed = true;
    const newer = replacedBy.get(index);
    if (newer !== undefined) {
      const replaced = `earlier report, replaced by ${names[newer]} (see "${DIFF_SECTION_TITLE}")`;
      note.detail = note.detail ? `${note.detail}; ${replaced}` : replaced;
    }
    notes.push(note);
  });
  for (const attachment of skipped) {
    notes.push({
      name: attachment.name,
      url: attachment.url,
      status: "skipped",
      detail: `not analysed: only the first ${limit} attachments are`,
    });
  }

  const fromConsole = safeConsoleFindings(issue.body, catalogue, deps);
  if (fromConsole.length > 0) {
    result = { ...result, findings: mergeFindings(result.findings, fromConsole) };
    // on both sides, so that the diff does not report them as new
    if (previous) previous = { ...previous, findings: mergeFindings(previous.findings, fromConsole) };
    notes.push({
      name: "issue description",
      status: "analysed",
      detail: `\`microk8s inspect\` console output pasted there: ${fromConsole.length} finding(s) added`,
    });
  }
  return { result, previous, inputs: notes, reportAnalysed };
}

interface AnalysedRounds {
  latest: AnalysisResult;
  previous: AnalysisResult;
  /** input index → input index of the newer report of the same node */
  superseded: Map<number, number>;
}

/**
 * When a node's report was attached again later (a later `takenAt`, or a later attachment), the
 * latest round is analysed for the comment and the round before for the diff. Both are
 * re-analysed from the downloaded bytes, so nothing needs keeping between runs and a rerun or
 * both rounds arriving at once give the same answer. Null when there is one round only.
 */
async function analyseRounds(
  inputs: readonly ReportInput[],
  combined: AnalysisResult,
  catalogue: Catalogue | undefined,
  deps: TriageDeps,
): Promise<AnalysedRounds | null> {
  if (inputs.length < 2) return null;
  const split = splitRounds(inputs.map((input) => roundInputOf(combined, inputName(input))));
  if (!split.previous) return null;
  const options = catalogue ? { catalogue } : {};
  try {
    const latest = await deps.analyze(
      split.latest.map((index) => inputs[index]!),
      options,
    );
    const previous = await deps.analyze(
      split.previous.map((index) => inputs[index]!),
      options,
    );
    return { latest, previous, superseded: split.superseded };
  } catch (error) {
    // the combined analysis stands; only the comparison is lost
    deps.log.error({ err: error }, "analysis of the report rounds failed");
    return null;
  }
}

/** The node and time of an input's report; no node when it is unreadable, a log, or holds several nodes. */
function roundInputOf(result: AnalysisResult, name: string): RoundInput {
  const entries = result.reports.filter(
    (report) =>
      (report.source === name || report.source.startsWith(`${name}#`)) &&
      !report.error &&
      report.kind !== "log",
  );
  const nodes = new Set(entries.map((report) => report.node?.trim().toLowerCase() ?? ""));
  if (entries.length === 0 || nodes.size !== 1 || nodes.has("")) return { node: null, takenAt: null };
  return { node: entries[0]!.node, takenAt: entries[0]!.takenAt ?? null };
}

function inputName(input: ReportInput): string {
  return input.kind === "buffer" || input.kind === "stream" ? input.name : (input.name ?? input.path);
}

// ---------------------------------------------------------------- extra sections

type ExtraSection = NonNullable<RenderOptions["extraSections"]>[number];

/** What changed since the previous round, possibly related issues, and (opted in) the explanation. */
async function extraSections(
  session: IssueSession,
  view: IssueView,
  analysis: AttachmentAnalysis,
  signature: AnalysisSignature | null,
  deps: TriageDeps,
): Promise<ExtraSection[]> {
  const sections: ExtraSection[] = [];
  if (analysis.previous) {
    try {
      const diff = diffResults(analysis.previous, analysis.result);
      sections.push({ title: DIFF_SECTION_TITLE, body: safeSection(renderDiffMarkdown(diff)) });
    } catch (error) {
      deps.log.error({ err: error }, "report diff failed");
    }
  }
  if (view.config.relatedIssues && signature && signature.ids.length > 0) {
    const matches = await relatedIssues(session, view, signature, deps);
    sections.push({
      title: RELATED_SECTION_TITLE,
      body: safeSection(renderRelatedMarkdown(matches, signatureTokens(signature))),
    });
  }
  if (view.config.autoExplain && view.config.explain && analysis.reportAnalysed) {
    sections.push({
      title: EXPLANATION_TITLE,
      body: safeSection(await explanationBody(session, view, analysis, deps)),
    });
  }
  return sections;
}

/** Earlier issues with a matching signature; null when the search could not be done. */
async function relatedIssues(
  session: IssueSession,
  view: IssueView,
  signature: AnalysisSignature,
  deps: TriageDeps,
): Promise<RelatedIssue[] | null> {
  const { ref } = session;
  const lookup = githubRelatedLookup(session.api, {
    owner: ref.owner,
    repo: ref.repo,
    marker: deps.marker,
    botLogin: view.botLogin,
  });
  if (!lookup) return null;
  try {
    return await withTimeout(
      findRelatedIssues(signature, lookup, {
        owner: ref.owner,
        repo: ref.repo,
        issueNumber: ref.issueNumber,
      }),
      RELATED_TIMEOUT_MS,
    );
  } catch (error) {
    deps.log.warn({ err: error }, "related-issue search failed");
    return null;
  }
}

async function explanationBody(
  session: IssueSession,
  view: IssueView,
  analysis: AttachmentAnalysis,
  deps: TriageDeps,
): Promise<string> {
  if (!deps.explain)
    return renderExplanation({ ok: false, reason: "this bot has no language model explainer" });
  const attempt = await deps.explain(explainRequest(session, view, analysis, deps));
  return renderExplanation(
    attempt.ok
      ? { ok: true, text: attempt.markdown, model: attempt.model }
      : { ok: false, reason: attempt.reason },
  );
}

/** The bot reads its hidden state from HTML comments: none may come from a section's (untrusted) text. */
export function safeSection(body: string): string {
  return body.replace(/<!--/g, "&lt;!--");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function withoutSignature(state: TriageState): TriageState {
  const { signature: _dropped, ...rest } = state;
  return rest;
}

async function downloadOne(
  attachment: AttachmentRef,
  token: string | null,
  deps: TriageDeps,
): Promise<DownloadOutcome> {
  const { settings } = deps;
  const options: DownloadOptions = {
    extraHosts: settings.attachmentHosts,
    gheHost: settings.gheHost,
    gheProtocol: settings.gheProtocol,
    ...(settings.maxAttachmentBytes ? { maxBytes: settings.maxAttachmentBytes } : {}),
    ...(settings.downloadTimeoutMs ? { timeoutMs: settings.downloadTimeoutMs } : {}),
  };
  // the installation token goes to the GitHub host only, never to storage or third-party hosts
  if (token && isGitHubHost(attachment.url, settings.gheHost)) options.token = token;
  try {
    return await deps.download(attachment.url, options);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), code: "error" };
  }
}

function noteForInput(base: { name: string; url: string }, result: AnalysisResult, name: string): InputNote {
  const entries = result.reports.filter((report) => report.source === name);
  if (entries.length === 0)
    return { ...base, status: "not-a-report", detail: "not recognised as an inspection report or log" };
  const readable = entries.filter((report) => !report.error);
  if (readable.length === 0) {
    const error = oneLine(entries[0].error ?? "unreadable");
    const notReport =
      /not (an? )?(inspection )?report|not an? (tar|gzip|tarball|report)|unrecogni[sz]ed|no recogni[sz]able|unknown (format|layout)|not gzip/i.test(
        error,
      );
    return { ...base, status: notReport ? "not-a-report" : "failed", detail: error };
  }
  const details = readable.map((report) => {
    if (report.kind === "log") return report.service ? `${report.service} log` : "single log";
    const parts = [
      report.node ? `node ${report.node}` : null,
      report.role !== "unknown" ? report.role : null,
      report.microk8sVersion,
    ];
    return parts.filter(Boolean).join(", ");
  });
  const allLogs = readable.every((report) => report.kind === "log");
  const detail = details.filter((text) => text.length > 0).join("; ");
  return { ...base, status: allLogs ? "log" : "analysed", ...(detail ? { detail } : {}) };
}

function renderAnalysis(
  analysis: AttachmentAnalysis,
  config: RepoConfig,
  state: TriageState,
  maxLength: number,
  deps: TriageDeps,
  extraSections: ExtraSection[] = [],
): string {
  const options: RenderOptions = { inputs: analysis.inputs, state, maxLength };
  if (extraSections.length > 0) options.extraSections = extraSections;
  if (config.minSeverity) options.minSeverity = config.minSeverity;
  let body = deps.render(analysis.result, options);
  if (!body.startsWith(`${deps.marker}\n`) && body !== deps.marker) body = `${deps.marker}\n${body}`;
  // the state must be readable back whatever way the renderer embedded it
  const embedded = decodeState(body);
  if (!embedded || embedded.attachments !== state.attachments || embedded.shape !== state.shape) {
    body = replaceState(body, state);
  }
  return body.length > MAX_COMMENT_LENGTH ? body.slice(0, MAX_COMMENT_LENGTH) : body;
}

// ---------------------------------------------------------------- labels

async function syncLabels(
  session: IssueSession,
  view: IssueView,
  roles: readonly LabelRole[],
  alwaysRemovableRoles: readonly LabelRole[],
  deps: TriageDeps,
): Promise<Pick<TriageState, "labels" | "declined">> {
  const { api, ref } = session;
  const names = view.config.labels;
  const desired = namesForRoles(roles, names);
  const plan = planLabelSync({
    desired,
    current: view.issue.labels,
    applied: view.state.labels,
    declined: view.state.declined,
    alwaysRemovable: namesForRoles(alwaysRemovableRoles, names),
  });
  const added: string[] = [];
  for (const name of plan.add) {
    const role = MANAGED_ROLES.find((candidate) => names[candidate]?.toLowerCase() === name.toLowerCase());
    const spec = role ? labelSpec(role, names) : null;
    try {
      if (spec) await deps.labels.ensure(api, ref.owner, ref.repo, spec);
      added.push(name);
    } catch (error) {
      deps.log.warn({ err: error, label: name }, "could not create label");
    }
  }
  try {
    await api.addLabels(ref.owner, ref.repo, ref.issueNumber, added);
  } catch (error) {
    deps.log.warn({ err: error, labels: added }, "could not add labels");
    added.length = 0;
  }
  for (const name of plan.remove) {
    try {
      await api.removeLabel(ref.owner, ref.repo, ref.issueNumber, name);
    } catch (error) {
      deps.log.warn({ err: error, label: name }, "could not remove label");
    }
  }
  const applied = plan.applied.filter((name) => !includesLabel(plan.add, name) || includesLabel(added, name));
  return { labels: applied, declined: plan.declined };
}

// ---------------------------------------------------------------- ignore / unignore

/** Silence or resume the bot on an issue: the skip label plus the flag in the hidden state. */
export async function setIgnored(session: IssueSession, ignored: boolean, deps: TriageDeps): Promise<void> {
  const { api, ref } = session;
  const [loaded, botLogin, comments, issue] = await Promise.all([
    session.loadConfig(),
    deps.botLogin(),
    api.listComments(ref.owner, ref.repo, ref.issueNumber),
    api.getIssue(ref.owner, ref.repo, ref.issueNumber),
  ]);
  const skip = labelSpec("skip", loaded.config.labels);
  if (skip && issue) {
    const hasSkip = includesLabel(issue.labels, skip.name);
    if (ignored && !hasSkip) {
      await deps.labels.ensure(api, ref.owner, ref.repo, skip);
      await api.addLabels(ref.owner, ref.repo, ref.issueNumber, [skip.name]);
    } else if (!ignored && hasSkip) {
      await api.removeLabel(ref.owner, ref.repo, ref.issueNumber, skip.name);
    }
  }
  await recordIgnored(api, ref, comments, botLogin, ignored, deps);
}

/** Update only the `ignored` flag of the sticky comment's state (when there is a comment). */
export async function recordIgnored(
  api: GitHubApi,
  ref: IssueRef,
  comments: readonly IssueComment[],
  botLogin: string,
  ignored: boolean,
  deps: Pick<TriageDeps, "marker">,
): Promise<void> {
  const sticky = findStickies(comments, deps.marker, botLogin)[0];
  if (!sticky) return;
  const state = decodeState(sticky.body) ?? emptyState();
  if (state.ignored === ignored) return;
  await api.updateComment(ref.owner, ref.repo, sticky.id, replaceState(sticky.body, { ...state, ignored }));
}

export async function isIssueIgnored(session: IssueSession, deps: TriageDeps): Promise<boolean> {
  const view = await loadView(session, deps);
  if ("status" in view) return false;
  return isIgnored(view);
}

// ---------------------------------------------------------------- explain

export interface ExplainRequest {
  owner: string;
  repo: string;
  issueNumber: number;
  title: string;
  /** Redacted issue description. */
  body: string;
  result: AnalysisResult;
  inputs: InputNote[];
}

/** Analyse the issue's attachments (no GitHub writes) for an explanation. */
export async function analysisForExplain(
  session: IssueSession,
  deps: TriageDeps,
): Promise<ExplainRequest | null> {
  const view = await loadView(session, deps);
  if ("status" in view) return null;
  const catalogue = loadCatalogue(view.config, deps);
  const attachments = gatherAttachments(session.ref, view, deps);
  const analysis = await analyseAttachments(session.api, view.issue, attachments, catalogue.catalogue, deps);
  return explainRequest(session, view, analysis, deps);
}

/** What the explainer gets: the analysis plus the redacted issue text. */
function explainRequest(
  session: IssueSession,
  view: IssueView,
  analysis: AttachmentAnalysis,
  deps: TriageDeps,
): ExplainRequest {
  return {
    owner: session.ref.owner,
    repo: session.ref.repo,
    issueNumber: session.ref.issueNumber,
    title: deps.redact(view.issue.title),
    body: deps.redact(view.issue.body ?? ""),
    result: analysis.result,
    inputs: analysis.inputs,
  };
}

// ---------------------------------------------------------------- helpers

function stickyOptions(view: IssueView, deps: TriageDeps) {
  return { marker: deps.marker, botLogin: view.botLogin, existing: view.sticky };
}

function withErrorLine(body: string, errorLine: string | null): string {
  return errorLine ? insertAfterMarker(body, [errorLine]) : body;
}

function safeConsoleFindings(
  body: string | null,
  catalogue: Catalogue | undefined,
  deps: TriageDeps,
): Finding[] {
  if (!body) return [];
  try {
    return deps.consoleFindings(body, catalogue);
  } catch (error) {
    deps.log.warn({ err: error }, "console-output analysis failed");
    return [];
  }
}

export function emptyResult(): AnalysisResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    reports: [],
    quorum: { state: "unknown", voters: [], standBys: [], spares: [], quorumSize: null, aliveVoters: null },
    departedNodes: [],
    diskErrors: [],
    findings: [],
  };
}

/** Merge findings, one per id and node, most severe first. */
export function mergeFindings(existing: readonly Finding[], extra: readonly Finding[]): Finding[] {
  const seen = new Set(existing.map((finding) => `${finding.id}\u0000${finding.node ?? ""}`));
  const merged = [...existing];
  for (const finding of extra) {
    const key = `${finding.id}\u0000${finding.node ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(finding);
  }
  const rank = (severity: Severity) => SEVERITY_ORDER.indexOf(severity);
  return merged.sort(
    (a, b) => rank(a.severity) - rank(b.severity) || (a.node ?? "").localeCompare(b.node ?? ""),
  );
}

export function uniqueNames(names: readonly string[]): string[] {
  const used = new Map<string, number>();
  return names.map((raw) => {
    const name = raw.trim() || "attachment";
    const count = used.get(name.toLowerCase()) ?? 0;
    used.set(name.toLowerCase(), count + 1);
    return count === 0 ? name : `${name} (${count + 1})`;
  });
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}
