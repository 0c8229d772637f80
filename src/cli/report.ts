import { Command, Option } from "commander";
import { ConfigError } from "../errors.js";
import { exitFor } from "../exit.js";
import { toWeeklyHtml, weeklyReport, weeklyTable, weeklyVerdict } from "../export/weekly/index.js";
import { Severity } from "../model/index.js";
import { type Delivery, deliverWeeklySummary, NotifyDeliveryError } from "../notify/index.js";
import { openStore } from "../queue/index.js";
import { finish, layout } from "./shared.js";
import { list, locateStore } from "./store.js";
import { writeText } from "./sweep.js";

const formats = ["table", "json", "html"] as const;

interface ReportCliOptions {
  store?: string;
  config?: string;
  since: string;
  tenant?: string[];
  format: (typeof formats)[number];
  output?: string;
  trend: string;
  failOn?: Severity;
  send?: boolean;
  channel?: string[];
  dryRun?: boolean;
}

/** One line per channel (and, for a dry run, what would be sent). */
function deliveryText(deliveries: Delivery[]): string {
  return deliveries
    .map((d) =>
      d.outcome === "dry-run"
        ? `== ${d.type} channel '${d.channel}': would send ==\n${d.detail}\n`
        : d.outcome === "failed" && d.detail.includes(`channel '${d.channel}'`)
          ? `FAILED  ${d.detail}\n`
          : `${d.outcome === "sent" ? "sent" : "FAILED"}  ${d.type} channel '${d.channel}': ${d.detail}\n`,
    )
    .join("\n");
}

/** `mfasweep report`: the weekly summary from the queue (src/export/weekly). */
export function reportCommand(): Command {
  return new Command("report")
    .description(
      "The weekly summary from the queue: per tenant what is new, regressed, resolved, overdue or accepted, the open-findings trend, tenants ranked by risk",
    )
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .option("-c, --config <file>", "config file, for store.path, tenant names and expired config exceptions")
    .option(
      "--since <when>",
      "start of the period: last-sweep (what the latest sweep changed), a date YYYY-MM-DD, or a sweep id",
      "last-sweep",
    )
    .option("-t, --tenant <id>", "only these tenants (repeatable, or comma-separated)", list)
    .addOption(new Option("--format <format>", "output format").choices(formats).default("table"))
    .option("--output <file>", "write the output to a file instead of stdout")
    .option("--trend <n>", "how many sweeps the trends show", "8")
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when an open finding is at or above this severity (2 when a tenant was not fully read)",
      ).choices(Severity.options),
    )
    .option("--send", "deliver the summary to the notify: channels of the config (mail, Teams, Slack)")
    .option(
      "--channel <id>",
      "with --send: only these notify channels (repeatable, or comma-separated)",
      list,
    )
    .option("--dry-run", "with --send: print what would be sent (secrets as their references), send nothing")
    .action(async (options: ReportCliOptions) => {
      if ((options.channel?.length || options.dryRun) && !options.send)
        throw new ConfigError("--channel and --dry-run go with --send");
      const trendSweeps = Number(options.trend);
      if (!Number.isInteger(trendSweeps) || trendSweeps < 1)
        throw new ConfigError(`--trend must be a whole number ≥ 1 (got '${options.trend}')`);
      const located = await locateStore(options);
      const store = await openStore(located.path, { create: false });
      try {
        const summary = await weeklyReport(store, {
          since: options.since,
          tenants: options.tenant?.length ? options.tenant : undefined,
          trendSweeps,
          config: located.config,
        });
        if (options.send) {
          if (!located.config)
            throw new ConfigError("report --send needs the config (--config FILE) with its notify: channels");
          const deliveries = await deliverWeeklySummary(summary, {
            channels: located.config.notify,
            ...(options.channel?.length ? { only: options.channel } : {}),
            dryRun: options.dryRun === true,
            ...(located.config.report?.msp?.name ? { msp: located.config.report.msp.name } : {}),
          });
          const failed = deliveries.filter((d) => d.outcome === "failed");
          const text = deliveryText(deliveries);
          if (failed.length) {
            process.stdout.write(text);
            throw new NotifyDeliveryError(
              `${failed.length} of ${deliveries.length} notify channel${deliveries.length === 1 ? "" : "s"} failed: ${failed.map((d) => d.channel).join(", ")}`,
            );
          }
          await writeText(text, options.output, "table");
          if (options.failOn) finish(exitFor(weeklyVerdict(summary), options.failOn));
          return;
        }
        const color = !options.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
        const text =
          options.format === "json"
            ? `${JSON.stringify(summary, null, 2)}\n`
            : options.format === "html"
              ? toWeeklyHtml(summary)
              : weeklyTable(summary, { color, ...layout() });
        await writeText(text, options.output, options.format);
        // Reading the queue is the run here: its past coverage sets the exit code only when asked (--fail-on).
        if (options.failOn) finish(exitFor(weeklyVerdict(summary), options.failOn));
      } finally {
        await store.close();
      }
    });
}
