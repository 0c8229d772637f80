import { writeFile } from "node:fs/promises";
import { Option } from "commander";
import type { ProgressUpdate } from "../collect/provider.js";
import { ConfigError } from "../errors.js";
import { type Audience, audiences, type Branding, outputFormats, render } from "../export/index.js";
import { findBrowser, htmlToPdf } from "../export/pdf.js";
import { Severity } from "../model/index.js";
import type { ScanReport } from "../report.js";
import { liveProgress } from "./log.js";
import { layout, useColor } from "./shared.js";

/** Formats of scan and demo: the renderers' text formats, and pdf (the html report printed to A4). */
export const reportFormats = [...outputFormats, "pdf"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** Output options shared by scan, demo (and later sweep/export). */
export interface OutputOptions {
  format: ReportFormat;
  output?: string;
  failOn?: Severity;
  all?: boolean;
  audience: Audience;
  bom?: boolean;
}

/** `--bom` and `--no-bom`: with both defined, neither given leaves `bom` undefined and `csvBom` decides. */
export const bomOption = new Option(
  "--bom",
  "csv: start with a UTF-8 byte order mark (the default when --output names a .csv file)",
);
export const noBomOption = new Option("--no-bom", "csv: no byte order mark, also in a .csv file");

/**
 * Whether CSV starts with a UTF-8 byte order mark: as asked, else only in a file named *.csv, which Excel
 * opens by double-click and reads as the local code page without one; never by default on stdout, where
 * a pipe's next program would take the mark for part of the first column's name.
 */
export function csvBom(options: { format: string; bom?: boolean; output?: string }): boolean {
  if (options.bom !== undefined && options.format !== "csv")
    throw new ConfigError(`--${options.bom ? "" : "no-"}bom applies to --format csv only`);
  return options.bom ?? (options.format === "csv" && /\.csv$/i.test(options.output ?? ""));
}

export const outputOptions = [
  new Option(
    "--format <format>",
    "output format (pdf: the html report printed by a local Chromium, Chrome or Edge)",
  )
    .choices(reportFormats)
    .default("table"),
  new Option("--output <file>", "write the output to a file instead of stdout"),
  new Option(
    "--fail-on <severity>",
    "lowest severity of a failing result that makes the exit code 1",
  ).choices(Severity.options),
  new Option("--all", "include passing results in table and csv output"),
  new Option(
    "--audience <audience>",
    "html: technical (every account, finding and its evidence) or executive (2 pages per tenant for the owner)",
  )
    .choices(audiences)
    .default("technical"),
  bomOption,
  noBomOption,
];

export async function writeReport(
  report: ScanReport,
  options: OutputOptions,
  branding?: Branding,
): Promise<void> {
  const renderOptions = {
    color: useColor(options.output),
    ...layout(),
    all: options.all ?? false,
    audience: options.audience,
    branding,
    bom: csvBom(options),
  };
  let text: string | Buffer;
  if (options.format === "pdf") {
    if (!options.output && process.stdout.isTTY)
      throw new ConfigError("--format pdf writes a binary file: give --output FILE.pdf (or pipe stdout)");
    const browser = findBrowser();
    text = await htmlToPdf(render(report, "html", renderOptions), browser);
  } else text = render(report, options.format, renderOptions);
  if (options.output) {
    try {
      await writeFile(options.output, text, { mode: 0o600 });
    } catch (err) {
      throw new ConfigError(
        `cannot write ${options.output} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    process.stderr.write(`wrote ${options.format} to ${options.output}\n`);
  } else {
    process.stdout.write(text);
  }
}

/**
 * A one-line progress indicator on stderr while collecting, only on a terminal (never in pipes, CI
 * logs or when stdout is JSON being captured).
 */
export function progressIndicator(): { update: (u: ProgressUpdate) => void; done: () => void } {
  if (!liveProgress()) return { update: () => {}, done: () => {} };
  const active = new Map<string, string>();
  let last = 0;
  const draw = () => {
    const now = Date.now();
    if (now - last < 80) return;
    last = now;
    const items = [...active.entries()].map(([k, v]) => `${k}: ${v}`);
    const line = `collecting ${items.slice(0, 3).join(" · ")}${items.length > 3 ? ` (+${items.length - 3})` : ""}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  };
  return {
    update: (u) => {
      active.set(
        `${u.tenant}/${u.connection}`,
        `${u.step}${u.done !== undefined ? ` ${u.done}${u.total ? `/${u.total}` : ""}` : ""}`,
      );
      draw();
    },
    done: () => process.stderr.write("\r\x1b[K"),
  };
}
