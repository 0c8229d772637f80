import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConnectionCollector } from "../../../../src/collect/index.js";
import { parseConfig } from "../../../../src/composition.js";
import { runDemoSweep } from "../../../../src/demo/index.js";
import { EvaluationPool, type Evaluator, type TenantJob } from "../../../../src/evaluate/pool/index.js";
import { emptyInventory, type Result } from "../../../../src/model/index.js";
import { openStore } from "../../../../src/queue/index.js";
import type { Store } from "../../../../src/queue/store.js";
import { type SweepOutcome, sweep } from "../../../../src/sweep.js";
import { googleTenantsYaml } from "../../../helpers/google-tenants.js";
import { coverage, now } from "../../queue/fixtures.js";

/**
 * The sweep with its tenants linked and evaluated in worker threads (#20 item 4): the same results and
 * queue as in one thread; a tenant whose thread breaks is not reconciled and resolves nothing while the
 * others are; and a tenant waiting for evaluation keeps its place, so no more tenants are held at once
 * than `tenantConcurrency`.
 */
// Counts the pools a sweep starts, so the `threads` option is seen to start one (and 0 none).
const started = vi.hoisted(() => ({ pools: 0 }));
vi.mock("../../../../src/evaluate/pool/pool.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../../src/evaluate/pool/pool.js")>();
  class CountedPool extends original.EvaluationPool {
    constructor(options: ConstructorParameters<typeof original.EvaluationPool>[0]) {
      super(options);
      started.pools++;
    }
  }
  return { ...original, EvaluationPool: CountedPool };
});

let dir: string;
const stores: Store[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-threads-"));
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function freshStore(name: string): Promise<Store> {
  const store = await openStore(join(dir, `${name}.db`), { create: true });
  stores.push(store);
  return store;
}

/** An evaluator that counts the tenants it was given, passing them on. */
function counting(inner: Evaluator, seen: string[]): Evaluator {
  return {
    evaluate: (job) => {
      seen.push(job.inventory.tenant.id);
      return inner.evaluate(job);
    },
    close: () => inner.close(),
  };
}

describe("the demo portfolio swept with evaluation threads", { timeout: 180_000 }, () => {
  let inProcess: SweepOutcome;
  let threaded: SweepOutcome;
  const seen: string[] = [];
  beforeAll(async () => {
    const clock = () => now;
    inProcess = await runDemoSweep({ store: await freshStore("in-process"), now, clock, threads: 0 });
    const pool = new EvaluationPool({ threads: 2 });
    try {
      threaded = await runDemoSweep({
        store: await freshStore("threads"),
        now,
        clock,
        evaluator: counting(pool, seen),
      });
    } finally {
      await pool.close();
    }
  }, 180_000);

  it("evaluated every tenant in a thread", () => {
    expect(seen.sort()).toEqual(inProcess.summary.tenants.map((t) => t.tenant).sort());
    expect(seen.length).toBeGreaterThan(1);
  });

  /**
   * Each demo run puts its config files in a new temporary folder, its Tactical RMM tables in a new
   * PostgreSQL schema, and dates an API key's expiry from the real clock; evidence shows all three.
   * Everything else must be the same.
   */
  const sameRun = (results: unknown) => {
    let text = JSON.stringify(results)
      .replaceAll(new RegExp(`${tmpdir()}/mfasweep-[^/"]+`, "g"), "<tmp>")
      .replaceAll(/mfasweep_demo_[0-9a-f]+/g, "mfasweep_demo_<run>");
    for (const [, expiry] of text.matchAll(/"expiration":"([^"]+)"/g))
      if (expiry) text = text.replaceAll(expiry, "<expiration>");
    return JSON.parse(text);
  };

  it("finds the same results (fingerprints, states, evidence) and the same queue changes", () => {
    expect(inProcess.report.results.length).toBeGreaterThan(100);
    expect(sameRun(threaded.report.results)).toEqual(sameRun(inProcess.report.results));
    expect(threaded.report.summary).toEqual(inProcess.report.summary);
    expect(threaded.summary.totals).toEqual(inProcess.summary.totals);
    // Listed as tenants finish, which threads reorder.
    const changes = (o: SweepOutcome) =>
      sameRun(
        [...o.summary.changes].sort((a, b) =>
          `${a.fingerprint}${a.kind}`.localeCompare(`${b.fingerprint}${b.kind}`),
        ),
      );
    expect(changes(threaded)).toEqual(changes(inProcess));
    expect(threaded.summary.tenants.map((t) => [t.tenant, t.reconciled, t.diff])).toEqual(
      inProcess.summary.tenants.map((t) => [t.tenant, t.reconciled, t.diff]),
    );
  });
});

/** Two Google tenants whose connections a stand-in collector answers (no emulator: the content is not the point). */
const { config } = parseConfig(
  googleTenantsYaml({ acme: "http://127.0.0.1:9", beta: "http://127.0.0.1:9", gamma: "http://127.0.0.1:9" }),
  "mfasweep.yaml",
  now,
);
const env = { ACME_TOKEN: "t", BETA_TOKEN: "t", GAMMA_TOKEN: "t" };

function collector(status: "complete" | "failed", log: string[] = []): ConnectionCollector {
  return async (tenant, connection) => {
    log.push(`collect ${tenant.id}`);
    return {
      tenant: tenant.id,
      connection: connection.id,
      source: connection.type,
      inventory: emptyInventory(),
      coverage: coverage(connection.id, status, tenant.id),
    };
  };
}

describe("SweepOptions.threads", { timeout: 60_000 }, () => {
  it("sweeps to the same results and queue with a thread as without", async () => {
    const run = async (threads: number) =>
      sweep(config, {
        store: await freshStore(`threads-${threads}`),
        env,
        now,
        clock: () => now,
        enforceQuotas: false,
        collector: collector("failed"),
        threads,
      });
    const before = started.pools;
    const inProcess = await run(0);
    expect(started.pools).toBe(before);
    const threaded = await run(1);
    expect(started.pools).toBe(before + 1);
    expect(inProcess.report.results.length).toBeGreaterThan(3);
    expect(threaded.report.results).toEqual(inProcess.report.results);
    expect(threaded.summary.totals).toEqual(inProcess.summary.totals);
  });
});

describe("a sweep whose evaluation thread breaks for one tenant", { timeout: 60_000 }, () => {
  it("does not reconcile that tenant, keeps its findings open, and reconciles the others", async () => {
    const store = await freshStore("broken");
    const base = { store, env, now, tenants: ["acme", "beta"], enforceQuotas: false };
    // Week 1, in one thread: each tenant's failed connection leaves `unknown` findings open.
    const first = await sweep(config, { ...base, collector: collector("failed") });
    expect(first.summary.tenants.every((t) => t.reconciled)).toBe(true);
    const openOf = async (tenant: string) =>
      (await store.findItems({ tenants: [tenant] })).filter((i) => i.state === "open").length;
    const acmeOpen = await openOf("acme");
    expect(acmeOpen).toBeGreaterThan(0);

    // Week 2: the connections read completely (nothing to find), but acme's thread exits mid-evaluation.
    const pool = new EvaluationPool({ threads: 1, entry: new URL("./stand-in-thread.ts", import.meta.url) });
    const exitsFor = (tenant: string): Evaluator => ({
      evaluate: (job: TenantJob) =>
        pool.evaluate(
          job.inventory.tenant.id === tenant
            ? { ...job, inventory: { ...job.inventory, tenant: { ...job.inventory.tenant, name: "exits" } } }
            : job,
        ),
      close: () => pool.close(),
    });
    let second: SweepOutcome;
    try {
      second = await sweep(config, {
        ...base,
        now: new Date(now.getTime() + 7 * 86_400_000),
        collector: collector("complete"),
        evaluator: exitsFor("acme"),
      });
    } finally {
      await pool.close();
    }
    const acme = second.summary.tenants.find((t) => t.tenant === "acme");
    const beta = second.summary.tenants.find((t) => t.tenant === "beta");
    expect(acme).toMatchObject({ reconciled: false, diff: null });
    expect(acme?.error).toBe(
      "tenant 'acme' could not be evaluated: the evaluation thread exited with code 3",
    );
    expect(await openOf("acme")).toBe(acmeOpen);
    expect(beta).toMatchObject({ reconciled: true });
    expect(beta?.diff?.resolved).toBeGreaterThan(0);
    expect(await openOf("beta")).toBe(0);
  });
});

describe("tenants waiting for evaluation", () => {
  it("hold their place: the next tenant is collected only when one of them is evaluated", async () => {
    const log: string[] = [];
    const pending: Array<{ tenant: string; resolve: (results: Result[]) => void }> = [];
    let bothWaiting = () => {};
    const waiting = new Promise<void>((resolve) => {
      bothWaiting = resolve;
    });
    const evaluator: Evaluator = {
      evaluate: (job) =>
        new Promise((resolve) => {
          log.push(`evaluate ${job.inventory.tenant.id}`);
          pending.push({ tenant: job.inventory.tenant.id, resolve });
          if (pending.length === 2) bothWaiting();
        }),
      close: async () => {},
    };
    const running = sweep(config, {
      store: await freshStore("in-flight"),
      env,
      now,
      enforceQuotas: false,
      tenantConcurrency: 2,
      collector: collector("complete", log),
      evaluator,
    });
    await waiting;
    // A turn of the event loop, so a sweep that went on collecting would have started gamma by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.filter((l) => l.startsWith("collect")).sort()).toEqual(["collect acme", "collect beta"]);
    log.push("evaluated acme");
    pending.find((p) => p.tenant === "acme")?.resolve([]);
    await new Promise<void>((resolve) => {
      const check = () => (pending.length === 3 ? resolve() : setImmediate(check));
      check();
    });
    expect(log.indexOf("collect gamma")).toBeGreaterThan(log.indexOf("evaluated acme"));
    for (const p of pending) p.resolve([]);
    const outcome = await running;
    expect(outcome.summary.tenants.map((t) => t.reconciled)).toEqual([true, true, true]);
  });
});
