import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Coverage, isFinding, Result, type Severity, severityRank } from "./model/index.js";

/** Our package.json is the first one above this file, whether it runs from src/ or dist/src/. */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "0.0.0";
  }
  return "0.0.0";
}
export const version = packageVersion();

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

/**
 * Exit codes of DESIGN.md §5: 2 when the run could not see everything (a connection not complete, or an
 * `unknown` result at or above `failOn`: fail closed, an unknown is never "all clear"); else 1 when a
 * result fails at or above `failOn`; else 0.
 */
export function exitCode(report: Pick<ScanReport, "coverage" | "results">, failOn: Severity): 0 | 1 | 2 {
  const atOrAbove = (r: Result) => severityRank[r.severity] >= severityRank[failOn];
  if (report.coverage.some((c) => c.status !== "complete")) return 2;
  if (report.results.some((r) => r.status === "unknown" && atOrAbove(r))) return 2;
  if (report.results.some((r) => r.status === "fail" && atOrAbove(r))) return 1;
  return 0;
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
