import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { Config, ConnectionConfig, TenantConfig } from "../../../src/config/load.js";
import {
  checkQueue,
  jobId,
  QueueCollector,
  type QueueCollectorOptions,
  startWorker,
  type WorkerOptions,
} from "../../../src/distribute/index.js";
import type { Store } from "../../../src/queue/store.js";
import { sweep } from "../../../src/sweep.js";
import { type GoogleDemo, startGoogleDemo } from "../../helpers/google-demo.js";
import { HoldingRelay } from "../../helpers/holding-relay.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";
import { sqliteEngine } from "../../helpers/store-engines.js";

/**
 * How a distributed collection fails (issue #21): each failure is the connection's `failed` coverage
 * with a reason that says what to do, never a hang, and nothing of that connection resolves. In-process
 * workers on the real Redis and the Google emulator; worker processes killed with a signal are in
 * distribute.test.ts.
 */

const now = new Date("2026-12-07T12:00:00Z");
let google: GoogleDemo;
let relay: HoldingRelay;
/** The Google demo's config with its endpoint behind the relay. */
let relayedYaml = "";
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  if (redisAbsent) return;
  google = await startGoogleDemo(now);
  const port = Number(google.yaml.match(/endpoint: http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
  expect(port).toBeGreaterThan(0);
  relay = new HoldingRelay(port);
  relayedYaml = google.yaml.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${await relay.listen()}`);
}, 30_000);

afterAll(async () => {
  await relay?.close();
  await google?.demo.close();
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A fresh queue (its own key prefix) with a central collector on it. */
async function queue(options: Partial<QueueCollectorOptions> = {}) {
  const prefix = testPrefix();
  cleanup.push(() => dropPrefix(prefix));
  const central = await QueueCollector.open({ url: redisUrl, prefix, ...options });
  cleanup.push(() => central.close());
  const worker = async (name: string, config: Config, more: Partial<WorkerOptions> = {}) => {
    const w = await startWorker({ url: redisUrl, prefix, name, config, env: google.secrets, ...more });
    cleanup.push(() => w.close({ force: true }));
    return w;
  };
  return { prefix, central, worker };
}

function northwind(cfg: Config): { tenant: TenantConfig; connection: ConnectionConfig } {
  const tenant = cfg.tenants.find((t) => t.id === "northwind");
  const connection = tenant?.connections.find((c) => c.id === "google");
  if (!tenant || !connection) throw new Error("the Google demo has no northwind connection");
  return { tenant, connection };
}

function collectOnce(central: QueueCollector, cfg: Config, sweepId: string) {
  const { tenant, connection } = northwind(cfg);
  return central.collector(tenant, connection, {
    quotas: new QuotaRegistry(false),
    connectionTimeoutMs: 60_000,
    now,
    sweepId,
    enforceQuotas: false,
  });
}

describe.skipIf(redisAbsent)("distributed collection failures (real Redis, Google emulator)", () => {
  it("a worker without the secret, or without the connection in its config, fails that connection closed and says why", async () => {
    const cfg = google.config();
    const noSecret = await queue();
    await noSecret.worker("no-secret", cfg, { env: {} });
    const withoutSecret = await collectOnce(noSecret.central, cfg, "s1");
    expect(withoutSecret.coverage.status).toBe("failed");
    expect(withoutSecret.coverage.reason).toMatch(
      /environment variable MFASWEEP_DEMO_GOOGLE_TOKEN_NORTHWIND is not set.*\(on worker no-secret\)/,
    );
    expect(withoutSecret.inventory.accounts).toEqual([]);

    const notListed = await queue();
    const others = { ...cfg, tenants: cfg.tenants.filter((t) => t.id !== "northwind") };
    await notListed.worker("other-tenants", others);
    const refused = await collectOnce(notListed.central, cfg, "s2");
    expect(refused.coverage.status).toBe("failed");
    expect(refused.coverage.reason).toBe(
      "collection job on the queue: tenant 'northwind', connection 'google': refused: this worker's config has no tenant 'northwind'",
    );

    // The same queue with a worker that has both collects it: the failures above are the worker's.
    const healthy = await queue();
    await healthy.worker("complete", cfg);
    expect((await collectOnce(healthy.central, cfg, "s3")).coverage.status).toBe("complete");
  }, 60_000);

  it("a collection over the size limit fails its connection, not retried", async () => {
    const cfg = google.config();
    const q = await queue({ maxResultBytes: 64 });
    const events: string[] = [];
    await q.worker("small", cfg, { onEvent: (m) => events.push(m) });
    const tooLarge = await collectOnce(q.central, cfg, "s1");
    expect(tooLarge.coverage.status).toBe("failed");
    expect(tooLarge.coverage.reason).toMatch(/bytes compressed, over the limit of 64 \(--max-result-mb\)/);
    expect(events.filter((e) => e.startsWith("collecting tenant 'northwind'"))).toHaveLength(1);
  }, 60_000);

  it("a site with no worker: the connection fails at its deadline with the reason, and nothing of it resolves", async () => {
    const cfg = google.config();
    const store: Store = await sqliteEngine.open(await sqliteEngine.fresh());
    cleanup.push(() => store.close());
    // Week 1, in one process: every connection complete, northwind's findings open.
    const first = await sweep(cfg, { store, now, env: google.secrets, enforceQuotas: false });
    expect(first.report.coverage.every((c) => c.status === "complete")).toBe(true);
    const before = (await store.findItems())
      .map((i) => `${i.tenant} ${i.fingerprint} ${i.state} ${i.status}`)
      .sort();
    expect(before.some((i) => i.startsWith("northwind "))).toBe(true);

    // Week 2: northwind's Google sits behind a site nobody serves, with a 3-second connection limit.
    const tagged: Config = structuredClone(cfg);
    tagged.connectionTimeoutMinutes = 0.05;
    (northwind(tagged).connection.settings as Record<string, unknown>).collectorSite = "nowhere";
    const q = await queue();
    await q.worker("default", tagged);
    const second = await sweep(tagged, {
      store,
      now: new Date(now.getTime() + 7 * 86_400_000),
      env: {},
      collector: q.central.collector,
      enforceQuotas: false,
    });
    const coverage = second.report.coverage.map(
      (c) => `${c.tenant}/${c.connection} ${c.status}: ${c.reason ?? ""}`,
    );
    expect(coverage.sort()).toEqual([
      "contoso-dental/google complete: ",
      "fabrikam-legal/google complete: ",
      "northwind/google failed: collection job on the queue of site 'nowhere': no worker finished it within the connection time limit (connectionTimeoutMinutes); is a worker for this queue running?",
    ]);
    const after = (await store.findItems())
      .map((i) => `${i.tenant} ${i.fingerprint} ${i.state} ${i.status}`)
      .sort();
    // Nothing of northwind's failed connection resolves: every item stays as it was, and what the
    // failed collection adds is `unknown`, never a pass.
    const ofNorthwind = (items: string[]) => items.filter((i) => i.startsWith("northwind "));
    expect(ofNorthwind(after)).toEqual(expect.arrayContaining(ofNorthwind(before)));
    const added = ofNorthwind(after).filter((i) => !before.includes(i));
    expect(added.length).toBeGreaterThan(0);
    for (const i of added) expect(i).toMatch(/ open unknown$/);
    expect(second.summary.totals.resolved).toBe(0);
  }, 60_000);

  it("a result that comes after the job was taken over is ignored: the job keeps the first one", async () => {
    const cfg = google.config(relayedYaml);
    const q = await queue();
    const slowEvents: string[] = [];
    let refusedLate: () => void = () => {};
    const late = new Promise<void>((resolve) => {
      refusedLate = resolve;
    });
    const held = relay.arm();
    await q.worker("slow", cfg, {
      concurrency: 1,
      stalledMs: 1000,
      onEvent: (m) => {
        slowEvents.push(m);
        // BullMQ refuses a result whose job lock is gone with "Missing lock for job …".
        if (/Missing lock for job/.test(m)) refusedLate();
      },
    });
    const collected = collectOnce(q.central, cfg, "dup");
    await held;
    // The slow worker is mid-request. Its lock disappears, as when its Redis link is gone longer than
    // the lock lasts: the job counts as stalled and another worker runs it.
    const id = jobId("dup", "northwind", "google");
    const redis = new Redis(redisUrl);
    cleanup.push(async () => redis.disconnect());
    await redis.del(`${q.prefix}:collect:${id}:lock`);
    await q.worker("fast", cfg);
    const collection = await collected;
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.notes).toContain("collected by worker fast");
    const { Queue } = await import("bullmq");
    const bull = new Queue("collect", { connection: { url: redisUrl }, prefix: q.prefix });
    cleanup.push(() => bull.close());
    const finishedOn = (await bull.getJob(id))?.finishedOn;
    expect(finishedOn).toBeGreaterThan(0);
    // Now the slow worker's request is answered and it reports too: BullMQ refuses the stale result.
    relay.release();
    await late;
    const job = await bull.getJob(id);
    expect(job?.returnvalue).toMatchObject({ worker: "fast" });
    expect(job?.finishedOn).toBe(finishedOn);
  }, 60_000);

  it("a worker that drains (SIGTERM) finishes its running job and reports it", async () => {
    const cfg = google.config(relayedYaml);
    const q = await queue();
    const held = relay.arm();
    const worker = await q.worker("draining", cfg, { concurrency: 1 });
    const collected = collectOnce(q.central, cfg, "drain");
    await held;
    // What SIGTERM calls: stop taking jobs, wait for the running one. It finishes once answered.
    const drained = worker.close();
    relay.release();
    await drained;
    const collection = await collected;
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.notes).toContain("collected by worker draining");
  }, 60_000);

  it("doctor's queue check lists the workers by site and fails for a site no worker serves", async () => {
    const q = await queue();
    await q.worker("site-worker", google.config(), { site: "branch" });
    const check = await checkQueue(redisUrl, q.prefix, ["branch", "nowhere", "branch"]);
    expect(check).toEqual({
      ok: false,
      detail:
        "Redis answers; 1 worker(s) registered (site 'branch': site-worker); no worker for site 'nowhere': their connections would fail at their deadline",
    });
    expect(await checkQueue(redisUrl, q.prefix, ["branch"])).toMatchObject({ ok: true });
    const unreachable = await checkQueue("redis://127.0.0.1:1", q.prefix, []);
    expect(unreachable.ok).toBe(false);
    expect(unreachable.detail).toMatch(/cannot reach the queue's Redis/);
  }, 30_000);
});
