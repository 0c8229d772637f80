import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config/load.js";
import { brandingOf } from "../config/report.js";
import { ConfigError } from "../errors.js";
import { exitFor } from "../exit.js";
import { findBrowser } from "../export/pdf.js";
import { forTerminal } from "../export/sanitize.js";
import { reportVerdict } from "../report.js";
import { scan } from "../scan.js";
import { type OutputOptions, outputOptions, progressIndicator, writeReport } from "./output.js";
import { defaultConfigPath, finish, printWarnings } from "./shared.js";

/** scan reads one tenant: a second --tenant is an error, never silently the one that wins (issue #19 item 11). */
function once(value: string, previous: string | undefined): string {
  if (previous !== undefined)
    throw new InvalidArgumentError(
      `scan reads one tenant; --tenant was given twice ('${previous}', '${value}'): use sweep --tenant for several`,
    );
  return value;
}

export function scanCommand(): Command {
  const command = new Command("scan")
    .description("Scan one tenant and print its results; nothing is persisted (pre-onboarding check)")
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .option("-t, --tenant <id>", "tenant to scan (required when the config has several)", once);
  for (const option of outputOptions) command.addOption(option);
  return command.action(async (options: OutputOptions & { config: string; tenant?: string }) => {
    const { config, warnings } = await loadConfig(options.config);
    printWarnings(warnings);
    const tenant = options.tenant ?? (config.tenants.length === 1 ? config.tenants[0]?.id : undefined);
    if (!tenant) {
      throw new ConfigError(
        `--tenant is required: the config has ${config.tenants.length} tenants (${config.tenants.map((t) => t.id).join(", ")})`,
      );
    }
    if (options.format === "pdf") findBrowser();
    const progress = progressIndicator();
    const report = await scan(config, {
      tenants: [tenant],
      onProgress: progress.update,
      onWarning: (m) => process.stderr.write(`warning: ${forTerminal(m)}\n`),
    }).finally(progress.done);
    await writeReport(report, options, await brandingOf(config.report, options.config));
    finish(exitFor(reportVerdict(report), options.failOn ?? config.failOn));
  });
}
