import { type Severity, severityRank } from "./model/vocabulary.js";

/**
 * The exit-code rule of DESIGN.md §5, written once. Every command reduces what it did to a `RunVerdict`;
 * `exitFor` turns that into the code and the one stderr line that says why. Errors that stop a command
 * before it has a verdict (bad usage, unreadable config, unreachable store) exit 2 in `src/cli/main.ts`.
 */

/** What a run saw, as far as the exit code cares. */
export interface RunVerdict {
  /**
   * Why the run did not see or do everything (a connection not complete, a tenant not reconciled, a
   * ticketing target not synced, a doctor check that failed); empty when it did.
   */
  incomplete: string[];
  /** Findings (`fail` or `unknown` results; open queue items) per severity. */
  findings: Partial<Record<Severity, number>>;
}

export type Exit = { code: 0 } | { code: 1 | 2; reason: string };

/** 2 = could not run, bad usage or incomplete coverage. */
export const couldNotRun = (reason: string): Exit => ({ code: 2, reason });

/**
 * 2 when anything was not seen (fail closed: a partial run is never "all clear", even without findings);
 * else 1 when a finding is at or above `failOn`; else 0. Without `failOn` findings never fail the run
 * (the demo, whose findings are there on purpose).
 */
export function exitFor(verdict: RunVerdict, failOn: Severity | undefined): Exit {
  const [first, ...more] = verdict.incomplete;
  if (first !== undefined)
    return couldNotRun(`incomplete: ${first}${more.length ? ` (and ${more.length} more)` : ""}`);
  if (failOn === undefined) return { code: 0 };
  const counted = (Object.entries(verdict.findings) as Array<[Severity, number | undefined]>)
    .filter(([severity, n]) => (n ?? 0) > 0 && severityRank[severity] >= severityRank[failOn])
    .sort(([a], [b]) => severityRank[b] - severityRank[a]);
  const total = counted.reduce((sum, [, n]) => sum + (n ?? 0), 0);
  if (total === 0) return { code: 0 };
  return {
    code: 1,
    reason: `${total} finding(s) at or above ${failOn} (${counted.map(([s, n]) => `${n} ${s}`).join(", ")})`,
  };
}

/** Adds `n` findings of `severity` to a verdict's counts. */
export function countFinding(findings: RunVerdict["findings"], severity: Severity, n = 1): void {
  findings[severity] = (findings[severity] ?? 0) + n;
}
