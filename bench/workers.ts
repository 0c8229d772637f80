import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionCollector } from "../src/collect/index.js";
import type { Config } from "../src/config/load.js";
import type { ProcessUsage } from "./report.js";

/**
 * The distributed path of `npm run bench -- --workers 1,2,4`: the sweep stays in the bench process (the
 * central), and each connection is collected by `mfasweep worker` processes through BullMQ on Redis, as
 * `mfasweep sweep --queue` runs it. Each worker process records its own CPU time and peak RSS when it
 * exits (bench/worker-usage.ts, loaded with --import), so the figures are per process.
 */

const root = fileURLToPath(new URL("..", import.meta.url));

export interface WorkerPool {
  collector: ConnectionCollector;
  /** Drains the workers (SIGTERM), closes the queue, removes its keys; each worker's usage. */
  stop(): Promise<ProcessUsage[]>;
}

interface Started {
  child: ChildProcess;
  usageFile: string;
  exited: Promise<number | null>;
}

function startWorker(args: string[], env: Record<string, string>, usageFile: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      join(root, "bench/worker-usage.ts"),
      join(root, "src/cli/main.ts"),
      "worker",
      ...args,
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NO_COLOR: "1",
        ...env,
        MFASWEEP_BENCH_USAGE: usageFile,
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/^worker \S+ ready/m.test(stderr)) resolve({ child, usageFile, exited });
    });
    void exited.then((code) =>
      reject(new Error(`a worker exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
}

export async function startWorkerPool(options: {
  workers: number;
  /** Jobs each worker runs at once. */
  concurrency: number;
  redisUrl: string;
  config: Config;
  /** The config as a file, for the workers. */
  configYaml: string;
  /** The connections' secrets: what the workers' machine holds (the central gets none). */
  env: Record<string, string>;
  dir: string;
}): Promise<WorkerPool> {
  const { dropQueuePrefix, QueueCollector } = await import("../src/distribute/index.js");
  const prefix = `mfasweep-bench-${process.pid}-${Date.now()}`;
  const configFile = join(options.dir, "bench.yaml");
  await writeFile(configFile, options.configYaml);
  const args = ["--config", configFile, "--queue", options.redisUrl, "--queue-prefix", prefix];
  const started = await Promise.all(
    Array.from({ length: options.workers }, (_, i) =>
      startWorker(
        [...args, "--concurrency", String(options.concurrency)],
        options.env,
        join(options.dir, `worker-${i}.json`),
      ),
    ),
  );
  const central = await QueueCollector.open({ url: options.redisUrl, prefix });
  return {
    collector: central.collector,
    async stop() {
      await central.close();
      for (const w of started) w.child.kill("SIGTERM");
      await Promise.all(started.map((w) => w.exited));
      await dropQueuePrefix(options.redisUrl, prefix);
      return Promise.all(
        started.map(async (w) => JSON.parse(await readFile(w.usageFile, "utf8")) as ProcessUsage),
      );
    },
  };
}
