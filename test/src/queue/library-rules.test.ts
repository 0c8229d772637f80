import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultSla, parseConfig, QueueRuleError, type Store } from "../../../src/index.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { coverage, fp, result, tenant } from "./fixtures.js";

/**
 * The queue's safety rules hold for a script that uses the library as an MSP would (everything from
 * `src/index.ts`), not only for the CLI (#25 item 8): the config's `maxExceptionDays` cannot be left out,
 * and prune cannot be called without the tenants the config lists.
 */

const now = new Date("2026-11-24T12:00:00.000Z");
const configText = (extra: string) => `tenants:
  - id: ${tenant}
    name: Acme
    connections:
      - id: google
        type: google-workspace
        auth: { method: access-token, token: env:ACME_TOKEN }
${extra}`;
const strict = parseConfig(configText("maxExceptionDays: 30\n"), "mfasweep.yaml", now).config;
const lenient = parseConfig(configText(""), "mfasweep.yaml", now).config;
const acceptance = (expires: string) => ({
  reason: "contractor leaves",
  approvedBy: "lead@msp.example",
  expires,
});
/** 60 and 20 days after `now`. */
const in60Days = "2027-01-23";
const in20Days = "2026-12-14";

let store: Store;

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`the library keeps the config's queue rules (${engine.name})`, () => {
    beforeEach(async () => {
      store = await engine.open(await engine.fresh());
      await store.beginSweep({ id: "s1", kind: "sweep", startedAt: now.toISOString(), tenants: [tenant] });
      await store.reconcileTenant({
        sweepId: "s1",
        tenant,
        now,
        sla: defaultSla,
        results: [result("carol", "fail")],
        coverage: [coverage("google", "complete")],
      });
      await store.finishSweep("s1", { status: "finished", finishedAt: now.toISOString() });
    });
    afterEach(async () => {
      await store.close();
    });

    it("a config with maxExceptionDays 30 refuses a 60-day acceptance and takes a 20-day one", async () => {
      expect(strict.maxExceptionDays).toBe(30);
      await expect(store.accept(fp("carol"), acceptance(in60Days), now, strict)).rejects.toThrow(
        QueueRuleError,
      );
      await expect(store.accept(fp("carol"), acceptance(in60Days), now, strict)).rejects.toThrow(
        "more than 30 days ahead",
      );
      expect((await store.getItem(fp("carol")))?.state).toBe("open");
      expect(await store.listAcceptances()).toEqual([]);

      const accepted = await store.accept(fp("carol"), acceptance(in20Days), now, strict);
      expect(accepted).toMatchObject({
        state: "accepted",
        exception: { expires: in20Days, source: "queue" },
      });
    });

    it("the same 60 days pass under a config that keeps the default of 180", async () => {
      expect(lenient.maxExceptionDays).toBe(180);
      const accepted = await store.accept(fp("carol"), acceptance(in60Days), now, lenient);
      expect(accepted.exception?.expires).toBe(in60Days);
    });

    it("leaving the config out does not compile, and at run time is refused rather than given a default", async () => {
      // @ts-expect-error the config's limits are required: a default would replace a stricter maxExceptionDays
      await expect(store.accept(fp("carol"), acceptance(in20Days), now)).rejects.toThrow(
        "pass the loaded config as the limits",
      );
      expect((await store.getItem(fp("carol")))?.state).toBe("open");
    });

    it("prune needs the config's tenants and refuses to forget one of them", async () => {
      const configuredTenants = strict.tenants.map((t) => t.id);
      await expect(store.prune({ forgetTenants: [tenant], configuredTenants })).rejects.toThrow(
        QueueRuleError,
      );
      expect((await store.getItem(fp("carol")))?.state).toBe("open");
      // @ts-expect-error configuredTenants is required: a prune that cannot see the config could forget a customer
      await expect(store.prune({ forgetTenants: [tenant] })).rejects.toThrow("pass configuredTenants");
      expect((await store.getItem(fp("carol")))?.state).toBe("open");
    });
  });
