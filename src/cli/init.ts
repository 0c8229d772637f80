import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { exampleConfig } from "../config/example.js";
import { ConfigError } from "../errors.js";

export function initCommand(): Command {
  return new Command("init")
    .description("Write a commented example config")
    .option("-o, --output <file>", "where to write it", "mfasweep.yaml")
    .option("--force", "overwrite an existing file")
    .action(async (options: { output: string; force?: boolean }) => {
      try {
        await writeFile(options.output, exampleConfig, { flag: options.force ? "w" : "wx", mode: 0o600 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new ConfigError(
          code === "EEXIST"
            ? `${options.output} exists; use --force to overwrite it`
            : `cannot write ${options.output} (${code})`,
        );
      }
      process.stderr.write(
        `wrote ${options.output}; edit it, then run: mfasweep doctor && mfasweep scan --tenant <id>\n`,
      );
    });
}
