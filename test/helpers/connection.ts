import { stringify } from "yaml";
import {
  type CollectOptions,
  type ConnectionCollection,
  collectConnection,
} from "../../src/collect/index.js";
import type { Provider } from "../../src/collect/provider.js";
import { QuotaRegistry } from "../../src/collect/quota.js";
import { parseConfig } from "../../src/composition.js";
import type { ConnectionConfig } from "../../src/config/load.js";
import { demoPortfolio } from "../../src/demo/index.js";
import { type DoctorReport, doctor } from "../../src/doctor.js";
import type { ScanReport } from "../../src/report.js";
import { scan } from "../../src/scan.js";

/** A one-tenant config holding `connection`, parsed the way a user's file is. */
export function configWith(connection: Record<string, unknown>) {
  return parseConfig(
    stringify({ tenants: [{ id: "acme", name: "Acme", connections: [connection] }] }),
    "test.yaml",
  ).config;
}

/**
 * One connection of tenant `acme` collected as a scan does, quotas not enforced; the delays it asks for are
 * recorded in `slept` instead of waited.
 */
export async function collectRecorded(
  connection: ConnectionConfig,
  options: Partial<CollectOptions> = {},
): Promise<{ collection: ConnectionCollection; slept: number[] }> {
  const slept: number[] = [];
  const collection = await collectConnection({ id: "acme", name: "Acme" }, connection, {
    quotas: new QuotaRegistry(false),
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...options,
  });
  return { collection, slept };
}

/** `mfasweep doctor` for one connection: the real doctor, one attempt per probe. */
export async function doctorOf(
  connection: Record<string, unknown>,
  env: Record<string, string>,
): Promise<DoctorReport> {
  const [report] = await doctor(configWith(connection), { env });
  if (!report) throw new Error("doctor returned no report");
  return report;
}

/** Runs one provider's demo through the real pipeline (config → collect → link → evaluate). */
export async function scanDemo(provider: Provider<unknown>): Promise<ScanReport> {
  const demo = await provider.demo!(demoPortfolio);
  try {
    const byTenant = demoPortfolio.tenants
      .map((t) => ({
        id: t.id,
        name: t.name,
        connections: demo.connections.filter((c) => c.tenant === t.id).map((c) => c.connection),
      }))
      .filter((t) => t.connections.length > 0);
    const { config } = parseConfig(stringify({ tenants: byTenant }), "demo.yaml");
    return await scan(config, { enforceQuotas: false, env: demo.env, kind: "demo" });
  } finally {
    await demo.close();
  }
}
