import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import { delegatedPath, noMfaStateReason, type SsoSettings, ssoPath } from "../../src/collect/sso.js";
import type { AccessPath, Account, EntryPoint, Evidence } from "../../src/model/index.js";
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

/** Where a user's record was read. */
function at(ctx: MappingContext, user: BeyondTrustUser) {
  return { source, connection: ctx.connection, endpoint: usersEndpoint, objectId: String(user.id) };
}

function userEvidence(ctx: MappingContext, user: BeyondTrustUser, field: keyof BeyondTrustUser): Evidence {
  return fieldEvidence(at(ctx, user), user, field);
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
      evidence: [{ ...at(ctx, user), note: noMfaStateReason }],
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
  const account = String(user.id);
  const unknown = (reason: string, evidence: Evidence[]): AccessPath =>
    consolePath(entryPoint, account, {
      chain: { factors: ["password"] },
      mfa: { state: "unknown", strength: null, reason, evidence },
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
    const said = `BeyondTrust ${type.toUpperCase()} security provider ${provider.id}`;
    const evidence = [providerRef, providerEvidence];
    const target = `BeyondTrust security provider ${provider.id} (RADIUS)`;
    return consolePath(
      entryPoint,
      account,
      type === "saml"
        ? ssoPath(ctx.sso, ctx.consoleUrl, said, evidence)
        : delegatedPath({ protocol: "radius", target, said, evidence }, undefined),
    );
  }
  return unknown(`${noMfaStateReason} (${type} security provider ${provider.id})`, [
    providerRef,
    providerEvidence,
  ]);
}
