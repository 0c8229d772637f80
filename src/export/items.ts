import { ConfigError } from "../errors.js";
import { describeEvidence, isFinding, type Result, type Severity, severityRank } from "../model/index.js";
import { isOverdue } from "../queue/lifecycle.js";
import type { ItemState, QueueItem } from "../queue/model.js";
import type { ItemFilter, Store } from "../queue/store.js";
import { ScanReport } from "../report.js";
import { forCsvCell } from "./sanitize.js";

/**
 * What `mfasweep export` writes: one record per non-compliant account or entry point, read from the
 * remediation queue or from one scan's JSON report. Both become the same `ExportRecord`, so CSV, NDJSON,
 * JSON and OCSF are written once.
 */

/** A queue item, or a scan's failing/unknown/excepted result seen as one (state from its status). */
export type ExportRecord = Pick<
  QueueItem,
  | "fingerprint"
  | "tenant"
  | "policy"
  | "title"
  | "severity"
  | "subject"
  | "state"
  | "status"
  | "message"
  | "mfa"
  | "evidence"
  | "remediation"
  | "exception"
  | "firstSeen"
  | "lastSeen"
  | "dueAt"
  | "resolvedAt"
>;

export interface ExportFilter {
  tenants?: string[];
  severities?: Severity[];
  /** Default: every state but `resolved` (what still needs work or a decision). */
  states?: ItemState[];
}

const defaultStates: ItemState[] = ["open", "ticketed", "reopened", "accepted"];

/** Queue items as export records, filtered in the store. */
export async function recordsFromStore(store: Store, filter: ExportFilter = {}): Promise<ExportRecord[]> {
  const query: ItemFilter = {
    tenants: filter.tenants,
    severities: filter.severities,
    states: filter.states ?? defaultStates,
  };
  return (await store.findItems(query)).map(toRecord);
}

function toRecord(item: QueueItem): ExportRecord {
  return {
    fingerprint: item.fingerprint,
    tenant: item.tenant,
    policy: item.policy,
    title: item.title,
    severity: item.severity,
    subject: item.subject,
    state: item.state,
    status: item.status,
    message: item.message,
    mfa: item.mfa,
    evidence: item.evidence,
    remediation: item.remediation,
    exception: item.exception,
    firstSeen: item.firstSeen,
    lastSeen: item.lastSeen,
    dueAt: item.dueAt,
    resolvedAt: item.resolvedAt,
  };
}

/**
 * A scan report (the DESIGN.md §5 JSON, validated) as export records: findings are `open`, excepted results
 * `accepted`, passes are left out; first and last seen are the scan's finish time, and there is no due date
 * (a scan has no queue, so no SLA clock).
 */
export function recordsFromScan(raw: unknown, filter: ExportFilter = {}, file = "report"): ExportRecord[] {
  const parsed = ScanReport.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${file} is not an mfasweep scan report (${issue?.path.join(".") || "top level"}: ${issue?.message ?? "invalid"})`,
    );
  }
  const report = parsed.data;
  const at = report.sweep.finishedAt;
  const records = report.results
    .filter((r) => isFinding(r) || r.status === "excepted")
    .map((r: Result): ExportRecord => {
      const state: ItemState = r.status === "excepted" ? "accepted" : "open";
      return {
        fingerprint: r.fingerprint,
        tenant: r.tenant,
        policy: r.policy,
        title: r.title,
        severity: r.severity,
        subject: r.subject,
        state,
        status: r.status === "excepted" ? "excepted" : r.status === "unknown" ? "unknown" : "fail",
        message: r.message,
        mfa: r.mfa,
        evidence: r.evidence,
        remediation: r.remediation,
        exception: r.exception ? { ...r.exception, source: "config" } : null,
        firstSeen: at,
        lastSeen: at,
        dueAt: null,
        resolvedAt: null,
      };
    });
  const states = filter.states ?? defaultStates;
  return records
    .filter(
      (r) =>
        (!filter.tenants || filter.tenants.includes(r.tenant)) &&
        (!filter.severities || filter.severities.includes(r.severity)) &&
        states.includes(r.state),
    )
    .sort(
      (a, b) =>
        severityRank[b.severity] - severityRank[a.severity] ||
        a.tenant.localeCompare(b.tenant) ||
        a.policy.localeCompare(b.policy) ||
        a.subject.name.localeCompare(b.subject.name),
    );
}

/** The evidence of a record in one line, for CSV cells and ticket summaries. */
export function evidenceSummary(record: Pick<ExportRecord, "evidence">): string {
  return record.evidence.map(describeEvidence).join(" | ");
}

const csvColumns: Array<[string, (r: ExportRecord, now: Date) => string]> = [
  ["tenant", (r) => r.tenant],
  ["state", (r) => r.state],
  ["severity", (r) => r.severity],
  ["policy", (r) => r.policy],
  ["policy_title", (r) => r.title],
  ["subject_kind", (r) => r.subject.kind],
  ["subject", (r) => r.subject.name],
  ["subject_id", (r) => r.subject.id],
  ["source_system", (r) => r.subject.source],
  ["connection", (r) => r.subject.connection],
  ["mfa_state", (r) => r.mfa?.state ?? ""],
  ["mfa_strength", (r) => r.mfa?.strength ?? ""],
  ["mfa_via", (r) => r.mfa?.via?.join(" > ") ?? ""],
  ["status", (r) => r.status],
  ["message", (r) => r.message],
  ["first_seen", (r) => r.firstSeen],
  ["last_seen", (r) => r.lastSeen],
  ["due", (r) => r.dueAt ?? ""],
  ["overdue", (r, now) => (isOverdue(r, now) ? "yes" : "no")],
  [
    "exception",
    (r) =>
      r.exception ? `${r.exception.reason} (by ${r.exception.approvedBy}, until ${r.exception.expires})` : "",
  ],
  ["evidence", (r) => evidenceSummary(r)],
  ["remediation", (r) => r.remediation],
  ["fingerprint", (r) => r.fingerprint],
];

/**
 * One row per record, RFC 4180 quoting, every cell through `forCsvCell` (formula injection: a value that
 * starts with = + - @ tab or CR is defused). `bom` prefixes a UTF-8 byte order mark so Excel reads UTF-8.
 */
export function recordsToCsv(records: ExportRecord[], options: { bom?: boolean; now?: Date } = {}): string {
  const now = options.now ?? new Date();
  const lines = [
    csvColumns.map(([name]) => name).join(","),
    ...records.map((r) => csvColumns.map(([, get]) => forCsvCell(get(r, now))).join(",")),
  ];
  return `${options.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}

/** One JSON object per line (newline-delimited JSON), for log pipelines. */
export function recordsToNdjson(records: ExportRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** A JSON document: `{ schemaVersion, exportedAt, items }`. */
export function recordsToJson(records: ExportRecord[], now = new Date()): string {
  return `${JSON.stringify({ schemaVersion: 1, exportedAt: now.toISOString(), items: records }, null, 2)}\n`;
}
