import { userInfo } from "node:os";
import { Command, Option } from "commander";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { findingRecordsCsv, findingRecordsJson, storeRecords, tenantNamesOf } from "../export/record.js";
import { Severity } from "../model/index.js";
import {
  defaultMaxExceptionDays,
  defaultSla,
  ItemState,
  openStore,
  type QueueItem,
  QueueItemError,
  type Store,
} from "../queue/index.js";
import { itemDetail, itemsTable } from "../queue/render.js";
import { layout, useColor } from "./shared.js";
import { list, locateStore } from "./store.js";

interface StoreOptions {
  store?: string;
  config?: string;
}

const storeOptions = (command: Command) =>
  command
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .option("-c, --config <file>", "config file, for store.path, sla and maxExceptionDays");

async function withStore<T>(
  options: StoreOptions,
  fn: (store: Store, ctx: Awaited<ReturnType<typeof locateStore>>) => Promise<T>,
): Promise<T> {
  const located = await locateStore(options);
  const store = await openStore(located.path, { create: false });
  try {
    return await fn(store, located);
  } finally {
    await store.close();
  }
}

/** A full fingerprint or a unique prefix of at least 6 hex digits (as `queue list` shows 12). */
async function resolveItem(store: Store, fingerprint: string): Promise<QueueItem> {
  if (!/^[0-9a-f]{6,64}$/i.test(fingerprint))
    throw new QueueItemError(
      `'${fingerprint}' is not a fingerprint (6 to 64 hex digits, see: mfasweep queue list)`,
    );
  const matches = await store.findItems({ fingerprintPrefix: fingerprint.toLowerCase() });
  if (matches.length === 0) throw new QueueItemError(`no item ${fingerprint} in ${store.location}`);
  if (matches.length > 1)
    throw new QueueItemError(
      `${fingerprint} matches ${matches.length} items (${matches
        .slice(0, 5)
        .map((m) => m.fingerprint)
        .join(", ")}${matches.length > 5 ? ", ..." : ""}); give more digits`,
    );
  return matches[0]!;
}

function checkValues<T extends string>(name: string, values: string[], allowed: readonly T[]): T[] {
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length)
    throw new ConfigError(
      `${name}: unknown value ${bad.map((b) => `'${b}'`).join(", ")} (allowed: ${allowed.join(", ")})`,
    );
  return values as T[];
}

export function queueCommand(): Command {
  const queue = new Command("queue").description(
    "The remediation queue that sweeps keep: list, show, accept, reopen, prune",
  );

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
      await withStore(options, async (store, { config }) => {
        const item = await resolveItem(store, fingerprint);
        const accepted = await store.accept(
          item.fingerprint,
          { reason: options.reason.trim(), approvedBy: options.by.trim(), expires: options.expires },
          now,
          { maxExceptionDays: config?.maxExceptionDays ?? defaultMaxExceptionDays },
        );
        process.stdout.write(
          `${accepted.fingerprint} accepted until ${options.expires} by ${options.by.trim()} (${accepted.tenant} ${accepted.policy} ${accepted.subject.name}); it reopens after that day\n`,
        );
      });
    },
  );

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
      await withStore(options, async (store, { config }) => {
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
      });
    },
  );

  return queue;
}
