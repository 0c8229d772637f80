import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisBudget } from "../../../src/distribute/quota.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";

/**
 * The shared budget's script on the real Redis, two budgets standing for two worker processes: one
 * window per quota domain whoever asks, a pause set by one holding the other, a longer pause kept. A
 * one-minute window, so nothing here depends on how fast the test runs.
 */

const prefix = testPrefix();
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (!redisAbsent) await dropPrefix(prefix);
});

function budget(): RedisBudget {
  const client = new Redis(redisUrl);
  clients.push(client);
  return new RedisBudget(client, prefix);
}

const limits = { concurrency: 1, intervalCap: 3, interval: 60_000 };

describe.skipIf(redisAbsent)("RedisBudget (real Redis)", () => {
  it("counts the requests of every process against one window per domain", async () => {
    const [a, b] = [budget(), budget()];
    expect(await a.tryTake("domain-1", limits)).toBe(0);
    expect(await b.tryTake("domain-1", limits)).toBe(0);
    expect(await a.tryTake("domain-1", limits)).toBe(0);
    // The fourth within the minute waits for the first to leave the window, whichever process asks.
    const wait = await b.tryTake("domain-1", limits);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await a.tryTake("domain-1", limits)).toBeGreaterThan(0);
    // Another domain's budget is its own.
    expect(await b.tryTake("domain-2", limits)).toBe(0);
  });

  it("a request within a spanning domain counts in both or in neither, a batch one per inner request", async () => {
    const [a, b] = [budget(), budget()];
    const tenant = { domain: "tenant-5", limits };
    const app = { domain: "app-5", limits: { ...limits, intervalCap: 4 } };
    expect(
      await a.tryTakeAll([
        { ...tenant, count: 2 },
        { ...app, count: 2 },
      ]),
    ).toBe(0);
    // The tenant has room for one more, the app for two: a batch of two waits, and the app does not count it.
    expect(
      await b.tryTakeAll([
        { ...tenant, count: 2 },
        { ...app, count: 2 },
      ]),
    ).toBeGreaterThan(0);
    expect(await b.tryTakeAll([{ ...app, count: 2 }])).toBe(0);
    expect(await a.tryTakeAll([app])).toBeGreaterThan(0);
    expect(await a.tryTakeAll([tenant])).toBe(0);
  });

  it("a pause one process sets holds the others, and a shorter one does not cut it", async () => {
    const [a, b] = [budget(), budget()];
    await a.pause("domain-3", 30_000);
    const wait = await b.tryTake("domain-3", limits);
    expect(wait).toBeGreaterThan(20_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    await b.pause("domain-3", 1_000);
    expect(await a.tryTake("domain-3", limits)).toBeGreaterThan(20_000);
  });

  it("take gives up when the sweep stops, without sending", async () => {
    const a = budget();
    await a.pause("domain-4", 60_000);
    const stop = new AbortController();
    const taking = a.take([{ domain: "domain-4", limits }], stop.signal);
    stop.abort(new Error("stopped"));
    await expect(taking).rejects.toThrow("stopped");
  });
});
