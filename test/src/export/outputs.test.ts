import { describe, expect, it } from "vitest";
import { findingRecordsCsv, scanRecordSource, toFindingRecord } from "../../../src/export/record.js";
import { forCsvCell, forTerminal } from "../../../src/export/sanitize.js";
import { toTable } from "../../../src/export/table.js";
import type { Result } from "../../../src/model/index.js";
import { exitCode, type ScanReport } from "../../../src/report.js";
import { coverage } from "../../helpers/inventory.js";

function result(fields: Partial<Result>): Result {
  return {
    fingerprint: "f".repeat(32),
    policy: "p",
    title: "T",
    severity: "high",
    status: "fail",
    tenant: "t1",
    subject: {
      kind: "account",
      id: "u1",
      name: "ann@x.example",
      source: "google-workspace",
      connection: "google",
    },
    mfa: { state: "none", strength: null },
    message: "no MFA",
    evidence: [
      {
        source: "google-workspace",
        connection: "google",
        endpoint: "GET admin/directory/v1/users",
        objectId: "u1",
        field: "isEnforcedIn2Sv",
        value: false,
      },
    ],
    remediation: "Enforce 2SV.",
    ...fields,
  };
}

describe("hostile strings in outputs", () => {
  it("CSV defuses formula prefixes and quotes separators", () => {
    for (const prefix of ["=", "+", "-", "@", "\t", "\r"])
      expect(forCsvCell(`${prefix}HYPERLINK("x")`).replace(/^"/, "")).toMatch(/^'/);
    expect(forCsvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    const hostile = result({
      subject: { kind: "account", id: "u1", name: '=cmd|" /C calc"!A0', source: "s", connection: "c" },
    });
    const csv = findingRecordsCsv([toFindingRecord(scanRecordSource(hostile, ""), { now: new Date() })]);
    expect(csv.split("\r\n")[1]).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(findingRecordsCsv([], { bom: true }).startsWith("\uFEFF")).toBe(true);
  });

  it("terminal output shows control characters instead of executing them", () => {
    expect(forTerminal("evil\x1b[2J\x07name\nnext")).toBe("evil\\x1b[2J\\x07name\\x0anext");
    const report: ScanReport = {
      schemaVersion: 1,
      tool: { name: "mfasweep", version: "0" },
      sweep: { id: "s", kind: "scan", startedAt: "", finishedAt: "" },
      tenants: [{ id: "t1", name: "T", role: "customer" }],
      coverage: [coverage("google-workspace")],
      summary: {
        accounts: 1,
        results: 1,
        fail: 1,
        unknown: 0,
        excepted: 0,
        pass: 0,
        failingBySeverity: { high: 1 },
        incompleteConnections: 0,
      },
      results: [
        result({
          subject: { kind: "account", id: "u1", name: "x\x1b]0;pwned\x07", source: "s", connection: "c" },
        }),
      ],
    };
    const table = toTable(report, { color: false, width: 200, all: false });
    expect(table).not.toContain("\x1b");
    expect(table).toContain("x\\x1b]0;pwned\\x07");
  });
});

describe("exit codes", () => {
  const complete = [coverage("google-workspace")];
  it("0 without failing results at or above fail-on, 1 with, 2 when anything was not seen", () => {
    expect(exitCode({ coverage: complete, results: [result({ status: "pass" })] }, "low")).toBe(0);
    expect(exitCode({ coverage: complete, results: [result({ severity: "medium" })] }, "high")).toBe(0);
    expect(exitCode({ coverage: complete, results: [result({ severity: "high" })] }, "high")).toBe(1);
    expect(exitCode({ coverage: complete, results: [result({ status: "excepted" })] }, "low")).toBe(0);
    expect(exitCode({ coverage: complete, results: [result({ status: "unknown" })] }, "low")).toBe(1);
    expect(exitCode({ coverage: [coverage("google-workspace", "partial")], results: [] }, "low")).toBe(2);
  });
});
