import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { wireGuardConfig } from "../../providers/wireguard/emulator.js";
import type { Coverage } from "../../src/model/index.js";
import { runMain } from "../helpers/cli.js";
import { configText, scratch, within } from "./harness.js";
import { stack } from "./stacks.js";

/**
 * Issue #19 item 11 (part): a secret file that is a FIFO is refused, not waited on (a FIFO without a writer
 * blocks a read for ever); a repeated --tenant is never "the last one wins"; relative paths in the config
 * are relative to the config file, whatever directory mfasweep runs in. Through the real CLI.
 */

const cliTimeout = 300_000;
const work = scratch("mfsw-operator-");
afterAll(() => work.remove());

const fortigate = (token: string) => ({
  type: "fortigate",
  id: "fortigate",
  endpoint: "https://127.0.0.1:9",
  timeoutSeconds: 1,
  auth: { method: "api-token", token },
});

describe("operator inputs (issue #19 item 11)", () => {
  it(
    "a secret file that is a FIFO fails its connection with a clear message, at once",
    async () => {
      const fifo = join(work.dir, "token.fifo");
      execFileSync("mkfifo", ["-m", "600", fifo]);
      const file = join(work.dir, "fifo.yaml");
      writeFileSync(
        file,
        configText([{ id: "acme", name: "Acme", connections: [fortigate(`file:${fifo}`)] }]),
      );
      const run = await within(120_000, "the scan", runMain(["scan", "--config", file]));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `acme/fortigate was not read: secret file ${fifo} is not a regular file (a FIFO, device or directory); refused, not read`,
      );
    },
    cliTimeout,
  );

  it(
    "scan refuses a second --tenant instead of scanning only the last; doctor takes every one",
    async () => {
      const file = join(work.dir, "two.yaml");
      writeFileSync(
        file,
        configText([
          { id: "acme", name: "Acme", connections: [fortigate("env:NOT_SET_A")] },
          { id: "beta", name: "Beta", connections: [fortigate("env:NOT_SET_B")] },
        ]),
      );
      const scan = await within(
        120_000,
        "scan",
        runMain(["scan", "--config", file, "--tenant", "acme", "--tenant", "beta"]),
      );
      expect(scan.code).toBe(2);
      expect(scan.stderr).toContain("scan reads one tenant; --tenant was given twice ('acme', 'beta')");
      const doctor = await within(
        120_000,
        "doctor",
        runMain(["doctor", "--config", file, "--tenant", "acme", "--tenant", "beta", "--format", "json"]),
      );
      // Both tenants' connections were checked (each names its unset variable), not just the last.
      expect(`${doctor.stdout}${doctor.stderr}`).toContain("NOT_SET_A");
      expect(`${doctor.stdout}${doctor.stderr}`).toContain("NOT_SET_B");
    },
    cliTimeout,
  );

  it(
    "relative file: secrets and config exports are read next to the config file, from any working directory",
    async () => {
      const google = stack("google-workspace");
      const instance = await google.start(
        google.seed({ id: "rel", domain: "rel.example", people: [{ local: "ann", mfa: true, admin: true }] }),
      );
      try {
        const dir = join(work.dir, "customers", "rel");
        mkdirSync(join(dir, "secrets"), { recursive: true });
        const [variable] = Object.keys(instance.env);
        writeFileSync(join(dir, "secrets", "google-token"), `${instance.env[variable!]}\n`, { mode: 0o600 });
        writeFileSync(
          join(dir, "wg0.conf"),
          wireGuardConfig({ peers: [{ name: "alice-laptop", allowedIPs: ["10.8.0.2/32"] }] }),
        );
        const file = join(dir, "mfasweep.yaml");
        const auth = { method: "access-token", token: "file:secrets/google-token" };
        writeFileSync(
          file,
          configText([
            {
              id: "rel",
              name: "Rel",
              connections: [
                { ...instance.connection, auth },
                { type: "wireguard", id: "wg", interfaces: [{ file: "./wg0.conf" }] },
              ],
            },
          ]),
          { mode: 0o600 },
        );
        // runMain runs in the repository, not next to the config (as cron or a CI job would).
        const run = await within(
          120_000,
          "the scan",
          runMain(["scan", "--config", file, "--format", "json"]),
        );
        const out = JSON.parse(run.stdout) as { coverage: Coverage[] };
        expect(
          out.coverage.map((c) => `${c.connection}: ${c.status} ${c.reason ?? ""}`.trim()),
          run.stderr,
        ).toEqual(["google: complete", "wg: complete"]);
      } finally {
        await instance.close();
      }
    },
    cliTimeout,
  );
});
