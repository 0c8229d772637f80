import { Command } from "commander";
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
import { schemaCommand } from "./schema.js";
import { setWide, throwOnUsageErrors } from "./shared.js";
import { sweepCommand } from "./sweep.js";
import { tenantsCommand } from "./tenants.js";
import { ticketsCommand } from "./tickets.js";

/** The CLI only wires commands to library functions (src/index.ts). Exit codes: src/exit.ts. */
export function program(): Command {
  const cli = new Command("mfasweep")
    .description("Find every way into your customers that needs no second factor")
    .version(version)
    .option("--debug", "show stack traces of internal errors")
    .option("--wide", "print table cells whole, never shortened to the terminal's width")
    .hook("preAction", (root) => setWide(root.opts().wide === true))
    .addCommand(initCommand())
    .addCommand(configCommand())
    .addCommand(doctorCommand())
    .addCommand(scanCommand())
    .addCommand(sweepCommand())
    .addCommand(queueCommand())
    .addCommand(reportCommand())
    .addCommand(exportCommand())
    .addCommand(ticketsCommand())
    .addCommand(tenantsCommand())
    .addCommand(demoCommand())
    .addCommand(policiesCommand())
    .addCommand(schemaCommand());
  throwOnUsageErrors(cli);
  return cli;
}
