import { type Command, Option } from "commander";
import { findingRecordsCsv, findingRecordsJson, storeRecords, tenantNamesOf } from "../../export/record.js";
import { Severity } from "../../model/index.js";
import { ItemState } from "../../queue/index.js";
import { itemsTable } from "../../queue/render.js";
import { layout, useColor } from "../shared.js";
import { list } from "../store.js";
import { checkValues, type StoreOptions, storeOptions, withStore } from "./common.js";

/** `queue list`: items in the queue, filtered, as a table or finding records. */
export function listCommand(queue: Command): void {
  storeOptions(
    queue
      .command("list")
      .description("Items in the queue (everything but resolved, unless --state or --all)")
      .option("-t, --tenant <id>", "only these tenants (repeatable, or comma-separated)", list)
      .option("--severity <severity>", `only these severities (${Severity.options.join(", ")})`, list)
      .option("--state <state>", `only these states (${ItemState.options.join(", ")})`, list)
      .option("--policy <id>", "only these policies", list)
      .option("--overdue", "only open items past their due date")
      .option("--all", "include resolved items")
      .addOption(
        new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"),
      ),
  ).action(
    async (
      options: StoreOptions & {
        tenant?: string[];
        severity?: string[];
        state?: string[];
        policy?: string[];
        overdue?: boolean;
        all?: boolean;
        format: "table" | "json" | "csv";
      },
    ) => {
      const now = new Date();
      const severities = options.severity && checkValues("--severity", options.severity, Severity.options);
      const states = options.state
        ? checkValues("--state", options.state, ItemState.options)
        : options.all
          ? undefined
          : ItemState.options.filter((s) => s !== "resolved");
      const text = await withStore(options, async (store, { config }) => {
        const items = await store.findItems({
          tenants: options.tenant,
          severities,
          states,
          policies: options.policy,
          overdueAt: options.overdue ? now.toISOString() : undefined,
        });
        if (options.format === "table") return itemsTable(items, now, { ...layout(), color: useColor() });
        // The same flat records as export and scan (one schema: `mfasweep schema record`).
        const records = await storeRecords(store, items, {
          now,
          tenantNames: tenantNamesOf(config?.tenants),
        });
        return options.format === "csv" ? findingRecordsCsv(records) : findingRecordsJson(records, now);
      });
      process.stdout.write(text);
    },
  );
}
