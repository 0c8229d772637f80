import type { CollectContext } from "../../src/collect/provider.js";
import { QuotaRegistry } from "../../src/collect/quota.js";
import { resolveSecret } from "../../src/config/secrets.js";

/**
 * A CollectContext for calling a provider's `doctor` or client directly (tenant `t`): secrets from `env`,
 * quotas not enforced, each request sent once without retries, gaps and progress dropped.
 */
export function testContext<Settings>(
  settings: Settings,
  options: { connectionId: string; now?: Date; env?: Record<string, string> },
): CollectContext<Settings> {
  const quotas = new QuotaRegistry(false);
  return {
    tenant: { id: "t", name: "T" },
    connectionId: options.connectionId,
    settings,
    signal: new AbortController().signal,
    now: options.now ?? new Date(),
    secret: (ref) => resolveSecret(ref, { env: options.env ?? {} }),
    quota: (name, limits, within) => quotas.get(name, limits, within),
    request: (domain, _label, send) => domain.schedule(send),
    gap: () => {},
    records: () => {},
    skip: () => {},
    note: () => {},
    progress: () => {},
    warn: () => {},
    sleep: async () => {},
  };
}
