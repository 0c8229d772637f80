import { ConfigError } from "../errors.js";
import { type Severity, severityRank } from "../model/index.js";
import type { ItemState, QueueItem } from "../queue/model.js";
import type { ItemFilter, Store } from "../queue/store.js";
import { ScanReport } from "../report.js";
import { type ExportRecord, scanRecordSource } from "./record.js";

/**
 * What `mfasweep export` writes: one record per non-compliant account or entry point, read from the
 * remediation queue or from one scan's JSON report. Both become the same `ExportRecord`; CSV, NDJSON and
 * JSON write it as the flat finding record (record.ts), OCSF as Compliance Findings.
 */

export type { ExportRecord };

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

/** A scan report (the DESIGN.md §5 JSON) read from `file`, validated; a ConfigError names what is wrong. */
export function parseScanReport(raw: unknown, file = "report"): ScanReport {
  const parsed = ScanReport.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    `${file} is not an mfasweep scan report (${issue?.path.join(".") || "top level"}: ${issue?.message ?? "invalid"})`,
  );
}

/**
 * A scan report (the DESIGN.md §5 JSON, validated) as export records: findings are `open`, excepted results
 * `accepted`, passes are left out; first and last seen are the scan's finish time, and there is no due date
 * (a scan has no queue, so no SLA clock).
 */
export function recordsFromScan(raw: unknown, filter: ExportFilter = {}, file = "report"): ExportRecord[] {
  const report = parseScanReport(raw, file);
  const at = report.sweep.finishedAt;
  const records = report.results
    .map((r) => scanRecordSource(r, at))
    .filter((r): r is ExportRecord => r.state !== null);
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
