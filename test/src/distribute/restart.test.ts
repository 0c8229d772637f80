import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "bullmq";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "../../../src/distribute/index.js";
import { sweep } from "../../../src/sweep.js";
import { type GoogleDemo, startGoogleDemo } from "../../helpers/google-demo.js";
import { HoldingRelay } from "../../helpers/holding-relay.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";
import { sqliteEngine } from "../../helpers/store-engines.js";
import { type CliProcess, watchCli } from "../../helpers/worker-process.js";

/**
 * The central process of a distributed sweep killed mid-sweep (SIGKILL: no chance to clean up) and
 * started again (issue #21): the tenants it reconciled keep exactly their results, the others hold
 * nothing of it, the restart records it as interrupted, withdraws its collection jobs still waiting in
 * the queue (workers do not collect for nobody), and sweeps every tenant, ending where a single-process
 * sweep ends. The central runs as `mfasweep sweep --queue` processes with none of the secrets; the
 * workers run in this process.
 */

let google: GoogleDemo;
let relay: HoldingRelay;
let yaml = "";
let dir = "";
const prefix = testPrefix();
const workers: RunningWorker[] = [];
const centrals: CliProcess[] = [];

beforeAll(async () => {
  if (redisAbsent) return;
  google = await startGoogleDemo(new Date());
  const port = Number(google.yaml.match(/endpoint: http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
  relay = new HoldingRelay(port);
  const relayed = await relay.listen();
  // northwind (the first tenant) goes through the relay, to be held mid-collection; fabrikam-legal is
  // tagged with a site whose worker starts only after the restart, so its first job is still waiting.
  yaml = google.yaml
    .replace(`127.0.0.1:${port}\n`, `127.0.0.1:${relayed}\n`)
    .replace(/(- id: fabrikam-legal\n(?:.*\n)*?\s+id: google\n)/, "$1        collectorSite: branch\n");
  expect(yaml).toContain(`127.0.0.1:${relayed}\n`);
  expect(yaml).toMatch(/collectorSite: branch/);
  dir = await mkdtemp(join(tmpdir(), "mfasweep-restart-"));
  await writeFile(join(dir, "mfasweep.yaml"), yaml);
}, 60_000);

afterAll(async () => {
  for (const c of centrals)
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  for (const w of workers) await w.close({ force: true });
  await relay?.close();
  await google?.demo.close();
  if (!redisAbsent) await dropPrefix(prefix);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const query = (db: string, sql: string) => sqliteEngine.query(db, sql);

/** Fingerprint and state of every item, by tenant. */
async function itemsByTenant(db: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const row of await query(db, "SELECT tenant, fingerprint, state FROM items ORDER BY fingerprint")) {
    const tenant = String(row.tenant);
    out[tenant] = [...(out[tenant] ?? []), `${row.fingerprint} ${row.state}`];
  }
  return out;
}

function central(db: string): CliProcess {
  const args = ["sweep", "-c", join(dir, "mfasweep.yaml"), "--store", db, "--queue", redisUrl];
  const c = watchCli([...args, "--queue-prefix", prefix, "--wait", "30"], {});
  centrals.push(c);
  return c;
}

describe.skipIf(redisAbsent)("the central sweep process killed mid-sweep and restarted (real Redis)", () => {
  it("keeps the reconciled tenants whole, leaves the others untouched, then interrupts, withdraws and sweeps again", async () => {
    // What a single process makes of the same config: the end state the restarted sweep must reach.
    const reference = await sqliteEngine.fresh();
    const referenceStore = await sqliteEngine.open(reference);
    await sweep(google.config(yaml), { store: referenceStore, env: google.secrets, enforceQuotas: false });
    await referenceStore.close();
    const expected = await itemsByTenant(reference);
    // Both tenants the kill separates have items, so "none of them" and "all of them" differ.
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(["contoso-dental", "northwind"]));

    const db = await sqliteEngine.fresh();
    const config = google.config(yaml);
    workers.push(await startWorker({ url: redisUrl, prefix, config, env: google.secrets, name: "main" }));
    const held = relay.arm();
    const first = central(db);
    // contoso-dental reconciled; northwind's collection held mid-request; fabrikam-legal's job waiting.
    await Promise.all([held, first.waitFor(/^\[\d\/3\] contoso-dental: \d+ new/m)]);
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });

    const sweeps = await query(db, "SELECT id, status FROM sweeps");
    expect(sweeps.map((s) => s.status)).toEqual(["running"]);
    const killed = String(sweeps[0]?.id);
    const reconciled = await query(db, "SELECT tenant FROM sweep_tenants");
    expect(reconciled.map((r) => r.tenant)).toEqual(["contoso-dental"]);
    // The reconciled tenant is whole, the others hold nothing: no half-written tenant.
    expect(await itemsByTenant(db)).toEqual({ "contoso-dental": expected["contoso-dental"] });
    const lastSweeps = await query(db, "SELECT DISTINCT last_sweep FROM items");
    expect(lastSweeps.map((r) => r.last_sweep)).toEqual([killed]);
    const branch = new Queue("collect-branch", { connection: { url: redisUrl }, prefix });
    try {
      const waiting = async () =>
        (await branch.getJobs(["waiting", "delayed", "prioritized"])).map(
          (j: Job) =>
            `${(j.data as { sweep: string }).sweep} ${(j.data as { tenant: { id: string } }).tenant.id}`,
        );
      expect(await waiting()).toEqual([`${killed} fabrikam-legal`]);
      // The held request goes on: the killed sweep's job finishes with nobody awaiting it.
      relay.release();

      const second = central(db);
      // The restart took the dead process's lock, recorded its sweep and withdrew its waiting job.
      await second.waitFor(/withdrew 1 collection job\(s\) of the interrupted sweep/);
      expect(second.stderr()).toContain(`warning: sweep ${killed} (pid ${first.child.pid} on `);
      expect(await waiting()).not.toContain(`${killed} fabrikam-legal`);
      // Only now a worker for the site: it can only collect for the new sweep.
      const collected: string[] = [];
      workers.push(
        await startWorker({
          url: redisUrl,
          prefix,
          config,
          env: google.secrets,
          site: "branch",
          name: "branch",
          onEvent: (m) => collected.push(m),
        }),
      );
      const done = await second.exited;
      expect(second.stderr(), second.stderr()).toMatch(/\[3\/3\]/);
      expect(done.signal).toBeNull();
      expect([0, 1]).toContain(done.code);
      expect(collected.filter((m) => m.startsWith("collecting ")).map((m) => m.includes(killed))).toEqual([
        false,
      ]);
    } finally {
      await branch.close();
    }

    const after = await query(db, "SELECT id, status FROM sweeps ORDER BY started_at");
    expect(after.map((s) => `${s.id === killed ? "killed" : "restart"} ${s.status}`)).toEqual([
      "killed interrupted",
      "restart finished",
    ]);
    const restart = String(after[1]?.id);
    const byRestart = await query(
      db,
      `SELECT tenant FROM sweep_tenants WHERE sweep_id = '${restart}' ORDER BY tenant`,
    );
    expect(byRestart.map((r) => r.tenant)).toEqual(["contoso-dental", "fabrikam-legal", "northwind"]);
    expect(await itemsByTenant(db)).toEqual(expected);
    expect(await query(db, "SELECT name FROM locks")).toEqual([]);
  }, 180_000);
});
