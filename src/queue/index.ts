import { resolveSecret } from "../config/secrets.js";
import { StoreError } from "./errors.js";
import { openPostgresStore, type PostgresStoreOptions, redactPostgresUrl } from "./postgres.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite.js";
import type { Store } from "./store.js";

/** Where the queue lives when neither `--store` nor `store.path` in the config says. */
export const defaultStorePath = "./mfasweep.db";

/**
 * Opens the store at `location`: a SQLite file path, or a PostgreSQL store given as a `postgres://` URL
 * or as a reference to one (`env:NAME`, `file:PATH`: how a URL with a password is passed, as every
 * secret). Same Store interface either way, so callers do not change.
 */
export async function openStore(
  location: string,
  options: SqliteStoreOptions & PostgresStoreOptions = {},
): Promise<Store> {
  const url = await storeUrl(location);
  if (url !== undefined) return openPostgresStore(url, options);
  return openSqliteStore(location, options);
}

const postgresUrl = /^postgres(ql)?:\/\//i;

/**
 * The PostgreSQL URL a store location names, or undefined for a SQLite path. A password is accepted
 * only through a reference: typed into `--store` it would show in the process list and shell history.
 */
export async function storeUrl(location: string): Promise<string | undefined> {
  if (/^(env|file):/.test(location)) {
    const url = (await resolveSecret(location)).reveal().trim();
    if (!postgresUrl.test(url))
      throw new StoreError(`the store reference ${location} does not hold a postgres:// URL`);
    return url;
  }
  if (!postgresUrl.test(location)) return undefined;
  let password = "";
  try {
    password = new URL(location).password;
  } catch {
    throw new StoreError(`${redactPostgresUrl(location)}: not a valid PostgreSQL URL`);
  }
  if (password)
    throw new StoreError(
      `${redactPostgresUrl(location)}: the store URL carries a password; put the URL in an environment variable or a file and pass --store env:NAME (or store.url: env:NAME in the config)`,
    );
  return location;
}

/** Whether a store location is a SQLite file path (not a reference or a PostgreSQL URL). */
export function isStorePath(location: string): boolean {
  return !/^(env|file):/.test(location) && !postgresUrl.test(location);
}

/** A location for messages: a SQLite path as is, a reference as written, a URL without its password. */
export function storeLabel(location: string): string {
  return postgresUrl.test(location) ? redactPostgresUrl(location) : location;
}

export * from "./errors.js";
export * from "./lifecycle.js";
export { acquireLock, type HeldLock, type LockOptions, sweepLockName } from "./lock.js";
export { type MigrateCounts, migrateSqliteToPostgres } from "./migrate.js";
export * from "./model.js";
export {
  openPostgresStore,
  PostgresStore,
  type PostgresStoreOptions,
  redactPostgresUrl,
} from "./postgres.js";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./sqlite.js";
export type {
  ItemFilter,
  PruneCounts,
  PruneOptions,
  Store,
  TenantReconcileInput,
  TenantReconcileOutcome,
} from "./store.js";
