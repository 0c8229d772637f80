import { setMaxListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { LocalBudget, QuotaRegistry } from "../../../src/collect/quota.js";

/**
 * Quota domains within a domain spanning tenants (Graph's reports limit per app across all tenants around
 * its limit per app per tenant): each request spends both windows, at once, and the chains cannot wait on
 * each other. Windows of a minute, so nothing here depends on how fast the test runs.
 */

const minute = 60_000;
const app = { concurrency: 50, intervalCap: 4, interval: minute };
const tenant = { concurrency: 5, intervalCap: 3, interval: minute };

/** Schedules `perTenant` requests in each tenant's domain within one app domain; lists the starts. */
async function startsOf(
  registry: QuotaRegistry,
  names: string[],
  perTenant: number,
  signal: AbortSignal,
): Promise<{ started: string[]; settled: Promise<unknown> }> {
  const appDomain = registry.get("app", app);
  const started: string[] = [];
  const all: Promise<unknown>[] = [];
  for (const name of names) {
    const domain = registry.get(name, tenant, appDomain);
    for (let i = 0; i < perTenant; i++)
      all.push(
        domain.schedule(async () => {
          started.push(name);
        }, signal),
      );
  }
  return { started, settled: Promise.allSettled(all) };
}

describe("LocalBudget", () => {
  it("takes a request in every window or in none", () => {
    const budget = new LocalBudget();
    const a = { domain: "a", limits: { ...tenant, intervalCap: 2 } };
    const b = { domain: "b", limits: { ...tenant, intervalCap: 1 } };
    expect(budget.tryTake([a, b], 1000)).toBe(0);
    // b is full: the request waits for b's window, and a does not count it.
    expect(budget.tryTake([a, b], 2000)).toBe(minute - 1000);
    expect(budget.tryTake([a], 2000)).toBe(0);
    expect(budget.tryTake([a], 3000)).toBe(minute - 2000);
    // Once the first start leaves the window, both admit again.
    expect(budget.tryTake([a, b], 1000 + minute)).toBe(0);
  });

  it("a batch spends one slot per inner request, at once; more than the cap only into an empty window", () => {
    const budget = new LocalBudget();
    const a = { domain: "a", limits: tenant };
    expect(budget.tryTake([{ ...a, count: 2 }], 1000)).toBe(0);
    // One slot is left: two more wait until both starts at 1000 have left the window.
    expect(budget.tryTake([{ ...a, count: 2 }], 2000)).toBe(minute - 1000);
    expect(budget.tryTake([a], 2000)).toBe(0);
    // Five never fit a cap of 3: they wait for an empty window, the start at 2000 leaving it.
    expect(budget.tryTake([{ ...a, count: 5 }], 3000)).toBe(minute - 1000);
    expect(budget.tryTake([{ ...a, count: 5 }], 2000 + minute)).toBe(0);
    expect(budget.tryTake([a], 2001 + minute)).toBe(minute - 1);
  });
});

describe("QuotaDomain within a domain spanning tenants", () => {
  it("the tenants' requests together start no more than the spanning domain admits", async () => {
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const registry = new QuotaRegistry(true);
    // Three tenants each admitting 3 per minute would start 9; the app admits 4 of them.
    const { started, settled } = await startsOf(registry, ["t1", "t2", "t3"], 3, stop.signal);
    await waitFor(() => started.length >= 4);
    // The others wait for the app's window to move (a minute): a few more turns start none of them.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(4);
    // Each tenant's own window still had room: it is the app's that holds them.
    expect(new Set(started).size).toBeGreaterThan(1);
    stop.abort(new Error("done"));
    await settled;
    expect(started).toHaveLength(4);
  });

  it("without the spanning domain each tenant alone admits its own 3: together 9", async () => {
    const stop = new AbortController();
    const registry = new QuotaRegistry(true);
    const started: string[] = [];
    const all: Promise<unknown>[] = [];
    for (const name of ["t1", "t2", "t3"])
      for (let i = 0; i < 3; i++)
        all.push(registry.get(name, tenant).schedule(async () => void started.push(name), stop.signal));
    await Promise.all(all);
    expect(started).toHaveLength(9);
  });

  it("chains of one concurrency each never wait on each other: every request completes", async () => {
    const registry = new QuotaRegistry(true);
    const wide = registry.get("app", { concurrency: 1 });
    const done: string[] = [];
    const all = ["t1", "t2", "t3"].flatMap((name) => {
      const domain = registry.get(name, { concurrency: 1 }, wide);
      // Each request also schedules one in the wide domain alone, the other way round a deadlock would need.
      return Array.from({ length: 5 }, () =>
        domain.schedule(async () => {
          done.push(name);
        }),
      ).concat(wide.schedule(async () => void done.push("app")));
    });
    await Promise.all(all);
    expect(done).toHaveLength(18);
  });

  it("a domain's place is fixed: asking for it within another domain is refused", () => {
    const registry = new QuotaRegistry(true);
    const a = registry.get("app-a", app);
    const b = registry.get("app-b", app);
    registry.get("t1", tenant, a);
    expect(() => registry.get("t1", tenant, b)).toThrow("was made within 'app-a'");
    expect(() => registry.get("t1", tenant)).toThrow("was made within 'app-a'");
  });

  it("a throttling answer in one tenant pauses the spanning domain for the other tenants", async () => {
    const registry = new QuotaRegistry(true);
    const wide = registry.get("app", app);
    const t1 = registry.get("t1", tenant, wide);
    const t2 = registry.get("t2", tenant, wide);
    let resume: () => void = () => {};
    t1.pauseFor(5_000, () => new Promise<void>((r) => (resume = r)));
    let ran = false;
    const other = t2.schedule(async () => {
      ran = true;
    });
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(false);
    resume();
    await other;
    expect(ran).toBe(true);
  });
});

/** Resolves once `done()` holds, checking on each turn of the event loop. */
async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}
