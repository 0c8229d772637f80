import { countFinding, exitFor, type RunVerdict } from "../../exit.js";
import type { Severity } from "../../model/index.js";
import { openStandings, type WeeklySummary } from "./model.js";

/** The weekly summary (`mfasweep report`): library entry points. */

export { standingLabel, toWeeklyHtml, type WeeklyHtmlOptions, weeklyHeadline } from "./html.js";
export * from "./model.js";
export { compareRisk, riskMethod, riskOf } from "./risk.js";
export { countsOf, type WeeklyReportOptions, weeklyReport } from "./summary.js";
export { weeklyTable } from "./table.js";

const coverageWords: Record<WeeklySummary["tenants"][number]["coverage"]["status"], string> = {
  complete: "read completely",
  partial: "its latest sweep read it only partly",
  failed: "its latest sweep could not read it",
  none: "no sweep has reconciled it",
  unrecorded: "its latest sweep stopped before recording coverage",
};

/**
 * What a weekly report means for the exit code: tenants whose latest sweep did not read everything (or a
 * later sweep could not reconcile them, or that were never swept), and open findings (or ones under an
 * expired exception) by severity.
 */
export function weeklyVerdict(summary: WeeklySummary): RunVerdict {
  const findings: RunVerdict["findings"] = {};
  for (const t of summary.tenants)
    for (const i of t.items)
      if (openStandings.includes(i.standing) || i.standing === "expired") countFinding(findings, i.severity);
  return {
    incomplete: summary.tenants
      .filter((t) => t.coverage.status !== "complete" || t.coverage.failedLater.length > 0)
      .map((t) =>
        t.coverage.status !== "complete"
          ? `${t.id}: ${coverageWords[t.coverage.status]}`
          : `${t.id}: a later sweep could not reconcile it`,
      ),
    findings,
  };
}

/** The DESIGN.md §5 exit code of a weekly report (`exitFor` in src/exit.ts holds the rule). */
export function weeklyExitCode(summary: WeeklySummary, failOn: Severity): 0 | 1 | 2 {
  return exitFor(weeklyVerdict(summary), failOn).code;
}
