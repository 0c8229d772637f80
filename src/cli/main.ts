#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { describeError, MfasweepError } from "../errors.js";
import { version } from "../report.js";
import { configCommand } from "./config.js";
import { demoCommand } from "./demo.js";
import { doctorCommand } from "./doctor.js";
import { exportCommand } from "./export.js";
import { initCommand } from "./init.js";
import { policiesCommand } from "./policies.js";
import { queueCommand } from "./queue.js";
import { reportCommand } from "./report.js";
import { scanCommand } from "./scan.js";
import { sweepCommand } from "./sweep.js";
import { ticketsCommand } from "./tickets.js";

/** The CLI only wires commands to library functions (src/index.ts). Exit codes: DESIGN.md §5. */
export function program(): Command {
  return new Command("mfasweep")
    .description("Find every way into your customers that needs no second factor")
    .version(version)
    .option("--debug", "show stack traces of internal errors")
    .exitOverride()
    .addCommand(initCommand())
    .addCommand(configCommand())
    .addCommand(doctorCommand())
    .addCommand(scanCommand())
    .addCommand(sweepCommand())
    .addCommand(queueCommand())
    .addCommand(reportCommand())
    .addCommand(exportCommand())
    .addCommand(ticketsCommand())
    .addCommand(demoCommand())
    .addCommand(policiesCommand());
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`mfasweep: ${describeError(err)}\n`);
    if (!(err instanceof MfasweepError) && cli.opts().debug && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
