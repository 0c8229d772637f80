import type { ScanReport } from "../report.js";
import { toCsv } from "./csv.js";
import { toHtml } from "./html/index.js";
import { type TableOptions, toTable } from "./table.js";

export const outputFormats = ["table", "json", "csv", "html"] as const;
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
  }
}

export { toCsv } from "./csv.js";
export { type HtmlOptions, toHtml } from "./html/index.js";
export { forCsvCell, forTerminal } from "./sanitize.js";
export { toTable } from "./table.js";
