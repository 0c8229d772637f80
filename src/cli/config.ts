import { Command } from "commander";
import { configJsonSchema, loadConfig } from "../composition.js";
import { defaultConfigPath, printWarnings } from "./shared.js";

export function configCommand(): Command {
  const config = new Command("config").description("Work with the config file");
  config
    .command("schema")
    .description("Print the config's JSON Schema (for editor autocompletion)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
  config
    .command("validate")
    .description("Check a config file and report every problem with its line")
    .option("-c, --config <file>", "config file", defaultConfigPath())
    .action(async (options: { config: string }) => {
      const { config: loaded, warnings, advice } = await loadConfig(options.config);
      printWarnings([...warnings, ...advice]);
      const connections = loaded.tenants.reduce((n, t) => n + t.connections.length, 0);
      process.stdout.write(
        `${options.config}: ${loaded.tenants.length} tenant(s), ${connections} connection(s), ${loaded.exceptions.length} exception(s): valid\n`,
      );
    });
  return config;
}
