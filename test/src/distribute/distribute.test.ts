import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { providers } from "../../../providers/index.js";
import type { ProviderDemo } from "../../../src/collect/provider.js";
import { type Config, parseConfig } from "../../../src/config/load.js";
import { demoConfigText, demoPortfolio } from "../../../src/demo/index.js";
import {
  QueueCollector,
  type RunningWorker,
  startWorker,
  type WorkerOptions,
} from "../../../src/distribute/index.js";
import type { Store } from "../../../src/queue/store.js";
import { type SweepOutcome, sweep } from "../../../src/sweep.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";
import { postgresEngine, sqliteEngine } from "../../helpers/store-engines.js";

const now = new Date("2026-12-07T12:00:00Z");
const stores: Store[] = [];
const prefixes: string[] = [];
let demos: ProviderDemo[] = [];
/** The emulators' secrets: what a worker's machine has, and the central process does not. */
let secrets: Record<string, string> = {};
let demoYaml = "";

/**
 * A TCP relay in front of an emulator. Armed, it holds the first request it then sees without answering
 * (the worker sending it is then certainly in the middle of a job) and tells the test; everything else is
 * passed through. It watches requests, not connections: Node's default agent keeps connections alive,
 * so a worker in this process may send its request on a connection the reference sweep opened.
 */
class HoldingRelay {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #armed: (() => void) | undefined;
  /** Whether a request is being held. */
  holding = false;
  constructor(target: number) {
    this.#server = createServer((client) => {
      const upstream = netConnect(target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
      }
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      upstream.pipe(client);
      client.on("data", (chunk) => {
        const hold = this.#armed;
        if (!hold) {
          upstream.write(chunk);
          return;
        }
        // HTTP/1.1 without pipelining: a chunk on an idle connection starts a request. Held: never
        // forwarded, never answered, and the emulator closing its idle side does not close this one.
        this.#armed = undefined;
        this.holding = true;
        client.removeAllListeners("data");
        client.pause();
        upstream.unpipe(client);
        upstream.destroy();
        hold();
      });
      client.on("end", () => upstream.end());
    });
  }
  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => resolve((this.#server.address() as { port: number }).port)),
    );
  }
  /** Resolves once a request is being held. */
  arm(): Promise<void> {
    return new Promise((resolve) => {
      this.#armed = resolve;
    });
  }
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

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
  it("two workers (one killed mid-job) and a site collector give the single-process sweep's fingerprints and states", async () => {
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
    const worker = (name: string, more: Partial<WorkerOptions> = {}) =>
      startWorker({ url: redisUrl, prefix, name, env: secrets, stalledMs: 1000, ...more });
    const first = await worker("first", { concurrency: 1 });
    const site = await worker("site", { site: "branch" });
    let second: RunningWorker | undefined;
    const held = relay.arm().then(async () => {
      // The first worker is inside a job now. Abandoned without reporting, as if killed: its lock
      // lapses and the job stalls; a worker that joins later must take it over.
      await first.close({ force: true });
      second = await worker("second");
    });
    const central = await QueueCollector.open({ url: redisUrl, prefix });
    const store = await storeOf(postgresEngine.skip ? sqliteEngine : postgresEngine);
    const stop = new AbortController();
    const deadline = setTimeout(() => stop.abort(), sweepLimitMs);
    try {
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
        "no Google request reached the relay during the distributed sweep, so no worker was stopped mid-job",
      ).toBe(true);
      expect(
        distributed.report.coverage
          .filter((c) => c.status !== "complete")
          .map((c) => `${c.tenant}/${c.connection} ${c.status}: ${c.reason}`),
      ).toEqual([]);
      await held;
      expect(await outcomeOf(store, distributed)).toEqual(expected);
      const collectedBy = (c: SweepOutcome["report"]["coverage"][number]) =>
        c.notes.filter((n) => n.startsWith("collected by worker "));
      // Exactly one collection per connection: the abandoned job's eventual answer counts for nothing.
      for (const c of distributed.report.coverage)
        expect(collectedBy(c), `${c.tenant}/${c.connection}`).toHaveLength(1);
      const bySite = distributed.report.coverage.filter((c) =>
        collectedBy(c).some((n) => n === "collected by worker site (site branch)"),
      );
      expect(bySite.map((c) => `${c.tenant}/${c.connection}`)).toEqual(["northwind/ninjaone"]);
      expect(
        distributed.report.coverage.some((c) => collectedBy(c).includes("collected by worker second")),
      ).toBe(true);
    } finally {
      clearTimeout(deadline);
      await central.close();
      await Promise.all([first, site, second].map((w) => w?.close({ force: true })));
    }
  }, 120_000);
});
