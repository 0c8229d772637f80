import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import { noMfaStateReason, type SsoSettings, ssoPath } from "../../src/collect/sso.js";
import type { AccessPath, Account, EntryPoint, Evidence } from "../../src/model/index.js";
import { type AutomateUser, paths } from "./api.js";

/** Pure mapping from Automate users to the model. No I/O; every decision carries its evidence. */

export const source = "connectwise-automate";
const endpoint = `GET ${paths.users}`;

export interface MappingContext {
  connection: string;
  /** e.g. `https://rancor.hostedrmm.com` */
  consoleUrl: string;
  sso?: SsoSettings;
}

/** Where a user's record was read. */
function at(ctx: MappingContext, user: AutomateUser) {
  return { source, connection: ctx.connection, endpoint, objectId: String(user.UserId) };
}

function userEvidence(
  ctx: MappingContext,
  user: AutomateUser,
  field: keyof AutomateUser,
  note?: string,
): Evidence {
  return fieldEvidence(at(ctx, user), user, field, note);
}

export function consoleEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:console`,
    name: `ConnectWise Automate (${new URL(ctx.consoleUrl).host})`,
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, endpoint, note: ctx.consoleUrl }],
  };
}

/**
 * `SsoStatus`'s type and values are not published (UNCONFIRMED). A user counts as signing in through SSO
 * when Automate names the SSO identity (`SsoEmail`) and `SsoStatus` is not one of these "off" values.
 */
const ssoOff = new Set([
  "",
  "0",
  "false",
  "none",
  "off",
  "disabled",
  "inactive",
  "notconfigured",
  "not configured",
]);

export function signsInWithSso(user: AutomateUser): boolean {
  if (!user.SsoEmail?.trim()) return false;
  const status = user.SsoStatus;
  if (status === undefined || status === null || status === false || status === 0) return false;
  return !(typeof status === "string" && ssoOff.has(status.trim().toLowerCase()));
}

export function toAccount(user: AutomateUser, ctx: MappingContext): Account {
  // The SSO identity is what the identity provider knows this person by: it links the accounts.
  const email = user.SsoEmail || user.EmailAddress || undefined;
  return {
    id: String(user.UserId),
    name: user.Name,
    ...(email ? { email } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    // Automate names "locked" and nothing else that blocks sign-in.
    status: user.IsLocked === true ? "locked" : "active",
    lastSignIn: user.LastSuccessfulLogin ?? null,
    admin: {
      isAdmin: "unknown",
      roles: (user.UserClasses ?? []).flatMap((c) => (c.Name ? [c.Name] : [])),
    },
    enrollment: {
      enrolled: "unknown",
      methods: [],
      evidence: [{ ...at(ctx, user), note: noMfaStateReason }],
    },
    evidence: [
      userEvidence(ctx, user, "IsLocked"),
      userEvidence(ctx, user, "IsIntegrator", "an integrator user is an API account"),
      userEvidence(ctx, user, "SsoStatus"),
    ],
  };
}

/** No MFA field: `unknown` (needs attestation), or delegated to the identity provider for SSO users. */
export function signInPath(entryPoint: EntryPoint, user: AutomateUser, ctx: MappingContext): AccessPath {
  const account = String(user.UserId);
  if (signsInWithSso(user)) {
    return consolePath(
      entryPoint,
      account,
      ssoPath(
        ctx.sso,
        ctx.consoleUrl,
        `Automate SsoStatus ${JSON.stringify(user.SsoStatus)} for ${user.SsoEmail}`,
        [userEvidence(ctx, user, "SsoStatus"), userEvidence(ctx, user, "SsoEmail")],
      ),
    );
  }
  return consolePath(entryPoint, account, {
    chain: { factors: ["password"] },
    mfa: {
      state: "unknown",
      strength: null,
      reason: noMfaStateReason,
      evidence: [
        userEvidence(
          ctx,
          user,
          "SsoStatus",
          "Automate's User has no MFA field; SSO is not in use for this user",
        ),
      ],
    },
  });
}
