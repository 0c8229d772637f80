import { Command } from "commander";
import { ConfigError } from "../errors.js";
import { migrateSqliteToPostgres, storeLabel, storeUrl } from "../queue/index.js";

/** `mfasweep store migrate`: moves a queue from its SQLite file to a shared PostgreSQL store. */
export function storeCommand(): Command {
  const store = new Command("store").description("Move the queue between store engines");
  store
    .command("migrate")
    .description("Copy a SQLite queue with its whole history into a new, empty PostgreSQL store")
    .requiredOption("--from <sqlite:PATH>", "the SQLite store (sqlite:PATH, or a plain path)")
    .requiredOption(
      "--to <postgres-url>",
      "the PostgreSQL store: a postgres:// URL without password, or env:NAME / file:PATH holding the URL",
    )
    .action(async (options: { from: string; to: string }) => {
      const from = options.from.replace(/^sqlite:/, "");
      const url = await storeUrl(options.to);
      if (url === undefined)
        throw new ConfigError(`--to: expected a postgres:// URL or env:NAME / file:PATH holding one`);
      const counts = await migrateSqliteToPostgres(from, url);
      process.stdout.write(
        `copied ${counts.items} item(s) with ${counts.item_history} history entries, ${counts.acceptances} acceptance(s), ${counts.tickets} ticket ledger row(s) and ${counts.sweeps} sweep(s) from ${from} to ${storeLabel(options.to)}\n`,
      );
    });
  return store;
}
