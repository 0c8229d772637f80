import { closeSync, existsSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import { MfasweepError } from "../errors.js";
import { appendAll, maxOf } from "../util/arrays.js";
import { QueueItemError, StoreError } from "./errors.js";
import {
  type AcceptLimits,
  checkPrune,
  type ItemChange,
  planAccept,
  planReopen,
  planTicket,
  reconcile,
  unchangedFindings,
} from "./lifecycle.js";
import {
  type Acceptance,
  type HistoryEntry,
  type LockHolder,
  openStates,
  type QueueItem,
  type Sla,
  type SweepRecord,
  type SweepSummary,
  type TenantDiff,
  type TicketLedgerEntry,
  type TicketPhase,
  type TicketRef,
} from "./model.js";
import {
  byUrgency,
  inOrderOf,
  itemColumns,
  itemValues,
  json,
  type Row,
  RowReader,
  storedItemColumns,
} from "./rows.js";
import { loadSqliteDriver } from "./sqlite-driver.js";
import { applicationId, migrations as knownMigrations, type Migration } from "./sqlite-schema.js";
import type {
  ItemFilter,
  PruneCounts,
  PruneOptions,
  Store,
  TenantReconcileInput,
  TenantReconcileOutcome,
} from "./store.js";

export interface SqliteStoreOptions {
  /** Create the file when it does not exist (sweep, demo). Read commands pass false. */
  create?: boolean;
  /** How long a write waits for another process's write transaction (default 10 s). */
  busyTimeoutMs?: number;
  /** For tests of the migration mechanism. */
  migrations?: Migration[];
}

/**
 * Built once: composing it per write showed in the reconcile's profile. Positional (`?` in `itemColumns`
 * order, bound by `itemArguments`): better-sqlite3 binding 25 named parameters from an object cost about
 * 1 µs a row more than positional arguments (measured on an in-memory table of the same width).
 */
const upsertItem = `INSERT INTO items (${itemColumns.join(", ")}) VALUES (${itemColumns.map(() => "?").join(", ")})
  ON CONFLICT (fingerprint) DO UPDATE SET ${itemColumns
    .filter((c) => c !== "fingerprint")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ")}`;

/** WAL pages between automatic checkpoints (see `open`). */
const walCheckpointPages = 16_384;

/**
 * The embedded store: one SQLite file in WAL mode. Each tenant's reconcile is one IMMEDIATE transaction,
 * so a crash leaves every tenant either fully reconciled or untouched, and concurrent writers queue on
 * `busy_timeout` instead of failing.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #busyTimeoutMs: number;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #rows: RowReader;
  #closed = false;

  private constructor(
    readonly location: string,
    db: Database.Database,
    busyTimeoutMs: number,
  ) {
    this.#db = db;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#rows = new RowReader(location);
  }

  /**
   * Opens (or creates) a store. Refuses, with a StoreError naming the file, anything that is not a
   * SQLite database, a SQLite database of another application, a damaged store, or one written by a
   * newer mfasweep. A foreign file is never modified.
   */
  static open(path: string, options: SqliteStoreOptions, driver: typeof Database): SqliteStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    const exists = existsSync(path);
    if (!exists && !options.create)
      throw new StoreError(
        `no queue store at ${path}; run \`mfasweep sweep\` (or \`mfasweep demo --store ${path}\`) to create one`,
      );
    if (!exists) {
      if (!existsSync(dirname(path)))
        throw new StoreError(`cannot create the store ${path}: directory ${dirname(path)} does not exist`);
      // The queue holds account names and evidence: owner-only, like the config's secret files.
      try {
        closeSync(openSync(path, "wx", 0o600));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") throw new StoreError(`cannot create the store ${path} (${code ?? "error"})`);
      }
    }
    let db: Database.Database;
    try {
      db = new driver(path, { fileMustExist: true });
    } catch (err) {
      throw translate(path, err, busyTimeoutMs);
    }
    const store = new SqliteStore(path, db, busyTimeoutMs);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      const existing = store.#identify();
      db.pragma("journal_mode = WAL");
      // FULL: a committed tenant survives a power cut too; a sweep writes little, so the cost is small.
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      // A sweep's tenants each dirty index pages all over the fingerprint indexes (items, item_history);
      // checkpointing every 1,000 WAL pages (the default) copied the same pages back once per tenant, and
      // that was a third of a first sweep's CPU (issue #20). Checkpoint at most every 16,384 pages (64 MB
      // at 4 KiB pages) and at the end of each sweep (finishSweep). Durability is unchanged: a commit is
      // durable once it is in the WAL, synced (synchronous = FULL).
      db.pragma(`wal_autocheckpoint = ${walCheckpointPages}`);
      if (existing) store.#checkIntegrity();
      store.#migrate(options.migrations ?? knownMigrations);
    } catch (err) {
      db.close();
      throw translate(path, err, busyTimeoutMs);
    }
    return store;
  }

  /** True for an existing mfasweep store, false for an empty file; throws for anything else. */
  #identify(): boolean {
    const id = Number(this.#db.pragma("application_id", { simple: true }));
    const objects = this.#db
      .prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    if (id === applicationId) return true;
    if (id === 0 && objects.length === 0) return false;
    const what =
      id === 0
        ? `it holds ${objects.slice(0, 5).join(", ")}${objects.length > 5 ? ", ..." : ""}`
        : `application_id 0x${id.toString(16)}`;
    throw new StoreError(
      `${this.location} is a SQLite database of another application (${what}), not an mfasweep store; it was left untouched. Choose another --store file`,
    );
  }

  #checkIntegrity(): void {
    const rows = this.#db.pragma("quick_check") as Array<{ quick_check: string }>;
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== "ok");
    if (problems.length > 0)
      throw new StoreError(
        `${this.location} is damaged (${problems.slice(0, 3).join("; ")}); restore it from a backup, or move it aside to start a new queue`,
      );
  }

  /** Applies the migrations this build knows and the file lacks, in one IMMEDIATE transaction. */
  #migrate(list: Migration[]): void {
    const latest = maxOf(
      list.map((m) => m.version),
      0,
    );
    this.#db
      .transaction(() => {
        // Another process may have initialised the file since #identify: ask again under the write lock.
        this.#identify();
        this.#db.exec(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
        );
        const current = Number(
          this.#db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version").pluck().get() ?? 0,
        );
        if (current > latest)
          throw new StoreError(
            `${this.location} has schema version ${current}, written by a newer mfasweep (this one knows up to ${latest}); upgrade mfasweep`,
          );
        for (const m of [...list].sort((a, b) => a.version - b.version)) {
          if (m.version <= current) continue;
          this.#db.exec(m.sql);
          this.#db
            .prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")
            .run(m.version, m.description, new Date().toISOString());
        }
        this.#db.pragma(`application_id = ${applicationId}`);
      })
      .immediate();
  }

  /** Prepared once per SQL text: a reconcile writes every item of a tenant through the same few. */
  #sql(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `fn`, turning SQLite's errors into StoreErrors that name the file. */
  #guard<T>(fn: () => T): T {
    if (this.#closed) throw new StoreError(`the store ${this.location} is closed`);
    try {
      return fn();
    } catch (err) {
      throw translate(this.location, err, this.#busyTimeoutMs);
    }
  }

  #itemRow(fingerprint: string): QueueItem | undefined {
    const row = this.#sql("SELECT * FROM items WHERE fingerprint = ?").get(fingerprint) as Row | undefined;
    return row ? this.#rows.item(row) : undefined;
  }

  #requireItem(fingerprint: string): QueueItem {
    const item = this.#itemRow(fingerprint);
    if (!item) throw new QueueItemError(`no item ${fingerprint} in ${this.location}`);
    return item;
  }

  #write(change: ItemChange): void {
    const i = change.item;
    this.#sql(upsertItem).run(...itemArguments(itemValues(i)));
    if (change.history) {
      this.#sql(
        "INSERT INTO item_history (fingerprint, at, actor, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(
        i.fingerprint,
        i.updatedAt,
        change.history.actor,
        change.history.from,
        change.history.to,
        change.history.note,
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  async beginSweep(sweep: {
    id: string;
    kind: SweepRecord["kind"];
    startedAt: string;
    tenants: string[];
  }): Promise<void> {
    this.#guard(() =>
      this.#sql(
        "INSERT INTO sweeps (id, kind, status, started_at, finished_at, tenants, coverage, summary) VALUES (?, ?, 'running', ?, NULL, ?, '[]', NULL)",
      ).run(sweep.id, sweep.kind, sweep.startedAt, JSON.stringify(sweep.tenants)),
    );
  }

  async finishSweep(
    id: string,
    end: {
      status: "finished" | "interrupted";
      finishedAt: string;
      coverage?: SweepRecord["coverage"];
      summary?: SweepSummary;
    },
  ): Promise<void> {
    this.#guard(() =>
      this.#sql(
        "UPDATE sweeps SET status = ?, finished_at = ?, coverage = COALESCE(?, coverage), summary = COALESCE(?, summary) WHERE id = ? AND status = 'running'",
      ).run(end.status, end.finishedAt, json(end.coverage), json(end.summary), id),
    );
    // The sweep's pages back into the database file (see `open`); PASSIVE: never waits for readers, and
    // what a reader still holds is copied by the next checkpoint.
    this.#guard(() => this.#db.pragma("wal_checkpoint(PASSIVE)"));
  }

  async listSweeps(options: { limit?: number } = {}): Promise<SweepRecord[]> {
    return this.#guard(() => {
      const rows = this.#sql("SELECT * FROM sweeps ORDER BY started_at DESC, id LIMIT ?").all(
        options.limit ?? 100,
      ) as Row[];
      return rows.map((row) => this.#rows.sweep(row));
    });
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    return this.#guard(() => {
      const row = this.#sql("SELECT * FROM sweeps WHERE id = ?").get(id) as Row | undefined;
      return row ? this.#rows.sweep(row) : undefined;
    });
  }

  async sweepTenants(
    sweepId: string,
  ): Promise<Array<{ tenant: string; reconciledAt: string; diff: TenantDiff }>> {
    return this.#guard(() =>
      (
        this.#sql("SELECT * FROM sweep_tenants WHERE sweep_id = ? ORDER BY reconciled_at, tenant").all(
          sweepId,
        ) as Row[]
      ).map((row) => ({
        tenant: String(row.tenant),
        reconciledAt: String(row.reconciled_at),
        diff: this.#rows.diff(row.diff, sweepId),
      })),
    );
  }

  async reconcileTenant(input: TenantReconcileInput): Promise<TenantReconcileOutcome> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const acceptances = (
            this.#sql("SELECT * FROM acceptances WHERE tenant = ?").all(input.tenant) as Row[]
          ).map((row) => this.#rows.acceptance(row));
          // Steady state: every item's state and content hash, whole rows only where something may change.
          const stored = (
            this.#sql(`SELECT ${storedItemColumns} FROM items WHERE tenant = ?`).all(input.tenant) as Row[]
          ).map((row) => this.#rows.stored(row));
          const { unchanged, needed } = unchangedFindings({ ...input, acceptances, stored });
          // A first sweep of the tenant has nothing stored: no second read.
          const rows =
            needed.length === 0
              ? []
              : (this.#sql("SELECT * FROM items WHERE fingerprint IN (SELECT value FROM json_each(?))").all(
                  JSON.stringify(needed),
                ) as Row[]);
          const items = inOrderOf(needed, rows).map((row) => this.#rows.item(row));
          const plan = reconcile({ ...input, items, acceptances, steady: { stored, unchanged } });
          for (const change of plan.changes) this.#write(change);
          if (plan.touched.length > 0)
            this.#sql(
              "UPDATE items SET last_seen = ?, last_sweep = ?, updated_at = ? WHERE fingerprint IN (SELECT value FROM json_each(?))",
            ).run(
              input.now.toISOString(),
              input.sweepId,
              input.now.toISOString(),
              JSON.stringify(plan.touched),
            );
          this.#sql(
            "INSERT INTO sweep_tenants (sweep_id, tenant, reconciled_at, diff) VALUES (?, ?, ?, ?)",
          ).run(input.sweepId, input.tenant, input.now.toISOString(), JSON.stringify(plan.diff));
          return plan;
        })
        .immediate(),
    );
  }

  async getItem(fingerprint: string): Promise<QueueItem | undefined> {
    return this.#guard(() => this.#itemRow(fingerprint));
  }

  async findItems(filter: ItemFilter = {}): Promise<QueueItem[]> {
    return this.#guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      const any = (column: string, values: readonly string[] | undefined) => {
        if (!values) return;
        if (values.length === 0) where.push("1 = 0");
        else {
          where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
          appendAll(params, values);
        }
      };
      any("tenant", filter.tenants);
      any("severity", filter.severities);
      any("state", filter.states);
      any("policy", filter.policies);
      if (filter.overdueAt) {
        any("state", openStates);
        where.push("due_at IS NOT NULL AND due_at < ?");
        params.push(filter.overdueAt);
      }
      if (filter.fingerprintPrefix !== undefined) {
        where.push("fingerprint LIKE ? ESCAPE '\\'");
        params.push(`${filter.fingerprintPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      }
      const rows = this.#sql(`SELECT * FROM items${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`).all(
        ...params,
      ) as Row[];
      return rows.map((row) => this.#rows.item(row)).sort(byUrgency);
    });
  }

  async history(fingerprint: string): Promise<HistoryEntry[]> {
    return this.#guard(() =>
      (
        this.#sql("SELECT * FROM item_history WHERE fingerprint = ? ORDER BY seq").all(fingerprint) as Row[]
      ).map((row) => this.#rows.history(row)),
    );
  }

  async historySince(options: { since?: string; tenants?: string[] } = {}): Promise<HistoryEntry[]> {
    return this.#guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (options.since !== undefined) {
        where.push("h.at >= ?");
        params.push(options.since);
      }
      if (options.tenants) {
        where.push(
          options.tenants.length ? `i.tenant IN (${options.tenants.map(() => "?").join(", ")})` : "1 = 0",
        );
        appendAll(params, options.tenants);
      }
      const rows = this.#sql(
        `SELECT h.* FROM item_history h JOIN items i ON i.fingerprint = h.fingerprint${
          where.length ? ` WHERE ${where.join(" AND ")}` : ""
        } ORDER BY h.at, h.seq`,
      ).all(...params) as Row[];
      return rows.map((row) => this.#rows.history(row));
    });
  }

  async reconcileHistory(
    options: { tenants?: string[]; last?: number } = {},
  ): Promise<Array<{ sweepId: string; tenant: string; reconciledAt: string; diff: TenantDiff }>> {
    return this.#guard(() => {
      const params: unknown[] = [];
      let where = "";
      if (options.tenants) {
        where = options.tenants.length
          ? ` WHERE st.tenant IN (${options.tenants.map(() => "?").join(", ")})`
          : " WHERE 1 = 0";
        appendAll(params, options.tenants);
      }
      // A window function (SQLite ≥ 3.25, PostgreSQL) numbers each tenant's reconciles, newest first; two
      // sweeps run with the same clock (tests, a demo run twice) are told apart by when they started.
      const rows = this.#sql(
        `SELECT sweep_id, tenant, reconciled_at, diff FROM (
           SELECT st.*, s.started_at, ROW_NUMBER() OVER (
               PARTITION BY st.tenant ORDER BY st.reconciled_at DESC, s.started_at DESC, st.sweep_id DESC
             ) AS n
             FROM sweep_tenants st JOIN sweeps s ON s.id = st.sweep_id${where}
         ) AS ranked${options.last === undefined ? "" : " WHERE n <= ?"}
         ORDER BY reconciled_at DESC, started_at DESC, sweep_id DESC, tenant`,
      ).all(...params, ...(options.last === undefined ? [] : [options.last])) as Row[];
      return rows.map((row) => ({
        sweepId: String(row.sweep_id),
        tenant: String(row.tenant),
        reconciledAt: String(row.reconciled_at),
        diff: this.#rows.diff(row.diff, String(row.sweep_id)),
      }));
    });
  }

  async accept(
    fingerprint: string,
    acceptance: Pick<Acceptance, "reason" | "approvedBy" | "expires">,
    now: Date,
    limits: AcceptLimits,
  ): Promise<QueueItem> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const change = planAccept(this.#requireItem(fingerprint), acceptance, now, limits);
          this.#write(change);
          this.#sql(
            `INSERT INTO acceptances (fingerprint, tenant, reason, approved_by, expires, created_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (fingerprint) DO UPDATE SET reason = excluded.reason, approved_by = excluded.approved_by,
                 expires = excluded.expires, created_at = excluded.created_at`,
          ).run(
            fingerprint,
            change.item.tenant,
            acceptance.reason,
            acceptance.approvedBy,
            acceptance.expires,
            now.toISOString(),
          );
          return change.item;
        })
        .immediate(),
    );
  }

  async prune(options: PruneOptions): Promise<PruneCounts> {
    checkPrune(options);
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const forget = options.forgetTenants ?? [];
          const which: string[] = [];
          const params: string[] = [];
          if (options.resolvedBefore !== undefined) {
            which.push("(state = 'resolved' AND resolved_at < ?)");
            params.push(options.resolvedBefore);
          }
          if (forget.length) {
            which.push(`tenant IN (${forget.map(() => "?").join(", ")})`);
            appendAll(params, forget);
          }
          const items = which.length ? which.join(" OR ") : "0";
          const sweeps = "started_at < ? AND status != 'running'";
          const sweepsBefore = options.sweepsBefore;
          const count = (sql: string, values: string[]) =>
            Number(
              this.#sql(sql)
                .pluck()
                .get(...values),
            );
          const counts: PruneCounts = {
            items: count(`SELECT COUNT(*) FROM items WHERE ${items}`, params),
            history: count(
              `SELECT COUNT(*) FROM item_history WHERE fingerprint IN (SELECT fingerprint FROM items WHERE ${items})`,
              params,
            ),
            sweeps:
              sweepsBefore === undefined
                ? 0
                : count(`SELECT COUNT(*) FROM sweeps WHERE ${sweeps}`, [sweepsBefore]),
          };
          if (options.dryRun) return counts;
          // History, acceptances, ticket ledger rows and per-tenant sweep diffs go by ON DELETE CASCADE.
          this.#sql(`DELETE FROM items WHERE ${items}`).run(...params);
          if (sweepsBefore !== undefined) this.#sql(`DELETE FROM sweeps WHERE ${sweeps}`).run(sweepsBefore);
          return counts;
        })
        .immediate(),
    );
  }

  async reopen(
    fingerprint: string,
    by: { actor: string; reason?: string },
    sla: Sla,
    now: Date,
  ): Promise<QueueItem> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const change = planReopen(this.#requireItem(fingerprint), by, sla, now);
          this.#write(change);
          this.#sql("DELETE FROM acceptances WHERE fingerprint = ?").run(fingerprint);
          return change.item;
        })
        .immediate(),
    );
  }

  async listAcceptances(tenant?: string): Promise<Acceptance[]> {
    return this.#guard(() =>
      (
        (tenant === undefined
          ? this.#sql("SELECT * FROM acceptances ORDER BY tenant, fingerprint").all()
          : this.#sql("SELECT * FROM acceptances WHERE tenant = ? ORDER BY fingerprint").all(tenant)) as Row[]
      ).map((row) => this.#rows.acceptance(row)),
    );
  }

  async recordTicket(
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
  ): Promise<QueueItem> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const change = planTicket(this.#requireItem(fingerprint), ticket, actor, now);
          this.#write(change);
          const at = now.toISOString();
          this.#sql(
            `INSERT INTO tickets (fingerprint, system, ticket_id, url, created_at, updated_at, ticket_key, digest, phase)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (fingerprint, system) DO UPDATE SET ticket_id = excluded.ticket_id, url = excluded.url,
                 updated_at = excluded.updated_at, ticket_key = excluded.ticket_key, digest = excluded.digest,
                 phase = excluded.phase`,
          ).run(
            fingerprint,
            ticket.system,
            ticket.ticketId,
            ticket.url ?? null,
            at,
            at,
            ticket.key ?? null,
            ticket.digest ?? null,
            ticket.phase ?? null,
          );
          return change.item;
        })
        .immediate(),
    );
  }

  async ticketLedger(system: string): Promise<TicketLedgerEntry[]> {
    return this.#guard(() =>
      (this.#sql("SELECT * FROM tickets WHERE system = ? ORDER BY fingerprint").all(system) as Row[]).map(
        (row) => this.#rows.ticketLedger(row),
      ),
    );
  }

  async updateTicketSync(
    fingerprint: string,
    system: string,
    sync: { digest?: string; phase?: TicketPhase },
    now: Date,
  ): Promise<boolean> {
    return this.#guard(
      () =>
        this.#sql(
          `UPDATE tickets SET digest = COALESCE(?, digest), phase = COALESCE(?, phase), updated_at = ?
             WHERE fingerprint = ? AND system = ?`,
        ).run(sync.digest ?? null, sync.phase ?? null, now.toISOString(), fingerprint, system).changes > 0,
    );
  }

  async tickets(fingerprint: string): Promise<TicketRef[]> {
    return this.#guard(() =>
      (
        this.#sql("SELECT * FROM tickets WHERE fingerprint = ? ORDER BY system").all(fingerprint) as Row[]
      ).map((row) => this.#rows.ticketRef(row)),
    );
  }

  async tryLock(
    name: string,
    holder: LockHolder,
  ): Promise<{ acquired: true } | { acquired: false; holder: LockHolder }> {
    return this.#guard(() =>
      this.#db
        .transaction((): { acquired: true } | { acquired: false; holder: LockHolder } => {
          const row = this.#sql("SELECT * FROM locks WHERE name = ?").get(name) as Row | undefined;
          if (row)
            return {
              acquired: false,
              holder: this.#rows.lockHolder(row, name),
            };
          this.#sql(
            "INSERT INTO locks (name, owner, pid, host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)",
          ).run(name, holder.owner, holder.pid, holder.host, holder.acquiredAt, holder.heartbeatAt);
          return { acquired: true };
        })
        .immediate(),
    );
  }

  async refreshLock(name: string, owner: string, at: string): Promise<boolean> {
    return this.#guard(
      () =>
        this.#sql("UPDATE locks SET heartbeat_at = ? WHERE name = ? AND owner = ?").run(at, name, owner)
          .changes > 0,
    );
  }

  async releaseLock(name: string, owner: string): Promise<boolean> {
    return this.#guard(
      () => this.#sql("DELETE FROM locks WHERE name = ? AND owner = ?").run(name, owner).changes > 0,
    );
  }
}

/** SQLite's error codes, as messages a user can act on. Ours pass through. */
function translate(location: string, err: unknown, busyTimeoutMs: number): Error {
  if (err instanceof MfasweepError) return err;
  const code = String((err as { code?: unknown }).code ?? "");
  const message = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB")
    return new StoreError(`${location} is not an mfasweep store: the file is not a SQLite database`);
  if (code.startsWith("SQLITE_CORRUPT"))
    return new StoreError(
      `${location} is damaged (${message}); restore it from a backup, or move it aside to start a new queue`,
    );
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return new StoreError(
      `${location} stayed locked by another process for more than ${busyTimeoutMs >= 1000 ? `${Math.round(busyTimeoutMs / 1000)} s` : `${busyTimeoutMs} ms`}; try again`,
    );
  if (code.startsWith("SQLITE_")) return new StoreError(`${location}: ${message} (${code})`);
  return err instanceof Error ? err : new Error(message);
}

/** Opens the SQLite store at `path` (see SqliteStore.open). */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  // The native driver is loaded when a store is opened, not when the CLI starts (issue #23).
  return SqliteStore.open(path, options, loadSqliteDriver());
}

/** An item's column values as the positional arguments of `upsertItem`, in `itemColumns` order. */
function itemArguments(v: ReturnType<typeof itemValues>): unknown[] {
  return itemColumns.map((column) => v[column]);
}
