import { readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import type { Binding, DomainTime } from "./bound.js";
import type { BenchType, DirectoryType } from "./portfolio.js";

/** What `npm run bench` records: one small JSON file per run in bench/results/. */

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  platform: string;
  node: string;
}

export function machine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    platform: `${platform()} ${release()}`,
    node: process.version,
  };
}

export interface RequestsOfType {
  tenants: number;
  accounts: number;
  /** HTTP requests (a Graph `$batch` is one). */
  requests: number;
  served: number;
  /** Throttling refusals, a batch's inner ones included. */
  throttled: number;
  per1000Accounts: number | null;
  perTenant: number | null;
  maxThrottledPerTenant: number;
  /** Per quota domain kind: requests served and throttled. */
  byDomain: Record<string, { served: number; throttled: number }>;
}

export interface SweepResult {
  schemaVersion: 1;
  kind: "sweep";
  date: string;
  machine: Machine;
  /** os.loadavg() before and after: the machine is shared, and this says how busy it was. */
  load: { start: number[]; end: number[] };
  parameters: {
    scale: string;
    tenants: number;
    accountsPerTenant: number;
    seed: number;
    latencyMs: number;
    providers: BenchType[];
    tenantConcurrency: number;
    enforceLimits: boolean;
  };
  distributed?: DistributedRun;
  portfolio: {
    tenants: number;
    accounts: Record<DirectoryType, number>;
    directoryAccounts: number;
    sshHosts: number;
    openvpnServers: number;
    connections: number;
  };
  sweep: {
    wallMs: number;
    /** First connection started to last connection finished. */
    collectionMs: number;
    /** Time inside policies' evaluate, summed over tenants (synchronous, so CPU time on the main thread). */
    evaluateMs: number;
    /** Time inside the store's reconcile, summed over tenants. */
    reconcileMs: number;
    seedMs: number;
    coverage: { complete: number; partial: number; failed: number };
    incomplete: string[];
    results: number;
    findings: number;
  };
  bound: {
    /** What no client can beat against the emulators' documented limits (bench/bound.ts), and wall ÷ it. */
    minimumMs: number;
    minimumRatio: number | null;
    minimumBinding: Binding | null;
    slowestByKind: DomainTime[];
    /** Older files only: "requests ÷ rate + round trips", not a bound (it was dropped). */
    rateMs?: number;
    rateRatio?: number | null;
  };
  /** Process CPU (user + system) and peak RSS of each process of the run (absent in older files). */
  processes?: {
    /** The bench process: the whole sweep, or the central process when distributed. */
    sweep: ProcessUsage;
    /** The worker processes together (CPU summed, the largest peak RSS). */
    workers?: ProcessUsage;
    /** The emulators' process, serving every tenant (after seeding). */
    emulators: ProcessUsage;
    /** Sweep (and workers) CPU per directory account, in ms. */
    cpuMsPerAccount: number;
  };
  requests: Record<DirectoryType, RequestsOfType>;
  throttling: {
    /** Throttling answers the emulators sent (429, Google 403 userRateLimitExceeded). */
    received: number;
    perTenant: number;
    /** Retries the collection made (throttling and transient errors), in all and per connection type. */
    retries: number;
    retriesBySource: Record<string, number>;
    /** Answers that were errors other than throttling (licence refusals, 404s of deleted objects, 5xx). */
    errorAnswers: number;
    /** Connections with a read that gave up because of throttling. */
    connectionsThrottledOut: number;
  };
  memory: {
    baselineMb: number;
    peakRssMb: number;
    peakAboveBaselineMb: number;
    perTenantKb: number;
    /** [tenants reconciled, RSS MB] as the sweep went. */
    byTenantsDone: Array<[number, number]>;
    /** With --live-heap: [tenants reconciled, heap MB still in use after a full GC]. */
    liveHeapByTenantsDone?: Array<[number, number]>;
  };
  naive: {
    budgetMs: number;
    msPerAccount: Record<string, number | null>;
    /** Older files: the naive loop over tenants one after the other. */
    projectedPortfolioMs: number;
    speedup: number | null;
    /**
     * The fair baseline (issue #20 item 8): the same per-user loop, tenants in parallel (their quotas are
     * separate), so the slowest tenant, or a domain across tenants, sets the time.
     */
    parallelProjectedMs?: number;
    parallelSpeedup?: number | null;
    /** What sets the parallel projection: a tenant's loop, or a domain across tenants. */
    parallelBinding?: string;
    sideBySide: Array<{
      tenant: string;
      provider: DirectoryType;
      users: number;
      processed: number;
      naiveMs: number;
      naiveProjectedMs: number;
      sweepMs: number | null;
      speedup: number | null;
      error?: string;
    }>;
  } | null;
}

export interface ProcessUsage {
  cpuS: number;
  peakRssMb: number;
}

/** `--workers N`: the sweep in the bench process (central), collection in N worker processes. */
export interface DistributedRun {
  workers: number;
  workerConcurrency: number;
  central: ProcessUsage;
  workerProcesses: ProcessUsage[];
}

export interface EvaluateResult {
  schemaVersion: 1;
  kind: "evaluate";
  date: string;
  machine: Machine;
  load: { start: number[]; end: number[] };
  parameters: { accountResults: number; seed: number; templates: number; accountsPerTemplate: number };
  tenants: number;
  accounts: number;
  results: number;
  accountResults: number;
  /** link + evaluate, summed over tenants. */
  evaluateMs: number;
  reconcileMs: number;
  totalMs: number;
  /** Process CPU (user + system): link + evaluate, reconcile, and the whole first pass with parsing. */
  cpuMs?: { evaluate: number; reconcile: number; total: number };
  /** The same tenants again a week later, nothing changed (the steady state of a weekly sweep). */
  resweepCpuMs?: { evaluate: number; reconcile: number; total: number };
  memory: { peakRssMb: number; kernelMaxRssMb: number | null; byTenantsDone: Array<[number, number]> };
}

/** `--store`: the store's reconcile against plain SQLite upserts of the same rows, CPU only. */
export interface StoreResult {
  schemaVersion: 1;
  kind: "store";
  date: string;
  machine: Machine;
  load: { start: number[]; end: number[] };
  parameters: {
    tenants: number;
    resultsPerTenant: number;
    repeats: number;
    results: number;
    findings: number;
  };
  /** Process CPU (user + system), median of the repeats. */
  cpuMs: {
    storeFirstSweep: number;
    storeResweep: number;
    ceilingUpserts: number;
    /**
     * The same upserts plus the one history row a first sweep writes per new item (absent in results
     * recorded before it was measured): what plain SQLite needs for everything a first sweep writes.
     */
    ceilingWithHistory?: number;
    runs: Array<{ first: number; resweep: number; ceiling: number; ceilingWithHistory?: number }>;
  };
  /**
   * ceiling ÷ store: 1 is as fast as plain SQLite upserts of the same rows. `firstSweepWithHistory`: the
   * ceiling with history rows ÷ the first sweep.
   */
  ratio: { firstSweep: number; resweep: number; firstSweepWithHistory?: number };
}

export type BenchResult = SweepResult | EvaluateResult | StoreResult;

/** A duration for the table: seconds, or hours past an hour (the naive projections). */
const s = (ms: number | null | undefined) =>
  ms === null || ms === undefined
    ? "–"
    : ms >= 3_600_000
      ? `${(ms / 3_600_000).toFixed(1)} h`
      : `${(ms / 1000).toFixed(1)} s`;

/** The results table of BENCHMARKS.md, from every results file. */
export function renderTables(results: Array<{ name: string; result: BenchResult }>): string {
  const size = (r: SweepResult) => r.parameters.tenants * r.parameters.accountsPerTenant;
  const allSweeps = results
    .filter((r): r is { name: string; result: SweepResult } => r.result.kind === "sweep")
    .sort((a, b) => size(a.result) - size(b.result) || a.name.localeCompare(b.name));
  const sweeps = allSweeps.filter((r) => !r.result.distributed);
  const distributed = allSweeps.filter((r) => r.result.distributed);
  const evals = results.filter(
    (r): r is { name: string; result: EvaluateResult } => r.result.kind === "evaluate",
  );
  const lines: string[] = [];
  if (sweeps.length) {
    lines.push(
      "| run | tenants × mean accounts | accounts (Entra/Okta/Google) | latency | wall ÷ minimum | wall | minimum (what binds) | CPU: sweep · emulators (ms per account) | peak RSS: sweep · emulators | evaluate + reconcile | req/1k Entra · Okta · Google | throttled (per tenant) | gave up | load start → end | naive, tenants in parallel (speed-up) | date, Node |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const { name, result: r } of sweeps) {
      const a = r.portfolio.accounts;
      const q = r.requests;
      const p = r.processes;
      const n = r.naive;
      lines.push(
        `| ${name} | ${r.parameters.tenants} × ${r.parameters.accountsPerTenant} | ${a.entra}/${a.okta}/${a["google-workspace"]} | ${r.parameters.latencyMs} ms | ${r.bound.minimumRatio ?? "–"} | ${s(r.sweep.wallMs)} | ${s(r.bound.minimumMs)}${r.bound.minimumBinding ? ` (${r.bound.minimumBinding.kind})` : ""} | ${p ? `${p.sweep.cpuS} s · ${p.emulators.cpuS} s (${p.cpuMsPerAccount})` : "–"} | ${p ? `${p.sweep.peakRssMb} MB · ${p.emulators.peakRssMb} MB` : `${r.memory.peakRssMb} MB · –`} | ${s(r.sweep.evaluateMs)} + ${s(r.sweep.reconcileMs)} | ${q.entra.per1000Accounts ?? "–"} · ${q.okta.per1000Accounts ?? "–"} · ${q["google-workspace"].per1000Accounts ?? "–"} | ${r.throttling.received} (${r.throttling.perTenant}) | ${r.throttling.connectionsThrottledOut} | ${r.load.start[0]} → ${r.load.end[0]} | ${n?.parallelProjectedMs !== undefined ? `${s(n.parallelProjectedMs)} (${n.parallelSpeedup ?? "–"}×)` : "–"} | ${r.date.slice(0, 10)}, ${r.machine.node} |`,
      );
    }
  }
  if (distributed.length) {
    const usage = (u: ProcessUsage) => `${u.cpuS} s, ${u.peakRssMb} MB`;
    lines.push(
      "",
      "| run (distributed) | tenants × mean accounts | workers × jobs each | wall ÷ minimum | wall | minimum | central: CPU, peak RSS | each worker: CPU, peak RSS | emulators: CPU, peak RSS | CPU ms per account | gave up | load start → end | date, Node |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const { name, result: r } of distributed) {
      const d = r.distributed as DistributedRun;
      lines.push(
        `| ${name} | ${r.parameters.tenants} × ${r.parameters.accountsPerTenant} | ${d.workers} × ${d.workerConcurrency} | ${r.bound.minimumRatio ?? "–"} | ${s(r.sweep.wallMs)} | ${s(r.bound.minimumMs)} | ${usage(d.central)} | ${d.workerProcesses.map(usage).join("; ")} | ${r.processes ? usage(r.processes.emulators) : "–"} | ${r.processes?.cpuMsPerAccount ?? "–"} | ${r.throttling.connectionsThrottledOut} | ${r.load.start[0]} → ${r.load.end[0]} | ${r.date.slice(0, 10)}, ${r.machine.node} |`,
      );
    }
  }
  if (evals.length) {
    lines.push(
      "",
      "| run | tenants | accounts | results (account results) | link + evaluate | reconcile | total, with parsing | CPU: evaluate + reconcile (total) | re-sweep CPU: evaluate + reconcile | peak RSS (kernel max) | load start → end | date, Node |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const { name, result: r } of evals)
      lines.push(
        `| ${name} | ${r.tenants} | ${r.accounts} | ${r.results} (${r.accountResults}) | ${s(r.evaluateMs)} | ${s(r.reconcileMs)} | ${s(r.totalMs)} | ${r.cpuMs ? `${s(r.cpuMs.evaluate)} + ${s(r.cpuMs.reconcile)} (${s(r.cpuMs.total)})` : "–"} | ${r.resweepCpuMs ? `${s(r.resweepCpuMs.evaluate)} + ${s(r.resweepCpuMs.reconcile)}` : "–"} | ${r.memory.peakRssMb} MB (${r.memory.kernelMaxRssMb ?? "–"} MB) | ${r.load.start[0]} → ${r.load.end[0]} | ${r.date.slice(0, 10)}, ${r.machine.node} |`,
      );
  }
  const stores = results.filter((r): r is { name: string; result: StoreResult } => r.result.kind === "store");
  if (stores.length) {
    lines.push(
      "",
      "| run | tenants × results (findings) | store CPU: first sweep | re-sweep | ceiling: plain upserts | ceiling ÷ store: first (re-sweep) | load start → end | date, Node |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const { name, result: r } of stores)
      lines.push(
        `| ${name} | ${r.parameters.tenants} × ${r.parameters.resultsPerTenant} (${r.parameters.findings}) | ${s(r.cpuMs.storeFirstSweep)} | ${s(r.cpuMs.storeResweep)} | ${s(r.cpuMs.ceilingUpserts)} | ${r.ratio.firstSweep} (${r.ratio.resweep}) | ${r.load.start[0]} → ${r.load.end[0]} | ${r.date.slice(0, 10)}, ${r.machine.node} |`,
      );
  }
  const m = results[0]?.result.machine;
  if (m) lines.push("", `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}.`);
  return lines.join("\n");
}

const start = "<!-- bench:results:start -->";
const end = "<!-- bench:results:end -->";

/** Rewrites the generated part of BENCHMARKS.md (between the markers); the prose around it is kept. */
export async function updateBenchmarksMd(resultsDir: string, file: string): Promise<void> {
  const names = (await readdir(resultsDir)).filter((f) => f.endsWith(".json")).sort();
  const results = await Promise.all(
    names.map(async (n) => ({
      name: n.replace(/\.json$/, ""),
      result: JSON.parse(await readFile(join(resultsDir, n), "utf8")) as BenchResult,
    })),
  );
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    text = `# Benchmarks\n\n${start}\n${end}\n`;
  }
  if (!text.includes(start) || !text.includes(end)) text = `${text.trimEnd()}\n\n${start}\n${end}\n`;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  await writeFile(file, `${before}\n${renderTables(results)}\n${after}`);
}
