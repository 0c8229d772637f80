import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, startGoogleEmulator } from "../../../providers/google-workspace/emulator.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { runCli } from "../../helpers/cli.js";
import { googleTenantsYaml, twoStepTenant } from "../../helpers/google-tenants.js";

/**
 * `sweep --threads` through the real entry point, run from source: the evaluation thread has to load the
 * TypeScript policies itself (src/evaluate/pool/source-thread.mjs), so this is where a broken thread entry
 * would show. Two tenants, so a thread is used; the JSON results equal those of `--threads 0`.
 */
const tokens = { ACME_TOKEN: "ya29.threads-acme", BETA_TOKEN: "ya29.threads-beta" };
let emulator: RunningEmulator;
let dir: string;
let config: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    tenants: [
      twoStepTenant("acme.example", tokens.ACME_TOKEN, [seedUser("alice@acme.example")]),
      twoStepTenant("beta.example", tokens.BETA_TOKEN, [
        seedUser("erin@beta.example", { isEnrolledIn2Sv: true }),
      ]),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-cli-threads-"));
  config = join(dir, "mfasweep.yaml");
  await writeFile(config, googleTenantsYaml({ acme: emulator.url, beta: emulator.url }));
});
afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sweep = (threads: string) =>
  runCli(
    [
      "sweep",
      "-c",
      config,
      "--store",
      join(dir, `q-${threads}.db`),
      "--format",
      "json",
      "--threads",
      threads,
    ],
    { env: tokens },
  );

describe("mfasweep sweep --threads", { timeout: 240_000 }, () => {
  it("sweeps both tenants through a thread to the results of one thread", async () => {
    const [one, threaded] = [await sweep("0"), await sweep("1")];
    expect(one.code, one.stderr).toBe(1);
    expect(threaded.code, threaded.stderr).toBe(1);
    const results = (stdout: string) =>
      (
        JSON.parse(stdout) as { results: Array<{ fingerprint: string; status: string; evidence: unknown }> }
      ).results
        .map((r) => ({ fingerprint: r.fingerprint, status: r.status, evidence: r.evidence }))
        .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
    expect(results(one.stdout).length).toBeGreaterThan(1);
    expect(results(threaded.stdout)).toEqual(results(one.stdout));
    expect(threaded.stderr).not.toMatch(/could not be evaluated/);
  });

  it("refuses a thread count that is not a whole number, exit 2", async () => {
    const run = await sweep("1.5");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--threads must be a whole number \(got '1\.5'\)/);
  });
});
