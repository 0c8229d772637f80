import { afterEach, describe, expect, it } from "vitest";
import { storePathOf } from "../../../src/cli/store.js";
import { storeCommand } from "../../../src/cli/store-migrate.js";
import { parseConfig } from "../../../src/composition.js";
import { checkStore } from "../../../src/queue/check.js";
import { openStore, PostgresStore } from "../../../src/queue/index.js";
import { defaultSla } from "../../../src/queue/model.js";
import type { Store } from "../../../src/queue/store.js";
import { inProcess } from "../../helpers/cli.js";
import { postgresEngine, sqliteEngine } from "../../helpers/store-engines.js";
import { coverage, fp, now, result, tenant } from "./fixtures.js";

/**
 * `mfasweep store migrate --from sqlite:PATH --to postgres://…` (issue #21 item 1): the queue arrives in
 * PostgreSQL with its whole history, read back through the Store interface exactly as from SQLite.
 */

const sqlite = sqliteEngine;
const postgres = postgresEngine;
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const later = new Date(now.getTime() + 7 * 86_400_000);

async function fillSqlite(): Promise<string> {
  const file = await sqlite.fresh();
  const s = await sqlite.open(file);
  for (const [id, at, results] of [
    ["s1", now, [result("a", "fail"), result("b", "fail"), result("c", "unknown")]],
    ["s2", later, [result("a", "pass"), result("b", "fail"), result("c", "unknown")]],
  ] as const) {
    await s.beginSweep({ id, kind: "sweep", startedAt: at.toISOString(), tenants: [tenant] });
    await s.reconcileTenant({
      sweepId: id,
      tenant,
      now: at,
      sla: defaultSla,
      results: [...results],
      coverage: [coverage("google", "complete")],
    });
    await s.finishSweep(id, {
      status: "finished",
      finishedAt: at.toISOString(),
      coverage: [coverage("google", "complete")],
    });
  }
  await s.accept(fp("c"), { reason: "kiosk", approvedBy: "lead", expires: "2027-01-31" }, later, {
    maxExceptionDays: 180,
  });
  await s.recordTicket(
    fp("b"),
    { system: "jira", ticketId: "MSP-7", key: fp("b"), digest: "d", phase: "open" },
    "tickets:jira",
    later,
  );
  await s.close();
  return file;
}

/** Everything a store shows through its interface. */
async function contents(s: Store) {
  const items = await s.findItems();
  return {
    items,
    history: await Promise.all(items.map((i) => s.history(i.fingerprint))),
    tickets: await Promise.all(items.map((i) => s.tickets(i.fingerprint))),
    ledger: await s.ticketLedger("jira"),
    acceptances: await s.listAcceptances(),
    sweeps: await s.listSweeps(),
    diffs: await s.reconcileHistory(),
    since: await s.historySince(),
  };
}

const config = (store: string) => `${store}
tenants:
  - id: acme
    name: Acme
    connections:
      - { type: google-workspace, id: google, auth: { method: access-token, token: "env:T" } }
`;

describe("config store.url", () => {
  it("is a secret reference; a URL written into the config is refused at its line", () => {
    const { config: parsed } = parseConfig(
      config("store: { url: env:MFASWEEP_DATABASE_URL }"),
      "mfasweep.yaml",
      now,
    );
    expect(storePathOf(parsed, "/etc/mfasweep/mfasweep.yaml")).toBe("env:MFASWEEP_DATABASE_URL");
    expect(() => parseConfig(config("store: { url: postgres://db/queue }"), "mfasweep.yaml", now)).toThrow(
      /mfasweep\.yaml:1 store(\.url)?: /,
    );
  });

  it.skipIf(postgres.skip)("selects the PostgreSQL store once the reference resolves", async () => {
    const url = await postgres.fresh();
    process.env.MFASWEEP_TEST_STORE_URL = url;
    try {
      const s = await openStore("env:MFASWEEP_TEST_STORE_URL", { create: true });
      opened.push(s);
      expect(s).toBeInstanceOf(PostgresStore);
      expect(s.location).not.toContain("postgres@");
    } finally {
      delete process.env.MFASWEEP_TEST_STORE_URL;
    }
  });
});

describe.skipIf(postgres.skip)("store migrate: SQLite to PostgreSQL", () => {
  it("copies the queue with its history; the copy reads back the same and takes the next sweep", async () => {
    const file = await fillSqlite();
    const url = await postgres.fresh();
    const run = await inProcess(
      storeCommand(),
      ["store", "migrate", "--from", `sqlite:${file}`, "--to", "env:MFASWEEP_TEST_DB"],
      {
        MFASWEEP_TEST_DB: url,
      },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `copied 3 item(s) with 6 history entries, 1 acceptance(s), 1 ticket ledger row(s) and 2 sweep(s) from ${file} to env:MFASWEEP_TEST_DB\n`,
    );
    const source = await sqlite.open(file, {});
    const copy = await postgres.open(url, {});
    opened.push(source, copy);
    const expected = await contents(source);
    expect(expected.items.map((i) => i.state).sort()).toEqual(["accepted", "resolved", "ticketed"]);
    expect(await contents(copy)).toEqual(expected);

    // Both continue the same way: a third sweep into each gives the same items and history.
    for (const s of [source, copy]) {
      await s.beginSweep({ id: "s3", kind: "sweep", startedAt: later.toISOString(), tenants: [tenant] });
      await s.reconcileTenant({
        sweepId: "s3",
        tenant,
        now: later,
        sla: defaultSla,
        results: [result("a", "fail"), result("b", "pass"), result("c", "unknown")],
        coverage: [coverage("google", "complete")],
      });
    }
    expect(await contents(copy)).toEqual(await contents(source));
  });

  it("refuses a target that already holds a queue, and leaves it as it was", async () => {
    const file = await fillSqlite();
    const url = await postgres.fresh();
    const first = await inProcess(storeCommand(), ["store", "migrate", "--from", file, "--to", url]);
    expect(first.code ?? 0).toBe(0);
    const again = await inProcess(storeCommand(), ["store", "migrate", "--from", file, "--to", url]);
    expect(again.stderr).toMatch(/already holds a queue; copy into a new, empty database/);
    const copy = await postgres.open(url, {});
    opened.push(copy);
    expect(await copy.findItems()).toHaveLength(3);
  });
});

describe("doctor's store check", () => {
  it("passes for a store that opens and reads, and fails with a clear reason for one that does not", async () => {
    const file = await fillSqlite();
    expect(await checkStore(file)).toMatchObject({
      ok: true,
      detail: expect.stringContaining("last sweep s2"),
    });
    const absent = await checkStore("postgres://127.0.0.1:1/queue");
    expect(absent).toMatchObject({ ok: false, check: "store postgres://127.0.0.1:1/queue" });
    expect(absent.detail).toMatch(/^cannot reach the PostgreSQL store postgres:\/\/127\.0\.0\.1:1\/queue/);
  });

  it.skipIf(postgres.skip)("reads a PostgreSQL store without creating one", async () => {
    const url = await postgres.empty();
    expect((await checkStore(url)).detail).toMatch(/no queue store at .*; run `mfasweep sweep`/);
    await (await postgres.open(url)).close();
    expect(await checkStore(url)).toMatchObject({
      ok: true,
      detail: expect.stringContaining("no sweep yet"),
    });
  });
});
