import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { QuotaLimits, SharedBudget } from "../collect/quota.js";
import { realSleep } from "../collect/retry.js";
import { DistributeError } from "./jobs.js";

/**
 * The workers' shared rate budget (README "Running at scale"): one sliding window per quota domain in
 * the queue's Redis, so the workers of a sweep together start at most `intervalCap` requests of a
 * domain in any `interval` ms, as one process would. A Google Directory quota (per admin user per Cloud
 * project) or an RMM's account-wide limit spans tenants, and so spans the workers collecting them.
 *
 * One Lua script decides and records a request: Redis runs a script atomically ("no other script or
 * Redis command will be executed while a script is being executed", redis.io/commands/eval), so two
 * workers never both take the last slot. The clock is Redis's (`TIME`): workers' clocks may differ.
 * Calling TIME before a write is allowed because scripts are replicated by their effects by default
 * since Redis 5 (same page); BullMQ already requires Redis 5 or later.
 */

/**
 * KEYS[1] the window (a sorted set of request starts, scored by time in ms), KEYS[2] the pause key.
 * ARGV: cap, interval ms, a member id unique to this request. Returns 0 when the request may start,
 * else how many ms to wait before asking again.
 */
const takeScript = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
if redis.call('ZCARD', KEYS[1]) < cap then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], interval)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + interval - now)
`;

/** The longest single wait between asks: a pause set meanwhile, or a slot freed, is seen this soon. */
const maxWaitMs = 1000;

type TakeClient = Redis & {
  mfasweepQuotaTake(
    window: string,
    pause: string,
    cap: number,
    interval: number,
    member: string,
  ): Promise<number>;
};

export class RedisBudget implements SharedBudget {
  readonly #client: TakeClient;
  readonly #prefix: string;
  readonly #id = randomUUID();
  #sequence = 0;

  /** `client` stays the caller's to close. */
  constructor(client: Redis, prefix: string) {
    client.defineCommand("mfasweepQuotaTake", { numberOfKeys: 2, lua: takeScript });
    this.#client = client as TakeClient;
    this.#prefix = prefix;
  }

  /** Domain names carry host names and admin addresses; Redis keys carry only their hash. */
  #keys(domain: string): { window: string; pause: string } {
    const hash = createHash("sha256").update(domain).digest("hex").slice(0, 24);
    return { window: `${this.#prefix}:quota:${hash}`, pause: `${this.#prefix}:quota:${hash}:pause` };
  }

  /**
   * One ask: 0 when a request of `domain` may start now (and it is counted), else how many ms until a
   * slot frees up or the domain's pause ends.
   */
  async tryTake(domain: string, limits: Required<QuotaLimits>): Promise<number> {
    const { window, pause } = this.#keys(domain);
    try {
      return await this.#client.mfasweepQuotaTake(
        window,
        pause,
        limits.intervalCap,
        limits.interval,
        `${this.#id}.${this.#sequence++}`,
      );
    } catch (err) {
      throw new DistributeError(
        `the shared quota budget in the queue's Redis cannot be read (${err instanceof Error ? err.message : String(err)}); the request was not sent`,
      );
    }
  }

  async take(domain: string, limits: Required<QuotaLimits>, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = await this.tryTake(domain, limits);
      if (wait <= 0) return;
      await realSleep(Math.min(wait, maxWaitMs), signal);
    }
  }

  async pause(domain: string, ms: number): Promise<void> {
    const { pause } = this.#keys(domain);
    // A longer pause already set stays: only extend (GT needs Redis 7, so compare here).
    const left = await this.#client.pttl(pause);
    if (left < ms) await this.#client.set(pause, "1", "PX", Math.ceil(ms));
  }
}
