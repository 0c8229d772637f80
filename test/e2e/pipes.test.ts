import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runMain, spawnCli } from "../helpers/cli.js";

/**
 * Issue #23 item 2: output into a reader that goes away (`| head -1`, a pager that quit) ends quietly,
 * with the command's own exit status and no stack trace, for every command that lists something.
 */

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the CLI with its stdout on a pipe whose reader is gone before the first byte is written (the read
 * end is closed as soon as the process starts, long before Node has loaded anything), so every write
 * meets EPIPE, whatever the output's size.
 */
function intoClosedReader(args: string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args);
    child.stdout?.destroy();
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** `mfasweep … | head -1`: two real processes, the reader exits after the first line. */
function intoHead(args: string[]): Promise<Ended & { firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args);
    const head = spawn("head", ["-n", "1"], { stdio: [child.stdout, "pipe", "ignore"] });
    // Only head may hold the read end: with ours open too, the pipe would keep a reader after head exits.
    child.stdout?.destroy();
    let firstLine = "";
    let stderr = "";
    head.stdout?.on("data", (d: Buffer) => (firstLine += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    head.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr, firstLine }));
  });
}

function expectQuiet(run: Ended, code: number): void {
  expect(run.signal).toBeNull();
  expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  expect(run.code).toBe(code);
}

let store: string;

beforeAll(async () => {
  store = join(await mkdtemp(join(tmpdir(), "mfasweep-pipes-")), "queue.db");
  // The store the listings read: made in this process (the readers that go away are the subject).
  const demo = await runMain(["demo", "--store", store, "--format", "json"]);
  expect(demo.code, demo.stderr).toBe(0);
}, 300_000);

// Real processes: slow on a loaded 2-core machine.
describe("a reader that goes away", { timeout: 300_000 }, () => {
  const listings: Array<[string, string[], number]> = [
    ["policies list", ["policies", "list"], 0],
    ["policies docs", ["policies", "docs"], 0],
    ["config schema", ["config", "schema"], 0],
    ["schema record", ["schema", "record"], 0],
    ["queue list", ["queue", "list", "--store", "STORE"], 0],
    ["queue list --format json", ["queue", "list", "--store", "STORE", "--format", "json"], 0],
    ["export", ["export", "--store", "STORE"], 0],
    ["report", ["report", "--store", "STORE"], 0],
  ];

  it.each(listings)("%s ends quietly with its own status", async (_, args, code) => {
    const run = await intoClosedReader(args.map((a) => (a === "STORE" ? store : a)));
    expectQuiet(run, code);
  });

  it("demo | head -1: the reader got its line, the demo ended quietly with status 0", async () => {
    const run = await intoHead(["demo", "--format", "json"]);
    expect(run.firstLine).toBe("{\n");
    expectQuiet(run, 0);
  });

  it("config schema | head -1 (160 kB, more than a pipe holds)", async () => {
    const run = await intoHead(["config", "schema"]);
    expect(run.firstLine).toBe("{\n");
    expectQuiet(run, 0);
  });
});
