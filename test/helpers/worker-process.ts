import { type ChildProcess, spawn } from "node:child_process";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

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
  const child = spawn(process.execPath, ["--import", "tsx", `${root}src/cli/main.ts`, "worker", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/^worker \S+ ready/m.test(stderr)) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`worker exited (${signal ?? code}) before it was ready:\n${stderr}`)),
    );
  });
  return { child, name: `${hostname()}-${child.pid}`, ready, exited, stderr: () => stderr };
}
