import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { fingerprint } from "../src/evaluate/fingerprint.js";
import type { Result } from "../src/model/index.js";
import { openStore } from "../src/queue/index.js";
import { defaultSla } from "../src/queue/model.js";
import { itemColumns, itemValues } from "../src/queue/rows.js";
import { machine, type StoreResult } from "./report.js";

/**
 * The store's reconcile against the machine's own ceiling, CPU only, in one run (issue #20 item 9): the
 * same results are reconciled into a fresh SQLite store (a first sweep, then the same again: a re-sweep),
 * and their findings written by plain better-sqlite3 upserts of rows of the store's exact shape (every
 * column, built before the clock starts; one transaction per tenant; the store's schema, journal and
 * durability settings). Times are process CPU
 * (user + system), the median of a few alternating repeats, so what else the machine runs moves them less
 * than wall time; the figure to compare across machines is the ratio ceiling ÷ store (1: as fast as
 * SQLite allows).
 */

const policies = ["entra-user-mfa-enforced", "okta-user-mfa-enforced", "google-user-2sv-enforced"];

/** `perTenant` results of realistic size per tenant; about 70% of them findings (fail or unknown). */
function tenantResults(tenant: string, perTenant: number): Result[] {
  return Array.from({ length: perTenant }, (_, i) => {
    const policy = policies[i % policies.length]!;
    const connection = ["entra", "okta", "google"][i % 3]!;
    const subject = {
      kind: "account" as const,
      id: `${tenant}-u${i}`,
      name: `user${i}@${tenant}.example`,
      source: connection,
      connection,
    };
    const status: Result["status"] = i % 10 < 6 ? "fail" : i % 10 < 7 ? "unknown" : "pass";
    return {
      fingerprint: fingerprint(tenant, policy, subject),
      policy,
      title: "Every active account has MFA enforced at sign-in",
      severity: "high",
      status,
      tenant,
      subject,
      mfa: { state: status === "pass" ? "enforced" : "none", strength: null },
      message: `${subject.name}: no enabled Conditional Access policy requires MFA for this user; registered, but no policy requires it`,
      evidence: [
        {
          source: connection,
          connection,
          endpoint: "GET /identity/conditionalAccess/policies",
          objectId: `policy-${i % 7}`,
          field: "state",
          value: "enabledForReportingButNotEnforced",
          note: "'Require MFA for all users': report-only: it only logs, never enforces",
        },
        {
          source: connection,
          connection,
          endpoint: "GET /reports/authenticationMethods/userRegistrationDetails",
          objectId: subject.id,
          field: "methodsRegistered",
          value: ["microsoftAuthenticatorPush", "softwareOneTimePasscode"],
        },
      ],
      remediation:
        "Require MFA for every user with a Conditional Access policy, or turn on security defaults.",
      dependsOn: [connection],
    };
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One repeat: a first sweep and a re-sweep through the store, then the ceiling on a fresh file. */
async function once(tenants: Result[][], dir: string, repeat: number) {
  const file = join(dir, `store-${repeat}.db`);
  const store = await openStore(file, { create: true });
  const sweep = async (id: string, now: Date) => {
    await store.beginSweep({ id, kind: "sweep", startedAt: now.toISOString(), tenants: [] });
    const t0 = cpuMs();
    for (const results of tenants) {
      const tenant = results[0]!.tenant;
      const coverage = [...new Set(results.map((r) => r.subject.connection))].map((connection) => ({
        tenant,
        connection,
        source: connection,
        status: "complete" as const,
        gaps: [],
        notes: [],
        counts: { accounts: results.length, skipped: 0, requests: 1, retries: 0 },
        startedAt: now.toISOString(),
        finishedAt: now.toISOString(),
      }));
      await store.reconcileTenant({ sweepId: id, tenant, now, sla: defaultSla, results, coverage });
    }
    // finishSweep is timed too: the store checkpoints the sweep's WAL pages there.
    await store.finishSweep(id, { status: "finished", finishedAt: now.toISOString() });
    return cpuMs() - t0;
  };
  const first = await sweep(`first-${repeat}`, new Date("2026-12-01T06:00:00Z"));
  const resweep = await sweep(`again-${repeat}`, new Date("2026-12-08T06:00:00Z"));
  await store.close();

  // The ceiling: the store's schema on a fresh file (migrated by the store), then plain upserts.
  const ceilingFile = join(dir, `ceiling-${repeat}.db`);
  const { db, upsert } = await openCeiling(ceilingFile);
  const at = "2026-12-01T06:00:00.000Z";
  // The rows are built before the clock starts: the ceiling is SQLite's part alone.
  const rows = tenants.map((results) =>
    results
      .filter((r) => r.status !== "pass")
      .map((r) =>
        itemValues({
          ...r,
          status: r.status === "unknown" ? "unknown" : "fail",
          details: null,
          dependsOn: r.dependsOn ?? [],
          exception: null,
          state: "open",
          firstSeen: at,
          lastSeen: at,
          openedAt: at,
          resolvedAt: null,
          dueAt: at,
          regressionCount: 0,
          lastSweep: "ceiling",
          updatedAt: at,
        }),
      ),
  );
  const t0 = cpuMs();
  for (const tenantRows of rows)
    db.transaction(() => {
      for (const row of tenantRows) upsert.run(row);
    }).immediate();
  const ceiling = cpuMs() - t0;
  db.close();
  return { first, resweep, ceiling, ceilingWithHistory: await withHistory(dir, repeat, rows) };
}

/**
 * A fresh file with the store's schema (migrated by the store), opened as plain better-sqlite3 with the
 * store's durability settings (sqlite.ts), so the ceiling writes as safely as the store does; and an
 * upsert of one item row.
 */
async function openCeiling(file: string) {
  await (await openStore(file, { create: true })).close();
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  const upsert = db.prepare(
    `INSERT INTO items (${itemColumns.join(", ")}) VALUES (${itemColumns.map((c) => `@${c}`).join(", ")})
     ON CONFLICT (fingerprint) DO UPDATE SET ${itemColumns
       .filter((c) => c !== "fingerprint")
       .map((c) => `${c} = excluded.${c}`)
       .join(", ")}`,
  );
  return { db, upsert };
}

/**
 * The ceiling's upserts plus, per row, the history row a first sweep writes for a new item (actor the
 * sweep, from nothing to `open`, the result's message as note): plain SQLite doing all a first sweep
 * writes, on a fresh file with the same settings as the ceiling.
 */
async function withHistory(dir: string, repeat: number, rows: Array<Array<Record<string, unknown>>>) {
  const file = join(dir, `ceiling-history-${repeat}.db`);
  const { db, upsert } = await openCeiling(file);
  const history = db.prepare(
    "INSERT INTO item_history (fingerprint, at, actor, from_state, to_state, note) VALUES (?, ?, ?, NULL, 'open', ?)",
  );
  const t0 = cpuMs();
  for (const tenantRows of rows)
    db.transaction(() => {
      for (const row of tenantRows) {
        upsert.run(row);
        history.run(row.fingerprint, row.updated_at, row.last_sweep, row.message);
      }
    }).immediate();
  const ms = cpuMs() - t0;
  db.close();
  return ms;
}

export async function runStoreBenchmark(options: {
  tenants: number;
  resultsPerTenant: number;
  repeats: number;
}): Promise<StoreResult> {
  const load = { start: loadavg().map((l) => Math.round(l * 100) / 100), end: [] as number[] };
  const tenants = Array.from({ length: options.tenants }, (_, t) =>
    tenantResults(`t${String(t + 1).padStart(4, "0")}`, options.resultsPerTenant),
  );
  const findings = tenants.flat().filter((r) => r.status !== "pass").length;
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-store-"));
  const runs: Array<{ first: number; resweep: number; ceiling: number; ceilingWithHistory: number }> = [];
  try {
    for (let i = 0; i < options.repeats; i++) {
      process.stderr.write(`store benchmark: repeat ${i + 1} of ${options.repeats}…\n`);
      runs.push(await once(tenants, dir, i));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  load.end = loadavg().map((l) => Math.round(l * 100) / 100);
  const first = median(runs.map((r) => r.first));
  const resweep = median(runs.map((r) => r.resweep));
  const ceiling = median(runs.map((r) => r.ceiling));
  const ceilingWithHistory = median(runs.map((r) => r.ceilingWithHistory));
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    schemaVersion: 1,
    kind: "store",
    date: new Date().toISOString(),
    machine: machine(),
    load,
    parameters: { ...options, results: options.tenants * options.resultsPerTenant, findings },
    cpuMs: {
      storeFirstSweep: Math.round(first),
      storeResweep: Math.round(resweep),
      ceilingUpserts: Math.round(ceiling),
      ceilingWithHistory: Math.round(ceilingWithHistory),
      runs: runs.map((r) => ({
        first: Math.round(r.first),
        resweep: Math.round(r.resweep),
        ceiling: Math.round(r.ceiling),
        ceilingWithHistory: Math.round(r.ceilingWithHistory),
      })),
    },
    ratio: {
      firstSweep: round(ceiling / first),
      resweep: round(ceiling / resweep),
      firstSweepWithHistory: round(ceilingWithHistory / first),
    },
  };
}
