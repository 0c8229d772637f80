import { afterEach, describe, expect, it } from "vitest";
import {
  type AutomateServerSeed,
  seedUser,
  startAutomateEmulator,
} from "../../../providers/connectwise-automate/emulator.js";
import { connectwiseAutomate } from "../../../providers/connectwise-automate/index.js";
import { ConnectWiseAutomateSettings } from "../../../providers/connectwise-automate/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded, doctorOf, scanDemo } from "../../helpers/connection.js";

const clientId = "11111111-2222-4333-8444-555555555555";
const password = "automate-password-never-printed";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function server(extra: Partial<AutomateServerSeed> = {}): AutomateServerSeed {
  return {
    clientIds: [clientId],
    logins: [{ username: "api", password }],
    users: [
      seedUser("admin", { UserClasses: [{ UserClassId: 2, Name: "Super Admin" }] }),
      seedUser("sso.tech", { SsoStatus: "Enabled", SsoEmail: "sso.tech@acme.example" }),
      seedUser("disabled.sso", { SsoStatus: "Disabled", SsoEmail: "disabled.sso@acme.example" }),
      seedUser("locked", { IsLocked: true }),
      ...Array.from({ length: 16 }, (_, i) => seedUser(`tech${i}`)),
    ],
    ...extra,
  };
}

async function run(
  seed: AutomateServerSeed,
  options: {
    faults?: FaultRule[];
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
    env?: Record<string, string>;
  } = {},
) {
  emulator = await startAutomateEmulator({ server: seed, faults: options.faults });
  const settings = ConnectWiseAutomateSettings.parse({
    type: "connectwise-automate",
    server: "automate.acme.example",
    endpoint: emulator.url,
    clientId,
    pageSize: 7,
    auth: { method: "credentials", username: "api", password: "env:CWA_PASSWORD" },
    ...options.settings,
  });
  const collected = await collectRecorded(
    { id: "automate", type: "connectwise-automate", settings },
    {
      env: options.env ?? { CWA_PASSWORD: password },
      ...options.collect,
    },
  );
  return { ...collected, requests: emulator.requests };
}

describe("connectwise-automate collect", () => {
  it("gets a token, sends the clientId header everywhere and pages page=1.. until a short page", async () => {
    const { collection, requests } = await run(server());
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(20);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/cwa/api/v1/apitoken" });
    expect(JSON.parse(requests[0]!.body)).toEqual({ UserName: "api", Password: password });
    const pages = requests.slice(1);
    expect(pages.map((r) => [r.query.page, r.query.pageSize])).toEqual([
      ["1", "7"],
      ["2", "7"],
      ["3", "7"],
    ]);
    expect(requests.every((r) => r.headers.clientid === clientId)).toBe(true);
    expect(pages.every((r) => String(r.headers.authorization).startsWith("Bearer "))).toBe(true);
  });

  it("asks for one more page when the last full page ends exactly on the page size", async () => {
    const { collection, requests } = await run(
      server({ users: Array.from({ length: 14 }, (_, i) => seedUser(`t${i}`)) }),
    );
    expect(collection.inventory.accounts).toHaveLength(14);
    expect(requests.slice(1).map((r) => r.query.page)).toEqual(["1", "2", "3"]);
  });

  it("maps local users to unknown (needs attestation) and SSO users to a delegated path", async () => {
    const { collection } = await run(server(), { settings: { sso: { identityProvider: "entra" } } });
    const byName = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    const pathOf = (name: string) =>
      collection.inventory.accessPaths.find((p) => p.accounts[0] === byName.get(name)?.id)!;
    expect(pathOf("admin").mfa).toMatchObject({
      state: "unknown",
      reason: "the API exposes no MFA state; needs attestation",
    });
    expect(byName.get("admin")?.admin).toEqual({ isAdmin: "unknown", roles: ["Super Admin"] });
    const sso = pathOf("sso.tech");
    expect(sso.mfa.state).toBe("unknown");
    expect(sso.mfa.reason).toMatch(
      /^signs in through SSO \(Automate SsoStatus "Enabled" for sso.tech@acme.example\)/,
    );
    expect(sso.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://automate.acme.example",
      targetSource: "entra",
    });
    expect(byName.get("sso.tech")?.email).toBe("sso.tech@acme.example"); // the SSO identity, not EmailAddress
    expect(pathOf("disabled.sso").chain.delegation).toBeUndefined();
    expect(byName.get("locked")?.status).toBe("locked");
    expect(collection.inventory.entryPoints[0]).toMatchObject({
      kind: "rmm-console",
      name: expect.stringContaining("ConnectWise Automate"),
    });
  });

  it("a wrong password is an auth error that does not show it", async () => {
    const { collection } = await run(server(), { env: { CWA_PASSWORD: "nope" } });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /POST cwa\/api\/v1\/apitoken: credentials refused \(HTTP 401: Username or password is incorrect\.\)/,
    );
    expect(collection.coverage.reason).not.toContain("nope");
  });

  it("a user that needs a 2FA passcode is refused with advice to use an integrator user", async () => {
    const { collection } = await run(server({ logins: [{ username: "api", password, twoFactor: true }] }));
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain("needs a two-factor passcode; use an integrator user");
  });

  it("a wrong clientId is refused before anything else", async () => {
    const { collection } = await run(server(), { settings: { clientId: "not-registered" } });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain("A valid clientId header is required.");
  });

  it("accepts a bearer token minted elsewhere", async () => {
    const { collection, requests } = await run(server({ tokens: ["minted-token"] }), {
      settings: { auth: { method: "token", token: "env:CWA_TOKEN" } },
      env: { CWA_TOKEN: "minted-token" },
    });
    expect(collection.coverage.status).toBe("complete");
    expect(requests.some((r) => r.path.endsWith("apitoken"))).toBe(false);
  });

  it("a user class without the users permission gets 403: permission error", async () => {
    const { collection } = await run(
      server({ logins: [{ username: "api", password, canViewUsers: false }] }),
    );
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /permission missing: GET cwa\/api\/v1\/Users: forbidden \(HTTP 403/,
    );
    expect(collection.coverage.reason).toContain("may view users");
  });

  it("retries a 429 after its Retry-After", async () => {
    const { collection, slept } = await run(server(), {
      faults: [
        {
          path: "/cwa/api/v1/Users",
          after: 1,
          fault: { kind: "status", status: 429, headers: { "retry-after": "5" } },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(20);
    expect(slept).toContain(5000);
  });

  it("a server that ignores the page parameter is a paging loop, not an endless sweep", async () => {
    const { collection } = await run(server({ ignoresPage: true }));
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.reason).toMatch(/paging loop: page 2 repeated the records of page 1/);
    expect(collection.inventory.accounts).toHaveLength(7);
  });

  it("skips and counts a malformed user", async () => {
    const seed = server();
    seed.users[2] = { ...seedUser("x"), UserId: "three" };
    const { collection } = await run(seed);
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "user record 3 on page 1" });
    expect(collection.inventory.accounts).toHaveLength(19);
  });
});

describe("connectwise-automate doctor", () => {
  it("reports the user list readable or names the missing permission", async () => {
    emulator = await startAutomateEmulator({
      server: server({
        logins: [
          { username: "api", password },
          { username: "weak", password, canViewUsers: false },
        ],
      }),
    });
    const connection = (username: string) => ({
      type: "connectwise-automate",
      server: "automate.acme.example",
      endpoint: emulator!.url,
      clientId,
      auth: { method: "credentials", username, password: "env:P" },
    });
    const ok = await doctorOf(connection("api"), { P: password });
    expect(ok.checks[0]).toMatchObject({ ok: true, detail: expect.stringContaining("need attestation") });
    const denied = await doctorOf(connection("weak"), { P: password });
    expect(denied.checks[0]).toMatchObject({
      ok: false,
      missing: [expect.stringContaining("may view users")],
    });
  });
});

describe("connectwise-automate demo", () => {
  it("seeds Contoso Dental: SSO technicians delegated to Entra, local users needing attestation", async () => {
    const report = await scanDemo(connectwiseAutomate);
    expect(report.coverage.map((c) => [c.tenant, c.status])).toEqual([["contoso-dental", "complete"]]);
    const results = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    expect(results.map((r) => r.subject.name).sort()).toEqual([
      "dr.kim@contoso-dental.example",
      "localadmin",
      "mfasweep-api",
      "msp.tech@contoso-dental.example",
    ]);
    expect(results.every((r) => r.status === "unknown")).toBe(true);
    // Without an Entra connection in the tenant the delegation linker cannot resolve SSO users: unknown, saying so.
    expect(results.filter((r) => r.message.includes("this tenant has no entra connection"))).toHaveLength(2);
  });
});
