import { userInfo } from "node:os";
import type { Command } from "commander";
import { defaultSla } from "../../queue/index.js";
import { resolveItem, type StoreOptions, storeOptions, withStore } from "./common.js";

/** `queue reopen`: reopen an accepted or resolved item. */
export function reopenCommand(queue: Command): void {
  storeOptions(
    queue
      .command("reopen <fingerprint>")
      .description("Reopen an accepted or resolved item (withdraws a queue acceptance)")
      .option("--by <who>", "who reopened it (default: the current user)")
      .option("--reason <text>", "why"),
  ).action(async (fingerprint: string, options: StoreOptions & { by?: string; reason?: string }) => {
    await withStore(options, async (store, { config }) => {
      const item = await resolveItem(store, fingerprint);
      const reopened = await store.reopen(
        item.fingerprint,
        { actor: options.by?.trim() || userInfo().username, reason: options.reason?.trim() || undefined },
        config?.sla ?? defaultSla,
        new Date(),
      );
      process.stdout.write(`${reopened.fingerprint} reopened, due ${reopened.dueAt ?? "-"}\n`);
      if (item.exception?.source === "config")
        process.stderr.write(
          "note: a config exception covered it; the next sweep accepts it again unless that exception is removed\n",
        );
    });
  });
}
