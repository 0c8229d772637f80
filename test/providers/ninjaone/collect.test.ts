import { afterEach, describe, expect, it } from "vitest";
import {
  type NinjaOneAccountSeed,
  seedEndUser,
  seedTechnician,
  startNinjaOneEmulator,
} from "../../../providers/ninjaone/emulator.js";
import { ninjaone } from "../../../providers/ninjaone/index.js";
import { NinjaOneSettings } from "../../../providers/ninjaone/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded, doctorOf, scanDemo } from "../../helpers/connection.js";

const clientId = "mfasweep-test";
const secret = "s3cret-value-never-printed";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function account(extra: Partial<NinjaOneAccountSeed> = {}): NinjaOneAccountSeed {
  return {
    clients: [{ clientId, clientSecret: secret, scopes: ["monitoring"] }],
    technicians: [
      seedTechnician("admin@acme.example", {
        administrator: true,
        mfaConfigured: false,
        roles: ["Administrators"],
      }),
      seedTechnician("tech@acme.example", { mfaConfigured: true }),
      seedTechnician("sso@acme.example", { authType: "SSO", mfaConfigured: false }),
      seedTechnician("left@acme.example", { enabled: false, mfaConfigured: false }),
      seedTechnician("odd@acme.example", { mfaConfigured: null }),
      seedTechnician("invited@acme.example", { mfaConfigured: false, invitationStatus: "PENDING" }),
    ],
    endUsers: [seedEndUser("portal@acme.example")],
    ...extra,
  };
}

async function run(
  seed: NinjaOneAccountSeed,
  options: {
    faults?: FaultRule[];
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
  } = {},
) {
  emulator = await startNinjaOneEmulator({ accounts: [seed], faults: options.faults });
  const settings = NinjaOneSettings.parse({
    type: "ninjaone",
    endpoint: emulator.url,
    auth: { method: "client-credentials", clientId, clientSecret: "env:TEST_NINJA_SECRET" },
    ...options.settings,
  });
  const collected = await collectRecorded(
    { id: "ninjaone", type: "ninjaone", settings },
    {
      env: { TEST_NINJA_SECRET: secret },
      ...options.collect,
    },
  );
  return { ...collected, requests: emulator.requests };
}

describe("ninjaone collect", () => {
  it("gets a client-credentials token for the monitoring scope and reads each list in one request", async () => {
    const many = account({
      technicians: Array.from({ length: 250 }, (_, i) => seedTechnician(`t${i}@acme.example`)),
    });
    const { collection, requests } = await run(many);
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(251);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /ws/oauth/token",
      "GET /v2/user/technicians",
      "GET /v2/user/end-users",
    ]);
    const form = new URLSearchParams(requests[0]!.body);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")).toBe("monitoring");
    expect(requests[1]!.query.includeRoles).toBe("true");
    expect(String(requests[1]!.headers.authorization)).toMatch(/^Bearer ninja-/);
    expect(collection.coverage.counts.requests).toBe(requests.length);
  });

  it("maps mfaConfigured to optional/none, SSO to a delegated path, and keeps disabled users out of active", async () => {
    const { collection } = await run(account(), {
      settings: { sso: { identityProvider: "entra" } },
    });
    const byName = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    const pathOf = (name: string) =>
      collection.inventory.accessPaths.find((p) => p.accounts[0] === byName.get(name)?.id)!;

    expect(pathOf("tech@acme.example").mfa.state).toBe("optional");
    expect(pathOf("admin@acme.example").mfa.state).toBe("none");
    expect(byName.get("admin@acme.example")?.admin).toEqual({
      isAdmin: true,
      roles: ["System Administrator", "Administrators"],
    });
    expect(pathOf("odd@acme.example").mfa.state).toBe("unknown");
    expect(pathOf("invited@acme.example").mfa.reason).toContain("invitation is pending");

    const sso = pathOf("sso@acme.example");
    expect(sso.mfa.state).toBe("unknown");
    expect(sso.mfa.reason).toMatch(
      /^signs in through SSO \(NinjaOne authType SSO\): the identity provider decides/,
    );
    expect(sso.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://app.ninjarmm.com",
      targetSource: "entra",
    });
    expect(byName.get("sso@acme.example")?.email).toBe("sso@acme.example");

    expect(byName.get("left@acme.example")?.status).toBe("disabled");
    expect(byName.get("portal@acme.example")?.kind).toBe("member");
    expect(byName.get("tech@acme.example")?.kind).toBe("technician");
    const entryPoint = collection.inventory.entryPoints[0]!;
    expect(entryPoint).toMatchObject({ kind: "rmm-console", name: "NinjaOne console (app.ninjarmm.com)" });
    expect(sso.entryPoint).toBe(entryPoint.id);
  });

  it("leaves end users out when includeEndUsers is off", async () => {
    const { collection, requests } = await run(account(), { settings: { includeEndUsers: false } });
    expect(requests.some((r) => r.path === "/v2/user/end-users")).toBe(false);
    expect(collection.inventory.accounts.every((a) => a.kind === "technician")).toBe(true);
  });

  it("a wrong client secret fails the connection with an auth error that does not show the secret", async () => {
    const seed = account({ clients: [{ clientId, clientSecret: "another-secret" }] });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /POST ws\/oauth\/token: token request refused \(HTTP 401 invalid_client/,
    );
    expect(collection.coverage.reason).not.toContain(secret);
    expect(collection.inventory.accounts).toEqual([]);
  });

  it("a client app without the requested scope is a permission error naming the scope", async () => {
    const seed = account({ clients: [{ clientId, clientSecret: secret, scopes: ["management"] }] });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/^permission missing: /);
    expect(collection.coverage.reason).toContain("scope 'monitoring'");
  });

  it("a token without read access gets 403 on the list: permission error naming monitoring", async () => {
    const seed = account({ clients: [{ clientId, clientSecret: secret, scopes: ["management"] }] });
    const { collection } = await run(seed, {
      settings: {
        auth: {
          method: "client-credentials",
          clientId,
          clientSecret: "env:TEST_NINJA_SECRET",
          scope: "management",
        },
      },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /permission missing: GET v2\/user\/technicians: forbidden \(HTTP 403/,
    );
    expect(collection.coverage.reason).toContain("read: monitoring");
  });

  it("retries a 429 after the Retry-After it names, and a 503 with backoff", async () => {
    const { collection, slept } = await run(account(), {
      faults: [
        {
          path: "/v2/user/technicians",
          fault: {
            kind: "status",
            status: 429,
            headers: { "retry-after": "3" },
            body: { error: "Too Many Requests" },
          },
        },
        { path: "/v2/user/end-users", fault: { kind: "status", status: 503, body: "" } },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(2);
    expect(slept).toContain(3000);
    expect(collection.inventory.accounts).toHaveLength(7);
  });

  it("skips and counts a malformed record, mapping the rest", async () => {
    const seed = account();
    seed.technicians.push({ ...seedTechnician("broken@acme.example"), id: "not-a-number" });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "technician record 7" });
    expect(collection.coverage.gaps[0]?.reason).toMatch(/GET v2\/user\/technicians: .* at id/);
    expect(collection.inventory.accounts).toHaveLength(7);
  });

  it("a body that is not JSON fails the connection with a clear message", async () => {
    const { collection } = await run(account(), {
      faults: [
        {
          path: "/v2/user/technicians",
          fault: { kind: "body", body: "<html>maintenance</html>", contentType: "text/html" },
        },
      ],
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /GET v2\/user\/technicians: the response is not JSON \(text\/html/,
    );
  });

  it("a list that is not an array fails: the documented shape is an array", async () => {
    const { collection } = await run(account(), {
      faults: [{ path: "/v2/user/technicians", fault: { kind: "body", body: '{"results": []}' } }],
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain("does not match the documented shape");
  });

  it("end users that keep failing become a gap; technicians are kept", async () => {
    const { collection } = await run(account(), {
      faults: [{ path: "/v2/user/end-users", times: 10, fault: { kind: "status", status: 500, body: "" } }],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps).toEqual([
      {
        what: "end users",
        reason: expect.stringMatching(/gave up after 2 attempts \(HTTP 500\)/),
      },
    ]);
    expect(collection.inventory.accounts).toHaveLength(6);
  });
});

describe("ninjaone doctor", () => {
  async function doctorWith(seed: NinjaOneAccountSeed, scope?: string) {
    emulator = await startNinjaOneEmulator({ accounts: [seed] });
    return doctorOf(
      {
        type: "ninjaone",
        endpoint: emulator.url,
        auth: { method: "client-credentials", clientId, clientSecret: "env:S", ...(scope ? { scope } : {}) },
      },
      { S: secret },
    );
  }

  it("reports each list readable with a monitoring-scope app", async () => {
    const report = await doctorWith(account());
    expect(report.checks.map((c) => [c.check, c.ok])).toEqual([
      ["GET v2/user/technicians", true],
      ["GET v2/user/end-users", true],
    ]);
    expect(report.permissions.join(" ")).toContain("Monitoring");
  });

  it("names the missing scope when the app cannot read users", async () => {
    const seed = account({ clients: [{ clientId, clientSecret: secret, scopes: ["management"] }] });
    const report = await doctorWith(seed, "management");
    expect(report.checks[0]).toMatchObject({ ok: false, missing: [expect.stringContaining("monitoring")] });
  });
});

describe("ninjaone demo", () => {
  it("seeds Northwind: an administrator without MFA fails critical, optional MFA fails, SSO waits for the IdP", async () => {
    const report = await scanDemo(ninjaone);
    expect(report.coverage.map((c) => [c.tenant, c.status])).toEqual([
      ["northwind", "complete"],
      ["msp", "complete"],
    ]);
    const results = report.results.filter(
      (r) => r.policy === "rmm-technician-mfa-enforced" && r.tenant === "northwind",
    );
    expect(results.map((r) => [r.subject.name, r.status, r.severity]).sort()).toEqual([
      ["helpdesk@northwind.example", "fail", "high"],
      ["it.admin@northwind.example", "unknown", "critical"],
      ["r.king@northwind.example", "fail", "critical"],
    ]);
    // The MSP's own console: every technician signs in through its Entra, which this scan does not have.
    const msp = report.results.filter(
      (r) => r.policy === "rmm-technician-mfa-enforced" && r.tenant === "msp",
    );
    expect(msp.map((r) => [r.subject.name, r.status]).sort()).toEqual([
      ["d.okafor@msp.example", "unknown"],
      ["m.garcia@msp.example", "unknown"],
    ]);
    expect(msp[0]!.message).toMatch(/this tenant has no entra connection/);
  });
});
