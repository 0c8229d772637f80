import type { z } from "zod";
import { failedCheck } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError, ProviderResponseError } from "../../src/errors.js";
import { appendAll } from "../../src/util/arrays.js";
import {
  ApiKeyRow,
  CoreSettingsRow,
  columns,
  PasskeyCountRow,
  SocialAccountRow,
  SocialAppRow,
  tables,
  UserRow,
} from "./api.js";
import { type Catalog, grantFor, missingColumns, statements, TacticalRmmDatabase } from "./client.js";
import { TacticalRmmSettings } from "./settings.js";
import { type MappingContext, source, type TacticalRmmSnapshot, toInventory } from "./transform.js";

type Ctx = CollectContext<TacticalRmmSettings>;
type Table = keyof typeof tables;

/** Validates each row on its own: one bad row is counted and skipped, not fatal for the read. */
function rowsOf<T>(ctx: Ctx, schema: z.ZodType<T>, rows: unknown[], what: string, label: string): T[] {
  const out: T[] = [];
  for (const [i, raw] of rows.entries()) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      const id = typeof raw === "object" && raw !== null && "id" in raw ? ` id=${String(raw.id)}` : "";
      ctx.skip(
        `${what} row ${i + 1}${id}`,
        `${label}: ${issue?.message ?? "invalid"} at ${issue?.path.join(".")}`,
      );
    }
  }
  return out;
}

/** Reads every page of a keyset-paged table; after the first page, a failure keeps what was read. */
async function readPaged<T>(
  ctx: Ctx,
  db: TacticalRmmDatabase,
  table: Table,
  text: string,
  schema: z.ZodType<T>,
  what: string,
  unread?: (reason: string) => void,
): Promise<T[]> {
  const label = `SELECT ${tables[table]}`;
  const out: T[] = [];
  let pages = 0;
  try {
    for await (const { rows } of db.pages(label, text, table)) {
      pages++;
      appendAll(out, rowsOf(ctx, schema, rows, what, label));
      ctx.progress(what, out.length);
    }
  } catch (err) {
    if (pages === 0) throw err;
    const reason = describeError(err);
    ctx.gap(`${what} after page ${pages}`, reason);
    unread?.(`${label}: the ${what} after page ${pages} could not be read (${reason})`);
  }
  return out;
}

type Presence = "readable" | "absent" | { absent: string[] } | { denied: string[] };

/** Whether this version has `table` with the columns we need, and whether the role may read them. */
function presence(catalog: Catalog, table: Table): Presence {
  if (!catalog.exists.has(tables[table])) return "absent";
  const { absent, denied } = missingColumns(catalog, table);
  if (absent.length) return { absent };
  if (denied.length) return { denied };
  return "readable";
}

/**
 * Reads an optional part: a table absent from this version is a note (the feature does not exist there);
 * a table the role cannot fully read, or a failed read, is a gap (coverage partial) with the GRANT to add.
 */
async function optionalPart<T>(
  ctx: Ctx,
  catalog: Catalog,
  table: Table,
  what: string,
  absentNote: string,
  read: () => Promise<T>,
  unread?: (reason: string) => void,
): Promise<T | undefined> {
  const state = presence(catalog, table);
  if (state === "absent") {
    ctx.note(`${tables[table]} not found: ${absentNote}`);
    return undefined;
  }
  if (typeof state === "object" && "absent" in state) {
    const reason = `${tables[table]} has no column ${state.absent.join(", ")}: a Tactical RMM version mfasweep does not know`;
    ctx.gap(what, reason);
    unread?.(reason);
    return undefined;
  }
  if (typeof state === "object") {
    const reason = `columns ${state.denied.join(", ")} of ${tables[table]} not readable: ${grantFor(table)}`;
    ctx.gap(what, reason);
    unread?.(reason);
    return undefined;
  }
  try {
    return await read();
  } catch (err) {
    const reason = describeError(err);
    ctx.gap(what, reason);
    unread?.(reason);
    return undefined;
  }
}

async function collect(ctx: Ctx) {
  const db = await TacticalRmmDatabase.open(ctx);
  try {
    const catalog = await db.catalog();
    const userState = presence(catalog, "user");
    if (userState === "absent")
      throw new ProviderResponseError(
        `${db.where}: no ${tables.user} table in schema '${ctx.settings.schema}'; is this Tactical RMM's database?`,
      );
    if (!catalog.schemaUsage)
      throw new ProviderPermissionError(`${db.where}: no USAGE on schema ${ctx.settings.schema}`, [
        `GRANT USAGE ON SCHEMA ${ctx.settings.schema}`,
      ]);
    if (typeof userState === "object" && "absent" in userState)
      throw new ProviderResponseError(
        `${db.where}: ${tables.user} has no column ${userState.absent.join(", ")}: a Tactical RMM version mfasweep does not know`,
      );
    if (typeof userState === "object")
      throw new ProviderPermissionError(
        `${db.where}: columns ${userState.denied.join(", ")} of ${tables.user} are not readable`,
        [grantFor("user")],
      );
    // An optional column that exists but is not granted reads as NULL (its default): say so.
    for (const table of ["user", "apiKey", "socialAccount", "socialApp"] as const) {
      const exists = catalog.exists.get(tables[table]);
      const readable = catalog.readable.get(tables[table]);
      const denied = (columns[table].optional as readonly string[]).filter(
        (c) => exists?.has(c) && !readable?.has(c),
      );
      if (denied.length && presence(catalog, table) === "readable")
        ctx.gap(`${tables[table]} ${denied.join(", ")}`, `not readable, taken as unset: ${grantFor(table)}`);
    }
    const rolesRead =
      catalog.readable.get(tables.user)?.has("role_id") === true && presence(catalog, "role") === "readable";
    if (!rolesRead)
      ctx.gap(
        "technician roles",
        `${tables.role} not readable: ${grantFor("role")}; admin status only from is_superuser`,
      );

    // What could not be read, by part: each becomes an unknown path rather than nothing.
    const unread: TacticalRmmSnapshot["unread"] = {};
    const users = await readPaged(ctx, db, "user", statements.users(catalog), UserRow, "users", (r) => {
      unread.users = r;
    });
    const keysUnread = (r: string) => {
      unread.apiKeys = r;
    };
    const apiKeys =
      (await optionalPart(
        ctx,
        catalog,
        "apiKey",
        "API keys",
        "this version has no API keys",
        () => readPaged(ctx, db, "apiKey", statements.apiKeys(catalog), ApiKeyRow, "API keys", keysUnread),
        keysUnread,
      )) ?? [];
    const linksUnread = (r: string) => {
      unread.socialAccounts = r;
    };
    const socialAccounts = await optionalPart(
      ctx,
      catalog,
      "socialAccount",
      "SSO links",
      "this version has no SSO (no user signs in through an identity provider)",
      () =>
        readPaged(
          ctx,
          db,
          "socialAccount",
          statements.socialAccounts(catalog),
          SocialAccountRow,
          "SSO links",
          linksUnread,
        ),
      linksUnread,
    );
    const socialApps =
      socialAccounts && socialAccounts.length > 0
        ? await optionalPart(
            ctx,
            catalog,
            "socialApp",
            "SSO providers",
            "no SSO providers are configured",
            () =>
              readPaged(ctx, db, "socialApp", statements.socialApps(catalog), SocialAppRow, "SSO providers"),
          )
        : [];
    const passkeys = await optionalPart(
      ctx,
      catalog,
      "passkey",
      "passkeys",
      "this version has no passkeys",
      async () => {
        const label = `SELECT ${tables.passkey}`;
        const rows = rowsOf(
          ctx,
          PasskeyCountRow,
          await db.query(label, statements.passkeys, [], "passkey"),
          "passkey count",
          label,
        );
        return new Map(rows.map((r) => [r.user_id, r.passkeys]));
      },
    );
    let blockLocalUserLogon: boolean | undefined;
    if (catalog.readable.get(tables.coreSettings)?.has("block_local_user_logon")) {
      const label = `SELECT ${tables.coreSettings}`;
      try {
        const rows = rowsOf(
          ctx,
          CoreSettingsRow,
          await db.query(label, statements.coreSettings, [], "coreSettings"),
          "core settings",
          label,
        );
        blockLocalUserLogon = rows[0]?.block_local_user_logon ?? undefined;
      } catch (err) {
        ctx.gap("core settings (block_local_user_logon)", describeError(err));
      }
    } else {
      // Before 2024-09 local logon could not be blocked; a role without the grant is told how to add it.
      ctx.note(
        `${tables.coreSettings}.block_local_user_logon not readable: every user's password sign-in is assumed open (${grantFor("coreSettings")})`,
      );
    }

    const snapshot: TacticalRmmSnapshot = {
      users,
      apiKeys,
      ...(socialAccounts ? { socialAccounts } : {}),
      ...(socialApps ? { socialApps } : {}),
      ...(passkeys ? { passkeys } : {}),
      ...(blockLocalUserLogon !== undefined ? { blockLocalUserLogon } : {}),
      unread,
    };
    const mapping: MappingContext = {
      connection: ctx.connectionId,
      schema: ctx.settings.schema,
      where: db.where,
      ...(ctx.settings.console ? { console: ctx.settings.console } : {}),
      now: ctx.now,
    };
    const result = toInventory(snapshot, mapping, rolesRead);
    if (result.skippedAgents)
      ctx.note(`${result.skippedAgents} agent account(s) skipped: they authenticate agents, not people`);
    if (result.localLogonBlocked)
      ctx.note(
        `${result.localLogonBlocked} non-superuser(s) without SSO have no dashboard path: local logon is blocked (block_local_user_logon)`,
      );
    return result.inventory;
  } finally {
    await db.close();
  }
}

/** Connects read-only and checks that each table we read is readable, naming the GRANT that is missing. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let db: TacticalRmmDatabase;
  try {
    db = await TacticalRmmDatabase.open(ctx);
  } catch (err) {
    return [{ check: "connect (read-only session)", ok: false, detail: describeError(err) }];
  }
  try {
    checks.push({
      check: `connect ${db.where} (read-only session)`,
      ok: true,
      detail: "connected; writes refused",
    });
    const catalog = await db.catalog();
    checks.push({
      check: `USAGE on schema ${ctx.settings.schema}`,
      ok: catalog.schemaUsage,
      ...(catalog.schemaUsage ? {} : { missing: [`GRANT USAGE ON SCHEMA ${ctx.settings.schema}`] }),
      detail: catalog.schemaUsage ? "granted" : "not granted (or no such schema)",
    });
    const parts: Array<[Table, boolean]> = [
      ["user", true],
      ["role", false],
      ["apiKey", false],
      ["socialAccount", false],
      ["socialApp", false],
      ["passkey", false],
    ];
    for (const [table, required] of parts) {
      const state = presence(catalog, table);
      const check = `SELECT ${ctx.settings.schema}.${tables[table]}`;
      if (state === "readable") {
        try {
          await db.query(check, `SELECT 1 FROM ${tables[table]} LIMIT 1`, [], table);
          checks.push({ check, ok: true, detail: "readable" });
        } catch (err) {
          checks.push(failedCheck(check, err));
        }
      } else if (state === "absent")
        checks.push({
          check,
          ok: !required,
          detail: required
            ? `no such table in schema '${ctx.settings.schema}': is this Tactical RMM's database?`
            : "not in this Tactical RMM version",
        });
      else if ("absent" in state)
        checks.push({
          check,
          ok: false,
          detail: `this version has no column ${state.absent.join(", ")}: not a version mfasweep knows`,
        });
      else
        checks.push({
          check,
          ok: false,
          missing: [grantFor(table)],
          detail: `columns not readable: ${state.denied.join(", ")}`,
        });
    }
    const core = catalog.readable.get(tables.coreSettings)?.has("block_local_user_logon");
    checks.push({
      check: `SELECT ${ctx.settings.schema}.${tables.coreSettings}.block_local_user_logon`,
      ok: core === true,
      ...(core ? {} : { missing: [grantFor("coreSettings")] }),
      detail: core ? "readable" : "not readable: local logon is then assumed open",
    });
  } finally {
    await db.close();
  }
  return checks;
}

export const tacticalRmm = defineProvider<TacticalRmmSettings>({
  type: source,
  title: "Tactical RMM",
  connectionSchema: TacticalRmmSettings,
  permissions: [
    "Tactical RMM's API does not expose TOTP state: give mfasweep a read-only PostgreSQL role on its database (README: the exact statements).",
    "CREATE ROLE mfasweep LOGIN PASSWORD '...'; GRANT CONNECT ON DATABASE tacticalrmm TO mfasweep; GRANT USAGE ON SCHEMA public TO mfasweep;",
    ...(Object.keys(tables) as Table[]).map((t) => `${grantFor(t)} TO mfasweep;`),
    "totp_key is granted only so the server can answer 'is it empty?': mfasweep never selects the secret, nor password, API key or client secret columns.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
