import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Result } from "../../../src/model/index.js";
import { StoreError } from "../../../src/queue/errors.js";
import { defaultSla } from "../../../src/queue/model.js";
import type { Store } from "../../../src/queue/store.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { coverage, fp, result, tenant } from "./fixtures.js";

/**
 * The Store queries the weekly report reads through (additive to the queue of issue #8): history since a
 * time across items, each tenant's recent reconciles, one sweep by id. Against a real SQLite file and the real PostgreSQL.
 */

const day = 86_400_000;
const t0 = new Date("2026-11-03T06:00:00.000Z");
const at = (days: number) => new Date(t0.getTime() + days * day);

let file: string;
let store: Store;

/** One sweep of `tenants`, each with its results, at `now`; the sweep's own start time is `startedAt`. */
async function sweepAt(
  id: string,
  now: Date,
  perTenant: Record<string, Result[]>,
  startedAt = now.toISOString(),
) {
  await store.beginSweep({ id, kind: "sweep", startedAt, tenants: Object.keys(perTenant) });
  for (const [t, results] of Object.entries(perTenant))
    await store.reconcileTenant({
      sweepId: id,
      tenant: t,
      now,
      sla: defaultSla,
      results,
      coverage: [coverage("google", "complete", t)],
    });
  await store.finishSweep(id, { status: "finished", finishedAt: now.toISOString() });
}

const other = "beta";
const forBeta = (id: string, status: Result["status"]) =>
  result(id, status, {
    tenant: other,
    subject: { ...result(id, status).subject, name: `${id}@beta.example` },
  });

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`${engine.name} store`, () => {
    beforeEach(async () => {
      file = await engine.fresh();
      store = await engine.open(file);
    });
    afterEach(() => store.close());

    describe("Store.historySince", () => {
      it("returns every change at or after a time, across items, oldest first, and only for the tenants asked", async () => {
        await sweepAt("s1", at(0), {
          [tenant]: [result("a", "fail"), result("b", "fail")],
          [other]: [forBeta("x", "fail")],
        });
        await sweepAt("s2", at(7), {
          [tenant]: [result("a", "pass"), result("b", "fail"), result("c", "fail")],
        });
        await store.accept(
          fp("b"),
          { reason: "pilot", approvedBy: "lead@msp.example", expires: "2026-12-31" },
          at(8),
          { maxExceptionDays: 180 },
        );

        const all = await store.historySince();
        expect(all.map((h) => [h.at.slice(0, 10), h.to])).toEqual([
          ["2026-11-03", "open"],
          ["2026-11-03", "open"],
          ["2026-11-03", "open"],
          ["2026-11-10", "open"],
          ["2026-11-10", "resolved"],
          ["2026-11-11", "accepted"],
        ]);

        const since = await store.historySince({ since: at(7).toISOString(), tenants: [tenant] });
        expect(since.map((h) => [h.fingerprint, h.from, h.to, h.actor])).toEqual([
          [fp("c"), null, "open", "s2"],
          [fp("a"), "open", "resolved", "s2"],
          [fp("b"), "open", "accepted", "lead@msp.example"],
        ]);
        // The same entries history() gives per item.
        for (const h of since) expect(await store.history(h.fingerprint)).toContainEqual(h);

        expect(await store.historySince({ tenants: [other] })).toHaveLength(1);
        expect(await store.historySince({ tenants: [] })).toEqual([]);
        expect(await store.historySince({ since: at(9).toISOString() })).toEqual([]);
      });
    });

    describe("Store.reconcileHistory", () => {
      it("gives each tenant's latest reconciles newest first, limited per tenant, with their diffs", async () => {
        await sweepAt("s1", at(0), {
          [tenant]: [result("a", "fail"), result("b", "fail")],
          [other]: [forBeta("x", "fail")],
        });
        await sweepAt("s2", at(7), { [tenant]: [result("a", "fail")] });
        await sweepAt("s3", at(14), { [tenant]: [result("a", "fail"), result("d", "fail")], [other]: [] });

        const all = await store.reconcileHistory();
        expect(all.map((r) => [r.sweepId, r.tenant, r.diff.open])).toEqual([
          ["s3", tenant, 2],
          ["s3", other, 0],
          ["s2", tenant, 1],
          ["s1", tenant, 2],
          ["s1", other, 1],
        ]);
        expect(all[0]!.reconciledAt).toBe(at(14).toISOString());

        const lastTwo = await store.reconcileHistory({ last: 2 });
        expect(lastTwo.map((r) => `${r.sweepId}/${r.tenant}`)).toEqual([
          `s3/${tenant}`,
          `s3/${other}`,
          `s2/${tenant}`,
          `s1/${other}`,
        ]);
        expect((await store.reconcileHistory({ tenants: [other], last: 1 })).map((r) => r.sweepId)).toEqual([
          "s3",
        ]);
        expect(await store.reconcileHistory({ tenants: [] })).toEqual([]);
      });

      it("orders two sweeps that ran with the same clock by when they started", async () => {
        await sweepAt("zz-first", at(0), { [tenant]: [result("a", "fail")] }, "2026-11-24T10:00:00.000Z");
        await sweepAt("aa-second", at(0), { [tenant]: [result("a", "pass")] }, "2026-11-24T10:05:00.000Z");
        const [latest, previous] = await store.reconcileHistory({ last: 2 });
        expect([latest?.sweepId, previous?.sweepId]).toEqual(["aa-second", "zz-first"]);
        expect(latest?.diff.resolved).toBe(1);
      });

      it("reports a damaged diff as a StoreError naming the sweep", async () => {
        await sweepAt("s1", at(0), { [tenant]: [result("a", "fail")] });
        await engine.query(file, "UPDATE sweep_tenants SET diff = '{\"tenant\": 1}'");
        await expect(store.reconcileHistory()).rejects.toThrow(StoreError);
        await expect(store.reconcileHistory()).rejects.toThrow(/sweep s1 diff is damaged/);
      });
    });

    describe("Store.getSweep", () => {
      it("finds one sweep by its full id, as listSweeps shows it", async () => {
        await sweepAt("s1", at(0), { [tenant]: [result("a", "fail")] });
        await sweepAt("s2", at(7), { [tenant]: [result("a", "fail")] });
        const [newest] = await store.listSweeps({ limit: 1 });
        expect(await store.getSweep("s2")).toEqual(newest);
        expect((await store.getSweep("s1"))?.startedAt).toBe(at(0).toISOString());
        expect(await store.getSweep("s")).toBeUndefined();
      });
    });
  });
