import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RetryPolicy } from "../../../../src/collect/retry.js";
import type { Config } from "../../../../src/config/load.js";
import { fingerprint } from "../../../../src/evaluate/fingerprint.js";
import { type SyncOptions, syncTickets, TicketingConfig } from "../../../../src/export/ticketing/index.js";
import type { Coverage, Result, Severity } from "../../../../src/model/index.js";
import { defaultSla } from "../../../../src/queue/model.js";
import { openSqliteStore, type SqliteStore } from "../../../../src/queue/sqlite.js";
import type { Store } from "../../../../src/queue/store.js";

/**
 * Queue data for ticketing tests, written through the store's own API (beginSweep → reconcileTenant →
 * finishSweep) the way `sweep()` writes it, with Google-shaped subjects. Two tenants share user names on
 * purpose: only the tenant separates their fingerprints and tickets.
 */

export const policy = "google-user-2sv-enforced";
export const policyTitle =
  "Every active Google Workspace account has 2-Step Verification enforced and enrolled";
export const t0 = new Date("2026-11-24T06:00:00.000Z");
export const day = 86_400_000;
export const at = (days: number) => new Date(t0.getTime() + days * day);
export const noRetry: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
export const fastRetry: RetryPolicy = { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 60_000 };

export const tenants: Config["tenants"] = [
  { id: "acme", name: "Acme Corp", role: "customer", profile: "standard", connections: [] },
  { id: "beta", name: "Beta Dental", role: "customer", profile: "standard", connections: [] },
  { id: "gamma", name: "Gamma Legal", role: "customer", profile: "standard", connections: [] },
];

export interface FindingSpec {
  tenant: string;
  user: string;
  severity?: Severity;
  status?: "fail" | "unknown";
  message?: string;
  policy?: string;
  title?: string;
}

export function finding(spec: FindingSpec): Result {
  const subject = {
    kind: "account" as const,
    id: `id-${spec.user}`,
    name: `${spec.user}@corp.example`,
    source: "google-workspace",
    connection: "google",
  };
  const p = spec.policy ?? policy;
  const status = spec.status ?? "fail";
  return {
    fingerprint: fingerprint(spec.tenant, p, subject),
    policy: p,
    title: spec.title ?? policyTitle,
    severity: spec.severity ?? "high",
    status,
    tenant: spec.tenant,
    subject,
    mfa: { state: status === "unknown" ? "unknown" : "none", strength: null },
    message: spec.message ?? `${subject.name}: 2-Step Verification is not enforced`,
    evidence: [
      {
        source: "google-workspace",
        connection: "google",
        endpoint: "GET admin/directory/v1/users",
        objectId: subject.id,
        field: "isEnforcedIn2Sv",
        value: false,
      },
    ],
    remediation: "Turn on 2SV enforcement for the user's organizational unit.",
  };
}

function coverage(tenant: string, now: Date): Coverage {
  return {
    tenant,
    connection: "google",
    source: "google-workspace",
    status: "complete",
    gaps: [],
    notes: [],
    counts: { accounts: 5, skipped: 0, requests: 3, retries: 0 },
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
  };
}

let sweepNo = 0;

/** One sweep: every listed tenant is reconciled with exactly these findings (complete coverage). */
export async function sweepQueue(
  store: Store,
  now: Date,
  findings: FindingSpec[],
  tenantIds: string[] = ["acme", "beta", "gamma"],
): Promise<void> {
  const id = `sweep-${++sweepNo}`;
  await store.beginSweep({ id, kind: "sweep", startedAt: now.toISOString(), tenants: tenantIds });
  for (const tenant of tenantIds) {
    await store.reconcileTenant({
      sweepId: id,
      tenant,
      now,
      sla: defaultSla,
      results: findings.filter((f) => f.tenant === tenant).map(finding),
      coverage: [coverage(tenant, now)],
    });
  }
  await store.finishSweep(id, { status: "finished", finishedAt: now.toISOString() });
}

export async function freshStore(): Promise<SqliteStore> {
  return openSqliteStore(join(mkdtempSync(join(tmpdir(), "mfasweep-tickets-")), "queue.db"), {
    create: true,
  });
}

/** Validates raw `ticketing:` entries exactly as the config loader does. */
export function ticketing(entries: unknown[]): Config["ticketing"] {
  return TicketingConfig.parse(entries);
}

/** Runs the sync with a recording sleep; returns the summary of the single target and the delays. */
export async function sync(
  store: SqliteStore,
  targets: Config["ticketing"],
  options: Partial<SyncOptions> & { env: Record<string, string> },
) {
  const delays: number[] = [];
  const summary = await syncTickets({
    store,
    config: { tenants, ticketing: targets },
    now: options.now ?? t0,
    retry: fastRetry,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  const first = summary.targets[0];
  if (!first) throw new Error("no target in the summary");
  return { ...first, delays };
}
