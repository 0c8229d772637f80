import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueCommand } from "../../../src/cli/queue/index.js";
import { QueueRuleError, storeLabel } from "../../../src/queue/index.js";
import { defaultSla } from "../../../src/queue/model.js";
import type { Store } from "../../../src/queue/store.js";
import { inProcess } from "../../helpers/cli.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { coverage, fp, result } from "./fixtures.js";

/**
 * `queue prune` keeps a store that runs for years small: old resolved items, a former customer's items
 * and old sweep records go, with their history, acceptances and ticket ledger rows; nothing else does.
 */

const week1 = new Date("2026-01-05T06:00:00.000Z");
const week2 = new Date("2026-01-12T06:00:00.000Z");
const week3 = new Date("2026-06-01T06:00:00.000Z");
let dir: string;
let file: string;
let store: Store;

async function sweepAt(id: string, now: Date, byTenant: Record<string, ReturnType<typeof result>[]>) {
  await store.beginSweep({ id, kind: "sweep", startedAt: now.toISOString(), tenants: Object.keys(byTenant) });
  for (const [tenant, results] of Object.entries(byTenant))
    await store.reconcileTenant({
      sweepId: id,
      tenant,
      now,
      sla: defaultSla,
      results,
      coverage: [coverage("google", "complete", tenant)],
    });
  await store.finishSweep(id, { status: "finished", finishedAt: now.toISOString() });
}

const acme = (id: string, status: "fail" | "pass") => result(id, status);
const gone = (id: string) => result(id, "fail", { tenant: "gone", fingerprint: fp(id, "google", "gone") });

/** The config of these tests lists acme only: 'gone' has left. */
const configuredTenants = ["acme"];

const states = async () => Object.fromEntries((await store.findItems()).map((i) => [i.subject.id, i.state]));

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`queue prune (${engine.name})`, () => {
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "mfasweep-prune-"));
      file = await engine.fresh();
      store = await engine.open(file);
      // alice fixed in week 2 (resolved then), bob fixed in week 3, carol still open; 'gone' left after week 1.
      await sweepAt("s1", week1, {
        acme: [acme("alice", "fail"), acme("bob", "fail"), acme("carol", "fail")],
        gone: [gone("dave")],
      });
      await store.recordTicket(fp("alice"), { system: "jira", ticketId: "MSP-1" }, "export", week1);
      await store.accept(
        fp("dave", "google", "gone"),
        { reason: "leaving", approvedBy: "x", expires: "2026-03-01" },
        week1,
        { maxExceptionDays: 180 },
      );
      await sweepAt("s2", week2, {
        acme: [acme("alice", "pass"), acme("bob", "fail"), acme("carol", "fail")],
      });
      await sweepAt("s3", week3, {
        acme: [acme("alice", "pass"), acme("bob", "pass"), acme("carol", "fail")],
      });
    });
    afterEach(async () => {
      await store.close();
    });

    it("deletes items resolved before a day, with their history and ticket ledger rows", async () => {
      const dry = await store.prune({
        resolvedBefore: "2026-02-01T00:00:00.000Z",
        dryRun: true,
        configuredTenants,
      });
      expect(await store.tickets(fp("alice"))).toHaveLength(1);
      expect(dry).toEqual({ items: 1, history: 3, sweeps: 0 });
      expect(Object.keys(await states())).toHaveLength(4);

      expect(await store.prune({ resolvedBefore: "2026-02-01T00:00:00.000Z", configuredTenants })).toEqual(
        dry,
      );
      expect(await states()).toEqual({ bob: "resolved", carol: "open", dave: "accepted" });
      expect(await store.history(fp("alice"))).toEqual([]);
      expect(await store.tickets(fp("alice"))).toEqual([]);
    });

    it("forgets every item of a tenant that left, acceptances included", async () => {
      expect(await store.prune({ forgetTenants: ["gone"], configuredTenants })).toEqual({
        items: 1,
        history: 2,
        sweeps: 0,
      });
      expect(await states()).toEqual({ alice: "resolved", bob: "resolved", carol: "open" });
      expect(await store.listAcceptances("gone")).toEqual([]);
    });

    it("refuses to forget a tenant the config still lists, through the library as through the CLI", async () => {
      await expect(
        store.prune({ forgetTenants: ["gone"], configuredTenants: ["acme", "gone"], dryRun: true }),
      ).rejects.toThrow(QueueRuleError);
      await expect(store.prune({ forgetTenants: ["gone"], configuredTenants: ["gone"] })).rejects.toThrow(
        "cannot forget 'gone': still in the config",
      );
      expect(Object.keys(await states())).toHaveLength(4);
    });

    it("deletes sweep records started before a day, never a running one", async () => {
      await store.beginSweep({
        id: "running",
        kind: "sweep",
        startedAt: week1.toISOString(),
        tenants: ["acme"],
      });
      expect(await store.prune({ sweepsBefore: "2026-03-01T00:00:00.000Z", configuredTenants })).toEqual({
        items: 0,
        history: 0,
        sweeps: 2,
      });
      expect((await store.listSweeps()).map((s) => s.id).sort()).toEqual(["running", "s3"]);
      expect(await store.sweepTenants("s1")).toEqual([]);
      expect(Object.keys(await states())).toHaveLength(4);
    });

    it("from the CLI: counts with --dry-run, refuses a tenant still in the config, and a bad date", async () => {
      await store.close();
      const queue = (...args: string[]) =>
        inProcess(queueCommand(), ["queue", "prune", "--store", file, ...args]);
      expect((await queue("--resolved-before", "2026-02-01", "--dry-run")).stdout).toBe(
        `would delete 1 item(s) with 3 history entries, and 0 sweep record(s) from ${storeLabel(file)}\n`,
      );
      const config = join(dir, "mfasweep.yaml");
      writeFileSync(
        config,
        `store: { path: queue.db }
tenants:
  - id: gone
    name: Gone
    connections:
      - { type: google-workspace, id: google, auth: { method: access-token, token: "env:T" } }
`,
      );
      const refused = await inProcess(queueCommand(), [
        "queue",
        "prune",
        "-c",
        config,
        "--store",
        file,
        "--forget-tenant",
        "gone",
      ]);
      expect([refused.code, refused.stderr]).toEqual([
        2,
        "mfasweep: cannot forget 'gone': still in the config; the next sweep would bring its items back as new. Remove it from the config first\n",
      ]);
      const badDate = await queue("--resolved-before", "last year");
      expect(badDate.stderr).toBe(
        "mfasweep: --resolved-before: expected a date as YYYY-MM-DD (got 'last year')\n",
      );
      expect((await queue()).stderr).toContain("nothing to prune");
      // `--store` beside the default config file: that config's tenant list still holds.
      const besideDefault = await inProcess(
        queueCommand(),
        ["queue", "prune", "--store", file, "--forget-tenant", "gone"],
        { MFASWEEP_CONFIG: config },
      );
      expect([besideDefault.code, besideDefault.stderr]).toEqual([
        2,
        "mfasweep: cannot forget 'gone': still in the config; the next sweep would bring its items back as new. Remove it from the config first\n",
      ]);
      // No config at all: nothing to check the tenant against, so nothing is forgotten blind.
      const noConfig = join(dir, "absent.yaml");
      const blind = await inProcess(
        queueCommand(),
        ["queue", "prune", "--store", file, "--forget-tenant", "gone"],
        { MFASWEEP_CONFIG: noConfig },
      );
      expect([blind.code, blind.stderr]).toEqual([
        2,
        `mfasweep: --forget-tenant needs the config (-c FILE; no ${noConfig} here), so that a tenant it still lists is not forgotten\n`,
      ]);
      const acmeOnly = join(dir, "acme.yaml");
      writeFileSync(
        acmeOnly,
        `tenants:
  - id: acme
    name: Acme
    connections:
      - { type: google-workspace, id: google, auth: { method: access-token, token: "env:T" } }
`,
      );
      expect((await queue("-c", acmeOnly, "--forget-tenant", "gone")).stdout).toContain(
        "deleted 1 item(s) with 2 history entries",
      );
      store = await engine.open(file, {});
      expect(Object.keys(await states()).sort()).toEqual(["alice", "bob", "carol"]);
    });
  });
