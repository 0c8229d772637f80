import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { z } from "zod";
import { policies } from "../policies/index.js";
import { type ConnectionCollection, collect } from "../src/collect/index.js";
import { parseConfig } from "../src/composition.js";
import { evaluate } from "../src/evaluate/index.js";
import { link } from "../src/link/index.js";
import { openStore } from "../src/queue/index.js";
import { defaultSla } from "../src/queue/model.js";
import { connectionEndpoints, startEmulatorProcess } from "./emulators.js";
import {
  benchTypes,
  directoryConnections,
  planPortfolio,
  portfolioEnv,
  writeFileConnections,
} from "./portfolio.js";
import { type EvaluateResult, machine } from "./report.js";

/**
 * Evaluate + reconcile at MSP scale, without the rate limits in the way: a few template tenants are
 * collected once through the real providers and emulators (no limits, no latency), then a worker process
 * feeds N tenants, one at a time, through link → evaluate → the SQLite store's reconcile, each tenant's
 * inventory parsed fresh from its template's JSON (real objects, as a collector's serialised output would
 * arrive) and dropped after its reconcile. That is the streaming shape DESIGN.md §9 plans for; the worker
 * measures its own time and memory (and `/usr/bin/time -v` its kernel maximum, when present).
 */

const templateCount = 8;
const accountsPerTemplate = 1000;

const Template = z.object({ accounts: z.number(), json: z.string() });
const Templates = z.array(Template);

/** Collects the template tenants and writes them as JSON strings (one per tenant). */
export async function buildTemplates(seed: number, file: string): Promise<void> {
  const plan = planPortfolio({
    seed,
    tenants: templateCount,
    accountsPerTenant: accountsPerTemplate,
    types: benchTypes,
  });
  const emulators = await startEmulatorProcess({
    seed,
    tenants: templateCount,
    accountsPerTenant: accountsPerTemplate,
    types: [...benchTypes],
    latencyMs: 0,
    enforceLimits: false,
  });
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-eval-"));
  try {
    const endpoints = await connectionEndpoints(emulators, dir);
    const tenants = [];
    for (const t of plan.tenants)
      tenants.push({
        id: t.id,
        name: t.name,
        connections: [
          ...directoryConnections(t, endpoints),
          ...(await writeFileConnections(plan, t, join(dir, "files"))),
        ],
      });
    const { config } = parseConfig(stringify({ tenants }), "bench-evaluate.yaml");
    const collections = await collect(config, { enforceQuotas: false, env: portfolioEnv(plan) });
    const templates = plan.tenants.map((t) => {
      const mine = collections.filter((c) => c.tenant === t.id);
      return {
        accounts: mine.reduce((n, c) => n + c.inventory.accounts.length, 0),
        json: JSON.stringify(mine),
      };
    });
    await writeFile(file, JSON.stringify(templates));
  } finally {
    await emulators.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The measured part: tenants until `target` account results (results whose subject is an account), each
 * evaluated and reconciled, then dropped.
 */
async function worker(templatesFile: string, target: number, storeDir: string): Promise<void> {
  const templates = Templates.parse(JSON.parse(await readFile(templatesFile, "utf8")));
  const store = await openStore(join(storeDir, "queue.db"), { create: true });
  const now = new Date();
  const sweepId = "bench-evaluate";
  // Tenants are named as they come; the run stops at the target (or at a hundred thousand tenants).
  const maxTenants = 100_000;
  const idOf = (i: number) => `e${String(i + 1).padStart(6, "0")}`;
  await store.beginSweep({ id: sweepId, kind: "sweep", startedAt: now.toISOString(), tenants: [] });
  let peak = process.memoryUsage().rss;
  const byTenantsDone: Array<[number, number]> = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  /** Links, evaluates and reconciles tenant `i` (from its template) in one sweep; wall and CPU per stage. */
  const runTenant = async (i: number, sweepId: string, now: Date) => {
    const id = idOf(i);
    const template = templates[i % templates.length]!;
    const collections = JSON.parse(template.json) as ConnectionCollection[];
    for (const c of collections) {
      c.tenant = id;
      c.coverage.tenant = id;
    }
    const [t0, c0] = [performance.now(), cpuMs()];
    const inventory = link({
      tenant: { id, name: `Tenant ${id}`, role: "customer" },
      accounts: collections.flatMap((c) => c.inventory.accounts),
      entryPoints: collections.flatMap((c) => c.inventory.entryPoints),
      accessPaths: collections.flatMap((c) => c.inventory.accessPaths),
      settings: collections.flatMap((c) => c.inventory.settings),
      facts: collections.flatMap((c) => c.inventory.facts),
      coverage: collections.map((c) => c.coverage),
    });
    const tenantResults = evaluate({ tenants: [inventory], policies, exceptions: [], now });
    const [t1, c1] = [performance.now(), cpuMs()];
    await store.reconcileTenant({
      sweepId,
      tenant: id,
      now,
      sla: defaultSla,
      results: tenantResults,
      coverage: collections.map((c) => c.coverage),
    });
    return {
      accounts: template.accounts,
      results: tenantResults.length,
      accountResults: tenantResults.filter((r) => r.subject.kind === "account").length,
      evaluateMs: t1 - t0,
      reconcileMs: performance.now() - t1,
      evaluateCpuMs: c1 - c0,
      reconcileCpuMs: cpuMs() - c1,
    };
  };
  let evaluateMs = 0;
  let reconcileMs = 0;
  const cpu = { evaluate: 0, reconcile: 0, total: 0 };
  let results = 0;
  let accountResults = 0;
  let seen = 0;
  let done = 0;
  const started = performance.now();
  const startedCpu = cpuMs();
  while (accountResults < target && done < maxTenants) {
    const t = await runTenant(done, sweepId, now);
    evaluateMs += t.evaluateMs;
    reconcileMs += t.reconcileMs;
    cpu.evaluate += t.evaluateCpuMs;
    cpu.reconcile += t.reconcileCpuMs;
    seen += t.accounts;
    results += t.results;
    accountResults += t.accountResults;
    done++;
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    if (done % 25 === 0) byTenantsDone.push([done, Math.round(rss / 2 ** 20)]);
  }
  const totalMs = performance.now() - started;
  cpu.total = cpuMs() - startedCpu;
  await store.finishSweep(sweepId, { status: "finished", finishedAt: new Date().toISOString() });
  // The same tenants a week later with nothing changed: the steady state a weekly sweep lives in.
  const again = "bench-evaluate-again";
  const later = new Date(now.getTime() + 7 * 86_400_000);
  await store.beginSweep({ id: again, kind: "sweep", startedAt: later.toISOString(), tenants: [] });
  const resweep = { evaluate: 0, reconcile: 0, total: 0 };
  const againCpu = cpuMs();
  for (let i = 0; i < done; i++) {
    const t = await runTenant(i, again, later);
    resweep.evaluate += t.evaluateCpuMs;
    resweep.reconcile += t.reconcileCpuMs;
  }
  resweep.total = cpuMs() - againCpu;
  await store.finishSweep(again, { status: "finished", finishedAt: new Date().toISOString() });
  await store.close();
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(
    `${JSON.stringify({
      tenants: done,
      accounts: seen,
      results,
      accountResults,
      evaluateMs: Math.round(evaluateMs),
      reconcileMs: Math.round(reconcileMs),
      totalMs: Math.round(totalMs),
      cpuMs: round(cpu),
      resweepCpuMs: round(resweep),
      peakRssMb: Math.round(peak / 2 ** 20),
      // About 20 points of the memory curve.
      byTenantsDone: byTenantsDone.filter(
        (_, i) => i % Math.max(1, Math.ceil(byTenantsDone.length / 20)) === 0,
      ),
    })}\n`,
  );
}

const round = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));

const CpuFigures = z.object({ evaluate: z.number(), reconcile: z.number(), total: z.number() });

const WorkerOutput = z.object({
  tenants: z.number(),
  accounts: z.number(),
  results: z.number(),
  accountResults: z.number(),
  evaluateMs: z.number(),
  reconcileMs: z.number(),
  totalMs: z.number(),
  cpuMs: CpuFigures,
  resweepCpuMs: CpuFigures,
  peakRssMb: z.number(),
  byTenantsDone: z.array(z.tuple([z.number(), z.number()])),
});

export async function runEvaluateBenchmark(options: {
  accountResults: number;
  seed: number;
}): Promise<EvaluateResult> {
  const load = { start: loadavg().map((l) => Math.round(l * 100) / 100), end: [] as number[] };
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-eval-"));
  try {
    const templatesFile = join(dir, "templates.json");
    process.stderr.write(
      `collecting ${templateCount} template tenants of ~${accountsPerTemplate} accounts…\n`,
    );
    await buildTemplates(options.seed, templatesFile);
    process.stderr.write(`evaluating and reconciling until ${options.accountResults} account results…\n`);
    const node = [process.execPath, "--import", "tsx", fileURLToPath(import.meta.url)];
    const args = ["--worker", templatesFile, String(options.accountResults), dir];
    const timed = existsSync("/usr/bin/time");
    const child = timed
      ? spawn("/usr/bin/time", ["-v", ...node, ...args])
      : spawn(node[0]!, [...node.slice(1), ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`evaluate worker failed (${code}): ${stderr.slice(-2000)}`);
    const out = WorkerOutput.parse(JSON.parse(stdout.trim().split("\n").pop() ?? "{}"));
    const kernel = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
    load.end = loadavg().map((l) => Math.round(l * 100) / 100);
    return {
      schemaVersion: 1,
      kind: "evaluate",
      date: new Date().toISOString(),
      machine: machine(),
      load,
      parameters: {
        accountResults: options.accountResults,
        seed: options.seed,
        templates: templateCount,
        accountsPerTemplate,
      },
      tenants: out.tenants,
      accounts: out.accounts,
      results: out.results,
      accountResults: out.accountResults,
      evaluateMs: out.evaluateMs,
      reconcileMs: out.reconcileMs,
      totalMs: out.totalMs,
      cpuMs: out.cpuMs,
      resweepCpuMs: out.resweepCpuMs,
      memory: {
        peakRssMb: out.peakRssMb,
        kernelMaxRssMb: kernel ? Math.round(Number(kernel) / 1024) : null,
        byTenantsDone: out.byTenantsDone,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--worker") {
  const [file, target, dir] = process.argv.slice(3);
  worker(file ?? "", Number(target), dir ?? "").catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
