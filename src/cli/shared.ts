import { forTerminal } from "../export/sanitize.js";

/** The config file used when --config is not given. */
export function defaultConfigPath(): string {
  return process.env.MFASWEEP_CONFIG ?? "mfasweep.yaml";
}

export function printWarnings(warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${forTerminal(w)}\n`);
}
