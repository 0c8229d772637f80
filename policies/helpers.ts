import type { TenantInventory } from "../src/evaluate/policy.js";
import type { AccessPath, Account, EntryPoint } from "../src/model/index.js";

/**
 * Directory sign-in paths by (source, connection, account id), built once per inventory: looking each
 * account's path up by scanning every path made a policy quadratic in the tenant's accounts.
 */
const signInPaths = new WeakMap<TenantInventory, Map<string, AccessPath>>();
const signInKey = (source: string, connection: string, account: string) =>
  `${source}\0${connection}\0${account}`;

/** The access path of an account's own directory sign-in, if the provider produced one. */
export function signInPathOf(inventory: TenantInventory, account: Account): AccessPath | undefined {
  let index = signInPaths.get(inventory);
  if (!index) {
    index = new Map();
    const entryPoints = new Map(
      inventory.entryPoints.filter((e) => e.kind === "directory-sign-in").map((e) => [e.id, e]),
    );
    for (const path of inventory.accessPaths) {
      const e = entryPoints.get(path.entryPoint);
      if (!e) continue;
      // The first path listed for an account wins, as a search in list order would find it.
      for (const id of path.accounts) {
        const key = signInKey(e.source, e.connection, id);
        if (!index.has(key)) index.set(key, path);
      }
    }
    signInPaths.set(inventory, index);
  }
  return index.get(signInKey(account.source, account.connection, account.id));
}

/**
 * Where the ids in `path.accounts` live: `path.accountsFrom` when set (a delegated path resolved per
 * identity-provider user), else the entry point's own source and connection.
 */
export function accountsSourceOf(
  path: Pick<AccessPath, "accountsFrom">,
  entryPoint: Pick<EntryPoint, "source" | "connection">,
): { source: string; connection: string } {
  return path.accountsFrom ?? { source: entryPoint.source, connection: entryPoint.connection };
}
