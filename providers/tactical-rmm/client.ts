import type { Client, ClientConfig } from "pg";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import type { AttemptOutcome } from "../../src/collect/retry.js";
import { readCaBundle } from "../../src/collect/transport.js";
import {
  ConfigError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import { ColumnRow, columns, IdRow, tables } from "./api.js";
import type { TacticalRmmSettings } from "./settings.js";

/**
 * Transport for one Tactical RMM database: a read-only PostgreSQL session, fixed parameterised queries
 * with a statement timeout, keyset paging as async iterables, and translation of PostgreSQL's errors into
 * ours. Knows nothing about policies.
 */

type Ctx = CollectContext<TacticalRmmSettings>;
type Table = keyof typeof tables;

/**
 * A database is not rate-limited like an API; one statement at a time keeps the load on the customer's
 * RMM server negligible (a tenant costs about 8 short SELECTs).
 */
const databaseLimits = { concurrency: 1 };
export const pageSize = 500;

/** Where we connect, for messages and the quota domain name: never includes the password. */
export interface Target {
  host: string;
  port: number;
  database: string;
}

/** Builds the pg client config; secrets only through `ctx.secret`. */
export async function clientConfig(
  settings: TacticalRmmSettings,
  secret: Ctx["secret"],
  applicationName: string,
): Promise<{ config: ClientConfig; target: Target }> {
  const common: ClientConfig = {
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: Math.round(settings.timeoutSeconds * 1000),
    // Client-side backstop; the server-side statement_timeout is set per session below.
    query_timeout: Math.round(settings.timeoutSeconds * 1000) + 5000,
    keepAlive: true,
  };
  if (settings.url) {
    const text = (await secret(settings.url)).reveal();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError(
        `${settings.url} does not hold a URL (expected postgres://user:password@host/db)`,
      );
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
      throw new ConfigError(`${settings.url} is not a postgres:// URL`);
    return {
      config: { ...common, connectionString: text },
      target: {
        host: url.hostname,
        port: Number(url.port || 5432),
        database: decodeURIComponent(url.pathname.replace(/^\//, "")) || "(default)",
      },
    };
  }
  const db = settings.database;
  if (!db) throw new ConfigError("tactical-rmm connection needs `database` or `url`");
  const password = db.password ? (await secret(db.password)).reveal() : undefined;
  let ssl: ClientConfig["ssl"] = false;
  if (db.ssl !== "disable") {
    const ca = db.caBundle ? readCaBundle(db.caBundle) : undefined;
    ssl = { rejectUnauthorized: db.ssl === "verify-full", ...(ca ? { ca } : {}) };
  }
  return {
    config: {
      ...common,
      host: db.host,
      port: db.port,
      database: db.name,
      user: db.user,
      ...(password !== undefined ? { password } : {}),
      ssl,
    },
    target: { host: db.host, port: db.port, database: db.name },
  };
}

const systemTransient = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
const tlsTrust =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO/;

/** pg is loaded when a connection first runs, not when the CLI starts (issue #23). */
type Pg = Pick<typeof import("pg"), "Client" | "DatabaseError">;
let pg: Pg | undefined;
async function loadPg(): Promise<Pg> {
  const loaded = pg ?? (await import("pg"));
  pg = loaded;
  return loaded;
}

/** A server's error answer (pg's DatabaseError); none can exist before pg is loaded. */
function isDatabaseError(err: unknown): boolean {
  return pg !== undefined && err instanceof pg.DatabaseError;
}

/**
 * PostgreSQL → our errors. Too many connections (53300) is throttling; a cancelled statement (the
 * statement timeout), a server shutting down and connection failures are transient; a refused login,
 * a missing privilege and an unknown table are fatal with what to fix.
 */
export function classifyPgError(err: unknown, label: string, where: string, table?: Table): AttemptOutcome {
  if (isDatabaseError(err) || (err instanceof Error && /^[0-9A-Z]{5}$/.test(pgCode(err) ?? ""))) {
    const code = pgCode(err) ?? "";
    const message = (err as Error).message;
    if (code === "28P01" || code === "28000")
      return {
        kind: "fatal",
        error: new ProviderAuthError(`${where}: the database refused the login (${message})`),
      };
    if (code === "3D000") return { kind: "fatal", error: new ProviderResponseError(`${where}: ${message}`) };
    if (code === "42501") {
      const needed = table ? grantFor(table) : "SELECT on Tactical RMM's tables (README)";
      return {
        kind: "fatal",
        error: new ProviderPermissionError(`${label}: ${message}`, [needed]),
      };
    }
    if (code === "42P01" || code === "42703")
      return {
        kind: "fatal",
        error: new ProviderResponseError(
          `${label}: ${message}; is this a Tactical RMM database (schema setting)?`,
        ),
      };
    if (code === "53300") return { kind: "throttled", detail: `${code} too many connections` };
    if (code === "57014") return { kind: "transient", detail: `${code} statement timeout` };
    if (code.startsWith("08") || code.startsWith("57P") || code === "40001" || code === "40P01")
      return { kind: "transient", detail: `${code} ${message}` };
    return { kind: "fatal", error: new ProviderResponseError(`${label}: PostgreSQL ${code}: ${message}`) };
  }
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = e instanceof Error ? e.message : String(err);
  if (systemTransient.has(code)) return { kind: "transient", detail: `${code} ${where}` };
  if (code === "ENOTFOUND")
    return { kind: "fatal", error: new ProviderUnavailableError(`${where}: host not found`) };
  if (tlsTrust.test(code) || /certificate/i.test(message))
    return {
      kind: "fatal",
      error: new ProviderUnavailableError(
        `${where}: TLS certificate not trusted (${code || message}); set database.caBundle, or ssl: require`,
      ),
    };
  if (/does not support SSL/i.test(message))
    return {
      kind: "fatal",
      error: new ProviderUnavailableError(
        `${where}: the server does not offer TLS; use ssl: disable only through a local tunnel`,
      ),
    };
  if (/timeout|terminated|Connection ended|not queryable/i.test(message))
    return { kind: "transient", detail: message };
  return { kind: "fatal", error: new ProviderResponseError(`${label}: ${message}`) };
}

function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** The GRANT that a missing privilege on `table` calls for (column-level, as the README shows). */
export function grantFor(table: Table): string {
  const wanted = [...columns[table].required, ...columns[table].optional];
  return `GRANT SELECT (${wanted.join(", ")}) ON ${tables[table]}`;
}

/**
 * Our tables as the catalog shows them: which columns exist (this version's schema) and which of those this
 * role may SELECT. Read from pg_catalog, which lists tables whatever the privileges, so "not in this
 * version" and "not granted" are told apart.
 */
export interface Catalog {
  schemaUsage: boolean;
  exists: Map<string, Set<string>>;
  readable: Map<string, Set<string>>;
}

/**
 * One read-only session. Every statement runs through `ctx.request` (counted, retried when transient) on a
 * session that refuses writes (`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`, checked) and
 * cancels any statement after `timeoutSeconds`. A lost connection is re-opened before the retry.
 */
export class TacticalRmmDatabase {
  readonly domain: QuotaDomain;
  readonly where: string;
  #client: Client | undefined;
  #broken = false;

  private constructor(
    private readonly ctx: Ctx,
    private readonly config: ClientConfig,
    readonly target: Target,
  ) {
    this.where = `PostgreSQL ${target.host}:${target.port}/${target.database}`;
    this.domain = ctx.quota(`tactical-rmm:${target.host}:${target.port}/${target.database}`, databaseLimits);
  }

  static async open(ctx: Ctx): Promise<TacticalRmmDatabase> {
    const { config, target } = await clientConfig(
      ctx.settings,
      ctx.secret,
      `mfasweep/${ctx.tenant.id}/${ctx.connectionId}`,
    );
    const db = new TacticalRmmDatabase(ctx, config, target);
    await ctx.request(
      db.domain,
      `connect ${db.where}`,
      () => db.#session(),
      (err) => classifyPgError(err, `connect ${db.where}`, db.where),
    );
    return db;
  }

  /** Connects (again, after a lost connection) and makes the session read-only with a statement timeout. */
  async #session(): Promise<Client> {
    if (this.#client && !this.#broken) return this.#client;
    await this.#drop();
    const { Client } = await loadPg();
    const client = new Client(this.config);
    // pg emits 'error' on a connection lost while idle: mark it, so the next attempt reconnects.
    client.on("error", () => {
      this.#broken = true;
    });
    client.on("end", () => {
      this.#broken = true;
    });
    try {
      await client.connect();
      await client.query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
      await client.query(
        "SELECT set_config('search_path', $1, false), set_config('statement_timeout', $2, false)",
        [this.ctx.settings.schema, String(Math.round(this.ctx.settings.timeoutSeconds * 1000))],
      );
      const check = await client.query("SELECT current_setting('default_transaction_read_only') AS ro");
      if (check.rows[0]?.ro !== "on")
        throw new ProviderResponseError(`${this.where}: the session could not be made read-only`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.#client = client;
    this.#broken = false;
    return client;
  }

  async #drop(): Promise<void> {
    const old = this.#client;
    this.#client = undefined;
    if (old) await old.end().catch(() => {});
  }

  /** Runs one fixed, parameterised statement; rows are validated by the caller. */
  async query(label: string, text: string, values: unknown[], table?: Table): Promise<unknown[]> {
    const result = await this.ctx.request(
      this.domain,
      label,
      async () => {
        const client = await this.#session();
        try {
          return await client.query(text, values);
        } catch (err) {
          // A client-side timeout or a lost connection leaves the session unusable: reconnect on retry.
          if (!isDatabaseError(err) || pgCode(err)?.startsWith("08")) this.#broken = true;
          throw err;
        }
      },
      (err) => classifyPgError(err, label, this.where, table),
    );
    return result.rows as unknown[];
  }

  /** Which of our tables and columns exist, and which this role may read. */
  async catalog(): Promise<Catalog> {
    const schema = this.ctx.settings.schema;
    const usage = await this.query(
      `has_schema_privilege(${schema}, USAGE)`,
      "SELECT coalesce(has_schema_privilege(n.oid, 'USAGE'), false) AS usage FROM pg_catalog.pg_namespace n WHERE n.nspname = $1",
      [schema],
    );
    const rows = await this.query(
      `SELECT pg_catalog columns (${schema})`,
      `SELECT c.relname::text AS table_name, a.attname::text AS column_name, has_column_privilege(c.oid, a.attnum, 'SELECT') AS readable
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p', 'v')`,
      [schema, Object.values(tables)],
    );
    const catalog: Catalog = {
      schemaUsage: (usage[0] as { usage?: unknown } | undefined)?.usage === true,
      exists: new Map(),
      readable: new Map(),
    };
    const add = (map: Map<string, Set<string>>, table: string, column: string) =>
      map.set(table, (map.get(table) ?? new Set<string>()).add(column));
    for (const raw of rows) {
      const row = ColumnRow.parse(raw);
      add(catalog.exists, row.table_name, row.column_name);
      if (row.readable) add(catalog.readable, row.table_name, row.column_name);
    }
    return catalog;
  }

  /**
   * Keyset paging over `id` (Django's integer primary key): `text` takes `$1` = last id seen and `$2` = page
   * size. Yields each page's rows; a page that does not advance is a paging loop.
   */
  async *pages(label: string, text: string, table: Table) {
    let after = "0";
    for (let page = 1; ; page++) {
      const rows = await this.query(`${label} (page ${page})`, text, [after, pageSize], table);
      yield { page, rows };
      if (rows.length < pageSize) return;
      // The cursor needs only the id: a last row that is otherwise malformed still advances the page.
      const last = IdRow.safeParse(rows[rows.length - 1]);
      const next = last.success ? last.data.id : undefined;
      if (!next || BigInt(next) <= BigInt(after))
        throw new ProviderResponseError(`${label}: page ${page} did not advance past id ${after}`);
      after = next;
    }
  }

  async close(): Promise<void> {
    await this.#drop();
  }
}

/** `alias.name`, or a typed NULL under the same name when this version or role lacks the column. */
function column(visible: Set<string> | undefined, alias: string, name: string, type: string, as = name) {
  return visible?.has(name) ? `${alias}.${name}${as === name ? "" : ` AS ${as}`}` : `NULL::${type} AS ${as}`;
}

/** Required columns of `table` that this version lacks, and those it has but this role may not read. */
export function missingColumns(catalog: Catalog, table: Table): { absent: string[]; denied: string[] } {
  const exists = catalog.exists.get(tables[table]);
  const readable = catalog.readable.get(tables[table]);
  const required: readonly string[] = columns[table].required;
  return {
    absent: required.filter((c) => !exists?.has(c)),
    denied: required.filter((c) => exists?.has(c) && !readable?.has(c)),
  };
}

function complete(catalog: Catalog, table: Table): boolean {
  const m = missingColumns(catalog, table);
  return m.absent.length === 0 && m.denied.length === 0;
}

/**
 * The fixed statements, composed only from constant fragments chosen by which columns exist: no value
 * from the config or the database ever becomes SQL text. `$1`/`$2` are the keyset cursor and page size.
 */
export const statements = {
  users(catalog: Catalog): string {
    const u = catalog.readable.get(tables.user);
    const withRoles = u?.has("role_id") && complete(catalog, "role");
    const r = withRoles ? catalog.readable.get(tables.role) : undefined;
    return [
      "SELECT u.id, u.username,",
      `${column(u, "u", "first_name", "text")}, ${column(u, "u", "last_name", "text")},`,
      "u.email, u.is_active, u.is_superuser, u.last_login,",
      `${column(u, "u", "block_dashboard_login", "boolean")},`,
      // Only whether a TOTP secret is set ever leaves the server, never the secret.
      "(u.totp_key IS NOT NULL AND u.totp_key <> '') AS totp_enrolled,",
      `${column(u, "u", "is_installer_user", "boolean")},`,
      u?.has("agent_id") ? "(u.agent_id IS NOT NULL) AS is_agent," : "NULL::boolean AS is_agent,",
      `${column(r, "r", "name", "text", "role_name")}, ${column(r, "r", "is_superuser", "boolean", "role_is_superuser")}`,
      `FROM ${tables.user} u`,
      withRoles ? `LEFT JOIN ${tables.role} r ON r.id = u.role_id` : "",
      "WHERE u.id > $1::bigint ORDER BY u.id LIMIT $2",
    ]
      .filter(Boolean)
      .join(" ");
  },
  apiKeys(catalog: Catalog): string {
    const k = catalog.readable.get(tables.apiKey);
    return `SELECT k.id, k.name, k.expiration, k.user_id, ${column(k, "k", "created_time", "timestamptz")} FROM ${tables.apiKey} k WHERE k.id > $1::bigint ORDER BY k.id LIMIT $2`;
  },
  socialAccounts(catalog: Catalog): string {
    const s = catalog.readable.get(tables.socialAccount);
    return `SELECT s.id, s.user_id, s.provider, s.uid, ${column(s, "s", "last_login", "timestamptz")} FROM ${tables.socialAccount} s WHERE s.id > $1::bigint ORDER BY s.id LIMIT $2`;
  },
  socialApps(catalog: Catalog): string {
    const a = catalog.readable.get(tables.socialApp);
    // Of the app's settings only the issuer URL: other providers may keep keys there.
    const serverUrl = a?.has("settings")
      ? "(a.settings::jsonb ->> 'server_url') AS server_url"
      : "NULL::text AS server_url";
    return `SELECT a.id, a.provider, ${column(a, "a", "provider_id", "text")}, a.name, a.client_id, ${serverUrl} FROM ${tables.socialApp} a WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2`;
  },
  coreSettings: `SELECT block_local_user_logon FROM ${tables.coreSettings} ORDER BY id LIMIT 1`,
  passkeys: `SELECT user_id, count(*)::int AS passkeys FROM ${tables.passkey} GROUP BY user_id`,
};
