import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reconcile, unchangedFindings } from "../../../src/queue/lifecycle.js";
import { defaultSla, type QueueItem } from "../../../src/queue/model.js";
import { contentHash } from "../../../src/queue/rows.js";
import type { Store } from "../../../src/queue/store.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { coverage, fp, item, lastWeek, now, result, tenant } from "./fixtures.js";

// Steady state (issue #20 item 2): a finding seen again with the same content is touched (lastSeen,
// lastSweep, updatedAt), not read whole and rewritten; anything else goes through the full rules.

const later = new Date(now.getTime() + 7 * 86_400_000);
const complete = [coverage("google", "complete")];

describe("steady-state reconcile (pure)", () => {
  const base = { tenant, sweepId: "s2", now: later, sla: defaultSla, coverage: complete };

  it("touches an open item seen again unchanged, and gives the same diff as reconciling it whole", () => {
    const r = result("alice", "fail");
    const stored: QueueItem = { ...item("alice", "open"), ...contentOf(r) };
    const digest = { ...stored, contentHash: contentHash(stored) };
    const { unchanged, needed } = unchangedFindings({ ...base, results: [r], stored: [digest] });
    expect([...unchanged]).toEqual([fp("alice")]);
    expect(needed).toEqual([]);
    const steady = reconcile({ ...base, results: [r], items: [], steady: { stored: [digest], unchanged } });
    const whole = reconcile({ ...base, results: [r], items: [stored] });
    expect(steady.touched).toEqual([fp("alice")]);
    expect(steady.changes).toEqual([]);
    expect(steady.diff).toEqual(whole.diff);
    // The whole reconcile writes exactly what the touch does: the same item with the sweep's time and id.
    expect(whole.changes.map((c) => c.item)).toEqual([
      { ...stored, lastSeen: later.toISOString(), lastSweep: "s2", updatedAt: later.toISOString() },
    ]);
  });

  it("loads whole what may change: new content, no hash, an accepted item, a resolved item failing again", () => {
    const results = ["a", "b", "c", "d"].map((id) => result(id, "fail"));
    const hashed = (i: QueueItem) => ({ ...i, contentHash: contentHash(i) });
    const stored = [
      hashed({ ...item("a", "open"), ...contentOf(results[0]!), message: "worded differently" }),
      { ...item("b", "open"), ...contentOf(results[1]!), contentHash: null },
      hashed({ ...item("c", "accepted"), ...contentOf(results[2]!) }),
      hashed({ ...item("d", "resolved"), ...contentOf(results[3]!) }),
      // Resolved and not found again: nothing can change, so it is not loaded.
      hashed({ ...item("e", "resolved") }),
    ];
    const { unchanged, needed } = unchangedFindings({ ...base, results, stored });
    expect(unchanged.size).toBe(0);
    expect(needed).toEqual(["a", "b", "c", "d"].map((id) => fp(id)));
  });
});

function contentOf(r: ReturnType<typeof result>) {
  return {
    policy: r.policy,
    title: r.title,
    severity: r.severity,
    subject: r.subject,
    status: r.status === "pass" ? ("fail" as const) : r.status,
    message: r.message,
    mfa: r.mfa,
    evidence: r.evidence,
    remediation: r.remediation,
    details: r.details ?? null,
    dependsOn: r.dependsOn ?? ["google"],
    exception: null,
  };
}

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`steady-state reconcile (${engine.name})`, () => {
    let location: string;
    let store: Store;
    beforeEach(async () => {
      location = await engine.fresh();
      store = await engine.open(location);
    });
    afterEach(async () => {
      await store.close();
    });

    const sweep = async (id: string, at: Date, results: ReturnType<typeof result>[]) => {
      await store.beginSweep({ id, kind: "sweep", startedAt: at.toISOString(), tenants: [tenant] });
      const outcome = await store.reconcileTenant({
        sweepId: id,
        tenant,
        now: at,
        sla: defaultSla,
        results,
        coverage: complete,
      });
      await store.finishSweep(id, { status: "finished", finishedAt: at.toISOString() });
      return outcome;
    };

    it("a re-sweep with the same findings only moves lastSeen, lastSweep and updatedAt", async () => {
      const results = [result("alice", "fail"), result("bob", "unknown")];
      await sweep("s1", now, results);
      const before = await store.findItems({});
      const outcome = await sweep("s2", later, results);
      expect(outcome.touched.sort()).toEqual([fp("alice"), fp("bob")].sort());
      expect(outcome.diff).toMatchObject({ new: 0, stillOpen: 2, open: 2, resolved: 0 });
      const at = later.toISOString();
      expect(await store.findItems({})).toEqual(
        before.map((i) => ({ ...i, lastSeen: at, lastSweep: "s2", updatedAt: at })),
      );
      expect((await store.history(fp("alice"))).length).toBe(1);
    });

    it("rewrites what changed and what was stored without a hash; leaves the unchanged row's columns alone", async () => {
      await sweep("s1", now, [result("alice", "fail"), result("bob", "fail"), result("carol", "fail")]);
      // Another program's edits: the hash is what the store compares, so an edit behind it stays, a row
      // without a hash (stored before the migration) is rewritten whole.
      await engine.query(
        location,
        `UPDATE items SET remediation = 'edited' WHERE fingerprint = '${fp("alice")}'`,
      );
      await engine.query(
        location,
        `UPDATE items SET remediation = 'edited', content_hash = NULL WHERE fingerprint = '${fp("bob")}'`,
      );
      const carol = result("carol", "fail", { message: "carol: worded differently" });
      const outcome = await sweep("s2", later, [result("alice", "fail"), result("bob", "fail"), carol]);
      expect(outcome.touched).toEqual([fp("alice")]);
      expect((await store.getItem(fp("alice")))?.remediation).toBe("edited");
      expect((await store.getItem(fp("bob")))?.remediation).toBe(result("bob", "fail").remediation);
      expect((await store.getItem(fp("carol")))?.message).toBe("carol: worded differently");
      const hashes = await engine.query(location, "SELECT content_hash FROM items ORDER BY fingerprint");
      expect(hashes.every((h) => typeof h.content_hash === "string")).toBe(true);
      // The third sweep finds bob's row hashed again: it is touched too.
      const third = await sweep("s3", new Date(later.getTime() + 86_400_000), [
        result("alice", "fail"),
        result("bob", "fail"),
        carol,
      ]);
      expect(third.touched.sort()).toEqual([fp("alice"), fp("bob"), fp("carol")].sort());
    });

    it("a tenant's first sweep (nothing stored, nothing read) writes the same rows and history as one with items stored", async () => {
      // The other store holds an item of the tenant already, so its reconcile reads and loads it.
      const otherLocation = await engine.fresh();
      const other = await engine.open(otherLocation);
      try {
        await other.beginSweep({ id: "s0", kind: "sweep", startedAt: lastWeek, tenants: [tenant] });
        await other.reconcileTenant({
          sweepId: "s0",
          tenant,
          now: new Date(lastWeek),
          sla: defaultSla,
          results: [result("zed", "fail")],
          coverage: [coverage("google", "partial")],
        });
        const results = [result("alice", "fail"), result("bob", "unknown"), result("carol", "pass")];
        const first = await sweep("s1", now, results);
        await other.beginSweep({ id: "s1", kind: "sweep", startedAt: now.toISOString(), tenants: [tenant] });
        const general = await other.reconcileTenant({
          sweepId: "s1",
          tenant,
          now,
          sla: defaultSla,
          results,
          coverage: complete,
        });
        expect(first.diff).toMatchObject({ new: 2, open: 2 });
        expect(general.diff).toMatchObject({ new: 2, resolved: 1 });
        const fresh = [fp("alice"), fp("bob")];
        expect(await other.findItems({ states: ["open"] })).toEqual(await store.findItems({}));
        for (const f of fresh) expect(await other.history(f)).toEqual(await store.history(f));
        const columns = `SELECT * FROM items WHERE fingerprint IN ('${fresh.join("', '")}') ORDER BY fingerprint`;
        expect(await engine.query(otherLocation, columns)).toEqual(await engine.query(location, columns));
      } finally {
        await other.close();
      }
    });
  });
