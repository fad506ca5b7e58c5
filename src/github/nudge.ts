/**
 * Should an issue without a report be asked for one? MicroK8s bug reports (current template,
 * the old one-line templates, text asking for `microk8s inspect`) and free-form reports of
 * MicroK8s trouble are; feature requests and questions are not.
 */

export interface NudgeInput {
  title: string;
  body: string | null;
  labels: readonly string[];
}

export interface NudgeDecision {
  nudge: boolean;
  /** Why (for logs and tests). */
  reason: string;
}

const MAX_SCAN = 100_000;

const NOT_A_BUG_LABELS =
  /^(enhancement|feature|feature[ -]request|question|documentation|docs|kind\/(feature|question|documentation|support)|type\/(feature|question))$/i;
const FEATURE_TITLE = /^\s*[[(]?\s*(feature(\s+request)?|rfe|enhancement|proposal|question|docs?)\s*[\]):]/i;
const FEATURE_TEMPLATE = /^#{2,4}\s*Why is this important\??\s*$/im;
const BUG_TEMPLATE_HEADINGS = [
  /^#{2,4}\s*Introspection Report\s*$/im,
  /^#{2,4}\s*What Should Happen Instead\??\s*$/im,
  /^#{2,4}\s*Reproduction Steps\s*$/im,
];
const INSPECT_MENTION = /\bmicrok8s[ .]inspect\b/i;
const MICROK8S = /\bmicrok8s\b/i;
const STATUS_OUTPUT =
  /(^|\n)\s*microk8s is (not )?running\b|\bhigh-availability:\s*(yes|no)\b|\bdatastore (master|standby) nodes:/i;
const TROUBLE =
  /\b(error|errors|fail(s|ed|ing|ure)?|crash(es|ed|ing)?|crashloopbackoff|not ?ready|notready|broken|panic|timed? ?out|timeout|refused|unable|cannot|can't|won't|doesn't work|not working|stuck|hang(s|ing)?|lost|unreachable|unhealthy|down)\b/i;

/** Remove HTML comments (template hints) and fenced code's fences are kept: pasted output counts. */
export function stripHtmlComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(-->|$)/g, "");
}

export function decideNudge(input: NudgeInput): NudgeDecision {
  const title = (input.title ?? "").slice(0, 1000);
  const rawBody = (input.body ?? "").slice(0, MAX_SCAN);
  const body = stripHtmlComments(rawBody);
  const text = `${title}\n${body}`;

  if (input.labels.some((label) => NOT_A_BUG_LABELS.test(label.trim()))) {
    return { nudge: false, reason: "labelled as a feature request, question or docs issue" };
  }
  if (FEATURE_TITLE.test(title)) return { nudge: false, reason: "title marks a feature request or question" };
  if (FEATURE_TEMPLATE.test(rawBody)) return { nudge: false, reason: "feature request template" };

  const bugHeadings = BUG_TEMPLATE_HEADINGS.filter((heading) => heading.test(rawBody)).length;
  if (bugHeadings >= 1 && /^#{2,4}\s*Summary\s*$/im.test(rawBody)) {
    return { nudge: true, reason: "MicroK8s bug report template" };
  }
  if (bugHeadings >= 2) return { nudge: true, reason: "MicroK8s bug report template" };
  if (INSPECT_MENTION.test(body)) return { nudge: true, reason: "mentions microk8s inspect" };
  if (STATUS_OUTPUT.test(body)) return { nudge: true, reason: "contains microk8s status output" };
  if (MICROK8S.test(text) && TROUBLE.test(text)) return { nudge: true, reason: "reports MicroK8s trouble" };
  return { nudge: false, reason: "does not look like a MicroK8s bug report" };
}
