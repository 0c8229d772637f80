import { afterEach, describe, expect, it } from "vitest";
import {
  seedUser,
  startTeamViewerEmulator,
  type TeamViewerCompanySeed,
} from "../../../providers/teamviewer/emulator.js";
import { teamviewer } from "../../../providers/teamviewer/index.js";
import { TeamViewerSettings } from "../../../providers/teamviewer/settings.js";
import { ssoState } from "../../../providers/teamviewer/transform.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded, doctorOf, scanDemo } from "../../helpers/connection.js";

const token = "tv-script-token-never-printed";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function company(extra: Partial<TeamViewerCompanySeed> = {}): TeamViewerCompanySeed {
  return {
    tokens: [{ token }],
    users: [
      seedUser("enforced@acme.example"),
      seedUser("pending@acme.example", { tfa_enabled: false }),
      seedUser("optional@acme.example", { tfa_enforcement: false }),
      seedUser("none@acme.example", { tfa_enforcement: false, tfa_enabled: false }),
      seedUser("sso@acme.example", { sso_status: "active", tfa_enforcement: false, tfa_enabled: false }),
      seedUser("weird@acme.example", { tfa_enforcement: "off" }),
      seedUser("newsso@acme.example", { sso_status: "pending_activation" }),
      seedUser("gone@acme.example", { active: false, tfa_enforcement: false, tfa_enabled: false }),
    ],
    ...extra,
  };
}

async function run(
  seed: TeamViewerCompanySeed,
  options: {
    faults?: FaultRule[];
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
  } = {},
) {
  emulator = await startTeamViewerEmulator({ companies: [seed], faults: options.faults });
  const settings = TeamViewerSettings.parse({
    type: "teamviewer",
    endpoint: `${emulator.url}/api/v1`,
    auth: { method: "script-token", token: "env:TEST_TV_TOKEN" },
    ...options.settings,
  });
  const collected = await collectRecorded(
    { id: "teamviewer", type: "teamviewer", settings },
    {
      env: { TEST_TV_TOKEN: token },
      ...options.collect,
    },
  );
  return { ...collected, requests: emulator.requests };
}

describe("teamviewer collect", () => {
  it("reads the whole company in one full_list request with the script token", async () => {
    const big = company({ users: Array.from({ length: 400 }, (_, i) => seedUser(`u${i}@acme.example`)) });
    const { collection, requests } = await run(big);
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(400);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "GET", path: "/api/v1/users", query: { full_list: "true" } });
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(collection.inventory.accessPaths.every((p) => p.mfa.state === "enforced")).toBe(true);
  });

  it("maps tfa_enforcement and tfa_enabled to enforced / bypassable / optional / none, SSO to a delegation", async () => {
    const { collection } = await run(company(), { settings: { sso: { identityProvider: "okta" } } });
    const byName = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    const stateOf = (name: string) =>
      collection.inventory.accessPaths.find((p) => p.accounts[0] === byName.get(name)?.id)!;
    expect(stateOf("enforced@acme.example").mfa.state).toBe("enforced");
    expect(stateOf("pending@acme.example").mfa.state).toBe("bypassable");
    expect(stateOf("optional@acme.example").mfa.state).toBe("optional");
    expect(stateOf("none@acme.example").mfa.state).toBe("none");
    expect(stateOf("weird@acme.example").mfa).toMatchObject({ state: "unknown" });
    expect(stateOf("weird@acme.example").mfa.reason).toContain('tfa_enforcement="off"');
    expect(stateOf("newsso@acme.example").mfa.reason).toContain("not a value mfasweep recognises");

    const sso = stateOf("sso@acme.example");
    expect(sso.mfa.state).toBe("unknown");
    expect(sso.mfa.reason).toMatch(
      /^signs in through SSO \(TeamViewer sso_status "active"\): the identity provider decides/,
    );
    expect(sso.chain.delegation).toEqual({ protocol: "saml", target: "acme.example", targetSource: "okta" });
    expect(byName.get("sso@acme.example")?.email).toBe("sso@acme.example");

    expect(byName.get("gone@acme.example")?.status).toBe("disabled");
    expect(byName.get("enforced@acme.example")).toMatchObject({
      kind: "technician",
      admin: { isAdmin: "unknown" },
    });
    expect(collection.inventory.entryPoints[0]?.kind).toBe("remote-support");
  });

  it("reads sso_status words it knows and reports any other value as unrecognised", () => {
    expect(ssoState("none")).toBe("native");
    expect(ssoState(undefined)).toBe("native");
    expect(ssoState("Active")).toBe("sso");
    expect(ssoState(true)).toBe("sso");
    expect(ssoState("exclusion")).toBe("unrecognised");
    expect(ssoState(3)).toBe("unrecognised");
  });

  it("an unknown script token fails with an auth error that does not show the token", async () => {
    const { collection } = await run(company({ tokens: [{ token: "another" }] }));
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /GET users: credentials refused \(HTTP 401: The access token is invalid/,
    );
    expect(collection.coverage.reason).not.toContain(token);
  });

  it("a token without 'View users' is a permission error naming it", async () => {
    const { collection } = await run(company({ tokens: [{ token, permissions: ["Group management"] }] }));
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/^permission missing: /);
    expect(collection.coverage.reason).toContain("User management: View users");
  });

  it("honours Retry-After on 429 and keeps going", async () => {
    const { collection, slept } = await run(company(), {
      faults: [
        {
          path: "/api/v1/users",
          times: 2,
          fault: {
            kind: "status",
            status: 429,
            headers: { "retry-after": "12" },
            body: { error: "too_many_requests" },
          },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(2);
    expect(slept.filter((ms) => ms === 12_000).length).toBeGreaterThanOrEqual(2);
  });

  it("gives up after the retry budget with a throttling error", async () => {
    const { collection } = await run(company(), {
      faults: [{ path: "/api/v1/users", times: 50, fault: { kind: "status", status: 429, body: {} } }],
      collect: { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/throttled: GET users: gave up after 3 attempts/);
  });

  it("skips and counts a user without an id", async () => {
    const seed = company();
    seed.users.push({ ...seedUser("noid@acme.example"), id: null });
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "user record 9" });
    expect(collection.inventory.accounts).toHaveLength(8);
  });

  it("a body without the users array fails the connection", async () => {
    const { collection } = await run(company(), {
      faults: [{ path: "/api/v1/users", fault: { kind: "body", body: '{"user": []}' } }],
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/does not match the documented shape at users/);
  });
});

describe("teamviewer doctor", () => {
  it("reports the user list readable, or names the missing token permission", async () => {
    emulator = await startTeamViewerEmulator({
      companies: [company(), company({ tokens: [{ token: "limited", permissions: [] }] })],
    });
    const connection = (ref: string) => ({
      type: "teamviewer",
      endpoint: `${emulator!.url}/api/v1`,
      auth: { method: "script-token", token: ref },
    });
    const ok = await doctorOf(connection("env:T"), { T: token });
    expect(ok.checks).toEqual([expect.objectContaining({ ok: true, detail: "readable (8 users)" })]);
    const denied = await doctorOf(connection("env:T"), { T: "limited" });
    expect(denied.checks[0]).toMatchObject({
      ok: false,
      missing: ["script token permission 'User management: View users'"],
    });
  });
});

describe("teamviewer demo", () => {
  it("seeds Contoso Dental: TFA enforced for all but the reception desk", async () => {
    const report = await scanDemo(teamviewer);
    expect(report.coverage.map((c) => [c.tenant, c.status])).toEqual([["contoso-dental", "complete"]]);
    const results = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    expect(results.filter((r) => r.status === "pass")).toHaveLength(3);
    expect(
      results.filter((r) => r.status !== "pass").map((r) => [r.subject.name, r.status, r.mfa?.state]),
    ).toEqual([["reception@contoso-dental.example", "fail", "none"]]);
  });
});
