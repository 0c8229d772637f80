import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll } from "vitest";
import { openStore } from "../../src/queue/index.js";
import type { PostgresStoreOptions } from "../../src/queue/postgres.js";
import type { SqliteStoreOptions } from "../../src/queue/sqlite.js";
import type { Store } from "../../src/queue/store.js";

/**
 * The store engines the store tests run against: SQLite always, and the machine's real PostgreSQL
 * (127.0.0.1:5432, trust auth, user postgres; MFASWEEP_TEST_POSTGRES overrides the server URL). Each test
 * file gets a throwaway database, dropped after the file; each `fresh()` store is a schema of its own in
 * it (a new database per test would cost a second each). Where PostgreSQL is absent its variant is
 * skipped, except under CI, where its tests fail with the reason.
 */

export interface StoreEngine {
  name: "SQLite" | "PostgreSQL";
  /** Why this engine's tests are skipped here (PostgreSQL absent outside CI); undefined: they run. */
  skip?: string;
  /** The location of a new, empty store (a file path, a postgres:// URL). */
  fresh(): Promise<string>;
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
let schemas = 0;

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

const postgres: StoreEngine = {
  name: "PostgreSQL",
  skip: absent,
  fresh: async () => {
    if (!database) {
      const name = `mfasweep_test_${process.pid}_${randomBytes(4).toString("hex")}`;
      await admin(server, (c) => c.query(`CREATE DATABASE ${name}`));
      database = name;
    }
    const schema = `store_${++schemas}`;
    await admin(urlOf(database), (c) => c.query(`CREATE SCHEMA ${schema}`));
    return urlOf(database, schema);
  },
  open: (location, options = { create: true }) => openStore(location, options),
  versionTable: "mfasweep_schema_version",
  query: (location, sql) => admin(location, async (c) => (await c.query(sql)).rows),
};

afterAll(async () => {
  if (!database) return;
  const name = database;
  database = undefined;
  await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

export const storeEngines: StoreEngine[] = [sqlite, postgres];
export { postgres as postgresEngine, sqlite as sqliteEngine };
