import { randomUUID } from "node:crypto";
import { policies as registeredPolicies } from "../policies/index.js";
import { type CollectOptions, collect } from "./collect/index.js";
import type { Config } from "./config/load.js";
import { ConfigError } from "./errors.js";
import { evaluate } from "./evaluate/index.js";
import type { Policy } from "./evaluate/policy.js";
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
  const results = evaluate({
    tenants: inventories,
    policies: options.policies ?? registeredPolicies,
    exceptions: config.exceptions,
    now,
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
    tenants: inventories.map((i) => i.tenant),
    coverage,
    summary: summarize(results, coverage),
    results: sortResults(results),
  };
}
