import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { recordsFromScan, recordsFromStore } from "../../../src/export/items.js";
import {
  findingRecordsCsv,
  findingRecordsJson,
  findingRecordsNdjson,
  recordColumns,
  storeRecords,
} from "../../../src/export/record.js";
import type { SqliteStore } from "../../../src/queue/sqlite.js";
import type { ScanReport } from "../../../src/report.js";
import { parseCsv } from "../../helpers/csv.js";
import { at, finding, freshStore, sweepQueue, t0 } from "./ticketing/helpers.js";

/** `mfasweep export` of queue items and of scan reports: filters, CSV safety, NDJSON and JSON shapes. */

let store: SqliteStore;
beforeEach(async () => {
  store = await freshStore();
});
afterEach(() => store.close());

describe("queue export", () => {
  it("one CSV row per item with the documented columns; formula prefixes are defused in every cell; BOM on request", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: '=HYPERLINK("http://evil.example","click")', message: "+cmd|' /C calc'!A0" },
      { tenant: "acme", user: "@SUM(1+1)", message: "-2+3" },
      { tenant: "beta", user: "\tTAB", message: "\rCR" },
    ]);
    const records = await storeRecords(store, await recordsFromStore(store), { now: t0 });
    const csv = findingRecordsCsv(records);
    expect(csv.startsWith("\uFEFF")).toBe(false);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(recordColumns);
    const col = (name: string) => recordColumns.indexOf(name as (typeof recordColumns)[number]);
    expect(rows).toHaveLength(4);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const evil = rows.find((r) => r[col("subject")]?.includes("HYPERLINK"));
    expect(evil?.[col("subject")]).toBe(`'=HYPERLINK("http://evil.example","click")@corp.example`);
    expect(evil?.[col("message")]).toBe("'+cmd|' /C calc'!A0");
    expect(evil?.[col("mfa_state")]).toBe("none");
    expect(evil?.[col("fingerprint")]).toBe(
      finding({ tenant: "acme", user: '=HYPERLINK("http://evil.example","click")' }).fingerprint,
    );
    expect(findingRecordsCsv(records, { bom: true }).startsWith("\uFEFFfingerprint,")).toBe(true);
  });

  it("filters by tenant, severity and state; resolved items only when asked", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice", severity: "critical" },
      { tenant: "acme", user: "bob", severity: "low" },
      { tenant: "beta", user: "carol" },
    ]);
    await sweepQueue(store, at(7), [
      { tenant: "acme", user: "alice", severity: "critical" },
      { tenant: "beta", user: "carol" },
    ]);
    expect((await recordsFromStore(store)).map((r) => r.subject.name).sort()).toEqual([
      "alice@corp.example",
      "carol@corp.example",
    ]);
    expect((await recordsFromStore(store, { states: ["resolved"] })).map((r) => r.subject.name)).toEqual([
      "bob@corp.example",
    ]);
    expect((await recordsFromStore(store, { tenants: ["beta"] })).map((r) => r.tenant)).toEqual(["beta"]);
    expect((await recordsFromStore(store, { severities: ["critical"] })).map((r) => r.severity)).toEqual([
      "critical",
    ]);
  });

  it("NDJSON is one record per line; JSON wraps the same records with a schema version", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice", message: "line one\nline two" },
      { tenant: "beta", user: "bob" },
    ]);
    const records = await storeRecords(store, await recordsFromStore(store), { now: t0 });
    const lines = findingRecordsNdjson(records).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l))).toEqual(records);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(recordColumns);
    const doc = JSON.parse(findingRecordsJson(records, t0));
    expect(doc).toEqual({ schemaVersion: 2, exportedAt: t0.toISOString(), items: records });
  });
});

describe("scan report export", () => {
  const report = (results: ScanReport["results"]): ScanReport => ({
    schemaVersion: 1,
    tool: { name: "mfasweep", version: "0.1.0" },
    sweep: { id: "s", kind: "scan", startedAt: t0.toISOString(), finishedAt: t0.toISOString() },
    tenants: [{ id: "acme", name: "Acme", role: "customer" }],
    coverage: [],
    summary: {
      accounts: 0,
      results: results.length,
      fail: 0,
      unknown: 0,
      excepted: 0,
      pass: 0,
      failingBySeverity: {},
      incompleteConnections: 0,
    },
    results,
  });

  it("findings become open records, excepted ones accepted, passes are left out", () => {
    const pass = { ...finding({ tenant: "acme", user: "ok" }), status: "pass" as const };
    const excepted = {
      ...finding({ tenant: "acme", user: "kiosk" }),
      status: "excepted" as const,
      exception: { reason: "kiosk", approvedBy: "ciso", expires: "2027-01-31" },
    };
    const records = recordsFromScan(
      report([
        finding({ tenant: "acme", user: "alice" }),
        finding({ tenant: "acme", user: "bob", status: "unknown" }),
        pass,
        excepted,
      ]),
    );
    expect(records.map((r) => [r.subject.name, r.state, r.status])).toEqual([
      ["alice@corp.example", "open", "fail"],
      ["bob@corp.example", "open", "unknown"],
      ["kiosk@corp.example", "accepted", "excepted"],
    ]);
    expect(records[0]).toMatchObject({ firstSeen: t0.toISOString(), dueAt: null });
    expect(
      recordsFromScan(report([finding({ tenant: "acme", user: "a" })]), { states: ["accepted"] }),
    ).toEqual([]);
  });

  it("refuses a file that is not a scan report, saying where it differs", () => {
    expect(() => recordsFromScan({ results: "nope" }, {}, "report.json")).toThrow(ConfigError);
    expect(() => recordsFromScan({ results: "nope" }, {}, "report.json")).toThrow(
      /report\.json is not an mfasweep scan report \(schemaVersion/,
    );
  });
});
