import type { Coverage, Result, Severity } from "../model/index.js";
import type { AcceptLimits, ItemChange } from "./lifecycle.js";
import type {
  Acceptance,
  HistoryEntry,
  ItemState,
  LockHolder,
  QueueItem,
  Sla,
  SweepRecord,
  SweepSummary,
  TenantDiff,
  TicketLedgerEntry,
  TicketPhase,
  TicketRef,
} from "./model.js";

/**
 * Where the remediation queue lives. Asynchronous and free of engine specifics (no row ids, timestamps
 * as ISO-8601 UTC text, JSON as text), so the PostgreSQL store of DESIGN.md §9 implements the same
 * interface and callers do not change. The lifecycle rules are not here: every implementation calls the
 * pure functions of `lifecycle.ts` inside its own transaction.
 */
export interface Store {
  /** The file or URL, for messages. */
  readonly location: string;
  close(): Promise<void>;

  /** Records a sweep as `running`. */
  beginSweep(sweep: {
    id: string;
    kind: SweepRecord["kind"];
    startedAt: string;
    tenants: string[];
  }): Promise<void>;
  /** Marks a sweep finished (or interrupted) with its coverage and summary. */
  finishSweep(
    id: string,
    end: {
      status: Exclude<SweepRecord["status"], "running">;
      finishedAt: string;
      coverage?: Coverage[];
      summary?: SweepSummary;
    },
  ): Promise<void>;
  /** Newest first. */
  listSweeps(options?: { limit?: number }): Promise<SweepRecord[]>;
  /** One sweep by its full id. */
  getSweep(id: string): Promise<SweepRecord | undefined>;
  /** Tenants a sweep has reconciled so far, with their diffs (also after a crash). */
  sweepTenants(sweepId: string): Promise<Array<{ tenant: string; reconciledAt: string; diff: TenantDiff }>>;

  /**
   * Reconciles one tenant in ONE transaction: reads its items and queue acceptances, applies the
   * acceptances to `results`, runs `lifecycle.reconcile`, writes items, history and the sweep's tenant
   * record. Either all of it is stored or none of it.
   */
  reconcileTenant(input: TenantReconcileInput): Promise<TenantReconcileOutcome>;

  getItem(fingerprint: string): Promise<QueueItem | undefined>;
  findItems(filter?: ItemFilter): Promise<QueueItem[]>;
  /** Oldest first. */
  history(fingerprint: string): Promise<HistoryEntry[]>;
  /**
   * Every history entry recorded at or after `since` (ISO; all when absent) for items of `tenants` (all
   * when absent), oldest first: what changed in a reporting period, in one query instead of one per item.
   */
  historySince(options?: { since?: string; tenants?: string[] }): Promise<HistoryEntry[]>;
  /**
   * Each tenant's most recent reconciles (at most `last` per tenant, default all), newest first: the
   * sweep, when it reconciled the tenant (the sweep's clock, the one item timestamps use) and its diff,
   * whose `open` after each sweep is the open-findings trend. Also for sweeps that were interrupted.
   */
  reconcileHistory(options?: {
    tenants?: string[];
    last?: number;
  }): Promise<Array<{ sweepId: string; tenant: string; reconciledAt: string; diff: TenantDiff }>>;

  /**
   * `queue accept`: records the acceptance and moves the item to `accepted` (one transaction), within the
   * rules `planAccept` holds it to. `limits` is the config's (pass the loaded config); it has no default,
   * which would quietly replace a stricter `maxExceptionDays`.
   */
  accept(
    fingerprint: string,
    acceptance: Pick<Acceptance, "reason" | "approvedBy" | "expires">,
    now: Date,
    limits: AcceptLimits,
  ): Promise<QueueItem>;
  /**
   * `queue prune`: deletes items resolved before `resolvedBefore` and every item of `forgetTenants`, each
   * with its history, acceptance and ticket ledger rows, and finished sweep records started before
   * `sweepsBefore`, in one transaction. Counts what it deleted, or with `dryRun` what it would delete.
   */
  prune(options: PruneOptions): Promise<PruneCounts>;
  /** `queue reopen`: withdraws any queue acceptance and moves the item to `reopened`. */
  reopen(
    fingerprint: string,
    by: { actor: string; reason?: string },
    sla: Sla,
    now: Date,
  ): Promise<QueueItem>;
  listAcceptances(tenant?: string): Promise<Acceptance[]>;

  /**
   * Ledger for ticketing connectors (issue #9): records the ticket and moves an open item to `ticketed`.
   * `key`, `digest` and `phase` are the sync state of the row (see `TicketLedgerEntry`).
   */
  recordTicket(
    fingerprint: string,
    ticket: {
      system: string;
      ticketId: string;
      url?: string;
      key?: string;
      digest?: string;
      phase?: TicketPhase;
    },
    actor: string,
    now: Date,
  ): Promise<QueueItem>;
  tickets(fingerprint: string): Promise<TicketRef[]>;
  /** Every ledger row of one ticketing system (target), with its sync state. */
  ticketLedger(system: string): Promise<TicketLedgerEntry[]>;
  /**
   * Updates the sync state of an existing ledger row (what was last sent, the phase) without touching the
   * item or its history; false when there is no such row.
   */
  updateTicketSync(
    fingerprint: string,
    system: string,
    sync: { digest?: string; phase?: TicketPhase },
    now: Date,
  ): Promise<boolean>;

  /**
   * Named locks (the sweep lock). Atomic insert-if-absent: returns the current holder when taken.
   * SQLite keeps them in a table; PostgreSQL holds an advisory lock, which the server releases when the
   * holder's connection ends, and reports in `tookOver` the holder it found gone that way.
   */
  tryLock(
    name: string,
    holder: LockHolder,
  ): Promise<{ acquired: true; tookOver?: LockHolder } | { acquired: false; holder: LockHolder }>;
  /** Updates the heartbeat; false when the lock is no longer held by `owner` (it was broken as stale). */
  refreshLock(name: string, owner: string, at: string): Promise<boolean>;
  /** Deletes the lock only if `owner` still holds it (compare-and-delete); false otherwise. */
  releaseLock(name: string, owner: string): Promise<boolean>;
}

export interface TenantReconcileInput {
  sweepId: string;
  tenant: string;
  now: Date;
  sla: Sla;
  /** This sweep's results for the tenant (every status). */
  results: Result[];
  /** This sweep's coverage for the tenant's connections. */
  coverage: Coverage[];
}

export interface TenantReconcileOutcome {
  /** The results with queue acceptances applied (what the sweep reports). */
  results: Result[];
  changes: ItemChange[];
  /** Findings seen again unchanged: only their lastSeen, lastSweep and updatedAt were written. */
  touched: string[];
  diff: TenantDiff;
}

export interface PruneOptions {
  /** ISO time: resolved items whose `resolvedAt` is before it. */
  resolvedBefore?: string;
  /**
   * Tenants whose every item goes (a customer who left). Refused for a tenant in `configuredTenants`: the
   * next sweep would bring its items back as new, without their history.
   */
  forgetTenants?: string[];
  /** The tenants the config lists; required so that no caller forgets a tenant it still sweeps. */
  configuredTenants: readonly string[];
  /** ISO time: sweep records (with their per-tenant diffs) that started before it and are not running. */
  sweepsBefore?: string;
  dryRun?: boolean;
}

export interface PruneCounts {
  items: number;
  history: number;
  sweeps: number;
}

export interface ItemFilter {
  tenants?: string[];
  severities?: Severity[];
  states?: ItemState[];
  policies?: string[];
  /** Only items open and past their due date at this ISO time. */
  overdueAt?: string;
  fingerprintPrefix?: string;
}
