import { Command, Option } from "commander";
import { version } from "../version.js";
import { setLog } from "./log.js";
import { setWide, throwOnUsageErrors } from "./shared.js";

/**
 * Every command: its one-line summary (root help) and how to load it. A command's module (and what it
 * imports: config, providers, the store) is loaded only when that command runs or its help is asked for,
 * so `mfasweep --version` and `--help` start fast (issue #23). A test checks each summary against the
 * description the loaded command gives itself.
 */
export const commandTable: ReadonlyArray<{ name: string; summary: string; load(): Promise<Command> }> = [
  {
    name: "init",
    summary: "Write a commented example config (or, --from gdap, the MSP's tenant and its GDAP customers)",
    load: async () => (await import("./init.js")).initCommand(),
  },
  {
    name: "config",
    summary: "Work with the config file",
    load: async () => (await import("./config.js")).configCommand(),
  },
  {
    name: "doctor",
    summary: "Check each connection's credentials and name the exact permissions it lacks",
    load: async () => (await import("./doctor.js")).doctorCommand(),
  },
  {
    name: "scan",
    summary: "Scan one tenant and print its results; nothing is persisted (pre-onboarding check)",
    load: async () => (await import("./scan.js")).scanCommand(),
  },
  {
    name: "verify",
    summary:
      "Ask Microsoft's Conditional Access What If about a sample of a tenant's Entra users (every admin, every excluded account, N others) and compare with mfasweep's verdicts",
    load: async () => (await import("./verify.js")).verifyCommand(),
  },
  {
    name: "sweep",
    summary:
      "Scan every tenant (or --tenant), update the remediation queue, and print what changed since the last sweep",
    load: async () => (await import("./sweep.js")).sweepCommand(),
  },
  {
    name: "worker",
    summary:
      "Collect connections for `sweep --queue` on this machine (secrets resolve here); --site for a collector inside a customer's network",
    load: async () => (await import("./worker.js")).workerCommand(),
  },
  {
    name: "workers",
    summary: "List the workers connected to a distributed sweep's queue, and their sites",
    load: async () => (await import("./worker.js")).workersCommand(),
  },
  {
    name: "queue",
    summary: "The remediation queue that sweeps keep: list, show, accept, reopen, prune",
    load: async () => (await import("./queue/index.js")).queueCommand(),
  },
  {
    name: "store",
    summary: "Move the queue between store engines",
    load: async () => (await import("./store-migrate.js")).storeCommand(),
  },
  {
    name: "report",
    summary:
      "The weekly summary from the queue: per tenant what is new, regressed, resolved, overdue or accepted, the open-findings trend, tenants ranked by risk",
    load: async () => (await import("./report.js")).reportCommand(),
  },
  {
    name: "export",
    summary:
      "Export queue items (or a scan report's findings) as CSV, JSON, NDJSON or OCSF Compliance Findings",
    load: async () => (await import("./export.js")).exportCommand(),
  },
  {
    name: "tickets",
    summary: "Open, update, note and close tickets for queue items in the configured ticketing targets",
    load: async () => (await import("./tickets.js")).ticketsCommand(),
  },
  {
    name: "tenants",
    summary: "Find customers and get the MSP's app consented in them",
    load: async () => (await import("./tenants.js")).tenantsCommand(),
  },
  {
    name: "demo",
    summary:
      "Scan a fictional MSP portfolio served by local emulators through the real client libraries (no network, no credentials)",
    load: async () => (await import("./demo.js")).demoCommand(),
  },
  {
    name: "policies",
    summary: "List and explain the policies",
    load: async () => (await import("./policies.js")).policiesCommand(),
  },
  {
    name: "schema",
    summary: "Print the JSON Schema of an output",
    load: async () => (await import("./schema.js")).schemaCommand(),
  },
];

/**
 * The command `args` (user arguments, without node and the script) run, or whose help they ask for:
 * the first word that is not an option or the root's option value, after `help` if that comes first.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  // `--log-format json` is the one root option with a value: its value is not a command.
  const words = args.filter((a, i) => !a.startsWith("-") && args[i - 1] !== "--log-format");
  return words[0] === "help" ? words[1] : words[0];
}

/**
 * The CLI: only wires commands to library functions (src/index.ts); exit codes: src/exit.ts. Given the
 * user's arguments, only the command they name is loaded and the others stand in by name and summary;
 * without them, every command is loaded (tests walk them all).
 */
export async function program(args?: readonly string[]): Promise<Command> {
  const wanted = args === undefined ? undefined : commandNamed(args);
  const cli = new Command("mfasweep")
    .description("Find every way into your customers that needs no second factor")
    .version(version)
    .option("--debug", "show stack traces of internal errors")
    .option("--wide", "print table cells whole, never shortened to the terminal's width")
    .option("-q, --quiet", "print only errors and the final result")
    .option("-v, --verbose", "also print one line per connection as it finishes (stderr)")
    .addOption(
      new Option("--log-format <format>", "stderr logs: text, or one JSON object per line for log shippers")
        .choices(["text", "json"])
        .default("text"),
    )
    // A stand-in has no options of its own to show: every command is listed by name alike.
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .hook("preAction", (root) => {
      setWide(root.opts().wide === true);
      setLog(root.opts());
    });
  for (const entry of commandTable) {
    const loaded = args === undefined || entry.name === wanted;
    cli.addCommand(loaded ? await entry.load() : new Command(entry.name).description(entry.summary));
  }
  throwOnUsageErrors(cli);
  return cli;
}
