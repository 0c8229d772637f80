import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { vi } from "vitest";
import { main } from "../../src/cli/run.js";
import { failureLine, throwOnUsageErrors } from "../../src/cli/shared.js";

/** The checkout's root (with a trailing slash): a CLI process's working directory unless a test names one. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** node and its arguments that start the CLI from source (as a user runs it, minus the build step). */
export function cliCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, ["--import", "tsx", `${root}src/cli/main.ts`, ...args]];
}

/** The environment a CLI process gets: a clean one (no colour), plus the test's variables. */
export function cliEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", ...env };
}

/** Starts the CLI from source as its own process, with `cliEnv` and the root as working directory. */
export function spawnCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; stdio?: SpawnOptions["stdio"] } = {},
): ChildProcess {
  const [node, argv] = cliCommand(args);
  return spawn(node, argv, {
    cwd: options.cwd ?? root,
    env: cliEnv(options.env),
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source in a child process (as a user would, minus the build step). A process costs
 * seconds of CPU (module loading); use it where the process is the subject (its exit status, signals, a
 * closed stdout, the real entry point), and `runMain` otherwise.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

type Write = (chunk: unknown, encoding?: unknown, done?: unknown) => boolean;

/** A stand-in for a stream's write that keeps the text and calls back as the stream would. */
function capture(into: string[]): Write {
  return (chunk, encoding, done) => {
    into.push(String(chunk));
    const callback = typeof encoding === "function" ? encoding : done;
    if (typeof callback === "function") process.nextTick(() => callback(null));
    return true;
  };
}

/** Makes the process's environment exactly `env` (process.env itself stays: Node reads TZ and the like from it). */
function setEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

/** The test runner's own variables, which its worker still needs while a run has the CLI's environment. */
const vitestEnv = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith("VITEST")));

/**
 * Runs `args` through the CLI's own main function (src/cli/run.ts: the commands, usage errors and the
 * exit status that main.ts makes the process's) in this test worker, with stdout and stderr captured
 * (neither a terminal), the environment a CLI process gets (`cliEnv`) and `cwd` as the working directory
 * (the checkout's root unless given). Runs must not overlap (stdout is the process's). Same result shape as
 * `runCli`, without the seconds a process costs.
 */
export async function runMain(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture(out) as never);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture(err) as never);
  const tty = [process.stdout.isTTY, process.stderr.isTTY];
  process.stdout.isTTY = false;
  process.stderr.isTTY = false;
  const saved = { ...process.env };
  setEnv({ ...vitestEnv(saved), ...cliEnv(options.env) });
  const cwd = process.cwd();
  process.chdir(options.cwd ?? root);
  process.exitCode = undefined;
  try {
    const code = await main(["node", "mfasweep", ...args]);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.exitCode = undefined;
    process.chdir(cwd);
    setEnv(saved);
    [process.stdout.isTTY, process.stderr.isTTY] = tty as [true, true];
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** `runMain` for each argument list in turn (runs in this process cannot overlap), results in order. */
export async function runMainEach<const T extends readonly string[][]>(
  argsList: T,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ -readonly [K in keyof T]: CliRun }> {
  const runs: CliRun[] = [];
  for (const args of argsList) runs.push(await runMain([...args], options));
  // One run per argument list, in order: the tuple's length is the list's.
  return runs as { -readonly [K in keyof T]: CliRun };
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
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture(out) as never);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture(err) as never);
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
