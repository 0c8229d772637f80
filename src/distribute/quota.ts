import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { QuotaLimits, RateTake, SharedBudget } from "../collect/quota.js";
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
 * KEYS: per domain its window (a sorted set of request starts, scored by time in ms) then its pause key.
 * ARGV[1] a member id unique to this request, then per domain its cap, interval ms and the slots this
 * request spends (a JSON batch: its inner requests; more than the cap fit only an empty window). Returns 0
 * when the request may start in every domain (it is then counted in each), else how many ms to wait
 * before asking again. All or nothing: a request inside a domain spanning tenants spends both windows
 * when it leaves.
 */
const takeScript = `
local n = #KEYS / 2
local wait = 0
for i = 1, n do
  local paused = redis.call('PTTL', KEYS[2 * i])
  if paused > wait then wait = paused end
end
if wait > 0 then return wait end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, n do
  local cap = tonumber(ARGV[3 * i - 1])
  local interval = tonumber(ARGV[3 * i])
  local count = math.min(tonumber(ARGV[3 * i + 1]), cap)
  redis.call('ZREMRANGEBYSCORE', KEYS[2 * i - 1], '-inf', now - interval)
  local over = redis.call('ZCARD', KEYS[2 * i - 1]) + count - cap
  if over > 0 then
    local leaving = redis.call('ZRANGE', KEYS[2 * i - 1], over - 1, over - 1, 'WITHSCORES')
    wait = math.max(wait, 1, tonumber(leaving[2]) + interval - now)
  end
end
if wait > 0 then return wait end
for i = 1, n do
  for j = 1, tonumber(ARGV[3 * i + 1]) do
    redis.call('ZADD', KEYS[2 * i - 1], now, ARGV[1] .. '.' .. j)
  end
  redis.call('PEXPIRE', KEYS[2 * i - 1], tonumber(ARGV[3 * i]))
end
return 0
`;

/** The longest single wait between asks: a pause set meanwhile, or a slot freed, is seen this soon. */
const maxWaitMs = 1000;

type TakeClient = Redis & {
  /** `numberOfKeys` first: the script takes as many domains as the request lies within. */
  mfasweepQuotaTake(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>;
};

export class RedisBudget implements SharedBudget {
  readonly #client: TakeClient;
  readonly #prefix: string;
  readonly #id = randomUUID();
  #sequence = 0;

  /** `client` stays the caller's to close. */
  constructor(client: Redis, prefix: string) {
    client.defineCommand("mfasweepQuotaTake", { lua: takeScript });
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
  tryTake(domain: string, limits: Required<QuotaLimits>): Promise<number> {
    return this.tryTakeAll([{ domain, limits }]);
  }

  /** One ask for a request that spends every domain of `takes`: all are counted, or none. */
  async tryTakeAll(takes: readonly RateTake[]): Promise<number> {
    const keys = takes.flatMap(({ domain }) => {
      const { window, pause } = this.#keys(domain);
      return [window, pause];
    });
    const args = takes.flatMap(({ limits, count = 1 }) => [limits.intervalCap, limits.interval, count]);
    try {
      return await this.#client.mfasweepQuotaTake(
        keys.length,
        ...keys,
        `${this.#id}.${this.#sequence++}`,
        ...args,
      );
    } catch (err) {
      throw new DistributeError(
        `the shared quota budget in the queue's Redis cannot be read (${err instanceof Error ? err.message : String(err)}); the request was not sent`,
      );
    }
  }

  async take(takes: readonly RateTake[], signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = await this.tryTakeAll(takes);
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
