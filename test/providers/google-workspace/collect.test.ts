import { afterEach, describe, expect, it } from "vitest";
import ouPolicy from "../../../policies/google-ou-2sv-enforced.js";
import { allScopes, directoryScopes, groupMembersScope } from "../../../providers/google-workspace/api.js";
import {
  assignAdminRoles,
  type GoogleTenantSeed,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../../providers/google-workspace/emulator.js";
import { GoogleWorkspaceSettings } from "../../../providers/google-workspace/settings.js";
import { type CollectOptions, collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { customerAccessGroup } from "../../../src/model/facts/customer-access.js";
import { cannotSignInUntilEnrolled, nothingEnrolled } from "../../../src/model/index.js";
import { inventory } from "../../helpers/inventory.js";
import { contextOf } from "../../helpers/policy-tester.js";

const token = "ya29.test-token";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A tenant with 1,203 users (3 pages of 500) in two OUs, Sales exempt from enforcement. */
function bigTenant(extra: Partial<GoogleTenantSeed> = {}): GoogleTenantSeed {
  return assignAdminRoles(
    seedTenant("acme.example", token, ({ root, ou }) => {
      const sales = ou("/Sales");
      return {
        orgUnits: [sales],
        policies: [
          ...twoStepPolicies(root, {
            allowEnrollment: true,
            enforcedFrom: "2025-01-01T00:00:00Z",
            factorSet: "NO_TELEPHONY",
            enrollmentPeriod: "604800s",
          }),
          ...twoStepPolicies(sales.orgUnitId, { allowEnrollment: true }),
        ],
        users: Array.from({ length: 1203 }, (_, i) =>
          seedUser(`user${String(i).padStart(4, "0")}@acme.example`, {
            orgUnitPath: i % 3 === 0 ? "/Sales" : "/",
            isEnforcedIn2Sv: i % 3 !== 0,
            isEnrolledIn2Sv: i % 2 === 0,
            isAdmin: i === 1,
          }),
        ),
        ...extra,
      };
    }),
  );
}

async function run(
  seed: GoogleTenantSeed,
  options: {
    faults?: FaultRule[];
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
  } = {},
) {
  emulator = await startGoogleEmulator({ tenants: [seed], faults: options.faults });
  const settings = GoogleWorkspaceSettings.parse({
    type: "google-workspace",
    endpoint: emulator.url,
    auth: { method: "access-token", token: "env:TEST_GOOGLE_TOKEN" },
    ...options.settings,
  });
  const slept: number[] = [];
  const collection = await collectConnection(
    { id: "acme", name: "Acme" },
    { id: "google", type: "google-workspace", settings },
    {
      quotas: new QuotaRegistry(false),
      env: { TEST_GOOGLE_TOKEN: token },
      sleep: async (ms) => {
        slept.push(ms);
      },
      now: new Date("2026-11-24T12:00:00Z"),
      ...options.collect,
    },
  );
  return { collection, slept, requests: emulator.requests };
}

describe("google-workspace collect through @googleapis/admin", () => {
  it("pages users.list with maxResults=500 and maps every user", async () => {
    const { collection, requests } = await run(bigTenant());
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(1203);
    expect(collection.inventory.accessPaths.every((p) => p.accounts.length === 1)).toBe(true);
    const userCalls = requests.filter((r) => r.path === "/admin/directory/v1/users");
    expect(userCalls.map((r) => r.query.maxResults)).toEqual(["500", "500", "500"]);
    expect(userCalls[0]?.query.customer).toBe("my_customer");
    expect(userCalls[1]?.query.pageToken).toBeTruthy();
    expect(collection.coverage.counts.requests).toBe(requests.length);
  });

  it("derives each user's 2SV state and the OU settings with inheritance", async () => {
    const { collection } = await run(bigTenant());
    const byName = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    const pathOf = (name: string) =>
      collection.inventory.accessPaths.find((p) => p.accounts[0] === byName.get(name)?.id);
    expect(pathOf("user0000@acme.example")?.mfa.state).toBe("optional"); // Sales, enrolled, not enforced
    expect(pathOf("user0003@acme.example")?.mfa.state).toBe("none");
    expect(pathOf("user0001@acme.example")?.mfa.state).toBe("bypassable"); // enforced, not enrolled
    const enforced = pathOf("user0002@acme.example")!;
    expect(enforced.mfa.state).toBe("enforced");
    expect(enforced.mfa.strength).toBe("app"); // NO_TELEPHONY at the top-level OU
    expect(byName.get("user0001@acme.example")?.admin).toEqual({
      isAdmin: true,
      roles: ["Super Admin"],
    });

    const settings = new Map(collection.inventory.settings.map((s) => [s.scope.name, s]));
    expect(settings.get("/")?.enforcement).toBe("enforced");
    expect(settings.get("/Sales")).toMatchObject({ enforcement: "not-enforced", enrollment: "allowed" });
    expect(settings.get("/Sales")?.inheritedFrom).toBeUndefined();
  });

  it("applies top-level OU policies to a sub-OU that has none, and records it", async () => {
    const seed = seedTenant("small.example", token, ({ root, ou }) => ({
      orgUnits: [ou("/Staff")],
      policies: twoStepPolicies(root, { allowEnrollment: true, enforcedFrom: "2025-01-01T00:00:00Z" }),
      users: [
        seedUser("a@small.example", { orgUnitPath: "/Staff", isEnforcedIn2Sv: true, isEnrolledIn2Sv: true }),
      ],
    }));
    const { collection } = await run(seed);
    const staff = collection.inventory.settings.find((s) => s.scope.name === "/Staff");
    expect(staff).toMatchObject({ enforcement: "enforced", inheritedFrom: "/" });
    expect(staff?.evidence.every((e) => e.note === "inherited from /")).toBe(true);
  });

  it("does not call an OU's own enforcement setting inherited, even when its enrollment setting is (#18 item 10)", async () => {
    const seed = seedTenant("mixed.example", token, ({ root, ou }) => {
      const interns = ou("/Interns");
      const offOnly = twoStepPolicies(interns.orgUnitId, { allowEnrollment: true }).filter(
        (p) => p.setting.type === "settings/security.two_step_verification_enforcement",
      );
      return {
        orgUnits: [interns],
        policies: [
          ...twoStepPolicies(root, { allowEnrollment: true, enforcedFrom: "2025-01-01T00:00:00Z" }),
          ...offOnly,
        ],
        users: [seedUser("i@mixed.example", { orgUnitPath: "/Interns" })],
      };
    });
    const { collection } = await run(seed);
    const interns = collection.inventory.settings.find((s) => s.scope.name === "/Interns")!;
    expect(interns).toMatchObject({ enforcement: "not-enforced", enrollment: "allowed" });
    expect(interns.inheritedFrom).toBeUndefined();
    // Each field's evidence still says where it came from.
    const note = (field: string) => interns.evidence.find((e) => e.field === field)?.note;
    expect(note("allowEnrollment")).toBe("inherited from /");
    expect(note("enforcedFrom")).toBeUndefined();
    const verdict = ouPolicy.evaluate(
      contextOf({
        inventory: inventory({ settings: [interns] }),
        now: new Date(),
        options: {},
      }),
    );
    expect(verdict[0]).toMatchObject({ status: "fail" });
    expect(verdict[0]!.message).not.toContain("inherited");
  });

  it("2SV enforced, not enrolled: bypassable within a new-user enrollment period, enforced (cannot sign in) without one, unknown unread (#18 item 11)", async () => {
    // Google: "an enrollment period during which new users can sign in with just their passwords"; an
    // unenrolled user under enforcement otherwise cannot sign in (support.google.com/a/answer/9176805).
    // The period is the Policy API's security.two_step_verification_grace_period (identity-apis.md §3.2).
    const seed = seedTenant("grace.example", token, ({ root, ou }) => {
      const locked = ou("/Locked");
      return {
        orgUnits: [ou("/Staff"), locked],
        policies: [
          ...twoStepPolicies(root, {
            allowEnrollment: true,
            enforcedFrom: "2025-01-01T00:00:00Z",
            enrollmentPeriod: "1209600s",
          }),
          ...twoStepPolicies(locked.orgUnitId, {
            allowEnrollment: true,
            enforcedFrom: "2025-01-01T00:00:00Z",
            enrollmentPeriod: "0s",
          }),
        ],
        users: [
          seedUser("new@grace.example", { orgUnitPath: "/Staff", isEnforcedIn2Sv: true }),
          seedUser("old@grace.example", { orgUnitPath: "/Locked", isEnforcedIn2Sv: true }),
        ],
      };
    });
    const mfaOf = (c: Awaited<ReturnType<typeof run>>["collection"], name: string) => {
      const id = c.inventory.accounts.find((a) => a.name === name)?.id;
      return c.inventory.accessPaths.find((p) => p.accounts[0] === id)?.mfa;
    };
    const { collection } = await run(seed);
    const inGrace = mfaOf(collection, "new@grace.example")!;
    expect(inGrace).toMatchObject({ state: "bypassable", strength: null });
    expect(inGrace.reason).toContain("14 day(s)");
    expect(inGrace.reason).toContain("(inherited from /)");
    expect(inGrace.reason).toContain(nothingEnrolled("enroll"));
    expect(
      inGrace.evidence.some((e) => e.field === "enrollmentGracePeriod" && e.value === '"1209600s"'),
    ).toBe(true);
    const locked = mfaOf(collection, "old@grace.example")!;
    expect(locked).toMatchObject({ state: "enforced", strength: null });
    expect(locked.reason).toContain(cannotSignInUntilEnrolled);

    await emulator?.close();
    const unread = await run(seed, { settings: { readPolicies: false } });
    expect(mfaOf(unread.collection, "old@grace.example")).toMatchObject({ state: "unknown" });
    expect(mfaOf(unread.collection, "new@grace.example")?.reason).toContain("readPolicies is off");
  });

  it("treats enforcedFrom 1970-01-01 as enforcement off", async () => {
    const seed = seedTenant("off.example", token, ({ root }) => ({
      policies: twoStepPolicies(root, { allowEnrollment: true, enforcedFrom: "1970-01-01T00:00:00Z" }),
      users: [seedUser("a@off.example")],
    }));
    const { collection } = await run(seed);
    expect(collection.inventory.settings[0]).toMatchObject({
      enforcement: "not-enforced",
      scope: { name: "/" },
    });
  });

  it("a 403 for a missing scope fails the connection and names the scope", async () => {
    const seed = bigTenant({
      tokens: [{ token, scopes: allScopes.filter((s) => s !== directoryScopes.users) }],
    });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/^permission missing: /);
    expect(collection.coverage.reason).toContain(directoryScopes.users);
    expect(collection.inventory.accounts).toEqual([]);
  });

  it("a subject that is not a super admin leaves OU settings unknown and coverage partial", async () => {
    const seed = bigTenant({ tokens: [{ token, superAdmin: false }] });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "per-OU 2SV policies" });
    expect(collection.coverage.gaps[0]?.reason).toContain("only super administrators");
    expect(collection.inventory.settings.every((s) => s.enforcement === "unknown")).toBe(true);
    expect(collection.inventory.accounts).toHaveLength(1203);
  });

  it("retries 429 honouring Retry-After, and 5xx with backoff", async () => {
    const { collection, slept } = await run(bigTenant(), {
      faults: [
        {
          path: "/admin/directory/v1/users",
          after: 1,
          times: 2,
          fault: {
            kind: "status",
            status: 429,
            headers: { "retry-after": "7" },
            body: {
              error: { code: 429, message: "Rate Limit Exceeded", errors: [{ reason: "rateLimitExceeded" }] },
            },
          },
        },
        {
          path: "/admin/directory/v1/users",
          after: 3,
          times: 1,
          fault: { kind: "status", status: 503, body: { error: { code: 503, message: "Backend Error" } } },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(1203);
    expect(collection.coverage.counts.retries).toBe(3);
    // Both 429s waited the 7 s the server asked for (the request, and the paused quota domain).
    expect(slept.filter((ms) => ms === 7000).length).toBeGreaterThanOrEqual(2);
    expect(slept.some((ms) => ms > 0 && ms !== 7000)).toBe(true);
  });

  it("treats the Directory API's 403 userRateLimitExceeded as throttling, not as a permission problem", async () => {
    const { collection } = await run(bigTenant(), {
      faults: [
        {
          path: "/admin/directory/v1/users",
          fault: {
            kind: "status",
            status: 403,
            body: {
              error: {
                code: 403,
                message: "User Rate Limit Exceeded",
                errors: [{ domain: "usageLimits", reason: "userRateLimitExceeded" }],
              },
            },
          },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(1);
  });

  it("gives up after the retry budget with a throttling error, and keeps the pages already read", async () => {
    const { collection } = await run(bigTenant(), {
      faults: [
        {
          path: "/admin/directory/v1/users",
          after: 1,
          times: 100,
          fault: { kind: "status", status: 429, body: {} },
        },
      ],
      collect: { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.what).toBe("users after page 1");
    expect(collection.coverage.gaps[0]?.reason).toMatch(/throttled: .*gave up after 3 attempts/);
    expect(collection.inventory.accounts).toHaveLength(500);
    // The users after page 1 did not vanish: one unknown path on Google sign-in says so.
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

  it("a truncated JSON page fails the connection with a clear message", async () => {
    const { collection } = await run(bigTenant(), {
      faults: [
        {
          path: "/admin/directory/v1/users",
          fault: { kind: "body", body: '{"users": [{"id": "1", "primaryEm' },
        },
      ],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/users/);
    expect(collection.coverage.reason).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a page of the wrong shape is rejected at the boundary", async () => {
    const { collection } = await run(bigTenant(), {
      faults: [
        {
          path: "/admin/directory/v1/users",
          fault: { kind: "body", body: JSON.stringify({ users: "not a list" }) },
        },
      ],
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain(
      "GET admin/directory/v1/users page 1: response does not match the documented shape at users",
    );
  });

  it("skips and counts a malformed user record instead of dropping it silently", async () => {
    const seed = seedTenant("odd.example", token, ({ root }) => ({
      policies: twoStepPolicies(root, { allowEnrollment: true }),
      users: [
        seedUser("ok@odd.example"),
        Object.assign(seedUser("bad@odd.example"), { isEnforcedIn2Sv: "yes" }),
      ],
    }));
    const { collection } = await run(seed);
    expect(collection.inventory.accounts.map((a) => a.name)).toEqual(["ok@odd.example"]);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]?.reason).toContain("isEnforcedIn2Sv");
  });

  it("stops a paging loop (a nextPageToken seen twice) instead of looping forever", async () => {
    const { collection, requests } = await run(bigTenant({ usersPagingLoopFromPage: 2 }));
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.reason).toContain("paging loop");
    expect(requests.filter((r) => r.path === "/admin/directory/v1/users").length).toBeLessThan(5);
  });

  it("a refused token fails the connection with an auth error and no secret in the message", async () => {
    const { collection } = await run(bigTenant(), {
      collect: { env: { TEST_GOOGLE_TOKEN: "ya29.wrong-secret-value" } },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/credentials refused \(HTTP 401/);
    expect(JSON.stringify(collection)).not.toContain("wrong-secret-value");
  });

  it("an unset secret reference fails the connection naming the variable", async () => {
    const { collection } = await run(bigTenant(), { collect: { env: {} } });
    expect(collection.coverage).toMatchObject({
      status: "failed",
      reason: "environment variable TEST_GOOGLE_TOKEN is not set (env:TEST_GOOGLE_TOKEN)",
    });
  });
});

describe("google-workspace customerAccessGroups (the MSP's own tenant)", () => {
  const agent = seedUser("agent@msp.example");
  const lead = seedUser("lead@msp.example");
  const other = seedUser("other@msp.example");
  /** A token granted `scopes`; the group member scope is delegated only when groups are named. */
  const tenant = (scopes: string[]) => ({
    ...seedTenant("msp.example", token, () => ({
      users: [agent, lead, other],
      groups: [
        { id: "g-leads", email: "leads@msp.example", members: [lead.id] },
        { id: "g-access", email: "customer-access@msp.example", members: [agent.id, "g-leads"] },
      ],
    })),
    tokens: [{ token, scopes }],
  });
  const facts = (collection: Awaited<ReturnType<typeof run>>["collection"]) =>
    collection.inventory.facts.filter((f) => f.kind === customerAccessGroup.name).map((f) => f.data);

  it("reads each group's members, nested ones included, and one it cannot find as unavailable", async () => {
    const { collection } = await run(tenant([...allScopes, groupMembersScope]), {
      settings: { customerAccessGroups: ["customer-access@msp.example", "nobody@msp.example"] },
      collect: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(facts(collection)).toEqual([
      {
        group: "customer-access@msp.example",
        name: "customer-access@msp.example",
        status: "read",
        members: [agent.id, "g-leads", lead.id],
      },
      {
        group: "nobody@msp.example",
        name: "nobody@msp.example",
        status: "unavailable",
        reason: expect.stringContaining("404"),
        members: [],
      },
    ]);
    expect(collection.coverage.status).toBe("partial");
  });

  it("names the scope when it was not granted, and reads nothing of groups when none are named", async () => {
    const { collection } = await run(tenant(allScopes), {
      settings: { customerAccessGroups: ["customer-access@msp.example"] },
      collect: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(facts(collection)).toEqual([
      expect.objectContaining({ status: "unavailable", reason: expect.stringContaining(groupMembersScope) }),
    ]);
    await emulator?.close();
    const none = await run(tenant(allScopes));
    expect(facts(none.collection)).toEqual([]);
    expect(none.requests.some((r) => r.path.includes("/groups/"))).toBe(false);
  });
});
