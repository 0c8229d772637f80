/**
 * Evaluation threads (#20 item 4), CPU only: the same tenants linked, evaluated and reconciled into a fresh
 * SQLite store with `--threads 0` (all in this thread) and with N evaluation threads, alternating, each
 * run in its own process. Reports wall time, process CPU (every thread) and the main thread's own CPU
 * (Linux: /proc/thread-self/stat), with the main thread's CPU split into building each tenant's inventory,
 * link + evaluate (in-process only) and the rest: reconcile, and with threads the hand-over (the
 * inventory's structured clone, the results' JSON). Only synchronous stretches are timed: an `await` would
 * count other tenants' work too, so reconcile is not timed apart. The
 * tenants are the `--evaluate` benchmark's templates (8 × ~1,000 accounts through the real providers
 * against the emulators), renamed per tenant. Not asserted anywhere; a loaded machine moves wall times.
 *
 *   npx tsx bench/threads.ts [--tenants 40] [--threads 1] [--repeats 2] [--in-flight 8]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { policies } from "../policies/index.js";
import type { ConnectionCollection } from "../src/collect/index.js";
import { EvaluationPool, linkAndEvaluate, type TenantJob } from "../src/evaluate/pool/index.js";
import { openStore } from "../src/queue/index.js";
import { defaultSla } from "../src/queue/model.js";
import { buildTemplates } from "./evaluate.js";

const Figures = z.object({
  threads: z.number(),
  results: z.number(),
  wallMs: z.number(),
  processCpuMs: z.number(),
  mainCpuMs: z.number(),
  main: z.object({ build: z.number(), evaluate: z.number() }),
});

/** CPU milliseconds of the calling thread (utime + stime, fields 14 and 15 of proc(5)). */
function threadCpuMs(): number {
  const stat = readFileSync("/proc/thread-self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One measured run in this process: `tenants` tenants, `inFlight` at once, through `threads` threads. */
async function run(templatesFile: string, tenants: number, threads: number, inFlight: number) {
  const templates = JSON.parse(await readFile(templatesFile, "utf8")) as Array<{ json: string }>;
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-threads-"));
  const store = await openStore(join(dir, "queue.db"), { create: true });
  const now = new Date();
  await store.beginSweep({ id: "bench", kind: "sweep", startedAt: now.toISOString(), tenants: [] });
  const pool = threads > 0 ? new EvaluationPool({ threads }) : undefined;
  const jobOf = (i: number): TenantJob => {
    const id = `t${i}`;
    const collections = JSON.parse(templates[i % templates.length]?.json ?? "[]") as ConnectionCollection[];
    for (const c of collections) {
      c.tenant = id;
      c.coverage.tenant = id;
    }
    return {
      inventory: {
        tenant: { id, name: id, role: "customer" },
        accounts: collections.flatMap((c) => c.inventory.accounts),
        entryPoints: collections.flatMap((c) => c.inventory.entryPoints),
        accessPaths: collections.flatMap((c) => c.inventory.accessPaths),
        settings: collections.flatMap((c) => c.inventory.settings),
        facts: collections.flatMap((c) => c.inventory.facts),
        coverage: collections.map((c) => c.coverage),
      },
      exceptions: [],
      now,
    };
  };
  const main = { build: 0, evaluate: 0 };
  let results = 0;
  const [wall0, cpu0, main0] = [performance.now(), processCpuMs(), threadCpuMs()];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < tenants; i = next++) {
      let t = threadCpuMs();
      const job = jobOf(i);
      main.build += threadCpuMs() - t;
      t = threadCpuMs();
      const evaluated = pool ? await pool.evaluate(job) : linkAndEvaluate(job, policies);
      if (!pool) main.evaluate += threadCpuMs() - t;
      await store.reconcileTenant({
        sweepId: "bench",
        tenant: job.inventory.tenant.id,
        now,
        sla: defaultSla,
        results: evaluated,
        coverage: job.inventory.coverage,
      });
      results += evaluated.length;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const figures = {
    threads,
    results,
    wallMs: Math.round(performance.now() - wall0),
    processCpuMs: Math.round(processCpuMs() - cpu0),
    mainCpuMs: threadCpuMs() - main0,
    main,
  };
  await pool?.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return figures;
}

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "40" },
    threads: { type: "string", default: "1" },
    repeats: { type: "string", default: "2" },
    "in-flight": { type: "string", default: "8" },
    run: { type: "string" },
  },
});
const tenants = Number(values.tenants);
const inFlight = Number(values["in-flight"]);
if (values.run) {
  // A measured run, in a process of its own (so each starts cold, as a sweep does).
  const [file, threads] = values.run.split(",");
  process.stdout.write(`${JSON.stringify(await run(file ?? "", tenants, Number(threads), inFlight))}\n`);
} else {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-threads-"));
  try {
    const file = join(dir, "templates.json");
    process.stderr.write("collecting the template tenants…\n");
    await buildTemplates(1, file);
    const load = loadavg().map((l) => l.toFixed(1));
    const rows: string[] = [];
    for (let r = 0; r < Number(values.repeats); r++)
      for (const threads of [0, Number(values.threads)]) {
        const child = spawnSync(
          process.execPath,
          [
            "--import",
            "tsx",
            fileURLToPath(import.meta.url),
            "--run",
            `${file},${threads}`,
            "--tenants",
            String(tenants),
            "--in-flight",
            String(inFlight),
          ],
          { encoding: "utf8" },
        );
        if (child.status !== 0) throw new Error(`run failed: ${child.stderr}`);
        const f = Figures.parse(JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}"));
        const rest = f.mainCpuMs - f.main.build - f.main.evaluate;
        rows.push(
          `| ${f.threads} | ${f.results} | ${f.wallMs} | ${f.processCpuMs} | ${f.mainCpuMs} | ${f.main.build} | ${f.main.evaluate} | ${rest} |`,
        );
      }
    process.stdout.write(
      `Node ${process.version}, ${tenants} tenants, ${inFlight} in flight, load average at start ${load.join(" ")}\n\n| threads | results | wall ms | process CPU ms | main-thread CPU ms | of it: build | link + evaluate | rest: reconcile (+ hand-over) |\n|---|---|---|---|---|---|---|---|\n${rows.join("\n")}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
