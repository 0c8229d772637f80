import { Command } from "commander";
import type { DoctorCheck } from "../collect/provider.js";
import { loadConfig } from "../composition.js";
import type { Config } from "../config/load.js";
import { doctor } from "../doctor.js";
import { describeError } from "../errors.js";
import { exitFor } from "../exit.js";
import { forTerminal } from "../export/sanitize.js";
import { checkTicketTarget } from "../export/ticketing/check.js";
import type { TargetCommon } from "../export/ticketing/sync.js";
import { consentRows, consentTable } from "../onboarding/consent-table.js";
import { checkStore } from "../queue/check.js";
import { defaultConfigPath, finish, layout, printWarnings } from "./shared.js";
import { list, storePathOf } from "./store.js";
import { prefixHelp } from "./worker.js";

interface DoctorCliOptions {
  config: string;
  tenant?: string[];
  format: string;
  store?: string;
  queue?: string;
  queuePrefix: string;
}

/** The queue's Redis and its workers, against the sites the config's connections need (BullMQ loads only now). */
async function queueCheck(reference: string, prefix: string, config: Config): Promise<DoctorCheck> {
  const { checkQueue, queueUrl, siteOf } = await import("../distribute/index.js");
  const sites = config.tenants.flatMap((t) => t.connections.map((c) => siteOf(c) ?? ""));
  try {
    return { check: "queue", ...(await checkQueue(await queueUrl(reference), prefix, sites)) };
  } catch (err) {
    return { check: "queue", ok: false, detail: describeError(err) };
  }
}

export function doctorCommand(): Command {
  return (
    new Command("doctor")
      .description("Check each connection's credentials and name the exact permissions it lacks")
      .option("-c, --config <file>", "config file", defaultConfigPath())
      // Repeatable: every --tenant counts, never only the last (issue #19 item 11).
      .option("-t, --tenant <id>", "only these tenants (repeatable, or comma-separated)", list)
      .option("--format <format>", "table or json", "table")
      .option(
        "--store <location>",
        "also check this queue store (default: the config's store, when it names one)",
      )
      .option(
        "--queue <redis>",
        "also check a distributed sweep's queue: env:NAME, file:PATH or a redis:// URL without password",
      )
      .option("--queue-prefix <prefix>", prefixHelp, "mfasweep")
      .action(async (options: DoctorCliOptions) => {
        const { config, warnings } = await loadConfig(options.config);
        printWarnings(warnings);
        const reports = await doctor(config, {
          tenants: options.tenant?.length ? options.tenant : undefined,
          onWarning: (m) => process.stderr.write(`warning: ${forTerminal(m)}\n`),
        });
        const store = options.store ?? (config.store ? storePathOf(config, options.config) : undefined);
        if (store !== undefined)
          reports.push({
            tenant: "-",
            connection: "store",
            type: "store",
            checks: [await checkStore(store)],
            permissions: [],
          });
        if (options.queue)
          reports.push({
            tenant: "-",
            connection: "queue",
            type: "queue",
            checks: [await queueCheck(options.queue, options.queuePrefix, config)],
            permissions: [],
          });
        // Ticketing targets: reachable and signed in, by one read-only request each (issue #23 item 8).
        for (const target of (config.ticketing ?? []) as unknown as TargetCommon[])
          reports.push({
            tenant: "-",
            connection: target.id,
            type: `ticketing ${target.type}`,
            checks: [
              await checkTicketTarget(target, {
                warn: (m) => process.stderr.write(`warning: ${forTerminal(m)}\n`),
              }),
            ],
            permissions: [],
          });
        if (options.format === "json") process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
        else {
          for (const r of reports) {
            process.stdout.write(`${r.tenant}/${r.connection} (${r.type})\n`);
            for (const c of r.checks) {
              const mark = !c.ok ? "FAIL" : c.excess?.length ? "warn" : "ok  ";
              process.stdout.write(`  ${mark} ${c.check}: ${forTerminal(c.detail)}\n`);
              if (c.missing?.length) process.stdout.write(`       grant: ${c.missing.join(", ")}\n`);
              if (c.excess?.length)
                process.stdout.write(`       revoke: ${forTerminal(c.excess.join(", "))}\n`);
            }
            // The store and queue checks have no permissions to list.
            if (r.permissions.length && r.checks.some((c) => !c.ok))
              process.stdout.write(`  needs:\n${r.permissions.map((p) => `    ${p}`).join("\n")}\n`);
          }
          process.stdout.write(consentTable(consentRows(reports), layout()));
        }
        finish(
          exitFor(
            {
              incomplete: reports.flatMap((r) =>
                r.checks
                  .filter((c) => !c.ok)
                  .map((c) => `${r.tenant}/${r.connection} failed check ${c.check}`),
              ),
              findings: {},
            },
            undefined,
          ),
        );
      })
  );
}
