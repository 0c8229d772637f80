import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GoogleTenantSeed,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../../providers/google-workspace/emulator.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { openSqliteStore } from "../../../src/queue/sqlite.js";
import { sweep } from "../../../src/sweep.js";
import { runCli } from "../../helpers/cli.js";
import { googleTenantsYaml, twoStepTenant } from "../../helpers/google-tenants.js";

/**
 * Crash safety with a real process: a CLI sweep is SIGKILLed after its first tenant is committed while
 * its second tenant hangs inside collection. The file must open cleanly, the first tenant must be
 * reconciled, the second exactly as it was, and the next sweep must take the dead sweep's lock over.
 */

const root = fileURLToPath(new URL("../../..", import.meta.url));
const env = { FIRST_TOKEN: "ya29.first-crash", SECOND_TOKEN: "ya29.second-crash" };

let healthy: RunningEmulator;
let hanging: RunningEmulator;
let first: GoogleTenantSeed;
let dir: string;
let db: string;
let configFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  first = twoStepTenant("first.example", env.FIRST_TOKEN, [
    seedUser("alice@first.example"),
    seedUser("bob@first.example"),
  ]);
  const second = seedTenant("second.example", env.SECOND_TOKEN, ({ root: ou }) => ({
    policies: twoStepPolicies(ou, { allowEnrollment: true }),
    users: [seedUser("carol@second.example"), seedUser("dan@second.example", { isEnrolledIn2Sv: true })],
  }));
  healthy = await startGoogleEmulator({ tenants: [first] });
  hanging = await startGoogleEmulator({ tenants: [second] });
  dir = mkdtempSync(join(tmpdir(), "mfasweep-crash-"));
  db = join(dir, "queue.db");
  configFile = join(dir, "mfasweep.yaml");
  writeFileSync(configFile, googleTenantsYaml({ first: healthy.url, second: hanging.url }));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all([healthy.close(), hanging.close()]);
});

/** `mfasweep sweep` in a child process of its own, so that it can be killed mid-sweep. */
function spawnSweep(config: string, store: string, concurrency: number, env: Record<string, string>) {
  const args = ["sweep", "-c", config, "--store", store, "--concurrency", String(concurrency)];
  const proc = spawn(process.execPath, ["--import", "tsx", `${root}src/cli/main.ts`, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: "pipe",
  });
  children.push(proc);
  return proc;
}

type Row = Record<string, unknown>;
/** Everything the store holds about one tenant, as raw rows (what a crash could have damaged). */
function snapshot(tenant: string, file = db): { items: Row[]; history: Row[]; reconciled: Row[] } {
  const raw = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      items: raw.prepare("SELECT * FROM items WHERE tenant = ? ORDER BY fingerprint").all(tenant) as Row[],
      history: raw
        .prepare(
          "SELECT h.* FROM item_history h JOIN items i ON i.fingerprint = h.fingerprint WHERE i.tenant = ? ORDER BY h.seq",
        )
        .all(tenant) as Row[],
      reconciled: raw
        .prepare("SELECT * FROM sweep_tenants WHERE tenant = ? ORDER BY reconciled_at")
        .all(tenant) as Row[],
    };
  } finally {
    raw.close();
  }
}

/** The running sweep once it has committed `tenant`, polled with a bounded loop. */
async function waitForCommit(tenant: string, proc: ChildProcess, file = db, pollMs = 50): Promise<string> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the sweep exited early with ${proc.exitCode}`);
    const raw = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const id = raw
        .prepare(
          "SELECT s.id FROM sweeps s JOIN sweep_tenants t ON t.sweep_id = s.id WHERE s.status = 'running' AND t.tenant = ?",
        )
        .pluck()
        .get(tenant) as string | undefined;
      if (id) return id;
    } finally {
      raw.close();
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`tenant ${tenant} was not committed within 45 s`);
}

describe("crash safety", () => {
  it("SIGKILL mid-sweep: the file opens cleanly, finished tenants are kept, the hung tenant is untouched", async () => {
    // Week 1: both tenants healthy, swept in-process.
    const t0 = new Date(Date.now() - 7 * 86_400_000);
    const { config } = parseConfig(readFileSync(configFile, "utf8"), "mfasweep.yaml", t0);
    const baseline = await openSqliteStore(db, { create: true });
    await sweep(config, { store: baseline, env, now: t0, enforceQuotas: false, sleep: async () => {} });
    await baseline.close();
    const secondBefore = snapshot("second");
    expect(secondBefore.items.length).toBeGreaterThan(0);

    // Week 2: alice fixed her 2SV; the second tenant's API now hangs.
    Object.assign(first.users.find((u) => u.primaryEmail === "alice@first.example")!, {
      isEnrolledIn2Sv: true,
      isEnforcedIn2Sv: true,
    });
    hanging.inject({ path: /.*/, times: 100_000, fault: { kind: "hang" } });
    const proc = spawnSweep(configFile, db, 2, env);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on("exit", (_code, signal) => resolve(signal)),
    );
    const killedSweep = await waitForCommit("first", proc);
    const firstCommitted = snapshot("first");

    // A second sweep started now refuses, naming the running one, and changes nothing.
    const rival = await runCli(["sweep", "-c", configFile, "--store", db, "--wait", "0"], { env });
    expect(rival.code).toBe(2);
    expect(rival.stderr).toContain(
      `mfasweep: another sweep is running on ${db} (sweep ${killedSweep}, pid ${proc.pid}`,
    );
    expect(snapshot("first")).toEqual(firstCommitted);

    proc.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const raw = new Database(db, { fileMustExist: true });
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(raw.prepare("SELECT status FROM sweeps WHERE id = ?").pluck().get(killedSweep)).toBe("running");
    raw.close();
    expect(snapshot("first")).toEqual(firstCommitted);
    expect(snapshot("second")).toEqual(secondBefore);

    const store = await openSqliteStore(db, { create: false });
    const alice = (await store.findItems({ tenants: ["first"] })).find(
      (i) => i.subject.name === "alice@first.example" && i.policy === "google-user-2sv-enforced",
    );
    expect(alice).toMatchObject({ state: "resolved", lastSweep: killedSweep });
    expect((await store.sweepTenants(killedSweep)).map((t) => t.tenant)).toEqual(["first"]);

    // The next sweep takes over the dead sweep's lock and records it as interrupted.
    const next = await sweep(config, {
      store,
      tenants: ["first"],
      env,
      enforceQuotas: false,
      lock: { waitMs: 0 },
      sleep: async () => {},
    });
    expect(next.summary.tenants.map((t) => t.reconciled)).toEqual([true]);
    const sweeps = await store.listSweeps();
    expect(sweeps.find((s) => s.id === killedSweep)?.status).toBe("interrupted");
    await store.close();
  });
  it("SIGKILL at an arbitrary moment: every tenant is either fully reconciled or exactly as before", async () => {
    // Many tenants with many items each, so the kill can land inside a tenant's write transaction.
    const tenants = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const tokens = Object.fromEntries(tenants.map((t) => [`${t.toUpperCase()}_TOKEN`, `ya29.${t}-many`]));
    const many = await startGoogleEmulator({
      tenants: tenants.map((t) =>
        seedTenant(`${t}.example`, `ya29.${t}-many`, ({ root: ou }) => ({
          policies: twoStepPolicies(ou, { allowEnrollment: true }),
          users: Array.from({ length: 40 }, (_, u) => seedUser(`user${u}@${t}.example`)),
        })),
      ),
    });
    try {
      const file = join(dir, "many.db");
      const yaml = join(dir, "many.yaml");
      writeFileSync(
        yaml,
        `tenants:\n${tenants
          .map(
            (t) =>
              `  - id: ${t}\n    name: ${t}\n    connections:\n      - type: google-workspace\n        id: google\n        endpoint: ${many.url}\n        auth: { method: access-token, token: env:${t.toUpperCase()}_TOKEN }\n`,
          )
          .join("")}`,
      );
      const t0 = new Date(Date.now() - 7 * 86_400_000);
      const { config } = parseConfig(readFileSync(yaml, "utf8"), "many.yaml", t0);
      const baseline = await openSqliteStore(file, { create: true });
      const base = await sweep(config, { store: baseline, env: tokens, now: t0, enforceQuotas: false });
      await baseline.close();
      const before = Object.fromEntries(tenants.map((t) => [t, snapshot(t, file)]));

      const proc = spawnSweep(yaml, file, 4, tokens);
      const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
      const killed = await waitForCommit("t0", proc, file, 2).catch(() => undefined);
      proc.kill("SIGKILL");
      await exited;

      const raw = new Database(file, { fileMustExist: true });
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      raw.close();
      let reconciled = 0;
      for (const t of tenants) {
        const now = snapshot(t, file);
        if (now.reconciled.length > before[t]!.reconciled.length) {
          reconciled++;
          expect(now.reconciled.at(-1)?.sweep_id).toBe(killed);
          expect(
            now.items.every((i) => i.last_sweep === killed),
            `${t}: every item written`,
          ).toBe(true);
        } else {
          expect(now, `${t}: untouched`).toEqual(before[t]);
          expect(now.items.every((i) => i.last_sweep === base.summary.sweep.id)).toBe(true);
        }
      }
      expect(reconciled).toBeGreaterThan(0);
      await (await openSqliteStore(file, { create: false })).close();
    } finally {
      await many.close();
    }
  });
});
