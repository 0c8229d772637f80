import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import oktaAppSignOn from "../../../policies/okta-app-sign-on-requires-mfa.js";
import { allOktaScopes } from "../../../providers/okta/api.js";
import { needs, OktaClient } from "../../../providers/okta/client.js";
import { factor, scenarioOrg, seedOrg, seedUser } from "../../../providers/okta/emulator.js";
import { OktaSettings } from "../../../providers/okta/settings.js";
import type { TenantInventory } from "../../../src/model/index.js";
import { testContext } from "../../helpers/context.js";
import { contextOf } from "../../helpers/policy-tester.js";
import { closeAll, host, linked, rsaKeyPair, run, startEmulator, token } from "./harness.js";

afterEach(closeAll);

const at = "@acme.example";

/** An org with `n` active users who each have push: the factor calls dominate the request count. */
function manyUsers(n: number) {
  return seedOrg(host, token, () => ({
    users: Array.from({ length: n }, (_, i) => seedUser(`u${i}${at}`, { factors: [factor("push")] })),
  }));
}

describe("okta client isolation", () => {
  it("ignores OKTA_CLIENT_* variables, ~/.okta/okta.yaml and ./okta.yaml that point at another org", async () => {
    const other = await startEmulator({ orgs: [scenarioOrg("other.okta.example", "other-token")] });
    const home = mkdtempSync(join(tmpdir(), "okta-home-"));
    mkdirSync(join(home, ".okta"));
    writeFileSync(
      join(home, ".okta", "okta.yaml"),
      `okta:\n  client:\n    orgUrl: ${other.emulator.url}\n    token: other-token\n    authorizationMode: SSWS\n    userAgent: other-agent\n`,
    );
    // And a ./okta.yaml in the working directory, which the SDK reads too.
    const cwd = mkdtempSync(join(tmpdir(), "okta-cwd-"));
    writeFileSync(
      join(cwd, "okta.yaml"),
      `okta:\n  client:\n    orgUrl: ${other.emulator.url}\n    token: other-token\n    userAgent: other-agent\n`,
    );
    const savedCwd = process.cwd();
    process.chdir(cwd);
    // Set and restore key by key: replacing process.env with a copy would detach it from the real
    // environment that os.homedir() reads.
    const keys = [
      "HOME",
      "OKTA_CLIENT_ORGURL",
      "OKTA_CLIENT_TOKEN",
      "OKTA_CLIENT_AUTHORIZATIONMODE",
    ] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    process.env.HOME = home;
    process.env.OKTA_CLIENT_ORGURL = other.emulator.url;
    process.env.OKTA_CLIENT_TOKEN = "other-token";
    process.env.OKTA_CLIENT_AUTHORIZATIONMODE = "PrivateKey";
    try {
      const { collection, emulator } = await run(scenarioOrg(host, token));
      expect(collection.coverage.status).toBe("complete");
      expect(other.emulator.requests).toHaveLength(0);
      expect(emulator.requests.every((r) => r.headers.authorization === `SSWS ${token}`)).toBe(true);
      expect(
        emulator.requests.every((r) => r.headers["user-agent"]?.toString().startsWith("mfasweep ")),
      ).toBe(true);
    } finally {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      process.chdir(savedCwd);
    }
  });

  it("is not broken by an empty okta.yaml in the home directory", async () => {
    const home = mkdtempSync(join(tmpdir(), "okta-home-"));
    mkdirSync(join(home, ".okta"));
    writeFileSync(join(home, ".okta", "okta.yaml"), "");
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const { collection } = await run(scenarioOrg(host, token));
      expect(collection.coverage.status).toBe("complete");
    } finally {
      process.env.HOME = saved;
    }
  });

  it("never serves a request from the SDK's response cache", async () => {
    // The SDK's default cache keeps non-collection GETs by URL; the role assignees call is one.
    const { emulator } = await startEmulator({ orgs: [scenarioOrg(host, token)] });
    const settings = OktaSettings.parse({
      type: "okta",
      orgUrl: `https://${host}`,
      endpoint: emulator.url,
      auth: { method: "api-token", token: "env:T" },
    });
    const client = await OktaClient.connect(
      testContext(settings, { connectionId: "okta", env: { T: token } }),
    );
    for (let i = 0; i < 2; i++) {
      for await (const page of client.assigneePages(
        "assignees",
        "/api/v1/iam/assignees/users",
        { limit: "5" },
        needs.roles,
      ))
        expect(page).toHaveLength(2);
    }
    expect(emulator.requests.filter((r) => r.path === "/api/v1/iam/assignees/users")).toHaveLength(2);
  });
});

describe("okta private-key JWT (OAuth) through the SDK", () => {
  it("gets a token with the configured scopes and reads the org with Bearer auth", async () => {
    const keys = rsaKeyPair();
    const seed = {
      ...scenarioOrg(host, token),
      clients: [{ clientId: "0oaservice", publicKey: keys.publicPem, scopes: allOktaScopes }],
    };
    const { collection, emulator } = await run(seed, {
      settings: { auth: { method: "private-key", clientId: "0oaservice", privateKey: "env:OKTA_KEY" } },
      env: { OKTA_KEY: keys.privatePem },
    });
    expect(collection.coverage.status).toBe("complete");
    const grant = emulator.requests.find((r) => r.path === "/oauth2/v1/token");
    expect(new URLSearchParams(grant?.body).get("scope")?.split(" ").sort()).toEqual(
      [...allOktaScopes].sort(),
    );
    const api = emulator.requests.filter((r) => r.path.startsWith("/api/"));
    expect(api.every((r) => /^Bearer eyJemulator\./.test(String(r.headers.authorization)))).toBe(true);
    expect(emulator.requests.filter((r) => r.path === "/oauth2/v1/token")).toHaveLength(1);
  });

  it("reports a missing scope as a gap naming the scope, and keeps the rest", async () => {
    const keys = rsaKeyPair();
    const granted = allOktaScopes.filter((s) => s !== "okta.groups.read");
    const seed = {
      ...scenarioOrg(host, token),
      clients: [{ clientId: "0oaservice", publicKey: keys.publicPem, scopes: granted }],
    };
    const { collection } = await run(seed, {
      settings: { auth: { method: "private-key", clientId: "0oaservice", privateKey: "env:OKTA_KEY" } },
      env: { OKTA_KEY: keys.privatePem },
    });
    expect(collection.coverage.status).toBe("partial");
    const gaps = collection.coverage.gaps.map((g) => `${g.what}: ${g.reason}`).join("\n");
    expect(gaps).toMatch(/groups: permission missing: .*missing: okta\.groups\.read/);
    // Group membership unknown: verdicts that depend on it are unknown, not guessed.
    const inventory = linked(collection);
    const carl = inventory.accounts.find((a) => a.name === `carl.contractor${at}`)!;
    const signIn = inventory.accessPaths.find(
      (p) => p.accounts[0] === carl.id && p.entryPoint.endsWith(":sign-in"),
    );
    expect(signIn?.mfa.state).toBe("unknown");
    expect(signIn?.mfa.reason).toMatch(/could not read/);
  });

  it("fails the connection with an auth error when the key does not match", async () => {
    const registered = rsaKeyPair();
    const wrong = rsaKeyPair();
    const seed = {
      ...scenarioOrg(host, token),
      clients: [{ clientId: "0oaservice", publicKey: registered.publicPem, scopes: allOktaScopes }],
    };
    const { collection } = await run(seed, {
      settings: { auth: { method: "private-key", clientId: "0oaservice", privateKey: "env:OKTA_KEY" } },
      env: { OKTA_KEY: wrong.privatePem },
    });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/OAuth token request was refused/);
    expect(collection.coverage.reason).not.toContain("PRIVATE KEY");
  });
});

describe("okta errors", () => {
  it("fails the connection on 401 E0000011 without echoing the token", async () => {
    const { collection } = await run(scenarioOrg(host, token), { env: { TEST_OKTA_TOKEN: "00wrong-token" } });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /refused the credentials \(HTTP 401 E0000011 Invalid token provided/,
    );
    expect(collection.coverage.reason).not.toContain("00wrong-token");
  });

  it("turns 403 E0000006 on the role assignees into a gap and unknown admin status", async () => {
    const seed = scenarioOrg(host, token);
    seed.tokens = [{ token, denied: [/^\/api\/v1\/iam\//] }];
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.reason).toMatch(
      /permission missing: .*E0000006.*Read-Only Administrator/,
    );
    expect(collection.inventory.accounts.every((a) => a.admin.isAdmin === "unknown")).toBe(true);
    expect(collection.inventory.accessPaths.some((p) => p.entryPoint.endsWith(":admin-console"))).toBe(false);
  });

  it("apps refused (403): one 'apps not listed' entry point with an unknown path, judged unknown; apps read: none", async () => {
    const seed = scenarioOrg(host, token);
    seed.tokens = [{ token, denied: [/^\/api\/v1\/apps$/] }];
    const { collection } = await run(seed);
    expect(collection.coverage.gaps.map((g) => g.what)).toContain("apps");
    const unlisted = collection.inventory.entryPoints.find((e) => e.id.endsWith(":app:*"));
    expect(unlisted?.kind).toBe("app");
    const paths = collection.inventory.accessPaths.filter((p) => p.entryPoint === unlisted?.id);
    expect(paths.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(paths[0]?.mfa.reason).toMatch(/the apps could not be listed whole \(permission missing/);
    const inventory: TenantInventory = {
      tenant: { id: "t1", name: "T", role: "customer" },
      ...collection.inventory,
      coverage: [collection.coverage],
    };
    const results = oktaAppSignOn.evaluate(contextOf({ inventory, now: new Date(0), options: {} }));
    expect(results.filter((r) => r.subject.id === unlisted?.id).map((r) => r.status)).toEqual(["unknown"]);

    const read = await run(scenarioOrg(host, token));
    expect(read.collection.inventory.entryPoints.some((e) => e.id.endsWith(":app:*"))).toBe(false);
  });

  it("retries a 503 with backoff and completes", async () => {
    const { collection, slept } = await run(scenarioOrg(host, token), {
      emulator: { faults: [{ path: "/api/v1/users", times: 2, fault: { kind: "status", status: 503 } }] },
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(2);
    expect(slept).toHaveLength(2);
  });

  it("keeps going when one user's factors keep failing: that user is unknown, the others are decided", async () => {
    const seed = scenarioOrg(host, token);
    const pete = seed.users.find((u) => u.profile.login === `pete.push${at}`)!;
    const { collection } = await run(seed, {
      emulator: {
        faults: [
          { path: `/api/v1/users/${pete.id}/factors`, times: 99, fault: { kind: "status", status: 500 } },
        ],
      },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.what)).toContain("factors of 1 of 6 user(s)");
    const inventory = linked(collection);
    const account = inventory.accounts.find((a) => a.id === pete.id)!;
    expect(account.enrollment.enrolled).toBe("unknown");
    const vpn = inventory.entryPoints.find((e) => e.name === "FortiGate SSL VPN")!;
    const path = (user: string) =>
      inventory.accessPaths.find((p) => p.entryPoint === vpn.id && p.accounts[0] === user)!.mfa;
    expect(path(pete.id).state).toBe("unknown");
    expect(path(pete.id).reason).toMatch(/enrolled factors could not be read/);
    const sam = inventory.accounts.find((a) => a.name === `sam.sms${at}`)!;
    expect(path(sam.id).state).toBe("enforced");
  });

  it("treats a malformed policy list as a gap: every global-session verdict becomes unknown", async () => {
    const { collection } = await run(scenarioOrg(host, token), {
      emulator: {
        faults: [{ path: "/api/v1/policies", times: 3, fault: { kind: "body", body: '{"not": "a list"}' } }],
      },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.reason).join(" ")).toMatch(/expected a JSON array/);
    const inventory = linked(collection);
    const signIns = inventory.accessPaths.filter((p) => p.entryPoint.endsWith(":sign-in"));
    expect(signIns).toHaveLength(6);
    for (const p of signIns) {
      expect(p.mfa.state).toBe("unknown");
      expect(p.mfa.reason).toMatch(/global session policies could not be read/);
    }
  });

  it("refuses a next link to another host instead of sending the token there", async () => {
    const seed = manyUsers(3);
    const { collection, emulator } = await run(seed, {
      emulator: {
        faults: [
          {
            path: "/api/v1/users",
            times: 1,
            fault: {
              kind: "status",
              status: 200,
              headers: { link: '<http://evil.example/api/v1/users?after=x>; rel="next"' },
              body: [],
            },
          },
        ],
      },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.reason).join(" ")).toMatch(
      /links to another host \(evil\.example\); not followed/,
    );
    expect(emulator.requests.filter((r) => r.path === "/api/v1/users" && !r.query.filter)).toHaveLength(1);
  });
});

describe("okta rate limits", () => {
  it("retries a 429 after x-rate-limit-reset (from the response's Date), counting the retries", async () => {
    // Pauses only recorded here, so the budget is overrun as if another integration had spent it.
    const { collection, slept, emulator, quotas } = await run(manyUsers(20), {
      emulator: { rateLimits: { other: 10 } },
      pauses: "record",
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBeGreaterThan(0);
    expect(emulator.requests.length).toBe(collection.coverage.counts.requests);
    expect(slept).toHaveLength(collection.coverage.counts.retries);
    // Each wait is the time to the bucket's reset plus one second, never a generic backoff.
    for (const ms of slept) {
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(61_000);
      expect(ms % 1000).toBe(0);
    }
    expect(quotas.pauses.some((p) => p.domain === `okta:${host}:other`)).toBe(true);
    expect(collection.inventory.accounts.every((a) => a.enrollment.enrolled === true)).toBe(true);
  });

  it("pauses a bucket when x-rate-limit-remaining runs low, before any 429", async () => {
    // 30 factor calls plus policies, rules, zones and roles overrun a budget of 30 unless paused.
    const { collection, emulator, quotas } = await run(manyUsers(30), {
      emulator: { rateLimits: { other: 30 } },
      settings: { maxConcurrency: 4 },
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(0);
    expect(emulator.requests.length).toBe(collection.coverage.counts.requests);
    const paused = quotas.pauses.filter((p) => p.domain === `okta:${host}:other`);
    expect(paused.length).toBeGreaterThan(0);
    expect(paused[0]!.ms).toBeGreaterThan(0);
    expect(paused[0]!.ms).toBeLessThanOrEqual(61_000);
  });

  it("overruns the same budget when pauses are not honoured (the pause above is what holds)", async () => {
    const { collection } = await run(manyUsers(30), {
      emulator: { rateLimits: { other: 30 } },
      settings: { maxConcurrency: 4 },
      pauses: "record",
    });
    expect(collection.coverage.counts.retries).toBeGreaterThan(0);
  });

  it("keeps requests in flight under the org's concurrency limit", async () => {
    const { collection } = await run(manyUsers(40), {
      emulator: { concurrencyLimit: 4, holdMs: 5 },
      settings: { maxConcurrency: 4 },
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.retries).toBe(0);
  });

  it("gets throttled when allowed more in flight than the org takes (the limit above is what holds)", async () => {
    const { collection } = await run(manyUsers(40), {
      emulator: { concurrencyLimit: 4, holdMs: 5 },
      settings: { maxConcurrency: 12 },
    });
    expect(collection.coverage.counts.retries).toBeGreaterThan(0);
  });
});
