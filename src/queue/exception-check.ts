import type { Config } from "../config/load.js";
import { exceptionLabel } from "../evaluate/exceptions.js";
import { exceptionUse } from "../evaluate/unmatched.js";
import type { SweepRecord } from "./model.js";
import type { Store } from "./store.js";

/** Finished sweeps looked at for each tenant's last one. */
const sweepsLookedAt = 50;

/**
 * `config validate`'s side of "an exception whose subject matches nothing" (issue #23 item 5): each
 * config exception against the findings each tenant's last finished sweep stored, for tenants that
 * sweep reconciled after reading them completely (elsewhere absence proves nothing). Passing subjects
 * are not stored, so the warning says "no finding", not "no account". Empty when the store has no sweep.
 */
export async function unmatchedInStore(store: Store, config: Config, now: Date): Promise<string[]> {
  const use = exceptionUse(config, now);
  const lastOf = new Map<string, SweepRecord>();
  const sweeps = await store.listSweeps({ limit: sweepsLookedAt });
  for (const sweep of sweeps.filter((s) => s.status === "finished")) {
    const reconciled = (await store.sweepTenants(sweep.id)).map((t) => t.tenant);
    for (const tenant of reconciled) {
      if (lastOf.has(tenant)) continue;
      lastOf.set(tenant, sweep);
      const coverage = sweep.coverage.filter((c) => c.tenant === tenant);
      const items = await store.findItems({ tenants: [tenant] });
      use.record(
        tenant,
        coverage.length > 0 && coverage.every((c) => c.status === "complete"),
        items.filter((item) => item.lastSweep === sweep.id && item.state !== "resolved"),
      );
    }
  }
  const when = (s: SweepRecord) => (s.finishedAt ?? s.startedAt).slice(0, 16).replace("T", " ");
  return use.unmatched(config.tenants.map((t) => t.id)).map((u) => {
    const swept = u.tenants.map((t) => {
      const s = lastOf.get(t);
      return `'${t}'${s ? ` (sweep ${s.id.slice(0, 8)}, ${when(s)} UTC)` : ""}`;
    });
    return `${exceptionLabel(u)} matches none of the findings the last sweep stored in ${store.location} for ${swept.join(", ")}: the subject is misspelt, or it has no finding any more; an exception that matches nothing never applies`;
  });
}
