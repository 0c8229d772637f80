import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { stringify } from "yaml";
import { policies as registeredPolicies } from "../policies/index.js";
import { defaultRetryPolicy } from "../src/collect/retry.js";
import { parseConfig } from "../src/composition.js";
import type { Policy } from "../src/evaluate/policy.js";
import { openStore } from "../src/queue/index.js";
import type { Store } from "../src/queue/store.js";
import { sweep } from "../src/sweep.js";
import {
  allTenants,
  appKinds,
  type Bound,
  type DomainCount,
  dependentRounds,
  domainTime,
  lowerBound,
  type TenantChain,
} from "./bound.js";
import { connectionEndpoints, startEmulatorProcess, type Tally } from "./emulators.js";
import { runEvaluateBenchmark } from "./evaluate.js";
import { type NaiveTenantRun, runNaive } from "./naive.js";
import {
  accountsByType,
  type BenchType,
  benchTypes,
  type DirectoryType,
  directoryConnections,
  directoryTypes,
  planPortfolio,
  portfolioEnv,
  type Scale,
  scales,
  writeFileConnections,
} from "./portfolio.js";
import { type BenchResult, machine, type SweepResult, updateBenchmarksMd } from "./report.js";
import { runStoreBenchmark } from "./store.js";
import { startWorkerPool, type WorkerPool } from "./workers.js";

/**
 * `npm run bench`: a sweep of a synthetic portfolio against emulators that enforce the vendors' documented
 * limits with a latency, measured against the lower bound (bound.ts), with the naive baseline beside it
 * (`--naive`) and the evaluate + reconcile micro-benchmark (`--evaluate`). Writes bench/results/*.json and
 * the table in BENCHMARKS.md.
 */

const usage = `npm run bench -- [options]
  --scale small|medium|large   portfolio size (20×200, 200×500, 1000×1000)   default small
  --tenants N --accounts M     override the scale's tenants / mean accounts per tenant
  --providers a,b              entra,okta,google-workspace,ssh,openvpn            default all
  --latency MS                 emulator latency per request                       default 50
  --seed N                     portfolio seed                                     default 1
  --tenant-concurrency N       tenants swept at once                 default all (large: 250)
  --naive                      also run the naive baseline on a sample (see --naive-budget)
  --naive-budget S             seconds for the naive baseline                     default 120
  --no-limits                  emulators without rate limits (for profiling only)
  --live-heap                  also record the live heap (after a forced full GC) as tenants finish
  --max-retries N              retries per request (diagnosis: 0 makes every retried failure a gap)
  --evaluate                   run the evaluate + reconcile micro-benchmark instead, until
                               --account-results N (default 1000000) results about accounts
  --workers 1,2,4              distributed: collect through \`mfasweep worker\` processes on Redis, one
                               run (and results file) per count; the sweep stays in this process
  --worker-concurrency N       jobs per worker (default: the tenant concurrency ÷ workers)
  --redis URL                  Redis for --workers        default $MFASWEEP_REDIS_URL or 127.0.0.1:6379
  --store                      run the store micro-benchmark instead (CPU only): the store's reconcile
                               against plain SQLite upserts of the same rows, --store-tenants N
                               (default 100) × --store-results M (default 2000), --repeats R (default 3)
  --label TEXT                 name of the results file (default: scale and size)
  --no-write                   print the results, write nothing`;

const here = dirname(fileURLToPath(import.meta.url));

function parse() {
  const { values } = parseArgs({
    options: {
      scale: { type: "string", default: "small" },
      tenants: { type: "string" },
      accounts: { type: "string" },
      providers: { type: "string" },
      latency: { type: "string", default: "50" },
      seed: { type: "string", default: "1" },
      "tenant-concurrency": { type: "string" },
      naive: { type: "boolean", default: false },
      "naive-budget": { type: "string", default: "120" },
      "no-limits": { type: "boolean", default: false },
      "live-heap": { type: "boolean", default: false },
      "max-retries": { type: "string" },
      evaluate: { type: "boolean", default: false },
      "account-results": { type: "string", default: "1000000" },
      store: { type: "boolean", default: false },
      "store-tenants": { type: "string", default: "100" },
      "store-results": { type: "string", default: "2000" },
      repeats: { type: "string", default: "3" },
      workers: { type: "string" },
      "worker-concurrency": { type: "string" },
      redis: { type: "string", default: process.env.MFASWEEP_REDIS_URL ?? "redis://127.0.0.1:6379" },
      label: { type: "string" },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const number = (name: string, v: string | undefined, min = 0) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min)
      throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  if (!(values.scale in scales)) throw new Error(`--scale must be one of ${Object.keys(scales).join(", ")}`);
  const scale = values.scale as Scale;
  const types = (values.providers?.split(",").map((s) => s.trim()) ?? [...benchTypes]) as BenchType[];
  for (const t of types) if (!benchTypes.includes(t)) throw new Error(`unknown provider '${t}'`);
  return {
    help: values.help,
    scale,
    tenants: values.tenants ? number("tenants", values.tenants, 1) : scales[scale].tenants,
    accounts: values.accounts ? number("accounts", values.accounts, 4) : scales[scale].accounts,
    types,
    latencyMs: number("latency", values.latency),
    seed: number("seed", values.seed),
    // Every tenant at once keeps every quota domain busy; at the large scale that would hold every
    // tenant's inventory at once, so 250 at a time bounds memory (and costs wall time).
    tenantConcurrency: values["tenant-concurrency"]
      ? number("tenant-concurrency", values["tenant-concurrency"], 1)
      : scale === "large"
        ? 250
        : undefined,
    naive: values.naive,
    naiveBudgetMs: number("naive-budget", values["naive-budget"], 1) * 1000,
    enforceLimits: !values["no-limits"],
    liveHeap: values["live-heap"],
    maxRetries: values["max-retries"] ? number("max-retries", values["max-retries"]) : undefined,
    evaluate: values.evaluate,
    accountResults: number("account-results", values["account-results"], 1),
    store: values.store,
    storeTenants: number("store-tenants", values["store-tenants"], 1),
    storeResults: number("store-results", values["store-results"], 10),
    repeats: number("repeats", values.repeats, 1),
    workers: values.workers?.split(",").map((w) => number("workers", w.trim(), 1)),
    workerConcurrency: values["worker-concurrency"]
      ? number("worker-concurrency", values["worker-concurrency"], 1)
      : undefined,
    redisUrl: values.redis,
    label: values.label,
    write: !values["no-write"],
  };
}
type Options = ReturnType<typeof parse>;

/** Peak RSS: sampled while the sweep runs, and the kernel's own maximum for the process. */
function memoryProbe() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  timer.unref();
  return {
    sample: () => {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      return rss;
    },
    stop: () => {
      clearInterval(timer);
      return { sampledPeak: peak, kernelMax: process.resourceUsage().maxRSS * 1024 };
    },
  };
}

/** Times spent in policy evaluation and in the store's reconcile (both synchronous inside, so exact). */
function instrument(store: Store) {
  const time = { evaluateMs: 0, reconcileMs: 0 };
  const policies: Array<Policy<unknown>> = registeredPolicies.map((p) => ({
    ...p,
    evaluate: (ctx) => {
      const t0 = performance.now();
      try {
        return p.evaluate(ctx);
      } finally {
        time.evaluateMs += performance.now() - t0;
      }
    },
  }));
  const timed = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "reconcileTenant")
        return async (input: Parameters<Store["reconcileTenant"]>[0]) => {
          const t0 = performance.now();
          try {
            return await target.reconcileTenant(input);
          } finally {
            time.reconcileMs += performance.now() - t0;
          }
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { time, policies, store: timed };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The V8 `gc()` function without a command-line flag (tsx starts node for us). */
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** `workers`: collect through that many worker processes (bench/workers.ts) instead of in process. */
async function runSweep(o: Options, workers?: number): Promise<SweepResult> {
  const load = { start: loadavg().map((l) => round(l)), end: [] as number[] };
  const plan = planPortfolio({
    seed: o.seed,
    tenants: o.tenants,
    accountsPerTenant: o.accounts,
    types: o.types,
  });
  const byType = accountsByType(plan);
  process.stderr.write(
    `portfolio: ${plan.tenants.length} tenants, ${byType.entra} Entra, ${byType.okta} Okta, ${byType["google-workspace"]} Google accounts; starting emulators…\n`,
  );
  const emulators = await startEmulatorProcess({
    seed: o.seed,
    tenants: o.tenants,
    accountsPerTenant: o.accounts,
    types: o.types,
    latencyMs: o.latencyMs,
    enforceLimits: o.enforceLimits,
  });
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-"));
  let pool: WorkerPool | undefined;
  try {
    const endpoints = await connectionEndpoints(emulators, dir);
    let sshHosts = 0;
    let openvpnServers = 0;
    const tenants = [];
    for (const t of plan.tenants) {
      const files = await writeFileConnections(plan, t, join(dir, "files"));
      sshHosts += t.sshHosts;
      openvpnServers += t.openvpn ? 1 : 0;
      tenants.push({
        id: t.id,
        name: t.name,
        connections: [...directoryConnections(t, endpoints), ...files],
      });
    }
    const yaml = stringify({ tenants });
    const { config } = parseConfig(yaml, "bench.yaml");
    const tenantConcurrency = o.tenantConcurrency ?? plan.tenants.length;
    // The same jobs in flight in total, whatever the number of workers: the runs differ in processes only.
    const workerConcurrency = workers ? (o.workerConcurrency ?? Math.ceil(tenantConcurrency / workers)) : 0;
    pool = workers
      ? await startWorkerPool({
          workers,
          concurrency: workerConcurrency,
          redisUrl: o.redisUrl,
          config,
          configYaml: yaml,
          env: portfolioEnv(plan),
          dir,
        })
      : undefined;
    const store = await openStore(join(dir, "queue.db"), { create: true });
    const probe = memoryProbe();
    const { time, policies, store: timedStore } = instrument(store);
    const memoryByTenants: Array<[number, number]> = [];
    // --live-heap: the heap still in use after a full collection, at the same points (costs wall time).
    const liveHeapByTenants: Array<[number, number]> = [];
    const collectGarbage = o.liveHeap ? exposeGc() : undefined;
    const baseline = probe.sample();
    const startedAt = Date.now();
    // Known before the sweep: the Graph reports requests the Entra tenants need (the registration report's
    // pages, or each enabled user's methods without P1). Often the floor of the whole run.
    const planned = lowerBound(emulators.plannedReports, [], o.latencyMs, startedAt);
    process.stderr.write(
      `sweeping (emulators seeded in ${(emulators.seedMs / 1000).toFixed(1)} s); Entra reports alone need at least ${describeBound(planned)}…\n`,
    );
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    // A line every 30 s, so a run waiting on a vendor's window is visibly not hung.
    let done = 0;
    const heartbeat = setInterval(() => {
      process.stderr.write(
        `  … ${done}/${plan.tenants.length} tenants, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
    }, 30_000);
    heartbeat.unref();
    const outcome = await sweep(config, {
      store: timedStore,
      // Distributed, the central holds no secret: the workers resolve them.
      env: pool ? {} : portfolioEnv(plan),
      ...(pool ? { collector: pool.collector } : {}),
      enforceQuotas: o.enforceLimits,
      tenantConcurrency,
      // What `mfasweep sweep` keeps for its table: the summary, changes and exit code, no results.
      keepResults: "none",
      ...(o.maxRetries !== undefined ? { retry: { ...defaultRetryPolicy, maxRetries: o.maxRetries } } : {}),
      policies,
      onTenant: (_entry, progress) => {
        done = progress.done;
        const rss = probe.sample();
        if (
          progress.done % Math.max(1, Math.floor(progress.total / 20)) === 0 ||
          progress.done === progress.total
        ) {
          memoryByTenants.push([progress.done, mb(rss)]);
          if (collectGarbage) {
            collectGarbage();
            liveHeapByTenants.push([progress.done, mb(process.memoryUsage().heapUsed)]);
          }
        }
        if (progress.done % Math.max(1, Math.floor(progress.total / 10)) === 0)
          process.stderr.write(
            `  ${progress.done}/${progress.total} tenants, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
          );
      },
    });
    clearInterval(heartbeat);
    const wallMs = performance.now() - started;
    const centralCpu = process.cpuUsage(cpuBefore);
    const memory = probe.stop();
    const workerUsage = pool ? await pool.stop() : [];
    pool = undefined;
    load.end = loadavg().map((l) => round(l));
    const { tallies, usage: emulatorUsage } = await emulators.stats();
    await store.close();

    const coverage = outcome.report.coverage;
    const lastCollection = Math.max(...coverage.map((c) => Date.parse(c.finishedAt)));
    const firstCollection = Math.min(...coverage.map((c) => Date.parse(c.startedAt)));
    const throttledOut = coverage.filter((c) =>
      [c.reason ?? "", ...c.gaps.map((g) => g.reason)].some((r) => r.includes("ProviderThrottledError")),
    );
    const retries = coverage.reduce((n, c) => n + c.counts.retries, 0);
    // The report keeps no results (keepResults: "none"); its summary counts every result.
    const counted = outcome.report.summary;

    const domains: DomainCount[] = tallies.map((t) => ({
      tenant: t.tenant,
      provider: t.provider,
      kind: t.kind,
      requests: t.served,
    }));
    // Okta's concurrency limit is org-wide: one more "domain" over every Okta request of the org.
    const oktaByTenant = new Map<string, number>();
    for (const t of tallies.filter((x) => x.provider === "okta" && x.tenant !== allTenants))
      oktaByTenant.set(t.tenant, (oktaByTenant.get(t.tenant) ?? 0) + t.served);
    for (const [tenant, requests] of oktaByTenant)
      domains.push({ tenant, provider: "okta", kind: "okta:org", requests });
    const chains = chainsOf(tallies);
    const bound = lowerBound(domains, chains, o.latencyMs, startedAt);
    process.stderr.write(
      `wall ${(wallMs / 1000).toFixed(1)} s; minimum ${describeBound(bound)}; wall ÷ minimum ${bound.minimumMs ? round(wallMs / bound.minimumMs) : "–"}\n`,
    );

    const requests = Object.fromEntries(
      directoryTypes.map((d) => {
        // Per tenant only (a domain across tenants counts the same requests again). Requests are HTTP
        // requests (a $batch is one; its inner requests are in their own domains); throttled counts every
        // refusal, inner ones included (each is a request Graph refused).
        const mine = tallies.filter((t) => t.provider === d && t.tenant !== allTenants);
        const sum = (f: (t: Tally) => number) => mine.reduce((n, t) => n + f(t), 0);
        const served = sum((t) => t.served - t.innerServed);
        const throttled = sum((t) => t.throttled);
        const httpThrottled = sum((t) => t.throttled - t.innerThrottled);
        const tenantsOfType = plan.tenants.filter((t) => t.directories[d]).length;
        const perTenant = new Map<string, number>();
        for (const t of mine) perTenant.set(t.tenant, (perTenant.get(t.tenant) ?? 0) + t.throttled);
        return [
          d,
          {
            tenants: tenantsOfType,
            accounts: byType[d],
            requests: served + httpThrottled,
            served,
            throttled,
            per1000Accounts: byType[d] ? round(((served + httpThrottled) * 1000) / byType[d], 1) : null,
            perTenant: tenantsOfType ? round((served + httpThrottled) / tenantsOfType, 1) : null,
            maxThrottledPerTenant: Math.max(0, ...perTenant.values()),
            byDomain: Object.fromEntries(
              [...new Set(mine.map((t) => t.kind))].sort().map((kind) => {
                const of = mine.filter((t) => t.kind === kind);
                return [
                  kind,
                  {
                    served: of.reduce((n, t) => n + t.served, 0),
                    throttled: of.reduce((n, t) => n + t.throttled, 0),
                  },
                ];
              }),
            ),
          },
        ];
      }),
    ) as SweepResult["requests"];

    let naive: SweepResult["naive"] = null;
    if (o.naive) naive = await naiveBaseline(o, plan, wallMs, coverage, emulators.entraEnabledUsers);

    const throttledTotal = Object.values(requests).reduce((n, r) => n + r.throttled, 0);
    const result: SweepResult = {
      schemaVersion: 1,
      kind: "sweep",
      date: new Date().toISOString(),
      machine: machine(),
      load,
      parameters: {
        scale: o.scale,
        tenants: o.tenants,
        accountsPerTenant: o.accounts,
        seed: o.seed,
        latencyMs: o.latencyMs,
        providers: o.types,
        tenantConcurrency,
        enforceLimits: o.enforceLimits,
      },
      ...(workers
        ? {
            distributed: {
              workers,
              workerConcurrency,
              central: {
                cpuS: cpuS(centralCpu),
                peakRssMb: mb(Math.max(memory.sampledPeak, memory.kernelMax)),
              },
              workerProcesses: workerUsage,
            },
          }
        : {}),
      portfolio: {
        tenants: plan.tenants.length,
        accounts: byType,
        directoryAccounts: byType.entra + byType.okta + byType["google-workspace"],
        sshHosts,
        openvpnServers,
        connections: coverage.length,
      },
      sweep: {
        wallMs: Math.round(wallMs),
        collectionMs: Math.round(lastCollection - firstCollection),
        evaluateMs: Math.round(time.evaluateMs),
        reconcileMs: Math.round(time.reconcileMs),
        seedMs: Math.round(emulators.seedMs),
        coverage: {
          complete: coverage.filter((c) => c.status === "complete").length,
          partial: coverage.filter((c) => c.status === "partial").length,
          failed: coverage.filter((c) => c.status === "failed").length,
        },
        incomplete: coverage
          .filter((c) => c.status !== "complete")
          .slice(0, 8)
          .map((c) =>
            `${c.tenant}/${c.connection}: ${c.reason ?? c.status}${c.gaps[0] ? `; ${c.gaps[0].what}: ${c.gaps[0].reason}` : ""}`.slice(
              0,
              300,
            ),
          ),
        results: counted.results,
        findings: counted.fail + counted.unknown,
      },
      bound: {
        minimumMs: Math.round(bound.minimumMs),
        minimumRatio: bound.minimumMs ? round(wallMs / bound.minimumMs) : null,
        minimumBinding: bound.minimumBinding
          ? { ...bound.minimumBinding, ms: Math.round(bound.minimumBinding.ms) }
          : null,
        slowestByKind: bound.slowestByKind.map((d) => ({ ...d, minimumMs: Math.round(d.minimumMs) })),
      },
      processes: {
        sweep: { cpuS: cpuS(centralCpu), peakRssMb: mb(Math.max(memory.sampledPeak, memory.kernelMax)) },
        ...(workers
          ? {
              workers: {
                cpuS: round(workerUsage.reduce((n, w) => n + w.cpuS, 0)),
                peakRssMb: Math.max(0, ...workerUsage.map((w) => w.peakRssMb)),
              },
            }
          : {}),
        emulators: emulatorUsage,
        cpuMsPerAccount: round(
          ((cpuS(centralCpu) + workerUsage.reduce((n, w) => n + w.cpuS, 0)) * 1000) /
            Math.max(1, byType.entra + byType.okta + byType["google-workspace"]),
          3,
        ),
      },
      requests,
      throttling: {
        received: throttledTotal,
        perTenant: round(throttledTotal / plan.tenants.length),
        retries,
        retriesBySource: Object.fromEntries(
          [...new Set(coverage.map((c) => c.source))].map((src) => [
            src,
            coverage.filter((c) => c.source === src).reduce((n, c) => n + c.counts.retries, 0),
          ]),
        ),
        errorAnswers: tallies.reduce((n, t) => n + t.errors, 0),
        connectionsThrottledOut: throttledOut.length,
      },
      memory: {
        baselineMb: mb(baseline),
        peakRssMb: mb(Math.max(memory.sampledPeak, memory.kernelMax)),
        peakAboveBaselineMb: mb(Math.max(memory.sampledPeak, memory.kernelMax) - baseline),
        perTenantKb: Math.round(
          (Math.max(memory.sampledPeak, memory.kernelMax) - baseline) / 1024 / plan.tenants.length,
        ),
        byTenantsDone: memoryByTenants,
        ...(collectGarbage ? { liveHeapByTenantsDone: liveHeapByTenants } : {}),
      },
      naive,
    };
    return result;
  } finally {
    await pool?.stop().catch(() => []);
    await emulators.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const cpuS = (usage: NodeJS.CpuUsage) => round((usage.user + usage.system) / 1e6);

/** "12.3 s (entra:reports of t0042: 105 requests)" */
function describeBound(b: Bound): string {
  const m = b.minimumBinding;
  if (!m) return "0 s";
  const what =
    m.kind === "dependent round trips"
      ? `${m.requests} dependent round trips of ${m.tenant}`
      : `${m.kind} of ${m.tenant}: ${m.requests} requests`;
  return `${(b.minimumMs / 1000).toFixed(1)} s (${what})`;
}

/** Dependent round trips per tenant: the longest chain over its providers. */
function chainsOf(tallies: Tally[]): TenantChain[] {
  const steps = new Map<string, Record<string, number>>();
  for (const t of tallies.filter((x) => x.tenant !== allTenants)) {
    const key = `${t.tenant}|${t.provider}`;
    const s = steps.get(key) ?? {};
    for (const [k, v] of Object.entries(t.steps)) s[k] = (s[k] ?? 0) + v;
    steps.set(key, s);
  }
  return [...steps].map(([key, s]) => {
    const [tenant, provider] = key.split("|") as [string, DirectoryType];
    return { tenant, rounds: dependentRounds(provider, s) };
  });
}

/**
 * The naive baseline on a sample, against its own emulator process (fresh rate-limit windows), and two
 * projections to the whole portfolio at the measured pace per account: tenants in parallel (the fair
 * baseline: the slowest tenant's loop, or a domain across tenants), and, as before, one tenant after
 * another (time adds up per account).
 */
async function naiveBaseline(
  o: Options,
  plan: ReturnType<typeof planPortfolio>,
  sweepWallMs: number,
  coverage: Array<{ tenant: string; source: string; startedAt: string; finishedAt: string }>,
  entraEnabledUsers: number,
): Promise<SweepResult["naive"]> {
  const sample = directoryTypes.flatMap((d) => plan.tenants.filter((t) => t.directories[d]).slice(0, 3));
  const unique = [...new Map(sample.map((t) => [t.id, t])).values()];
  process.stderr.write(
    `naive baseline on ${unique.length} sample tenants (budget ${o.naiveBudgetMs / 1000} s)…\n`,
  );
  const emulators = await startEmulatorProcess({
    seed: o.seed,
    tenants: o.tenants,
    accountsPerTenant: o.accounts,
    types: o.types,
    latencyMs: o.latencyMs,
    enforceLimits: o.enforceLimits,
    only: unique.map((t) => t.id),
  });
  let runs: NaiveTenantRun[];
  try {
    runs = await runNaive(plan, unique, emulators, o.naiveBudgetMs);
  } finally {
    await emulators.close();
  }
  const byType = accountsByType(plan);
  const perAccount: Record<string, number | null> = {};
  let projectedMs = 0;
  for (const d of directoryTypes) {
    const mine = runs.filter((r) => r.provider === d && r.users > 0 && !r.error);
    const users = mine.reduce((n, r) => n + r.users, 0);
    const ms = mine.reduce((n, r) => n + r.projectedMs, 0);
    perAccount[d] = users ? round(ms / users, 1) : null;
    if (users) projectedMs += (ms / users) * byType[d];
  }
  // The fair baseline: tenants in parallel, each its directories one after the other at the measured pace;
  // a domain across tenants (Graph's reports per app) takes every Entra user's methods request.
  let parallelMs = 0;
  let parallelBinding = "";
  for (const t of plan.tenants) {
    const ms = directoryTypes.reduce((n, d) => n + (perAccount[d] ?? 0) * (t.directories[d] ?? 0), 0);
    if (ms > parallelMs) {
      parallelMs = ms;
      parallelBinding = `${t.id}: ${directoryTypes
        .filter((d) => t.directories[d])
        .map((d) => `${t.directories[d]} ${d}`)
        .join(", ")} accounts, one request at a time`;
    }
  }
  for (const kind of appKinds("entra:reports")) {
    const ms = domainTime(kind, entraEnabledUsers, o.latencyMs) + o.latencyMs;
    if (ms > parallelMs) {
      parallelMs = ms;
      parallelBinding = `${kind}: ${entraEnabledUsers} methods requests across tenants`;
    }
  }
  // The same tenants in the sweep: how long each one's connection of that type took there.
  const sideBySide = runs.map((r) => {
    const c = coverage.find((x) => x.tenant === r.tenant && x.source === r.provider);
    const sweepMs = c ? Date.parse(c.finishedAt) - Date.parse(c.startedAt) : null;
    return {
      tenant: r.tenant,
      provider: r.provider,
      users: r.users,
      processed: r.processed,
      naiveMs: Math.round(r.elapsedMs),
      naiveProjectedMs: Math.round(r.projectedMs),
      sweepMs,
      speedup: sweepMs ? round(r.projectedMs / sweepMs, 1) : null,
      ...(r.error ? { error: r.error } : {}),
    };
  });
  return {
    budgetMs: o.naiveBudgetMs,
    msPerAccount: perAccount,
    projectedPortfolioMs: Math.round(projectedMs),
    speedup: sweepWallMs ? round(projectedMs / sweepWallMs, 1) : null,
    parallelProjectedMs: Math.round(parallelMs),
    parallelSpeedup: sweepWallMs ? round(parallelMs / sweepWallMs, 1) : null,
    parallelBinding,
    sideBySide,
  };
}

async function main() {
  const o = parse();
  if (o.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (o.workers) {
    // Each count on fresh emulators (fresh rate-limit windows), one after the other.
    for (const w of o.workers) {
      process.stderr.write(`distributed: ${w} worker process(es)\n`);
      const size = `${o.scale}-${o.tenants}x${o.accounts}`;
      await record(o, await runSweep(o, w), `${o.label ?? size}-workers${w}`);
    }
    return;
  }
  const result = o.store
    ? await runStoreBenchmark({
        tenants: o.storeTenants,
        resultsPerTenant: o.storeResults,
        repeats: o.repeats,
      })
    : o.evaluate
      ? await runEvaluateBenchmark({ accountResults: o.accountResults, seed: o.seed })
      : await runSweep(o);
  const name =
    o.label ??
    (result.kind === "sweep"
      ? `${o.scale}-${o.tenants}x${o.accounts}${o.naive ? "-naive" : ""}`
      : result.kind === "store"
        ? `store-${o.storeTenants}x${o.storeResults}`
        : `evaluate-${o.accountResults}`);
  await record(o, result, name);
}

/** Writes a run's results file and regenerates the BENCHMARKS.md table (or prints it: --no-write). */
async function record(o: Options, result: BenchResult, name: string): Promise<void> {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (!o.write) {
    process.stdout.write(text);
    return;
  }
  const file = join(here, "results", `${name}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  await updateBenchmarksMd(join(here, "results"), join(here, "..", "BENCHMARKS.md"));
  process.stderr.write(`wrote ${file} and the table in BENCHMARKS.md\n`);
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
