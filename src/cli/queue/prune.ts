import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import { defaultConfigPath } from "../shared.js";
import { list } from "../store.js";
import { type StoreOptions, storeOptions, withStore } from "./common.js";

/** `queue prune`: delete what the queue no longer needs (the stores refuse a configured tenant). */
export function pruneCommand(queue: Command): void {
  storeOptions(
    queue
      .command("prune")
      .description(
        "Delete what the queue no longer needs: items resolved long ago, a former customer's items, old sweep records",
      )
      .option(
        "--resolved-before <date>",
        "YYYY-MM-DD: items resolved before this day (UTC), with their history",
      )
      .option(
        "--forget-tenant <id>",
        "every item of a tenant that left (repeatable); refused while the config still lists it",
        list,
        [],
      )
      .option(
        "--sweeps-before <date>",
        "YYYY-MM-DD: records of sweeps started before this day (trend reports lose them)",
      )
      .option("--dry-run", "count what would be deleted, delete nothing"),
  ).action(
    async (
      options: StoreOptions & {
        resolvedBefore?: string;
        forgetTenant: string[];
        sweepsBefore?: string;
        dryRun?: boolean;
      },
    ) => {
      const day = (name: string, value: string | undefined) => {
        if (value === undefined) return undefined;
        if (!z.iso.date().safeParse(value).success)
          throw new ConfigError(`${name}: expected a date as YYYY-MM-DD (got '${value}')`);
        return `${value}T00:00:00.000Z`;
      };
      const resolvedBefore = day("--resolved-before", options.resolvedBefore);
      const sweepsBefore = day("--sweeps-before", options.sweepsBefore);
      if (!resolvedBefore && !sweepsBefore && options.forgetTenant.length === 0)
        throw new ConfigError("nothing to prune: give --resolved-before, --forget-tenant or --sweeps-before");
      await withStore(
        options,
        async (store, { config }) => {
          // Without a config there is no tenant list to check against: forgetting would be blind.
          if (!config && options.forgetTenant.length)
            throw new ConfigError(
              `--forget-tenant needs the config (-c FILE; no ${defaultConfigPath()} here), so that a tenant it still lists is not forgotten`,
            );
          const counts = await store.prune({
            ...(resolvedBefore ? { resolvedBefore } : {}),
            ...(sweepsBefore ? { sweepsBefore } : {}),
            forgetTenants: options.forgetTenant,
            configuredTenants: config?.tenants.map((t) => t.id) ?? [],
            dryRun: options.dryRun === true,
          });
          process.stdout.write(
            `${options.dryRun ? "would delete" : "deleted"} ${counts.items} item(s) with ${counts.history} history entries, and ${counts.sweeps} sweep record(s) from ${store.location}\n`,
          );
        },
        { safetyRules: true },
      );
    },
  );
}
