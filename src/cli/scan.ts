import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../composition.js";
import { brandingOf } from "../config/report.js";
import { ConfigError } from "../errors.js";
import { exitFor } from "../exit.js";
import { findBrowser } from "../export/pdf.js";
import { forTerminal } from "../export/sanitize.js";
import { reportVerdict } from "../report.js";
import { scan } from "../scan.js";
import { defaultVerifySample, type VerifyEntry, verifyLines } from "../verify/index.js";
import { connectionDone, warn } from "./log.js";
import { type OutputOptions, outputOptions, progressIndicator, writeReport } from "./output.js";
import { defaultConfigPath, finish, printWarnings } from "./shared.js";
import { sampleSize } from "./verify.js";

/** The verify summary of a scan or demo: counts, then one line per disagreement. */
export function printVerification(entries: VerifyEntry[]): void {
  const count = (o: VerifyEntry["outcome"]) => entries.filter((e) => e.outcome === o).length;
  process.stderr.write(
    `What If: ${entries.length} sampled Entra user(s): ${count("agree")} agree, ${count("disagree")} disagree, ${count("unknown")} unknown\n`,
  );
  for (const line of verifyLines(entries)) process.stderr.write(`${forTerminal(line)}\n`);
}

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
    .option("-t, --tenant <id>", "tenant to scan (required when the config has several)", once)
    .option(
      "--verify [others]",
      `also ask Microsoft's Conditional Access What If about every Entra admin, every excluded account and N others (default ${defaultVerifySample}), and print where it disagrees`,
      sampleSize,
    );
  for (const option of outputOptions) command.addOption(option);
  return command.action(
    async (options: OutputOptions & { config: string; tenant?: string; verify?: true | number }) => {
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
        onWarning: warn,
        onConnection: connectionDone,
        ...(options.verify !== undefined
          ? { verify: { sample: options.verify === true ? defaultVerifySample : options.verify } }
          : {}),
      }).finally(progress.done);
      await writeReport(report, options, await brandingOf(config.report, options.config));
      // Disagreements go to stderr: stdout keeps the report format (json, csv) intact.
      if (report.verification) printVerification(report.verification);
      finish(exitFor(reportVerdict(report), options.failOn ?? config.failOn));
    },
  );
}
