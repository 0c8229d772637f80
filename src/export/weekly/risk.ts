import { type Severity, severityRank } from "../../model/index.js";
import { severityWeight } from "../html/score.js";
import type { Risk, WeeklyItem } from "./model.js";

/**
 * Risk points rank the tenants of the weekly report: higher means look here first. The pre-onboarding
 * 0–100 score needs every check, passes included, and the queue keeps only findings, so the points reuse
 * that score's severity weights instead of the score itself:
 *
 * - every open item (new, regressed, reopened, still open) and every item whose exception has expired
 *   (the next sweep reopens it) counts its severity's weight: critical 10, high 5, medium 3, low 1, info 0;
 * - an item that could not be decided (`unknown`) counts half, as the score gives an unknown half credit;
 * - an item past its due date counts double: the SLA the MSP promised is already broken.
 *
 * Accepted items under a valid exception and resolved items count nothing. A tenant whose latest sweep did
 * not read everything is `provisional`: what was not read may hide more, so its points are a lower bound.
 * Ties go to more overdue items, then more critical ones, then the name.
 */
export function riskOf(items: WeeklyItem[], provisional: boolean): Risk {
  const openBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let points = 0;
  for (const item of items) {
    if (!counts(item)) continue;
    openBySeverity[item.severity]++;
    points += severityWeight[item.severity] * (item.status === "unknown" ? 0.5 : 1) * (item.overdue ? 2 : 1);
  }
  return { points, provisional, openBySeverity };
}

function counts(item: WeeklyItem): boolean {
  return item.standing !== "accepted" && item.standing !== "resolved";
}

/** Highest risk first; see `riskOf` for the tie-breaks. */
export function compareRisk(
  a: { name: string; risk: Risk; overdue: number },
  b: { name: string; risk: Risk; overdue: number },
): number {
  return (
    b.risk.points - a.risk.points ||
    b.overdue - a.overdue ||
    b.risk.openBySeverity.critical - a.risk.openBySeverity.critical ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/** The definition in words, for the report's footer. */
export function riskMethod(): string[] {
  const weights = (Object.keys(severityWeight) as Severity[])
    .sort((a, b) => severityRank[b] - severityRank[a])
    .map((s) => `${s} ${severityWeight[s]}`)
    .join(", ");
  return [
    `Every open finding, and every finding whose exception has expired, counts its severity's weight (${weights}), the same weights as the pre-onboarding score.`,
    "A finding that could not be decided counts half: it is not known to be safe.",
    "A finding past its due date counts double.",
    "Accepted findings under a valid exception and resolved findings count nothing. When the latest sweep did not read everything of a tenant, its points are a lower bound (marked “at least”).",
    "Ties go to the tenant with more overdue findings, then more critical ones.",
  ];
}
