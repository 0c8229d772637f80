import { createHash } from "node:crypto";
import type pg from "pg";
import { MfasweepError } from "../errors.js";
import { maxOf } from "../util/arrays.js";
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
import { migrations as knownMigrations, versionTable } from "./postgres-schema.js";
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
import { applicationId, type Migration } from "./sqlite-schema.js";
import type {
  ItemFilter,
  PruneCounts,
  PruneOptions,
  Store,
  TenantReconcileInput,
  TenantReconcileOutcome,
} from "./store.js";

export interface PostgresStoreOptions {
  /** Create the tables in an empty database (sweep, demo, store migrate). Read commands pass false. */
  create?: boolean;
  /** Connections in the pool (default 4). Each held named lock uses one more. */
  poolSize?: number;
  /** How long to wait for a connection, for a row lock or for another write (default 10 s). */
  timeoutMs?: number;
  /** For tests of the migration mechanism. */
  migrations?: Migration[];
}

/**
 * `postgres://host:port/db`: the URL without user, password or parameters, for messages (error text
 * drops every URL's userinfo anyway: util/redact.ts).
 */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** Advisory lock keys: the class is the store's application id, the key a hash of schema and purpose. */
const lockClass = applicationId;
function lockKey(schema: string, purpose: string): number {
  // Non-negative, so the same number reads back from pg_locks (an unsigned oid).
  return createHash("sha256").update(`${schema}\0${purpose}`).digest().readUInt32BE(0) & 0x7fffffff;
}

const upsertItems = `INSERT INTO items (${itemColumns.join(", ")})
  SELECT ${itemColumns.join(", ")} FROM json_populate_recordset(NULL::items, $1::json)
  ON CONFLICT (fingerprint) DO UPDATE SET ${itemColumns
    .filter((c) => c !== "fingerprint")
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(", ")}`;

const insertHistory = `INSERT INTO item_history (fingerprint, at, actor, from_state, to_state, note)
  SELECT fingerprint, at, actor, from_state, to_state, note FROM ROWS FROM (
    json_to_recordset($1::json) AS (fingerprint text, at text, actor text, from_state text, to_state text, note text)
  ) WITH ORDINALITY AS h (fingerprint, at, actor, from_state, to_state, note, n) ORDER BY n`;

/** Rows per statement when writing a tenant's items: one round trip each, bounded parameter size. */
const batchRows = 1000;

let driver: typeof pg | undefined;
type Client = pg.PoolClient | pg.Client;

/**
 * The shared store of DESIGN.md §9 on PostgreSQL: the same tables as the SQLite store, the same
 * lifecycle functions. Each tenant's reconcile is one transaction that holds the tenant's advisory
 * transaction lock, so a crash (or a killed connection) leaves a tenant fully reconciled or untouched and
 * two writers of one tenant queue instead of overwriting each other. `queue prune` takes the store-wide
 * gate exclusively; every other write takes it shared. Named locks (the sweep lock) are session advisory
 * locks held on a connection of their own: when the holder's process dies its connection closes and
 * PostgreSQL releases the lock; the `locks` row only says who holds it.
 */
export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #config: pg.ClientConfig;
  readonly #rows: RowReader;
  readonly #schema: string;
  readonly #held = new Map<string, { client: pg.Client; dead: boolean }>();
  #closed = false;

  private constructor(
    readonly location: string,
    pool: pg.Pool,
    config: pg.ClientConfig,
    schema: string,
  ) {
    this.#pool = pool;
    this.#config = config;
    this.#schema = schema;
    this.#rows = new RowReader(location);
  }

  /**
   * Connects and brings the schema up to date. Refuses, with a StoreError naming the redacted URL, a
   * server it cannot reach or log in to, a schema holding another application's tables (left untouched),
   * and a store written by a newer mfasweep.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const location = redactPostgresUrl(url);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const config: pg.ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      // Bounded waits for locks held by another writer, so a stuck peer is an error, not a hang.
      lock_timeout: timeoutMs,
      application_name: "mfasweep",
    };
    // pg is loaded when a PostgreSQL store is opened, not when the CLI starts (issue #23).
    driver ??= (await import("pg")).default;
    const pool = new driver.Pool({ ...config, max: options.poolSize ?? 4 });
    // An idle connection that the server drops must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      await pool.end().catch(() => {});
      throw translate(location, err);
    }
    let schema = "";
    try {
      schema = String((await client.query("SELECT current_schema() AS s")).rows[0]?.s ?? "");
      if (!schema)
        throw new StoreError(
          `${location}: no schema to create the store in (the search_path names none that exists)`,
        );
      await migrate(client, location, schema, options.migrations ?? knownMigrations, options.create ?? false);
      client.release();
    } catch (err) {
      client.release(true);
      await pool.end().catch(() => {});
      throw translate(location, err);
    }
    return new PostgresStore(location, pool, config, schema);
  }

  #open(): void {
    if (this.#closed) throw new StoreError(`the store ${this.location} is closed`);
  }

  async #query(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Row>> {
    this.#open();
    try {
      return await this.#pool.query<Row>(sql, params);
    } catch (err) {
      throw translate(this.location, err);
    }
  }

  async #rowsOf(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#query(sql, params)).rows;
  }

  /**
   * One transaction. `gate`: "shared" for writes of one tenant, "exclusive" for writes across tenants
   * (prune), so a prune never interleaves with a tenant's reconcile.
   */
  async #transaction<T>(gate: "shared" | "exclusive", fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#open();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw translate(this.location, err);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      await client.query(
        gate === "shared"
          ? "SELECT pg_advisory_xact_lock_shared($1, $2)"
          : "SELECT pg_advisory_xact_lock($1, $2)",
        [lockClass, lockKey(this.#schema, "gate")],
      );
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw translate(this.location, err);
    } finally {
      client.release(broken);
    }
  }

  /** Serialises writers of one tenant for the rest of the transaction. */
  async #lockTenant(c: Client, tenant: string): Promise<void> {
    await c.query("SELECT pg_advisory_xact_lock($1, $2)", [
      lockClass,
      lockKey(this.#schema, `tenant\0${tenant}`),
    ]);
  }

  /** The item, read under its tenant's lock (an item's tenant never changes). */
  async #lockedItem(c: Client, fingerprint: string): Promise<QueueItem> {
    const found = await c.query<Row>("SELECT tenant FROM items WHERE fingerprint = $1", [fingerprint]);
    const tenant = found.rows[0]?.tenant;
    if (tenant === undefined) throw new QueueItemError(`no item ${fingerprint} in ${this.location}`);
    await this.#lockTenant(c, String(tenant));
    const row = (await c.query<Row>("SELECT * FROM items WHERE fingerprint = $1", [fingerprint])).rows[0];
    if (!row) throw new QueueItemError(`no item ${fingerprint} in ${this.location}`);
    return this.#rows.item(row);
  }

  /** Writes items and their history entries in a few statements (a tenant can have many thousand). */
  async #write(c: Client, changes: ItemChange[]): Promise<void> {
    // Last write wins within one call, as one upsert after another would.
    const items = new Map<string, Record<string, unknown>>();
    const history: Array<Record<string, unknown>> = [];
    for (const change of changes) {
      const i = change.item;
      items.set(i.fingerprint, itemValues(i));
      if (change.history)
        history.push({
          fingerprint: i.fingerprint,
          at: i.updatedAt,
          actor: change.history.actor,
          from_state: change.history.from,
          to_state: change.history.to,
          note: change.history.note,
        });
    }
    const rows = [...items.values()];
    for (let at = 0; at < rows.length; at += batchRows)
      await c.query(upsertItems, [JSON.stringify(rows.slice(at, at + batchRows))]);
    for (let at = 0; at < history.length; at += batchRows)
      await c.query(insertHistory, [JSON.stringify(history.slice(at, at + batchRows))]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a lock's connection releases it, as the process ending would.
    for (const held of this.#held.values()) await held.client.end().catch(() => {});
    this.#held.clear();
    await this.#pool.end();
  }

  async beginSweep(sweep: {
    id: string;
    kind: SweepRecord["kind"];
    startedAt: string;
    tenants: string[];
  }): Promise<void> {
    await this.#query(
      "INSERT INTO sweeps (id, kind, status, started_at, finished_at, tenants, coverage, summary) VALUES ($1, $2, 'running', $3, NULL, $4, '[]', NULL)",
      [sweep.id, sweep.kind, sweep.startedAt, JSON.stringify(sweep.tenants)],
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
    await this.#query(
      "UPDATE sweeps SET status = $1, finished_at = $2, coverage = COALESCE($3, coverage), summary = COALESCE($4, summary) WHERE id = $5 AND status = 'running'",
      [end.status, end.finishedAt, json(end.coverage), json(end.summary), id],
    );
  }

  async listSweeps(options: { limit?: number } = {}): Promise<SweepRecord[]> {
    const rows = await this.#rowsOf("SELECT * FROM sweeps ORDER BY started_at DESC, id LIMIT $1", [
      options.limit ?? 100,
    ]);
    return rows.map((row) => this.#rows.sweep(row));
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    const [row] = await this.#rowsOf("SELECT * FROM sweeps WHERE id = $1", [id]);
    return row ? this.#rows.sweep(row) : undefined;
  }

  async sweepTenants(
    sweepId: string,
  ): Promise<Array<{ tenant: string; reconciledAt: string; diff: TenantDiff }>> {
    const rows = await this.#rowsOf(
      "SELECT * FROM sweep_tenants WHERE sweep_id = $1 ORDER BY reconciled_at, tenant",
      [sweepId],
    );
    return rows.map((row) => ({
      tenant: String(row.tenant),
      reconciledAt: String(row.reconciled_at),
      diff: this.#rows.diff(row.diff, sweepId),
    }));
  }

  async reconcileTenant(input: TenantReconcileInput): Promise<TenantReconcileOutcome> {
    return this.#transaction("shared", async (c) => {
      await this.#lockTenant(c, input.tenant);
      const acceptances = (
        await c.query<Row>("SELECT * FROM acceptances WHERE tenant = $1", [input.tenant])
      ).rows.map((row) => this.#rows.acceptance(row));
      // Steady state: every item's state and content hash, whole rows only where something may change.
      const stored = (
        await c.query<Row>(`SELECT ${storedItemColumns} FROM items WHERE tenant = $1`, [input.tenant])
      ).rows.map((row) => this.#rows.stored(row));
      const { unchanged, needed } = unchangedFindings({ ...input, acceptances, stored });
      const rows = (await c.query<Row>("SELECT * FROM items WHERE fingerprint = ANY($1::text[])", [needed]))
        .rows;
      const items = inOrderOf(needed, rows).map((row) => this.#rows.item(row));
      const plan = reconcile({ ...input, items, acceptances, steady: { stored, unchanged } });
      await this.#write(c, plan.changes);
      if (plan.touched.length)
        await c.query(
          "UPDATE items SET last_seen = $1, last_sweep = $2, updated_at = $1 WHERE fingerprint = ANY($3::text[])",
          [input.now.toISOString(), input.sweepId, plan.touched],
        );
      await c.query(
        "INSERT INTO sweep_tenants (sweep_id, tenant, reconciled_at, diff) VALUES ($1, $2, $3, $4)",
        [input.sweepId, input.tenant, input.now.toISOString(), JSON.stringify(plan.diff)],
      );
      return plan;
    });
  }

  async getItem(fingerprint: string): Promise<QueueItem | undefined> {
    const [row] = await this.#rowsOf("SELECT * FROM items WHERE fingerprint = $1", [fingerprint]);
    return row ? this.#rows.item(row) : undefined;
  }

  async findItems(filter: ItemFilter = {}): Promise<QueueItem[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const any = (column: string, values: readonly string[] | undefined) => {
      if (values) where.push(`${column} = ANY(${param([...values])}::text[])`);
    };
    any("tenant", filter.tenants);
    any("severity", filter.severities);
    any("state", filter.states);
    any("policy", filter.policies);
    if (filter.overdueAt) {
      any("state", openStates);
      where.push(`due_at IS NOT NULL AND due_at < ${param(filter.overdueAt)}`);
    }
    if (filter.fingerprintPrefix !== undefined)
      where.push(
        `fingerprint LIKE ${param(`${filter.fingerprintPrefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)} ESCAPE '\\'`,
      );
    const rows = await this.#rowsOf(
      `SELECT * FROM items${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`,
      params,
    );
    return rows.map((row) => this.#rows.item(row)).sort(byUrgency);
  }

  async history(fingerprint: string): Promise<HistoryEntry[]> {
    const rows = await this.#rowsOf("SELECT * FROM item_history WHERE fingerprint = $1 ORDER BY seq", [
      fingerprint,
    ]);
    return rows.map((row) => this.#rows.history(row));
  }

  async historySince(options: { since?: string; tenants?: string[] } = {}): Promise<HistoryEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.since !== undefined) {
      params.push(options.since);
      where.push(`h.at >= $${params.length}`);
    }
    if (options.tenants) {
      params.push(options.tenants);
      where.push(`i.tenant = ANY($${params.length}::text[])`);
    }
    const rows = await this.#rowsOf(
      `SELECT h.* FROM item_history h JOIN items i ON i.fingerprint = h.fingerprint${
        where.length ? ` WHERE ${where.join(" AND ")}` : ""
      } ORDER BY h.at, h.seq`,
      params,
    );
    return rows.map((row) => this.#rows.history(row));
  }

  async reconcileHistory(
    options: { tenants?: string[]; last?: number } = {},
  ): Promise<Array<{ sweepId: string; tenant: string; reconciledAt: string; diff: TenantDiff }>> {
    const params: unknown[] = [];
    let where = "";
    if (options.tenants) {
      params.push(options.tenants);
      where = ` WHERE st.tenant = ANY($${params.length}::text[])`;
    }
    let last = "";
    if (options.last !== undefined) {
      params.push(options.last);
      last = ` WHERE n <= $${params.length}`;
    }
    // As in the SQLite store: each tenant's reconciles numbered newest first; equal clocks ordered by
    // when the sweep started.
    const rows = await this.#rowsOf(
      `SELECT sweep_id, tenant, reconciled_at, diff FROM (
         SELECT st.*, s.started_at, ROW_NUMBER() OVER (
             PARTITION BY st.tenant ORDER BY st.reconciled_at DESC, s.started_at DESC, st.sweep_id DESC
           ) AS n
           FROM sweep_tenants st JOIN sweeps s ON s.id = st.sweep_id${where}
       ) AS ranked${last}
       ORDER BY reconciled_at DESC, started_at DESC, sweep_id DESC, tenant`,
      params,
    );
    return rows.map((row) => ({
      sweepId: String(row.sweep_id),
      tenant: String(row.tenant),
      reconciledAt: String(row.reconciled_at),
      diff: this.#rows.diff(row.diff, String(row.sweep_id)),
    }));
  }

  async accept(
    fingerprint: string,
    acceptance: Pick<Acceptance, "reason" | "approvedBy" | "expires">,
    now: Date,
    limits: AcceptLimits,
  ): Promise<QueueItem> {
    return this.#transaction("shared", async (c) => {
      const change = planAccept(await this.#lockedItem(c, fingerprint), acceptance, now, limits);
      await this.#write(c, [change]);
      await c.query(
        `INSERT INTO acceptances (fingerprint, tenant, reason, approved_by, expires, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (fingerprint) DO UPDATE SET reason = EXCLUDED.reason, approved_by = EXCLUDED.approved_by,
             expires = EXCLUDED.expires, created_at = EXCLUDED.created_at`,
        [
          fingerprint,
          change.item.tenant,
          acceptance.reason,
          acceptance.approvedBy,
          acceptance.expires,
          now.toISOString(),
        ],
      );
      return change.item;
    });
  }

  async prune(options: PruneOptions): Promise<PruneCounts> {
    checkPrune(options);
    return this.#transaction("exclusive", async (c) => {
      const forget = options.forgetTenants ?? [];
      const which: string[] = [];
      const params: unknown[] = [];
      if (options.resolvedBefore !== undefined) {
        params.push(options.resolvedBefore);
        which.push(`(state = 'resolved' AND resolved_at < $${params.length})`);
      }
      if (forget.length) {
        params.push(forget);
        which.push(`tenant = ANY($${params.length}::text[])`);
      }
      const items = which.length ? which.join(" OR ") : "FALSE";
      const sweeps = "started_at < $1 AND status != 'running'";
      const sweepsBefore = options.sweepsBefore;
      const count = async (sql: string, values: unknown[]) =>
        Number((await c.query<Row>(sql, values)).rows[0]?.count ?? 0);
      const counts: PruneCounts = {
        items: await count(`SELECT COUNT(*) AS count FROM items WHERE ${items}`, params),
        history: await count(
          `SELECT COUNT(*) AS count FROM item_history WHERE fingerprint IN (SELECT fingerprint FROM items WHERE ${items})`,
          params,
        ),
        sweeps:
          sweepsBefore === undefined
            ? 0
            : await count(`SELECT COUNT(*) AS count FROM sweeps WHERE ${sweeps}`, [sweepsBefore]),
      };
      if (options.dryRun) return counts;
      // History, acceptances, ticket ledger rows and per-tenant sweep diffs go by ON DELETE CASCADE.
      await c.query(`DELETE FROM items WHERE ${items}`, params);
      if (sweepsBefore !== undefined) await c.query(`DELETE FROM sweeps WHERE ${sweeps}`, [sweepsBefore]);
      return counts;
    });
  }

  async reopen(
    fingerprint: string,
    by: { actor: string; reason?: string },
    sla: Sla,
    now: Date,
  ): Promise<QueueItem> {
    return this.#transaction("shared", async (c) => {
      const change = planReopen(await this.#lockedItem(c, fingerprint), by, sla, now);
      await this.#write(c, [change]);
      await c.query("DELETE FROM acceptances WHERE fingerprint = $1", [fingerprint]);
      return change.item;
    });
  }

  async listAcceptances(tenant?: string): Promise<Acceptance[]> {
    const rows =
      tenant === undefined
        ? await this.#rowsOf("SELECT * FROM acceptances ORDER BY tenant, fingerprint")
        : await this.#rowsOf("SELECT * FROM acceptances WHERE tenant = $1 ORDER BY fingerprint", [tenant]);
    return rows.map((row) => this.#rows.acceptance(row));
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
    return this.#transaction("shared", async (c) => {
      const change = planTicket(await this.#lockedItem(c, fingerprint), ticket, actor, now);
      await this.#write(c, [change]);
      const at = now.toISOString();
      await c.query(
        `INSERT INTO tickets (fingerprint, system, ticket_id, url, created_at, updated_at, ticket_key, digest, phase)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (fingerprint, system) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, url = EXCLUDED.url,
             updated_at = EXCLUDED.updated_at, ticket_key = EXCLUDED.ticket_key, digest = EXCLUDED.digest,
             phase = EXCLUDED.phase`,
        [
          fingerprint,
          ticket.system,
          ticket.ticketId,
          ticket.url ?? null,
          at,
          at,
          ticket.key ?? null,
          ticket.digest ?? null,
          ticket.phase ?? null,
        ],
      );
      return change.item;
    });
  }

  async ticketLedger(system: string): Promise<TicketLedgerEntry[]> {
    const rows = await this.#rowsOf("SELECT * FROM tickets WHERE system = $1 ORDER BY fingerprint", [system]);
    return rows.map((row) => this.#rows.ticketLedger(row));
  }

  async updateTicketSync(
    fingerprint: string,
    system: string,
    sync: { digest?: string; phase?: TicketPhase },
    now: Date,
  ): Promise<boolean> {
    const result = await this.#query(
      `UPDATE tickets SET digest = COALESCE($1, digest), phase = COALESCE($2, phase), updated_at = $3
         WHERE fingerprint = $4 AND system = $5`,
      [sync.digest ?? null, sync.phase ?? null, now.toISOString(), fingerprint, system],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async tickets(fingerprint: string): Promise<TicketRef[]> {
    const rows = await this.#rowsOf("SELECT * FROM tickets WHERE fingerprint = $1 ORDER BY system", [
      fingerprint,
    ]);
    return rows.map((row) => this.#rows.ticketRef(row));
  }

  /**
   * `store migrate`: copies every row of another store's tables into this one, in one transaction, keeping
   * history order and ids. Refuses a store that already holds a queue: copying is for a new store.
   */
  async importRows(tables: Record<StoreTable, Row[]>): Promise<Record<StoreTable, number>> {
    return this.#transaction("exclusive", async (c) => {
      const used = await c.query<Row>(
        "SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM sweeps) AS n",
      );
      if (Number(used.rows[0]?.n ?? 0) > 0)
        throw new StoreError(`${this.location} already holds a queue; copy into a new, empty database`);
      const counts = {} as Record<StoreTable, number>;
      for (const table of storeTables) {
        const rows = tables[table];
        counts[table] = rows.length;
        for (let at = 0; at < rows.length; at += batchRows)
          await c.query(
            `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
            [JSON.stringify(rows.slice(at, at + batchRows))],
          );
      }
      // Entries written after the copy continue the copied history's order.
      await c.query(
        "SELECT setval(pg_get_serial_sequence('item_history', 'seq'), COALESCE((SELECT MAX(seq) FROM item_history), 0) + 1, false)",
      );
      return counts;
    });
  }

  /**
   * A session advisory lock on a connection of its own. Taken: any `locks` row left for the name belongs
   * to a holder whose session ended (killed, crashed): it is replaced and reported as taken over. Not
   * taken: the row says who holds it.
   */
  async tryLock(
    name: string,
    holder: LockHolder,
  ): Promise<{ acquired: true; tookOver?: LockHolder } | { acquired: false; holder: LockHolder }> {
    this.#open();
    const key = lockKey(this.#schema, `lock\0${name}`);
    // A store exists only once open() has loaded the driver.
    const client = new (driver as typeof pg).Client(this.#config);
    const held = { client, dead: false };
    client.on("error", () => {
      held.dead = true;
    });
    client.on("end", () => {
      held.dead = true;
    });
    try {
      await client.connect();
      const taken = (await client.query<Row>("SELECT pg_try_advisory_lock($1, $2) AS ok", [lockClass, key]))
        .rows[0]?.ok;
      if (!taken) {
        await client.end();
        const [row] = await this.#rowsOf("SELECT * FROM locks WHERE name = $1", [name]);
        const at = new Date().toISOString();
        // Between another holder's lock and its row: someone holds it, not yet saying who.
        return {
          acquired: false,
          holder: row
            ? this.#rows.lockHolder(row, name)
            : { owner: "(starting)", pid: 0, host: "(another session)", acquiredAt: at, heartbeatAt: at },
        };
      }
      await client.query("BEGIN");
      const left = (await client.query<Row>("DELETE FROM locks WHERE name = $1 RETURNING *", [name])).rows[0];
      await client.query(
        "INSERT INTO locks (name, owner, pid, host, acquired_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [name, holder.owner, holder.pid, holder.host, holder.acquiredAt, holder.heartbeatAt],
      );
      await client.query("COMMIT");
      this.#held.set(`${name}\0${holder.owner}`, held);
      return left ? { acquired: true, tookOver: this.#rows.lockHolder(left, name) } : { acquired: true };
    } catch (err) {
      await client.end().catch(() => {});
      throw translate(this.location, err);
    }
  }

  async refreshLock(name: string, owner: string, at: string): Promise<boolean> {
    if (this.#held.get(`${name}\0${owner}`)?.dead) return false;
    const result = await this.#query("UPDATE locks SET heartbeat_at = $1 WHERE name = $2 AND owner = $3", [
      at,
      name,
      owner,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Ours: deletes the row and closes the lock's connection. Another holder's (taking over a stale one):
   * deletes its row if it is still the holder (compare-and-delete), then ends the session that holds the
   * advisory lock, so the stale holder cannot keep it, and waits until PostgreSQL has released it.
   */
  async releaseLock(name: string, owner: string): Promise<boolean> {
    this.#open();
    const mine = this.#held.get(`${name}\0${owner}`);
    if (mine) {
      this.#held.delete(`${name}\0${owner}`);
      let deleted = false;
      try {
        if (!mine.dead) {
          deleted =
            ((await mine.client.query("DELETE FROM locks WHERE name = $1 AND owner = $2", [name, owner]))
              .rowCount ?? 0) > 0;
          await mine.client.query("SELECT pg_advisory_unlock($1, $2)", [
            lockClass,
            lockKey(this.#schema, `lock\0${name}`),
          ]);
        }
      } catch {
        // The session is gone; PostgreSQL has released the lock with it.
      } finally {
        await mine.client.end().catch(() => {});
      }
      return deleted;
    }
    const removed = await this.#query("DELETE FROM locks WHERE name = $1 AND owner = $2", [name, owner]);
    if ((removed.rowCount ?? 0) === 0) return false;
    const key = lockKey(this.#schema, `lock\0${name}`);
    const holders = `FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid
      AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND pid <> pg_backend_pid()`;
    await this.#query(`SELECT pg_terminate_backend(pid) ${holders}`, [lockClass, key]);
    for (let waited = 0; waited < 5000; waited += 20) {
      const left = await this.#rowsOf(`SELECT pid ${holders}`, [lockClass, key]);
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }
}

/** Creates or upgrades the store's tables in one transaction, under the schema's migration lock. */
async function migrate(
  client: pg.PoolClient,
  location: string,
  schema: string,
  list: Migration[],
  create: boolean,
): Promise<void> {
  const latest = maxOf(
    list.map((m) => m.version),
    0,
  );
  await client.query("BEGIN");
  try {
    // Processes opening a new database at once: the first creates the tables, the others wait here.
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [lockClass, lockKey(schema, "migrate")]);
    const tables = (
      await client.query<Row>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
        [schema],
      )
    ).rows.map((r) => String(r.table_name));
    if (!tables.includes(versionTable)) {
      if (tables.length > 0)
        throw new StoreError(
          `${location} (schema ${schema}) holds tables of another application (${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", ..." : ""}), not an mfasweep store; it was left untouched. Use an empty database or schema`,
        );
      if (!create)
        throw new StoreError(
          `no queue store at ${location}; run \`mfasweep sweep\` (or \`mfasweep store migrate\`) to create one`,
        );
      await client.query(
        `CREATE TABLE ${versionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
    }
    const current = Number(
      (await client.query<Row>(`SELECT COALESCE(MAX(version), 0) AS v FROM ${versionTable}`)).rows[0]?.v ?? 0,
    );
    if (current > latest)
      throw new StoreError(
        `${location} has schema version ${current}, written by a newer mfasweep (this one knows up to ${latest}); upgrade mfasweep`,
      );
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(
        `INSERT INTO ${versionTable} (version, description, applied_at) VALUES ($1, $2, $3)`,
        [m.version, m.description, new Date().toISOString()],
      );
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/** PostgreSQL's and the network's errors as messages a user can act on; never the URL's password. */
function translate(location: string, err: unknown): Error {
  if (err instanceof MfasweepError) return err;
  const code = String((err as { code?: unknown }).code ?? "");
  const message = err instanceof Error ? err.message : String(err);
  if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET"].includes(code))
    return new StoreError(`cannot reach the PostgreSQL store ${location} (${code}); is the server running?`);
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message))
    return new StoreError(`cannot reach the PostgreSQL store ${location} (${message})`);
  if (code === "28P01" || code === "28000")
    return new StoreError(
      `${location}: PostgreSQL refused the login (${code}); check the user and its password`,
    );
  if (code === "3D000")
    return new StoreError(`${location}: the database does not exist; create it (createdb) and try again`);
  if (code === "55P03")
    return new StoreError(`${location} stayed locked by another writer for too long; try again`);
  if (/^[0-9A-Z]{5}$/.test(code)) return new StoreError(`${location}: ${message} (${code})`);
  return err instanceof Error ? err : new Error(message);
}

/** Opens the PostgreSQL store at `url` (see PostgresStore.open). */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}

/** Tables in the order their foreign keys allow, for copying a whole store. */
export const storeTables = [
  "sweeps",
  "sweep_tenants",
  "items",
  "item_history",
  "acceptances",
  "tickets",
] as const;
export type StoreTable = (typeof storeTables)[number];
