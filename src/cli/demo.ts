import { Command } from "commander";
import { demoBranding, demoPortfolio, runDemo } from "../demo/index.js";
import { exitFor } from "../exit.js";
import { findBrowser } from "../export/pdf.js";
import { reportVerdict } from "../report.js";
import { type OutputOptions, outputOptions, progressIndicator, writeReport } from "./output.js";
import { printVerification } from "./scan.js";
import { finish } from "./shared.js";
import { demoIntoStore } from "./sweep.js";

export function demoCommand(): Command {
  const command = new Command("demo").description(
    "Scan a fictional MSP portfolio served by local emulators through the real client libraries (no network, no credentials)",
  );
  for (const option of outputOptions) command.addOption(option);
  command.option(
    "--store <file>",
    "run the demo as a sweep into this queue database (try queue list, sweep again; --format html writes the weekly summary)",
  );
  command.option(
    "-t, --tenant <id>",
    `only this prospect, as a pre-onboarding assessment (${demoPortfolio.tenants.map((t) => t.id).join(", ")})`,
  );
  return command.action(async (options: OutputOptions & { store?: string; tenant?: string }) => {
    if (options.store) return demoIntoStore(options.store, options);
    // Before the scan: a missing browser is known now, not after the emulators ran.
    if (options.format === "pdf") findBrowser();
    const progress = progressIndicator();
    const report = await runDemo({
      onProgress: progress.update,
      ...(options.tenant ? { tenants: [options.tenant] } : {}),
    }).finally(progress.done);
    await writeReport(report, options, demoBranding);
    if (report.verification) printVerification(report.verification);
    // The demo has findings on purpose; it only sets a failing exit code when asked to (--fail-on).
    finish(exitFor(reportVerdict(report), options.failOn));
  });
}
