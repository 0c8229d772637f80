import type { ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { spawnCli } from "./cli.js";

/** An mfasweep CLI process (from source) that a test watches and may kill. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stderr matches; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  stderr(): string;
  stdout(): string;
}

export function watchCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawnCli(args, { env });
  let stderr = "";
  let stdout = "";
  const watchers = new Set<() => void>();
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const w of watchers) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stderr)) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      check();
      void exited.then(({ code, signal }) =>
        reject(new Error(`mfasweep ${args[0]} exited (${signal ?? code}) before ${pattern}:\n${stderr}`)),
      );
    });
  return { child, exited, waitFor, stderr: () => stderr, stdout: () => stdout };
}

/** `mfasweep worker` as its own process (the CLI from source), as an operator runs it. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** How the worker names itself in coverage notes and `workers` (host-pid). */
  readonly name: string;
  /** Resolves once the worker says it is ready; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function spawnWorker(args: string[], env: Record<string, string>): WorkerProcess {
  const cli = watchCli(["worker", ...args], env);
  return {
    child: cli.child,
    name: `${hostname()}-${cli.child.pid}`,
    ready: cli.waitFor(/^worker \S+ ready/m),
    exited: cli.exited,
    stderr: cli.stderr,
  };
}
