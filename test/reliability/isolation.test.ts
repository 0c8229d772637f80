import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCommand } from "../../src/cli/export.js";
import { scanCommand } from "../../src/cli/scan.js";
import { ticketsCommand } from "../../src/cli/tickets.js";
import { toHtml } from "../../src/export/index.js";
import { recordsFromStore } from "../../src/export/items.js";
import { recordsToOcsf } from "../../src/export/ocsf.js";
import { findingRecordsCsv, scanRecords, storeRecords } from "../../src/export/record.js";
import { startJiraEmulator } from "../../src/export/ticketing/emulators/jira.js";
import type { Result } from "../../src/model/index.js";
import type { QueueItem } from "../../src/queue/index.js";
import type { SweepOutcome } from "../../src/sweep.js";
import { inProcess } from "../helpers/cli.js";
import { configOf, configText, recordedSweep, scratch, type TenantEntry, withStore } from "./harness.js";
import { type Shared, stack, type TenantSpec } from "./stacks.js";

/**
 * Issue #12, isolation: two tenants whose users have the same names and the same email addresses (one
 * shared domain, as when an MSP's own staff hold accounts in both), and in Entra and Okta even the same
 * object ids, read from ONE emulator per vendor (a vendor's API host serves every customer). Each person
 * carries their tenant's name in their display name, so anything of one tenant showing up in the other's
 * results, queue items, exports or report is visible. Their MFA is opposite, so a result judged with the
 * other tenant's data would also have the wrong status.
 */

const domain = "shared-staff.example";
const spec = (id: "north" | "south"): TenantSpec => {
  const label = id === "north" ? "North" : "South";
  const flip = id === "north";
  return {
    id,
    domain,
    people: [
      { local: "alice", name: `Alice ${label}`, mfa: flip },
      { local: "bob", name: `Bob ${label}`, mfa: !flip },
      { local: "helpdesk", name: `Helpdesk ${label}`, admin: true, mfa: flip },
    ],
  };
};
const specs = [spec("north"), spec("south")];
const marker = { north: "North", south: "South" } as const;
const other = { north: "south", south: "north" } as const;

const work = scratch("mfsw-isolation-");
const shared: Shared[] = [];
let tenants: TenantEntry[];
let env: Record<string, string>;
let outcome: SweepOutcome;
let items: QueueItem[];
const db = join(work.dir, "queue.db");

beforeAll(async () => {
  for (const type of ["google-workspace", "okta", "entra"]) {
    const s = stack(type);
    shared.push(await s.startShared(specs.map((t) => s.seed(t))));
  }
  tenants = specs.map((t, i) => ({
    id: t.id,
    name: marker[t.id as "north" | "south"],
    connections: shared.map((s) => s.connections[i]!),
  }));
  env = Object.assign({}, ...shared.map((s) => s.env));
  await withStore(db, async (store) => {
    // Both tenants at once, so their collections, links and reconciles interleave.
    outcome = (await recordedSweep(configOf(tenants), store, env, { tenantConcurrency: 2 })).outcome;
    items = await store.findItems({});
  });
});
afterAll(async () => {
  await Promise.all(shared.map((s) => s.close()));
  work.remove();
});

/** The text of anything that belongs to `tenant`; it must not name the other tenant's people. */
function assertOwn(tenant: "north" | "south", what: string, text: string) {
  expect(text, `${what} of ${tenant}`).not.toContain(marker[other[tenant]]);
}

describe("two tenants with the same user names, emails and object ids", () => {
  it("both are read completely, from the same emulators, with their own credentials", () => {
    expect(outcome.report.coverage.map((c) => [c.tenant, c.connection, c.status])).toEqual(
      expect.arrayContaining([
        ["north", "google", "complete"],
        ["north", "okta", "complete"],
        ["north", "entra", "complete"],
        ["south", "google", "complete"],
        ["south", "okta", "complete"],
        ["south", "entra", "complete"],
      ]),
    );
    // One emulator per vendor served both tenants.
    for (const s of shared) {
      const tokens = new Set(s.emulator.requests.map((r) => String(r.headers.authorization ?? "")));
      expect(tokens.size).toBeGreaterThanOrEqual(2);
    }
  });

  it("results: each tenant's results name only its own people, and the same subject has different fingerprints", () => {
    const byTenant = (t: string) => outcome.report.results.filter((r) => r.tenant === t);
    for (const t of ["north", "south"] as const) {
      expect(byTenant(t).length).toBeGreaterThan(5);
      for (const r of byTenant(t)) assertOwn(t, `result ${r.policy} ${r.subject.name}`, JSON.stringify(r));
    }
    const north = new Set(byTenant("north").map((r) => r.fingerprint));
    const south = byTenant("south").map((r) => r.fingerprint);
    expect(south.filter((f) => north.has(f))).toEqual([]);
    // Same subject id in both tenants (Entra and Okta ids derive from the login): still two results.
    const key = (r: Result) => `${r.policy}|${r.subject.source}|${r.subject.id}`;
    const southKeys = new Set(byTenant("south").map(key));
    const sameSubject = byTenant("north").filter((r) => southKeys.has(key(r)));
    expect(sameSubject.length).toBeGreaterThan(3);
  });

  it("each tenant is judged by its own data: opposite MFA gives opposite verdicts for the same person", () => {
    const verdict = (tenant: string, name: string) =>
      outcome.report.results.find(
        (r) =>
          r.tenant === tenant && r.policy === "google-user-2sv-enforced" && r.subject.name.startsWith(name),
      )?.status;
    expect(verdict("north", "alice@")).toBeDefined();
    expect(verdict("north", "alice@")).not.toBe(verdict("south", "alice@"));
    expect(verdict("north", "bob@")).not.toBe(verdict("south", "bob@"));
  });

  it("queue items: every item is its tenant's, names only its people, and the tenants' items never share a fingerprint", () => {
    expect(items.length).toBeGreaterThan(5);
    for (const item of items) {
      expect(["north", "south"]).toContain(item.tenant);
      assertOwn(item.tenant as "north" | "south", `queue item ${item.fingerprint}`, JSON.stringify(item));
    }
    const fingerprints = items.map((i) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    for (const t of ["north", "south"]) {
      const diff = outcome.summary.tenants.find((x) => x.tenant === t)?.diff;
      expect(diff?.open).toBe(items.filter((i) => i.tenant === t && i.state === "open").length);
    }
  });

  it("exports, reports and tickets of one tenant hold nothing of the other (CSV, OCSF, HTML, Jira, through the CLI)", async () => {
    await withStore(db, async (store) => {
      for (const t of ["north", "south"] as const) {
        const records = await recordsFromStore(store, { tenants: [t] });
        expect(records.length).toBeGreaterThan(2);
        expect(records.every((r) => r.tenant === t)).toBe(true);
        assertOwn(
          t,
          "CSV export",
          findingRecordsCsv(await storeRecords(store, records, { now: new Date() })),
        );
        assertOwn(t, "OCSF export", recordsToOcsf(records, new Date()));
        const results = outcome.report.results.filter((r) => r.tenant === t);
        assertOwn(
          t,
          "results CSV",
          findingRecordsCsv(scanRecords({ ...outcome.report, results }, { all: true })),
        );
      }
    });
    // Every CSV row of the unfiltered export names its own tenant's people only.
    const all = await inProcess(exportCommand(), ["export", "--store", db, "--format", "csv"]);
    const rows = all.stdout.trim().split("\r\n").slice(1);
    expect(rows.length).toBe(items.filter((i) => i.state !== "resolved").length);
    for (const row of rows) {
      const tenant = row.split(",")[1] as "north" | "south"; // after the fingerprint
      assertOwn(tenant, `CSV row ${row.slice(0, 60)}`, row);
    }
    const file = join(work.dir, "north.csv");
    const north = await inProcess(exportCommand(), [
      "export",
      "--store",
      db,
      "-t",
      "north",
      "--output",
      file,
    ]);
    expect(north.code).toBe(0);
    assertOwn("north", "CSV file", readFileSync(file, "utf8"));

    // The customer-facing HTML report of one tenant (pre-onboarding scan) never names the other.
    const config = join(work.dir, "mfasweep.yaml");
    writeFileSync(config, configText(tenants), { mode: 0o600 });
    for (const t of ["north", "south"] as const) {
      const html = join(work.dir, `${t}.html`);
      const scan = await inProcess(
        scanCommand(),
        ["scan", "--config", config, "--tenant", t, "--format", "html", "--output", html],
        env,
      );
      expect(scan.stderr).toContain(`wrote html to ${html}`);
      const text = readFileSync(html, "utf8");
      expect(text).toContain(marker[t]);
      assertOwn(t, "HTML report", text);
    }
    // Tickets: each tenant's findings go to its own Jira project and name only its own people.
    const jira = await startJiraEmulator({
      email: "bot@msp.example",
      apiToken: "jira-iso",
      projects: ["NORTH", "SOUTH"],
    });
    try {
      const withTickets = join(work.dir, "tickets.yaml");
      writeFileSync(
        withTickets,
        configText(tenants, {
          store: { path: db },
          ticketing: [
            {
              id: "jira",
              type: "jira",
              endpoint: jira.url,
              auth: { email: "bot@msp.example", apiToken: "env:JIRA_ISO" },
              tenants: { north: { projectKey: "NORTH" }, south: { projectKey: "SOUTH" } },
            },
          ],
        }),
        { mode: 0o600 },
      );
      const sync = await inProcess(ticketsCommand(), ["tickets", "sync", "--config", withTickets], {
        ...env,
        JIRA_ISO: "jira-iso",
      });
      expect(sync.code, sync.stderr).toBe(0);
      expect(jira.tickets.length).toBeGreaterThan(4);
      for (const ticket of jira.tickets) {
        const project = (ticket.fields.project as { key: string }).key;
        const tenant = project === "NORTH" ? "north" : "south";
        assertOwn(tenant, `Jira ticket ${ticket.id}`, JSON.stringify(ticket));
      }
      expect(new Set(jira.tickets.map((t) => (t.fields.project as { key: string }).key))).toEqual(
        new Set(["NORTH", "SOUTH"]),
      );
    } finally {
      await jira.close();
    }

    // The library renderer, given one tenant's report, likewise.
    const southOnly = {
      ...outcome.report,
      tenants: outcome.report.tenants.filter((t) => t.id === "south"),
      coverage: outcome.report.coverage.filter((c) => c.tenant === "south"),
      results: outcome.report.results.filter((r) => r.tenant === "south"),
    };
    assertOwn("south", "HTML", toHtml(southOnly));
  });
});
