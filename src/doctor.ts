import { findProvider } from "../providers/index.js";
import type { CollectContext, DoctorCheck } from "./collect/provider.js";
import { QuotaRegistry } from "./collect/quota.js";
import { realSleep } from "./collect/retry.js";
import type { Config } from "./config/load.js";
import { resolveSecret } from "./config/secrets.js";
import { describeError } from "./errors.js";
import { appendAll } from "./util/arrays.js";

export interface DoctorReport {
  tenant: string;
  connection: string;
  type: string;
  checks: DoctorCheck[];
  /** What the provider needs granted, read-only. */
  permissions: string[];
}

/**
 * Checks each connection's credentials by calling every endpoint once, and names what is missing.
 * Failures are reported as checks, never thrown.
 */
export async function doctor(
  config: Config,
  options: {
    tenants?: string[];
    env?: NodeJS.ProcessEnv;
    /** Problems worth telling the user that are not a failed check (a secret file others can read). */
    onWarning?: (message: string) => void;
  } = {},
): Promise<DoctorReport[]> {
  const reports: DoctorReport[] = [];
  const quotas = new QuotaRegistry(true);
  for (const tenant of config.tenants.filter((t) => !options.tenants || options.tenants.includes(t.id))) {
    for (const connection of tenant.connections) {
      const provider = findProvider(connection.type);
      if (!provider) continue;
      const report: DoctorReport = {
        tenant: tenant.id,
        connection: connection.id,
        type: connection.type,
        checks: [],
        permissions: provider.permissions,
      };
      reports.push(report);
      if (!provider.doctor) {
        report.checks.push({
          check: "doctor",
          ok: true,
          detail: `no live checks for ${provider.title}; run a scan`,
        });
        continue;
      }
      const controller = new AbortController();
      const where = `tenant '${tenant.id}', connection '${connection.id}'`;
      const warn = (m: string) => options.onWarning?.(`${where}: ${m}`);
      const ctx: CollectContext<unknown> = {
        tenant: { id: tenant.id, name: tenant.name, role: tenant.role },
        connectionId: connection.id,
        settings: connection.settings,
        signal: controller.signal,
        now: new Date(),
        secret: (ref) => resolveSecret(ref, { env: options.env, warn }),
        quota: (name, limits, within) => quotas.get(name, limits, within),
        // One attempt per probe: doctor reports what happens, it does not wait out throttling.
        request: async (domain, _label, send, classify) => {
          try {
            return await domain.schedule(send);
          } catch (err) {
            const outcome = classify(err);
            throw outcome.kind === "fatal" ? outcome.error : new Error(outcome.detail);
          }
        },
        gap: () => {},
        records: () => {},
        skip: () => {},
        note: () => {},
        progress: () => {},
        warn,
        sleep: (ms) => realSleep(ms, controller.signal),
      };
      try {
        appendAll(report.checks, await provider.doctor(ctx));
      } catch (err) {
        report.checks.push({ check: "connect", ok: false, detail: describeError(err) });
      } finally {
        controller.abort();
      }
    }
  }
  return reports;
}
