import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { loadConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { exitFor } from "../exit.js";
import { Severity } from "../model/index.js";
import { isStorePath, openStore } from "../queue/index.js";
import { sweepSummaryTable } from "../queue/render.js";
import { type Cadence, scheduleInstructions } from "../schedule.js";
import { type SweepOutcome, sweep, sweepVerdict } from "../sweep.js";
import { connectionDone, tenantDone, warn } from "./log.js";
import { progressIndicator } from "./output.js";
import { defaultConfigPath, finish, layout, printWarnings } from "./shared.js";
import { list, storePathOf } from "./store.js";

interface SweepCliOptions {
  config: string;
  tenant: string[];
  store?: string;
  format: "table" | "json";
  output?: string;
  failOn?: Severity;
  concurrency: string;
  wait: string;
  threads: string;
  schedule?: Cadence;
  queue?: string;
  queuePrefix: string;
  maxResultMb: string;
}

/** argv that runs this same mfasweep again (for the schedule), whether built or run from source. */
function selfCommand(): string[] {
  const script = resolve(process.argv[1] ?? "mfasweep");
  if (/\.[cm]?ts$/.test(script)) return [process.execPath, "--import", import.meta.resolve("tsx"), script];
  return [process.execPath, script];
}

/** Renders the sweep for `--format`: the summary table, or the §5 JSON report plus a `queue` field. */
export function renderSweep(outcome: SweepOutcome, format: "table" | "json", color: boolean): string {
  if (format === "json") return `${JSON.stringify({ ...outcome.report, queue: outcome.summary }, null, 2)}\n`;
  return sweepSummaryTable(outcome.summary, { color, ...layout() });
}

export async function writeText(text: string, output: string | undefined, what: string): Promise<void> {
  if (!output) return void process.stdout.write(text);
  try {
    await writeFile(output, text, { mode: 0o600 });
  } catch (err) {
    throw new ConfigError(`cannot write ${output} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  process.stderr.write(`wrote ${what} to ${output}\n`);
}

export function sweepCommand(): Command {
  const positive = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min)
      throw new ConfigError(`${name} must be a number ≥ ${min} (got '${value}')`);
    return n;
  };
  return new Command("sweep")
    .description(
      "Scan every tenant (or --tenant), update the remediation queue, and print what changed since the last sweep",
    )
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .option(
      "-t, --tenant <id>",
      "only this tenant (repeatable); other tenants' items are untouched",
      list,
      [],
    )
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("--output <file>", "write the output to a file instead of stdout")
    .addOption(
      new Option(
        "--fail-on <severity>",
        "lowest severity of a failing result that makes the exit code 1",
      ).choices(Severity.options),
    )
    .option(
      "--concurrency <n>",
      "tenants scanned at once (each tenant's vendors have their own rate limits)",
      "8",
    )
    .option(
      "--threads <n>",
      "worker threads that link and evaluate tenants while others are collected (0: all in this one)",
      "0",
    )
    .option("--wait <seconds>", "how long to wait for a sweep already running on the same store", "10")
    .option(
      "--queue <redis>",
      "distributed: hand each connection to `mfasweep worker` processes through this Redis (env:NAME, file:PATH or a redis:// URL without password); link, evaluate and the queue stay here",
    )
    .option("--queue-prefix <prefix>", "with --queue: prefix of the queue's keys in Redis", "mfasweep")
    .option("--max-result-mb <n>", "with --queue: largest compressed collection a worker may return", "16")
    .addOption(
      new Option(
        "--schedule <cadence>",
        "print the chain sweep → tickets sync → report --send (the steps the config has) for cron, systemd (service + timer) and the Windows Task Scheduler, then exit",
      ).choices(["weekly", "daily"]),
    )
    .action(async (options: SweepCliOptions) => {
      const { config, warnings } = await loadConfig(options.config);
      const storePath = options.store ?? storePathOf(config, options.config);
      if (options.schedule) {
        process.stdout.write(
          scheduleInstructions({
            cadence: options.schedule,
            command: selfCommand(),
            config: resolve(options.config),
            // A reference (env:/file:) or PostgreSQL URL is passed on as is; only a file path is made absolute.
            store: isStorePath(storePath) ? resolve(storePath) : storePath,
            workingDirectory: process.cwd(),
            steps: { ticketSync: config.ticketing.length > 0, reportSend: config.notify.length > 0 },
          }),
        );
        return;
      }
      printWarnings(warnings);
      const concurrency = positive("--concurrency", options.concurrency, 1);
      const waitMs = positive("--wait", options.wait, 0) * 1000;
      const threads = positive("--threads", options.threads, 0);
      if (!Number.isInteger(threads))
        throw new ConfigError(`--threads must be a whole number (got '${options.threads}')`);
      const queue = options.queue
        ? await openQueueCollector(
            options.queue,
            options.queuePrefix,
            positive("--max-result-mb", options.maxResultMb, 0.001),
          )
        : undefined;
      const store = await openStore(storePath, { create: true }).catch(async (err: unknown) => {
        await queue?.close();
        throw err;
      });
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(
          "\nstopping: tenants already reconciled are kept, the rest are left as they were (again to quit now)\n",
        );
        controller.abort(new Error("stopped by signal"));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      const progress = progressIndicator();
      try {
        const outcome = await sweep(config, {
          store,
          tenants: options.tenant.length ? options.tenant : undefined,
          tenantConcurrency: concurrency,
          threads,
          ...(queue ? { collector: queue.collector } : {}),
          lock: { waitMs },
          // The table prints the queue's summary; only JSON carries the results, so only it keeps them.
          keepResults: options.format === "json" ? "all" : "none",
          signal: controller.signal,
          onProgress: progress.update,
          onWarning: warn,
          onConnection: connectionDone,
          // One line per tenant as it finishes, on a terminal or not (cron mail, CI logs).
          onTenant: tenantDone,
          onInterrupted: async (stale) => {
            for (const s of stale)
              warn(
                `sweep ${s.owner} (pid ${s.pid} on ${s.host}, started ${s.acquiredAt}) ended without finishing; recorded as interrupted (tenants it reconciled keep their results, the others are swept now)`,
              );
            if (!queue) return;
            const withdrawn = await queue.withdraw(
              stale.map((s) => s.owner),
              config,
            );
            warn(
              `withdrew ${withdrawn} collection job(s) of the interrupted sweep still waiting in the queue`,
            );
          },
        }).finally(progress.done);
        const color = !options.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
        await writeText(renderSweep(outcome, options.format, color), options.output, options.format);
        finish(exitFor(sweepVerdict(outcome), options.failOn ?? config.failOn));
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await store.close();
        await queue?.close();
      }
    });
}

/** The central side of `sweep --queue` (loads BullMQ only now). */
async function openQueueCollector(reference: string, prefix: string, maxResultMb: number) {
  const { QueueCollector, queueUrl } = await import("../distribute/index.js");
  return QueueCollector.open({
    url: await queueUrl(reference),
    prefix,
    maxResultBytes: Math.round(maxResultMb * 1024 * 1024),
  });
}
