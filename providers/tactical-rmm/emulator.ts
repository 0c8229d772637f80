import { randomBytes } from "node:crypto";
import { Client, type ClientConfig } from "pg";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * A throwaway stand-in for Tactical RMM's database: creates a fresh schema in a real PostgreSQL server with
 * the tables and columns of Tactical RMM's Django models (accounts_user with AbstractUser's columns,
 * accounts_role, accounts_apikey, accounts_webauthncredential, core_coresettings) and django-allauth's
 * socialaccount tables, seeds it, and drops it again. For tests and the demo; it writes, so it never
 * runs against a customer's database.
 */

export interface TrmmUserSeed {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  active?: boolean;
  superuser?: boolean;
  /** true: a random TOTP secret; a string: that secret; false/absent: none. `""` stores an empty string. */
  totp?: boolean | string;
  blockDashboard?: boolean;
  installer?: boolean;
  /** An agent's user account (agent_id set). */
  agent?: boolean;
  role?: string;
  lastLogin?: Date;
  passkeys?: number;
  /** SSO links: the provider id of an app in `ssoApps`, and the subject at the identity provider. */
  sso?: Array<{ provider: string; uid: string }>;
}

export interface TrmmSeed {
  roles?: Array<{ name: string; superuser?: boolean }>;
  users: TrmmUserSeed[];
  apiKeys?: Array<{ name: string; user: string; expiration?: Date | null }>;
  /** OpenID Connect providers as Tactical RMM creates them (ee/sso/views.py). */
  ssoApps?: Array<{ name: string; providerId: string; clientId: string; serverUrl: string }>;
  blockLocalUserLogon?: boolean;
  /**
   * Which version's schema: `current` has everything; `2023` predates passkeys, block_local_user_logon and
   * allauth's provider_id/settings columns; `2021` also has no SSO tables.
   */
  version?: "current" | "2023" | "2021";
}

/** Columns as Django creates them on PostgreSQL (types per field; BaseAuditModel adds the audit columns). */
function ddl(version: NonNullable<TrmmSeed["version"]>): string[] {
  const audit =
    "created_by varchar(255) NULL, created_time timestamptz NULL, modified_by varchar(255) NULL, modified_time timestamptz NULL";
  const statements = [
    `CREATE TABLE accounts_role (id serial PRIMARY KEY, ${audit}, name varchar(255) NOT NULL UNIQUE, is_superuser boolean NOT NULL DEFAULT false, can_list_agents boolean NOT NULL DEFAULT false, can_use_mesh boolean NOT NULL DEFAULT false, can_manage_accounts boolean NOT NULL DEFAULT false, can_manage_api_keys boolean NOT NULL DEFAULT false)`,
    `CREATE TABLE accounts_user (id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL, is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamptz NOT NULL, ${audit}, block_dashboard_login boolean NOT NULL DEFAULT false, totp_key varchar(50) NULL, dark_mode boolean NOT NULL DEFAULT true, show_community_scripts boolean NOT NULL DEFAULT true, date_format varchar(30) NULL, is_installer_user boolean NOT NULL DEFAULT false, last_login_ip inet NULL, agent_id integer NULL UNIQUE, role_id integer NULL REFERENCES accounts_role(id))`,
    `CREATE TABLE accounts_apikey (id serial PRIMARY KEY, ${audit}, name varchar(25) NOT NULL UNIQUE, key varchar(48) NOT NULL UNIQUE, expiration timestamptz NULL, user_id integer NOT NULL REFERENCES accounts_user(id))`,
    `CREATE TABLE core_coresettings (id serial PRIMARY KEY, ${audit}, default_time_zone varchar(255) NOT NULL DEFAULT 'America/Los_Angeles'${version === "current" ? ", block_local_user_logon boolean NOT NULL DEFAULT false" : ""})`,
  ];
  if (version === "current")
    statements.push(
      `CREATE TABLE accounts_webauthncredential (id serial PRIMARY KEY, ${audit}, credential_id varchar(512) NOT NULL UNIQUE, public_key bytea NOT NULL, sign_count bigint NOT NULL DEFAULT 0, transports varchar(255) NULL, nickname varchar(100) NULL, device_id varchar(128) NULL, last_used_at timestamptz NULL, user_id integer NOT NULL REFERENCES accounts_user(id))`,
    );
  if (version !== "2021") {
    const appExtra =
      version === "current"
        ? ", provider_id varchar(200) NOT NULL DEFAULT '', settings jsonb NOT NULL DEFAULT '{}'"
        : "";
    statements.push(
      `CREATE TABLE socialaccount_socialapp (id serial PRIMARY KEY, provider varchar(30) NOT NULL, name varchar(40) NOT NULL, client_id varchar(191) NOT NULL, secret varchar(191) NOT NULL, key varchar(191) NOT NULL DEFAULT ''${appExtra})`,
      `CREATE TABLE socialaccount_socialaccount (id serial PRIMARY KEY, provider varchar(200) NOT NULL, uid varchar(191) NOT NULL, last_login timestamptz NOT NULL DEFAULT now(), date_joined timestamptz NOT NULL DEFAULT now(), extra_data jsonb NOT NULL DEFAULT '{}', user_id integer NOT NULL REFERENCES accounts_user(id), UNIQUE (provider, uid))`,
    );
  }
  return statements;
}

const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function randomTotpSecret(): string {
  return [...randomBytes(32)].map((b) => base32[b % 32]).join("");
}

export interface LoadedSchema {
  schema: string;
  /** A writable admin session on the same server, with `search_path` set to the schema (tests only). */
  admin: Client;
  drop(): Promise<void>;
}

/**
 * Creates `mfasweep_<purpose>_<random>` and loads the seed. The caller owns the returned admin session
 * and must `drop()`, which removes the schema and closes the session.
 */
export async function loadTacticalRmmSchema(
  server: ClientConfig,
  seed: TrmmSeed,
  purpose = "test",
): Promise<LoadedSchema> {
  const schema = `mfasweep_${purpose}_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ ...server, application_name: "mfasweep-emulator" });
  admin.on("error", () => {});
  await admin.connect();
  const drop = async () => {
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end().catch(() => {});
    }
  };
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query("SELECT set_config('search_path', $1, false)", [schema]);
    const version = seed.version ?? "current";
    for (const statement of ddl(version)) await admin.query(statement);
    await admin.query(
      version === "current"
        ? "INSERT INTO core_coresettings (block_local_user_logon) VALUES ($1)"
        : "INSERT INTO core_coresettings DEFAULT VALUES",
      version === "current" ? [seed.blockLocalUserLogon ?? false] : [],
    );
    const roleIds = new Map<string, number>();
    for (const role of seed.roles ?? []) {
      const r = await admin.query(
        "INSERT INTO accounts_role (name, is_superuser) VALUES ($1, $2) RETURNING id",
        [role.name, role.superuser ?? false],
      );
      roleIds.set(role.name, r.rows[0].id as number);
    }
    // One statement for all users (unnest of column arrays), so 1,000+ users load in milliseconds.
    const u = seed.users;
    const inserted = await admin.query(
      `INSERT INTO accounts_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, block_dashboard_login, totp_key, is_installer_user, agent_id, role_id)
       SELECT '!', t.last_login, t.su, t.username, t.first_name, t.last_name, t.email, false, t.active, now(), t.blocked, t.totp, t.installer, t.agent, t.role
       FROM unnest($1::timestamptz[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::boolean[], $9::text[], $10::boolean[], $11::int[], $12::int[])
         AS t(last_login, su, username, first_name, last_name, email, active, blocked, totp, installer, agent, role)
       RETURNING id, username`,
      [
        u.map((x) => x.lastLogin ?? null),
        u.map((x) => x.superuser ?? false),
        u.map((x) => x.username),
        u.map((x) => x.firstName ?? ""),
        u.map((x) => x.lastName ?? ""),
        u.map((x) => x.email ?? ""),
        u.map((x) => x.active ?? true),
        u.map((x) => x.blockDashboard ?? false),
        u.map((x) => (typeof x.totp === "string" ? x.totp : x.totp ? randomTotpSecret() : null)),
        u.map((x) => x.installer ?? false),
        u.map((x, i) => (x.agent ? 1000 + i : null)),
        u.map((x) => (x.role ? (roleIds.get(x.role) ?? null) : null)),
      ],
    );
    const userIds = new Map<string, number>(
      inserted.rows.map((r: { id: number; username: string }) => [r.username, r.id]),
    );
    const idOf = (username: string) => {
      const id = userIds.get(username);
      if (id === undefined) throw new Error(`seed names unknown user ${username}`);
      return id;
    };
    for (const user of u) {
      for (let i = 0; i < (user.passkeys ?? 0); i++)
        await admin.query(
          "INSERT INTO accounts_webauthncredential (credential_id, public_key, user_id) VALUES ($1, $2, $3)",
          [randomBytes(16).toString("base64url"), randomBytes(65), idOf(user.username)],
        );
      for (const link of user.sso ?? [])
        await admin.query(
          "INSERT INTO socialaccount_socialaccount (provider, uid, user_id) VALUES ($1, $2, $3)",
          [link.provider, link.uid, idOf(user.username)],
        );
    }
    for (const app of seed.ssoApps ?? []) {
      if (version === "current")
        await admin.query(
          "INSERT INTO socialaccount_socialapp (provider, provider_id, name, client_id, secret, settings) VALUES ('openid_connect', $1, $2, $3, $4, $5)",
          [
            app.providerId,
            app.name,
            app.clientId,
            randomBytes(16).toString("hex"),
            { server_url: app.serverUrl },
          ],
        );
      else
        await admin.query(
          "INSERT INTO socialaccount_socialapp (provider, name, client_id, secret) VALUES ($1, $2, $3, $4)",
          [app.providerId, app.name, app.clientId, randomBytes(16).toString("hex")],
        );
    }
    for (const key of seed.apiKeys ?? [])
      await admin.query(
        "INSERT INTO accounts_apikey (name, key, expiration, user_id) VALUES ($1, $2, $3, $4)",
        [key.name, randomBytes(16).toString("hex").toUpperCase(), key.expiration ?? null, idOf(key.user)],
      );
  } catch (err) {
    await drop();
    throw err;
  }
  return { schema, admin, drop };
}

/** The loopback server the tests and the demo use (the machine's PostgreSQL, trust authentication). */
export const localServer: ClientConfig = {
  host: "127.0.0.1",
  port: 5432,
  user: "postgres",
  database: "postgres",
  connectionTimeoutMillis: 1000,
};

/** Whether a PostgreSQL server answers with `server`'s credentials; the reason when not. */
export async function probeServer(
  server: ClientConfig,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new Client({ ...server, connectionTimeoutMillis: server.connectionTimeoutMillis ?? 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message || err.constructor.name : String(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

const day = 86_400_000;

/** Fabrikam Legal runs Tactical RMM: one admin with TOTP, one technician without, one SSO user, two API keys. */
export function demoSeed(domain: string, now: Date): TrmmSeed {
  return {
    roles: [{ name: "Technicians" }],
    users: [
      { username: "fl-admin", email: `it-admin@${domain}`, superuser: true, totp: true, lastLogin: now },
      {
        username: "jsmith",
        email: `j.smith@${domain}`,
        firstName: "John",
        lastName: "Smith",
        role: "Technicians",
        lastLogin: new Date(now.getTime() - 3 * day),
      },
      {
        username: "mbrown",
        email: `m.brown@${domain}`,
        firstName: "Mia",
        lastName: "Brown",
        role: "Technicians",
        sso: [{ provider: "Entra", uid: "9a1f3c52-6f0e-4d7e-9a59-1b2c3d4e5f60" }],
      },
      { username: "old-tech", email: `old.tech@${domain}`, active: false, role: "Technicians" },
      { username: "3f2a9c1e7b5d4e6f8a0b1c2d3e4f5a6b", installer: true, blockDashboard: true },
    ],
    ssoApps: [
      {
        name: "Entra",
        providerId: "Entra",
        clientId: "6c1f9d0e-2b3a-4c5d-8e7f-0a1b2c3d4e5f",
        serverUrl: "https://login.microsoftonline.com/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/v2.0",
      },
    ],
    apiKeys: [
      { name: "psa-sync", user: "fl-admin", expiration: null },
      { name: "backup-report", user: "jsmith", expiration: new Date(now.getTime() + 30 * day) },
    ],
  };
}

/**
 * The demo needs no PostgreSQL: when the machine's server does not answer on 127.0.0.1:5432 with trust
 * authentication, Tactical RMM is left out of the demo without a word. When it does, a throwaway schema
 * is created for the run and dropped afterwards.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const none: ProviderDemo = { connections: [], env: {}, close: async () => {} };
  const tenant = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (!tenant) return none;
  const server = { ...localServer, connectionTimeoutMillis: 500 };
  if (!(await probeServer(server)).ok) return none;
  let loaded: LoadedSchema;
  try {
    loaded = await loadTacticalRmmSchema(server, demoSeed(tenant.domain, new Date()), "demo");
  } catch {
    return none;
  }
  return {
    env: {},
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "tactical-rmm",
          id: "tactical-rmm",
          console: `https://rmm.${tenant.domain}`,
          database: {
            host: String(server.host),
            port: server.port,
            name: String(server.database),
            user: String(server.user),
            ssl: "disable",
          },
          schema: loaded.schema,
        },
      },
    ],
    close: () => loaded.drop(),
  };
}
