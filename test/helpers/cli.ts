import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { vi } from "vitest";
import { failureLine, throwOnUsageErrors } from "../../src/cli/shared.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source in a child process (as a user would, minus the build step). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${root}src/cli/main.ts`, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one CLI command in this process (the same commander command main.ts wires), capturing stdout and
 * stderr; errors are printed as main.ts prints them. A real process costs seconds on CI; the tests that
 * need the real entry point (`--debug`, exit codes from main) use `runCli` instead.
 */
export async function inProcess(
  command: Command,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliOutput> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    const root = new Command("mfasweep").addCommand(command);
    throwOnUsageErrors(root);
    await root.parseAsync(args, { from: "user" });
    return {
      code: typeof process.exitCode === "number" ? process.exitCode : 0,
      stdout: out.join(""),
      stderr: err.join(""),
    };
  } catch (e) {
    if (e instanceof CommanderError) throw e;
    return { code: 2, stdout: out.join(""), stderr: `${err.join("")}mfasweep: ${failureLine(e)}\n` };
  } finally {
    process.exitCode = undefined;
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
