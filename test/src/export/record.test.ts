import { describe, expect, it } from "vitest";
import { schemaCommand } from "../../../src/cli/schema.js";
import type { ExportRecord } from "../../../src/export/items.js";
import {
  FindingRecord,
  findingRecordsCsv,
  recordColumns,
  toFindingRecord,
} from "../../../src/export/record.js";
import { inProcess } from "../../helpers/cli.js";

const item: ExportRecord = {
  fingerprint: "ab12",
  tenant: "acme",
  policy: "entra-user-mfa-enforced",
  title: "Every user must pass MFA",
  severity: "high",
  subject: { kind: "account", id: "u1", name: "=boss@acme.example", source: "entra", connection: "entra" },
  state: "ticketed",
  status: "fail",
  message: "no MFA",
  mfa: { state: "none", strength: null, via: ["fortigate", "entra"] },
  evidence: [],
  remediation: "require MFA",
  exception: null,
  firstSeen: "2026-12-01T00:00:00.000Z",
  lastSeen: "2026-12-07T00:00:00.000Z",
  dueAt: "2026-12-02T00:00:00.000Z",
  resolvedAt: null,
};

describe("the finding record", () => {
  it("flattens an item with tenant name, policy title, due date, mfa.via and its tickets", () => {
    const record = toFindingRecord(item, {
      now: new Date("2026-12-07T12:00:00Z"),
      tenantNames: new Map([["acme", "Acme Dental"]]),
      tickets: new Map([
        [
          "ab12",
          [{ fingerprint: "ab12", system: "halo", ticketId: "T-9", url: null, createdAt: "", updatedAt: "" }],
        ],
      ]),
    });
    expect(FindingRecord.parse(record)).toMatchObject({
      tenant_name: "Acme Dental",
      policy_title: "Every user must pass MFA",
      due: "2026-12-02T00:00:00.000Z",
      overdue: "yes",
      mfa_via: "fortigate > entra",
      ticket_system: "halo",
      ticket_id: "T-9",
    });
    expect(Object.keys(record)).toEqual(recordColumns);
  });

  it("writes CSV in the schema's column order, formula-safe, with a BOM when asked", () => {
    const record = toFindingRecord(item, { now: new Date("2026-12-07T12:00:00Z") });
    const csv = findingRecordsCsv([record], { bom: true });
    expect(csv.startsWith("\uFEFFfingerprint,tenant,tenant_name,state,status,")).toBe(true);
    expect(csv).toContain(",'=boss@acme.example,");
  });

  it("mfasweep schema record prints the JSON Schema with every column", async () => {
    const run = await inProcess(schemaCommand(), ["schema", "record"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(recordColumns);
    expect(schema.required).toEqual(recordColumns);
  });
});
