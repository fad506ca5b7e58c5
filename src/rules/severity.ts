import { lowerSeverity, mostSevere } from "../result/severity.js";
import type { Severity } from "../result/types.js";
import type { SignatureHit, SignatureRule } from "./types.js";

export interface Rating {
  severity: Severity;
  /** At least one file's burst met the rule's `sustained` threshold. */
  sustained: boolean;
  /** The rule wants a sustained burst and this was not one. */
  isolated: boolean;
}

/**
 * The severity a rule's hits (one node's files together) deserve, or null for noise, which never
 * becomes a finding. `escalate` raises the severity when its condition holds (a sustained burst, or
 * the largest numeric capture above the limit); otherwise a rule with a `sustained` threshold that
 * was not met is lowered two steps (never below low) — a one-off at start-up must not read as an
 * incident.
 */
export function effectiveSeverity(
  rule: Pick<SignatureRule, "severity" | "sustained" | "escalate">,
  hits: readonly Pick<SignatureHit, "sustained" | "maxCapture">[],
): Rating | null {
  if (rule.severity === "noise") return null;
  const base = rule.severity;
  const sustained = hits.some((h) => h.sustained);
  const maxCapture = hits.reduce<number | null>(
    (max, h) => (h.maxCapture !== null && (max === null || h.maxCapture > max) ? h.maxCapture : max),
    null,
  );
  const escalate = rule.escalate;
  if (escalate) {
    const when = escalate.when;
    const raised =
      when === "sustained"
        ? sustained
        : maxCapture !== null && Number.isFinite(when.above) && maxCapture > when.above;
    if (raised) return { severity: mostSevere(base, escalate.severity), sustained, isolated: false };
  }
  if (rule.sustained && !sustained)
    return { severity: lowerSeverity(base, 2, "low"), sustained, isolated: true };
  return { severity: base, sustained, isolated: false };
}
