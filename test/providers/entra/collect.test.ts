import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  allPermissions,
  caPolicy,
  customStrength,
  type EntraTenantSeed,
  freeTenant,
  perUserMfaTenant,
  securityDefaultsTenant,
  seedGroup,
  seedTenant,
  seedUser,
  startEntraEmulator,
  strengthRef,
  tailspinCases,
  tailspinTenant,
} from "../../../providers/entra/emulator.js";
import { EntraSettings } from "../../../providers/entra/settings.js";
import {
  type CollectOptions,
  type ConnectionCollection,
  collectConnection,
} from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";
import { customerAccessGroup } from "../../../src/model/facts/customer-access.js";
import type { AccessPath } from "../../../src/model/index.js";

const token = "eyJ0eXAiOiJKV1QifQ.test-token";
const dir = mkdtempSync(join(tmpdir(), "mfasweep-entra-test-"));
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface RunOptions {
  faults?: FaultRule[];
  settings?: Record<string, unknown>;
  collect?: Partial<CollectOptions>;
  enforceLimits?: boolean;
  clock?: () => number;
  trustEmulator?: boolean;
}

async function run(seed: EntraTenantSeed, options: RunOptions = {}) {
  emulator = await startEntraEmulator({
    tenants: [seed],
    faults: options.faults,
    enforceLimits: options.enforceLimits,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const caBundle = join(dir, `ca-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(caBundle, emulator.certificate ?? "");
  const settings = EntraSettings.parse({
    type: "entra",
    tenantId: seed.tenantId,
    endpoint: emulator.url,
    ...(options.trustEmulator === false ? {} : { caBundle }),
    auth: { method: "access-token", token: "env:TEST_ENTRA_TOKEN" },
    ...options.settings,
  });
  const slept: number[] = [];
  const collection = await collectConnection(
    { id: "t1", name: "Tenant" },
    { id: "entra", type: "entra", settings },
    {
      quotas: new QuotaRegistry(false),
      env: { TEST_ENTRA_TOKEN: token },
      sleep: async (ms) => {
        slept.push(ms);
      },
      now: new Date("2026-11-24T12:00:00Z"),
      ...options.collect,
    },
  );
  return { collection, slept, requests: emulator.requests };
}

/** A JSON batch of the per-user methods fallback (the tenant's fixed reads go out in a batch of their own). */
const methodsBatch = (r: { path: string; body: string }) =>
  r.path === "/v1.0/$batch" && r.body.includes("/authentication/methods");

/** The linked inventory of one collection, and each user's sign-in path by UPN prefix. */
function linked(collection: ConnectionCollection) {
  const [inventory] = mergeCollections(
    { tenants: [{ id: "t1", name: "Tenant", role: "customer", profile: "standard", connections: [] }] },
    [collection],
  ).map((i) => link(i));
  const byName = new Map(inventory!.accounts.map((a) => [a.name.split("@")[0]!.split("_")[0]!, a]));
  const path = (name: string): AccessPath => {
    const account = byName.get(name);
    const p = inventory!.accessPaths.find((x) => x.accounts[0] === account?.id);
    if (!p) throw new Error(`no path for ${name}`);
    return p;
  };
  return { inventory: inventory!, byName, path };
}

describe("entra collect through @microsoft/microsoft-graph-client over HTTPS", () => {
  it("reads the MSP's GDAP groups (customerAccessGroups) with their transitive members, and says which it could not", async () => {
    const agent = seedUser("agent@msp.example");
    const lead = seedUser("lead@msp.example");
    const other = seedUser("other@msp.example");
    const nested = seedGroup("GDAP Leads", [lead.id]);
    const gdap = seedGroup("GDAP Helpdesk Agents", [agent.id, nested.id]);
    const denied = seedGroup("GDAP Escalation", [other.id]);
    const missing = "0000aaaa-0000-4000-8000-000000000000";
    const { collection } = await run(
      seedTenant("msp.example", token, { users: [agent, lead, other], groups: [gdap, nested, denied] }),
      {
        settings: { customerAccessGroups: [gdap.id, missing, denied.id] },
        faults: [
          {
            path: `/v1.0/groups/${denied.id}/transitiveMembers/microsoft.graph.user`,
            fault: {
              kind: "status",
              status: 403,
              body: {
                error: {
                  code: "Authorization_RequestDenied",
                  message: "Insufficient privileges to complete the operation.",
                },
              },
            },
          },
        ],
        collect: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      },
    );
    const facts = collection.inventory.facts.filter((f) => f.kind === customerAccessGroup.name);
    expect(facts.map((f) => f.data)).toEqual([
      { group: gdap.id, name: "GDAP Helpdesk Agents", status: "read", members: [agent.id, lead.id] },
      { group: missing, status: "not-found", reason: expect.stringContaining("HTTP 404"), members: [] },
      {
        group: denied.id,
        status: "unavailable",
        reason: expect.stringContaining("GroupMember.Read.All"),
        members: [],
      },
    ]);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.what)).toContain(`members of group ${denied.id}`);
    // A GDAP group Graph does not find is a gap too (#19 item 2), not an empty group.
    expect(collection.coverage.gaps.map((g) => g.what)).toContain(
      `group ${missing}, named as a group by a policy or an assignment`,
    );
  });

  it("pages /users with $top=999 over absolute https nextLinks, with the bearer token on every page", async () => {
    const users = Array.from({ length: 1203 }, (_, i) =>
      seedUser(`user${String(i).padStart(4, "0")}@big.example`, { accountEnabled: i % 10 !== 0 }),
    );
    const { collection, requests } = await run(seedTenant("big.example", token, { users }));
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(1203);
    expect(collection.inventory.accessPaths).toHaveLength(1203 - 121); // disabled users have no sign-in path
    const pages = requests.filter((r) => r.path === "/v1.0/users");
    expect(pages).toHaveLength(2);
    expect(pages.map((r) => r.query.$top)).toEqual(["999", "999"]);
    expect(pages[0]?.query.$select).toContain("signInActivity");
    expect(pages[1]?.query.$skiptoken).toBeTruthy();
    expect(requests.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(collection.coverage.counts.requests).toBe(requests.length);
    const first = collection.inventory.accounts[1]!;
    expect(first).toMatchObject({
      source: "entra",
      kind: "member",
      status: "active",
      lastSignIn: "2026-11-20T08:15:00Z",
    });
    expect(first.enrollment).toMatchObject({
      enrolled: true,
      methods: [{ method: "microsoftAuthenticatorPush", strength: "app" }],
    });
    // The provider only collects: verdicts wait for the Conditional Access linker.
    expect(collection.inventory.accessPaths[0]?.mfa).toMatchObject({
      state: "unknown",
      reason: "pending Conditional Access evaluation",
    });
  });

  it("resolves every seeded Conditional Access case, with the deciding policy as evidence", async () => {
    const { collection, requests } = await run(tailspinTenant(token), {
      settings: { breakGlassAccounts: ["breakglass@tailspin.example"] },
    });
    expect(collection.coverage.status).toBe("complete");
    const { path, byName } = linked(collection);
    const policyNamed = (p: AccessPath) => p.mfa.evidence.map((e) => e.note ?? "").join(" | ");
    const c = tailspinCases;

    expect(path(c.nestedGroupInclude).mfa.state).toBe("enforced");
    expect(path(c.nestedGroupInclude).mfa.reason).toContain("'CA01 Staff MFA' (group 'Staff')");
    expect(path(c.excludedUser).mfa.state).toBe("optional");
    expect(path(c.excludedUser).mfa.reason).toContain("excluded from 'CA01 Staff MFA' (directly)");
    expect(path(c.excludedGroup).mfa.reason).toContain(
      "excluded from 'CA01 Staff MFA' (group 'MFA exclusions')",
    );
    expect(path(c.reportOnly).mfa).toMatchObject({
      state: "none",
      reason: expect.stringContaining("report-only"),
    });
    expect(policyNamed(path(c.reportOnly))).toContain("CA02 Pilot MFA (report-only)");
    expect(path(c.disabledPolicy).mfa).toMatchObject({
      state: "none",
      reason: expect.stringContaining("state is disabled"),
    });
    // Role targeting is for users "actively assigned" the role (Entra docs, Conditional Access users and
    // groups): an eligible admin covered only by the admins policy signs in as a plain user until activated.
    expect(path(c.eligibleAdmin).mfa).toMatchObject({ state: "optional", strength: null });
    expect(path(c.activeAdmin).mfa.reason).toContain("active role Global Administrator");
    expect(path(c.externalGuest).mfa.state).toBe("enforced");
    expect(path(c.internalGuestExcluded).mfa).toMatchObject({
      state: "none",
      reason: expect.stringContaining("guest type internalGuest"),
    });
    expect(path(c.orCompliantDevice).mfa).toMatchObject({
      state: "bypassable",
      reason: expect.stringContaining("a compliant device satisfies the grant"),
    });
    expect(path(c.riskNarrowed).mfa).toMatchObject({
      state: "bypassable",
      reason: expect.stringContaining("sign-in risk is high or medium"),
    });
    expect(path(c.riskNarrowed).mfa.evidence.some((e) => e.field === "conditions.signInRiskLevels")).toBe(
      true,
    );
    expect(path(c.platformNarrowed).mfa).toMatchObject({
      state: "bypassable",
      reason: expect.stringContaining("applies only on android, iOS"),
    });
    expect(path(c.trustedLocationExcluded).mfa.reason).toContain(
      "sign-ins from 'HQ' (trusted, 203.0.113.0/24) skip it",
    );
    expect(path(c.phishingResistant).mfa).toMatchObject({
      state: "enforced",
      strength: "phishing-resistant",
    });
    expect(path(c.breakGlass).mfa.state).toBe("optional");

    // Accounts carry roles (active and eligible) and registration as collected.
    expect(byName.get(c.eligibleAdmin)?.admin).toEqual({
      isAdmin: true,
      roles: ["Global Administrator (eligible)"],
    });
    expect(byName.get(c.activeAdmin)?.admin.roles).toEqual(["Global Administrator"]);
    expect(byName.get("old.account")?.status).toBe("disabled");
    // Only groups that policies or role assignments name are expanded, transitively.
    const memberCalls = requests.filter((r) => r.path.endsWith("/transitiveMembers/microsoft.graph.user"));
    // Staff (with Sales nested) and MFA exclusions; Sales and the service principal holding a role are
    // never expanded.
    expect(memberCalls).toHaveLength(2);
    expect(requests.filter((r) => r.path.startsWith("/v1.0/groups/")).length).toBe(2 + 2);
  });

  it("security defaults tenant: enforced for the administrator, bypassable for other users; licence gaps are notes, not gaps", async () => {
    const { collection } = await run(securityDefaultsTenant(token));
    expect(collection.coverage.status).toBe("complete");
    expect(
      collection.coverage.notes.some(
        (n) => n.startsWith("no Entra ID P1 in this tenant") && n.includes("Conditional Access policies"),
      ),
    ).toBe(true);
    const { path } = linked(collection);
    expect(path("owner").mfa).toMatchObject({
      state: "enforced",
      reason: expect.stringContaining("security defaults require MFA of administrators at every sign-in"),
    });
    expect(path("clerk").mfa).toMatchObject({
      state: "bypassable",
      reason: expect.stringContaining("only when Entra deems it necessary"),
    });
  });

  it("a custom strength's combinations are read from /policies/authenticationStrengthPolicies and matched to what each user registered", async () => {
    const tapOnly = customStrength("TAP only", ["temporaryAccessPassOneTime", "temporaryAccessPassMultiUse"]);
    const push = seedUser("push@fabrikam.example", { methodsRegistered: ["microsoftAuthenticatorPush"] });
    const pass = seedUser("pass@fabrikam.example", { methodsRegistered: ["temporaryAccessPass"] });
    const policy = caPolicy("Onboarding with a pass", {
      users: { includeUsers: ["All"] },
      grant: { builtInControls: [], authenticationStrength: strengthRef(tapOnly.id as string, [tapOnly]) },
    });
    const { collection } = await run(
      seedTenant("fabrikam.example", token, {
        users: [push, pass],
        policies: [policy],
        customStrengths: [tapOnly],
      }),
    );
    const { path } = linked(collection);
    expect(path("push").mfa).toMatchObject({ state: "enforced", strength: null });
    expect(path("push").mfa.reason).toContain("cannot sign in");
    expect(path("pass").mfa).toMatchObject({ state: "enforced", strength: "weak" });
  });

  it("per-user MFA tenant: reads the beta requirements per user; enforced and enabled enforce", async () => {
    const { collection, requests } = await run(perUserMfaTenant(token), {
      settings: { readPerUserMfa: true, registrationFallback: "authentication-methods" },
    });
    const { path } = linked(collection);
    expect(path("enforced").mfa.state).toBe("enforced");
    // Per-user MFA "enabled" with nothing registered: the next sign-in registers (vocabulary, #18 item 11).
    expect(path("enabled").mfa.state).toBe("bypassable");
    expect(path("enabled").mfa.reason).toContain("whoever signs in first with the password registers");
    expect(path("disabled").mfa.state).toBe("optional"); // Authenticator registered, nothing requires it
    expect(
      requests.filter((r) => r.path.startsWith("/beta/users/")).map((r) => r.path.split("/").pop()),
    ).toEqual(["requirements", "requirements", "requirements"]);
  });

  it("tenant without P1: detects the licence answer and reads each user's methods through $batch, in one coverage line (#18 item 4)", async () => {
    const fallback = await run(freeTenant(token));
    const after = linked(fallback.collection);
    expect(after.byName.get("admin")?.enrollment).toMatchObject({
      enrolled: true,
      methods: [{ method: "microsoftAuthenticatorPush", strength: "app" }],
    });
    expect(after.path("admin").mfa.state).not.toBe("unknown");
    expect(after.path("someone").mfa.state).toBe("none");
    // Two users, one JSON batch: no per-user GET goes out on its own.
    const batches = fallback.requests.filter(methodsBatch);
    expect(batches).toHaveLength(1);
    expect(fallback.requests.filter((r) => r.path.endsWith("/authentication/methods"))).toHaveLength(0);
    // The licence refusals and the fallback's cost: one line, not one raw note per endpoint.
    const notes = fallback.collection.coverage.notes.filter((n) => /P1|premium|licen/i.test(n));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^no Entra ID P1 in this tenant: Graph refused .*registration/);
    expect(notes[0]).toContain("Authentication_RequestFromNonPremiumTenantOrB2CTenant");
    expect(notes[0]).toContain("2 user(s) in 1 $batch request(s) (2 inner, 0 throttled and sent again)");
    await emulator?.close();

    const off = await run(freeTenant(token), { settings: { registrationFallback: "none" } });
    const { path, byName } = linked(off.collection);
    expect(byName.get("someone")?.enrollment.enrolled).toBe("unknown");
    expect(byName.get("someone")?.enrollment.evidence[0]?.note).toContain("registrationFallback is none");
    expect(path("someone").mfa).toMatchObject({
      state: "none",
      reason: expect.stringContaining("no Entra ID P1"),
    });
    expect(off.collection.coverage.notes.find((n) => n.startsWith("no Entra ID P1"))).toContain(
      "no per-user fallback ran",
    );
  });

  it("a token without Policy.Read.All: Conditional Access is a named gap and every verdict unknown", async () => {
    const seed = tailspinTenant(token);
    seed.tokens = [{ token, permissions: allPermissions.filter((p) => p !== "Policy.Read.All") }];
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    const gap = collection.coverage.gaps.find((g) => g.what === "Conditional Access policies");
    expect(gap?.reason).toMatch(/^permission missing: /);
    expect(gap?.reason).toContain("Authorization_RequestDenied");
    expect(gap?.reason).toContain("(missing: Policy.Read.All)");
    const { path } = linked(collection);
    expect(path("alice").mfa.state).toBe("unknown");
    expect(path("alice").mfa.reason).toContain("Conditional Access policies could not be read");
  });

  it("a token without User.Read.All fails the connection, naming the permission", async () => {
    const seed = tailspinTenant(token);
    seed.tokens = [{ token, permissions: allPermissions.filter((p) => p !== "User.Read.All") }];
    const { collection } = await run(seed);
    expect(collection.coverage).toMatchObject({ status: "failed" });
    expect(collection.coverage.reason).toContain("missing: User.Read.All");
  });

  it("PIM names its missing permissions in its own error format; we pass them on", async () => {
    const seed = tailspinTenant(token);
    seed.tokens = [
      { token, permissions: allPermissions.filter((p) => p !== "RoleManagement.Read.Directory") },
    ];
    const { collection } = await run(seed);
    const gap = collection.coverage.gaps.find((g) => g.what === "PIM-eligible directory role assignments");
    expect(gap?.reason).toContain(
      "missing: RoleEligibilitySchedule.Read.Directory, RoleManagement.Read.Directory, RoleManagement.Read.All",
    );
    // Without role assignments, role-targeted inclusion is unknown, never silently "not an admin".
    const { path, byName } = linked(collection);
    expect(byName.get("grace")?.admin.isAdmin).toBe("unknown"); // the report's isAdmin misses eligible roles
    expect(path("grace").mfa.state).toBe("unknown");
  });

  it("without signInActivity (AuditLog.Read.All missing) it retries /users without it and notes why", async () => {
    const seed = tailspinTenant(token);
    seed.tokens = [{ token, permissions: allPermissions.filter((p) => p !== "AuditLog.Read.All") }];
    const { collection, requests } = await run(seed);
    const userCalls = requests.filter((r) => r.path === "/v1.0/users");
    expect(userCalls[0]?.query.$select).toContain("signInActivity");
    expect(userCalls[1]?.query.$select).not.toContain("signInActivity");
    expect(collection.coverage.notes.join(" ")).toContain("last sign-in times not read");
    expect(collection.inventory.accounts.every((a) => a.lastSignIn === null)).toBe(true);
    expect(collection.coverage.gaps.map((g) => g.what)).toEqual(["MFA registration details"]);
  });

  it("Conditional Access 429 without Retry-After backs off from 1 s, doubling", async () => {
    const throttled = {
      kind: "status" as const,
      status: 429,
      body: { error: { code: "TooManyRequests", message: "Too many requests." } },
    };
    const { collection, slept } = await run(tailspinTenant(token), {
      faults: [{ path: "/v1.0/identity/conditionalAccess/policies", times: 2, fault: throttled }],
    });
    expect(collection.coverage.status).toBe("complete");
    // Each throttle pauses the quota domain and waits: both through the injected sleep.
    expect([...new Set(slept)]).toEqual([1000, 2000]);
    expect(collection.coverage.counts.retries).toBe(2);
  });

  it("reports 429 honours Retry-After; 5xx backs off", async () => {
    const { collection, slept } = await run(tailspinTenant(token), {
      faults: [
        {
          path: "/v1.0/reports/authenticationMethods/userRegistrationDetails",
          fault: {
            kind: "status",
            status: 429,
            headers: { "retry-after": "7" },
            body: { error: { code: "TooManyRequests", message: "Too many requests." } },
          },
        },
        {
          path: "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
          fault: {
            kind: "status",
            status: 503,
            body: { error: { code: "ServiceUnavailable", message: "busy" } },
          },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(slept).toContain(7000);
    expect(slept.filter((ms) => ms !== 7000)).toHaveLength(1); // the 503's backoff, with jitter
    expect(collection.coverage.counts.retries).toBe(2);
  });

  describe("without P1, inner $batch requests throttled (#18 item 4)", () => {
    // Graph evaluates each inner request of a $batch against throttling on its own; a throttled one answers
    // an inner 429 with Retry-After in its inner headers, and the SDKs do not retry those (wave2-apis.md §4,
    // MGDC concepts/throttling.md, json-batching.md). authenticationMethod reads share the reports bucket:
    // 5 requests per 10 s per app per tenant. The emulator enforces it on a clock the test controls.
    const tenant = () => {
      const base = freeTenant(token, "smb.example");
      const users = Array.from({ length: 12 }, (_, i) =>
        seedUser(`user${String(i).padStart(2, "0")}@smb.example`, {
          methodsRegistered: i % 2 ? [] : ["microsoftAuthenticatorPush"],
        }),
      );
      return { ...base, users: [...base.users, ...users] };
    };

    it("sends the throttled inner requests again after their Retry-After: every user read, coverage complete", async () => {
      let now = 1_000_000;
      const waits: number[] = [];
      const { collection, requests } = await run(tenant(), {
        enforceLimits: true,
        clock: () => now,
        collect: {
          sleep: async (ms) => {
            waits.push(ms);
            now += ms;
          },
        },
      });
      expect(collection.coverage.status).toBe("complete");
      // The wait is the inner answers' Retry-After (whole seconds), not a guess.
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.every((ms) => ms >= 1000 && ms % 1000 === 0)).toBe(true);
      expect(collection.coverage.gaps).toEqual([]);
      const batches = requests.filter(methodsBatch);
      expect(batches.length).toBeGreaterThan(1);
      const note = collection.coverage.notes.find((n) => n.startsWith("no Entra ID P1"))!;
      const m =
        /14 user\(s\) in (\d+) \$batch request\(s\) \((\d+) inner, (\d+) throttled and sent again\)/.exec(
          note,
        );
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBe(batches.length);
      expect(Number(m![3])).toBeGreaterThan(0);
      expect(Number(m![2])).toBe(14 + Number(m![3]));
      const { byName, path } = linked(collection);
      expect(byName.get("user00")?.enrollment.enrolled).toBe(true);
      expect(byName.get("user01")?.enrollment.enrolled).toBe(false);
      for (const [, a] of byName) expect(a.enrollment.enrolled).not.toBe("unknown");
      expect(path("user01").mfa.state).toBe("none");
    });

    it("gives up after its inner retries and reports those users unread: coverage partial, never compliant", async () => {
      // The clock stands still: the bucket never refills, so every retry is throttled again.
      const { collection } = await run(tenant(), { enforceLimits: true, clock: () => 1_000_000 });
      expect(collection.coverage.status).toBe("partial");
      const gap = collection.coverage.gaps.find((g) => g.what.startsWith("authentication methods of"));
      expect(gap?.what).toBe("authentication methods of 9 user(s)");
      expect(gap?.reason).toContain("inner status 429");
      const { byName, path } = linked(collection);
      const unread = [...byName.values()].filter((a) => a.enrollment.enrolled === "unknown");
      expect(unread).toHaveLength(9);
      for (const a of unread) expect(path(a.name.split("@")[0]!).mfa.state).not.toBe("enforced");
    });
  });

  it("the emulator enforces the documented limits; the quota domains keep below them (real time, about 1 s)", async () => {
    const { collection, requests } = await run(tailspinTenant(token), {
      enforceLimits: true,
      collect: { quotas: new QuotaRegistry(true), sleep: undefined },
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(0);
    const ca = requests.filter((r) => r.path.startsWith("/v1.0/identity/conditionalAccess/"));
    expect(ca).toHaveLength(2);
  }, 20_000);

  it("without enforcement on our side, the emulator throttles Conditional Access with a 429 that has no Retry-After", async () => {
    const { collection, slept } = await run(tailspinTenant(token), {
      enforceLimits: true,
      collect: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const gap = collection.coverage.gaps.find(
      (g) => g.what === "Conditional Access policies" || g.what === "named locations",
    );
    expect(gap?.reason).toMatch(/throttled: .*HTTP 429 TooManyRequests/);
    expect(slept).toEqual([]);
  });

  it("gives up on a persistently throttled users listing after the first page and keeps what was read", async () => {
    const users = Array.from({ length: 1100 }, (_, i) => seedUser(`u${i}@big.example`));
    const { collection } = await run(seedTenant("big.example", token, { users }), {
      faults: [
        {
          path: "/v1.0/users",
          after: 1,
          times: 100,
          fault: { kind: "status", status: 429, headers: { "retry-after": "1" }, body: {} },
        },
      ],
      collect: { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "users after page 1" });
    expect(collection.coverage.gaps[0]?.reason).toMatch(/gave up after 3 attempts/);
    expect(collection.inventory.accounts).toHaveLength(999);
    // The 101 users after page 1 did not vanish: one unknown path on Entra sign-in says so.
    expect(collection.inventory.accessPaths.filter((p) => p.accounts.length === 0)).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/:sign-in\/unread\/users$/),
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringMatching(/the users after page 1 could not be read \(throttled/),
        }),
      }),
    ]);
  });

  it("a refused token fails the connection with an auth error and no secret in the output", async () => {
    const { collection } = await run(tailspinTenant(token), {
      collect: { env: { TEST_ENTRA_TOKEN: "wrong-secret-value" } },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/credentials refused \(HTTP 401/);
    expect(collection.coverage.reason).toContain("InvalidAuthenticationToken");
    expect(JSON.stringify(collection)).not.toContain("wrong-secret-value");
  });

  it("an untrusted certificate fails with a hint to set caBundle", async () => {
    const { collection } = await run(tailspinTenant(token), { trustEmulator: false });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/TLS certificate not trusted \(\w+\); set caBundle/);
  });

  it("stops a paging loop instead of looping forever", async () => {
    const users = Array.from({ length: 2500 }, (_, i) => seedUser(`u${i}@loop.example`));
    const { collection, requests } = await run(
      seedTenant("loop.example", token, { users, usersPagingLoopFromPage: 2 }),
    );
    expect(collection.coverage.gaps[0]?.reason).toContain("paging loop");
    expect(requests.filter((r) => r.path === "/v1.0/users").length).toBeLessThan(5);
  });

  it("skips and counts a malformed user record", async () => {
    const seed = seedTenant("odd.example", token, {
      users: [
        seedUser("ok@odd.example"),
        seedUser("bad@odd.example", { accountEnabled: "yes" as unknown as boolean }),
      ],
    });
    const { collection } = await run(seed);
    expect(collection.inventory.accounts.map((a) => a.name)).toEqual(["ok@odd.example"]);
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]?.reason).toContain("accountEnabled");
  });

  it("a truncated JSON page is retried, then fails the connection without a stack trace", async () => {
    const { collection } = await run(tailspinTenant(token), {
      faults: [
        { path: "/v1.0/users", times: 5, fault: { kind: "body", body: '{"value": [{"id": "1", "userPrinc' } },
      ],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain("malformed response body");
    expect(collection.coverage.reason).not.toMatch(/\n\s+at /);
  });

  it("a request that hangs times out per timeoutSeconds", async () => {
    const { collection } = await run(tailspinTenant(token), {
      settings: { timeoutSeconds: 0.3 },
      faults: [{ path: "/v1.0/policies/authenticationStrengthPolicies", times: 5, fault: { kind: "hang" } }],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const gap = collection.coverage.gaps.find((g) => g.what === "authentication strengths");
    expect(gap?.reason).toContain("timed out after 0.3 s");
    // Without the strength's combinations only requirementsSatisfied=mfa is known: MFA, floor assumed weak.
    expect(linked(collection).path("olivia").mfa).toMatchObject({ state: "enforced", strength: "app" });
  });
});
