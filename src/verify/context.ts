import type { CollectContext } from "../collect/provider.js";
import type { QuotaRegistry } from "../collect/quota.js";
import { defaultRetryPolicy, type RetryPolicy, realSleep, type Sleep, withRetry } from "../collect/retry.js";
import type { ConnectionConfig, TenantConfig } from "../config/load.js";
import { resolveSecret } from "../config/secrets.js";

/**
 * The context the What If requests of one connection run in: the connection's settings and secrets, the
 * shared quota domains (so What If and collection of one tenant share Conditional Access's 1 request/s),
 * retries with Retry-After honoured, and the injected clock. What collection records for coverage (gaps,
 * records, notes) has no meaning here and is dropped.
 */
export function verifyContext(
  tenant: Pick<TenantConfig, "id" | "name" | "role">,
  connection: ConnectionConfig,
  options: {
    quotas: QuotaRegistry;
    env?: NodeJS.ProcessEnv;
    retry?: RetryPolicy;
    sleep?: Sleep;
    signal: AbortSignal;
    now: Date;
    onWarning?: (message: string) => void;
    onProgress?: (step: string, done?: number, total?: number) => void;
  },
): CollectContext<unknown> {
  const sleep = options.sleep ?? realSleep;
  const where = `tenant '${tenant.id}', connection '${connection.id}'`;
  return {
    tenant: { id: tenant.id, name: tenant.name, role: tenant.role },
    connectionId: connection.id,
    settings: connection.settings,
    signal: options.signal,
    now: options.now,
    secret: (ref) =>
      resolveSecret(ref, { env: options.env, warn: (m) => options.onWarning?.(`${where}: ${m}`) }),
    quota: (name, limits, within) => options.quotas.get(name, limits, within),
    request: (domain, label, send, classify, answered) => {
      let inHand = answered;
      return withRetry(
        label,
        () => {
          const first = inHand;
          inHand = undefined;
          return first ? first() : domain.schedule(send, options.signal);
        },
        classify,
        options.retry ?? defaultRetryPolicy,
        {
          sleep,
          signal: options.signal,
          onRetry: (outcome, delay) => {
            if (outcome.kind === "throttled") domain.pauseFor(delay, (ms) => sleep(ms).catch(() => {}));
          },
        },
      );
    },
    gap: () => {},
    records: () => {},
    skip: () => {},
    note: () => {},
    progress: (step, done, total) => options.onProgress?.(step, done, total),
    warn: (message) => options.onWarning?.(`${where}: ${message}`),
    sleep: (ms) => sleep(ms, options.signal),
  };
}
