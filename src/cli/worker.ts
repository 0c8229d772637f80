import { Command } from "commander";
import { loadConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { forTerminal } from "../export/sanitize.js";
import { defaultConfigPath, printWarnings } from "./shared.js";

const queueHelp = "the queue's Redis: env:NAME, file:PATH or a redis:// URL without password";
export const prefixHelp =
  "prefix of the queue's keys in Redis (one per mfasweep installation sharing a Redis)";

function count(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`${name} must be a whole number ≥ ${min} (got '${value}')`);
  return n;
}

interface WorkerCliOptions {
  config: string;
  queue: string;
  queuePrefix: string;
  site?: string;
  concurrency: string;
  stalledSeconds: string;
}

/** `mfasweep worker`: runs collection jobs of a distributed sweep until SIGTERM/SIGINT, then drains. */
export function workerCommand(): Command {
  return new Command("worker")
    .description(
      "Collect connections for `sweep --queue` on this machine (secrets resolve here); --site for a collector inside a customer's network",
    )
    .option(
      "-c, --config <file>",
      "this machine's config: only its connections are collected, with its settings and secret references",
      defaultConfigPath(),
    )
    .requiredOption("--queue <redis>", queueHelp)
    .option("--queue-prefix <prefix>", prefixHelp, "mfasweep")
    .option("--site <name>", "collect only connections tagged `collectorSite: NAME` in the config")
    .option("--concurrency <n>", "jobs run at once", "4")
    .option(
      "--stalled-seconds <n>",
      "how long a killed worker's job stays locked before another worker retries it",
      "30",
    )
    .action(async (options: WorkerCliOptions) => {
      const { config, warnings } = await loadConfig(options.config);
      printWarnings(warnings);
      const { queueUrl, startWorker } = await import("../distribute/index.js");
      const worker = await startWorker({
        url: await queueUrl(options.queue),
        config,
        prefix: options.queuePrefix,
        ...(options.site ? { site: options.site } : {}),
        concurrency: count("--concurrency", options.concurrency, 1),
        stalledMs: count("--stalled-seconds", options.stalledSeconds, 1) * 1000,
        onEvent: (m) => process.stderr.write(`${forTerminal(m)}\n`),
      });
      process.stderr.write(
        `worker ${worker.name} ready${options.site ? ` for site '${forTerminal(options.site)}'` : ""}\n`,
      );
      await new Promise<void>((resolve) => {
        const drain = () => {
          process.stderr.write("draining: finishing running jobs, taking no new ones\n");
          void worker.close().then(resolve);
        };
        process.once("SIGTERM", drain);
        process.once("SIGINT", drain);
      });
    });
}

/** `mfasweep workers`: the workers registered in the queue's Redis, with their sites. */
export function workersCommand(): Command {
  return new Command("workers")
    .description("List the workers connected to a distributed sweep's queue, and their sites")
    .requiredOption("--queue <redis>", queueHelp)
    .option("--queue-prefix <prefix>", prefixHelp, "mfasweep")
    .option("--format <format>", "table or json", "table")
    .action(async (options: { queue: string; queuePrefix: string; format: string }) => {
      const { listWorkers, queueUrl } = await import("../distribute/index.js");
      const workers = await listWorkers(await queueUrl(options.queue), options.queuePrefix);
      if (options.format === "json")
        return void process.stdout.write(`${JSON.stringify(workers, null, 2)}\n`);
      if (workers.length === 0) return void process.stdout.write("no worker connected\n");
      for (const w of workers)
        process.stdout.write(
          `${forTerminal(w.site ?? "(default)")}\t${forTerminal(w.name)}\tconcurrency ${w.concurrency}\tsince ${w.startedAt}\n`,
        );
    });
}
