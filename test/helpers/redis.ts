import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { dropQueuePrefix } from "../../src/distribute/index.js";

/**
 * The machine's real Redis for the distributed-sweep tests (127.0.0.1:6379; MFASWEEP_TEST_REDIS overrides).
 * Where it is absent the tests are skipped, except under CI, where they fail with the reason. Each test
 * uses a key prefix of its own and deletes its keys afterwards.
 */
export const redisUrl = process.env.MFASWEEP_TEST_REDIS ?? "redis://127.0.0.1:6379";

async function reachable(): Promise<string | undefined> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return `Redis is not reachable at ${redisUrl} (${(err as { code?: string }).code ?? String(err)})`;
  } finally {
    client.disconnect();
  }
}

export const redisAbsent = await reachable();
if (redisAbsent && process.env.CI)
  throw new Error(`${redisAbsent}; CI is set, so the distributed-sweep tests cannot be skipped`);

/** A key prefix no other test uses. */
export function testPrefix(): string {
  return `mfasweep-test-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Deletes every key under `prefix`. */
export function dropPrefix(prefix: string): Promise<void> {
  return dropQueuePrefix(redisUrl, prefix);
}
