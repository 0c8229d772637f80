import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QueueItemError, StoreError } from "../../../src/queue/errors.js";
import { openStore } from "../../../src/queue/index.js";
import { defaultSla } from "../../../src/queue/model.js";
import { migrations as postgresMigrations } from "../../../src/queue/postgres-schema.js";
import { openSqliteStore, type SqliteStore } from "../../../src/queue/sqlite.js";
import { applicationId, migrations } from "../../../src/queue/sqlite-schema.js";
import type { Store } from "../../../src/queue/store.js";
import { storeEngines } from "../../helpers/store-engines.js";
import { configException, coverage, fp, insertOldItem, item, now, result, tenant } from "./fixtures.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const indexModule = fileURLToPath(new URL("../../../src/queue/index.ts", import.meta.url));
let dir: string;
let file: string;
const open: SqliteStore[] = [];
async function store(path = file, options: Parameters<typeof openSqliteStore>[1] = { create: true }) {
  const s = await openSqliteStore(path, options);
  open.push(s);
  return s;
}
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mfasweep-store-"));
  file = join(dir, "queue.db");
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function sweepInto(s: Store, id: string, results = [result("a", "fail"), result("b", "unknown")]) {
  await s.beginSweep({ id, kind: "sweep", startedAt: now.toISOString(), tenants: [tenant] });
  return s.reconcileTenant({
    sweepId: id,
    tenant,
    now,
    sla: defaultSla,
    results,
    coverage: [coverage("google", "complete")],
  });
}

describe("SQLite store: creating and opening", () => {
  it("creates an owner-only WAL database marked as an mfasweep store, at the latest schema version", async () => {
    await (await store()).close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("application_id", { simple: true })).toBe(applicationId);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.prepare("SELECT version FROM schema_version").pluck().all()).toEqual(
      migrations.map((m) => m.version),
    );
    raw.close();
  });

  it("refuses to create a store where none exists when asked only to read, and names the file", async () => {
    await expect(openSqliteStore(join(dir, "missing.db"), { create: false })).rejects.toThrow(
      /no queue store at .*missing\.db; run `mfasweep sweep`/,
    );
    await expect(openSqliteStore(join(dir, "no/such/dir.db"), { create: true })).rejects.toThrow(
      /directory .* does not exist/,
    );
  });

  it("refuses a file that is not SQLite, and leaves it untouched", async () => {
    writeFileSync(file, "tenants:\n  - id: acme\n# this is a config file, not a database\n".repeat(40));
    const before = sha(file);
    const err = await openSqliteStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe(
      `${file} is not an mfasweep store: the file is not a SQLite database`,
    );
    expect(sha(file)).toBe(before);
  });

  it("refuses a SQLite database of another application, and leaves it untouched", async () => {
    const raw = new Database(file);
    raw.exec(
      "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)",
    );
    raw.close();
    const before = sha(file);
    await expect(openSqliteStore(file, { create: true })).rejects.toThrow(
      /is a SQLite database of another application \(it holds invoices\), not an mfasweep store; it was left untouched/,
    );
    expect(sha(file)).toBe(before);
    const other = new Database(file);
    other.pragma("application_id = 1234");
    other.close();
    await expect(openSqliteStore(file)).rejects.toThrow(/application_id 0x4d2/);
  });

  it("refuses a damaged store with a clear error instead of reading garbage", async () => {
    const s = await store();
    for (let i = 0; i < 60; i++)
      await sweepInto(s, `sweep-${i}`, [result(`user${i}`, "fail", { message: "x".repeat(2000) })]);
    await s.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(16 * 4096);
    for (let i = 8 * 4096; i < 12 * 4096; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
    const err = await openSqliteStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/is damaged .*restore it from a backup, or move it aside/);
  });

  it("a PostgreSQL URL with a password is refused: a password comes only through env: or file:", async () => {
    const err = await openStore("postgres://mfasweep:hunter2@db.example/queue").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain("postgres://db.example/queue: the store URL carries a password");
    expect((err as Error).message).not.toContain("hunter2");
  });
});

describe("SQLite store: migrations", () => {
  it("version 3 keeps items written before it, with no recorded dependencies (null), and stores new ones", async () => {
    const upToV2 = migrations.filter((m) => m.version <= 2);
    await (await openSqliteStore(file, { create: true, migrations: upToV2 })).close();
    const raw = new Database(file);
    insertOldItem(raw, item("a", "open"));
    raw.close();
    const upgraded = await store();
    expect((await upgraded.getItem(fp("a")))?.dependsOn).toBeNull();
    await upgraded.beginSweep({ id: "s2", kind: "sweep", startedAt: now.toISOString(), tenants: [tenant] });
    await upgraded.reconcileTenant({
      sweepId: "s2",
      tenant,
      now,
      sla: defaultSla,
      results: [result("a", "fail", { dependsOn: ["entra", "google"] })],
      coverage: [coverage("google", "complete"), coverage("entra", "complete")],
    });
    expect((await upgraded.getItem(fp("a")))?.dependsOn).toEqual(["entra", "google"]);
  });
});

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`${engine.name} store: versioned migrations and damaged rows`, () => {
    const v1 = { version: 1, description: "one", sql: "CREATE TABLE one (x TEXT);" };
    const v2 = {
      version: 2,
      description: "two",
      sql: "CREATE TABLE two (y TEXT); INSERT INTO one VALUES ('moved');",
    };
    let location: string;
    const opened: Store[] = [];
    const store = async (options: Parameters<typeof engine.open>[1] = { create: true }) => {
      const s = await engine.open(location, options);
      opened.push(s);
      return s;
    };
    beforeEach(async () => {
      location = await engine.empty();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it("applies each missing migration once, in order, and records it", async () => {
      await (await store({ create: true, migrations: [v1] })).close();
      await (await store({ create: true, migrations: [v2, v1] })).close();
      await (await store({ create: true, migrations: [v1, v2] })).close();
      expect(
        await engine.query(
          location,
          `SELECT version, description FROM ${engine.versionTable} ORDER BY version`,
        ),
      ).toEqual([
        { version: 1, description: "one" },
        { version: 2, description: "two" },
      ]);
      expect(await engine.query(location, "SELECT x FROM one")).toEqual([{ x: "moved" }]);
    });

    it("a failing migration leaves the store at the previous version", async () => {
      await (await store({ create: true, migrations: [v1] })).close();
      const broken = {
        version: 2,
        description: "broken",
        sql: "CREATE TABLE two (y TEXT); INSERT INTO nope VALUES (1);",
      };
      await expect(engine.open(location, { migrations: [v1, broken] })).rejects.toThrow(StoreError);
      expect(await engine.query(location, `SELECT MAX(version) AS v FROM ${engine.versionTable}`)).toEqual([
        { v: 1 },
      ]);
      await expect(engine.query(location, "SELECT y FROM two")).rejects.toThrow(/two/);
    });

    it("refuses a store written by a newer mfasweep", async () => {
      await (await store()).close();
      await engine.query(
        location,
        `INSERT INTO ${engine.versionTable} VALUES (99, 'from the future', '${now.toISOString()}')`,
      );
      await expect(engine.open(location, {})).rejects.toThrow(
        /has schema version 99, written by a newer mfasweep \(this one knows up to \d+\); upgrade mfasweep/,
      );
    });

    it("reports a damaged row by item, not as a crash", async () => {
      const s = await store();
      await sweepInto(s, "s1");
      await engine.query(
        location,
        `UPDATE items SET evidence = '{not json' WHERE fingerprint = '${fp("a")}'`,
      );
      await expect(s.getItem(fp("a"))).rejects.toThrow(
        `${s.location}: item ${fp("a")} is damaged (not JSON)`,
      );
      await engine.query(
        location,
        `UPDATE items SET evidence = '[]', severity = 'catastrophic' WHERE fingerprint = '${fp("a")}'`,
      );
      await expect(s.getItem(fp("a"))).rejects.toThrow(/item .* is damaged \(severity: /);
    });

    it("processes opening a new store at the same moment initialise it once", async () => {
      const script = `import { openStore } from ${JSON.stringify(indexModule)};
        const s = await openStore(${JSON.stringify(location)}, { create: true }); await s.close();`;
      const runs = await Promise.all(
        [1, 2, 3].map(
          () =>
            new Promise<number | null>((resolve) =>
              spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
                cwd: root,
                stdio: "inherit",
              }).on("close", resolve),
            ),
        ),
      );
      expect(runs).toEqual([0, 0, 0]);
      expect(await engine.query(location, `SELECT COUNT(*) AS n FROM ${engine.versionTable}`)).toEqual([
        { n: engine.name === "SQLite" ? migrations.length : postgresMigrations.length },
      ]);
    });
  });

describe("SQLite store: concurrent writers", () => {
  it("waits for another process's write, and says so clearly when it takes too long", async () => {
    const s = await store(file, { create: true, busyTimeoutMs: 100 });
    await s.beginSweep({ id: "s1", kind: "sweep", startedAt: now.toISOString(), tenants: [tenant] });
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    const input = {
      sweepId: "s1",
      tenant,
      now,
      sla: defaultSla,
      results: [result("a", "fail")],
      coverage: [coverage("google", "complete")],
    };
    await expect(s.reconcileTenant(input)).rejects.toThrow(
      /stayed locked by another process for more than 100 ms; try again/,
    );
    other.exec("ROLLBACK");
    other.close();
    expect((await s.reconcileTenant(input)).diff.new).toBe(1);
  });
});

describe("SQLite store: checkpoints", () => {
  it("copies a finished sweep's pages from the WAL into the database file at finishSweep", async () => {
    const s = await store();
    await sweepInto(
      s,
      "s1",
      Array.from({ length: 40 }, (_, i) => result(`u${i}`, "fail")),
    );
    // The sweep's writes are committed to the WAL; a sweep this small never reaches an automatic checkpoint.
    const during = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    await s.finishSweep("s1", { status: "finished", finishedAt: now.toISOString() });
    expect(statSync(file).size).toBeGreaterThan(during);
    // What the file alone holds (the WAL set aside) is the finished sweep and its items.
    const copy = join(dir, "copy.db");
    writeFileSync(copy, readFileSync(file));
    const raw = new Database(copy, { readonly: true });
    expect(raw.prepare("SELECT COUNT(*) FROM items").pluck().get()).toBe(40);
    expect(raw.prepare("SELECT status FROM sweeps WHERE id = 's1'").pluck().get()).toBe("finished");
    raw.close();
  });
});

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`${engine.name} store: queue data`, () => {
    const opened: Store[] = [];
    const store = async () => {
      const s = await engine.open(await engine.fresh());
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it("reconcileTenant writes items, history and the sweep's tenant record, and reads them back", async () => {
      const s = await store();
      const outcome = await sweepInto(s, "s1");
      expect(outcome.diff).toMatchObject({ new: 2, open: 2 });
      const a = await s.getItem(fp("a"));
      expect(a).toMatchObject({
        state: "open",
        tenant,
        status: "fail",
        firstSeen: now.toISOString(),
        lastSweep: "s1",
      });
      expect(a?.evidence[0]).toMatchObject({ endpoint: "GET admin/directory/v1/users", objectId: "a" });
      expect(await s.history(fp("a"))).toEqual([
        {
          fingerprint: fp("a"),
          at: now.toISOString(),
          actor: "s1",
          from: null,
          to: "open",
          note: expect.any(String),
        },
      ]);
      expect(await s.sweepTenants("s1")).toEqual([
        { tenant, reconciledAt: now.toISOString(), diff: outcome.diff },
      ]);
      await s.finishSweep("s1", {
        status: "finished",
        finishedAt: now.toISOString(),
        coverage: [coverage("google", "complete")],
      });
      const [sweep] = await s.listSweeps();
      expect(sweep).toMatchObject({ id: "s1", status: "finished", tenants: [tenant], summary: null });
      expect(sweep?.coverage).toHaveLength(1);
    });

    it("a tenant's reconcile is one transaction: an error at its last write leaves nothing behind", async () => {
      const s = await store();
      // No beginSweep: the sweep_tenants row (written last) violates its foreign key.
      await expect(
        s.reconcileTenant({
          sweepId: "ghost",
          tenant,
          now,
          sla: defaultSla,
          results: [result("a", "fail")],
          coverage: [coverage("google", "complete")],
        }),
      ).rejects.toThrow(StoreError);
      expect(await s.findItems()).toEqual([]);
      expect(await s.history(fp("a"))).toEqual([]);
    });

    it("filters items by tenant, severity, state, policy, overdue and fingerprint prefix", async () => {
      const s = await store();
      await sweepInto(s, "s1", [
        result("a", "fail", { severity: "critical" }),
        result("b", "fail", { severity: "low" }),
        result("c", "excepted", { exception: configException }),
      ]);
      const ids = (items: Array<{ subject: { id: string } }>) => items.map((i) => i.subject.id).sort();
      expect(ids(await s.findItems())).toEqual(["a", "b", "c"]);
      expect(ids(await s.findItems({ tenants: [tenant] }))).toEqual(["a", "b", "c"]);
      expect(await s.findItems({ tenants: ["other"] })).toEqual([]);
      expect(ids(await s.findItems({ severities: ["critical", "low"] }))).toEqual(["a", "b"]);
      expect(ids(await s.findItems({ states: ["accepted"] }))).toEqual(["c"]);
      expect(ids(await s.findItems({ policies: ["google-user-2sv-enforced"] }))).toEqual(["a", "b", "c"]);
      expect(await s.findItems({ policies: ["other-policy"] })).toEqual([]);
      // critical is due after 2 days, low after 90; accepted items are never overdue.
      expect(ids(await s.findItems({ overdueAt: "2026-11-27T00:00:00.000Z" }))).toEqual(["a"]);
      expect(ids(await s.findItems({ overdueAt: "2027-12-31T00:00:00.000Z" }))).toEqual(["a", "b"]);
      expect(ids(await s.findItems({ fingerprintPrefix: fp("b").slice(0, 8) }))).toEqual(["b"]);
      expect(await s.findItems({ fingerprintPrefix: "%" })).toEqual([]);
      // Most urgent first: open before accepted, critical before low.
      expect((await s.findItems()).map((i) => i.subject.id)).toEqual(["a", "b", "c"]);
    });

    it("accept and reopen change state in one step each, with history, and keep the acceptance ledger", async () => {
      const s = await store();
      await sweepInto(s, "s1");
      const accepted = await s.accept(
        fp("a"),
        { reason: "pilot", approvedBy: "lead", expires: "2026-12-31" },
        now,
        { maxExceptionDays: 180 },
      );
      expect(accepted).toMatchObject({
        state: "accepted",
        exception: { source: "queue", expires: "2026-12-31" },
      });
      expect(await s.listAcceptances(tenant)).toEqual([
        {
          fingerprint: fp("a"),
          tenant,
          reason: "pilot",
          approvedBy: "lead",
          expires: "2026-12-31",
          createdAt: now.toISOString(),
        },
      ]);
      const reopened = await s.reopen(fp("a"), { actor: "tech", reason: "not fixed" }, defaultSla, now);
      expect(reopened).toMatchObject({ state: "reopened", exception: null });
      expect(await s.listAcceptances()).toEqual([]);
      expect((await s.history(fp("a"))).map((h) => `${h.from}→${h.to} ${h.actor}`)).toEqual([
        "null→open s1",
        "open→accepted lead",
        "accepted→reopened tech",
      ]);
      await expect(
        s.accept("f".repeat(32), { reason: "x", approvedBy: "y", expires: "2026-12-31" }, now, {
          maxExceptionDays: 180,
        }),
      ).rejects.toThrow(QueueItemError);
      await expect(s.reopen(fp("b"), { actor: "tech" }, defaultSla, now)).rejects.toThrow(/already open/);
    });

    it("keeps a tickets ledger per item and system (for the ticketing connectors)", async () => {
      const s = await store();
      await sweepInto(s, "s1");
      const item = await s.recordTicket(fp("a"), { system: "halopsa", ticketId: "T-100" }, "export", now);
      expect(item.state).toBe("ticketed");
      await s.recordTicket(
        fp("a"),
        { system: "halopsa", ticketId: "T-101", url: "https://psa/T-101" },
        "export",
        now,
      );
      expect(await s.tickets(fp("a"))).toEqual([
        {
          fingerprint: fp("a"),
          system: "halopsa",
          ticketId: "T-101",
          url: "https://psa/T-101",
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
      ]);
    });

    it("a closed store refuses further use", async () => {
      const s = await store();
      await s.close();
      await expect(s.findItems()).rejects.toThrow(/is closed/);
    });
  });
