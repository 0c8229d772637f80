import type { TenantInventory } from "../src/evaluate/policy.js";
import type { AccessPath, Account, EntryPoint } from "../src/model/index.js";

/** The access path of an account's own directory sign-in, if the provider produced one. */
export function signInPathOf(inventory: TenantInventory, account: Account): AccessPath | undefined {
  const entryPoints = new Set(
    inventory.entryPoints
      .filter(
        (e) =>
          e.kind === "directory-sign-in" &&
          e.source === account.source &&
          e.connection === account.connection,
      )
      .map((e) => e.id),
  );
  return inventory.accessPaths.find((p) => entryPoints.has(p.entryPoint) && p.accounts.includes(account.id));
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
