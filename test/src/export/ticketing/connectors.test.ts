import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../../src/emulator/server.js";
import { startAutotaskEmulator } from "../../../../src/export/ticketing/emulators/autotask.js";
import type { EmulatedTicket, TicketEmulator } from "../../../../src/export/ticketing/emulators/common.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../../../src/export/ticketing/emulators/connectwise.js";
import { startHaloEmulator } from "../../../../src/export/ticketing/emulators/halopsa.js";
import { startJiraEmulator } from "../../../../src/export/ticketing/emulators/jira.js";
import { startServiceNowEmulator } from "../../../../src/export/ticketing/emulators/servicenow.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import { at, fastRetry, finding, freshStore, noRetry, sweepQueue, sync, t0, ticketing } from "./helpers.js";

/**
 * The same behaviours for every PSA connector, each against its emulator: create → re-run (no duplicates)
 * → an item changes (update) → resolved (note; closed when configured) → failing again → refused
 * credentials → 429 → a 500 in the middle of a batch → tenant isolation. What differs per system (auth,
 * dedupe field, where the company is) is in the case table.
 */

interface PsaCase {
  name: string;
  start(): Promise<TicketEmulator>;
  env: Record<string, string>;
  wrongEnv: Record<string, string>;
  /** A raw `ticketing:` entry for the emulator at `url`. */
  target(url: string, extra?: Record<string, unknown>): Record<string, unknown>;
  /** The dedupe field's value on a ticket. */
  key(t: EmulatedTicket): unknown;
  /** Where the ticket landed (company / client / project). */
  company(t: EmulatedTicket): unknown;
  companies: { acme: unknown; beta: unknown };
  /** `fields` that try to send a tenant's ticket elsewhere. */
  hijack: Record<string, unknown>;
  create: { path: string | RegExp; method: string };
  /** Whether a create lost to a 5xx is looked up and retried in the same run. */
  retriesCreateAfterLookup: boolean;
}

const snAcme = "a".repeat(32);
const snBeta = "b".repeat(32);

const cases: PsaCase[] = [
  {
    name: "connectwise",
    start: () =>
      startConnectWiseEmulator({
        companyId: "msp",
        publicKey: "pub-key-1",
        privateKey: "priv-key-1",
        clientId: "client-guid-1",
        companies: [250, 260],
      }),
    env: { CW_PUBLIC: "pub-key-1", CW_PRIVATE: "priv-key-1", CW_CLIENT: "client-guid-1" },
    wrongEnv: { CW_PUBLIC: "pub-key-1", CW_PRIVATE: "wrong-private", CW_CLIENT: "client-guid-1" },
    target: (url, extra) => ({
      id: "psa",
      type: "connectwise",
      endpoint: `${url}${connectwiseBasePath}`,
      apiVersion: "2022.1",
      auth: {
        companyId: "msp",
        publicKey: "env:CW_PUBLIC",
        privateKey: "env:CW_PRIVATE",
        clientId: "env:CW_CLIENT",
      },
      tenants: { acme: { companyId: 250, boardId: 1 }, beta: { companyId: 260, boardId: 1 } },
      closeFields: { status: { id: 42 } },
      ...extra,
    }),
    key: (t) => t.fields.externalXRef,
    company: (t) => (t.fields.company as { id: number }).id,
    companies: { acme: 250, beta: 260 },
    hijack: { company: { id: 260 }, externalXRef: "x" },
    create: { path: `${connectwiseBasePath}/service/tickets`, method: "POST" },
    retriesCreateAfterLookup: true,
  },
  {
    name: "autotask",
    start: () =>
      startAutotaskEmulator({
        username: "api@msp.example",
        secret: "at-secret-1",
        integrationCode: "AT-CODE-1",
        companies: [175, 176],
        requiredFields: ["status", "priority"],
      }),
    env: { AT_SECRET: "at-secret-1", AT_CODE: "AT-CODE-1" },
    wrongEnv: { AT_SECRET: "nope", AT_CODE: "AT-CODE-1" },
    target: (url, extra) => ({
      id: "psa",
      type: "autotask",
      endpoint: `${url}/ATServicesRest`,
      auth: { username: "api@msp.example", secret: "env:AT_SECRET", integrationCode: "env:AT_CODE" },
      fields: { status: 1, priority: 2 },
      noteFields: { noteType: 1, publish: 1 },
      tenants: { acme: { companyId: 175 }, beta: { companyId: 176 } },
      ...extra,
    }),
    key: (t) => t.fields.externalID,
    company: (t) => t.fields.companyID,
    companies: { acme: 175, beta: 176 },
    hijack: { companyID: 176, externalID: "x" },
    create: { path: "/zone/ATServicesRest/V1.0/Tickets", method: "POST" },
    retriesCreateAfterLookup: true,
  },
  {
    name: "halopsa",
    start: () =>
      startHaloEmulator({ clientId: "mfasweep-app", clientSecret: "halo-secret-1", clients: [12, 13] }),
    env: { HALO_SECRET: "halo-secret-1" },
    wrongEnv: { HALO_SECRET: "halo-wrong" },
    target: (url, extra) => ({
      id: "psa",
      type: "halopsa",
      endpoint: url,
      auth: { clientId: "mfasweep-app", clientSecret: "env:HALO_SECRET" },
      tenants: { acme: { clientId: 12 }, beta: { clientId: 13 } },
      closeFields: { status_id: 9 },
      ...extra,
    }),
    key: (t) => t.fields.third_party_id_string,
    company: (t) => t.fields.client_id,
    companies: { acme: 12, beta: 13 },
    hijack: { client_id: 13, third_party_id_string: "x" },
    create: { path: "/api/Tickets", method: "POST" },
    retriesCreateAfterLookup: false,
  },
  {
    name: "jira",
    start: () =>
      startJiraEmulator({ email: "bot@msp.example", apiToken: "jira-token-1", projects: ["ACME", "BETA"] }),
    env: { JIRA_TOKEN: "jira-token-1" },
    wrongEnv: { JIRA_TOKEN: "jira-expired" },
    target: (url, extra) => ({
      id: "psa",
      type: "jira",
      endpoint: url,
      auth: { email: "bot@msp.example", apiToken: "env:JIRA_TOKEN" },
      tenants: { acme: { projectKey: "ACME" }, beta: { projectKey: "BETA" } },
      ...extra,
    }),
    key: (t) => (t.fields.labels as string[]).find((l) => l.startsWith("mfa-"))?.slice(4),
    company: (t) => (t.fields.project as { key: string }).key,
    companies: { acme: "ACME", beta: "BETA" },
    hijack: { project: { key: "BETA" }, labels: [] },
    create: { path: "/rest/api/3/issue", method: "POST" },
    retriesCreateAfterLookup: false,
  },
  {
    name: "servicenow",
    start: () =>
      startServiceNowEmulator({ username: "mfasweep", password: "sn-pass-1", companies: [snAcme, snBeta] }),
    env: { SN_PASSWORD: "sn-pass-1" },
    wrongEnv: { SN_PASSWORD: "sn-wrong" },
    target: (url, extra) => ({
      id: "psa",
      type: "servicenow",
      endpoint: url,
      auth: { username: "mfasweep", password: "env:SN_PASSWORD" },
      tenants: { acme: { company: snAcme }, beta: { company: snBeta } },
      closeFields: { state: "6", close_code: "Solved (Permanently)", close_notes: "Resolved by mfasweep" },
      ...extra,
    }),
    key: (t) => t.fields.correlation_id,
    company: (t) => t.fields.company,
    companies: { acme: snAcme, beta: snBeta },
    hijack: { company: snBeta, correlation_id: "x" },
    create: { path: "/api/now/table/incident", method: "POST" },
    retriesCreateAfterLookup: true,
  },
];

describe.each(cases)("$name", (c) => {
  let emulator: TicketEmulator;
  let store: SqliteStore;
  const fp = (tenant: string, user: string) => finding({ tenant, user }).fingerprint;
  const target = (extra?: Record<string, unknown>) => ticketing([c.target(emulator.url, extra)]);
  const ticketOf = (tenant: string, user: string) => {
    const found = emulator.tickets.filter((t) => c.key(t) === fp(tenant, user));
    expect(found, `tickets for ${tenant}/${user}`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    emulator = await c.start();
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    emulator.tickets.length = 0;
    emulator.requests.length = 0;
    store = await freshStore();
  });
  afterEach(() => store.close());

  it("creates one ticket per open finding in the tenant's own company, keyed by its fingerprint; a re-run creates nothing", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
      { tenant: "beta", user: "alice" },
    ]);
    const first = await sync(store, target(), { env: c.env });
    expect(first).toMatchObject({ created: 3, updated: 0, noted: 0, closed: 0, failed: [] });
    expect(emulator.tickets).toHaveLength(3);
    expect(c.company(ticketOf("acme", "alice"))).toEqual(c.companies.acme);
    expect(c.company(ticketOf("acme", "bob"))).toEqual(c.companies.acme);
    expect(c.company(ticketOf("beta", "alice"))).toEqual(c.companies.beta);
    expect(JSON.stringify(ticketOf("acme", "alice").fields)).toContain("[MFA] Acme Corp: alice@corp.example");
    const item = await store.getItem(fp("acme", "alice"));
    expect(item?.state).toBe("ticketed");
    const [ref] = await store.tickets(fp("acme", "alice"));
    expect(ref).toMatchObject({ system: "psa", ticketId: ticketOf("acme", "alice").id });

    const writes = emulator.writes().length;
    const second = await sync(store, target(), { env: c.env });
    expect(second).toMatchObject({ created: 0, updated: 0, noted: 0, unchanged: 3, failed: [] });
    expect(emulator.tickets).toHaveLength(3);
    expect(emulator.writes()).toHaveLength(writes);
  });

  it("updates a changed finding once, notes and closes a resolved one, and opens a new ticket when a closed one fails again", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
    ]);
    const closing = target({ closeOnResolve: true });
    await sync(store, closing, { env: c.env });
    const bobTicket = ticketOf("acme", "bob");

    await sweepQueue(store, at(7), [
      {
        tenant: "acme",
        user: "alice",
        severity: "critical",
        message: "alice@corp.example: 2SV turned off by an admin",
      },
    ]);
    const changed = await sync(store, closing, { env: c.env, now: at(7) });
    expect(changed).toMatchObject({ created: 0, updated: 1, noted: 1, closed: 1, failed: [] });
    expect(JSON.stringify(ticketOf("acme", "alice"))).toContain("2SV turned off by an admin");
    expect(bobTicket.closed).toBe(true);
    expect(JSON.stringify(bobTicket.notes)).toContain("no longer finds it");

    const writes = emulator.writes().length;
    expect(await sync(store, closing, { env: c.env, now: at(7) })).toMatchObject({
      created: 0,
      updated: 0,
      noted: 0,
      closed: 0,
      unchanged: 1,
    });
    expect(emulator.writes()).toHaveLength(writes);

    await sweepQueue(store, at(14), [
      {
        tenant: "acme",
        user: "alice",
        severity: "critical",
        message: "alice@corp.example: 2SV turned off by an admin",
      },
      { tenant: "acme", user: "bob" },
    ]);
    const again = await sync(store, closing, { env: c.env, now: at(14) });
    expect(again).toMatchObject({ created: 1, failed: [] });
    const reopened = emulator.tickets.filter((t) => c.key(t) === fp("acme", "bob"));
    expect(reopened).toHaveLength(2);
    expect(JSON.stringify(reopened[1]!.fields)).toContain(bobTicket.id);
    expect((await store.getItem(fp("acme", "bob")))?.state).toBe("ticketed");
  });

  it("without closeOnResolve a resolved finding's ticket stays open with a note; failing again adds another note", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "carol" }]);
    await sync(store, target(), { env: c.env });
    await sweepQueue(store, at(7), []);
    expect(await sync(store, target(), { env: c.env, now: at(7) })).toMatchObject({ noted: 1, closed: 0 });
    const ticket = ticketOf("acme", "carol");
    expect(ticket.closed).toBe(false);
    await sweepQueue(store, at(14), [{ tenant: "acme", user: "carol" }]);
    expect(await sync(store, target(), { env: c.env, now: at(14) })).toMatchObject({ created: 0, noted: 1 });
    expect(emulator.tickets).toHaveLength(1);
    expect(JSON.stringify(ticket.notes)).toContain("Failing again");
    expect((await store.getItem(fp("acme", "carol")))?.state).toBe("ticketed");
  });

  it("refused credentials: every finding fails with a reason naming the target, the target stops, nothing is written", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
      { tenant: "beta", user: "alice" },
    ]);
    const result = await sync(store, target(), { env: c.wrongEnv });
    expect(result.created).toBe(0);
    expect(result.failed).toHaveLength(3);
    expect(result.failed[0]?.reason).toMatch(
      new RegExp(`psa \\(${c.name}\\).*(credentials refused|HTTP 401)`),
    );
    expect(result.failed[1]?.reason).toMatch(/^not attempted: psa stopped after/);
    expect(result.messages.join("\n")).toContain("stopped after");
    // Stopped at the first refusal: locked-out API users are what repeated refused logins get.
    expect(emulator.requests.length).toBeLessThanOrEqual(2);
    expect(emulator.writes()).toHaveLength(0);
    for (const f of result.failed) {
      expect(f.reason).not.toContain(Object.values(c.wrongEnv)[0]);
      expect(await store.tickets(f.fingerprint)).toEqual([]);
    }
    expect((await store.getItem(fp("acme", "alice")))?.state).toBe("open");
  });

  it("waits out a 429 for as long as Retry-After says (injected sleep) and creates the ticket once", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    emulator.inject({
      ...c.create,
      times: 1,
      fault: { kind: "status", status: 429, headers: { "retry-after": "7" }, body: { message: "slow down" } },
    });
    const result = await sync(store, target(), { env: c.env });
    expect(result).toMatchObject({ created: 1, failed: [] });
    expect(result.delays).toContain(7000);
    expect(emulator.tickets).toHaveLength(1);
  });

  it("a 500 in the middle of a batch fails only that ticket; the next run creates it and nothing twice", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
      { tenant: "acme", user: "carol" },
    ]);
    emulator.inject({
      ...c.create,
      after: 1,
      times: 1,
      fault: { kind: "status", status: 500, body: { message: "boom" } },
    });
    const first = await sync(store, target(), { env: c.env, retry: noRetry });
    expect(first.created).toBe(2);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]?.reason).toContain("HTTP 500");
    expect(emulator.tickets).toHaveLength(2);
    const failedFp = first.failed[0]!.fingerprint;
    expect(await store.tickets(failedFp)).toEqual([]);

    const second = await sync(store, target(), { env: c.env, retry: noRetry });
    expect(second).toMatchObject({ created: 1, unchanged: 2, failed: [] });
    expect(new Set(emulator.tickets.map(c.key)).size).toBe(3);
    expect(emulator.tickets).toHaveLength(3);
  });

  it("tenant isolation: same user names in two tenants land in their own companies; an unmapped tenant is never sent", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "beta", user: "alice" },
      { tenant: "gamma", user: "alice" },
    ]);
    // A tenant's `fields` cannot move its tickets into another company or drop the key.
    const raw = c.target(emulator.url) as { tenants: Record<string, Record<string, unknown>> };
    raw.tenants.acme = { ...raw.tenants.acme, fields: c.hijack };
    const result = await sync(store, ticketing([raw]), { env: c.env });
    expect(result).toMatchObject({ created: 2, skipped: 1, failed: [] });
    expect(result.messages.join("\n")).toMatch(/tenant 'gamma' has no mapping under psa\.tenants/);
    expect(emulator.tickets).toHaveLength(2);
    expect(c.company(ticketOf("acme", "alice"))).toEqual(c.companies.acme);
    expect(c.company(ticketOf("beta", "alice"))).toEqual(c.companies.beta);
    expect(fp("acme", "alice")).not.toBe(fp("beta", "alice"));
    expect(JSON.stringify(ticketOf("acme", "alice"))).not.toContain("Beta Dental");
    expect(JSON.stringify(ticketOf("beta", "alice"))).not.toContain("Acme Corp");
    expect(await store.tickets(fp("gamma", "alice"))).toEqual([]);
    expect((await store.getItem(fp("gamma", "alice")))?.state).toBe("open");
  });
});

/**
 * The case a lookup exists for: the system made the ticket but the answer was lost (a 502 from a proxy
 * after the write). A proxy in front of the emulator forwards the first create and then answers 502.
 */
describe.each(cases.filter((c) => c.retriesCreateAfterLookup))(
  "$name: a create whose answer is lost",
  (c) => {
    let emulator: TicketEmulator;
    let proxy: RunningEmulator;
    let store: SqliteStore;
    beforeAll(async () => {
      emulator = await c.start();
      let swallowed = 0;
      proxy = await startEmulator(async (req) => {
        const url = new URL(`${req.path}?${req.query.toString()}`, emulator.url);
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k, v]) => typeof v === "string" && k !== "host" && k !== "content-length",
          ),
        ) as Record<string, string>;
        const res = await fetch(url, {
          method: req.method,
          headers,
          body: req.method === "GET" ? undefined : req.body,
        });
        const text = await res.text();
        const isCreate = req.method === c.create.method && req.path === c.create.path;
        if (isCreate && res.ok && swallowed++ === 0) return { status: 502, body: { message: "bad gateway" } };
        return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
      });
    });
    afterAll(async () => {
      await proxy.close();
      await emulator.close();
    });
    beforeEach(async () => {
      emulator.tickets.length = 0;
      emulator.requests.length = 0;
      store = await freshStore();
    });
    afterEach(() => store.close());

    it("a 503 on a create is looked up and retried in the same run", async () => {
      await sweepQueue(store, t0, [{ tenant: "acme", user: "bob" }]);
      emulator.inject({
        ...c.create,
        times: 1,
        fault: { kind: "status", status: 503, body: { message: "down" } },
      });
      const result = await sync(store, ticketing([c.target(emulator.url)]), { env: c.env, retry: fastRetry });
      expect(result).toMatchObject({ created: 1, failed: [] });
      expect(emulator.tickets).toHaveLength(1);
      expect(result.delays.length).toBeGreaterThan(0);
    });

    it("finds the ticket by its dedupe field before trying again, so there is exactly one", async () => {
      await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
      // Autotask's zone lookup would name the emulator itself: point the zone at the proxy.
      const zone = c.name === "autotask" ? { zoneUrl: `${proxy.url}/zone/ATServicesRest/` } : {};
      const targets = ticketing([c.target(proxy.url, zone)]);
      const result = await sync(store, targets, { env: c.env, retry: fastRetry });
      expect(result).toMatchObject({ created: 1, failed: [] });
      expect(emulator.tickets).toHaveLength(1);
      expect((await store.tickets(finding({ tenant: "acme", user: "alice" }).fingerprint))[0]?.ticketId).toBe(
        emulator.tickets[0]?.id,
      );
    });
  },
);

/** Without a consistent lookup, a create that got a 5xx is not repeated blindly: the ticket may exist. */
describe.each(cases.filter((c) => !c.retriesCreateAfterLookup))("$name: a create that got a 5xx", (c) => {
  let emulator: TicketEmulator;
  let store: SqliteStore;
  beforeAll(async () => {
    emulator = await c.start();
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    store = await freshStore();
  });
  afterEach(() => store.close());

  it("is sent once, reported failed with the reason, and left to the next run", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    emulator.inject({
      ...c.create,
      times: 1,
      fault: { kind: "status", status: 503, body: { message: "down" } },
    });
    const result = await sync(store, ticketing([c.target(emulator.url)]), { env: c.env, retry: fastRetry });
    expect(result.created).toBe(0);
    expect(result.failed[0]?.reason).toMatch(/HTTP 503.*not repeated: it may have taken effect/);
    expect(
      emulator.requests.filter((r) => r.method === c.create.method && r.path === c.create.path),
    ).toHaveLength(1);
    const next = await sync(store, ticketing([c.target(emulator.url)]), { env: c.env, retry: fastRetry });
    expect(next).toMatchObject({ created: 1, failed: [] });
  });
});
