import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { ConfigError } from "../errors.js";
import {
  type ExportFilter,
  type ExportRecord,
  parseScanReport,
  recordsFromScan,
  recordsFromStore,
} from "../export/items.js";
import { recordsToOcsf } from "../export/ocsf.js";
import {
  type FindingRecord,
  findingRecordsCsv,
  findingRecordsJson,
  findingRecordsNdjson,
  storeRecords,
  tenantNamesOf,
  toFindingRecord,
} from "../export/record.js";
import { Severity } from "../model/index.js";
import { ItemState, openStore } from "../queue/index.js";
import type { ScanReport } from "../report.js";
import { bomOption, csvBom, noBomOption } from "./output.js";
import { list, locateStore } from "./store.js";
import { writeText } from "./sweep.js";

const formats = ["csv", "json", "ndjson", "ocsf"] as const;
type Format = (typeof formats)[number];

interface ExportCliOptions {
  store?: string;
  config?: string;
  fromScan?: string;
  format: Format;
  output?: string;
  tenant?: string[];
  severity?: string[];
  state?: string[];
  bom?: boolean;
}

function checkValues<T extends string>(
  name: string,
  values: string[] | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (!values) return undefined;
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length)
    throw new ConfigError(
      `${name}: unknown value ${bad.map((b) => `'${b}'`).join(", ")} (allowed: ${allowed.join(", ")})`,
    );
  return values as T[];
}

/** Export records of a scan's JSON report, and its tenants (for their names). */
async function fromScanFile(
  file: string,
  filter: ExportFilter,
): Promise<{ records: ExportRecord[]; tenants: ScanReport["tenants"] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(
      `${file} is not JSON (write one with: mfasweep scan --format json --output ${file})`,
    );
  }
  const report = parseScanReport(raw, file);
  return {
    records: recordsFromScan(report, filter, file),
    tenants: report.tenants,
  };
}

/** `mfasweep export`: queue items (or one scan's results) as CSV, JSON, NDJSON or OCSF. */
export function exportCommand(): Command {
  return new Command("export")
    .description(
      "Export queue items (or a scan report's findings) as CSV, JSON, NDJSON or OCSF Compliance Findings",
    )
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .option("-c, --config <file>", "config file, for store.path")
    .option(
      "--from-scan <file>",
      "export a scan's JSON report (mfasweep scan --format json) instead of the queue",
    )
    .addOption(new Option("--format <format>", "output format").choices(formats).default("csv"))
    .option("--output <file>", "write to a file instead of stdout")
    .option("-t, --tenant <id>", "only these tenants (repeatable, or comma-separated)", list)
    .option("--severity <severity>", `only these severities (${Severity.options.join(", ")})`, list)
    .option(
      "--state <state>",
      `only these states (${ItemState.options.join(", ")}; default: all but resolved)`,
      list,
    )
    .addOption(bomOption)
    .addOption(noBomOption)
    .action(async (options: ExportCliOptions) => {
      const now = new Date();
      const bom = csvBom(options);
      const filter: ExportFilter = {
        tenants: options.tenant,
        severities: checkValues("--severity", options.severity, Severity.options),
        states: checkValues("--state", options.state, ItemState.options),
      };
      let records: ExportRecord[];
      let rows: FindingRecord[];
      if (options.fromScan) {
        const scan = await fromScanFile(options.fromScan, filter);
        records = scan.records;
        rows = records.map((r) => toFindingRecord(r, { now, tenantNames: tenantNamesOf(scan.tenants) }));
      } else {
        const located = await locateStore(options);
        const store = await openStore(located.path, { create: false });
        try {
          records = await recordsFromStore(store, filter);
          rows = await storeRecords(store, records, {
            now,
            tenantNames: tenantNamesOf(located.config?.tenants),
          });
        } finally {
          await store.close();
        }
      }
      const text =
        options.format === "ocsf"
          ? recordsToOcsf(records, now)
          : options.format === "csv"
            ? findingRecordsCsv(rows, { bom })
            : options.format === "ndjson"
              ? findingRecordsNdjson(rows)
              : findingRecordsJson(rows, now);
      await writeText(text, options.output, `${records.length} item(s) as ${options.format}`);
    });
}
