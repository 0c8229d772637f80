import { randomUUID } from "node:crypto";
import { policies as registeredPolicies } from "../policies/index.js";
import { type CollectOptions, collect } from "./collect/index.js";
import type { Config } from "./config/load.js";
import { ConfigError } from "./errors.js";
import { evaluate } from "./evaluate/index.js";
import type { Policy } from "./evaluate/policy.js";
import { resolvePolicySettings } from "./evaluate/profiles.js";
import { link, mergeCollections } from "./link/index.js";
import { type ScanReport, sortResults, summarize, version } from "./report.js";

export interface ScanOptions extends CollectOptions {
  kind?: ScanReport["sweep"]["kind"];
  policies?: ReadonlyArray<Policy<unknown>>;
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
  const collections = await collect(config, { ...options, now });
  const inventories = mergeCollections(config, collections).map((inventory) => link(inventory));
  const resolved = new Map(config.tenants.map((t) => [t.id, resolvePolicySettings(t.profile, t.policies)]));
  const results = evaluate({
    tenants: inventories,
    policies: options.policies ?? registeredPolicies,
    exceptions: config.exceptions,
    now,
    policySettings: new Map([...resolved].map(([id, r]) => [id, r.settings])),
  });
  const coverage = collections.map((c) => c.coverage);
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
  };
}
