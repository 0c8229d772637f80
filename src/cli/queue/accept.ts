import type { Command } from "commander";
import { ConfigFile } from "../../config/schema.js";
import type { AcceptLimits } from "../../queue/index.js";
import { resolveItem, type StoreOptions, storeOptions, withStore } from "./common.js";

/** `queue accept`: accept the risk of one item until a day (the queue layer checks the rules). */
export function acceptCommand(queue: Command): void {
  storeOptions(
    queue
      .command("accept <fingerprint>")
      .description(
        "Accept the risk of one item until a date: the same as an exception in the config, for this fingerprint",
      )
      .requiredOption("--reason <text>", "why the risk is accepted")
      .requiredOption("--expires <date>", "YYYY-MM-DD; the item reopens after this day (UTC)")
      .requiredOption("--by <who>", "who approved it"),
  ).action(
    async (fingerprint: string, options: StoreOptions & { reason: string; expires: string; by: string }) => {
      const now = new Date();
      await withStore(
        options,
        async (store, { config }) => {
          const item = await resolveItem(store, fingerprint);
          const accepted = await store.accept(
            item.fingerprint,
            { reason: options.reason.trim(), approvedBy: options.by.trim(), expires: options.expires },
            now,
            config ?? noConfigLimits(),
          );
          process.stdout.write(
            `${accepted.fingerprint} accepted until ${options.expires} by ${options.by.trim()} (${accepted.tenant} ${accepted.policy} ${accepted.subject.name}); it reopens after that day\n`,
          );
        },
        { safetyRules: true },
      );
    },
  );
}

/**
 * Without a config file (none given and no default one) the limits are those of a config that leaves `maxExceptionDays`
 * out: the schema's default, so there is one default, not a second copy here.
 */
function noConfigLimits(): AcceptLimits {
  return { maxExceptionDays: ConfigFile.shape.maxExceptionDays.parse(undefined) };
}
