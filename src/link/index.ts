import type { ConnectionCollection } from "../collect/index.js";
import type { Config } from "../config/load.js";
import type { TenantInventory } from "../evaluate/policy.js";
import { delegationLinker } from "./delegation.js";
import { duoUnixLinker } from "./duo/unix.js";
import { entraLinker } from "./entra/index.js";
import type { Linker } from "./linker.js";
import { oktaLinker } from "./okta/index.js";

export type { Linker };

/**
 * Registered linkers, applied in order: the delegation linker reads what the Entra and Okta linkers decided;
 * the Duo Unix linker judges SSH logins that pass through pam_duo/login_duo by what Duo asks each user.
 */
export const linkers: Linker[] = [entraLinker, oktaLinker, delegationLinker, duoUnixLinker];

/** Merges each tenant's collections into one inventory. Never mixes tenants. */
export function mergeCollections(
  config: Pick<Config, "tenants">,
  collections: ConnectionCollection[],
): TenantInventory[] {
  const byTenant = new Map<string, ConnectionCollection[]>();
  for (const c of collections) byTenant.set(c.tenant, [...(byTenant.get(c.tenant) ?? []), c]);
  return config.tenants
    .filter((t) => byTenant.has(t.id))
    .map((t) => {
      const mine = byTenant.get(t.id) ?? [];
      return {
        tenant: { id: t.id, name: t.name, role: t.role },
        accounts: mine.flatMap((c) => c.inventory.accounts),
        entryPoints: mine.flatMap((c) => c.inventory.entryPoints),
        accessPaths: mine.flatMap((c) => c.inventory.accessPaths),
        settings: mine.flatMap((c) => c.inventory.settings),
        facts: mine.flatMap((c) => c.inventory.facts),
        coverage: mine.map((c) => c.coverage),
      };
    });
}

export function link(inventory: TenantInventory, registered: Linker[] = linkers): TenantInventory {
  return registered.reduce((acc, linker) => linker.link(acc), inventory);
}
