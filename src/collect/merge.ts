import type { Config } from "../config/load.js";
import type { TenantInventory } from "../model/index.js";
import type { ConnectionCollection } from "./index.js";

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
