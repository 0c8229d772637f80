import { randomUUID } from "node:crypto";
import type { Queue, QueueEvents } from "bullmq";
import type { ConnectionCollection, ConnectionCollector } from "../collect/index.js";
import type { Config } from "../config/load.js";
import { describeError, MfasweepError } from "../errors.js";
import { emptyInventory } from "../model/index.js";
import { untilAborted } from "../util/abort.js";
import { redactUrls } from "../util/redact.js";
import {
  CollectJob,
  DistributeError,
  decodeCollection,
  defaultMaxResultBytes,
  defaultPrefix,
  jobId,
  loadBullmq,
  queueName,
  siteOf,
} from "./jobs.js";
import { maskSecrets } from "./trust.js";

export interface QueueCollectorOptions {
  /** The Redis URL, resolved (see queueUrl). */
  url: string;
  prefix?: string;
  maxResultBytes?: number;
  /** Times a job is run when its worker reports an error (a killed worker's job is retried as stalled). */
  attempts?: number;
}

/**
 * The central side of a distributed sweep: its `collector` queues each connection as a job on its site's
 * queue and awaits the worker's collection, in place of collecting it here; everything after (link,
 * evaluate, reconcile) stays in the sweep. Any failure (no answer in time, retries used up, a malformed
 * or oversized answer) makes that connection's coverage `failed` with the reason, so nothing of it
 * resolves.
 */
export class QueueCollector {
  readonly #options: QueueCollectorOptions;
  readonly #bullmq: typeof import("bullmq");
  readonly #queues = new Map<string, Promise<{ queue: Queue; events: QueueEvents }>>();
  /** Job ids of a collector used outside a sweep (no sweep id). */
  readonly #run = randomUUID();

  private constructor(bullmq: typeof import("bullmq"), options: QueueCollectorOptions) {
    this.#bullmq = bullmq;
    this.#options = options;
  }

  static async open(options: QueueCollectorOptions): Promise<QueueCollector> {
    return new QueueCollector(await loadBullmq(), options);
  }

  #queue(site: string | undefined): Promise<{ queue: Queue; events: QueueEvents }> {
    const name = queueName(site);
    let opened = this.#queues.get(name);
    if (!opened) {
      const connection = { url: this.#options.url };
      const prefix = this.#options.prefix ?? defaultPrefix;
      const queue = new this.#bullmq.Queue(name, { connection, prefix });
      const events = new this.#bullmq.QueueEvents(name, { connection, prefix });
      // One listener per job awaited: thousands in a large sweep, by design.
      queue.setMaxListeners(0);
      events.setMaxListeners(0);
      // Listening before the first job is added, so no completion can be missed.
      opened = Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => ({ queue, events }));
      this.#queues.set(name, opened);
    }
    return opened;
  }

  readonly collector: ConnectionCollector = async (tenant, connection, options) => {
    const startedAt = new Date().toISOString();
    const site = siteOf(connection);
    const data: CollectJob = {
      v: 1,
      sweep: options.sweepId ?? this.#run,
      tenant: { id: tenant.id, name: tenant.name },
      // The worker collects its own config's connection; the job carries the settings only so the
      // worker can refuse one that differs, and no secret reference at all.
      connection: { id: connection.id, type: connection.type, settings: maskSecrets(connection.settings) },
      now: (options.now ?? new Date()).toISOString(),
      connectionTimeoutMs: options.connectionTimeoutMs,
      enforceQuotas: options.enforceQuotas ?? true,
      maxResultBytes: this.#options.maxResultBytes ?? defaultMaxResultBytes,
    };
    const id = jobId(data.sweep, tenant.id, connection.id);
    let queue: Queue | undefined;
    try {
      const opened = await this.#queue(site);
      queue = opened.queue;
      // A second add of the same id (a retried central call) is ignored by BullMQ: one job, one result.
      const job = await queue.add("collect", data, {
        jobId: id,
        attempts: this.#options.attempts ?? 2,
        backoff: { type: "fixed", delay: 1000 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      });
      // The queue wait counts against the connection's time limit too: no worker of the site is a failure.
      const value = await untilAborted(
        job.waitUntilFinished(opened.events, options.connectionTimeoutMs),
        options.signal,
        () => new DistributeError("the sweep stopped before this connection was collected"),
      );
      const { collection, result } = await decodeCollection(value, data);
      const by = `worker ${result.worker}${result.site ? ` (site ${result.site})` : ""}`;
      collection.coverage.notes.push(`collected by ${by}`);
      if (collection.coverage.reason && collection.coverage.status !== "complete")
        collection.coverage.reason = `${collection.coverage.reason} (on ${by})`;
      return collection;
    } catch (err) {
      await queue?.remove(id).catch(() => {});
      const where = site ? `the queue of site '${site}'` : "the queue";
      return failed(tenant.id, connection, startedAt, `collection job on ${where}: ${reasonOf(err)}`);
    }
  };

  /**
   * Withdraws the waiting collection jobs of `sweeps` (interrupted: their central process died) from
   * the queues of the config's sites, so workers do not spend vendor quota on collections nobody
   * awaits. A job already running finishes, and its result is ignored. Returns how many were withdrawn.
   */
  async withdraw(sweeps: string[], config: Config): Promise<number> {
    const ids = new Set(sweeps);
    const sites = new Set(config.tenants.flatMap((t) => t.connections.map((c) => siteOf(c))));
    let withdrawn = 0;
    for (const site of sites) {
      const { queue } = await this.#queue(site);
      const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
      for (const job of jobs) {
        const parsed = CollectJob.safeParse(job?.data);
        if (!job || !parsed.success || !ids.has(parsed.data.sweep)) continue;
        // A job taken by a worker meanwhile is locked and stays; it finishes unawaited.
        if (
          await job.remove().then(
            () => true,
            () => false,
          )
        )
          withdrawn++;
      }
    }
    return withdrawn;
  }

  async close(): Promise<void> {
    const opened = await Promise.allSettled(this.#queues.values());
    this.#queues.clear();
    for (const o of opened)
      if (o.status === "fulfilled") await Promise.all([o.value.events.close(), o.value.queue.close()]);
  }
}

function reasonOf(err: unknown): string {
  // Ours (stopped, too large, malformed) already say what happened. A job the worker failed or refused
  // arrives from BullMQ as a plain Error carrying the worker's reason: that reason, without a class name.
  if (err instanceof DistributeError) return err.message;
  const message =
    err instanceof Error && !(err instanceof MfasweepError) ? redactUrls(err.message) : describeError(err);
  if (/timed out before finishing/i.test(message))
    return "no worker finished it within the connection time limit (connectionTimeoutMinutes); is a worker for this queue running?";
  return message;
}

function failed(
  tenant: string,
  connection: { id: string; type: string },
  startedAt: string,
  reason: string,
): ConnectionCollection {
  return {
    tenant,
    connection: connection.id,
    source: connection.type,
    inventory: emptyInventory(),
    coverage: {
      tenant,
      connection: connection.id,
      source: connection.type,
      status: "failed",
      reason,
      gaps: [],
      notes: [],
      counts: { accounts: 0, skipped: 0, requests: 0, retries: 0 },
      startedAt,
      finishedAt: new Date().toISOString(),
    },
  };
}
