import { StoreError } from "./errors.js";
import { openPostgresStore, type StoreTable, storeTables } from "./postgres.js";
import type { Row } from "./rows.js";
import { openSqliteStore } from "./sqlite.js";
import { loadSqliteDriver } from "./sqlite-driver.js";

/** What `store migrate` copied, per table. */
export type MigrateCounts = Record<StoreTable, number>;

/**
 * `mfasweep store migrate --from sqlite:PATH --to postgres://…`: copies a SQLite queue with its whole
 * history (items, history entries in order, acceptances, the tickets ledger, sweeps with their per-tenant
 * diffs) into a new PostgreSQL store, in one transaction: the target ends up with all of it or nothing.
 * The SQLite file is opened through its store first, so a foreign or damaged file is refused and an older
 * one is brought to the current schema; it is otherwise only read. Locks are not copied.
 */
export async function migrateSqliteToPostgres(
  sqlitePath: string,
  postgresUrl: string,
): Promise<MigrateCounts> {
  await (await openSqliteStore(sqlitePath, { create: false })).close();
  const tables = {} as Record<StoreTable, Row[]>;
  // Loaded here, not at the top: importing the library must not load the native driver (fast start).
  const Database = loadSqliteDriver();
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    for (const table of storeTables)
      tables[table] = db
        .prepare(`SELECT * FROM ${table}${table === "item_history" ? " ORDER BY seq" : ""}`)
        .all() as Row[];
  } catch (err) {
    throw new StoreError(`cannot read ${sqlitePath}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
  const target = await openPostgresStore(postgresUrl, { create: true });
  try {
    return await target.importRows(tables);
  } finally {
    await target.close();
  }
}
