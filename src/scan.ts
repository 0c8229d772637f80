import { randomUUID } from "node:crypto";
import { policies as registeredPolicies } from "../policies/index.js";
import { type CollectOptions, collect } from "./collect/index.js";
import { mergeCollections } from "./collect/merge.js";
import { QuotaRegistry } from "./collect/quota.js";
import type { Config } from "./config/load.js";
import { ConfigError } from "./errors.js";
import { evaluate } from "./evaluate/index.js";
import type { Policy } from "./evaluate/policy.js";
import type { Evaluator } from "./evaluate/pool/index.js";
import { resolvePolicySettings } from "./evaluate/profiles.js";
import { exceptionUse, recordTenant, unmatchedWarnings } from "./evaluate/unmatched.js";
import { link } from "./link/index.js";
import type { LinkedInventory, Result, TenantInventory } from "./model/index.js";
import { type ScanReport, sortResults, summarize, version } from "./report.js";
import { defaultVerifySample, verifyInventories } from "./verify/index.js";

export interface ScanOptions extends CollectOptions {
  kind?: ScanReport["sweep"]["kind"];
  policies?: ReadonlyArray<Policy<unknown>>;
  /**
   * Ask Microsoft's Conditional Access What If about every Entra admin, every excluded account and
   * `sample` others (default 10) and compare (issue #18 item 12): the report's `verification`, and evidence
   * on those users' `entra-user-mfa-enforced` results.
   */
  verify?: { sample?: number };
  /**
   * Warn (`onWarning`) about each config exception that matched no result in tenants read completely
   * (default true). A sweep turns it off for its per-tenant scans and checks across all its tenants once.
   */
  checkExceptions?: boolean;
  /**
   * Links and evaluates each tenant elsewhere (the sweep's evaluation threads), so this thread goes on
   * collecting other tenants meanwhile. Only for the registered policies: a caller's own `policies` and
   * `verify` (which reads the linked inventory) evaluate here.
   */
  evaluator?: Evaluator;
}

/** collect → link → evaluate → report, for the selected tenants (DESIGN.md §3). Persists nothing. */
export async function scan(config: Config, options: ScanOptions = {}): Promise<ScanReport> {
  const unknown = (options.tenants ?? []).filter((id) => !config.tenants.some((t) => t.id === id));
  if (unknown.length) {
    throw new ConfigError(
      `no tenant ${unknown.map((u) => `'${u}'`).join(", ")} in the config (known: ${config.tenants.map((t) => t.id).join(", ")})`,
    );
  }
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  // One registry for collection and What If: both of a tenant's Conditional Access calls share 1 request/s.
  const quotas = options.quotas ?? new QuotaRegistry(options.enforceQuotas ?? true);
  const collections = await collect(config, { ...options, now, quotas });
  const merged = mergeCollections(config, collections);
  const resolved = new Map(config.tenants.map((t) => [t.id, resolvePolicySettings(t.profile, t.policies)]));
  const policies = options.policies ?? registeredPolicies;
  const elsewhere = options.verify || policies !== registeredPolicies ? undefined : options.evaluator;
  let inventories: TenantInventory[] = merged;
  // Linked here when evaluated here (always with --verify, which asks the linked engines).
  let linked: LinkedInventory[] | undefined;
  let evaluated: Result[];
  if (elsewhere) {
    const each = await Promise.all(
      merged.map((inventory) =>
        elsewhere.evaluate({
          inventory,
          exceptions: config.exceptions,
          now,
          settings: resolved.get(inventory.tenant.id)?.settings,
        }),
      ),
    );
    evaluated = each.flat();
  } else {
    linked = merged.map((inventory) => link(inventory));
    inventories = linked;
    evaluated = evaluate({
      tenants: linked,
      policies,
      exceptions: config.exceptions,
      now,
      policySettings: new Map([...resolved].map(([id, r]) => [id, r.settings])),
    });
  }
  const verified =
    options.verify && linked
      ? await verifyInventories(config, linked, evaluated, {
          ...options,
          sample: options.verify.sample ?? defaultVerifySample,
          quotas,
          now,
        })
      : undefined;
  const results = verified?.results ?? evaluated;
  const coverage = collections.map((c) => c.coverage);
  if (options.checkExceptions !== false && options.onWarning) {
    const use = exceptionUse(config, now);
    for (const i of inventories) recordTenant(use, i.tenant.id, coverage, results);
    for (const warning of unmatchedWarnings(use, config, "scan")) options.onWarning(warning);
  }
  return {
    schemaVersion: 1,
    tool: { name: "mfasweep", version },
    sweep: {
      id: randomUUID(),
      kind: options.kind ?? "scan",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    },
    tenants: inventories.map((i) => {
      const tenant = config.tenants.find((t) => t.id === i.tenant.id);
      return {
        ...i.tenant,
        profile: tenant?.profile ?? "standard",
        overrides: resolved.get(i.tenant.id)?.applied ?? [],
      };
    }),
    coverage,
    summary: summarize(results, coverage),
    results: sortResults(results),
    ...(verified ? { verification: verified.entries } : {}),
  };
}
