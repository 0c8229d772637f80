import { hostname } from "node:os";
import type { Job, Worker } from "bullmq";
import { collectConnection } from "../collect/index.js";
import { QuotaRegistry } from "../collect/quota.js";
import type { Config } from "../config/load.js";
import { describeError } from "../errors.js";
import { appendAll } from "../util/arrays.js";
import { redactUrls } from "../util/redact.js";
import {
  CollectJob,
  type CollectResult,
  DistributeError,
  defaultPrefix,
  encodeCollection,
  loadBullmq,
  queueName,
} from "./jobs.js";
import { RedisBudget } from "./quota.js";
import { JobRefusedError, localConnection } from "./trust.js";

export interface WorkerOptions {
  /** The Redis URL, resolved (see queueUrl). */
  url: string;
  /**
   * This worker's own config (`worker --config`): it runs only the connections listed here, with the
   * settings and secret references written here; a job naming anything else is refused.
   */
  config: Config;
  /** Collect only this site's connections (`collectorSite:` in the config); default: untagged connections. */
  site?: string;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  prefix?: string;
  /** Where `env:` references resolve: this machine's environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * How long a job's lock lasts without renewal: a killed worker's job is handed to another worker once
   * it expires (BullMQ `lockDuration`; the stalled check runs at the same interval). Default 30 s.
   */
  stalledMs?: number;
  onEvent?: (message: string) => void;
  /** How the worker is listed and named in coverage notes; default host-pid. */
  name?: string;
}

/** How long a worker's registry entry lives without a heartbeat, and how often it beats. */
const registryTtlMs = 15_000;
const heartbeatMs = 5_000;

export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  site?: string;
  concurrency: number;
  startedAt: string;
}

export interface RunningWorker {
  readonly name: string;
  /**
   * Stops taking jobs and waits for the running ones (SIGTERM): a graceful drain. `force` abandons the
   * running ones instead: their locks lapse and other workers retry them, as after a crash.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

function registryKey(prefix: string, name: string): string {
  return `${prefix}:workers:${name}`;
}

/** Where a Redis URL points, without its credentials (a message may end up in a log). */
function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable URL)";
  }
}

async function redisClient(url: string) {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 5000 });
  // ioredis rejects connect() with a bare "Connection is closed."; the socket's own error says why.
  let cause: (Error & { code?: string }) | undefined;
  client.on("error", (err: Error) => {
    cause ??= err;
  });
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    throw new DistributeError(
      `cannot reach the queue's Redis at ${redisHost(url)} (${redactUrls(why)}); is it running, and is --queue right?`,
    );
  }
  return client;
}

/**
 * Runs collection jobs of one site's queue: resolves each connection's secrets here, on this machine,
 * collects it, and answers with the compressed collection. A collection over the job's size limit fails
 * that connection (not retried). The worker registers itself in Redis while it runs (`mfasweep workers`).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const bullmq = await loadBullmq();
  const prefix = options.prefix ?? defaultPrefix;
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const site = options.site;
  const concurrency = options.concurrency ?? 4;
  const registry = await redisClient(options.url);
  // Rate limits come from one budget per quota domain in Redis, shared by every worker of the queue: a
  // domain spanning tenants (a Google project's admin, an RMM account) is not spent once per worker.
  const quotas = new QuotaRegistry(true, new RedisBudget(registry, prefix));
  const info: WorkerInfo = {
    name,
    host: hostname(),
    pid: process.pid,
    ...(site ? { site } : {}),
    concurrency,
    startedAt: new Date().toISOString(),
  };
  const beat = () =>
    registry.set(registryKey(prefix, name), JSON.stringify(info), "PX", registryTtlMs).catch(() => {});
  await beat();
  const timer = setInterval(beat, heartbeatMs);
  timer.unref();

  const process_ = async (job: Job): Promise<CollectResult> => {
    const data = CollectJob.safeParse(job.data);
    if (!data.success)
      throw new bullmq.UnrecoverableError("the job is not a collection job of this mfasweep");
    let local: ReturnType<typeof localConnection>;
    try {
      local = localConnection(options.config, data.data, site);
    } catch (err) {
      if (!(err instanceof JobRefusedError)) throw err;
      options.onEvent?.(`job ${job.id}: ${err.message}`);
      // A refusal holds on every retry: fail the job now, with the reason the central reports.
      throw new bullmq.UnrecoverableError(err.message);
    }
    const { connection } = local;
    const tenant = { id: local.tenant.id, name: local.tenant.name, role: local.tenant.role };
    options.onEvent?.(`collecting tenant '${tenant.id}', connection '${connection.id}' (job ${job.id})`);
    const collection = await collectConnection(tenant, connection, {
      quotas: data.data.enforceQuotas ? quotas : new QuotaRegistry(false),
      env: options.env ?? process.env,
      now: new Date(data.data.now),
      connectionTimeoutMs: data.data.connectionTimeoutMs,
      onWarning: (m) => options.onEvent?.(m),
    });
    try {
      return {
        worker: name,
        ...(site ? { site } : {}),
        gzip: await encodeCollection(collection, data.data.maxResultBytes),
      };
    } catch (err) {
      // Too large stays too large: no retry.
      throw new bullmq.UnrecoverableError(
        `tenant '${tenant.id}', connection '${connection.id}': ${describeError(err)}`,
      );
    }
  };

  const worker: Worker = new bullmq.Worker(queueName(site), process_, {
    connection: { url: options.url },
    prefix,
    concurrency,
    ...(options.stalledMs ? { lockDuration: options.stalledMs, stalledInterval: options.stalledMs } : {}),
  });
  worker.on("error", (err) => options.onEvent?.(`queue error: ${describeError(err)}`));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    close(closeOptions) {
      closing ??= (async () => {
        clearInterval(timer);
        await worker.close(closeOptions?.force ?? false);
        await registry.del(registryKey(prefix, name)).catch(() => {});
        registry.disconnect();
      })();
      return closing;
    },
  };
}

/** Workers that beat in the last few seconds, by site then name. */
/** Every key matching `pattern`, by SCAN (never KEYS, which blocks a busy Redis). */
async function scanKeys(client: Awaited<ReturnType<typeof redisClient>>, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = next;
    appendAll(keys, found);
  } while (cursor !== "0");
  return keys;
}

/**
 * Deletes every key of a queue prefix: its jobs, worker entries and quota budgets. For throwaway
 * prefixes (tests, benchmarks); nothing may be using the prefix.
 */
export async function dropQueuePrefix(url: string, prefix: string): Promise<void> {
  const client = await redisClient(url);
  try {
    const keys = await scanKeys(client, `${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  } finally {
    client.disconnect();
  }
}

export async function listWorkers(url: string, prefix = defaultPrefix): Promise<WorkerInfo[]> {
  const client = await redisClient(url);
  try {
    const keys = await scanKeys(client, `${prefix}:workers:*`);
    const values = keys.length ? await client.mget(...keys) : [];
    return values
      .flatMap((v) => {
        try {
          return v ? [JSON.parse(v) as WorkerInfo] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => (a.site ?? "").localeCompare(b.site ?? "") || a.name.localeCompare(b.name));
  } finally {
    client.disconnect();
  }
}

/**
 * For `doctor --queue`: whether the queue's Redis answers, which workers are registered for which site,
 * and which of `sites` (those the config tags connections with; "" for untagged ones) have no worker:
 * their connections would fail at their deadline.
 */
export async function checkQueue(
  url: string,
  prefix = defaultPrefix,
  sites: string[] = [],
): Promise<{ ok: boolean; detail: string }> {
  let workers: WorkerInfo[];
  try {
    workers = await listWorkers(url, prefix);
  } catch (err) {
    return { ok: false, detail: describeError(err) };
  }
  const bySite = new Map<string, string[]>();
  for (const w of workers) {
    const names = bySite.get(w.site ?? "") ?? [];
    names.push(w.name);
    bySite.set(w.site ?? "", names);
  }
  const label = (site: string) => (site ? `site '${site}'` : "untagged connections");
  const listed = [...bySite].map(([site, names]) => `${label(site)}: ${names.join(", ")}`);
  const missing = [...new Set(sites)].filter((s) => !bySite.has(s));
  return {
    ok: missing.length === 0,
    detail: `Redis answers; ${workers.length} worker(s) registered${listed.length ? ` (${listed.join("; ")})` : ""}${missing.length ? `; no worker for ${missing.map(label).join(", ")}: their connections would fail at their deadline` : ""}`,
  };
}
