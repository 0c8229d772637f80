import type Database from "better-sqlite3";
import { fingerprint } from "../../../src/evaluate/fingerprint.js";
import type { Coverage, Result, Severity, Subject } from "../../../src/model/index.js";
import type { ItemException, ItemState, QueueItem } from "../../../src/queue/model.js";

/** Small builders for queue tests: one tenant, Google-shaped subjects, only what a case is about spelled out. */

export const tenant = "acme";
export const policy = "google-user-2sv-enforced";
export const now = new Date("2026-11-24T12:00:00.000Z");
export const lastWeek = "2026-11-17T12:00:00.000Z";

export function subject(id: string, connection = "google"): Subject {
  return { kind: "account", id, name: `${id}@acme.example`, source: "google-workspace", connection };
}

export function fp(id: string, connection = "google", tenantId = tenant): string {
  return fingerprint(tenantId, policy, subject(id, connection));
}

export function result(
  id: string,
  status: Result["status"],
  fields: Partial<Result> & { connection?: string } = {},
): Result {
  const { connection, ...rest } = fields;
  const s = rest.subject ?? subject(id, connection);
  return {
    fingerprint: fingerprint(rest.tenant ?? tenant, policy, s),
    policy,
    title: "Every active Google Workspace account has 2-Step Verification enforced and enrolled",
    severity: "high",
    status,
    tenant,
    subject: s,
    mfa: { state: status === "pass" ? "enforced" : "none", strength: null },
    message: `${s.name}: 2-Step Verification is ${status === "pass" ? "enforced" : "not enforced"}`,
    evidence: [
      {
        source: "google-workspace",
        connection: s.connection,
        endpoint: "GET admin/directory/v1/users",
        objectId: id,
        field: "isEnforcedIn2Sv",
        value: status === "pass",
      },
    ],
    remediation: "Turn on 2SV enforcement for the user's OU.",
    ...rest,
  };
}

export const configException = { reason: "kiosk", approvedBy: "sec@msp.example", expires: "2027-01-31" };

export function item(
  id: string,
  state: ItemState,
  fields: Partial<QueueItem> & { connection?: string; severity?: Severity } = {},
): QueueItem {
  const { connection, ...rest } = fields;
  const s = rest.subject ?? subject(id, connection);
  const open = state === "open" || state === "ticketed" || state === "reopened";
  const exception: ItemException | null =
    state === "accepted" ? { ...configException, source: "config" } : null;
  return {
    fingerprint: fingerprint(rest.tenant ?? tenant, policy, s),
    tenant,
    policy,
    title: "Every active Google Workspace account has 2-Step Verification enforced and enrolled",
    severity: "high",
    subject: s,
    state,
    status: state === "accepted" ? "excepted" : "fail",
    message: `${s.name}: 2-Step Verification is not enforced`,
    mfa: { state: "none", strength: null },
    evidence: [],
    remediation: "Turn on 2SV enforcement for the user's OU.",
    details: null,
    dependsOn: s.connection === "-" ? [] : [s.connection],
    exception,
    firstSeen: lastWeek,
    lastSeen: lastWeek,
    openedAt: lastWeek,
    resolvedAt: state === "resolved" ? lastWeek : null,
    dueAt: open ? "2026-11-24T12:00:00.000Z" : null,
    regressionCount: 0,
    lastSweep: "sweep-0",
    updatedAt: lastWeek,
    ...rest,
  };
}

export function coverage(connection: string, status: Coverage["status"], tenantId = tenant): Coverage {
  return {
    tenant: tenantId,
    connection,
    source: "google-workspace",
    status,
    ...(status === "complete"
      ? {}
      : { reason: status === "failed" ? "GET users: credentials refused (HTTP 401)" : "1 part(s) not read" }),
    gaps: status === "partial" ? [{ what: "users after page 1", reason: "HTTP 500" }] : [],
    notes: [],
    counts: { accounts: 3, skipped: 0, requests: 5, retries: 0 },
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
  };
}

/** Writes an item as a store of schema version 1 or 2 did (no `depends_on`): for tests of later migrations. */
export function insertOldItem(db: Database.Database, i: QueueItem): void {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  db.prepare(
    `INSERT INTO items (fingerprint, tenant, policy, title, severity, subject, connection, state, status, message,
      mfa, evidence, remediation, details, exception, first_seen, last_seen, opened_at, resolved_at, due_at,
      regression_count, last_sweep, updated_at) VALUES (${Array(23).fill("?").join(", ")})`,
  ).run(
    i.fingerprint,
    i.tenant,
    i.policy,
    i.title,
    i.severity,
    json(i.subject),
    i.subject.connection,
    i.state,
    i.status,
    i.message,
    json(i.mfa),
    json(i.evidence),
    i.remediation,
    json(i.details),
    json(i.exception),
    i.firstSeen,
    i.lastSeen,
    i.openedAt,
    i.resolvedAt,
    i.dueAt,
    i.regressionCount,
    i.lastSweep,
    i.updatedAt,
  );
}
