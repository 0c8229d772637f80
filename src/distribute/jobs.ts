import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { z } from "zod";
import type { ConnectionCollection } from "../collect/index.js";
import type { ConnectionConfig } from "../config/load.js";
import { resolveSecret } from "../config/secrets.js";
import { ConfigError, MfasweepError } from "../errors.js";
import { Coverage, ProviderInventory } from "../model/index.js";
import { redactUrls } from "../util/redact.js";

/**
 * What central and workers agree on (DESIGN.md §9): one collection job per (sweep, tenant, connection),
 * on the queue of the connection's site. A job carries the connection's config with its secrets still
 * as references (`env:`/`file:`), resolved by the worker on its own machine; the worker answers with the
 * collection, gzip-compressed and bounded in size.
 */

/** A queue's or the worker registry's problem: Redis unreachable, a result too large or malformed. */
export class DistributeError extends MfasweepError {}

/** BullMQ's key prefix (its default is "bull"); tests use one of their own. */
export const defaultPrefix = "mfasweep";
/** Largest compressed collection a worker returns (16 MiB); a larger one fails its connection. */
export const defaultMaxResultBytes = 16 * 1024 * 1024;

/** The queue of a site; connections without `site` go to the default queue. */
export function queueName(site: string | undefined): string {
  return site ? `collect-${site}` : "collect";
}

/** The site a connection is tagged with (`collectorSite:` in the config), if any. */
export function siteOf(connection: ConnectionConfig): string | undefined {
  const site = (connection.settings as { collectorSite?: unknown } | undefined)?.collectorSite;
  return typeof site === "string" ? site : undefined;
}

/**
 * Deterministic, so the same (sweep, tenant, connection) is never queued twice. BullMQ refuses ':' in
 * custom ids; tenant and connection ids are [a-z0-9._-], and the sweep id is a UUID.
 */
export function jobId(sweep: string, tenant: string, connection: string): string {
  return `${sweep}.${tenant}.${connection}`;
}

export const CollectJob = z.object({
  v: z.literal(1),
  sweep: z.string(),
  tenant: z.object({ id: z.string(), name: z.string(), role: z.enum(["customer", "msp"]).optional() }),
  connection: z.object({ id: z.string(), type: z.string(), settings: z.unknown() }),
  now: z.string(),
  connectionTimeoutMs: z.number().positive(),
  enforceQuotas: z.boolean(),
  maxResultBytes: z.number().int().positive(),
});
export type CollectJob = z.infer<typeof CollectJob>;

/** What a worker returns: who collected, and the collection as base64 of its gzip'd JSON. */
export const CollectResult = z.object({
  worker: z.string(),
  site: z.string().optional(),
  gzip: z.string(),
});
export type CollectResult = z.infer<typeof CollectResult>;

const ConnectionCollectionSchema = z.object({
  tenant: z.string(),
  connection: z.string(),
  source: z.string(),
  inventory: ProviderInventory,
  coverage: Coverage,
});

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export async function encodeCollection(collection: ConnectionCollection, maxBytes: number): Promise<string> {
  const packed = await gzipAsync(Buffer.from(JSON.stringify(collection)));
  if (packed.length > maxBytes)
    throw new DistributeError(
      `the collection is ${packed.length} bytes compressed, over the limit of ${maxBytes} (--max-result-mb); the connection is not reported`,
    );
  return packed.toString("base64");
}

/** The worker's answer, checked: the connection asked for, within the size limit, a valid collection. */
export async function decodeCollection(
  value: unknown,
  job: Pick<CollectJob, "tenant" | "connection" | "maxResultBytes">,
): Promise<{ collection: ConnectionCollection; result: CollectResult }> {
  const result = CollectResult.safeParse(value);
  if (!result.success) throw new DistributeError("the worker's answer is not a collection result");
  const packed = Buffer.from(result.data.gzip, "base64");
  if (packed.length > job.maxResultBytes)
    throw new DistributeError(
      `worker ${result.data.worker} returned ${packed.length} bytes, over the limit of ${job.maxResultBytes}`,
    );
  const text = await gunzipAsync(packed, { maxOutputLength: job.maxResultBytes * 64 }).catch(() => {
    throw new DistributeError(`worker ${result.data.worker} returned a damaged or oversized collection`);
  });
  const parsed = ConnectionCollectionSchema.safeParse(JSON.parse(text.toString("utf8")));
  if (!parsed.success || parsed.data.tenant !== job.tenant.id || parsed.data.connection !== job.connection.id)
    throw new DistributeError(
      `worker ${result.data.worker} returned an invalid collection${parsed.success ? " for another connection" : `: ${parsed.error.issues[0]?.message}`}`,
    );
  return { collection: parsed.data, result: result.data };
}

const redisUrlPattern = /^rediss?:\/\//;

/**
 * The Redis URL `--queue` names: a redis:// URL without password, or `env:NAME` / `file:PATH` holding
 * one (a password typed on the command line would show in the process list).
 */
export async function queueUrl(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (/^(env|file):/.test(reference)) {
    const url = (await resolveSecret(reference, { env })).reveal().trim();
    if (!redisUrlPattern.test(url))
      throw new ConfigError(`--queue ${reference} does not hold a redis:// or rediss:// URL`);
    return url;
  }
  if (!redisUrlPattern.test(reference))
    throw new ConfigError(
      `--queue: expected a redis:// URL or env:NAME / file:PATH holding one (got '${redactUrls(reference)}')`,
    );
  let password = "";
  try {
    password = new URL(reference).password;
  } catch {
    throw new ConfigError(`--queue: not a valid Redis URL`);
  }
  if (password)
    throw new ConfigError(
      "--queue: the URL carries a password; put it in an environment variable or a file and pass --queue env:NAME",
    );
  return reference;
}

/** BullMQ is loaded only by the commands that use a queue, never at CLI startup (issue #23). */
export async function loadBullmq(): Promise<typeof import("bullmq")> {
  return import("bullmq");
}
