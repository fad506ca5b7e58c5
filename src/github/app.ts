/**
 * The Probot app. Events: issues.opened / edited / labeled / unlabeled and issue_comment.created.
 *
 * With `defer` (npm start) the webhook is acknowledged at once and the work runs afterwards in
 * this process, serialised per issue; errors are logged, never thrown. Without it (a Lambda
 * worker) the handler awaits the work, still serialised per issue.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { attachmentSetKey, discoverAttachments } from "../attachments/discover.js";
import { downloadAttachment } from "../attachments/download.js";
import { analyze, consoleFindings, loadCatalogueWithExtras } from "../engine.js";
import { EXPLANATION_TITLE, renderExplanation } from "../explain/render.js";
import { redact } from "../redact/redact.js";
import { COMMENT_MARKER, renderMarkdown } from "../render/markdown.js";
import { COMMAND_NAMES, dispatchCommands } from "./commands/index.js";
import { parseCommands } from "./commands/parse.js";
import type { CommandServices } from "./commands/types.js";
import { type LoadedConfig, loadRepoConfig } from "./config.js";
import { createGitHubApi, type GitHubApi, type Octokit } from "./github-api.js";
import { LabelEnsurer, roleOfLabel } from "./labels.js";
import { type IssueEventInfo, isBot, readIssueEvent } from "./payload.js";
import { KeyedQueue, RecentSet } from "./queue.js";
import { type BotSettings, readSettings } from "./settings.js";
import { ANY_BOT_LOGIN } from "./sticky.js";
import {
  analysisForExplain,
  type ExplainAttempt,
  type ExplainRequest,
  type IssueSession,
  isIssueIgnored,
  recordIgnored,
  runTriage,
  safeSection,
  setIgnored,
  type TriageDeps,
} from "./triage.js";

/** Explains an analysis with an OpenAI-compatible model; returns Markdown (redacted again before posting). */
export type ExplainFn = (
  request: ExplainRequest & { model: NonNullable<BotSettings["openai"]> },
) => Promise<string>;

export interface AppDeps {
  /** Run the work after acknowledging the webhook (default: yes, except on AWS Lambda). */
  defer?: boolean;
  analyzeFn?: TriageDeps["analyze"];
  consoleFindingsFn?: TriageDeps["consoleFindings"];
  loadCatalogueFn?: TriageDeps["loadCatalogue"];
  downloadFn?: TriageDeps["download"];
  renderFn?: TriageDeps["render"];
  /**
   * The model call for `/triage explain` and `autoExplain` (default: src/explain, an
   * OpenAI-compatible endpoint from OPENAI_* settings). Throw to fail with a reason; an
   * ExplainError's `reason` is shown as is.
   */
  explainFn?: ExplainFn;
  /** Settings (default: read from the environment when the app is loaded). */
  settings?: BotSettings;
  /** Clock, for tests. */
  now?: () => Date;
}

export type TriageApp = ApplicationFunction & {
  /** Resolves when no deferred work is pending (false on timeout). */
  whenIdle(timeoutMs?: number): Promise<boolean>;
};

const SUPPORTED = [
  "issues.opened",
  "issues.edited",
  "issues.labeled",
  "issues.unlabeled",
  "issue_comment.created",
] as const;

export function createApp(deps: AppDeps = {}): TriageApp {
  const queue = new KeyedQueue();
  const deliveries = new RecentSet();
  const labels = new LabelEnsurer();
  const defer = deps.defer ?? !process.env.AWS_LAMBDA_FUNCTION_NAME;
  const now = deps.now ?? (() => new Date());

  const appFn = (app: Probot) => {
    const settings = deps.settings ?? readSettings();
    const botLogin = createBotLoginResolver(app);
    const triageDeps = (log: Context["log"]): TriageDeps => ({
      marker: COMMENT_MARKER,
      analyze: deps.analyzeFn ?? analyze,
      consoleFindings: deps.consoleFindingsFn ?? consoleFindings,
      loadCatalogue: deps.loadCatalogueFn ?? loadCatalogueWithExtras,
      discover: (markdown, options) => discoverAttachments(markdown, options),
      attachmentKey: (list) => attachmentSetKey(list),
      download: deps.downloadFn ?? ((url, options) => downloadAttachment(url, options)),
      render: deps.renderFn ?? renderMarkdown,
      redact,
      settings,
      labels,
      botLogin,
      log,
      explain: (request) => explainAnalysis(request, settings, deps.explainFn ?? defaultExplainFn, log),
    });

    for (const eventName of SUPPORTED) {
      app.on(eventName, async (context) => {
        const read = readIssueEvent(context.payload);
        if (!read.ok) {
          context.log.warn({ event: eventName, reason: read.reason }, "ignoring malformed payload");
          return;
        }
        const event = read.event;
        if (isBot(event.sender) || event.isPullRequest || event.locked) return;
        if (event.installationId === null) {
          context.log.warn({ event: eventName }, "ignoring an event without installation id");
          return;
        }
        const work = planWork(eventName, event, settings);
        if (!work) return;
        if (!deliveries.add(context.id)) {
          context.log.info({ delivery: context.id }, "delivery already handled");
          return;
        }
        const key = `${event.owner}/${event.repo}#${event.issueNumber}`.toLowerCase();
        const session = createSession(context.octokit as Octokit, event, context.log);
        const job = async () => {
          const started = now().getTime();
          await work(session, event, triageDeps(context.log), context.log);
          context.log.debug(
            { issue: key, event: eventName, ms: now().getTime() - started },
            "triage job done",
          );
        };
        const running = queue.run(key, job).catch((error: unknown) => {
          // a failed delivery may be redelivered by hand: let it run again
          deliveries.delete(context.id);
          throw error;
        });
        if (defer) {
          running.catch((error: unknown) =>
            context.log.error({ err: error, issue: key }, "triage job failed"),
          );
          return;
        }
        await running;
      });
    }
  };

  return Object.assign(appFn, { whenIdle: (timeoutMs?: number) => queue.whenIdle(timeoutMs) });

  type Work = (
    session: IssueSession,
    event: IssueEventInfo,
    triage: TriageDeps,
    log: Context["log"],
  ) => Promise<void>;

  /** What an event asks for; null when nothing (checked before queueing, without API calls). */
  function planWork(
    eventName: (typeof SUPPORTED)[number],
    event: IssueEventInfo,
    settings: BotSettings,
  ): Work | null {
    switch (eventName) {
      case "issues.opened":
        return async (session, _event, triage) => {
          await runTriage(session, { force: false, reason: "issue opened" }, triage);
        };
      case "issues.edited":
        if (!event.bodyChanged) return null;
        return async (session, _event, triage) => {
          await runTriage(session, { force: false, reason: "issue edited" }, triage);
        };
      case "issues.labeled":
      case "issues.unlabeled":
        if (!event.label) return null;
        return (session, current, triage) =>
          onLabel(session, current, triage, eventName === "issues.labeled");
      case "issue_comment.created": {
        if (!event.comment || isBot(event.comment.author)) return null;
        const commands = parseCommands(event.comment.body);
        const hasAttachments =
          discoverAttachments(event.comment.body, {
            owner: event.owner,
            repo: event.repo,
            gheHost: settings.gheHost,
            gheProtocol: settings.gheProtocol,
            extraHosts: settings.attachmentHosts,
          }).length > 0;
        if (commands.length === 0 && !hasAttachments) return null;
        return async (session, current, triage, log) => {
          let triaged = false;
          if (commands.length > 0) {
            const loaded = await session.loadConfig();
            const services = commandServices(session, triage, settings, () => {
              triaged = true;
            });
            await dispatchCommands({
              api: session.api,
              owner: current.owner,
              repo: current.repo,
              issueNumber: current.issueNumber,
              issueAuthor: current.issueAuthor?.login ?? null,
              actor: current.comment?.author.login ?? current.sender.login,
              commentId: current.comment?.id ?? 0,
              commands,
              config: loaded.config,
              settings,
              services,
              log,
            });
          }
          if (hasAttachments && !triaged) {
            await runTriage(session, { force: false, reason: "attachment in a comment" }, triage);
          }
        };
      }
      default:
        return null;
    }
  }

  async function onLabel(session: IssueSession, event: IssueEventInfo, triage: TriageDeps, added: boolean) {
    const loaded = await session.loadConfig();
    const role = event.label ? roleOfLabel(event.label, loaded.config.labels) : null;
    if (role === "rerun" && added) {
      await session.api.removeLabel(event.owner, event.repo, event.issueNumber, event.label as string);
      await runTriage(session, { force: true, reason: "rerun label" }, triage);
      return;
    }
    if (role === "skip") {
      const botLogin = await triage.botLogin();
      const comments = await session.api.listComments(event.owner, event.repo, event.issueNumber);
      await recordIgnored(session.api, session.ref, comments, botLogin, added, triage);
      if (!added) await runTriage(session, { force: false, reason: "skip label removed" }, triage);
    }
  }

  function commandServices(
    session: IssueSession,
    triage: TriageDeps,
    settings: BotSettings,
    onTriage: () => void,
  ): CommandServices {
    const model = settings.openai;
    return {
      async triage(options) {
        onTriage();
        const outcome = await runTriage(session, options, triage);
        return { status: outcome.status };
      },
      setIgnored: (ignored) => setIgnored(session, ignored, triage),
      isIgnored: () => isIssueIgnored(session, triage),
      explain:
        model && triage.explain
          ? async () => {
              const request = await analysisForExplain(session, triage);
              if (!request?.result.reports.some((report) => !report.error)) {
                return {
                  ok: false,
                  text: "there is no readable inspection report on this issue to explain.",
                };
              }
              const attempt = await triage.explain!(request);
              if (!attempt.ok) {
                return {
                  ok: false,
                  text: `no explanation this time: ${attempt.reason}. The analysis comment stays as it is.`,
                };
              }
              const section = renderExplanation({ ok: true, text: attempt.markdown, model: attempt.model });
              return {
                ok: true,
                text: `here is a plain-language explanation of the analysis.\n\n#### ${EXPLANATION_TITLE}\n\n${section}`,
              };
            }
          : null,
    };
  }
}

/** The built-in explainer, loaded on first use (the OpenAI client is not needed to serve webhooks). */
const defaultExplainFn: ExplainFn = async (request) => {
  const { explainWithModel } = await import("../explain/explain.js");
  return explainWithModel(request);
};

/**
 * Runs the explainer for an analysis and never throws: no model configured, a timeout, an HTTP
 * error or an unusable answer all become one line saying why. Whatever a hook returns is
 * redacted and made safe for the bot's comment again.
 */
export async function explainAnalysis(
  request: ExplainRequest,
  settings: BotSettings,
  explainFn: ExplainFn,
  log: Context["log"],
): Promise<ExplainAttempt> {
  const model = settings.openai;
  if (!model) {
    return {
      ok: false,
      reason:
        "no language model is configured for this bot (OPENAI_MODEL with OPENAI_BASE_URL or OPENAI_API_KEY)",
    };
  }
  try {
    const text = await explainFn({ ...request, model });
    const markdown = safeSection(redact(String(text ?? "")))
      .trim()
      .slice(0, 20_000);
    if (!markdown) return { ok: false, reason: "the language model's answer was empty" };
    return { ok: true, markdown, model: model.model };
  } catch (error) {
    const reason = (error as { reason?: unknown })?.reason;
    if (typeof reason === "string" && reason) return { ok: false, reason: redact(reason).slice(0, 300) };
    log.warn({ err: error }, "explanation failed");
    return { ok: false, reason: "the explanation failed because of an internal error" };
  }
}

function createSession(octokit: Octokit, event: IssueEventInfo, log: Context["log"]): IssueSession {
  const api: GitHubApi = createGitHubApi(octokit);
  let config: Promise<LoadedConfig> | null = null;
  return {
    api,
    ref: { owner: event.owner, repo: event.repo, issueNumber: event.issueNumber },
    loadConfig() {
      config ??= loadRepoConfig(octokit, event.owner, event.repo, COMMAND_NAMES).then((loaded) => {
        if (loaded.unreadable)
          log.warn(
            { repo: `${event.owner}/${event.repo}` },
            "no permission to read the repository config; using the defaults",
          );
        return loaded;
      });
      return config;
    },
  };
}

/** The app's bot login (`<slug>[bot]`), from GET /app with the app's JWT; cached per process. */
function createBotLoginResolver(app: Probot): () => Promise<string> {
  let cached: Promise<string> | null = null;
  return async () => {
    cached ??= (async () => {
      const octokit = await app.auth();
      const { data } = await octokit.rest.apps.getAuthenticated();
      const slug = data && typeof data.slug === "string" ? data.slug : null;
      if (!slug) throw new Error("GET /app returned no slug");
      return `${slug}[bot]`;
    })();
    try {
      return await cached;
    } catch (error) {
      // asked again next time; meanwhile the sticky comment is recognised as "marker + any app bot"
      cached = null;
      app.log.warn({ err: error }, "could not read the app's bot login (GET /app)");
      return ANY_BOT_LOGIN;
    }
  };
}

const appFn: TriageApp = createApp();
export default appFn;
