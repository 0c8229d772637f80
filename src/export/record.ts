import { z } from "zod";
import { describeEvidence, type Result } from "../model/index.js";
import { isOverdue } from "../queue/lifecycle.js";
import type { ItemState, QueueItem, TicketRef } from "../queue/model.js";
import type { Store } from "../queue/store.js";
import type { ScanReport } from "../report.js";
import { forCsvCell } from "./sanitize.js";

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

/**
 * The one flat record of a finding that `scan --format csv`, `queue list --format csv|json` and
 * `export --format csv|ndjson` write: the same names in the same order everywhere, so a spreadsheet or a
 * log pipeline built on one works on the others. `mfasweep schema record` prints it as JSON Schema.
 * Additions only, at the end.
 */
export const FindingRecord = z
  .object({
    fingerprint: z.string().describe("stable hash of tenant, policy and subject: the dedupe key"),
    tenant: z.string().describe("tenant id"),
    tenant_name: z.string().describe("tenant name from the config; empty when unknown"),
    state: z
      .string()
      .describe("queue state (open, ticketed, accepted, reopened, resolved); empty for a scan's pass"),
    status: z.enum(["fail", "unknown", "excepted", "pass"]).describe("the latest result"),
    severity: z.enum(["critical", "high", "medium", "low", "info"]),
    policy: z.string().describe("policy id"),
    policy_title: z.string().describe("the policy's title: the condition it wants"),
    subject_kind: z.string(),
    subject: z.string().describe("account or entry point name"),
    subject_id: z.string(),
    source: z.string().describe("connection type (entra, okta, ssh, ...)"),
    connection: z.string(),
    mfa_state: z.string().describe("enforced, bypassable, optional, none, unknown; empty when not judged"),
    mfa_strength: z.string(),
    mfa_via: z.string().describe("systems a delegated sign-in passed through, joined by ' > '"),
    message: z.string(),
    first_seen: z.string(),
    last_seen: z.string(),
    due: z.string().describe("SLA due date (ISO); empty for a scan (no queue) or when none applies"),
    overdue: z.enum(["yes", "no"]),
    resolved_at: z.string(),
    exception: z.string().describe("reason, approver and expiry of an exception that applies"),
    ticket_system: z.string().describe("ticketing target(s) holding a ticket, joined by ' | '"),
    ticket_id: z.string().describe("their ticket ids, in the same order"),
    evidence: z.string(),
    remediation: z.string(),
  })
  .strict();
export type FindingRecord = z.infer<typeof FindingRecord>;

/** The column names, in order. */
export const recordColumns = Object.keys(FindingRecord.shape) as Array<keyof FindingRecord>;

export interface RecordContext {
  now: Date;
  /** Tenant id → name (from the config or the scan report). */
  tenantNames?: ReadonlyMap<string, string>;
  /** Fingerprint → the tickets the ledger holds for it. */
  tickets?: ReadonlyMap<string, TicketRef[]>;
}

/** Tenant id → name, from a config's or a scan report's tenants. */
export function tenantNamesOf(
  tenants: ReadonlyArray<{ id: string; name: string }> = [],
): ReadonlyMap<string, string> {
  return new Map(tenants.map((t) => [t.id, t.name]));
}

/** What a record is made from: a queue item, or a scan result (no queue state for a pass). */
export type RecordSource =
  | ExportRecord
  | (Omit<ExportRecord, "state" | "status"> & { state: ItemState | null; status: Result["status"] });

/**
 * A scan result as a record source: a finding is `open`, an excepted result `accepted`, a pass has no
 * state; first and last seen are the scan's finish time, and there is no due date (a scan has no queue).
 */
export function scanRecordSource(r: Result, at: string): RecordSource {
  return {
    fingerprint: r.fingerprint,
    tenant: r.tenant,
    policy: r.policy,
    title: r.title,
    severity: r.severity,
    subject: r.subject,
    state: r.status === "pass" ? null : r.status === "excepted" ? "accepted" : "open",
    status: r.status,
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
}

/** A scan report's results as records (passes only with `all`), tenant names from the report. */
export function scanRecords(report: ScanReport, options: { all?: boolean } = {}): FindingRecord[] {
  const at = report.sweep.finishedAt;
  const ctx: RecordContext = {
    now: new Date(at),
    tenantNames: tenantNamesOf(report.tenants),
  };
  return report.results
    .filter((r) => options.all || r.status !== "pass")
    .map((r) => toFindingRecord(scanRecordSource(r, at), ctx));
}

/** Queue items (or export records read from the store) as records, with the tickets the ledger holds. */
export async function storeRecords(
  store: Store,
  items: Array<ExportRecord | QueueItem>,
  ctx: Omit<RecordContext, "tickets">,
): Promise<FindingRecord[]> {
  const tickets = new Map(
    await Promise.all(items.map(async (i) => [i.fingerprint, await store.tickets(i.fingerprint)] as const)),
  );
  return items.map((i) => toFindingRecord(i, { ...ctx, tickets }));
}

/** A queue item or scan result, flattened. */
export function toFindingRecord(r: RecordSource, ctx: RecordContext): FindingRecord {
  const tickets = ctx.tickets?.get(r.fingerprint) ?? [];
  return {
    fingerprint: r.fingerprint,
    tenant: r.tenant,
    tenant_name: ctx.tenantNames?.get(r.tenant) ?? "",
    state: r.state ?? "",
    status: r.status,
    severity: r.severity,
    policy: r.policy,
    policy_title: r.title,
    subject_kind: r.subject.kind,
    subject: r.subject.name,
    subject_id: r.subject.id,
    source: r.subject.source,
    connection: r.subject.connection,
    mfa_state: r.mfa?.state ?? "",
    mfa_strength: r.mfa?.strength ?? "",
    mfa_via: r.mfa?.via?.join(" > ") ?? "",
    message: r.message,
    first_seen: r.firstSeen,
    last_seen: r.lastSeen,
    due: r.dueAt ?? "",
    overdue: r.state !== null && isOverdue({ ...r, state: r.state }, ctx.now) ? "yes" : "no",
    resolved_at: r.resolvedAt ?? "",
    exception: r.exception
      ? `${r.exception.reason} (by ${r.exception.approvedBy}, until ${r.exception.expires})`
      : "",
    ticket_system: tickets.map((t) => t.system).join(" | "),
    ticket_id: tickets.map((t) => t.ticketId).join(" | "),
    evidence: evidenceSummary(r),
    remediation: r.remediation,
  };
}

/** The evidence of a record in one line, for CSV cells and ticket summaries. */
export function evidenceSummary(record: Pick<ExportRecord, "evidence">): string {
  return record.evidence.map(describeEvidence).join(" | ");
}

/**
 * CSV of records: RFC 4180 quoting, every cell through `forCsvCell` (formula injection defused). `bom`
 * starts it with a UTF-8 byte order mark, which Excel needs to read UTF-8.
 */
export function findingRecordsCsv(records: FindingRecord[], options: { bom?: boolean } = {}): string {
  const lines = [
    recordColumns.join(","),
    ...records.map((r) => recordColumns.map((c) => forCsvCell(r[c])).join(",")),
  ];
  return `${options.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}

/** A JSON document: `{ schemaVersion, exportedAt, items }`, the items being records. */
export function findingRecordsJson(records: FindingRecord[], now: Date): string {
  return `${JSON.stringify({ schemaVersion: 2, exportedAt: now.toISOString(), items: records }, null, 2)}\n`;
}

/** One record per line (newline-delimited JSON), for log pipelines. */
export function findingRecordsNdjson(records: FindingRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** The record as JSON Schema (`mfasweep schema record`). */
export function recordJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "mfasweep finding record",
    ...z.toJSONSchema(FindingRecord),
  };
}
