import { type Severity, severityRank } from "../../model/index.js";
import { openStandings, type WeeklySummary } from "./model.js";

/** The weekly summary (`mfasweep report`): library entry points. */

export { standingLabel, toWeeklyHtml, type WeeklyHtmlOptions, weeklyHeadline } from "./html.js";
export * from "./model.js";
export { compareRisk, riskMethod, riskOf } from "./risk.js";
export { countsOf, type WeeklyReportOptions, weeklyReport } from "./summary.js";
export { weeklyTable } from "./table.js";

/**
 * DESIGN.md §5 exit codes for a report: 2 when a tenant's latest sweep did not read everything (or a later
 * sweep could not reconcile it, or it was never swept), or an open finding at or above `failOn` could not
 * be decided; else 1 when an open finding (or one under an expired exception) fails at or above `failOn`;
 * else 0.
 */
export function weeklyExitCode(summary: WeeklySummary, failOn: Severity): 0 | 1 | 2 {
  const atOrAbove = (s: Severity) => severityRank[s] >= severityRank[failOn];
  const open = summary.tenants.flatMap((t) =>
    t.items.filter(
      (i) => (openStandings.includes(i.standing) || i.standing === "expired") && atOrAbove(i.severity),
    ),
  );
  if (summary.tenants.some((t) => t.coverage.status !== "complete" || t.coverage.failedLater.length > 0))
    return 2;
  if (open.some((i) => i.status === "unknown")) return 2;
  return open.length > 0 ? 1 : 0;
}
