import { existsSync } from "node:fs";
import { Command } from "commander";
import { configJsonSchema, loadConfig } from "../composition.js";
import type { Config } from "../config/load.js";
import { describeError } from "../errors.js";
import { isStorePath, openStore, storeLabel } from "../queue/index.js";
import { defaultConfigPath, printWarnings } from "./shared.js";
import { storePathOf } from "./store.js";

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
    .option(
      "--store <location>",
      "also check each exception against the findings this queue's last sweep stored (default: the config's store, when it exists)",
    )
    .action(async (options: { config: string; store?: string }) => {
      const { config: loaded, warnings, advice } = await loadConfig(options.config);
      const stored = await exceptionsAgainstStore(
        loaded,
        options.store ?? storePathOf(loaded, options.config),
      );
      printWarnings([...warnings, ...advice, ...stored]);
      const connections = loaded.tenants.reduce((n, t) => n + t.connections.length, 0);
      process.stdout.write(
        `${options.config}: ${loaded.tenants.length} tenant(s), ${connections} connection(s), ${loaded.exceptions.length} exception(s): valid\n`,
      );
    });
  return config;
}

/**
 * Warnings for exceptions that match no finding of the store's last sweep; nothing when there are no
 * exceptions or no store. A store that cannot be opened is a warning too: validation never fails on it.
 */
async function exceptionsAgainstStore(config: Config, location: string): Promise<string[]> {
  if (config.exceptions.length === 0 || (isStorePath(location) && !existsSync(location))) return [];
  try {
    const { unmatchedInStore } = await import("../queue/exception-check.js");
    const store = await openStore(location, { create: false, timeoutMs: 5000 });
    try {
      return await unmatchedInStore(store, config, new Date());
    } finally {
      await store.close();
    }
  } catch (err) {
    return [`exceptions not checked against the queue store ${storeLabel(location)}: ${describeError(err)}`];
  }
}
