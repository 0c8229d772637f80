import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach } from "vitest";
import { openStore } from "../../src/queue/index.js";
import type { PostgresStoreOptions } from "../../src/queue/postgres.js";
import type { SqliteStoreOptions } from "../../src/queue/sqlite.js";
import type { Store } from "../../src/queue/store.js";

/**
 * The store engines the store tests run against: SQLite always, and the machine's real PostgreSQL
 * (127.0.0.1:5432, trust auth, user postgres; MFASWEEP_TEST_POSTGRES overrides the server URL). Each test
 * file gets a throwaway database, dropped after the file; each `fresh()` store is a migrated schema of its
 * own in it, emptied and reused by a later test only when nothing can tell it from a new one (a new
 * database per test would cost a second each, a new schema a few hundred milliseconds). Where PostgreSQL is absent its variant is
 * skipped, except under CI, where its tests fail with the reason.
 */

export interface StoreEngine {
  name: "SQLite" | "PostgreSQL";
  /** Why this engine's tests are skipped here (PostgreSQL absent outside CI); undefined: they run. */
  skip?: string;
  /** The location of a new store holding no rows (a file path, a postgres:// URL); open it with create. */
  fresh(): Promise<string>;
  /** A location with no store and no tables at all (for tests of creating and migrating a store). */
  empty(): Promise<string>;
  open(location: string, options?: SqliteStoreOptions & PostgresStoreOptions): Promise<Store>;
  /** Runs SQL straight on a store's database, as another program would (tests that tamper with rows). */
  query(location: string, sql: string): Promise<Array<Record<string, unknown>>>;
  /** The table that records applied migrations. */
  versionTable: string;
}

const server = process.env.MFASWEEP_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${server} (${(err as { code?: string }).code ?? String(err)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

const absent = await reachable();
if (absent && process.env.CI)
  throw new Error(`${absent}; CI is set, so the PostgreSQL store tests cannot be skipped`);

const sqlite: StoreEngine = {
  name: "SQLite",
  fresh: async () => join(mkdtempSync(join(tmpdir(), "mfasweep-store-")), "queue.db"),
  empty: async () => join(mkdtempSync(join(tmpdir(), "mfasweep-store-")), "queue.db"),
  open: (location, options = { create: true }) => openStore(location, options),
  versionTable: "schema_version",
  query: async (location, sql) => {
    const db = new Database(location);
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all() as Array<Record<string, unknown>>;
      statement.run();
      return [];
    } finally {
      db.close();
    }
  },
};

let database: string | undefined;
/** One connection to the file's database, for creating, checking and emptying schemas. */
let keeper: pg.Client | undefined;
let schemas = 0;
/** Migrated schemas emptied after their test, checked identical to a fresh one, ready for the next. */
const recycled: string[] = [];
/** Stores the running test opened through `open()` and has not closed yet. */
const openedStores = new Set<Store>();
/** Schemas handed out by `fresh()` during the running test. */
const handedOut: string[] = [];
/** The structure of a freshly migrated schema (see signatureOf). */
let pristine: string | undefined;

/** The server's URL with another database and (optionally) a search_path. */
function urlOf(db: string, schema?: string): string {
  const u = new URL(server);
  u.pathname = `/${db}`;
  if (schema) u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

/** COUNT(*) is a bigint, which pg returns as text; tests compare it with SQLite's numbers. */
const bigintAsNumber = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, types: bigintAsNumber });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function keeperClient(): Promise<pg.Client> {
  if (!database) {
    const name = `mfasweep_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    await admin(server, (c) => c.query(`CREATE DATABASE ${name}`));
    database = name;
  }
  if (!keeper) {
    keeper = new pg.Client({ connectionString: urlOf(database), types: bigintAsNumber });
    await keeper.connect();
  }
  return keeper;
}

/**
 * Everything a test could have changed in a schema besides its rows: tables, columns, indexes,
 * constraints, triggers, functions and the recorded migrations, with the schema's own name taken out.
 */
async function signatureOf(c: pg.Client, schema: string): Promise<string> {
  const rows = await c.query<{ x: string }>(
    `SELECT 'c ' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(collation_name, '') || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
       FROM information_schema.columns WHERE table_schema = $1
     UNION ALL SELECT 'r ' || relname || ' ' || relkind::text FROM pg_class WHERE relnamespace = $1::regnamespace
     UNION ALL SELECT 'i ' || indexdef FROM pg_indexes WHERE schemaname = $1
     UNION ALL SELECT 'k ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = $1::regnamespace
     UNION ALL SELECT 't ' || tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::regnamespace)
     UNION ALL SELECT 'f ' || proname FROM pg_proc WHERE pronamespace = $1::regnamespace
     UNION ALL SELECT 'v ' || version::text || ' ' || description FROM ${schema}.mfasweep_schema_version
     ORDER BY x`,
    [schema],
  );
  return rows.rows.map((r) => r.x.replaceAll(`${schema}.`, "")).join("\n");
}

/**
 * Returns a schema its test used to the pool, emptied, when every store the test opened through `open()`
 * is closed and the schema's structure is exactly a fresh one's; otherwise it is left alone and dropped
 * with the database.
 */
async function recycle(schema: string, leaked: boolean): Promise<void> {
  if (leaked) return;
  const c = await keeperClient();
  const same = await signatureOf(c, schema).then(
    (sig) => sig === pristine,
    () => false,
  );
  if (!same) return;
  // Children first, for the foreign keys; the history's sequence restarts as in a new schema.
  await c.query(
    `BEGIN; SET LOCAL search_path = ${schema};
     DELETE FROM item_history; DELETE FROM tickets; DELETE FROM acceptances; DELETE FROM items;
     DELETE FROM sweep_tenants; DELETE FROM sweeps; DELETE FROM locks;
     SELECT setval(pg_get_serial_sequence('item_history', 'seq'), 1, false);
     COMMIT`,
  );
  recycled.push(schema);
}

/**
 * A recycled schema, once no advisory lock is held in the database. A closed store's server process may
 * still be releasing its locks, which would look to the next test like another sweep's: those (holders
 * no longer listed as sessions) are waited for by taking each lock once, within a bounded lock_timeout.
 */
async function reusable(c: pg.Client): Promise<string | undefined> {
  if (recycled.length === 0) return undefined;
  const held = await c.query<{ k1: number; k2: number; live: boolean }>(
    `SELECT (classid::bigint - CASE WHEN classid::bigint > 2147483647 THEN 4294967296 ELSE 0 END)::int AS k1,
            (objid::bigint - CASE WHEN objid::bigint > 2147483647 THEN 4294967296 ELSE 0 END)::int AS k2,
            pid IN (SELECT pid FROM pg_stat_activity) AS live
       FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  if (held.rows.some((r) => r.live)) return undefined;
  try {
    await c.query("SET lock_timeout = '5s'");
    for (const { k1, k2 } of held.rows) {
      await c.query("SELECT pg_advisory_lock($1, $2)", [k1, k2]);
      await c.query("SELECT pg_advisory_unlock($1, $2)", [k1, k2]);
    }
  } catch {
    return undefined;
  }
  return recycled.pop();
}

const postgres: StoreEngine = {
  name: "PostgreSQL",
  skip: absent,
  fresh: async () => {
    const c = await keeperClient();
    const reused = await reusable(c);
    const schema = reused ?? `store_${++schemas}`;
    handedOut.push(schema);
    const url = urlOf(database as string, schema);
    if (reused) return url;
    // Migrating costs most of a test's time on a busy machine; it is paid once per schema, which is
    // then reused by later tests (see recycle).
    await c.query(`CREATE SCHEMA ${schema}`);
    await (await openStore(url, { create: true })).close();
    pristine ??= await signatureOf(c, schema);
    return url;
  },
  empty: async () => {
    const c = await keeperClient();
    const schema = `empty_${++schemas}`;
    await c.query(`CREATE SCHEMA ${schema}`);
    return urlOf(database as string, schema);
  },
  open: async (location, options = { create: true }) => {
    const store = await openStore(location, options);
    openedStores.add(store);
    const close = store.close.bind(store);
    store.close = async () => {
      openedStores.delete(store);
      await close();
    };
    return store;
  },
  versionTable: "mfasweep_schema_version",
  query: (location, sql) => admin(location, async (c) => (await c.query(sql)).rows),
};

afterEach(async () => {
  const leaked = openedStores.size > 0;
  openedStores.clear();
  for (const schema of handedOut.splice(0)) await recycle(schema, leaked);
});

afterAll(async () => {
  recycled.length = 0;
  await keeper?.end().catch(() => {});
  keeper = undefined;
  if (!database) return;
  const name = database;
  database = undefined;
  await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

export const storeEngines: StoreEngine[] = [sqlite, postgres];
export { postgres as postgresEngine, sqlite as sqliteEngine };
