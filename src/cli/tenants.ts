import { Command, Option } from "commander";
import { loadConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { linesForTerminal } from "../export/sanitize.js";
import { consentUrl } from "../onboarding/consent.js";
import {
  type DiscoveryResult,
  discoverFromCsv,
  discoverFromGdap,
  discoveryText,
} from "../onboarding/discover.js";
import { discoverFromNinjaOne } from "../onboarding/ninjaone.js";
import { defaultConfigPath } from "./shared.js";

/** `mfasweep tenants discover|consent-url`: onboarding at MSP scale (issue #22). */
export function tenantsCommand(): Command {
  const tenants = new Command("tenants").description(
    "Find customers and get the MSP's app consented in them",
  );
  tenants
    .command("discover")
    .description(
      "Add a tenant entry for each customer found (GDAP through the MSP's own Entra connection, a CSV file, or the organizations of the MSP's NinjaOne), keeping the config's comments and order",
    )
    .addOption(
      new Option("--from <source>", "where customers come from")
        .choices(["gdap", "csv", "ninjaone"])
        .makeOptionMandatory(),
    )
    .argument("[file]", "the CSV file (with --from csv): header name, entraTenantId and/or domain, id")
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .option("--dry-run", "print what would be added and gone; write nothing")
    .action(
      async (
        file: string | undefined,
        options: { from: "gdap" | "csv" | "ninjaone"; config: string; dryRun?: boolean },
      ) => {
        const dryRun = options.dryRun ?? false;
        let result: DiscoveryResult;
        if (options.from === "csv") {
          if (!file)
            throw new ConfigError("--from csv needs the CSV file: mfasweep tenants discover --from csv FILE");
          result = await discoverFromCsv(options.config, file, { dryRun });
        } else if (options.from === "ninjaone")
          result = await discoverFromNinjaOne(options.config, { dryRun });
        else result = await discoverFromGdap(options.config, { dryRun });
        // The YAML that would be written, exactly: the user sees the file, not a summary of it.
        if (dryRun) process.stdout.write(linesForTerminal(result.diff));
        process.stdout.write(linesForTerminal(discoveryText(result, dryRun)));
        if (result.written) process.stderr.write(`wrote ${options.config}; next: mfasweep doctor\n`);
      },
    );
  tenants
    .command("consent-url")
    .description("Print the admin-consent URL of the MSP's app for one customer")
    .argument("<tenant>", "tenant id in the config")
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .action(async (tenant: string, options: { config: string }) => {
      const { config } = await loadConfig(options.config);
      process.stdout.write(`${consentUrl(config, tenant)}\n`);
    });
  return tenants;
}
