import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { loadConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { exitFor } from "../exit.js";
import { linesForTerminal } from "../export/sanitize.js";
import { type RecordedRequest, syncTickets, ticketingConnectors } from "../export/ticketing/index.js";
import { recordedRequestText, syncSummaryText } from "../export/ticketing/report.js";
import { mapPsaCompanies, psaMapText } from "../onboarding/psa-map.js";
import { openStore } from "../queue/index.js";
import { defaultConfigPath, finish, printWarnings } from "./shared.js";
import { list, storePathOf } from "./store.js";
import { writeText } from "./sweep.js";

interface SyncCliOptions {
  config: string;
  store?: string;
  target?: string[];
  tenant?: string[];
  dryRun?: boolean;
  format: "table" | "json";
  output?: string;
}

/** `mfasweep tickets sync|targets`: keep the configured PSAs / Jira / ServiceNow / webhooks in step with the queue. */
export function ticketsCommand(): Command {
  const tickets = new Command("tickets").description(
    "Open, update, note and close tickets for queue items in the configured ticketing targets",
  );

  tickets
    .command("sync")
    .description(
      "Bring every ticketing target in step with the queue: create, update, note, close (idempotent: re-running sends nothing new)",
    )
    .option("-c, --config <file>", "config file (its ticketing: targets)", defaultConfigPath())
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .option("--target <id>", "only these targets (repeatable, or comma-separated)", list)
    .option("-t, --tenant <id>", "only these tenants", list)
    .option(
      "--dry-run",
      "send only lookups; print every write that would be sent (credentials redacted); change nothing",
    )
    .addOption(new Option("--format <format>", "summary format").choices(["table", "json"]).default("table"))
    .option("--output <file>", "write the summary to a file instead of stdout")
    .action(async (options: SyncCliOptions) => {
      if (!existsSync(options.config))
        throw new ConfigError(
          `no config file ${options.config}: ticketing targets are configured there (mfasweep init)`,
        );
      const { config, warnings } = await loadConfig(options.config);
      printWarnings(warnings);
      if (!config.ticketing?.length)
        throw new ConfigError(
          `${options.config} has no ticketing targets: nothing to sync (add a ticketing: section, see mfasweep init)`,
        );
      const store = await openStore(options.store ?? storePathOf(config, options.config), { create: false });
      // Ctrl-C stops between tickets: what was sent is in the ledger, the rest is reported not synced.
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write("\nstopping after the current ticket (again to quit now)\n");
        controller.abort(new Error("stopped by signal"));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      try {
        // --dry-run: each write is printed as it is planned (table), or listed in the JSON.
        const requests: RecordedRequest[] = [];
        const summary = await syncTickets({
          store,
          config,
          targets: options.target,
          tenants: options.tenant,
          dryRun: options.dryRun ?? false,
          signal: controller.signal,
          onRequest: (r) =>
            options.format === "json" ? requests.push(r) : process.stdout.write(recordedRequestText(r)),
          warn: (m) => process.stderr.write(`warning: ${m}\n`),
        });
        const text =
          options.format === "json"
            ? `${JSON.stringify(options.dryRun ? { ...summary, requests } : summary, null, 2)}\n`
            : syncSummaryText(summary);
        await writeText(text, options.output, "the ticket sync summary");
        // 2: not everything could be synced (DESIGN.md §5 "could not run completely").
        finish(
          exitFor(
            {
              incomplete: summary.targets
                .filter((t) => t.failed.length > 0)
                .map((t) => `ticketing target ${t.target}: ${t.failed.length} item(s) not synced`),
              findings: {},
            },
            undefined,
          ),
        );
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await store.close();
      }
    });

  tickets
    .command("map")
    .description(
      "Match tenants to the PSA's companies by domain and name and propose the mapping (ConnectWise, Autotask, HaloPSA); --write adds it to the config, keeping its comments",
    )
    .requiredOption("--target <id>", "the ticketing target (its PSA's companies are read)")
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .option("--write", "merge the proposed mapping into the config (default: print it and the diff)")
    .action(async (options: { target: string; config: string; write?: boolean }) => {
      const write = options.write ?? false;
      const result = await mapPsaCompanies(options.config, options.target, { write });
      // The YAML that --write would add (or added), exactly.
      process.stdout.write(linesForTerminal(result.diff));
      process.stdout.write(linesForTerminal(psaMapText(result, write)));
      if (result.written)
        process.stderr.write(`wrote ${options.config}; next: mfasweep tickets sync --dry-run\n`);
    });

  tickets
    .command("targets")
    .description("The ticketing systems mfasweep can sync to, and how each finds its tickets again")
    .action(() => {
      for (const c of ticketingConnectors)
        process.stdout.write(`${c.type.padEnd(12)} lookup: ${c.lookup}; ledger first, always\n`);
    });

  return tickets;
}
