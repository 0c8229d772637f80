import { StoreError } from "./errors.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite.js";
import type { Store } from "./store.js";

/** Where the queue lives when neither `--store` nor `store.path` in the config says. */
export const defaultStorePath = "./mfasweep.db";

/**
 * Opens the store at `location`: a SQLite file today; a `postgres://` URL once the PostgreSQL store of
 * DESIGN.md §9 exists (same Store interface, so callers do not change).
 */
export async function openStore(location: string, options: SqliteStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(location))
    throw new StoreError(
      "a PostgreSQL store is planned (DESIGN.md §9) but not implemented yet; use a file path",
    );
  return openSqliteStore(location, options);
}

export * from "./errors.js";
export * from "./lifecycle.js";
export { acquireLock, type HeldLock, type LockOptions, sweepLockName } from "./lock.js";
export * from "./model.js";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./sqlite.js";
export type {
  ItemFilter,
  PruneCounts,
  PruneOptions,
  Store,
  TenantReconcileInput,
  TenantReconcileOutcome,
} from "./store.js";
