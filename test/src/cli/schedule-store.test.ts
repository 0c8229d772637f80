import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepCommand } from "../../../src/cli/sweep.js";
import { inProcess } from "../../helpers/cli.js";

/**
 * `sweep --schedule` with a PostgreSQL store named by a reference (`store.url: env:NAME`): the reference
 * reaches the scheduled command as written (resolved when that command runs), never as a file path under
 * the working directory, and nothing is written "next to" it.
 */
let dir: string;
let configFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-schedule-store-"));
  configFile = join(dir, "mfasweep.yaml");
  await writeFile(
    configFile,
    `tenants:
  - id: acme
    name: Acme
    connections:
      - type: google-workspace
        id: google
        auth: { method: access-token, token: env:ACME_TOKEN }
store:
  url: env:MFASWEEP_STORE_URL
`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const schedule = (...extra: string[]) =>
  inProcess(sweepCommand(), ["sweep", "-c", configFile, ...extra, "--schedule", "weekly"]);

describe("sweep --schedule with a store reference", () => {
  it("passes store.url: env:NAME on as the reference, not as a path", async () => {
    const out = await schedule();
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("'--store' 'env:MFASWEEP_STORE_URL'");
    expect(out.stdout).not.toMatch(/\/env:MFASWEEP_STORE_URL/);
    // cron's log and systemd's writable directory: the working directory, not a directory of the reference.
    expect(out.stdout).toContain(`>> ${process.cwd()}/mfasweep-sweep.log`);
    expect(out.stdout).toContain(`ReadWritePaths=${process.cwd()}`);
  });

  it("passes --store file:PATH on as written, and still makes a store file's path absolute", async () => {
    const ref = await schedule("--store", "file:/etc/mfasweep/store-url");
    expect(ref.stdout).toContain("'--store' 'file:/etc/mfasweep/store-url'");
    const file = await schedule("--store", "queue.db");
    expect(file.stdout).toContain(`'--store' '${join(process.cwd(), "queue.db")}'`);
    expect(file.stdout).toContain(`>> ${process.cwd()}/mfasweep-sweep.log`);
  });
});
