import type { TenantInventory } from "../src/evaluate/policy.js";
import type { AccessPath, Account } from "../src/model/index.js";

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
