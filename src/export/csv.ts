import { describeEvidence, type Result } from "../model/index.js";
import { forCsvCell } from "./sanitize.js";

const columns: Array<[string, (r: Result) => string]> = [
  ["tenant", (r) => r.tenant],
  ["status", (r) => r.status],
  ["severity", (r) => r.severity],
  ["policy", (r) => r.policy],
  ["subject_kind", (r) => r.subject.kind],
  ["subject", (r) => r.subject.name],
  ["subject_id", (r) => r.subject.id],
  ["source", (r) => r.subject.source],
  ["connection", (r) => r.subject.connection],
  ["mfa_state", (r) => r.mfa?.state ?? ""],
  ["mfa_strength", (r) => r.mfa?.strength ?? ""],
  ["message", (r) => r.message],
  ["evidence", (r) => r.evidence.map(describeEvidence).join(" | ")],
  [
    "exception",
    (r) =>
      r.exception ? `${r.exception.reason} (by ${r.exception.approvedBy}, until ${r.exception.expires})` : "",
  ],
  ["remediation", (r) => r.remediation],
  ["fingerprint", (r) => r.fingerprint],
];

/** One row per result, RFC 4180 quoting, formula-injection safe. `bom` helps Excel read UTF-8. */
export function toCsv(results: Result[], options: { bom?: boolean } = {}): string {
  const lines = [
    columns.map(([name]) => name).join(","),
    ...results.map((r) => columns.map(([, get]) => forCsvCell(get(r))).join(",")),
  ];
  return `${options.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}
