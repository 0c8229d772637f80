import type { Command } from "commander";
import { MfasweepError } from "../errors.js";
import type { Exit } from "../exit.js";
import { type Layout, outputWidth } from "../export/grid.js";
import { forTerminal } from "../export/sanitize.js";
import { redactUrls } from "../util/redact.js";
import { warn } from "./log.js";

/** The config file used when --config is not given. */
export function defaultConfigPath(): string {
  return process.env.MFASWEEP_CONFIG ?? "mfasweep.yaml";
}

export function printWarnings(warnings: string[]): void {
  for (const w of warnings) warn(w);
}

let wide = false;

/** `--wide` (a global option): tables print every cell whole. */
export function setWide(on: boolean): void {
  wide = on;
}

/** How wide text tables may be on stdout: the terminal, else COLUMNS, else unlimited; `--wide` lifts it. */
export function layout(): Layout {
  return { width: outputWidth(), wide };
}

/** Colour only on a terminal, and never with NO_COLOR or --output. */
export function useColor(output?: string): boolean {
  return !output && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Sets the exit code of a command that ran; a non-zero one says why in one stderr line (DESIGN.md §5). */
export function finish(exit: Exit): void {
  process.exitCode = exit.code;
  if (exit.code !== 0) process.stderr.write(`mfasweep: ${forTerminal(exit.reason)}\n`);
}

/** The one line a failure prints: our errors by their message, anything else as an internal error. */
export function failureLine(err: unknown): string {
  if (err instanceof MfasweepError) return err.message;
  const message = redactUrls(err instanceof Error ? err.message : String(err));
  return `internal error: ${message} (run with --debug for the stack trace)`;
}

/**
 * `addCommand` does not pass `exitOverride` down, so a usage error in a subcommand would exit 1 (which
 * reads as "findings" in cron). Every command throws instead, and `main` turns that into 2.
 */
export function throwOnUsageErrors(command: Command): void {
  command.exitOverride().configureOutput({
    outputError: (text, write) => write(`mfasweep: ${text.replace(/^error: /, "")}`),
  });
  for (const sub of command.commands) throwOnUsageErrors(sub);
}
