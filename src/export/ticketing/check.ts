import type { DoctorCheck } from "../../collect/provider.js";
import { realSleep } from "../../collect/retry.js";
import { describeError } from "../../errors.js";
import { findTicketingConnector } from "./index.js";
import { openClient, type TargetCommon, targetHttp } from "./sync.js";

/** A dedupe key no ticket carries: the lookup proves reach and sign-in and finds nothing. */
const probeKey = "0".repeat(32);

/**
 * `doctor`'s check of one ticketing target (issue #23 item 8): reachable, and the credentials are taken,
 * by one read-only request (the connector's probe, else a lookup of a key no ticket has in the first
 * mapped tenant's company). One attempt, no retries; writes cannot leave (they would only be recorded).
 * A failure is a check, never a throw.
 */
export async function checkTicketTarget(
  target: TargetCommon,
  options: { env?: NodeJS.ProcessEnv; warn?: (message: string) => void; now?: Date } = {},
): Promise<DoctorCheck> {
  const check = `ticketing ${target.id}`;
  const connector = findTicketingConnector(target.type);
  if (!connector) return { check, ok: false, detail: `no connector for type '${target.type}'` };
  try {
    const http = targetHttp(target, {
      retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 },
      sleep: realSleep,
      record: () => {},
    });
    try {
      const client = await openClient(target, connector, http, {
        ...options,
        now: options.now ?? new Date(),
      });
      if (client.probe) return { check, ok: true, detail: await client.probe() };
      const tenant = Object.keys(target.tenants ?? {}).find(
        (t) => connector.mapping(target, t) !== undefined,
      );
      if (!client.find || tenant === undefined)
        return {
          check,
          ok: true,
          detail: client.find
            ? "not checked: no tenant is mapped to this target"
            : `not checked: ${target.type} has no read-only request (tickets sync --dry-run shows what would be sent)`,
        };
      await client.find(probeKey, { tenant, mapping: connector.mapping(target, tenant) });
      return {
        check,
        ok: true,
        detail: `reached ${new URL(target.endpoint).host} and signed in: looked a ticket up in the ${target.type === "jira" ? "project" : "company"} of tenant '${tenant}'`,
      };
    } finally {
      await http.close();
    }
  } catch (err) {
    return { check, ok: false, detail: describeError(err) };
  }
}
