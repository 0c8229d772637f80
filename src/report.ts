import { z } from "zod";
import { countFinding, exitFor, type RunVerdict } from "./exit.js";
import { Coverage, isFinding, Result, type Severity, severityRank } from "./model/index.js";
import { VerifyEntry } from "./verify/model.js";

export { version } from "./version.js";

/** The JSON contract of DESIGN.md §5: stable field names, additions only. */
export const ScanReport = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal("mfasweep"), version: z.string() }),
  sweep: z.object({
    id: z.string(),
    kind: z.enum(["scan", "sweep", "demo"]),
    startedAt: z.string(),
    finishedAt: z.string(),
  }),
  tenants: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(["customer", "msp"]),
      /** The baseline the tenant was judged by, and every change to it, so no weakening goes unseen. */
      profile: z.string().optional(),
      overrides: z
        .array(z.object({ policy: z.string(), change: z.string(), source: z.enum(["profile", "tenant"]) }))
        .optional(),
    }),
  ),
  coverage: z.array(Coverage),
  summary: z.object({
    accounts: z.number().int(),
    results: z.number().int(),
    fail: z.number().int(),
    unknown: z.number().int(),
    excepted: z.number().int(),
    pass: z.number().int(),
    failingBySeverity: z.record(z.string(), z.number().int()),
    incompleteConnections: z.number().int(),
  }),
  results: z.array(Result),
  /** Microsoft's second opinion on a sample of Entra users (`scan --verify`, `verify`); absent otherwise. */
  verification: z.array(VerifyEntry).optional(),
});
export type ScanReport = z.infer<typeof ScanReport>;

export function summarize(results: Result[], coverage: Coverage[]): ScanReport["summary"] {
  const count = (status: Result["status"]) => results.filter((r) => r.status === status).length;
  const failingBySeverity: Record<string, number> = {};
  for (const r of results)
    if (r.status === "fail") failingBySeverity[r.severity] = (failingBySeverity[r.severity] ?? 0) + 1;
  return {
    accounts: coverage.reduce((n, c) => n + c.counts.accounts, 0),
    results: results.length,
    fail: count("fail"),
    unknown: count("unknown"),
    excepted: count("excepted"),
    pass: count("pass"),
    failingBySeverity,
    incompleteConnections: coverage.filter((c) => c.status !== "complete").length,
  };
}

/** What a scan report means for the exit code: connections not fully read, findings by severity. */
export function reportVerdict(report: Pick<ScanReport, "coverage" | "results">): RunVerdict {
  const findings: RunVerdict["findings"] = {};
  for (const r of report.results) if (isFinding(r)) countFinding(findings, r.severity);
  return {
    incomplete: report.coverage
      .filter((c) => c.status !== "complete")
      .map(
        (c) =>
          `${c.tenant}/${c.connection} was ${c.status === "failed" ? "not read" : "partly read"}${c.reason ? `: ${c.reason}` : ""}`,
      ),
    findings,
  };
}

/** The DESIGN.md §5 exit code of a scan report (`exitFor` in src/exit.ts holds the rule). */
export function exitCode(report: Pick<ScanReport, "coverage" | "results">, failOn: Severity): 0 | 1 | 2 {
  return exitFor(reportVerdict(report), failOn).code;
}

/** Findings first (by severity), then excepted, then passes; stable within a group. */
export function sortResults(results: Result[]): Result[] {
  const group = (r: Result) => (isFinding(r) ? 0 : r.status === "excepted" ? 1 : 2);
  return [...results].sort(
    (a, b) =>
      group(a) - group(b) ||
      severityRank[b.severity] - severityRank[a.severity] ||
      a.tenant.localeCompare(b.tenant) ||
      a.policy.localeCompare(b.policy) ||
      a.subject.name.localeCompare(b.subject.name),
  );
}
