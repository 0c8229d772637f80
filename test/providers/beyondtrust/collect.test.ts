import { afterEach, describe, expect, it } from "vitest";
import {
  type BeyondTrustSiteSeed,
  seedProviders,
  seedUser,
  startBeyondTrustEmulator,
} from "../../../providers/beyondtrust/emulator.js";
import { beyondtrust } from "../../../providers/beyondtrust/index.js";
import { BeyondTrustSettings } from "../../../providers/beyondtrust/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded, doctorOf, scanDemo } from "../../helpers/connection.js";

const clientId = "api-account";
const secret = "bt-secret-never-printed";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function site(extra: Partial<BeyondTrustSiteSeed> = {}): BeyondTrustSiteSeed {
  return {
    apiAccounts: [{ clientId, clientSecret: secret }],
    securityProviders: Object.values(seedProviders),
    users: [
      seedUser("admin", { perm_admin: true }),
      seedUser("ldap.user", { security_provider_id: seedProviders.ldap.id }),
      seedUser("saml.user@acme.example", { security_provider_id: seedProviders.saml.id }),
      seedUser("radius.user", { security_provider_id: seedProviders.radius.id }),
      seedUser("orphan", { security_provider_id: 99 }),
      seedUser("gone", { enabled: false }),
      ...Array.from({ length: 9 }, (_, i) => seedUser(`tech${i}`)),
    ],
    ...extra,
  };
}

async function run(
  seed: BeyondTrustSiteSeed,
  options: {
    faults?: FaultRule[];
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
    env?: Record<string, string>;
  } = {},
) {
  emulator = await startBeyondTrustEmulator({ site: seed, faults: options.faults });
  const settings = BeyondTrustSettings.parse({
    type: "beyondtrust",
    site: "support.acme.example",
    endpoint: emulator.url,
    perPage: 4,
    auth: { method: "client-credentials", clientId, clientSecret: "env:BT_SECRET" },
    ...options.settings,
  });
  const collected = await collectRecorded(
    { id: "beyondtrust", type: "beyondtrust", settings },
    {
      env: options.env ?? { BT_SECRET: secret },
      ...options.collect,
    },
  );
  return { ...collected, requests: emulator.requests };
}

describe("beyondtrust collect", () => {
  it("gets a client-credentials token with HTTP Basic and pages users and providers by current_page", async () => {
    const { collection, requests } = await run(site());
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(15);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/oauth2/token" });
    expect(requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
    );
    const userPages = requests.filter((r) => r.path === "/api/config/v1/user");
    expect(userPages.map((r) => [r.query.per_page, r.query.current_page])).toEqual([
      ["4", "1"],
      ["4", "2"],
      ["4", "3"],
      ["4", "4"],
    ]);
    expect(requests.filter((r) => r.path === "/api/config/v1/security-provider")).toHaveLength(2);
    expect(requests.slice(1).every((r) => r.headers.accept === "application/json")).toBe(true);
  });

  it("maps the security provider type: SAML and RADIUS delegate, local and LDAP need attestation", async () => {
    const { collection } = await run(site(), { settings: { sso: { identityProvider: "entra" } } });
    const byName = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    const pathOf = (name: string) =>
      collection.inventory.accessPaths.find((p) => p.accounts[0] === byName.get(name)?.id)!;
    expect(pathOf("admin").mfa).toMatchObject({
      state: "unknown",
      reason: "the API exposes no MFA state; needs attestation (local security provider 1)",
    });
    expect(byName.get("admin")?.admin).toEqual({ isAdmin: true, roles: ["Administrator"] });
    expect(pathOf("ldap.user").mfa.reason).toContain("needs attestation (ldap security provider 2)");
    const saml = pathOf("saml.user@acme.example");
    expect(saml.mfa.reason).toMatch(
      /^signs in through SSO \(BeyondTrust SAML security provider 3\): the identity provider decides/,
    );
    expect(saml.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://support.acme.example",
      targetSource: "entra",
    });
    expect(byName.get("saml.user@acme.example")?.email).toBe("saml.user@acme.example");
    const radius = pathOf("radius.user");
    expect(radius.chain.delegation).toEqual({
      protocol: "radius",
      target: "BeyondTrust security provider 4 (RADIUS)",
    });
    expect(pathOf("orphan").mfa.reason).toContain("security provider 99 is not listed");
    expect(byName.get("gone")?.status).toBe("disabled");
    expect(collection.inventory.entryPoints[0]).toMatchObject({
      kind: "remote-support",
      name: "BeyondTrust Remote Support (support.acme.example)",
    });
  });

  it("security providers that cannot be read leave every verdict unknown with the reason, coverage partial", async () => {
    const { collection } = await run(site(), {
      faults: [
        {
          path: "/api/config/v1/security-provider",
          times: 10,
          fault: { kind: "status", status: 500, body: "" },
        },
      ],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.what).toBe("security providers");
    expect(
      collection.inventory.accessPaths.every((p) => p.mfa.state === "unknown" && !p.chain.delegation),
    ).toBe(true);
    expect(collection.inventory.accessPaths[0]!.mfa.reason).toContain("security providers could not be read");
  });

  it("a wrong client secret is an auth error without the secret", async () => {
    const { collection } = await run(site(), { env: { BT_SECRET: "wrong-one" } });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /POST oauth2\/token: token request refused \(HTTP 401 invalid_client\)/,
    );
    expect(collection.coverage.reason).not.toContain("wrong-one");
  });

  it("an API account without Configuration API access is a permission error naming it", async () => {
    const { collection } = await run(
      site({ apiAccounts: [{ clientId, clientSecret: secret, configApi: false }] }),
    );
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/^permission missing: /);
    expect(collection.coverage.reason).toContain("Configuration API access");
  });

  it("retries 429 with Retry-After in the middle of paging", async () => {
    const { collection, slept } = await run(site(), {
      faults: [
        {
          path: "/api/config/v1/user",
          after: 2,
          fault: { kind: "status", status: 429, headers: { "retry-after": "2" } },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(15);
    expect(slept).toContain(2000);
  });

  it("skips and counts a malformed user", async () => {
    const seed = site();
    seed.users[1] = { id: 500, enabled: true };
    const { collection } = await run(seed);
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "user record 2 on page 1" });
    expect(collection.inventory.accounts).toHaveLength(14);
  });
});

describe("beyondtrust doctor", () => {
  it("checks both lists and names the missing Configuration API access", async () => {
    emulator = await startBeyondTrustEmulator({
      site: site({
        apiAccounts: [
          { clientId, clientSecret: secret },
          { clientId: "no-config", clientSecret: secret, configApi: false },
        ],
      }),
    });
    const connection = (id: string) => ({
      type: "beyondtrust",
      site: "support.acme.example",
      endpoint: emulator!.url,
      auth: { method: "client-credentials", clientId: id, clientSecret: "env:S" },
    });
    const ok = await doctorOf(connection(clientId), { S: secret });
    expect(ok.checks.map((c) => [c.check, c.ok])).toEqual([
      ["GET api/config/v1/user", true],
      ["GET api/config/v1/security-provider", true],
    ]);
    const denied = await doctorOf(connection("no-config"), { S: secret });
    expect(denied.checks[0]).toMatchObject({
      ok: false,
      missing: [expect.stringContaining("Configuration API")],
    });
  });
});

describe("beyondtrust demo", () => {
  it("seeds Northwind: SAML technicians wait for the IdP, the local admin needs attestation", async () => {
    const report = await scanDemo(beyondtrust);
    expect(report.coverage.map((c) => [c.tenant, c.status])).toEqual([["northwind", "complete"]]);
    const results = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    expect(results.map((r) => [r.subject.name, r.status, r.severity]).sort()).toEqual([
      ["a.fuller@northwind.example", "unknown", "high"],
      ["admin", "unknown", "critical"],
      ["helpdesk@northwind.example", "unknown", "high"],
    ]);
  });
});
