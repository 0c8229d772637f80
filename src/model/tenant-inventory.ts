import type { Coverage } from "./coverage.js";
import type { AccessPath, Account, EntryPoint, Fact, MfaSetting } from "./inventory.js";

/** Everything collected for one tenant, merged across its connections. What linkers and policies read. */
export interface TenantInventory {
  tenant: { id: string; name: string; role: "customer" | "msp" };
  accounts: Account[];
  entryPoints: EntryPoint[];
  accessPaths: AccessPath[];
  settings: MfaSetting[];
  facts: Fact[];
  coverage: Coverage[];
}

/** The access path of each account's own directory sign-in, looked up by account. */
export interface SignInPaths {
  of(account: Pick<Account, "source" | "connection" | "id">): AccessPath | undefined;
}

const signInKey = (source: string, connection: string, account: string) =>
  `${source}\0${connection}\0${account}`;

/**
 * Directory sign-in paths by (source, connection, account id), built once per linked inventory by the
 * evaluate stage: looking each account's path up by scanning every path made a policy quadratic in the
 * tenant's accounts.
 */
export function signInPathsOf(inventory: Pick<TenantInventory, "entryPoints" | "accessPaths">): SignInPaths {
  const index = new Map<string, AccessPath>();
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
  return { of: (account) => index.get(signInKey(account.source, account.connection, account.id)) };
}
