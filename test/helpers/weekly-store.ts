import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  assignAdminRoles,
  type GoogleTenantSeed,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import { parseConfig } from "../../src/composition.js";
import { isOverdue } from "../../src/queue/lifecycle.js";
import { isOpenState, type QueueItem } from "../../src/queue/model.js";
import { openSqliteStore, type SqliteStore } from "../../src/queue/sqlite.js";
import type { Store } from "../../src/queue/store.js";
import { sweep } from "../../src/sweep.js";

/**
 * A queue with a history, built the way a real one is: the Google Workspace provider against its
 * emulator, `sweep()` into a real SQLite file, three weekly sweeps with fixes, regressions, acceptances and
 * a revoked token in between. Used by the weekly report's rendering tests and its browser test.
 *
 * Week by week (acme):
 * - t0: alice, boss (an administrator), carol, dave, gina fail; kiosk is excepted in the config; ok passes.
 * - before t1: alice is fixed; carol is accepted in the queue until 2026-11-12.
 * - t1: alice resolved. After t1, gina is accepted until 2026-11-18.
 * - before t2: alice breaks again, dave is fixed, frank joins without 2SV.
 * - t2: alice regressed, carol reopened (her exception expired), dave resolved, frank new.
 * - report time (2026-11-20): gina's exception has expired but no sweep has re-checked her yet.
 * beta: erin fails from t0; at t2 beta's token is revoked, so nothing of beta is read or resolved.
 * evil: every string it controls is hostile (tenant name, account names, an acceptance's reason).
 */

export const t0 = new Date("2026-11-03T06:00:00.000Z");
export const t1 = new Date("2026-11-10T06:00:00.000Z");
export const t2 = new Date("2026-11-17T06:00:00.000Z");
export const reportTime = new Date("2026-11-20T09:00:00.000Z");

export const hostile = {
  tenantName: `Evil <script>window.__pwned=1</script> "Corp" 'x'`,
  users: [
    "<script>window.__pwned=1</script>@evil.example",
    '"><img src=x onerror="window.__pwned=1">@evil.example',
    `o'brien"quoted" \`tick\`@evil.example`,
    `${"verylongname".repeat(30)}@evil.example`,
  ],
  reason: '</script><script>window.__pwned=1</script> "approved"',
  approvedBy: '<b onmouseover="window.__pwned=1">boss</b>',
};

const tokens = {
  ACME_TOKEN: "ya29.acme-weekly-token",
  BETA_TOKEN: "ya29.beta-weekly-token",
  EVIL_TOKEN: "ya29.evil-weekly-token",
};

function configText(url: string, extraTenant = ""): string {
  const connection = (token: string) => `    connections:
      - type: google-workspace
        id: google
        endpoint: ${url}
        auth: { method: access-token, token: env:${token} }
`;
  return `tenants:
  - id: acme
    name: Acme Dental
${connection("ACME_TOKEN")}  - id: beta
    name: Beta Legal
${connection("BETA_TOKEN")}  - id: evil
    name: ${JSON.stringify(hostile.tenantName)}
${connection("EVIL_TOKEN")}${extraTenant}exceptions:
  - match: { tenant: acme, policy: google-user-2sv-enforced, subject: kiosk@acme.example, connection: google }
    reason: Shared kiosk, sign-in limited by Context-Aware Access
    approvedBy: security@msp.example
    expires: 2027-01-31
  - match: { tenant: beta, policy: "*", subject: old.scanner@beta.example, connection: google }
    reason: Scanner account, replaced in October
    approvedBy: security@msp.example
    expires: 2026-10-31
`;
}

export interface WeeklyFixture {
  dir: string;
  file: string;
  store: SqliteStore;
  /** The config the sweeps ran with, plus a tenant that was never swept (for `config`). */
  config: ReturnType<typeof parseConfig>["config"];
  sweeps: string[];
}

function user(seed: GoogleTenantSeed, email: string) {
  const u = seed.users.find((x) => x.primaryEmail === email);
  if (!u) throw new Error(`no seed user ${email}`);
  return u;
}

export async function buildWeeklyStore(): Promise<WeeklyFixture> {
  const acme = assignAdminRoles(
    seedTenant("acme.example", tokens.ACME_TOKEN, ({ root }) => ({
      policies: twoStepPolicies(root, {
        allowEnrollment: true,
        enforcedFrom: "2025-01-01T00:00:00Z",
        factorSet: "ALL",
      }),
      users: [
        seedUser("alice@acme.example"),
        seedUser("boss@acme.example", { isAdmin: true }),
        seedUser("carol@acme.example"),
        seedUser("dave@acme.example"),
        seedUser("gina@acme.example"),
        seedUser("kiosk@acme.example"),
        seedUser("ok@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
      ],
    })),
  );
  const beta = seedTenant("beta.example", tokens.BETA_TOKEN, ({ root }) => ({
    policies: twoStepPolicies(root, {
      allowEnrollment: true,
      enforcedFrom: "2025-01-01T00:00:00Z",
      factorSet: "ALL",
    }),
    users: [seedUser("erin@beta.example")],
  }));
  const evil = seedTenant("evil.example", tokens.EVIL_TOKEN, ({ root }) => ({
    policies: twoStepPolicies(root, {
      allowEnrollment: true,
      enforcedFrom: "2025-01-01T00:00:00Z",
      factorSet: "ALL",
    }),
    users: hostile.users.map((email) => seedUser(email)),
  }));
  const emulator = await startGoogleEmulator({ tenants: [acme, beta, evil] });
  const dir = mkdtempSync(join(tmpdir(), "mfasweep-weekly-"));
  const file = join(dir, "queue.db");
  const store = await openSqliteStore(file, { create: true });
  const sweeps: string[] = [];
  try {
    const run = async (now: Date, env: Record<string, string> = {}) => {
      const { config } = parseConfig(configText(emulator.url), "mfasweep.yaml", now);
      const outcome = await sweep(config, {
        store,
        now,
        env: { ...tokens, ...env },
        enforceQuotas: false,
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
        sleep: async () => {},
      });
      sweeps.push(outcome.summary.sweep.id);
    };
    const itemOf = async (email: string) => {
      const found = (await store.findItems({ policies: ["google-user-2sv-enforced"] })).find(
        (i) => i.subject.name === email,
      );
      if (!found) throw new Error(`no item for ${email}`);
      return found;
    };
    const day = 86_400_000;

    await run(t0);
    Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true });
    await store.accept(
      (await itemOf("carol@acme.example")).fingerprint,
      { reason: "Leaving on Friday", approvedBy: "lead@msp.example", expires: "2026-11-12" },
      new Date(t0.getTime() + day),
      { maxExceptionDays: 180 },
    );
    await store.accept(
      (await itemOf(hostile.users[0]!)).fingerprint,
      { reason: hostile.reason, approvedBy: hostile.approvedBy, expires: "2026-12-31" },
      new Date(t0.getTime() + day),
      { maxExceptionDays: 180 },
    );

    await run(t1);
    await store.accept(
      (await itemOf("gina@acme.example")).fingerprint,
      { reason: "Parental leave, account disabled", approvedBy: "lead@msp.example", expires: "2026-11-18" },
      new Date(t1.getTime() + day),
      { maxExceptionDays: 180 },
    );
    Object.assign(user(acme, "alice@acme.example"), { isEnrolledIn2Sv: false, isEnforcedIn2Sv: false });
    Object.assign(user(acme, "dave@acme.example"), { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true });
    acme.users.push(seedUser("frank@acme.example"));

    await run(t2, { BETA_TOKEN: "ya29.revoked" });
  } finally {
    await emulator.close();
  }
  const { config } = parseConfig(
    configText(
      "http://127.0.0.1:9",
      `  - id: gamma
    name: Gamma Clinic
    connections:
      - type: google-workspace
        id: google
        endpoint: http://127.0.0.1:9
        auth: { method: access-token, token: env:GAMMA_TOKEN }
`,
    ),
    "mfasweep.yaml",
    reportTime,
  );
  return { dir, file, store, config, sweeps };
}

// ---------------------------------------------------------------------------------------------------
// The figures, computed again here from the store's plain reads (items, per-item history, reconciles),
// without the report's code, so a test can check the report against them.

export interface ExpectedTenant {
  new: number;
  regressed: number;
  reopened: number;
  resolved: number;
  stillOpen: number;
  open: number;
  overdue: number;
  accepted: number;
  expired: number;
  trend: number[];
}

export async function expectedFigures(
  store: Store,
  now: Date,
  since: "last-sweep" | Date = "last-sweep",
): Promise<Map<string, ExpectedTenant>> {
  const items = await store.findItems();
  const sweeps = (await store.listSweeps({ limit: 1000 })).reverse(); // oldest first
  const reconciles = new Map<string, Array<{ sweep: string; at: string; open: number }>>();
  for (const s of sweeps)
    for (const t of await store.sweepTenants(s.id))
      reconciles.set(t.tenant, [
        ...(reconciles.get(t.tenant) ?? []),
        { sweep: s.id, at: t.reconciledAt, open: t.diff.open },
      ]);
  const tenants = new Set([...items.map((i) => i.tenant), ...reconciles.keys()]);
  const out = new Map<string, ExpectedTenant>();
  for (const tenant of tenants) {
    const list = reconciles.get(tenant) ?? [];
    // The period starts after the tenant's second-to-last sweep (everything if it had only one).
    const from =
      since === "last-sweep"
        ? list.length >= 2
          ? Date.parse(list[list.length - 2]!.at) + 1
          : -Infinity
        : since.getTime();
    const e: ExpectedTenant = {
      new: 0,
      regressed: 0,
      reopened: 0,
      resolved: 0,
      stillOpen: 0,
      open: 0,
      overdue: 0,
      accepted: 0,
      expired: 0,
      trend: list.slice(-8).map((r) => r.open),
    };
    for (const item of items.filter((i: QueueItem) => i.tenant === tenant)) {
      const history = (await store.history(item.fingerprint)).filter((h) => Date.parse(h.at) >= from);
      if (item.state === "resolved") {
        if (history.some((h) => h.to === "resolved")) e.resolved++;
      } else if (item.state === "accepted") {
        const expired =
          item.exception !== null && Date.parse(`${item.exception.expires}T23:59:59.999Z`) < now.getTime();
        if (expired) e.expired++;
        else e.accepted++;
      } else if (isOpenState(item.state)) {
        e.open++;
        if (isOverdue(item, now)) e.overdue++;
        if (history.some((h) => h.from === null)) e.new++;
        else if (history.some((h) => h.from === "resolved")) e.regressed++;
        else if (history.some((h) => h.to === "reopened")) e.reopened++;
        else e.stillOpen++;
      }
    }
    out.set(tenant, e);
  }
  return out;
}
