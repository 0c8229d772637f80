import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type GoogleTenantSeed,
  seedTenant,
  seedUser,
  startGoogleEmulator,
} from "../../../providers/google-workspace/emulator.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { ConfigError } from "../../../src/errors.js";
import { StoreLockedError } from "../../../src/queue/errors.js";
import type { QueueItem } from "../../../src/queue/model.js";
import type { Store } from "../../../src/queue/store.js";
import { ScanReport } from "../../../src/report.js";
import { type SweepOptions, sweep, sweepExitCode } from "../../../src/sweep.js";
import { googleTenantsYaml, twoStepTenant } from "../../helpers/google-tenants.js";
import { storeEngines } from "../../helpers/store-engines.js";

/**
 * The sweep end to end as a library: real Google client → emulator → scan → reconcile into a real
 * SQLite file and the real PostgreSQL. The emulator's seeds are mutated between sweeps to play "a week later".
 */

const day = 86_400_000;
const t0 = new Date("2026-11-24T06:00:00.000Z");
const tokens = { ACME_TOKEN: "ya29.acme-sweep-token", BETA_TOKEN: "ya29.beta-sweep-token" };
const retry = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };

let emulator: RunningEmulator;
let acme: GoogleTenantSeed;
let beta: GoogleTenantSeed;
let file: string;
let store: Store;

function freshSeeds() {
  acme = twoStepTenant("acme.example", tokens.ACME_TOKEN, [
    seedUser("alice@acme.example"),
    seedUser("carol@acme.example"),
    seedUser("dave@acme.example", { isEnrolledIn2Sv: true }),
  ]);
  beta = twoStepTenant("beta.example", tokens.BETA_TOKEN, [seedUser("erin@beta.example")]);
}

function user(seed: GoogleTenantSeed, email: string) {
  const u = seed.users.find((x) => x.primaryEmail === email);
  if (!u) throw new Error(`no seed user ${email}`);
  return u;
}

function configText(extra = "") {
  return `${googleTenantsYaml({ acme: emulator.url, beta: emulator.url })}${extra}`;
}

function run(
  now: Date,
  options: Partial<SweepOptions> & { config?: string; env?: Record<string, string> } = {},
) {
  const { config: text, env, ...rest } = options;
  const { config } = parseConfig(text ?? configText(), "mfasweep.yaml", now);
  return sweep(config, {
    store,
    now,
    env: { ...tokens, ...env },
    enforceQuotas: false,
    retry,
    sleep: async () => {},
    ...rest,
  });
}

async function itemOf(email: string, policy = "google-user-2sv-enforced"): Promise<QueueItem> {
  const items = await store.findItems({ policies: [policy] });
  const found = items.find((i) => i.subject.name === email);
  if (!found) throw new Error(`no item for ${email}`);
  return found;
}

beforeAll(async () => {
  freshSeeds();
  emulator = await startGoogleEmulator({ tenants: [acme, beta] });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  // The emulator keeps references to the seed objects: reset their contents in place.
  const [a, b] = [acme, beta];
  freshSeeds();
  Object.assign(a, acme);
  Object.assign(b, beta);
  acme = a;
  beta = b;
});

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`${engine.name} store`, () => {
    beforeEach(async () => {
      file = await engine.fresh();
      store = await engine.open(file);
    });
    afterEach(() => store.close());

    describe("sweep: the weekly diff", () => {
      it("a user fixed between sweeps is resolved; broken again, it reopens as a regression", async () => {
        const first = await run(t0);
        expect(ScanReport.parse(first.report).sweep.kind).toBe("sweep");
        expect(first.summary.tenants.map((t) => [t.tenant, t.reconciled, t.coverage.status])).toEqual([
          ["acme", true, "complete"],
          ["beta", true, "complete"],
        ]);
        const acmeDiff = first.summary.tenants[0]?.diff;
        expect(acmeDiff).toMatchObject({ new: 3, resolved: 0, open: 3 });
        expect((await itemOf("alice@acme.example")).state).toBe("open");
        expect(sweepExitCode(first, "low")).toBe(1);

        Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true });
        const second = await run(new Date(t0.getTime() + 7 * day));
        expect(second.summary.tenants[0]?.diff).toMatchObject({ new: 0, resolved: 1, stillOpen: 2, open: 2 });
        const alice = await itemOf("alice@acme.example");
        expect(alice).toMatchObject({ state: "resolved", resolvedAt: "2026-12-01T06:00:00.000Z" });
        expect((await store.history(alice.fingerprint)).at(-1)).toMatchObject({
          actor: second.summary.sweep.id,
          from: "open",
          to: "resolved",
        });
        expect(second.summary.changes.map((c) => `${c.kind} ${c.subject}`)).toEqual([
          "resolved alice@acme.example",
        ]);
        expect((await itemOf("carol@acme.example")).lastSeen).toBe("2026-12-01T06:00:00.000Z");

        Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: false, isEnforcedIn2Sv: false });
        const third = await run(new Date(t0.getTime() + 14 * day));
        expect(third.summary.totals).toMatchObject({ new: 0, regressed: 1, resolved: 0 });
        expect(await itemOf("alice@acme.example")).toMatchObject({
          state: "reopened",
          regressionCount: 1,
          openedAt: "2026-12-08T06:00:00.000Z",
        });
        const sweeps = await store.listSweeps();
        expect(sweeps.map((s) => s.status)).toEqual(["finished", "finished", "finished"]);
        expect(sweeps[0]?.summary).toEqual(third.summary);
      });

      it("a connection that fails (401) resolves nothing, and its failure becomes an item of its own", async () => {
        await run(t0);
        const before = await itemOf("alice@acme.example");
        Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true });
        const broken = await run(new Date(t0.getTime() + 7 * day), { env: { ACME_TOKEN: "ya29.revoked" } });
        const acmeEntry = broken.summary.tenants.find((t) => t.tenant === "acme");
        expect(acmeEntry?.coverage.status).toBe("failed");
        expect(acmeEntry?.coverage.connections[0]?.reason).toMatch(/credentials refused \(HTTP 401/);
        expect(acmeEntry?.diff).toMatchObject({ resolved: 0, stillOpen: 3 });
        // Untouched: same state and the last time it was really seen.
        expect(await itemOf("alice@acme.example")).toEqual(before);
        const failed = (await store.findItems({ tenants: ["acme"] })).filter(
          (i) => i.subject.kind === "connection",
        );
        // One `unknown` per policy that judges the failed connection's source.
        const notChecked = broken.report.results.filter(
          (r) => r.tenant === "acme" && r.subject.kind === "connection",
        );
        expect(notChecked.length).toBeGreaterThan(0);
        expect(failed.length).toBe(notChecked.length);
        expect(failed.every((i) => i.state === "open" && i.status === "unknown")).toBe(true);
        expect(sweepExitCode(broken, "critical")).toBe(2);

        const healed = await run(new Date(t0.getTime() + 8 * day));
        expect((await itemOf("alice@acme.example")).state).toBe("resolved");
        const after = (await store.findItems({ tenants: ["acme"], states: ["resolved"] })).filter(
          (i) => i.subject.kind === "connection",
        );
        expect(after).toHaveLength(notChecked.length);
        expect(healed.summary.tenants[0]?.diff?.resolved).toBe(1 + notChecked.length);
      });

      it("a partially read connection resolves nothing", async () => {
        await run(t0);
        Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true });
        emulator.inject({
          path: /\/customer\/[^/]+\/roleassignments$/,
          times: 2,
          fault: { kind: "status", status: 400, body: { error: { code: 400, message: "Bad Request" } } },
        });
        const partial = await run(new Date(t0.getTime() + 7 * day));
        const entry = partial.summary.tenants.find((t) => t.tenant === "acme");
        expect(entry?.coverage.status).toBe("partial");
        expect(entry?.diff?.resolved).toBe(0);
        expect((await itemOf("alice@acme.example")).state).toBe("open");
      });

      it("--tenant sweeps only that tenant; the others' items are untouched", async () => {
        await run(t0);
        const acmeBefore = await store.findItems({ tenants: ["acme"] });
        const only = await run(new Date(t0.getTime() + day), { tenants: ["beta"] });
        expect(only.summary.tenants.map((t) => t.tenant)).toEqual(["beta"]);
        expect(only.report.tenants.map((t) => t.id)).toEqual(["beta"]);
        expect(await store.findItems({ tenants: ["acme"] })).toEqual(acmeBefore);
        expect((await store.findItems({ tenants: ["beta"] }))[0]?.lastSeen).toBe("2026-11-25T06:00:00.000Z");
        await expect(run(t0, { tenants: ["nope"] })).rejects.toThrow(ConfigError);
      });

      it("uses the config's SLA for due dates and counts overdue items", async () => {
        const sla = "sla:\n  high: 1\n  critical: 1\n";
        await run(t0, { config: configText(sla) });
        expect((await itemOf("alice@acme.example")).dueAt).toBe("2026-11-25T06:00:00.000Z");
        const later = await run(new Date(t0.getTime() + 2 * day), { config: configText(sla) });
        expect(later.summary.totals.overdue).toBe(4);
        expect(later.summary.tenants[0]?.diff?.overdue).toBe(3);
      });
    });

    describe("sweep: exceptions from the config and from `queue accept` behave the same", () => {
      const exception = `exceptions:
  - match: { tenant: acme, policy: google-user-2sv-enforced, subject: alice@acme.example, connection: google }
    reason: Kiosk account, sign-in restricted by Context-Aware Access
    approvedBy: sec@msp.example
    expires: 2026-12-31
`;

      it("both keep the item accepted and the result excepted until they expire, then both reopen", async () => {
        await run(t0, { config: configText(exception) });
        const carol = await itemOf("carol@acme.example");
        await store.accept(
          carol.fingerprint,
          { reason: "Leaving the company on Friday", approvedBy: "lead@msp.example", expires: "2026-12-31" },
          t0,
          { maxExceptionDays: 180 },
        );

        const during = await run(new Date(t0.getTime() + 7 * day), { config: configText(exception) });
        const status = (email: string) =>
          during.report.results.find(
            (r) => r.subject.name === email && r.policy === "google-user-2sv-enforced",
          )?.status;
        expect([status("alice@acme.example"), status("carol@acme.example")]).toEqual([
          "excepted",
          "excepted",
        ]);
        expect(await itemOf("alice@acme.example")).toMatchObject({
          state: "accepted",
          exception: { source: "config" },
        });
        expect(await itemOf("carol@acme.example")).toMatchObject({
          state: "accepted",
          exception: { source: "queue" },
        });
        expect(during.summary.changes).toEqual([]);
        expect(during.summary.tenants[0]?.diff).toMatchObject({ accepted: 2, open: 1 });

        const after = await run(new Date("2027-01-01T06:00:00.000Z"), { config: configText(exception) });
        const reopened = after.summary.changes.filter((c) => c.kind === "reopened").map((c) => c.subject);
        expect(reopened.sort()).toEqual(["alice@acme.example", "carol@acme.example"]);
        for (const email of ["alice@acme.example", "carol@acme.example"]) {
          const i = await itemOf(email);
          expect(i).toMatchObject({ state: "reopened", exception: null, regressionCount: 0 });
          expect((await store.history(i.fingerprint)).at(-1)?.note).toBe("exception expired on 2026-12-31");
          const r = after.report.results.find((x) => x.fingerprint === i.fingerprint);
          expect(r?.status).toBe("fail");
          expect(r?.message).toContain("(exception expired on 2026-12-31:");
        }
      });
    });

    describe("sweep: concurrency and interruption", () => {
      it("a second sweep on the same store refuses while the first runs, and nothing is corrupted", async () => {
        const hung = await startGoogleEmulator({
          tenants: [seedTenant("slow.example", "ya29.slow", () => ({ users: [seedUser("x@slow.example")] }))],
          faults: [{ path: /.*/, times: 1000, fault: { kind: "hang" } }],
        });
        const text = `${configText()}  - id: slow
    name: Slow
    connections:
      - type: google-workspace
        id: google
        endpoint: ${hung.url}
        auth: { method: access-token, token: env:SLOW_TOKEN }
`;
        const first = run(t0, { config: text, env: { SLOW_TOKEN: "ya29.slow" }, tenantConcurrency: 3 });
        // Wait (bounded) until the first sweep has committed its healthy tenants.
        let running: string | undefined;
        for (let i = 0; i < 400 && !running; i++) {
          const [s] = await store.listSweeps();
          if (s?.status === "running" && (await store.sweepTenants(s.id)).length === 2) running = s.id;
          else await new Promise((r) => setTimeout(r, 25));
        }
        expect(running).toBeDefined();

        const other = await engine.open(file);
        try {
          await expect(run(t0, { store: other, lock: { waitMs: 0 } })).rejects.toThrow(StoreLockedError);
        } finally {
          await other.close();
        }
        await hung.close();
        const outcome = await first;
        expect(outcome.summary.tenants.map((t) => [t.tenant, t.reconciled, t.coverage.status])).toEqual([
          ["acme", true, "complete"],
          ["beta", true, "complete"],
          ["slow", true, "failed"],
        ]);
        expect((await store.listSweeps()).map((s) => [s.id, s.status])).toEqual([[running, "finished"]]);
      });

      it("a stopped sweep keeps the tenants it reconciled, leaves the rest untouched, and says so", async () => {
        const controller = new AbortController();
        const outcome = await run(t0, {
          tenantConcurrency: 1,
          signal: controller.signal,
          onTenant: () => controller.abort(new Error("stopped by signal")),
        });
        expect(outcome.summary.sweep.status).toBe("interrupted");
        expect(outcome.summary.tenants.map((t) => [t.tenant, t.reconciled, t.error])).toEqual([
          ["acme", true, undefined],
          ["beta", false, "sweep stopped before this tenant"],
        ]);
        expect(await store.findItems({ tenants: ["beta"] })).toEqual([]);
        expect((await store.findItems({ tenants: ["acme"] })).length).toBe(3);
        expect((await store.listSweeps())[0]?.status).toBe("interrupted");
        expect(sweepExitCode(outcome, "critical")).toBe(2);
      });
    });
  });
