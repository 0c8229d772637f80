/**
 * The CLI's main function, apart from its entry point (main.ts), so that tests can run it in their own
 * process: a CLI process costs seconds of module loading.
 */
import { CommanderError } from "commander";
import { MfasweepError } from "../errors.js";
import { program } from "./program.js";
import { failureLine } from "./shared.js";

export async function main(argv: string[]): Promise<number> {
  const cli = await program(argv.slice(2));
  try {
    await cli.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; commander already printed a usage error's one line. A command group run
      // without its subcommand printed its help on stderr: say why it stopped.
      if (err.exitCode !== 0 && err.code === "commander.help")
        process.stderr.write("mfasweep: a command is missing (see the list above)\n");
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`mfasweep: ${failureLine(err)}\n`);
    if (!(err instanceof MfasweepError) && cli.opts().debug && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

/**
 * A reader that went away (`| head`, a pager that quit) is not an error: output stops quietly and the
 * command still ends with its own exit status. Other stream errors stay errors.
 */
export function ignoreClosedReader(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
    throw err;
  });
}
