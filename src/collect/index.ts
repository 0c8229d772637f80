import { setMaxListeners } from "node:events";
import { findProvider } from "../../providers/index.js";
import type { Config, ConnectionConfig } from "../config/load.js";
import { resolveSecret } from "../config/secrets.js";
import { describeError, ProviderUnavailableError } from "../errors.js";
import { type Coverage, emptyInventory, type ProviderInventory } from "../model/index.js";
import { redactUrls } from "../util/redact.js";
import { RecordBudget } from "./paging.js";
import type { CollectContext, ProgressUpdate, Provider } from "./provider.js";
import { type Quota, QuotaRegistry } from "./quota.js";
import {
  type AttemptOutcome,
  defaultRetryPolicy,
  type RetryPolicy,
  realSleep,
  type Sleep,
  withRetry,
} from "./retry.js";

/** Two hours: a very large tenant at the vendors' documented rates, with room to spare. */
const defaultConnectionTimeoutMs = 120 * 60_000;

/**
 * A signal that aborts after `ms`, and its release. Not `AbortSignal.timeout`: Node holds such a signal,
 * its listeners and whatever they reach until it fires (hours), which kept every tenant's inventory alive
 * through a sweep; a cleared timer lets all of it go as soon as the connection is done.
 */
function deadlineAfter(ms: number): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  timer.unref();
  return { signal: controller.signal, release: () => clearTimeout(timer) };
}

/** Rejects when `signal` aborts; `release` removes its listener (a sweep's signal outlives thousands). */
function rejectWhenAborted(
  signal: AbortSignal,
  message: string,
): { promise: Promise<never>; release(): void } {
  let fail = () => {};
  const promise = new Promise<never>((_, reject) => {
    fail = () => reject(new ProviderUnavailableError(message));
  });
  if (signal.aborted) fail();
  else signal.addEventListener("abort", fail, { once: true });
  return { promise, release: () => signal.removeEventListener("abort", fail) };
}

const timedOut =
  "did not finish within the connection time limit (connectionTimeoutMinutes); the API may be looping or throttling without end";

/** What one (tenant, connection) yielded: serialisable, so it can come from a remote collector later. */
export interface ConnectionCollection {
  tenant: string;
  connection: string;
  source: string;
  inventory: ProviderInventory;
  coverage: Coverage;
}

export interface CollectOptions {
  /** Only these tenant ids (default: all). */
  tenants?: string[];
  /** Connections collected at once across all tenants. */
  concurrency?: number;
  /** Enforce the vendors' documented rates on the client side (off for the demo's emulators). */
  enforceQuotas?: boolean;
  retry?: RetryPolicy;
  sleep?: Sleep;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now?: Date;
  onProgress?: (update: ProgressUpdate) => void;
  onWarning?: (message: string) => void;
  /** Called as each connection finishes (complete, partial or failed), for logs. */
  onConnection?: (tenant: string, coverage: Coverage) => void;
  /**
   * Longest one connection may take before it is given up with `failed` coverage (default: the config's
   * `connectionTimeoutMinutes`). Bounds what per-request timeouts cannot: an API that keeps answering,
   * e.g. endless empty pages each with a new next link.
   */
  connectionTimeoutMs?: number;
  /** Shared across calls so two collections of one quota domain share one limiter. */
  quotas?: QuotaRegistry;
  /**
   * Collects one (tenant, connection); default `collectConnection`, in this process. A distributed sweep
   * passes one that hands the connection to a worker and awaits its collection (src/distribute).
   */
  collector?: ConnectionCollector;
  /** The sweep this collection belongs to: part of a distributed job's id. */
  sweepId?: string;
}

/** Collects one (tenant, connection) and never throws: what `collect` runs per connection. */
export type ConnectionCollector = (
  tenant: { id: string; name: string; role?: "customer" | "msp" },
  connection: ConnectionConfig,
  options: CollectOptions & { quotas: QuotaRegistry; connectionTimeoutMs: number },
) => Promise<ConnectionCollection>;

/** Collects every connection of the selected tenants. One tenant's failure never stops another's. */
export async function collect(config: Config, options: CollectOptions = {}): Promise<ConnectionCollection[]> {
  const selected = options.tenants
    ? config.tenants.filter((t) => options.tenants?.includes(t.id))
    : config.tenants;
  const jobs = selected.flatMap((tenant) => tenant.connections.map((connection) => ({ tenant, connection })));
  const quotas = options.quotas ?? new QuotaRegistry(options.enforceQuotas ?? true);
  const connectionTimeoutMs = options.connectionTimeoutMs ?? config.connectionTimeoutMinutes * 60_000;
  const results: ConnectionCollection[] = new Array(jobs.length);
  const collectOne = options.collector ?? collectConnection;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i]!;
      results[i] = await collectOne(
        { id: job.tenant.id, name: job.tenant.name, role: job.tenant.role },
        job.connection,
        {
          ...options,
          connectionTimeoutMs,
          quotas,
        },
      );
      options.onConnection?.(job.tenant.id, results[i]!.coverage);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 8, jobs.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/**
 * Keeps the first of records that share an id. A vendor listing the same record twice (a page served
 * again under another link, records shifting while we page) would otherwise count accounts and findings
 * twice; and a listing that repeats records may also have skipped some, so each duplicate is a gap.
 */
function withoutDuplicates(
  inventory: ProviderInventory,
  skip: (what: string, reason: string) => void,
): ProviderInventory {
  const unique = <T>(items: T[], kind: string, key: (item: T) => string): T[] => {
    const seen = new Set<string>();
    return items.filter((item) => {
      const k = key(item);
      if (!seen.has(k)) {
        seen.add(k);
        return true;
      }
      skip(`${kind} ${k}`, "listed more than once by the source; the listing may also have left records out");
      return false;
    });
  };
  return {
    accounts: unique(inventory.accounts, "account", (a) => a.id),
    entryPoints: unique(inventory.entryPoints, "entry point", (e) => e.id),
    accessPaths: unique(inventory.accessPaths, "access path", (p) => p.id),
    settings: unique(inventory.settings, "setting", (s) => s.id),
    facts: unique(inventory.facts, "fact", (f) => `${f.kind}/${f.id}`),
  };
}

/**
 * Collects one (tenant, connection). Never throws: a failure becomes `failed` coverage with the reason,
 * and a gap becomes `partial`.
 */
export async function collectConnection(
  tenant: { id: string; name: string; role?: "customer" | "msp" },
  connection: ConnectionConfig,
  options: CollectOptions & {
    quotas: QuotaRegistry;
    /** A provider not in the registry yet (the template, one being built); default: the registry's. */
    provider?: Provider<unknown>;
  },
): Promise<ConnectionCollection> {
  const startedAt = new Date().toISOString();
  const gaps: Coverage["gaps"] = [];
  const notes: string[] = [];
  const counts = { accounts: 0, skipped: 0, requests: 0, retries: 0 };
  const controller = new AbortController();
  const deadline = deadlineAfter(options.connectionTimeoutMs ?? defaultConnectionTimeoutMs);
  const signal = AbortSignal.any([
    ...(options.signal ? [options.signal] : []),
    controller.signal,
    deadline.signal,
  ]);
  // Each request queued on a quota domain listens on this signal until it starts (p-queue): a provider that
  // queues dozens at once (Entra's per-user $batch fallback) is by design, and the listeners go as the
  // requests start, so Node's "possible leak" warning at 11 would only alarm the user.
  setMaxListeners(0, signal);
  const sleep = options.sleep ?? realSleep;
  const retry = options.retry ?? defaultRetryPolicy;
  const where = `tenant '${tenant.id}', connection '${connection.id}'`;
  const budget = new RecordBudget((connection.settings as { maxRecords?: number } | undefined)?.maxRecords);

  const ctx: CollectContext<unknown> = {
    tenant,
    connectionId: connection.id,
    settings: connection.settings,
    signal,
    now: options.now ?? new Date(),
    secret: (ref) =>
      resolveSecret(ref, { env: options.env, warn: (m) => options.onWarning?.(`${where}: ${m}`) }),
    quota: (name, limits, within) => options.quotas.get(name, limits, within),
    request<T>(
      domain: Quota,
      label: string,
      send: () => Promise<T>,
      classify: (err: unknown) => AttemptOutcome,
      answered?: () => Promise<T>,
    ) {
      let inHand = answered;
      return withRetry(
        label,
        () => {
          const first = inHand;
          inHand = undefined;
          if (first) return first();
          return domain.schedule(() => {
            counts.requests++;
            return send();
          }, signal);
        },
        classify,
        retry,
        {
          sleep,
          signal,
          onRetry: (outcome, delay) => {
            counts.retries++;
            if (outcome.kind === "throttled") domain.pauseFor(delay, (ms) => sleep(ms).catch(() => {}));
          },
        },
      );
    },
    gap: (what, reason) => gaps.push({ what, reason: redactUrls(reason) }),
    records: (label, count) => budget.add(label, count),
    skip: (what, reason) => {
      counts.skipped++;
      gaps.push({ what, reason: redactUrls(reason) });
    },
    note: (text) => notes.push(text),
    progress: (step, done, total) =>
      options.onProgress?.({ tenant: tenant.id, connection: connection.id, step, done, total }),
    warn: (message) => options.onWarning?.(redactUrls(`${where}: ${message}`)),
    sleep: (ms) => sleep(ms, signal),
  };

  let inventory = emptyInventory();
  let status: Coverage["status"] = "complete";
  let reason: string | undefined;
  try {
    const provider = options.provider ?? findProvider(connection.type);
    if (!provider) throw new Error(`no provider for type '${connection.type}'`);
    // Raced, not just signalled: a provider call that ignores the signal must not hold the sweep, nor a
    // sweep that was told to stop (SIGTERM/SIGINT).
    const watches = [
      rejectWhenAborted(deadline.signal, timedOut),
      ...(options.signal
        ? [rejectWhenAborted(options.signal, "stopped before this connection finished")]
        : []),
    ];
    const collected = await Promise.race([provider.collect(ctx), ...watches.map((w) => w.promise)]).finally(
      () => {
        for (const w of watches) w.release();
      },
    );
    // Not parsed again here: the provider validated every vendor response with zod where it came in, and
    // typed code built the inventory from it; a remote collector's inventory is parsed when it arrives
    // (src/distribute/jobs.ts). A second parse of the whole inventory cost ~40 µs of CPU per account.
    inventory = withoutDuplicates(collected, ctx.skip);
    if (gaps.length > 0) {
      status = "partial";
      reason = `${gaps.length} part(s) not read`;
    }
  } catch (err) {
    status = "failed";
    reason = describeError(err);
  } finally {
    deadline.release();
    controller.abort();
  }
  counts.accounts = inventory.accounts.length;
  return {
    tenant: tenant.id,
    connection: connection.id,
    source: connection.type,
    inventory,
    coverage: {
      tenant: tenant.id,
      connection: connection.id,
      source: connection.type,
      status,
      ...(reason ? { reason } : {}),
      gaps,
      notes,
      counts,
      startedAt,
      finishedAt: new Date().toISOString(),
    },
  };
}
