import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { render } from "../../../src/export/index.js";
import { recordsFromStore } from "../../../src/export/items.js";
import { recordsToOcsf } from "../../../src/export/ocsf.js";
import type { SqliteStore } from "../../../src/queue/sqlite.js";
import { at, finding, freshStore, sweepQueue, t0 } from "./ticketing/helpers.js";

/**
 * OCSF Compliance Finding (class_uid 2003), checked against what the ocsf-schema repository declares:
 * required attributes of events/base_event.json (activity_id, category_uid, class_uid, type_uid,
 * severity_id, time, metadata), events/findings/finding.json (finding_info) and
 * events/findings/compliance_finding.json (compliance); objects/metadata.json (product, version required),
 * objects/product.json (name), objects/finding_info.json (uid; title required in 1.1), objects/compliance.json
 * (standards required; status_id 1 Pass, 2 Warning, 3 Fail); the enums of activity_id (finding: 1 Create,
 * 2 Update, 3 Close), severity_id (0–6, 99), finding status_id (1 New … 4 Resolved, 99); type_uid =
 * class_uid × 100 + activity_id; and every top-level attribute must be one the class defines.
 */

const timestamp = z.number().int().positive();
const severityCaptions: Record<number, string> = {
  0: "Unknown",
  1: "Informational",
  2: "Low",
  3: "Medium",
  4: "High",
  5: "Critical",
  6: "Fatal",
  99: "Other",
};
const activityCaptions: Record<number, string> = {
  0: "Unknown",
  1: "Create",
  2: "Update",
  3: "Close",
  99: "Other",
};
const statusCaptions: Record<number, string> = {
  0: "Unknown",
  1: "New",
  2: "In Progress",
  3: "Suppressed",
  4: "Resolved",
  99: "Other",
};
const complianceCaptions: Record<number, string> = { 1: "Pass", 2: "Warning", 3: "Fail" };
const oneOf = (captions: Record<number, string>) =>
  z
    .number()
    .int()
    .refine((n) => n in captions, { message: "not in the enum" });

const classAttributes = new Set([
  // base_event.json
  "activity_id",
  "activity_name",
  "category_name",
  "category_uid",
  "class_name",
  "class_uid",
  "count",
  "duration",
  "end_time",
  "enrichments",
  "message",
  "metadata",
  "observables",
  "raw_data",
  "raw_data_hash",
  "raw_data_size",
  "severity",
  "severity_id",
  "start_time",
  "status",
  "status_code",
  "status_detail",
  "status_id",
  "time",
  "timezone_offset",
  "type_name",
  "type_uid",
  "unmapped",
  // finding.json
  "comment",
  "confidence",
  "confidence_id",
  "confidence_score",
  "device",
  "finding_info",
  "notes",
  "resources",
  "risk_details",
  "risk_level",
  "risk_level_id",
  "risk_score",
  "vendor_attributes",
  // compliance_finding.json
  "compliance",
  "evidences",
  "remediation",
  "resource",
]);

const ComplianceFinding = z
  .object({
    activity_id: oneOf(activityCaptions),
    activity_name: z.string().optional(),
    category_uid: z.literal(2),
    category_name: z.literal("Findings").optional(),
    class_uid: z.literal(2003),
    class_name: z.literal("Compliance Finding").optional(),
    type_uid: z.number().int(),
    severity_id: oneOf(severityCaptions),
    severity: z.string().optional(),
    status_id: oneOf(statusCaptions).optional(),
    status: z.string().optional(),
    time: timestamp,
    message: z.string().optional(),
    metadata: z.object({
      version: z.string().regex(/^\d+\.\d+\.\d+/),
      product: z.object({ name: z.string().min(1), vendor_name: z.string().min(1) }),
    }),
    finding_info: z.object({
      uid: z.string().min(1),
      title: z.string().min(1),
      created_time: timestamp.optional(),
      first_seen_time: timestamp.optional(),
      last_seen_time: timestamp.optional(),
    }),
    compliance: z.object({
      standards: z.array(z.string().min(1)).min(1),
      status_id: oneOf(complianceCaptions).optional(),
      status: z.string().optional(),
      control: z.string().optional(),
    }),
    remediation: z.object({ desc: z.string() }).optional(),
    resources: z
      .array(
        z.object({ uid: z.string().optional(), name: z.string().optional(), type: z.string().optional() }),
      )
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type_uid !== e.class_uid * 100 + e.activity_id)
      ctx.addIssue({
        code: "custom",
        path: ["type_uid"],
        message: "type_uid must be class_uid * 100 + activity_id",
      });
    if (e.activity_name !== undefined && e.activity_name !== activityCaptions[e.activity_id])
      ctx.addIssue({ code: "custom", path: ["activity_name"], message: "caption of activity_id" });
    if (e.severity !== undefined && e.severity !== severityCaptions[e.severity_id])
      ctx.addIssue({ code: "custom", path: ["severity"], message: "caption of severity_id" });
    if (e.status_id !== undefined && e.status !== statusCaptions[e.status_id])
      ctx.addIssue({ code: "custom", path: ["status"], message: "caption of status_id" });
    if (
      e.compliance.status_id !== undefined &&
      e.compliance.status !== complianceCaptions[e.compliance.status_id]
    )
      ctx.addIssue({
        code: "custom",
        path: ["compliance", "status"],
        message: "caption of compliance.status_id",
      });
  });

let store: SqliteStore;
beforeEach(async () => {
  store = await freshStore();
});
afterEach(() => store.close());

describe("OCSF Compliance Finding export", () => {
  it("every item, in every state, is a valid class 2003 event with the class's attributes only", async () => {
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice", severity: "critical" },
      { tenant: "acme", user: "bob", status: "unknown", severity: "medium" },
      { tenant: "acme", user: "carol", severity: "low" },
      { tenant: "beta", user: "dave", severity: "info" },
      { tenant: "beta", user: "erin" },
    ]);
    await store.accept(
      finding({ tenant: "acme", user: "carol" }).fingerprint,
      { reason: "kiosk", approvedBy: "ciso", expires: "2027-01-31" },
      t0,
      { maxExceptionDays: 180 },
    );
    await store.recordTicket(
      finding({ tenant: "beta", user: "erin" }).fingerprint,
      { system: "psa", ticketId: "1" },
      "t",
      t0,
    );
    await sweepQueue(store, at(7), [
      { tenant: "acme", user: "alice", severity: "critical" },
      { tenant: "acme", user: "bob", status: "unknown", severity: "medium" },
      { tenant: "acme", user: "carol", severity: "low" },
      { tenant: "beta", user: "erin" },
    ]);
    const records = await recordsFromStore(store, {
      states: ["open", "ticketed", "accepted", "resolved", "reopened"],
    });
    const events = JSON.parse(recordsToOcsf(records, at(7))) as unknown[];
    expect(events).toHaveLength(5);
    for (const event of events) {
      const parsed = ComplianceFinding.safeParse(event);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      for (const key of Object.keys(event as object)) expect(classAttributes.has(key), key).toBe(true);
    }
    const byUser = (user: string) =>
      events.find((e) =>
        (e as { finding_info: { title: string } }).finding_info.title.endsWith(`${user}@corp.example`),
      ) as {
        activity_id: number;
        status_id: number;
        severity_id: number;
        compliance: { status_id: number; standards: string[] };
        unmapped: { tenant: string };
      };
    expect(byUser("alice")).toMatchObject({ severity_id: 5, status_id: 1, compliance: { status_id: 3 } });
    expect(byUser("bob")).toMatchObject({ severity_id: 3, compliance: { status_id: 2 } });
    expect(byUser("carol")).toMatchObject({ status_id: 3, activity_id: 2, compliance: { status_id: 3 } });
    expect(byUser("dave")).toMatchObject({
      severity_id: 1,
      status_id: 4,
      activity_id: 3,
      compliance: { status_id: 1 },
    });
    expect(byUser("erin")).toMatchObject({ status_id: 2, unmapped: { tenant: "beta" } });
    expect(byUser("alice").compliance.standards).toContain(
      "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
    );
  });

  it("scan and demo output: --format ocsf gives the same events for a report's findings, passes left out", () => {
    const pass = { ...finding({ tenant: "acme", user: "ok" }), status: "pass" as const };
    const text = render(
      {
        schemaVersion: 1,
        tool: { name: "mfasweep", version: "0" },
        sweep: { id: "s", kind: "scan", startedAt: t0.toISOString(), finishedAt: t0.toISOString() },
        tenants: [{ id: "acme", name: "Acme", role: "customer" }],
        coverage: [],
        summary: {
          accounts: 2,
          results: 2,
          fail: 1,
          unknown: 0,
          excepted: 0,
          pass: 1,
          failingBySeverity: { high: 1 },
          incompleteConnections: 0,
        },
        results: [finding({ tenant: "acme", user: "alice" }), pass],
      },
      "ocsf",
      { color: false, width: 80, all: true },
    );
    const events = JSON.parse(text) as unknown[];
    expect(events).toHaveLength(1);
    expect(ComplianceFinding.safeParse(events[0]).success).toBe(true);
  });
});
