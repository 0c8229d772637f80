import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/queue/sqlite.js";
import { migrations } from "../../../src/queue/sqlite-schema.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { finding, sweepQueue, t0 } from "../export/ticketing/helpers.js";
import { insertOldItem, item } from "./fixtures.js";

/** The ledger additions of issue #9 (schema v2): key, digest and phase per (fingerprint, system). */

const file = () => join(mkdtempSync(join(tmpdir(), "mfasweep-ledger-")), "queue.db");
const fp = finding({ tenant: "acme", user: "alice" }).fingerprint;

describe("tickets ledger", () => {
  it("a store written before v2 opens with its ledger rows kept and their sync state empty", async () => {
    const path = file();
    const v1 = await openSqliteStore(path, {
      create: true,
      migrations: migrations.filter((m) => m.version === 1),
    });
    await v1.close();
    // Rows as the v1 code wrote them (today's code writes the later columns).
    const raw = new Database(path);
    insertOldItem(raw, { ...item("alice", "open"), tenant: "acme", fingerprint: fp });
    raw
      .prepare(
        "INSERT INTO tickets (fingerprint, system, ticket_id, url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(fp, "psa", "T-1", null, t0.toISOString(), t0.toISOString());
    raw.close();

    const v2 = await openSqliteStore(path);
    try {
      expect(await v2.ticketLedger("psa")).toEqual([
        expect.objectContaining({ fingerprint: fp, ticketId: "T-1", key: null, digest: null, phase: null }),
      ]);
      expect(await v2.tickets(fp)).toEqual([expect.objectContaining({ ticketId: "T-1", url: null })]);
    } finally {
      await v2.close();
    }
  });
});

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`tickets ledger (${engine.name})`, () => {
    it("records the sync state with the ticket, updates it without history, and lists rows per system", async () => {
      const store = await engine.open(await engine.fresh());
      try {
        await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }], ["acme"]);
        const item = await store.recordTicket(
          fp,
          {
            system: "jira",
            ticketId: "ACME-1",
            url: "https://x/browse/ACME-1",
            key: fp,
            digest: "d1",
            phase: "open",
          },
          "tickets:jira",
          t0,
        );
        expect(item.state).toBe("ticketed");
        const history = (await store.history(fp)).length;
        const later = new Date(t0.getTime() + 60_000);
        expect(await store.updateTicketSync(fp, "jira", { phase: "resolved" }, later)).toBe(true);
        expect(await store.updateTicketSync(fp, "other", { phase: "closed" }, later)).toBe(false);
        expect(await store.ticketLedger("jira")).toEqual([
          {
            fingerprint: fp,
            system: "jira",
            ticketId: "ACME-1",
            url: "https://x/browse/ACME-1",
            createdAt: t0.toISOString(),
            updatedAt: later.toISOString(),
            key: fp,
            digest: "d1",
            phase: "resolved",
          },
        ]);
        expect(await store.ticketLedger("other")).toEqual([]);
        expect((await store.history(fp)).length).toBe(history);
        expect((await store.getItem(fp))?.state).toBe("ticketed");
      } finally {
        await store.close();
      }
    });
  });
