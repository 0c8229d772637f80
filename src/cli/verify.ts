import { Command, Option } from "commander";
import { loadConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { forTerminal } from "../export/sanitize.js";
import { defaultVerifySample } from "../verify/index.js";
import { verifyTable } from "../verify/render.js";
import { verify, verifyExit } from "../verify/run.js";
import { progressIndicator } from "./output.js";
import { defaultConfigPath, finish, layout, printWarnings } from "./shared.js";

/** Parses `--sample`: a whole number of users, 0 or more. */
export function sampleSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new ConfigError(`--sample must be a whole number of users, 0 or more (got '${value}')`);
  return n;
}

export function verifyCommand(): Command {
  return new Command("verify")
    .description(
      "Ask Microsoft's Conditional Access What If about a sample of a tenant's Entra users (every admin, every excluded account, N others) and compare with mfasweep's verdicts",
    )
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .requiredOption("-t, --tenant <id>", "tenant to verify")
    .option(
      "--sample <n>",
      `users asked about beyond admins and excluded accounts (default ${defaultVerifySample})`,
      sampleSize,
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(
      async (options: { config: string; tenant: string; sample?: number; format: "table" | "json" }) => {
        const { config, warnings } = await loadConfig(options.config);
        printWarnings(warnings);
        const progress = progressIndicator();
        const report = await verify(config, {
          tenant: options.tenant,
          ...(options.sample !== undefined ? { sample: options.sample } : {}),
          onProgress: progress.update,
          onWarning: (m) => process.stderr.write(`warning: ${forTerminal(m)}\n`),
        }).finally(progress.done);
        const entries = report.verification ?? [];
        process.stdout.write(
          options.format === "json"
            ? `${JSON.stringify(entries, null, 2)}\n`
            : verifyTable(entries, layout()),
        );
        finish(verifyExit(report));
      },
    );
}
