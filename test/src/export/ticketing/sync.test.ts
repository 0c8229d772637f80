import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/errors.js";
import type { TicketEmulator } from "../../../../src/export/ticketing/emulators/common.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../../../src/export/ticketing/emulators/connectwise.js";
import type { RecordedRequest } from "../../../../src/export/ticketing/http.js";
import { groupKey } from "../../../../src/export/ticketing/index.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import {
  at,
  finding,
  freshStore,
  noRetry,
  policy,
  sweepQueue,
  sync,
  t0,
  tenants,
  ticketing,
} from "./helpers.js";

/** The sync algorithm's own rules, on ConnectWise: grouping, dry-run, filters, acceptances, secrets. */

const env = { CW_PUBLIC: "pub-1", CW_PRIVATE: "priv-very-secret", CW_CLIENT: "client-1" };
let emulator: TicketEmulator;
let store: SqliteStore;
const target = (extra: Record<string, unknown> = {}) =>
  ticketing([
    {
      id: "cw",
      type: "connectwise",
      endpoint: `${emulator.url}${connectwiseBasePath}`,
      auth: {
        companyId: "msp",
        publicKey: "env:CW_PUBLIC",
        privateKey: "env:CW_PRIVATE",
        clientId: "env:CW_CLIENT",
      },
      tenants: { acme: { companyId: 250 }, beta: { companyId: 260 } },
      closeFields: { status: { id: 42 } },
      ...extra,
    },
  ]);
const fp = (tenant: string, user: string) => finding({ tenant, user }).fingerprint;

beforeAll(async () => {
  emulator = await startConnectWiseEmulator({
    companyId: "msp",
    publicKey: "pub-1",
    privateKey: "priv-very-secret",
    clientId: "client-1",
    companies: [250, 260],
  });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.tickets.length = 0;
  emulator.requests.length = 0;
  store = await freshStore();
});
afterEach(() => store.close());

describe("grouping per tenant and policy", () => {
  it("one ticket per (tenant, policy); members leaving are noted, the last one closes it, a new failure opens a new one", async () => {
    const grouped = target({ grouping: "per-tenant-policy", closeOnResolve: true });
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
      { tenant: "acme", user: "carol" },
      {
        tenant: "acme",
        user: "dave",
        policy: "google-admin-2sv-enrolled",
        title: "Admins are enrolled in 2SV",
      },
      { tenant: "beta", user: "alice" },
    ]);
    expect(await sync(store, grouped, { env })).toMatchObject({ created: 3, failed: [] });
    const group = emulator.tickets.find((t) => t.fields.externalXRef === groupKey("acme", policy))!;
    expect(group.fields.summary).toMatch(/^\[MFA\] Acme Corp: 3 findings — /);
    expect(String(group.fields.initialDescription)).toMatch(
      /alice@corp\.example.*\n.*bob@corp\.example.*\n.*carol@corp\.example/,
    );
    for (const user of ["alice", "bob", "carol"]) {
      expect((await store.tickets(fp("acme", user)))[0]?.ticketId).toBe(group.id);
      expect((await store.getItem(fp("acme", user)))?.state).toBe("ticketed");
    }
    expect(await sync(store, grouped, { env })).toMatchObject({ created: 0, updated: 0, unchanged: 3 });

    await sweepQueue(store, at(7), [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "carol" },
      {
        tenant: "acme",
        user: "dave",
        policy: "google-admin-2sv-enrolled",
        title: "Admins are enrolled in 2SV",
      },
      { tenant: "beta", user: "alice" },
    ]);
    expect(await sync(store, grouped, { env, now: at(7) })).toMatchObject({
      updated: 1,
      noted: 1,
      closed: 0,
    });
    expect(group.fields.summary).toMatch(/: 2 findings — /);
    expect(group.notes.map((n) => n.text).join("\n")).toMatch(
      /No longer failing:\n- bob@corp\.example: resolved/,
    );
    expect(group.closed).toBe(false);

    await sweepQueue(store, at(14), [
      {
        tenant: "acme",
        user: "dave",
        policy: "google-admin-2sv-enrolled",
        title: "Admins are enrolled in 2SV",
      },
      { tenant: "beta", user: "alice" },
    ]);
    expect(await sync(store, grouped, { env, now: at(14) })).toMatchObject({
      noted: 1,
      closed: 1,
      created: 0,
    });
    expect(group.closed).toBe(true);

    await sweepQueue(store, at(21), [
      { tenant: "acme", user: "erin" },
      {
        tenant: "acme",
        user: "dave",
        policy: "google-admin-2sv-enrolled",
        title: "Admins are enrolled in 2SV",
      },
      { tenant: "beta", user: "alice" },
    ]);
    expect(await sync(store, grouped, { env, now: at(21) })).toMatchObject({ created: 1 });
    const next = emulator.tickets.filter((t) => t.fields.externalXRef === groupKey("acme", policy));
    expect(next).toHaveLength(2);
    expect(String(next[1]?.fields.initialDescription)).toContain(`Previously tracked in: ${group.id}`);
  });
});

describe("a step that fails half-way", () => {
  it("a close that fails after its note is retried next run without a second note", async () => {
    const closing = target({ closeOnResolve: true });
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    await sync(store, closing, { env });
    await sweepQueue(store, at(7), []);
    emulator.inject({
      path: new RegExp(`^${connectwiseBasePath}/service/tickets/\\d+$`),
      method: "PATCH",
      fault: { kind: "status", status: 500, body: { message: "board locked" } },
    });
    const first = await sync(store, closing, { env, now: at(7), retry: noRetry });
    expect(first).toMatchObject({ noted: 1, closed: 0 });
    expect(first.failed[0]?.reason).toContain("board locked");
    const second = await sync(store, closing, { env, now: at(7), retry: noRetry });
    expect(second).toMatchObject({ noted: 0, closed: 1, failed: [] });
    expect(emulator.tickets[0]?.notes).toHaveLength(1);
    expect(emulator.tickets[0]?.closed).toBe(true);
    expect(await sync(store, closing, { env, now: at(7) })).toMatchObject({ noted: 0, closed: 0 });
  });

  it("an update that fails after a 'failing again' note is retried without repeating the note", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "bob" }]);
    await sync(store, target(), { env });
    await sweepQueue(store, at(7), []);
    await sync(store, target(), { env, now: at(7) });
    await sweepQueue(store, at(14), [
      { tenant: "acme", user: "bob", message: "bob@corp.example: 2SV off again" },
    ]);
    emulator.inject({
      path: new RegExp(`^${connectwiseBasePath}/service/tickets/\\d+$`),
      method: "PATCH",
      fault: { kind: "status", status: 500, body: { message: "try later" } },
    });
    expect(await sync(store, target(), { env, now: at(14), retry: noRetry })).toMatchObject({
      noted: 1,
      updated: 0,
    });
    expect(await sync(store, target(), { env, now: at(14), retry: noRetry })).toMatchObject({
      noted: 0,
      updated: 1,
      failed: [],
    });
    const notes = emulator.tickets[0]?.notes.map((n) => n.text) ?? [];
    expect(notes.filter((t) => t.startsWith("Failing again"))).toHaveLength(1);
    expect((await store.getItem(fp("acme", "bob")))?.state).toBe("ticketed");
  });
});

describe("dry run", () => {
  it("prints each write with credentials redacted, sends only lookups, and writes nothing to the store", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "beta", user: "bob" },
    ]);
    const printed: RecordedRequest[] = [];
    const result = await sync(store, target(), { env, dryRun: true, onRequest: (r) => printed.push(r) });
    expect(result).toMatchObject({ dryRun: true, created: 2, failed: [] });
    expect(emulator.requests.every((r) => r.method === "GET")).toBe(true);
    expect(emulator.tickets).toHaveLength(0);
    expect(printed.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      `POST ${connectwiseBasePath}/service/tickets`,
      `POST ${connectwiseBasePath}/service/tickets`,
    ]);
    expect(printed[0]?.headers.authorization).toBe("[redacted]");
    expect(printed[0]?.headers.clientId).toBe("[redacted]");
    const body = JSON.parse(printed[0]?.body ?? "{}");
    expect(body).toMatchObject({ company: { id: 250 }, externalXRef: fp("acme", "alice") });
    const everything = JSON.stringify(printed);
    for (const value of Object.values(env)) expect(everything).not.toContain(value);
    expect(everything).not.toContain(Buffer.from("msp+pub-1:priv-very-secret").toString("base64"));
    expect(await store.ticketLedger("cw")).toEqual([]);
    expect((await store.getItem(fp("acme", "alice")))?.state).toBe("open");
  });
});

describe("what is sent", () => {
  it("minSeverity keeps lower findings out; a finding accepted as a risk gets a note saying who accepted it until when", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice", severity: "critical" },
      { tenant: "acme", user: "bob", severity: "medium" },
    ]);
    expect(await sync(store, target({ minSeverity: "high" }), { env })).toMatchObject({ created: 1 });
    expect(emulator.tickets.map((t) => t.fields.externalXRef)).toEqual([fp("acme", "alice")]);

    await store.accept(
      fp("acme", "alice"),
      { reason: "break-glass, vaulted", approvedBy: "ciso@msp.example", expires: "2027-01-31" },
      at(1),
      { maxExceptionDays: 180 },
    );
    expect(await sync(store, target({ minSeverity: "high" }), { env, now: at(1) })).toMatchObject({
      noted: 1,
      closed: 0,
    });
    expect(emulator.tickets[0]?.notes[0]?.text).toContain(
      "accepted as a risk by ciso@msp.example until 2027-01-31: break-glass, vaulted",
    );
    expect(await sync(store, target({ minSeverity: "high" }), { env, now: at(1) })).toMatchObject({
      noted: 0,
    });
  });

  it("an unknown --target is a config error; a mapping for a tenant the config lacks is reported", async () => {
    await expect(sync(store, target(), { env, targets: ["nope"] })).rejects.toThrow(ConfigError);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const raw = target()[0] as { tenants: Record<string, unknown> };
    const result = await sync(
      store,
      ticketing([{ ...raw, tenants: { ...raw.tenants, ghost: { companyId: 1 } } }]),
      {
        env,
      },
    );
    expect(result.messages.join("\n")).toContain("tenants.ghost: no tenant 'ghost' in the config");
    expect(tenants.some((t) => t.id === "ghost")).toBe(false);
  });

  it("secrets reach neither the ledger nor failure reasons, even when a server echoes one", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "acme", user: "bob" },
    ]);
    emulator.inject({
      path: `${connectwiseBasePath}/service/tickets`,
      method: "POST",
      after: 1,
      fault: { kind: "status", status: 400, body: { message: "key priv-very-secret is not valid here" } },
    });
    const result = await sync(store, target(), { env });
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.reason).toContain("key [redacted] is not valid here");
    const ledger = JSON.stringify(await store.ticketLedger("cw"));
    const history = JSON.stringify(await store.history(fp("acme", "alice")));
    for (const value of Object.values(env)) {
      expect(JSON.stringify(result)).not.toContain(value);
      expect(ledger).not.toContain(value);
      expect(history).not.toContain(value);
    }
  });

  it("one sync per target at a time: a held lock fails the target without sending anything", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const holder = {
      owner: "other-sync",
      pid: process.pid,
      host: "elsewhere",
      acquiredAt: t0.toISOString(),
      heartbeatAt: new Date().toISOString(),
    };
    expect(await store.tryLock("tickets:cw", holder)).toEqual({ acquired: true });
    const result = await sync(store, target(), { env, lockWaitMs: 0 });
    expect(result.failed[0]?.reason).toMatch(/^another ticket sync of cw is running: .*pid \d+ on elsewhere/);
    expect(emulator.requests).toHaveLength(0);
    await store.releaseLock("tickets:cw", "other-sync");
    expect(await sync(store, target(), { env })).toMatchObject({ created: 1, failed: [] });
  });

  it("a missing secret fails every finding of the target with the reference named, and sends nothing", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const result = await sync(store, target(), { env: { CW_PUBLIC: "pub-1", CW_CLIENT: "client-1" } });
    expect(result.failed).toEqual([
      {
        fingerprint: fp("acme", "alice"),
        tenant: "acme",
        reason: "environment variable CW_PRIVATE is not set (env:CW_PRIVATE)",
      },
    ]);
    expect(emulator.requests).toHaveLength(0);
  });
});
