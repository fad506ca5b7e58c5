import type { Severity } from "../result/types.js";
import type { SignatureHit, SignatureRule } from "./types.js";

/**
 * The severity a rule's hits in one file deserve, or null when they should not become a finding:
 * noise rules never do, and a rule with a `sustained` threshold but no `escalate` only counts when
 * the threshold is met. `escalate` raises the severity when its condition holds (the burst is
 * sustained, or the largest numeric capture is above the limit).
 */
export function effectiveSeverity(
  rule: SignatureRule,
  hit: Pick<SignatureHit, "sustained" | "maxCapture">,
): Severity | null {
  if (rule.severity === "noise") return null;
  if (rule.sustained && !rule.escalate && !hit.sustained) return null;
  const esc = rule.escalate;
  if (!esc) return rule.severity;
  const raised =
    esc.when === "sustained" ? hit.sustained : hit.maxCapture !== null && hit.maxCapture > esc.when.above;
  return raised ? esc.severity : rule.severity;
}
