import type { ScanReport } from "../report.js";
import { toCsv } from "./csv.js";
import { toHtml } from "./html/index.js";
import { recordsFromScan } from "./items.js";
import { recordsToOcsf } from "./ocsf.js";
import { type TableOptions, toTable } from "./table.js";

export const outputFormats = ["table", "json", "csv", "html", "ocsf"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function render(report: ScanReport, format: OutputFormat, table: TableOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return toCsv(report.results.filter((r) => table.all || r.status !== "pass"));
    case "table":
      return toTable(report, table);
    case "html":
      return toHtml(report);
    case "ocsf":
      // OCSF Compliance Findings of the report's findings and excepted results (passes are not findings).
      return recordsToOcsf(recordsFromScan(report));
  }
}

export { toCsv } from "./csv.js";
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
