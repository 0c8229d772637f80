import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { providers } from "../../../providers/index.js";
import type { ProviderDemo } from "../../../src/collect/provider.js";
import { parseConfig } from "../../../src/composition.js";
import type { Config } from "../../../src/config/load.js";
import { demoConfigText, demoPortfolio } from "../../../src/demo/index.js";
import { QueueCollector, startWorker } from "../../../src/distribute/index.js";
import type { Store } from "../../../src/queue/store.js";
import { type SweepOutcome, sweep } from "../../../src/sweep.js";
import { HoldingRelay } from "../../helpers/holding-relay.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";
import { postgresEngine, sqliteEngine } from "../../helpers/store-engines.js";
import { spawnWorker, type WorkerProcess } from "../../helpers/worker-process.js";

const now = new Date("2026-12-07T12:00:00Z");
const stores: Store[] = [];
const prefixes: string[] = [];
let demos: ProviderDemo[] = [];
/** The emulators' secrets: what a worker's machine has, and the central process does not. */
let secrets: Record<string, string> = {};
let demoYaml = "";

let relay: HoldingRelay;
/**
 * How long the distributed sweep may run: stopped then, every connection still awaited (a job no worker
 * finishes, e.g. the abandoned one never taken over) fails with the reason, well inside the test's
 * timeout instead of after the config's two-hour connection limit.
 */
const sweepLimitMs = 60_000;

beforeAll(async () => {
  if (redisAbsent) return;
  for (const provider of providers) if (provider.demo) demos.push(await provider.demo(demoPortfolio));
  secrets = Object.assign({}, ...demos.map((d) => d.env));
  const text = demoConfigText(demos, now);
  // Every Google Workspace connection goes through the relay, so a worker can be caught mid-job.
  const google =
    /(endpoint: http:\/\/127\.0\.0\.1:)(\d+)(\n\s+auth:\n\s+method: access-token\n\s+token: env:MFASWEEP_DEMO_GOOGLE)/;
  const port = Number(text.match(google)?.[2]);
  expect(port).toBeGreaterThan(0);
  relay = new HoldingRelay(port);
  const relayed = await relay.listen();
  demoYaml = text.replaceAll(`http://127.0.0.1:${port}\n`, `http://127.0.0.1:${relayed}\n`);
}, 60_000);

afterAll(async () => {
  await relay?.close();
  await Promise.all(demos.map((d) => d.close()));
  demos = [];
});

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const p of prefixes.splice(0)) await dropPrefix(p);
});

function config(yaml: string): Config {
  return parseConfig(yaml, "demo.yaml", now).config;
}

async function storeOf(engine: typeof sqliteEngine): Promise<Store> {
  const s = await engine.open(await engine.fresh());
  stores.push(s);
  return s;
}

/** What the two sweeps must agree on: every item's fingerprint and state, every connection's coverage. */
async function outcomeOf(store: Store, outcome: SweepOutcome) {
  return {
    items: (await store.findItems()).map((i) => `${i.fingerprint} ${i.state} ${i.status}`).sort(),
    coverage: outcome.report.coverage.map((c) => `${c.tenant}/${c.connection} ${c.status}`).sort(),
  };
}

describe.skipIf(redisAbsent)("distributed sweep on BullMQ (real Redis, demo emulators)", () => {
  it("two worker processes (one SIGKILLed mid-job) and a site collector give the single-process sweep's fingerprints and states", async () => {
    // The site tag routes northwind's NinjaOne to the site's worker only; a single process ignores it.
    const yaml = demoYaml.replace(
      "      - type: ninjaone\n        id: ninjaone\n",
      "      - type: ninjaone\n        id: ninjaone\n        collectorSite: branch\n",
    );
    expect(yaml).not.toBe(demoYaml);
    const cfg = config(yaml);
    const reference = await sweep(cfg, {
      store: await storeOf(sqliteEngine),
      now,
      env: secrets,
      enforceQuotas: false,
    });
    const expected = await outcomeOf(stores[0]!, reference);
    expect(expected.coverage.every((c) => c.endsWith("complete"))).toBe(true);

    const prefix = testPrefix();
    prefixes.push(prefix);
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-workers-"));
    const file = join(dir, "mfasweep.yaml");
    await writeFile(file, yaml);
    // Each worker reads the config from its own file and the secrets from its own environment.
    const spawnOne = () =>
      spawnWorker(
        [
          "--config",
          file,
          "--queue",
          redisUrl,
          "--queue-prefix",
          prefix,
          "--concurrency",
          "1",
          // Long enough that a busy machine still renews a live job's lock in time; short enough for a test.
          "--stalled-seconds",
          "5",
        ],
        secrets,
      );
    const site = await startWorker({
      url: redisUrl,
      config: cfg,
      prefix,
      name: "site",
      site: "branch",
      env: secrets,
    });
    const first = spawnOne();
    let second: WorkerProcess | undefined;
    const held = relay.arm().then(async () => {
      // The first worker is inside a job now. A second one starts, then the first is killed without a
      // word: its lock lapses, the job stalls, and the second must take it over.
      second = spawnOne();
      await second.ready;
      first.child.kill("SIGKILL");
    });
    const central = await QueueCollector.open({ url: redisUrl, prefix });
    const store = await storeOf(postgresEngine.skip ? sqliteEngine : postgresEngine);
    const stop = new AbortController();
    const deadline = setTimeout(() => stop.abort(), sweepLimitMs);
    try {
      await first.ready;
      // The central process has none of the secrets: only the workers resolve them.
      const distributed = await sweep(cfg, {
        store,
        now,
        env: {},
        collector: central.collector,
        enforceQuotas: false,
        signal: stop.signal,
      });
      expect(
        relay.holding,
        "no Google request reached the relay during the distributed sweep, so no worker was killed mid-job",
      ).toBe(true);
      expect(
        distributed.report.coverage
          .filter((c) => c.status !== "complete")
          .map((c) => `${c.tenant}/${c.connection} ${c.status}: ${c.reason}`),
      ).toEqual([]);
      await held;
      expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
      expect(await outcomeOf(store, distributed)).toEqual(expected);
      const collectedBy = (c: SweepOutcome["report"]["coverage"][number]) =>
        c.notes.filter((n) => n.startsWith("collected by worker "));
      // Exactly one collection per connection: the killed worker's job counts once, by its new owner.
      for (const c of distributed.report.coverage)
        expect(collectedBy(c), `${c.tenant}/${c.connection}`).toHaveLength(1);
      const bySite = distributed.report.coverage.filter((c) =>
        collectedBy(c).some((n) => n === "collected by worker site (site branch)"),
      );
      expect(bySite.map((c) => `${c.tenant}/${c.connection}`)).toEqual(["northwind/ninjaone"]);
      const secondName = second?.name ?? "(none)";
      expect(
        distributed.report.coverage.some((c) => collectedBy(c).includes(`collected by worker ${secondName}`)),
      ).toBe(true);
      // SIGTERM drains: the worker says so and ends on its own with status 0.
      second?.child.kill("SIGTERM");
      expect(await second?.exited).toEqual({ code: 0, signal: null });
      expect(second?.stderr()).toMatch(/draining: finishing running jobs/);
    } finally {
      clearTimeout(deadline);
      await central.close();
      await site.close({ force: true });
      for (const w of [first, second])
        if (w && w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
      await Promise.all([first.exited, second?.exited]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
