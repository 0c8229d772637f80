import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { TacticalRmmDatabase } from "../../../providers/tactical-rmm/client.js";
import {
  type LoadedSchema,
  loadTacticalRmmSchema,
  localServer,
  probeServer,
  type TrmmSeed,
} from "../../../providers/tactical-rmm/emulator.js";
import { tacticalRmm } from "../../../providers/tactical-rmm/index.js";
import { TacticalRmmSettings } from "../../../providers/tactical-rmm/settings.js";
import { type CollectOptions, collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import type { AccessPath } from "../../../src/model/index.js";
import { scan } from "../../../src/scan.js";
import { testContext } from "../../helpers/context.js";

/** The machine's PostgreSQL (trust auth, database `test`); each test loads its own schema and drops it. */
const server = { ...localServer, database: "test" };
const probe = await probeServer(server);
if (!probe.ok) {
  const why = `PostgreSQL not reachable at 127.0.0.1:5432 as postgres/test (${probe.reason})`;
  // CI has the server: there a missing server is a broken machine, not a reason to skip.
  if (process.env.CI) throw new Error(why);
  console.warn(`Skipping the Tactical RMM database tests: ${why}`);
}

const now = new Date("2026-11-24T12:00:00Z");
const day = 86_400_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function load(seed: TrmmSeed): Promise<LoadedSchema> {
  const loaded = await loadTacticalRmmSchema(server, seed);
  cleanups.push(loaded.drop);
  return loaded;
}

/** A throwaway login role, dropped after the test (roles are cluster-wide: unique names). */
async function role(loaded: LoadedSchema, options: string, grants: string[] = []): Promise<string> {
  const name = `mfasweep_role_${randomBytes(5).toString("hex")}`;
  await loaded.admin.query(`CREATE ROLE ${name} ${options}`);
  for (const grant of grants) await loaded.admin.query(grant.replaceAll("$ROLE", name));
  cleanups.push(async () => {
    const admin = new Client(server);
    await admin.connect();
    try {
      await admin.query(`DROP OWNED BY ${name}`);
      await admin.query(`DROP ROLE ${name}`);
    } finally {
      await admin.end();
    }
  });
  return name;
}

function settings(schema: string, extra: Record<string, unknown> = {}) {
  return TacticalRmmSettings.parse({
    type: "tactical-rmm",
    database: { host: "127.0.0.1", port: 5432, name: "test", user: "postgres", ssl: "disable" },
    schema,
    ...extra,
  });
}

async function collect(
  parsed: TacticalRmmSettings,
  options: Partial<CollectOptions> = {},
  tenant = `t${randomBytes(4).toString("hex")}`,
) {
  const slept: number[] = [];
  const collection = await collectConnection(
    { id: tenant, name: "Tenant" },
    { id: "trmm", type: "tactical-rmm", settings: parsed },
    {
      quotas: new QuotaRegistry(false),
      sleep: async (ms) => {
        slept.push(ms);
      },
      retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 },
      now,
      ...options,
    },
  );
  return { ...collection, slept, tenant };
}

const byUser = (paths: AccessPath[], id: string) => paths.filter((p) => p.accounts.includes(id));

/** The portfolio of cases: every kind of user and key the mapping distinguishes. */
const seed: TrmmSeed = {
  roles: [{ name: "Admins", superuser: true }, { name: "Technicians" }],
  blockLocalUserLogon: false,
  users: [
    { username: "ann", email: "ann@acme.example", totp: "JBSWY3DPEHPK3PXPSECRETVALUE", role: "Technicians" },
    {
      username: "bob",
      email: "bob@acme.example",
      role: "Technicians",
      lastLogin: new Date(now.getTime() - day),
    },
    { username: "cat", email: "cat@acme.example", totp: "", role: "Admins" },
    { username: "dan", role: "Technicians", sso: [{ provider: "Entra", uid: "dan-oid" }] },
    { username: "eve", active: false },
    { username: "fay", blockDashboard: true, totp: false },
    { username: "gus", passkeys: 2 },
    { username: "installer", installer: true, blockDashboard: true },
    { username: "agent-42", agent: true },
    { username: "root", superuser: true, totp: true },
  ],
  ssoApps: [
    {
      name: "Entra",
      providerId: "Entra",
      clientId: "6c1f9d0e-2b3a-4c5d-8e7f-0a1b2c3d4e5f",
      serverUrl: "https://login.microsoftonline.com/0f1e2d3c/v2.0",
    },
  ],
  apiKeys: [
    { name: "forever", user: "bob", expiration: null },
    { name: "expired", user: "bob", expiration: new Date(now.getTime() - day) },
    { name: "soon", user: "root", expiration: new Date(now.getTime() + 30 * day) },
    { name: "dead-user", user: "eve", expiration: null },
  ],
};

describe.skipIf(!probe.ok)("tactical-rmm provider against a real PostgreSQL", () => {
  it("maps TOTP, SSO, blocked, inactive, service and agent users and API keys", async () => {
    const loaded = await load(seed);
    const c = await collect(settings(loaded.schema, { console: "https://rmm.acme.example" }));
    expect(c.coverage.status, JSON.stringify(c.coverage)).toBe("complete");
    // Everything read: every path is someone's, none stands for an unread part.
    expect(c.inventory.accessPaths.every((p) => p.accounts.length > 0)).toBe(true);
    const inv = c.inventory;
    const acct = (name: string) => inv.accounts.find((a) => a.name === name);
    // Agents are not people; everyone else is an account.
    expect(inv.accounts.map((a) => a.name).sort()).toEqual(
      ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "installer", "root"].sort(),
    );
    expect(c.coverage.notes.join("\n")).toContain("1 agent account(s) skipped");
    expect(acct("installer")?.kind).toBe("service");
    // Dashboard login blocked: an API-only user, not a technician who signs in.
    expect(acct("fay")?.kind).toBe("service");
    expect(acct("bob")?.kind).toBe("technician");
    expect(acct("eve")?.status).toBe("disabled");
    expect(acct("cat")?.admin.isAdmin).toBe(true);
    expect(acct("cat")?.admin.roles).toEqual(["Admins"]);
    expect(acct("bob")?.admin.isAdmin).toBe(false);
    expect(acct("root")?.admin.roles).toContain("superuser");
    expect(acct("ann")?.email).toBe("ann@acme.example");
    expect(acct("bob")?.lastSignIn).toBe(new Date(now.getTime() - day).toISOString());

    const dashboard = inv.entryPoints.find((e) => e.kind === "rmm-console");
    expect(dashboard?.name).toBe("Tactical RMM https://rmm.acme.example");
    const onDashboard = inv.accessPaths.filter((p) => p.entryPoint === dashboard?.id);
    const state = (name: string) => byUser(onDashboard, acct(name)?.id ?? "?").map((p) => p.mfa.state);
    expect(state("ann")).toEqual(["enforced"]);
    expect(byUser(onDashboard, acct("ann")!.id)[0]?.mfa.strength).toBe("app");
    expect(state("bob")).toEqual(["none"]);
    // An empty string is as good as no secret (`if not user.totp_key`).
    expect(state("cat")).toEqual(["none"]);
    expect(state("gus")).toEqual(["unknown"]);
    expect(state("eve")).toEqual([]);
    expect(state("fay")).toEqual([]);
    expect(state("installer")).toEqual([]);
    expect(state("root")).toEqual(["enforced"]);

    const sso = byUser(onDashboard, acct("dan")!.id);
    expect(sso).toHaveLength(1);
    expect(sso[0]?.mfa.state).toBe("unknown");
    expect(sso[0]?.mfa.reason).toContain("signs in through SSO");
    expect(sso[0]?.chain.delegation).toEqual({
      protocol: "oidc",
      target: "6c1f9d0e-2b3a-4c5d-8e7f-0a1b2c3d4e5f",
      targetSource: "entra",
    });

    // API keys: facts for all four; a way in only for the two a request could still use.
    const facts = inv.facts.filter((f) => f.kind === "tactical-rmm-api-key");
    expect(facts.map((f) => (f.data as { name: string }).name).sort()).toEqual(
      ["dead-user", "expired", "forever", "soon"].sort(),
    );
    const api = inv.entryPoints.find((e) => e.id.endsWith(":api"));
    const keyPaths = inv.accessPaths.filter((p) => p.entryPoint === api?.id);
    expect(keyPaths.map((p) => p.mfa.reason.match(/'([^']+)'/)?.[1]).sort()).toEqual(["forever", "soon"]);
    expect(keyPaths.every((p) => p.mfa.state === "none")).toBe(true);

    // Secrets never leave the database: not the TOTP secret, not an API key.
    const text = JSON.stringify(c);
    expect(text).not.toContain("JBSWY3DPEHPK3PXP");
    const keys = await loaded.admin.query("SELECT key FROM accounts_apikey");
    for (const row of keys.rows) expect(text).not.toContain(row.key);
    const appSecret = await loaded.admin.query("SELECT secret FROM socialaccount_socialapp");
    expect(text).not.toContain(appSecret.rows[0].secret);
  });

  it("closes its session, after success and after failure", async () => {
    const loaded = await load(seed);
    const ok = await collect(settings(loaded.schema));
    const bad = await collect(settings(`${loaded.schema}_missing`));
    expect(ok.coverage.status).toBe("complete");
    expect(bad.coverage.status).toBe("failed");
    expect(bad.coverage.reason).toMatch(/no accounts_user table/);
    const open = await loaded.admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ANY($1::text[])",
      [[`mfasweep/${ok.tenant}/trmm`, `mfasweep/${bad.tenant}/trmm`]],
    );
    expect(open.rows[0].n).toBe(0);
  });

  it("pages users 500 at a time and counts each statement", async () => {
    const loaded = await load({
      users: Array.from({ length: 1203 }, (_, i) => ({ username: `tech${i}`, totp: i % 2 === 0 })),
    });
    const c = await collect(settings(loaded.schema));
    expect(c.coverage.status).toBe("complete");
    expect(c.inventory.accounts).toHaveLength(1203);
    expect(new Set(c.inventory.accounts.map((a) => a.id)).size).toBe(1203);
    expect(c.inventory.accessPaths.filter((p) => p.mfa.state === "none")).toHaveLength(601);
    // connect, schema usage, catalog, users ×3, API keys, SSO links, passkeys, core settings.
    expect(c.coverage.counts.requests).toBe(10);
  });

  it("a malformed row at the end of a full page does not stop the paging", async () => {
    const loaded = await load({ users: Array.from({ length: 501 }, (_, i) => ({ username: `tech${i}` })) });
    await loaded.admin.query("UPDATE accounts_user SET username = '' WHERE username = 'tech499'");
    const c = await collect(settings(loaded.schema));
    expect(c.coverage.counts.skipped).toBe(1);
    expect(c.inventory.accounts).toHaveLength(500);
    expect(c.inventory.accounts.map((a) => a.name)).toContain("tech500");
  });

  it("reads older versions: no SSO tables, no passkeys, no local-logon setting", async () => {
    const loaded = await load({
      ...seed,
      version: "2021",
      ssoApps: [],
      users: seed.users.map((u) => ({ ...u, sso: [], passkeys: 0 })),
    });
    const c = await collect(settings(loaded.schema));
    expect(c.coverage.status).toBe("complete");
    const notes = c.coverage.notes.join("\n");
    expect(notes).toContain("socialaccount_socialaccount not found");
    expect(notes).toContain("accounts_webauthncredential not found");
    expect(notes).toContain("block_local_user_logon not readable");
    expect(c.inventory.accessPaths.some((p) => p.mfa.state === "none")).toBe(true);
  });

  it("honours block_local_user_logon: only superusers keep a password sign-in", async () => {
    const loaded = await load({ ...seed, blockLocalUserLogon: true });
    const c = await collect(settings(loaded.schema));
    const names = new Map(c.inventory.accounts.map((a) => [a.id, a.name]));
    const local = c.inventory.accessPaths
      .filter((p) => p.entryPoint.endsWith(":dashboard") && !p.chain.delegation)
      .map((p) => names.get(p.accounts[0]!));
    expect(local).toEqual(["root"]);
    const status = Object.fromEntries(c.inventory.accounts.map((a) => [a.name, a.status]));
    expect(status).toMatchObject({
      ann: "locked",
      bob: "locked",
      dan: "active",
      root: "active",
      eve: "disabled",
    });
    expect(c.coverage.notes.join("\n")).toMatch(/non-superuser\(s\) without SSO have no dashboard path/);
  });

  it("refuses writes: the session is read-only", async () => {
    const loaded = await load(seed);
    const parsed = settings(loaded.schema);
    const ctx = testContext(parsed, { connectionId: "trmm", now });
    const db = await TacticalRmmDatabase.open(ctx);
    try {
      await expect(db.query("write", "INSERT INTO accounts_role (name) VALUES ('x')", [])).rejects.toThrow(
        /read-only transaction/,
      );
      await expect(db.query("ddl", "DROP TABLE accounts_apikey", [])).rejects.toThrow(
        /read-only transaction/,
      );
    } finally {
      await db.close();
    }
    const count = await loaded.admin.query("SELECT count(*)::int AS n FROM accounts_role WHERE name = 'x'");
    expect(count.rows[0].n).toBe(0);
  });

  it("auth failure: a refused login fails at once, without retries", async () => {
    const loaded = await load(seed);
    const c = await collect(
      settings(loaded.schema, {
        database: {
          host: "127.0.0.1",
          name: "test",
          user: `nobody_${randomBytes(4).toString("hex")}`,
          ssl: "disable",
        },
      }),
    );
    expect(c.coverage.status).toBe("failed");
    expect(c.coverage.reason).toMatch(/refused the login.*does not exist/);
    expect(c.coverage.counts.retries).toBe(0);
    expect(c.slept).toEqual([]);
  });

  it("permissions: a role without the user columns is told the GRANT; without API keys it is partial", async () => {
    const loaded = await load(seed);
    const s = loaded.schema;
    const noTotp = await role(loaded, "LOGIN", [
      `GRANT USAGE ON SCHEMA ${s} TO $ROLE`,
      `GRANT SELECT (id, username, email, is_active, is_superuser, last_login) ON ${s}.accounts_user TO $ROLE`,
    ]);
    const denied = await collect(
      settings(s, { database: { host: "127.0.0.1", name: "test", user: noTotp, ssl: "disable" } }),
    );
    expect(denied.coverage.status).toBe("failed");
    expect(denied.coverage.reason).toMatch(/^permission missing: /);
    expect(denied.coverage.reason).toContain("totp_key");
    expect(denied.coverage.reason).toContain("GRANT SELECT (id, username, email");

    const noKeys = await role(loaded, "LOGIN", [
      `GRANT USAGE ON SCHEMA ${s} TO $ROLE`,
      `GRANT SELECT (id, username, first_name, last_name, email, is_active, is_superuser, last_login, totp_key, block_dashboard_login, is_installer_user, agent_id, role_id) ON ${s}.accounts_user TO $ROLE`,
      `GRANT SELECT (id, name, is_superuser) ON ${s}.accounts_role TO $ROLE`,
      `GRANT SELECT ON ${s}.socialaccount_socialaccount, ${s}.socialaccount_socialapp, ${s}.accounts_webauthncredential TO $ROLE`,
      `GRANT SELECT (id, block_local_user_logon) ON ${s}.core_coresettings TO $ROLE`,
    ]);
    const partial = await collect(
      settings(s, { database: { host: "127.0.0.1", name: "test", user: noKeys, ssl: "disable" } }),
    );
    expect(partial.coverage.status).toBe("partial");
    expect(partial.coverage.gaps.map((g) => g.what)).toEqual(["API keys"]);
    expect(partial.coverage.gaps[0]?.reason).toContain(
      "GRANT SELECT (id, name, expiration, user_id, created_time) ON accounts_apikey",
    );
    // Everything else was read through the column grants alone.
    expect(partial.inventory.accessPaths.some((p) => p.chain.delegation?.targetSource === "entra")).toBe(
      true,
    );
    // The API keys did not vanish: the API entry point stays, with one unknown path naming the GRANT.
    const unreadKeys = partial.inventory.accessPaths.filter((p) => p.accounts.length === 0);
    expect(unreadKeys).toEqual([
      expect.objectContaining({
        id: `${partial.inventory.entryPoints.find((e) => e.kind === "app")?.id}/unread/api-keys`,
        chain: { factors: ["api-key"] },
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringContaining("the API keys could not be read (columns "),
        }),
      }),
    ]);

    // Only the required user columns: optional ones read as unset, and each gap says which GRANT adds them.
    const minimal = await role(loaded, "LOGIN", [
      `GRANT USAGE ON SCHEMA ${s} TO $ROLE`,
      `GRANT SELECT (id, username, email, is_active, is_superuser, last_login, totp_key) ON ${s}.accounts_user TO $ROLE`,
    ]);
    const thin = await collect(
      settings(s, { database: { host: "127.0.0.1", name: "test", user: minimal, ssl: "disable" } }),
    );
    expect(thin.coverage.status).toBe("partial");
    expect(thin.coverage.gaps.map((g) => g.what)).toEqual([
      "accounts_user first_name, last_name, block_dashboard_login, is_installer_user, agent_id, role_id",
      "technician roles",
      "API keys",
      "SSO links",
      "passkeys",
    ]);
    expect(thin.inventory.accounts.find((a) => a.name === "cat")?.admin.isAdmin).toBe("unknown");
    // dan's SSO link was not read: his Entra way in is one unknown path, not nothing.
    expect(
      thin.inventory.accessPaths
        .filter((p) => p.accounts.length === 0)
        .map((p) => [p.id.split("/unread/")[1], p.mfa.state]),
    ).toEqual([
      ["sso-links", "unknown"],
      ["api-keys", "unknown"],
    ]);

    const database = { host: "127.0.0.1", name: "test", user: noKeys, ssl: "disable" };
    const doctor = await tacticalRmm.doctor?.(
      testContext(settings(s, { database }), { connectionId: "trmm", now }),
    );
    const failed = doctor?.filter((d) => !d.ok) ?? [];
    expect(failed.map((d) => d.check)).toEqual([`SELECT ${s}.accounts_apikey`]);
    expect(failed[0]?.missing?.[0]).toMatch(
      /^GRANT SELECT \(id, name, expiration, user_id, created_time\) ON accounts_apikey/,
    );
  });

  it("too many connections (53300) is throttling: backs off, then gives up", async () => {
    const loaded = await load(seed);
    const limited = await role(loaded, "LOGIN CONNECTION LIMIT 0");
    const c = await collect(
      settings(loaded.schema, {
        database: { host: "127.0.0.1", name: "test", user: limited, ssl: "disable" },
      }),
    );
    expect(c.coverage.status).toBe("failed");
    expect(c.coverage.reason).toMatch(/^throttled: .*gave up after 3 attempts \(53300/);
    expect(c.coverage.counts.retries).toBe(2);
    // Each backoff is waited once by the retry and once by the paused quota domain.
    expect(c.slept.length).toBeGreaterThanOrEqual(2);
  });

  it("a statement that hits the timeout is retried, then becomes a gap for that part", async () => {
    const loaded = await load(seed);
    // Another session holds the API key table: our SELECT waits until statement_timeout cancels it.
    const locker = new Client(server);
    await locker.connect();
    cleanups.push(async () => {
      await locker.query("ROLLBACK").catch(() => {});
      await locker.end();
    });
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE ${loaded.schema}.accounts_apikey IN ACCESS EXCLUSIVE MODE`);
    const c = await collect(settings(loaded.schema, { timeoutSeconds: 0.3 }), {
      retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 10 },
    });
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps).toHaveLength(1);
    expect(c.coverage.gaps[0]?.what).toBe("API keys");
    expect(c.coverage.gaps[0]?.reason).toMatch(/gave up after 2 attempts \(57014 statement timeout\)/);
    expect(c.inventory.accounts.length).toBeGreaterThan(0);
    expect(c.inventory.accessPaths.find((p) => p.id.endsWith("/unread/api-keys"))?.mfa).toMatchObject({
      state: "unknown",
      reason: expect.stringMatching(/57014 statement timeout/),
    });
  });

  it("malformed rows are skipped and counted; the rest is read", async () => {
    const loaded = await load(seed);
    await loaded.admin.query("ALTER TABLE accounts_user ALTER COLUMN is_active DROP NOT NULL");
    await loaded.admin.query("UPDATE accounts_user SET is_active = NULL WHERE username = 'bob'");
    await loaded.admin.query("UPDATE accounts_user SET username = '' WHERE username = 'ann'");
    const c = await collect(settings(loaded.schema));
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.counts.skipped).toBe(2);
    expect(c.coverage.gaps.map((g) => g.what).join("\n")).toMatch(/users row \d+ id=\d+/);
    expect(c.coverage.gaps.map((g) => g.reason).join("\n")).toMatch(/is_active/);
    expect(c.inventory.accounts.map((a) => a.name)).not.toContain("bob");
    expect(c.inventory.accounts.map((a) => a.name)).toContain("cat");
  });

  it("reads the password and the URL only through secret references", async () => {
    const loaded = await load(seed);
    const missing = await collect(
      settings(loaded.schema, {
        database: {
          host: "127.0.0.1",
          name: "test",
          user: "postgres",
          password: "env:TRMM_DB_PASSWORD",
          ssl: "disable",
        },
      }),
      { env: {} },
    );
    expect(missing.coverage.status).toBe("failed");
    expect(missing.coverage.reason).toBe(
      "environment variable TRMM_DB_PASSWORD is not set (env:TRMM_DB_PASSWORD)",
    );
    const url = await collect(
      TacticalRmmSettings.parse({ type: "tactical-rmm", url: "env:TRMM_URL", schema: loaded.schema }),
      {
        env: { TRMM_URL: "postgres://postgres:not-checked-by-trust@127.0.0.1:5432/test" },
      },
    );
    expect(url.coverage.status).toBe("complete");
    expect(JSON.stringify(url)).not.toContain("not-checked-by-trust");
  });

  it("runs through scan: a never-expiring API key and a technician without TOTP are findings", async () => {
    const loaded = await load(seed);
    const { config } = parseConfig(
      [
        "tenants:",
        "  - id: acme",
        "    name: Acme",
        "    connections:",
        "      - type: tactical-rmm",
        `        schema: ${loaded.schema}`,
        "        database: { host: 127.0.0.1, name: test, user: postgres, ssl: disable }",
      ].join("\n"),
      "t.yaml",
      now,
    );
    const report = await scan(config, { now, enforceQuotas: false });
    const keys = report.results.filter((r) => r.policy === "tactical-rmm-api-keys-expire");
    expect(keys.find((r) => r.subject.name.includes("forever"))?.status).toBe("fail");
    expect(keys.find((r) => r.subject.name.includes("soon"))?.status).toBe("pass");
    const technicians = Object.fromEntries(
      report.results
        .filter((r) => r.policy === "rmm-technician-mfa-enforced")
        .map((r) => [r.subject.name, [r.status, r.severity]]),
    );
    expect(technicians).toEqual({
      ann: ["pass", "critical"],
      bob: ["fail", "high"],
      cat: ["fail", "critical"],
      dan: ["unknown", "high"],
      gus: ["unknown", "high"],
      root: ["pass", "critical"],
    });
    expect(report.coverage[0]?.status).toBe("complete");
  });
});

describe("tactical-rmm provider without a server", () => {
  it("a refused connection is transient: retried with backoff, then unavailable", async () => {
    const c = await collect(
      TacticalRmmSettings.parse({
        type: "tactical-rmm",
        database: { host: "127.0.0.1", port: 1, name: "x", user: "x", ssl: "disable" },
      }),
    );
    expect(c.coverage.status).toBe("failed");
    expect(c.coverage.reason).toMatch(/^connect .*gave up after 3 attempts \(ECONNREFUSED/);
    expect(c.slept).toHaveLength(2);
  });

  it("the config needs exactly one of database and url", () => {
    expect(() => TacticalRmmSettings.parse({ type: "tactical-rmm" })).toThrow(/exactly one of/);
    expect(() =>
      TacticalRmmSettings.parse({
        type: "tactical-rmm",
        url: "env:X",
        database: { host: "h", user: "u" },
      }),
    ).toThrow(/exactly one of/);
    expect(() => TacticalRmmSettings.parse({ type: "tactical-rmm", url: "postgres://u:p@h/db" })).toThrow(
      /env:NAME or file:PATH/,
    );
    expect(() =>
      TacticalRmmSettings.parse({ type: "tactical-rmm", url: "env:X", schema: "public; DROP" }),
    ).toThrow(/plain lowercase schema name/);
  });
});
