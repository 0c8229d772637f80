import { Command, Option } from "commander";
import { exampleConfig } from "../config/example.js";
import { ConfigError } from "../errors.js";
import { linesForTerminal } from "../export/sanitize.js";
import { discoveryText } from "../onboarding/discover.js";
import { initFromGdap, writeNewConfig } from "../onboarding/init.js";

interface InitOptions {
  output: string;
  force?: boolean;
  from?: "gdap";
  tenantId?: string;
  clientId?: string;
  secret?: string;
  certificate?: string;
  endpoint?: string;
  authorityHost?: string;
  caBundle?: string;
}

export function initCommand(): Command {
  return new Command("init")
    .description(
      "Write a commented example config (or, --from gdap, the MSP's tenant and its GDAP customers)",
    )
    .option("-o, --output <file>", "where to write it", "mfasweep.yaml")
    .option("--force", "overwrite an existing file")
    .addOption(new Option("--from <source>", "find the customers through GDAP").choices(["gdap"]))
    .option("--tenant-id <id>", "with --from gdap: the MSP's own directory id")
    .option("--client-id <id>", "with --from gdap: the MSP's multi-tenant app")
    .option("--secret <ref>", "with --from gdap: the app's client secret (env:NAME or file:PATH)")
    .option("--certificate <ref>", "with --from gdap: the app's PEM certificate and key (file:PATH)")
    .option("--endpoint <url>", "with --from gdap: Graph endpoint override (proxies)")
    .option("--authority-host <url>", "with --from gdap: sign-in host override")
    .option("--ca-bundle <file>", "with --from gdap: CA bundle for both")
    .action(async (options: InitOptions) => {
      if (options.from !== "gdap") {
        await writeNewConfig(options.output, exampleConfig, options.force ?? false);
        process.stderr.write(
          `wrote ${options.output}; edit it, then run: mfasweep doctor && mfasweep scan --tenant <id>\n`,
        );
        return;
      }
      const { output, force, from: _, tenantId, clientId, ...app } = options;
      const result = await initFromGdap(output, {
        ...app,
        tenantId: required(tenantId, "--tenant-id"),
        clientId: required(clientId, "--client-id"),
        ...(force ? { force } : {}),
      });
      process.stdout.write(linesForTerminal(discoveryText(result, false)));
      if (result.consentUrls.length)
        process.stdout.write(
          `\nA Privileged Role Administrator of each customer consents the app at:\n${result.consentUrls.map((c) => `  ${c.tenant}  ${c.url}`).join("\n")}\n`,
        );
      process.stderr.write(`wrote ${output}; after consent, run: mfasweep doctor\n`);
    });
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new ConfigError(`init --from gdap needs ${flag}`);
  return value;
}
