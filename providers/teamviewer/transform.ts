import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import { type SsoSettings, ssoPath } from "../../src/collect/sso.js";
import type { AccessPath, Account, EntryPoint, Evidence, MfaVerdict } from "../../src/model/index.js";
import { paths, type TeamViewerUser } from "./api.js";

/** Pure mapping from TeamViewer company users to the model. No I/O; every decision carries evidence. */

export const source = "teamviewer";
const endpoint = `GET ${paths.users}`;

export interface MappingContext {
  connection: string;
  sso?: SsoSettings;
}

function userEvidence(
  ctx: MappingContext,
  user: TeamViewerUser,
  field: keyof TeamViewerUser,
  note?: string,
): Evidence {
  return fieldEvidence(
    { source, connection: ctx.connection, endpoint, objectId: user.id },
    user,
    field,
    note,
  );
}

export function companyEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:company`,
    name: "TeamViewer company accounts",
    kind: "remote-support",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, endpoint, note: "full_list=true" }],
  };
}

/** A TeamViewer boolean field: a JSON boolean, else not known. */
function flag(value: unknown): boolean | "unknown" {
  return typeof value === "boolean" ? value : "unknown";
}

/**
 * `sso_status`: its value set is not published (UNCONFIRMED). These words are read as "signs in through
 * SSO" or "does not"; any other value is reported as not recognised rather than guessed.
 */
const ssoOn = new Set(["active", "activated", "enabled", "on"]);
const ssoOff = new Set(["", "none", "inactive", "disabled", "off", "not_activated", "notactivated"]);

export function ssoState(value: unknown): "sso" | "native" | "unrecognised" {
  if (value === undefined || value === null || value === false) return "native";
  if (value === true) return "sso";
  if (typeof value !== "string") return "unrecognised";
  const v = value.trim().toLowerCase();
  return ssoOn.has(v) ? "sso" : ssoOff.has(v) ? "native" : "unrecognised";
}

export function toAccount(user: TeamViewerUser, ctx: MappingContext): Account {
  return {
    id: user.id,
    name: user.email || user.name || user.id,
    ...(user.name ? { displayName: user.name } : {}),
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    status: user.active === false ? "disabled" : user.active === true ? "active" : "unknown",
    lastSignIn: user.last_access_date ?? null,
    // The user object names a role id, not whether the role administers the company.
    admin: { isAdmin: "unknown", roles: user.userRoleId ? [`role ${user.userRoleId}`] : [] },
    enrollment: {
      enrolled: flag(user.tfa_enabled),
      methods: [],
      evidence: [userEvidence(ctx, user, "tfa_enabled")],
    },
    evidence: [userEvidence(ctx, user, "active"), userEvidence(ctx, user, "sso_status")],
  };
}

/**
 * TeamViewer's own two-factor authentication (TFA): `tfa_enforcement` (required for this user) and
 * `tfa_enabled` (set up). Enforced but not set up is `bypassable` (inference: until the user enrols, the
 * password reaches the enrolment step, and whoever enrols first owns the second factor).
 */
export function signInPath(entryPoint: EntryPoint, user: TeamViewerUser, ctx: MappingContext): AccessPath {
  const sso = ssoState(user.sso_status);
  if (sso === "sso") {
    return consolePath(
      entryPoint,
      user.id,
      ssoPath(
        ctx.sso,
        // TeamViewer turns SSO on per email domain; that domain is what the tool names.
        user.email?.split("@")[1] ?? "TeamViewer SSO",
        `TeamViewer sso_status ${JSON.stringify(user.sso_status)}`,
        [userEvidence(ctx, user, "sso_status", "signs in through the identity provider")],
      ),
    );
  }
  const evidence = [
    userEvidence(ctx, user, "tfa_enforcement"),
    userEvidence(ctx, user, "tfa_enabled"),
    userEvidence(ctx, user, "sso_status"),
  ];
  const enforced = flag(user.tfa_enforcement);
  const enabled = flag(user.tfa_enabled);
  let mfa: MfaVerdict;
  if (sso === "unrecognised") {
    mfa = {
      state: "unknown",
      strength: null,
      reason: `sso_status ${JSON.stringify(user.sso_status)} is not a value mfasweep recognises; needs attestation`,
      evidence,
    };
  } else if (enforced === "unknown" || enabled === "unknown") {
    mfa = {
      state: "unknown",
      strength: null,
      reason: `TeamViewer returned tfa_enforcement=${JSON.stringify(user.tfa_enforcement ?? null)}, tfa_enabled=${JSON.stringify(user.tfa_enabled ?? null)}, not booleans`,
      evidence,
    };
  } else if (enforced && enabled) {
    mfa = { state: "enforced", strength: null, reason: "TFA is enforced and set up", evidence };
  } else if (enforced) {
    mfa = {
      state: "bypassable",
      strength: null,
      reason:
        "TFA is enforced but not set up yet: the password alone reaches TFA enrolment, and whoever enrols first owns the second factor",
      evidence,
    };
  } else if (enabled) {
    mfa = {
      state: "optional",
      strength: null,
      reason: "TFA is set up but not enforced: the user can turn it off",
      evidence,
    };
  } else {
    mfa = {
      state: "none",
      strength: null,
      reason: "TFA is neither enforced nor set up: the password alone signs in",
      evidence,
    };
  }
  return consolePath(entryPoint, user.id, {
    chain: { factors: mfa.state === "enforced" ? ["password", "tfa"] : ["password"] },
    mfa,
  });
}
