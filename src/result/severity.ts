import { SEVERITY_ORDER, type Severity } from "./types.js";

/** 0 = critical … 4 = info; anything else (the catalogue's "noise") sorts last, as 5. */
export function severityRank(severity: Severity | string): number {
  const index = SEVERITY_ORDER.indexOf(severity as Severity);
  return index === -1 ? SEVERITY_ORDER.length : index;
}

export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

export function mostSevere(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** `steps` levels less severe, never below `floor`. */
export function lowerSeverity(severity: Severity, steps: number, floor: Severity = "low"): Severity {
  const rank = severityRank(severity);
  const floorRank = severityRank(floor);
  if (rank >= floorRank) return severity;
  return SEVERITY_ORDER[Math.min(rank + steps, floorRank)];
}
