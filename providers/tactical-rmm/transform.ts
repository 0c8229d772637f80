import { unreadPath } from "../../src/collect/unread.js";
import { factOf } from "../../src/model/facts/kind.js";
import { type TacticalRmmApiKey, tacticalRmmApiKey } from "../../src/model/facts/tactical-rmm.js";
import type {
  AccessPath,
  Account,
  EntryPoint,
  Evidence,
  Fact,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import { type ApiKeyRow, type SocialAccountRow, type SocialAppRow, tables, type UserRow } from "./api.js";

/** Pure mapping from Tactical RMM rows to the model. No I/O; every decision carries its evidence. */

export const source = "tactical-rmm";

/** What the collector read, already validated row by row. */
export interface TacticalRmmSnapshot {
  users: UserRow[];
  apiKeys: ApiKeyRow[];
  /** Undefined when allauth's tables are absent or unreadable (then no user is known to be an SSO user). */
  socialAccounts?: SocialAccountRow[];
  socialApps?: SocialAppRow[];
  /** Passkeys per user id; undefined on versions without WebAuthn. */
  passkeys?: Map<string, number>;
  /** `core_coresettings.block_local_user_logon`; undefined when this version has no such setting. */
  blockLocalUserLogon?: boolean;
  /** Why a part that exists could not be read whole (refused, failed, cut short): each is an unknown path. */
  unread?: { users?: string; apiKeys?: string; socialAccounts?: string };
}

export interface MappingContext {
  connection: string;
  /** Schema-qualified, for evidence: `public`. */
  schema: string;
  /** Where the database is, for evidence: `PostgreSQL host:5432/tacticalrmm`. */
  where: string;
  /** Entry point name: the dashboard's address when configured. */
  console?: string;
  now: Date;
}

function evidence(
  ctx: MappingContext,
  table: string,
  objectId: string,
  field: string,
  value: Evidence["value"],
  note?: string,
): Evidence {
  return {
    source,
    connection: ctx.connection,
    endpoint: `SELECT ${ctx.schema}.${table} (${ctx.where})`,
    objectId,
    field,
    value,
    ...(note ? { note } : {}),
  };
}

export function dashboardEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:dashboard`,
    name: ctx.console ? `Tactical RMM ${ctx.console}` : `Tactical RMM (${ctx.where})`,
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [
      {
        source,
        connection: ctx.connection,
        endpoint: `SELECT ${ctx.schema}.${tables.user} (${ctx.where})`,
        note: "dashboard sign-in: CheckCredsV2 then LoginViewV2 (TOTP), or SSO through allauth",
      },
    ],
  };
}

export function apiEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:api`,
    name: ctx.console ? `Tactical RMM API ${ctx.console}` : `Tactical RMM API (${ctx.where})`,
    kind: "app",
    source,
    connection: ctx.connection,
    evidence: [
      {
        source,
        connection: ctx.connection,
        endpoint: `SELECT ${ctx.schema}.${tables.apiKey} (${ctx.where})`,
        note: "REST API with the X-API-KEY header (tacticalrmm/auth.py APIAuthentication): no TOTP",
      },
    ],
  };
}

/** `is_superuser` on the user, or a role with `is_superuser`; unknown when the role could not be read. */
function isAdmin(user: UserRow, rolesRead: boolean): boolean | "unknown" {
  if (user.is_superuser || user.role_is_superuser === true) return true;
  return rolesRead ? false : "unknown";
}

function fullName(user: UserRow): string | undefined {
  const name = [user.first_name, user.last_name].filter((p) => p?.trim()).join(" ");
  return name || undefined;
}

export function toAccount(
  user: UserRow,
  ctx: MappingContext,
  extra: { passkeys: number | undefined; rolesRead: boolean; localLogonBlocked?: boolean },
): Account {
  const objectId = `id=${user.id}`;
  const e = (field: string, value: Evidence["value"], note?: string) =>
    evidence(ctx, tables.user, objectId, field, value, note);
  const methods = [
    ...(user.totp_enrolled ? [{ method: "totp", strength: "app" as const }] : []),
    ...(extra.passkeys ? [{ method: "passkey", strength: "phishing-resistant" as const }] : []),
  ];
  const enrollmentEvidence = [e("totp_key", user.totp_enrolled ? "set" : "empty")];
  if (extra.passkeys !== undefined)
    enrollmentEvidence.push(
      evidence(ctx, tables.passkey, `user_id=${user.id}`, "count", extra.passkeys, "WebAuthn passkeys"),
    );
  const display = fullName(user);
  return {
    id: user.id,
    name: user.username,
    ...(display ? { displayName: display } : {}),
    ...(user.email?.trim() ? { email: user.email.trim() } : {}),
    source,
    connection: ctx.connection,
    // A user whose dashboard login is blocked exists for API keys (the installer user, integrations).
    kind: user.is_installer_user || user.block_dashboard_login === true ? "service" : "technician",
    // Password sign-in refused by block_local_user_logon and no SSO link: no way into the dashboard.
    status: !user.is_active ? "disabled" : extra.localLogonBlocked ? "locked" : "active",
    lastSignIn: user.last_login ? user.last_login.toISOString() : null,
    admin: {
      isAdmin: isAdmin(user, extra.rolesRead),
      roles: [...(user.is_superuser ? ["superuser"] : []), ...(user.role_name ? [user.role_name] : [])],
    },
    enrollment: { enrolled: methods.length > 0, methods, evidence: enrollmentEvidence },
    evidence: [
      e("is_active", user.is_active),
      e("is_superuser", user.is_superuser),
      e("block_dashboard_login", user.block_dashboard_login),
      ...(extra.localLogonBlocked
        ? [
            evidence(
              ctx,
              tables.coreSettings,
              "core settings",
              "block_local_user_logon",
              true,
              "password sign-in refused for non-superusers; no SSO account linked",
            ),
          ]
        : []),
      ...(user.role_name !== null ? [e("role", user.role_name)] : []),
    ],
  };
}

/** The verdict of a local (password) dashboard sign-in, from whether a TOTP secret is set. */
export function localVerdict(user: UserRow, ctx: MappingContext, passkeys: number | undefined): MfaVerdict {
  const objectId = `id=${user.id}`;
  const totp = evidence(ctx, tables.user, objectId, "totp_key", user.totp_enrolled ? "set" : "empty");
  if (user.totp_enrolled) {
    return {
      state: "enforced",
      // A passkey may be offered too, but the TOTP code is always accepted: the weakest factor is an app.
      strength: "app",
      reason:
        "a TOTP secret is set: every dashboard sign-in must give a valid code after the password (LoginViewV2)",
      evidence: [totp],
    };
  }
  if (passkeys && passkeys > 0) {
    return {
      state: "unknown",
      strength: null,
      reason:
        "a passkey is registered but no TOTP secret: whether this Tactical RMM version lets the password alone in for such a user is not confirmed",
      evidence: [
        totp,
        evidence(ctx, tables.passkey, `user_id=${user.id}`, "count", passkeys, "WebAuthn passkeys"),
      ],
    };
  }
  return {
    state: "none",
    strength: null,
    reason:
      "no TOTP secret is set: the password alone signs in (CheckCredsV2 issues a session token and asks to enrol TOTP), and whoever signs in first with the password enrols the second factor",
    evidence: [totp],
  };
}

/** `openid_connect` issuer → the connection type that can resolve the app (for `src/link/`). */
export function identityProviderOf(serverUrl: string | null): string | undefined {
  if (!serverUrl) return undefined;
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (["login.microsoftonline.com", "login.microsoft.com", "sts.windows.net"].includes(host)) return "entra";
  if (/(^|\.)(okta|oktapreview|okta-emea|okta-gov)\.com$/.test(host)) return "okta";
  if (host === "accounts.google.com") return "google-workspace";
  return undefined;
}

/** allauth stores the app's `provider_id` (or, before 0.55, the provider) on each social account. */
function appFor(account: SocialAccountRow, apps: SocialAppRow[]): SocialAppRow | undefined {
  return (
    apps.find((a) => a.provider_id && a.provider_id === account.provider) ??
    apps.find((a) => a.provider === account.provider)
  );
}

export function ssoPath(
  entryPointId: string,
  user: UserRow,
  account: SocialAccountRow,
  apps: SocialAppRow[],
  ctx: MappingContext,
): AccessPath {
  const app = appFor(account, apps);
  const targetSource = app ? identityProviderOf(app.server_url) : undefined;
  const via = app
    ? `OpenID Connect provider '${app.name}'${app.server_url ? ` at ${app.server_url}` : ""}`
    : `provider '${account.provider}', not found in ${tables.socialApp}`;
  const evidenceList: Evidence[] = [
    evidence(
      ctx,
      tables.socialAccount,
      `id=${account.id}`,
      "provider",
      account.provider,
      `user id=${user.id}`,
    ),
  ];
  if (app) {
    evidenceList.push(evidence(ctx, tables.socialApp, `id=${app.id}`, "client_id", app.client_id));
    if (app.server_url)
      evidenceList.push(evidence(ctx, tables.socialApp, `id=${app.id}`, "server_url", app.server_url));
  }
  return {
    id: `${entryPointId}/${user.id}/sso/${account.provider}`,
    entryPoint: entryPointId,
    accounts: [user.id],
    chain: {
      factors: [],
      delegation: {
        protocol: "oidc",
        target: app?.client_id || account.provider,
        ...(targetSource ? { targetSource } : {}),
      },
    },
    mfa: {
      state: "unknown",
      strength: null,
      reason: `signs in through SSO (${via}): the identity provider decides; the password sign-in is refused for SSO users (CheckCredsV2)`,
      evidence: evidenceList,
    },
  };
}

function apiKeyFact(
  key: ApiKeyRow,
  user: UserRow | undefined,
  ctx: MappingContext,
  rolesRead: boolean,
): Fact {
  const admin = user ? isAdmin(user, rolesRead) : "unknown";
  const data: TacticalRmmApiKey = {
    id: key.id,
    name: key.name,
    userId: key.user_id,
    username: user?.username ?? null,
    userActive: user ? user.is_active : null,
    userIsAdmin: admin === "unknown" ? null : admin,
    expiration: key.expiration ? key.expiration.toISOString() : null,
    created: key.created_time ? key.created_time.toISOString() : null,
  };
  return factOf(
    tacticalRmmApiKey,
    {
      id: `apikey:${key.id}`,
      source,
      connection: ctx.connection,
      evidence: [
        evidence(ctx, tables.apiKey, `id=${key.id}`, "expiration", data.expiration, `API key '${key.name}'`),
      ],
    },
    data,
  );
}

/** A usable API key is a way in with no second factor: X-API-KEY is checked without TOTP. */
function apiKeyPath(key: ApiKeyRow, entryPointId: string, ctx: MappingContext): AccessPath {
  return {
    id: `${entryPointId}/apikey/${key.id}`,
    entryPoint: entryPointId,
    accounts: [key.user_id],
    chain: { factors: ["api-key"] },
    mfa: {
      state: "none",
      strength: null,
      reason: `API key '${key.name}' authenticates with the X-API-KEY header alone; TOTP is never asked`,
      evidence: [
        evidence(
          ctx,
          tables.apiKey,
          `id=${key.id}`,
          "expiration",
          key.expiration ? key.expiration.toISOString() : null,
        ),
      ],
    },
  };
}

export interface MappingResult {
  inventory: ProviderInventory;
  /** Counts worth a coverage note. */
  skippedAgents: number;
  localLogonBlocked: number;
}

export function toInventory(
  snapshot: TacticalRmmSnapshot,
  ctx: MappingContext,
  rolesRead: boolean,
): MappingResult {
  const dashboard = dashboardEntryPoint(ctx);
  const api = apiEntryPoint(ctx);
  const people = snapshot.users.filter((u) => u.is_agent !== true);
  const byId = new Map(snapshot.users.map((u) => [u.id, u]));
  const social = new Map<string, SocialAccountRow[]>();
  for (const s of snapshot.socialAccounts ?? []) social.set(s.user_id, [...(social.get(s.user_id) ?? []), s]);
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  let blockedLocal = 0;
  for (const user of people) {
    const passkeys = snapshot.passkeys ? (snapshot.passkeys.get(user.id) ?? 0) : undefined;
    const links = social.get(user.id) ?? [];
    const localLogonBlocked =
      user.is_active && links.length === 0 && snapshot.blockLocalUserLogon === true && !user.is_superuser;
    accounts.push(toAccount(user, ctx, { passkeys, rolesRead, localLogonBlocked }));
    // An inactive user cannot authenticate at all; block_dashboard_login closes the dashboard (both views).
    if (!user.is_active || user.block_dashboard_login === true) continue;
    if (links.length > 0) {
      for (const link of links)
        accessPaths.push(ssoPath(dashboard.id, user, link, snapshot.socialApps ?? [], ctx));
      continue;
    }
    if (localLogonBlocked) {
      blockedLocal++;
      continue;
    }
    const verdict = localVerdict(user, ctx, passkeys);
    if (snapshot.blockLocalUserLogon !== undefined)
      verdict.evidence.push(
        evidence(
          ctx,
          tables.coreSettings,
          "core settings",
          "block_local_user_logon",
          snapshot.blockLocalUserLogon,
        ),
      );
    accessPaths.push({
      id: `${dashboard.id}/${user.id}`,
      entryPoint: dashboard.id,
      accounts: [user.id],
      chain: { factors: verdict.state === "enforced" ? ["password", "totp"] : ["password"] },
      mfa: verdict,
    });
  }
  const facts: Fact[] = [];
  for (const key of snapshot.apiKeys) {
    const owner = byId.get(key.user_id);
    facts.push(apiKeyFact(key, owner, ctx, rolesRead));
    const expired = key.expiration !== null && key.expiration.getTime() <= ctx.now.getTime();
    // APIAuthentication refuses expired keys and inactive users: only usable keys are ways in.
    if (!expired && owner?.is_active === true) accessPaths.push(apiKeyPath(key, api.id, ctx));
  }
  const unread = snapshot.unread ?? {};
  const why = (what: string) => `${what}: who can sign in this way is not known`;
  if (unread.users)
    accessPaths.push(
      unreadPath(dashboard, why(unread.users), { key: "users", chain: { factors: ["password"] } }),
    );
  if (unread.socialAccounts)
    // A user whose SSO link was not read is judged by the password alone; the SSO way in is not known.
    accessPaths.push(
      unreadPath(dashboard, why(`the SSO links could not be read (${unread.socialAccounts})`), {
        key: "sso-links",
      }),
    );
  if (unread.apiKeys)
    accessPaths.push(
      unreadPath(api, why(`the API keys could not be read (${unread.apiKeys})`), {
        key: "api-keys",
        chain: { factors: ["api-key"] },
      }),
    );
  const entryPoints = snapshot.apiKeys.length > 0 || unread.apiKeys ? [dashboard, api] : [dashboard];
  return {
    inventory: { accounts, entryPoints, accessPaths, settings: [], facts },
    skippedAgents: snapshot.users.length - people.length,
    localLogonBlocked: blockedLocal,
  };
}
