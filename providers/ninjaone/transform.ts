import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import { type SsoSettings, ssoPath } from "../../src/collect/sso.js";
import type { AccessPath, Account, EntryPoint, Evidence, MfaVerdict } from "../../src/model/index.js";
import { type EndUser, paths, type Technician } from "./api.js";

/** Pure mapping from NinjaOne users to the model. No I/O; every decision carries its evidence. */

export const source = "ninjaone";

export interface MappingContext {
  connection: string;
  /** Origin of the console, e.g. `https://eu.ninjarmm.com`. */
  consoleUrl: string;
  sso?: SsoSettings;
}

type User = (Technician & { kind: "technician" }) | (EndUser & { kind: "member" });

function endpointOf(user: User): string {
  return `GET ${user.kind === "technician" ? paths.technicians : paths.endUsers}`;
}

function userEvidence(ctx: MappingContext, user: User, field: string, note?: string): Evidence {
  const at = { source, connection: ctx.connection, endpoint: endpointOf(user), objectId: String(user.id) };
  return fieldEvidence(at, user, field, note);
}

export function consoleEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:console`,
    name: `NinjaOne console (${new URL(ctx.consoleUrl).host})`,
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [
      { source, connection: ctx.connection, endpoint: `GET ${paths.technicians}`, note: ctx.consoleUrl },
    ],
  };
}

function isSso(user: User): boolean {
  return typeof user.authType === "string" && user.authType.toUpperCase() === "SSO";
}

export function toAccount(user: User, ctx: MappingContext): Account {
  const name = user.email || user.uid || `user ${user.id}`;
  const displayName = [user.firstName, user.lastName].filter(Boolean).join(" ");
  const admin = user.kind === "technician" ? user.administrator : false;
  return {
    id: String(user.id),
    name,
    ...(displayName ? { displayName } : {}),
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: user.kind,
    // A disabled user cannot sign in; NinjaOne names no other state that blocks sign-in.
    status: user.enabled === false ? "disabled" : user.enabled === true ? "active" : "unknown",
    lastSignIn: null,
    admin: {
      isAdmin: typeof admin === "boolean" ? admin : "unknown",
      roles: [...(admin === true ? ["System Administrator"] : []), ...(user.roles ?? [])],
    },
    enrollment: {
      enrolled: typeof user.mfaConfigured === "boolean" ? user.mfaConfigured : "unknown",
      methods: [],
      evidence: [userEvidence(ctx, user, "mfaConfigured", "at least one MFA method is configured")],
    },
    evidence: [
      userEvidence(ctx, user, "enabled"),
      userEvidence(ctx, user, "authType"),
      userEvidence(ctx, user, "invitationStatus"),
      ...(user.kind === "technician" ? [userEvidence(ctx, user, "administrator")] : []),
    ],
  };
}

/**
 * The verdict of one NinjaOne sign-in. NinjaOne says whether a user has an MFA method (`mfaConfigured`),
 * never whether the console requires one, so a configured method is `optional`, not `enforced`. A user who
 * signs in through SSO is the identity provider's to judge.
 */
export function signInPath(entryPoint: EntryPoint, user: User, ctx: MappingContext): AccessPath {
  if (isSso(user)) {
    return consolePath(
      entryPoint,
      String(user.id),
      ssoPath(ctx.sso, ctx.consoleUrl, "NinjaOne authType SSO", [
        userEvidence(ctx, user, "authType", "signs in through the identity provider"),
      ]),
    );
  }
  const evidence = [userEvidence(ctx, user, "mfaConfigured"), userEvidence(ctx, user, "authType")];
  const pending =
    user.invitationStatus && user.invitationStatus !== "REGISTERED"
      ? `; the invitation is ${user.invitationStatus.toLowerCase()}, so whoever registers first sets the password`
      : "";
  let mfa: MfaVerdict;
  if (typeof user.mfaConfigured !== "boolean") {
    mfa = {
      state: "unknown",
      strength: null,
      reason: "NinjaOne did not return mfaConfigured for this user",
      evidence,
    };
  } else if (user.mfaConfigured) {
    mfa = {
      state: "optional",
      strength: null,
      reason: `an MFA method is configured, but NinjaOne does not say the console requires it${pending}`,
      evidence,
    };
  } else {
    mfa = {
      state: "none",
      strength: null,
      reason: `no MFA method is configured: the password alone signs in to the NinjaOne console${pending}`,
      evidence,
    };
  }
  return consolePath(entryPoint, String(user.id), { chain: { factors: ["password"] }, mfa });
}

export type { User as NinjaOneUser };
