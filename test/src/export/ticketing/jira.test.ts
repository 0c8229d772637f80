import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraEmulator } from "../../../../src/export/ticketing/emulators/jira.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import { at, finding, freshStore, sweepQueue, sync, t0, ticketing } from "./helpers.js";

/**
 * Jira specifics: search is eventually consistent (the emulator indexes only on `flushIndex()`), so the
 * ledger decides; label search is the fallback for a lost ledger. Bodies are ADF the emulator validates.
 */

let emulator: Awaited<ReturnType<typeof startJiraEmulator>>;
let store: SqliteStore;
const env = { JIRA_TOKEN: "jira-token-2" };
const target = (extra: Record<string, unknown> = {}) =>
  ticketing([
    {
      id: "jira",
      type: "jira",
      endpoint: emulator.url,
      auth: { email: "bot@msp.example", apiToken: "env:JIRA_TOKEN" },
      tenants: { acme: { projectKey: "ACME" }, beta: { projectKey: "BETA" } },
      ...extra,
    },
  ]);

beforeAll(async () => {
  emulator = await startJiraEmulator({
    email: "bot@msp.example",
    apiToken: "jira-token-2",
    projects: ["ACME", "BETA"],
    indexing: "manual",
  });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.tickets.length = 0;
  emulator.requests.length = 0;
  store = await freshStore();
});
afterEach(() => store.close());

describe("jira", () => {
  it("the ledger, not search, decides: a re-run before the index catches up creates nothing twice", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    expect(await sync(store, target(), { env })).toMatchObject({ created: 1 });
    // The issue is not searchable yet; only the ledger knows it exists.
    expect(await sync(store, target(), { env })).toMatchObject({ created: 0, unchanged: 1 });
    expect(emulator.tickets).toHaveLength(1);
    expect(emulator.requests.filter((r) => r.path === "/rest/api/3/search/jql")).toHaveLength(1);
    const [ref] = await store.tickets(finding({ tenant: "acme", user: "alice" }).fingerprint);
    const key = emulator.tickets[0]?.id ?? "";
    expect(key).toMatch(/^ACME-\d+$/);
    expect(ref).toMatchObject({ ticketId: key, url: `${emulator.url}/browse/${key}` });
  });

  it("with the ledger lost, label search within the tenant's project finds the issue once it is indexed", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    await sync(store, target(), { env });
    emulator.flushIndex();
    const other = await freshStore();
    try {
      await sweepQueue(other, t0, [{ tenant: "acme", user: "alice" }]);
      const adopted = await sync(other, target(), { env });
      expect(adopted).toMatchObject({ created: 0, updated: 1 });
      expect(adopted.messages.join()).toContain(`found ${emulator.tickets[0]?.id} by its key label`);
      expect(emulator.tickets).toHaveLength(1);
      const search = emulator.requests.find((r) => r.path === "/rest/api/3/search/jql");
      expect(search?.query.jql).toBe(
        `project = "ACME" AND labels = "mfa-${finding({ tenant: "acme", user: "alice" }).fingerprint}" AND statusCategory != Done`,
      );
    } finally {
      await other.close();
    }
  });

  it("tenant text becomes plain ADF text nodes: no marks, links or markup from a tenant", async () => {
    await sweepQueue(store, t0, [
      {
        tenant: "acme",
        user: "eve",
        message: "eve@corp.example: *bold* [link|https://evil.example] <b>x</b>\nsecond line",
      },
    ]);
    expect(await sync(store, target(), { env })).toMatchObject({ created: 1, failed: [] });
    const description = JSON.stringify(emulator.tickets[0]?.fields.description);
    expect(description).toContain('"text":"eve@corp.example: *bold* [link|https://evil.example] <b>x</b>"');
    expect(description).toContain('{"type":"hardBreak"},{"type":"text","text":"second line"}');
    expect(description).not.toContain('"type":"link"');
    expect(emulator.tickets[0]?.fields.labels).toEqual([
      "mfasweep",
      `mfa-${finding({ tenant: "acme", user: "eve" }).fingerprint}`,
    ]);
  });

  it("closes through the first transition into a Done status, or the one named in closeTransition", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice" },
      { tenant: "beta", user: "bob" },
    ]);
    await sync(store, target({ closeOnResolve: true }), { env });
    await sweepQueue(store, at(7), []);
    expect(await sync(store, target({ closeOnResolve: true }), { env, now: at(7) })).toMatchObject({
      noted: 2,
      closed: 2,
    });
    const posted = emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/transitions"));
    expect(posted.map((r) => JSON.parse(r.body))).toEqual([
      { transition: { id: "31" } },
      { transition: { id: "31" } },
    ]);
    expect(emulator.tickets.every((t) => t.closed)).toBe(true);

    emulator.tickets.length = 0;
    const named = await freshStore();
    try {
      await sweepQueue(named, t0, [{ tenant: "acme", user: "carol" }]);
      await sync(named, target({ closeOnResolve: true, closeTransition: "No Such Step" }), { env });
      await sweepQueue(named, at(7), []);
      const result = await sync(named, target({ closeOnResolve: true, closeTransition: "No Such Step" }), {
        env,
        now: at(7),
      });
      expect(result.failed[0]?.reason).toMatch(
        /no transition named 'No Such Step' \(available: To Do, In Progress, Done\)/,
      );
    } finally {
      await named.close();
    }
  });

  it("the removed /rest/api/3/search answers 410 and is never called", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    await sync(store, target(), { env });
    expect(emulator.requests.some((r) => r.path === "/rest/api/3/search")).toBe(false);
    const res = await fetch(`${emulator.url}/rest/api/3/search?jql=x`, {
      headers: { authorization: `Basic ${Buffer.from("bot@msp.example:jira-token-2").toString("base64")}` },
    });
    expect(res.status).toBe(410);
  });
});
