import type { ScanReport } from "../report.js";
import { toCsv } from "./csv.js";
import type { Branding } from "./html/branding.js";
import { toExecutiveHtml } from "./html/executive.js";
import { toHtml } from "./html/index.js";
import { recordsFromScan } from "./items.js";
import { recordsToOcsf } from "./ocsf.js";
import { type TableOptions, toTable } from "./table.js";

export const outputFormats = ["table", "json", "csv", "html", "ocsf"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Who a customer-facing report (html, pdf) is for: the owner (executive) or the technician (technical). */
export const audiences = ["technical", "executive"] as const;
export type Audience = (typeof audiences)[number];

export interface RenderOptions extends TableOptions {
  audience?: Audience;
  branding?: Branding;
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
      return toCsv(report.results.filter((r) => table.all || r.status !== "pass"));
    case "table":
      return toTable(report, table);
    case "html":
      return reportHtml(report, table);
    case "ocsf":
      // OCSF Compliance Findings of the report's findings and excepted results (passes are not findings).
      return recordsToOcsf(recordsFromScan(report));
  }
}

export { toCsv } from "./csv.js";
export type { Branding } from "./html/branding.js";
export { toExecutiveHtml } from "./html/executive.js";
export { type HtmlOptions, toHtml } from "./html/index.js";
export {
  type ExportFilter,
  type ExportRecord,
  recordsFromScan,
  recordsFromStore,
  recordsToCsv,
  recordsToJson,
  recordsToNdjson,
} from "./items.js";
export { recordsToOcsf, toOcsfFinding } from "./ocsf.js";
export { forCsvCell, forTerminal } from "./sanitize.js";
export { toTable } from "./table.js";
