import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import { demoBranding, demoPortfolio, runDemo, runDemoSweep } from "../demo/index.js";
import { weekTwo } from "../demo/week-2.js";
import { exitFor } from "../exit.js";
import { findBrowser } from "../export/pdf.js";
import { forTerminal } from "../export/sanitize.js";
import { toWeeklyHtml, weeklyReport } from "../export/weekly/index.js";
import { openStore } from "../queue/index.js";
import { reportVerdict } from "../report.js";
import { sweepVerdict } from "../sweep.js";
import { connectionDone, tenantDone } from "./log.js";
import { type OutputOptions, outputOptions, progressIndicator, writeReport } from "./output.js";
import { printVerification } from "./scan.js";
import { finish } from "./shared.js";
import { renderSweep, writeText } from "./sweep.js";

interface DemoCliOptions extends OutputOptions {
  store?: string;
  tenant?: string;
  week: "1" | "2";
}

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
  command.addOption(
    new Option(
      "--week <n>",
      "2: the portfolio a week later (fixes, a regression, a new account) swept after week 1, into --store or a temporary one",
    )
      .choices(["1", "2"])
      .default("1"),
  );
  return command.action(async (options: DemoCliOptions) => {
    if (options.store) return demoIntoStore(options.store, options);
    if (options.week === "2") return demoWeekTwo(options);
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

/** What happened at the customers between the two weeks, as the table output's preface. */
function weekTwoPreface(tenants: string[] | undefined): string {
  const lines = weekTwo
    .filter((c) => !tenants || tenants.includes(c.tenant))
    .map((c) => `  ${c.kind.padEnd(11)}  ${c.tenant.padEnd(14)}  ${c.what}`);
  return `Week 2: what changed at the customers since week 1\n${lines.join("\n")}\n\n`;
}

/** `demo --week 2` without a store: week 1 then week 2 into a temporary store, which is removed after. */
async function demoWeekTwo(options: DemoCliOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-"));
  try {
    await demoIntoStore(join(dir, "demo.db"), options, { temporary: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `mfasweep demo --store FILE [--week 2]`: the demo portfolio as a sweep into that store, then its summary.
 * Week 2 into a store without any sweep sweeps week 1 first, so the diff shows the week's changes.
 */
async function demoIntoStore(
  path: string,
  options: DemoCliOptions,
  { temporary = false }: { temporary?: boolean } = {},
): Promise<void> {
  const store = await openStore(path, { create: true });
  const week = options.week === "2" ? 2 : 1;
  const tenants = options.tenant ? [options.tenant] : undefined;
  const progress = progressIndicator();
  try {
    if (week === 2 && (await store.listSweeps({ limit: 1 })).length === 0) {
      if (!temporary) process.stderr.write(`no sweep in ${forTerminal(path)} yet: sweeping week 1 first\n`);
      await runDemoSweep({ store, tenants, onProgress: progress.update, keepResults: "none" });
    }
    const outcome = await runDemoSweep({
      store,
      week,
      tenants,
      onProgress: progress.update,
      onConnection: connectionDone,
      onTenant: tenantDone,
      keepResults: options.format === "json" ? "all" : "none",
    }).finally(progress.done);
    if (options.format === "html") {
      // The weekly summary of this demo sweep (what a second run changed, the trend across runs).
      await writeText(toWeeklyHtml(await weeklyReport(store)), options.output, "html");
      finish(exitFor(sweepVerdict(outcome), options.failOn));
      return;
    }
    const format = options.format === "json" ? "json" : "table";
    const color = !options.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
    let text = renderSweep(outcome, format, color);
    if (format === "table" && week === 2) text = weekTwoPreface(tenants) + text;
    if (format === "table" && !options.output) text += await tryNext(store, path, week, temporary);
    await writeText(text, options.output, format);
    // Like the plain demo: findings are there on purpose; a failing exit code only with --fail-on.
    finish(exitFor(sweepVerdict(outcome), options.failOn));
  } finally {
    await store.close();
  }
}

/** The commands worth trying next, under the table. */
async function tryNext(
  store: Awaited<ReturnType<typeof openStore>>,
  path: string,
  week: 1 | 2,
  temporary: boolean,
): Promise<string> {
  if (temporary)
    return "\nTo keep the queue: mfasweep demo --store demo.db, then mfasweep demo --store demo.db --week 2\n";
  const [example] = await store.findItems({ states: ["open", "reopened"] });
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return `\nTry: mfasweep queue list --store ${path}${
    example
      ? `\n     mfasweep queue accept ${example.fingerprint.slice(0, 12)} --store ${path} --reason "pilot user, fixed next sprint" --expires ${expires} --by you@msp.example`
      : ""
  }${
    week === 1
      ? `\n     mfasweep demo --store ${path} --week 2   (the portfolio a week later: what the next sweep shows)`
      : `\n     mfasweep report --store ${path} --format html --output weekly.html   (the weekly summary)`
  }\n`;
}
