import { factOf } from "../../src/model/facts/kind.js";
import { type ScreenConnectVersion, screenconnectVersion } from "../../src/model/facts/screenconnect.js";
import type { AccessPath, Account, EntryPoint, Evidence, Fact } from "../../src/model/index.js";
import type { ScreenConnectUser } from "./api.js";
import type { ScreenConnectSettings } from "./settings.js";

/** Pure mapping from a ScreenConnect snapshot to the model. No I/O; every decision carries its evidence. */

export const source = "screenconnect";

export interface MappingContext {
  connection: string;
  settings: ScreenConnectSettings;
}

export interface ResolvedVersion {
  version: string | null;
  from: "file" | "settings" | null;
  file?: string;
  reason?: string;
}

export function entryPoint(ctx: MappingContext, version: ResolvedVersion): EntryPoint {
  return {
    id: `${source}:${ctx.connection}`,
    name: ctx.settings.name
      ? `ScreenConnect ${ctx.settings.name}`
      : `ScreenConnect (${ctx.settings.directory})`,
    kind: "remote-support",
    source,
    connection: ctx.connection,
    evidence: [versionEvidence(ctx, version)],
  };
}

function versionEvidence(ctx: MappingContext, version: ResolvedVersion): Evidence {
  return {
    source,
    connection: ctx.connection,
    ...(version.from === "file" && version.file ? { file: version.file, field: "ProductVersion" } : {}),
    ...(version.from === "settings" ? { field: "version", note: "from the connection settings" } : {}),
    value: version.version,
    ...(version.reason ? { note: version.reason } : {}),
  };
}

export function versionFact(ctx: MappingContext, version: ResolvedVersion, ep: EntryPoint): Fact {
  const data: ScreenConnectVersion = {
    entryPoint: ep.id,
    name: ep.name,
    version: version.version,
    from: version.from,
    ...(version.file ? { file: version.file } : {}),
    ...(version.reason ? { reason: version.reason } : {}),
  };
  return factOf(
    screenconnectVersion,
    { id: ep.id, source, connection: ctx.connection, evidence: [versionEvidence(ctx, version)] },
    data,
  );
}

function userEvidence(
  ctx: MappingContext,
  file: string,
  user: ScreenConnectUser,
  field: string,
  value: string | null,
): Evidence {
  return { source, connection: ctx.connection, file, line: user.line, field, value };
}

export function toAccount(user: ScreenConnectUser, ctx: MappingContext, file: string): Account {
  return {
    id: user.name,
    name: user.name,
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    // User.xml's enabled/locked and role fields are not confirmed: not guessed.
    status: "unknown",
    admin: { isAdmin: "unknown", roles: [] },
    enrollment: {
      enrolled: "unknown",
      methods: [],
      evidence: [userEvidence(ctx, file, user, ctx.settings.userFields.name, user.name)],
    },
    evidence: [userEvidence(ctx, file, user, ctx.settings.userFields.name, user.name)],
  };
}

/** An internal user's sign-in: ScreenConnect handles MFA itself, but where it records it is not confirmed. */
export function internalPath(
  ep: EntryPoint,
  user: ScreenConnectUser,
  ctx: MappingContext,
  file: string,
): AccessPath {
  return {
    id: `${ep.id}/${user.name}`,
    entryPoint: ep.id,
    accounts: [user.name],
    chain: { factors: ["password"] },
    mfa: {
      state: "unknown",
      strength: null,
      reason:
        "internal user: the User.xml OTP format is not confirmed, so MFA is not read; needs attestation (list ScreenConnect in the tenant's attestation file)",
      evidence: [userEvidence(ctx, file, user, ctx.settings.userFields.name, user.name)],
    },
  };
}

const sourceLabel: Record<ScreenConnectSettings["userSources"][number]["type"], string> = {
  saml: "SAML",
  oauth2: "OAuth2",
  ldap: "LDAP",
  "connectwise-sso": "ConnectWise SSO",
};

/** An external user source: whoever it admits signs in; the source, not ScreenConnect, decides MFA. */
export function sourcePath(
  ep: EntryPoint,
  s: ScreenConnectSettings["userSources"][number],
  ctx: MappingContext,
): AccessPath {
  const evidence: Evidence[] = [
    {
      source,
      connection: ctx.connection,
      field: "userSources",
      value: s.name,
      note: `${sourceLabel[s.type]} user source, from the connection settings`,
    },
  ];
  const protocol = s.type === "saml" ? "saml" : s.type === "ldap" ? "ldap" : "oidc";
  return {
    id: `${ep.id}/source/${s.type}/${s.name}`,
    entryPoint: ep.id,
    accounts: [],
    chain: {
      factors: [],
      delegation: {
        protocol,
        target: s.target ?? s.name,
        ...(s.targetSource ? { targetSource: s.targetSource } : {}),
      },
    },
    mfa: {
      state: "unknown",
      strength: null,
      reason:
        s.type === "ldap"
          ? `signs in through the LDAP user source '${s.name}': the directory checks the password; whether ScreenConnect adds a second factor for LDAP users is not confirmed`
          : `signs in through SSO (${sourceLabel[s.type]} user source '${s.name}'): the identity provider decides`,
      evidence,
    },
  };
}
