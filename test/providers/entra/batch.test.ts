import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  allPermissions,
  type EntraTenantSeed,
  seedTenant,
  seedUser,
  startEntraEmulator,
  tailspinTenant,
} from "../../../providers/entra/emulator.js";
import { EntraSettings } from "../../../providers/entra/settings.js";
import { type CollectOptions, collectConnection } from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";

/*
 * Issue #20: a tenant's fixed directory reads (security defaults, authentication strengths, role
 * definitions, active and eligible role assignments, service principals) go out as one Graph JSON batch
 * (`POST /$batch`), whose inner answers are classified and retried exactly as the same GETs sent alone.
 */

const token = "eyJ0eXAiOiJKV1QifQ.batch-test-token";
const dir = mkdtempSync(join(tmpdir(), "mfasweep-entra-batch-"));
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function run(seed: EntraTenantSeed, faults: FaultRule[] = [], collect: Partial<CollectOptions> = {}) {
  emulator = await startEntraEmulator({ tenants: [seed], faults });
  const caBundle = join(dir, `ca-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(caBundle, emulator.certificate ?? "");
  const settings = EntraSettings.parse({
    type: "entra",
    tenantId: seed.tenantId,
    endpoint: emulator.url,
    caBundle,
    auth: { method: "access-token", token: "env:TEST_ENTRA_TOKEN" },
  });
  const collection = await collectConnection(
    { id: "t1", name: "Tenant" },
    { id: "entra", type: "entra", settings },
    {
      quotas: new QuotaRegistry(false),
      env: { TEST_ENTRA_TOKEN: token },
      sleep: async () => {},
      now: new Date("2026-11-24T12:00:00Z"),
      ...collect,
    },
  );
  return { collection, requests: [...emulator.requests] };
}

const fixedReads = [
  "/policies/identitySecurityDefaultsEnforcementPolicy",
  "/policies/authenticationStrengthPolicies",
  "/roleManagement/directory/roleDefinitions",
  "/roleManagement/directory/roleAssignments",
  "/roleManagement/directory/roleEligibilityScheduleInstances",
  "/servicePrincipals",
];

/** The inner request URLs of a recorded `$batch`, without their query. */
function innerPaths(body: string): string[] {
  const parsed = JSON.parse(body) as { requests: Array<{ url: string }> };
  return parsed.requests.map((r) => r.url.split("?")[0]!);
}

describe("Entra fixed reads in one JSON batch (#20)", () => {
  it("a P1 tenant of 1,200 users costs 8 HTTP requests: users 2 pages, CA policies 1, named locations 1, registration report 3 pages, one $batch of the 6 fixed reads", async () => {
    const n = 1200;
    const domain = "batch.example";
    const users = Array.from({ length: n }, (_, i) => seedUser(`u${i}@${domain}`));
    const { collection, requests } = await run(seedTenant(domain, token, { users }));
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(n);
    // Derivation: /users pages of $top=999 → ceil(1200/999) = 2; the registration report pages of 500 →
    // ceil(1200/500) = 3; Conditional Access policies and named locations, one page each, in their own
    // 1-per-second domain, each alone; the six directory reads' first pages in one batch. No policy, role
    // or app names a group or requires assignment, so nothing else is read. Sent alone they were 13.
    const by = (path: string) => requests.filter((r) => r.path === `/v1.0${path}`).length;
    expect(by("/users")).toBe(Math.ceil(n / 999));
    expect(by("/reports/authenticationMethods/userRegistrationDetails")).toBe(Math.ceil(n / 500));
    expect(by("/identity/conditionalAccess/policies")).toBe(1);
    expect(by("/identity/conditionalAccess/namedLocations")).toBe(1);
    const batches = requests.filter((r) => r.path === "/v1.0/$batch");
    expect(batches).toHaveLength(1);
    expect(innerPaths(batches[0]!.body).sort()).toEqual([...fixedReads].sort());
    for (const path of fixedReads) expect(by(path)).toBe(0);
    expect(requests).toHaveLength(2 + 3 + 1 + 1 + 1);
    expect(collection.coverage.counts.requests).toBe(requests.length);
  });

  it("an inner 429 is sent again alone after its Retry-After, pausing its domain; coverage complete", async () => {
    const slept: number[] = [];
    const { collection, requests } = await run(
      tailspinTenant(token),
      [
        {
          path: "/v1.0/roleManagement/directory/roleDefinitions",
          fault: {
            kind: "status",
            status: 429,
            headers: { "Retry-After": "3" },
            body: { error: { code: "TooManyRequests", message: "Too many requests." } },
          },
        },
      ],
      {
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(1);
    expect(slept).toContain(3000);
    // Throttled inside the batch, then read alone: once.
    expect(requests.filter((r) => r.path === "/v1.0/roleManagement/directory/roleDefinitions")).toHaveLength(
      1,
    );
  });

  it("an inner 403 gives the same gaps and unknown verdicts as the same 403 sent alone", async () => {
    const seed = () => {
      const s = tailspinTenant(token);
      s.tokens = [
        { token, permissions: allPermissions.filter((p) => p !== "RoleManagement.Read.Directory") },
      ];
      return s;
    };
    const roleRead = (r: { path: string }) => r.path.startsWith("/v1.0/roleManagement/");
    const batched = await run(seed());
    // The role reads went out only inside the batch, and were refused there.
    expect(batched.requests.filter(roleRead)).toHaveLength(0);
    const batch = batched.requests.find((r) => r.path === "/v1.0/$batch");
    expect(innerPaths(batch!.body)).toContain("/roleManagement/directory/roleAssignments");
    await emulator?.close();
    emulator = undefined;

    // The same tenant with the batch itself failing: every read is then sent alone, the role reads refused.
    const alone = await run(
      seed(),
      [{ path: "/v1.0/$batch", method: "POST", fault: { kind: "status", status: 503, body: {} } }],
      { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    );
    expect(alone.requests.filter(roleRead)).toHaveLength(3);

    const gaps = (c: typeof batched) => c.collection.coverage.gaps;
    expect(gaps(batched).map((g) => g.what)).toEqual(
      expect.arrayContaining([
        "active directory role assignments",
        "PIM-eligible directory role assignments",
      ]),
    );
    expect(gaps(batched).find((g) => g.what === "active directory role assignments")?.reason).toContain(
      "RoleManagement.Read.Directory",
    );
    expect(gaps(batched)).toEqual(gaps(alone));
    const linked = (c: typeof batched) => {
      const [inventory] = mergeCollections(
        { tenants: [{ id: "t1", name: "Tenant", role: "customer", profile: "standard", connections: [] }] },
        [c.collection],
      ).map((i) => link(i));
      return inventory!;
    };
    const a = linked(batched);
    const b = linked(alone);
    const grace = (i: typeof a) => {
      const account = i.accounts.find((x) => x.name.startsWith("grace"));
      return { admin: account?.admin, path: i.accessPaths.find((p) => p.accounts[0] === account?.id)?.mfa };
    };
    expect(grace(a).admin?.isAdmin).toBe("unknown");
    expect(grace(a).path?.state).toBe("unknown");
    expect(grace(a)).toEqual(grace(b));
  });
});
