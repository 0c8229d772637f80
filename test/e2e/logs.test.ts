import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, startGoogleEmulator } from "../../providers/google-workspace/emulator.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { runMain } from "../helpers/cli.js";
import { googleTenantsYaml, twoStepTenant } from "../helpers/google-tenants.js";

/**
 * Issue #23 item 7 through the real CLI with pipes (stderr is not a terminal): a sweep prints one progress
 * line per tenant, `--log-format json` one JSON object per connection and per tenant, `--quiet` neither;
 * stdout stays the report in every case. beta's token is wrong, so one connection fails.
 */

const env = { ACME_TOKEN: "ya29.acme-e2e-logs", BETA_TOKEN: "ya29.not-betas-token" };
let google: RunningEmulator;
let dir: string;
let config: string;

beforeAll(async () => {
  google = await startGoogleEmulator({
    tenants: [
      twoStepTenant("acme.example", env.ACME_TOKEN, [seedUser("alice@acme.example")]),
      twoStepTenant("beta.example", "ya29.beta-real-token", [seedUser("bob@beta.example")]),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-logs-"));
  config = join(dir, "mfasweep.yaml");
  await writeFile(
    config,
    `${googleTenantsYaml({ acme: google.url, beta: google.url })}store:\n  path: queue.db\n`,
  );
});
afterAll(async () => {
  await google.close();
});

describe("sweep logs on stderr", () => {
  it("--log-format json: one JSON line per connection and per tenant as they finish; stdout is the report", async () => {
    const run = await runMain(["--log-format", "json", "sweep", "-c", config], { env });
    expect(run.code).toBe(2); // beta's connection failed: incomplete coverage
    const events = run.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const connections = events.filter((e) => e.event === "connection");
    expect(connections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tenant: "acme",
          connection: "google",
          type: "google-workspace",
          status: "complete",
        }),
        expect.objectContaining({
          tenant: "beta",
          connection: "google",
          status: "failed",
          error: expect.any(String),
        }),
      ]),
    );
    for (const c of connections) {
      expect(c.counts).toMatchObject({ accounts: expect.any(Number), requests: expect.any(Number) });
      expect(c.durationMs).toEqual(expect.any(Number));
    }
    expect(JSON.stringify(events)).not.toContain(env.BETA_TOKEN);
    const tenants = events.filter((e) => e.event === "tenant");
    expect(tenants.map((t) => t.tenant).sort()).toEqual(["acme", "beta"]);
    expect(tenants.find((t) => t.tenant === "acme")).toMatchObject({ reconciled: true, status: "complete" });
    // The report is on stdout, not mixed with the log lines.
    expect(run.stdout).not.toContain('"event"');
    expect(run.stdout).toContain("acme");
  });

  it("text on a pipe: one progress line per tenant; --quiet: none, and no warnings", async () => {
    const run = await runMain(["sweep", "-c", config], { env });
    expect(run.stderr).toMatch(/^\[\d\/2\] acme: \d+ new, \d+ regressed, \d+ resolved, \d+ open$/m);
    expect(run.stderr).toMatch(/^\[\d\/2\] beta: /m);
    expect(run.stderr).not.toContain("\x1b[");
    const quiet = await runMain(["sweep", "-q", "-c", config], { env });
    expect(quiet.stderr).not.toMatch(/^\[\d\/2\]/m);
    expect(quiet.stderr).not.toContain("warning:");
    // Only the final result: the one line that says why the exit is not 0.
    expect(quiet.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^mfasweep: /)]);
  });
});
