import { delegatedPath, noMfaStateReason, type SsoSettings } from "../../src/collect/sso.js";
import type {
  AccessPath,
  Account,
  EntryPoint,
  Evidence,
  JsonValue,
  MfaVerdict,
} from "../../src/model/index.js";
import { type BeyondTrustUser, paths, type SecurityProvider } from "./api.js";

/** Pure mapping from BeyondTrust users and security providers to the model. No I/O. */

export const source = "beyondtrust";
const usersEndpoint = `GET ${paths.users}`;
const providersEndpoint = `GET ${paths.securityProviders}`;

export interface MappingContext {
  connection: string;
  consoleUrl: string;
  product: "remote-support" | "privileged-remote-access";
  /** Security providers by id; undefined when they could not be read (the reason says why). */
  providers?: Map<number, SecurityProvider>;
  providersUnreadable?: string;
  sso?: SsoSettings;
}

function asJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function userEvidence(
  ctx: MappingContext,
  user: BeyondTrustUser,
  field: keyof BeyondTrustUser,
  note?: string,
): Evidence {
  return {
    source,
    connection: ctx.connection,
    endpoint: usersEndpoint,
    objectId: String(user.id),
    field,
    value: asJson(user[field]),
    ...(note ? { note } : {}),
  };
}

export function siteEntryPoint(ctx: MappingContext): EntryPoint {
  const product = ctx.product === "remote-support" ? "Remote Support" : "Privileged Remote Access";
  return {
    id: `${source}:${ctx.connection}:site`,
    name: `BeyondTrust ${product} (${new URL(ctx.consoleUrl).host})`,
    kind: "remote-support",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, endpoint: usersEndpoint, note: ctx.consoleUrl }],
  };
}

export function toAccount(user: BeyondTrustUser, ctx: MappingContext): Account {
  return {
    id: String(user.id),
    name: user.username,
    // Usernames of SAML users are usually their email; only an address is used to link accounts.
    ...(user.username.includes("@") ? { email: user.username } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    status: user.enabled === false ? "disabled" : user.enabled === true ? "active" : "unknown",
    lastSignIn: user.last_authentication ?? null,
    admin: {
      isAdmin: typeof user.perm_admin === "boolean" ? user.perm_admin : "unknown",
      roles: user.perm_admin ? ["Administrator"] : [],
    },
    enrollment: {
      enrolled: "unknown",
      methods: [],
      evidence: [
        {
          source,
          connection: ctx.connection,
          endpoint: usersEndpoint,
          objectId: String(user.id),
          note: noMfaStateReason,
        },
      ],
    },
    evidence: [
      userEvidence(ctx, user, "enabled"),
      userEvidence(ctx, user, "perm_admin"),
      userEvidence(ctx, user, "security_provider_id"),
    ],
  };
}

/**
 * A user signs in through its security provider: SAML and RADIUS hand the decision to another system
 * (delegated); local, LDAP, Kerberos and SCIM users have no MFA state in the API (needs attestation).
 */
export function signInPath(entryPoint: EntryPoint, user: BeyondTrustUser, ctx: MappingContext): AccessPath {
  const id = `${entryPoint.id}/${user.id}`;
  const accounts = [String(user.id)];
  const unknown = (reason: string, evidence: Evidence[]): AccessPath => ({
    id,
    entryPoint: entryPoint.id,
    accounts,
    chain: { factors: ["password"] },
    mfa: { state: "unknown", strength: null, reason, evidence } satisfies MfaVerdict,
  });
  const providerRef = userEvidence(ctx, user, "security_provider_id");
  if (!ctx.providers) {
    return unknown(
      `the security providers could not be read (${ctx.providersUnreadable ?? "no reason"}); needs attestation`,
      [providerRef],
    );
  }
  const provider =
    user.security_provider_id == null ? undefined : ctx.providers.get(user.security_provider_id);
  if (!provider) {
    return unknown(
      `security provider ${user.security_provider_id ?? "(none)"} is not listed; needs attestation`,
      [providerRef],
    );
  }
  const providerEvidence: Evidence = {
    source,
    connection: ctx.connection,
    endpoint: providersEndpoint,
    objectId: String(provider.id),
    field: "type",
    value: provider.type,
  };
  const type = provider.type.toLowerCase();
  if (type === "saml" || type === "radius") {
    const delegated = delegatedPath(
      {
        protocol: type === "saml" ? (ctx.sso?.protocol ?? "saml") : "radius",
        target:
          type === "saml"
            ? (ctx.sso?.target ?? ctx.consoleUrl)
            : `BeyondTrust security provider ${provider.id} (RADIUS)`,
        said: `BeyondTrust ${type.toUpperCase()} security provider ${provider.id}`,
        evidence: [providerRef, providerEvidence],
      },
      type === "saml" ? ctx.sso : undefined,
    );
    return { id, entryPoint: entryPoint.id, accounts, ...delegated };
  }
  return unknown(`${noMfaStateReason} (${type} security provider ${provider.id})`, [
    providerRef,
    providerEvidence,
  ]);
}
