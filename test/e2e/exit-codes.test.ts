import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignAdminRoles,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import { program } from "../../src/cli/program.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { runCli } from "../helpers/cli.js";

/** Issue #23 item 1: 0 / 1 / 2 as DESIGN.md §5 says, and every non-zero exit says why in its last line. */

const token = "ya29.exit-codes-token";
let emulator: RunningEmulator;
let dir: string;
let config: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    tenants: [
      assignAdminRoles(
        seedTenant("acme.example", token, ({ root }) => ({
          policies: twoStepPolicies(root, { allowEnrollment: true }),
          users: [seedUser("boss@acme.example", { isAdmin: true })],
        })),
      ),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-exit-"));
  config = join(dir, "mfasweep.yaml");
  await writeFile(
    config,
    `tenants:
  - id: acme
    name: Acme
    connections:
      - type: google-workspace
        endpoint: ${emulator.url}
        auth: { method: access-token, token: env:ACME_TOKEN }
`,
  );
});
afterAll(() => emulator.close());

const lastLine = (stderr: string) => stderr.trimEnd().split("\n").at(-1) ?? "";

// Real processes: slow on a loaded 2-core machine.
describe("exit codes through the real entry point", { timeout: 240_000 }, () => {
  it("1 for findings at or above --fail-on, 0 below it, each with the line that says why", async () => {
    const failing = await runCli(["scan", "-c", config, "--fail-on", "high", "--format", "json"], {
      env: { ACME_TOKEN: token },
    });
    expect(failing.code).toBe(1);
    expect(lastLine(failing.stderr)).toMatch(/^mfasweep: \d+ finding\(s\) at or above high \(\d+ critical/);
    const quiet = await runCli(["scan", "-c", config, "--fail-on", "critical", "--format", "json"], {
      env: { ACME_TOKEN: "ya29.refused" },
    });
    // A refused token leaves the connection unread: 2, even though nothing failed (fail closed).
    expect(quiet.code).toBe(2);
    expect(lastLine(quiet.stderr)).toMatch(/^mfasweep: incomplete: acme\/google-workspace was not read: /);
  });

  it("usage errors exit 2 with one line, in subcommands too (not 1, which cron reads as findings)", async () => {
    const cases = [["queue", "list", "--bogus"], ["sweep", "--format", "xml"], ["nosuch"], ["queue", "show"]];
    const runs = await Promise.all(cases.map((args) => runCli(args)));
    for (const [i, run] of runs.entries()) {
      const args = cases[i]!.join(" ");
      expect(run.code, args).toBe(2);
      expect(run.stderr.trimEnd().split("\n"), args).toHaveLength(1);
      expect(run.stderr, args).toMatch(/^mfasweep: /);
    }
    const group = await runCli(["queue"]);
    expect(group.code).toBe(2);
    expect(lastLine(group.stderr)).toBe("mfasweep: a command is missing (see the list above)");
  });

  it("tickets sync with no ticketing targets says so and exits 2", async () => {
    const run = await runCli(["tickets", "sync", "-c", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `mfasweep: ${config} has no ticketing targets: nothing to sync (add a ticketing: section, see mfasweep init)\n`,
    );
  });
});

/** Every command mfasweep has, with its path (`queue list`). */
function leaves(command: Command, path: string[] = []): string[][] {
  if (command.commands.length === 0) return [path];
  return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe("every subcommand throws on a usage error (main turns it into 2)", async () => {
  const cli = await program();
  const silence = (c: Command): void => {
    c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    for (const sub of c.commands) silence(sub);
  };
  silence(cli);
  const paths = leaves(cli);

  it("covers the commands", () => {
    expect(paths.map((p) => p.join(" "))).toEqual(
      expect.arrayContaining([
        "scan",
        "sweep",
        "queue list",
        "tickets sync",
        "config validate",
        "policies list",
      ]),
    );
  });

  it.each(paths.map((p) => [p.join(" "), p] as const))("%s --no-such-option", async (_, path) => {
    const error = await cli.parseAsync([...path, "--no-such-option"], { from: "user" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).not.toBe(0);
  });
});
