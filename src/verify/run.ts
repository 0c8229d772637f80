import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";
import { couldNotRun, type Exit } from "../exit.js";
import { entraSource } from "../model/facts/entra.js";
import type { ScanReport } from "../report.js";
import { type ScanOptions, scan } from "../scan.js";
import { defaultVerifySample } from "./index.js";

/**
 * `mfasweep verify`: reads the tenant's Entra connections only (nothing else bears on the comparison),
 * links and evaluates them, and asks Microsoft's What If about the sample. The report is a scan report
 * whose `verification` lists every sampled user.
 */
export async function verify(
  config: Config,
  options: Omit<ScanOptions, "tenants" | "verify"> & { tenant: string; sample?: number },
): Promise<ScanReport> {
  const tenant = config.tenants.find((t) => t.id === options.tenant);
  if (!tenant)
    throw new ConfigError(
      `no tenant '${options.tenant}' in the config (known: ${config.tenants.map((t) => t.id).join(", ")})`,
    );
  const connections = tenant.connections.filter((c) => c.type === entraSource);
  if (connections.length === 0)
    throw new ConfigError(`tenant '${tenant.id}' has no Entra connection: What If is Entra's`);
  if (options.sample !== undefined && (!Number.isInteger(options.sample) || options.sample < 0))
    throw new ConfigError(`--sample must be a whole number of users, 0 or more (got ${options.sample})`);
  const only: Config = { ...config, tenants: [{ ...tenant, connections }] };
  return scan(only, {
    ...options,
    tenants: [tenant.id],
    verify: { sample: options.sample ?? defaultVerifySample },
  });
}

/**
 * The exit code of a verify run (DESIGN §5 rule): 2 when an Entra connection was not read completely or a
 * sampled user could not be compared (fail closed: unknown is never agreement), 1 when Microsoft disagrees
 * with mfasweep about anyone, else 0.
 */
export function verifyExit(report: Pick<ScanReport, "coverage" | "verification">): Exit {
  const entries = report.verification ?? [];
  const unread = report.coverage.filter((c) => c.source === entraSource && c.status !== "complete");
  const unknown = entries.filter((e) => e.outcome === "unknown");
  if (unread.length)
    return couldNotRun(
      `incomplete: ${unread[0]!.tenant}/${unread[0]!.connection} was ${unread[0]!.status === "failed" ? "not read" : "partly read"}${unread[0]!.reason ? `: ${unread[0]!.reason}` : ""}`,
    );
  if (unknown.length)
    return couldNotRun(
      `incomplete: ${unknown.length} of ${entries.length} sampled user(s) could not be compared (${unknown[0]!.user}: ${unknown[0]!.reason})`,
    );
  if (entries.length === 0) return couldNotRun("incomplete: no enabled Entra user to ask Microsoft about");
  const disagree = entries.filter((e) => e.outcome === "disagree").length;
  return disagree
    ? {
        code: 1,
        reason: `Microsoft's What If disagrees with mfasweep about ${disagree} of ${entries.length} sampled user(s)`,
      }
    : { code: 0 };
}
