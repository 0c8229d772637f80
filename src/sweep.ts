import { randomUUID } from "node:crypto";
import { QuotaRegistry } from "./collect/quota.js";
import type { Config } from "./config/load.js";
import { ConfigError, describeError } from "./errors.js";
import { EvaluationPool } from "./evaluate/pool/index.js";
import { exceptionUse, recordTenant, unmatchedWarnings } from "./evaluate/unmatched.js";
import { countFinding, exitFor, type RunVerdict } from "./exit.js";
import { type Coverage, type Result, type Severity, severityRank } from "./model/index.js";
import { changeLine } from "./queue/lifecycle.js";
import { acquireLock, type LockOptions, sweepLockName } from "./queue/lock.js";
import {
  type ChangeLine,
  defaultSla,
  type LockHolder,
  type SweepSummary,
  type TenantDiff,
} from "./queue/model.js";
import type { Store } from "./queue/store.js";
import { reportVerdict, type ScanReport, sortResults, summarize, version } from "./report.js";
import { type ScanOptions, scan } from "./scan.js";

export interface SweepOptions extends Omit<ScanOptions, "kind" | "tenants"> {
  store: Store;
  /** Only these tenant ids (default: every tenant in the config). Other tenants' items are untouched. */
  tenants?: string[];
  kind?: "sweep" | "demo";
  /** Tenants scanned at once (default 8); connections inside them follow `concurrency`. */
  tenantConcurrency?: number;
  /** Waiting for, and detecting stale, concurrent sweeps on the same store. */
  lock?: Omit<LockOptions, "owner">;
  /** Called as each tenant is reconciled (or fails), for progress output. */
  onTenant?: (tenant: SweepSummary["tenants"][number], progress: { done: number; total: number }) => void;
  /**
   * The results the returned report keeps (default "all"). "findings" drops the passes and "none" every
   * result as each tenant is reconciled: the queue holds them, and the summary and the exit code stay the
   * same, so a sweep of a thousand tenants holds no tenant's results once it is done. "none" also keeps
   * only the most severe `changeLineLimit` change lines (the queue's history holds every one).
   */
  keepResults?: "all" | "findings" | "none";
  /** The clock the sweep's own record (started, finished) is dated by (default the real one). */
  clock?: () => Date;
  /**
   * Called with the sweeps whose process died holding the lock, once they are recorded as interrupted
   * (before this sweep starts): a distributed sweep withdraws their collection jobs still waiting.
   */
  onInterrupted?: (sweeps: LockHolder[]) => Promise<void>;
  /**
   * Worker threads that link and evaluate tenants (default 0: this thread does), so one tenant's
   * evaluation does not stall the collection and reconcile of the others (#20 item 4). Used when more
   * than one tenant is swept and no `evaluator` is given. Tenants held at once stay `tenantConcurrency`:
   * a tenant waiting for a thread keeps its place. Off by default: on the `--evaluate` benchmark's
   * tenants, handing a tenant to a thread (its inventory's structured clone, its results' JSON) costs
   * the main thread about 80% of the link + evaluate it takes off it, and the process two-thirds more
   * CPU (bench/threads.ts, BENCHMARKS.md).
   */
  threads?: number;
}

/** Change lines a sweep that keeps no results still returns: the most severe ones, enough to act on. */
export const changeLineLimit = 1000;

export interface SweepOutcome {
  /** The DESIGN.md §5 report of the whole sweep, with queue acceptances applied to the results. */
  report: ScanReport;
  /** What changed in the queue, per tenant. */
  summary: SweepSummary;
  /** Undecided results by severity, counted before any were dropped (`keepResults`), for the exit code. */
  unknownBySeverity: Partial<Record<Severity, number>>;
}

type TenantEntry = SweepSummary["tenants"][number];

function tenantCoverage(coverage: Coverage[]): TenantEntry["coverage"] {
  const connections = coverage.map((c) => ({
    connection: c.connection,
    source: c.source,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
  }));
  const status =
    coverage.length > 0 && coverage.every((c) => c.status === "complete")
      ? "complete"
      : coverage.length === 0 || coverage.every((c) => c.status === "failed")
        ? "failed"
        : "partial";
  return { status, connections };
}

const zeroTotals = (): SweepSummary["totals"] => ({
  new: 0,
  regressed: 0,
  reopened: 0,
  resolved: 0,
  newlyAccepted: 0,
  stillOpen: 0,
  open: 0,
  overdue: 0,
  accepted: 0,
});

/**
 * The weekly job (DESIGN.md §3): for each tenant, scan (collect → link → evaluate), then reconcile its
 * queue in one transaction as soon as its scan is done, so a crash keeps every tenant finished before
 * it. One sweep per store at a time (see queue/lock.ts). Tenants run concurrently; one tenant's failure
 * never stops another's, and a tenant that was not reconciled is reported, never half-written.
 */
export async function sweep(config: Config, options: SweepOptions): Promise<SweepOutcome> {
  const { store } = options;
  const unknown = (options.tenants ?? []).filter((id) => !config.tenants.some((t) => t.id === id));
  if (unknown.length) {
    throw new ConfigError(
      `no tenant ${unknown.map((u) => `'${u}'`).join(", ")} in the config (known: ${config.tenants.map((t) => t.id).join(", ")})`,
    );
  }
  const selected = options.tenants
    ? config.tenants.filter((t) => options.tenants?.includes(t.id))
    : config.tenants;
  const kind = options.kind ?? "sweep";
  const id = randomUUID();
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const now = options.now ?? startedAt;
  const sla = config.sla ?? defaultSla;

  const lock = await acquireLock(store, sweepLockName, { ...options.lock, owner: id });
  let finished = false;
  let pool: EvaluationPool | undefined;
  try {
    for (const stale of lock.tookOver)
      await store.finishSweep(stale.owner, { status: "interrupted", finishedAt: now.toISOString() });
    if (lock.tookOver.length) await options.onInterrupted?.(lock.tookOver);
    await store.beginSweep({
      id,
      kind,
      startedAt: startedAt.toISOString(),
      tenants: selected.map((t) => t.id),
    });

    const quotas = options.quotas ?? new QuotaRegistry(options.enforceQuotas ?? true);
    if (!options.evaluator && (options.threads ?? 0) > 0 && selected.length > 1)
      pool = new EvaluationPool({ threads: options.threads ?? 1 });
    const evaluator = options.evaluator ?? pool;
    const entries: TenantEntry[] = new Array(selected.length);
    // Only what the end of the sweep needs of each tenant's scan; the scan reports themselves are dropped.
    const reports: Array<Pick<ScanReport, "tenants" | "coverage">> = [];
    const results: Result[][] = new Array(selected.length);
    // Counted as each tenant finishes, so the summary is whole whatever `keepResults` drops.
    const counted = summarize([], []);
    const unknownBySeverity: SweepOutcome["unknownBySeverity"] = {};
    const keep = options.keepResults ?? "all";
    let changes: ChangeLine[] = [];
    let omittedChanges = 0;
    const mostSevere = (lines: ChangeLine[]) => {
      const kept = lines
        .sort((a, b) => severityRank[b.severity] - severityRank[a.severity])
        .slice(0, changeLineLimit);
      omittedChanges += lines.length - kept.length;
      return kept;
    };
    let done = 0;
    const exceptions = exceptionUse(config, now);

    const runTenant = async (i: number) => {
      const tenant = selected[i]!;
      const entry = (fields: Partial<TenantEntry> & Pick<TenantEntry, "coverage">): TenantEntry => ({
        tenant: tenant.id,
        name: tenant.name,
        reconciled: false,
        diff: null,
        ...fields,
      });
      if (options.signal?.aborted) {
        entries[i] = entry({ error: "sweep stopped before this tenant", coverage: tenantCoverage([]) });
        return;
      }
      let report: ScanReport;
      try {
        report = await scan(config, {
          ...options,
          tenants: [tenant.id],
          kind,
          quotas,
          now,
          sweepId: id,
          checkExceptions: false,
          evaluator,
        });
      } catch (err) {
        entries[i] = entry({ error: describeError(err), coverage: tenantCoverage([]) });
        return;
      }
      reports.push({ tenants: report.tenants, coverage: report.coverage });
      results[i] = report.results;
      recordTenant(exceptions, tenant.id, report.coverage, report.results);
      const coverage = tenantCoverage(report.coverage);
      if (options.signal?.aborted) {
        entries[i] = entry({ error: "sweep stopped; this tenant was not reconciled", coverage });
        return;
      }
      if (lock.lost()) {
        entries[i] = entry({
          error: "the sweep lock was taken over by another sweep; this tenant was not reconciled",
          coverage,
        });
        return;
      }
      try {
        const outcome = await store.reconcileTenant({
          sweepId: id,
          tenant: tenant.id,
          now,
          sla,
          results: report.results,
          coverage: report.coverage,
        });
        results[i] = outcome.results;
        for (const c of outcome.changes) {
          const line = changeLine(c);
          if (line) changes.push(line);
        }
        // Trimmed now and then, not per line: sorting twice the limit stays cheap.
        if (keep === "none" && changes.length > 2 * changeLineLimit) changes = mostSevere(changes);
        entries[i] = entry({ reconciled: true, coverage, diff: outcome.diff });
      } catch (err) {
        entries[i] = entry({ error: describeError(err), coverage });
      }
    };

    let next = 0;
    const worker = async () => {
      for (let i = next++; i < selected.length; i = next++) {
        await runTenant(i);
        const all = results[i];
        if (all) {
          count(counted, unknownBySeverity, all);
          if (keep !== "all") results[i] = keep === "none" ? [] : all.filter((r) => r.status !== "pass");
        }
        done++;
        options.onTenant?.(entries[i]!, { done, total: selected.length });
      }
    };
    const width = Math.max(1, Math.min(options.tenantConcurrency ?? 8, selected.length));
    await Promise.all(Array.from({ length: width }, worker));

    if (keep === "none" && changes.length > changeLineLimit) changes = mostSevere(changes);
    const finishedAt = clock().toISOString();
    const coverage = reports.flatMap((r) => r.coverage);
    const scanned = new Map(reports.flatMap((r) => r.tenants.map((t) => [t.id, t] as const)));
    const fromCoverage = summarize([], coverage);
    const totals = zeroTotals();
    for (const e of entries) {
      if (!e.diff) continue;
      for (const key of Object.keys(totals) as Array<keyof typeof totals>)
        totals[key] += (e.diff as TenantDiff)[key];
    }
    const status = options.signal?.aborted ? "interrupted" : "finished";
    const summary: SweepSummary = {
      sweep: { id, kind, startedAt: startedAt.toISOString(), finishedAt, status },
      totals,
      tenants: entries,
      changes,
      ...(omittedChanges ? { omittedChanges } : {}),
    };
    await store.finishSweep(id, { status, finishedAt, coverage, summary });
    finished = true;
    if (status === "finished")
      for (const warning of unmatchedWarnings(exceptions, config, "sweep")) options.onWarning?.(warning);
    const report: ScanReport = {
      schemaVersion: 1,
      tool: { name: "mfasweep", version },
      sweep: { id, kind, startedAt: startedAt.toISOString(), finishedAt },
      // As each scan reported them (profile and overrides included), in the config's order.
      tenants: selected.flatMap((t) => scanned.get(t.id) ?? []),
      coverage,
      summary: {
        ...counted,
        accounts: fromCoverage.accounts,
        incompleteConnections: fromCoverage.incompleteConnections,
      },
      results: sortResults(results.flatMap((r) => r ?? [])),
    };
    return { report, summary, unknownBySeverity };
  } finally {
    // A sweep that threw is recorded as interrupted, so reports never show it as still running.
    if (!finished)
      await store
        .finishSweep(id, { status: "interrupted", finishedAt: clock().toISOString() })
        .catch(() => {});
    await pool?.close();
    await lock.release();
  }
}

/** Adds one tenant's results to the sweep's counts. */
function count(
  counted: ScanReport["summary"],
  unknownBySeverity: SweepOutcome["unknownBySeverity"],
  results: Result[],
): void {
  for (const r of results) {
    counted.results++;
    counted[r.status]++;
    if (r.status === "fail")
      counted.failingBySeverity[r.severity] = (counted.failingBySeverity[r.severity] ?? 0) + 1;
    if (r.status === "unknown") unknownBySeverity[r.severity] = (unknownBySeverity[r.severity] ?? 0) + 1;
  }
}

/**
 * What a sweep means for the exit code: tenants not reconciled and connections not fully read, findings
 * (failing or undecided results) by severity. Accepted items do not count. Counts, not results, so it
 * holds whatever `keepResults` kept.
 */
export function sweepVerdict(outcome: SweepOutcome): RunVerdict {
  const findings: RunVerdict["findings"] = {};
  for (const counts of [outcome.report.summary.failingBySeverity, outcome.unknownBySeverity])
    for (const [severity, n] of Object.entries(counts)) countFinding(findings, severity as Severity, n ?? 0);
  return {
    incomplete: [
      ...outcome.summary.tenants
        .filter((t) => !t.reconciled)
        .map((t) => `${t.tenant} was not reconciled: ${t.error ?? "unknown error"}`),
      ...reportVerdict(outcome.report).incomplete,
    ],
    findings,
  };
}

/** The DESIGN.md §5 exit code of a sweep (`exitFor` in src/exit.ts holds the rule). */
export function sweepExitCode(outcome: SweepOutcome, failOn: Severity): 0 | 1 | 2 {
  return exitFor(sweepVerdict(outcome), failOn).code;
}
