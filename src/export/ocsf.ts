import { policies } from "../../policies/index.js";
import type { Severity } from "../model/index.js";
import type { ItemState } from "../queue/model.js";
import { version as toolVersion } from "../report.js";
import type { ExportRecord } from "./items.js";
import { evidenceSummary } from "./record.js";

/**
 * Export records as OCSF **Compliance Finding** events (class_uid 2003 in the Findings category, uid 2),
 * the class Prowler and AWS Security Hub exchange. Attribute names, requirements and enum values follow the
 * ocsf-schema repository (events/base_event.json, events/findings/finding.json,
 * events/findings/compliance_finding.json, objects/compliance.json, finding_info.json, metadata.json,
 * product.json, remediation.json); the schema version written is 1.1.0. What OCSF has no attribute for
 * (tenant, queue state, MFA state, evidence) goes into `unmapped`, as the schema asks.
 */

export const ocsfSchemaVersion = "1.1.0";
export const ocsfCategoryUid = 2;
export const ocsfClassUid = 2003;

/** base_event severity_id captions. */
const severityIds: Record<Severity, [number, string]> = {
  info: [1, "Informational"],
  low: [2, "Low"],
  medium: [3, "Medium"],
  high: [4, "High"],
  critical: [5, "Critical"],
};

/** finding.json activity_id: a resolved item is a closed finding, one never ticketed yet a new one. */
function activityOf(state: ItemState): [number, string] {
  if (state === "resolved") return [3, "Close"];
  if (state === "open") return [1, "Create"];
  return [2, "Update"];
}

/** finding.json status_id: the triage workflow (New, In Progress, Suppressed, Resolved). */
function findingStatusOf(state: ItemState): [number, string] {
  switch (state) {
    case "open":
    case "reopened":
      return [1, "New"];
    case "ticketed":
      return [2, "In Progress"];
    case "accepted":
      return [3, "Suppressed"];
    case "resolved":
      return [4, "Resolved"];
  }
}

/**
 * compliance.json status_id: Pass (resolved), Warning ("did not yield a result due to missing information":
 * our `unknown`), Fail (failing, also while an exception accepts the risk).
 */
function complianceStatusOf(record: ExportRecord): [number, string] {
  if (record.state === "resolved") return [1, "Pass"];
  if (record.status === "unknown") return [2, "Warning"];
  return [3, "Fail"];
}

const ms = (iso: string) => Date.parse(iso);

export type OcsfComplianceFinding = ReturnType<typeof toOcsfFinding>;

export function toOcsfFinding(record: ExportRecord, now: Date) {
  const policy = policies.find((p) => p.meta.id === record.policy)?.meta;
  const [activityId, activityName] = activityOf(record.state);
  const [severityId, severity] = severityIds[record.severity];
  const [statusId, status] = findingStatusOf(record.state);
  const [complianceId, complianceStatus] = complianceStatusOf(record);
  const standards = policy?.references.map((r) => r.title) ?? [];
  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: ocsfCategoryUid,
    category_name: "Findings",
    class_uid: ocsfClassUid,
    class_name: "Compliance Finding",
    type_uid: ocsfClassUid * 100 + activityId,
    type_name: `Compliance Finding: ${activityName}`,
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    time: ms(record.lastSeen),
    message: record.message,
    metadata: {
      version: ocsfSchemaVersion,
      product: { name: "mfasweep", vendor_name: "mfasweep", uid: "mfasweep", version: toolVersion },
      event_code: record.policy,
      logged_time: now.getTime(),
    },
    finding_info: {
      uid: record.fingerprint,
      title: `${record.title}: ${record.subject.name}`,
      desc: record.message,
      created_time: ms(record.firstSeen),
      first_seen_time: ms(record.firstSeen),
      last_seen_time: ms(record.lastSeen),
      types: ["MFA"],
    },
    compliance: {
      // `standards` is required: the advisories and baselines the policy cites, else the catalog itself.
      standards: standards.length > 0 ? standards : ["mfasweep policy catalog"],
      control: record.policy,
      status_id: complianceId,
      status: complianceStatus,
      status_detail: record.message,
    },
    remediation: { desc: record.remediation },
    resources: [
      {
        uid: record.subject.id,
        name: record.subject.name,
        type: record.subject.kind,
        data: { source: record.subject.source, connection: record.subject.connection },
      },
    ],
    unmapped: {
      tenant: record.tenant,
      queue_state: record.state,
      result_status: record.status,
      mfa: record.mfa,
      due_at: record.dueAt,
      exception: record.exception,
      evidence: evidenceSummary(record),
      references: policy?.references.map((r) => r.url) ?? [],
    },
  };
}

/** A JSON array of Compliance Finding events (the shape Prowler writes for its OCSF output). */
export function recordsToOcsf(records: ExportRecord[], now = new Date()): string {
  return `${JSON.stringify(
    records.map((r) => toOcsfFinding(r, now)),
    null,
    2,
  )}\n`;
}
