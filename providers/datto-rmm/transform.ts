import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import { noMfaStateReason } from "../../src/collect/sso.js";
import type { AccessPath, Account, EntryPoint, Evidence } from "../../src/model/index.js";
import { type AuthUser, type Platform, paths, platformUrl } from "./api.js";

/** Pure mapping from Datto RMM users to the model. No I/O; every decision carries its evidence. */

export const source = "datto-rmm";
const endpoint = `GET ${paths.users}`;

export interface MappingContext {
  connection: string;
  /** The account's platform, e.g. `pinotage`. */
  platform: Platform;
}

/** Where a user's record was read. */
function at(ctx: MappingContext, user: AuthUser) {
  return { source, connection: ctx.connection, endpoint, objectId: user.username };
}

function userEvidence(ctx: MappingContext, user: AuthUser, field: keyof AuthUser): Evidence {
  return fieldEvidence(at(ctx, user), user, field);
}

export function consoleEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:console`,
    name: `Datto RMM console (${ctx.platform})`,
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, endpoint, note: platformUrl(ctx.platform) }],
  };
}

/** `AuthUser` has no id: the username is the stable key (it is unique per account). */
export function toAccount(user: AuthUser, ctx: MappingContext): Account {
  const displayName = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return {
    id: user.username,
    name: user.username,
    ...(displayName ? { displayName } : {}),
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    status: user.disabled === true ? "disabled" : user.disabled === false ? "active" : "unknown",
    lastSignIn: user.lastAccess ?? null,
    // The user list names no role or security level.
    admin: { isAdmin: "unknown", roles: [] },
    enrollment: {
      enrolled: "unknown",
      methods: [],
      evidence: [{ ...at(ctx, user), note: noMfaStateReason }],
    },
    evidence: [userEvidence(ctx, user, "disabled"), userEvidence(ctx, user, "status")],
  };
}

/** Datto RMM's API has no MFA field: every console path is `unknown` until someone attests to it. */
export function signInPath(entryPoint: EntryPoint, user: AuthUser, ctx: MappingContext): AccessPath {
  return consolePath(entryPoint, user.username, {
    chain: { factors: ["password"] },
    mfa: {
      state: "unknown",
      strength: null,
      reason: noMfaStateReason,
      evidence: [
        {
          ...at(ctx, user),
          note: "AuthUser has firstName, lastName, username, email, telephone, status, created, lastAccess, disabled: no MFA field",
        },
      ],
    },
  });
}
