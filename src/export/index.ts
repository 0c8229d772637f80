import type { ScanReport } from "../report.js";
import type { Branding } from "./html/branding.js";
import { toExecutiveHtml } from "./html/executive.js";
import { toHtml } from "./html/index.js";
import { recordsFromScan } from "./items.js";
import { recordsToOcsf } from "./ocsf.js";
import { findingRecordsCsv, findingRecordsNdjson, scanRecords } from "./record.js";
import { type TableOptions, toTable } from "./table.js";

export const outputFormats = ["table", "json", "csv", "ndjson", "html", "ocsf"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Who a customer-facing report (html, pdf) is for: the owner (executive) or the technician (technical). */
export const audiences = ["technical", "executive"] as const;
export type Audience = (typeof audiences)[number];

export interface RenderOptions extends TableOptions {
  audience?: Audience;
  branding?: Branding;
  /** csv: start with a UTF-8 byte order mark (Excel). */
  bom?: boolean;
}

/** The customer-facing HTML of either audience, from the same report. */
export function reportHtml(
  report: ScanReport,
  options: { audience?: Audience; branding?: Branding },
): string {
  return options.audience === "executive"
    ? toExecutiveHtml(report, { branding: options.branding })
    : toHtml(report, { branding: options.branding });
}

export function render(report: ScanReport, format: OutputFormat, table: RenderOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return findingRecordsCsv(scanRecords(report, { all: table.all }), { bom: table.bom });
    case "ndjson":
      return findingRecordsNdjson(scanRecords(report, { all: table.all }));
    case "table":
      return toTable(report, table);
    case "html":
      return reportHtml(report, table);
    case "ocsf":
      // OCSF Compliance Findings of the report's findings and excepted results (passes are not findings).
      return recordsToOcsf(recordsFromScan(report));
  }
}

export type { Branding } from "./html/branding.js";
export { toExecutiveHtml } from "./html/executive.js";
export { type HtmlOptions, toHtml } from "./html/index.js";
export {
  type ExportFilter,
  type ExportRecord,
  parseScanReport,
  recordsFromScan,
  recordsFromStore,
} from "./items.js";
export { recordsToOcsf, toOcsfFinding } from "./ocsf.js";
export {
  FindingRecord,
  findingRecordsCsv,
  findingRecordsJson,
  findingRecordsNdjson,
  type RecordContext,
  type RecordSource,
  recordColumns,
  recordJsonSchema,
  scanRecords,
  storeRecords,
  toFindingRecord,
} from "./record.js";
export { forCsvCell, forTerminal } from "./sanitize.js";
export { toTable } from "./table.js";
