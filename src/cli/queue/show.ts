import { type Command, Option } from "commander";
import { itemDetail } from "../../queue/render.js";
import { resolveItem, type StoreOptions, storeOptions, withStore } from "./common.js";

/** `queue show`: one item with its evidence, exception, tickets and history. */
export function showCommand(queue: Command): void {
  storeOptions(
    queue
      .command("show <fingerprint>")
      .description("One item: evidence, exception, tickets and its full history (a unique prefix is enough)")
      .addOption(
        new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
      ),
  ).action(async (fingerprint: string, options: StoreOptions & { format: "table" | "json" }) => {
    await withStore(options, async (store) => {
      const item = await resolveItem(store, fingerprint);
      const [history, tickets] = await Promise.all([
        store.history(item.fingerprint),
        store.tickets(item.fingerprint),
      ]);
      process.stdout.write(
        options.format === "json"
          ? `${JSON.stringify({ item, history, tickets }, null, 2)}\n`
          : itemDetail(item, history, tickets, new Date()),
      );
    });
  });
}
