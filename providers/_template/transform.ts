import { consolePath, fieldEvidence } from "../../src/collect/console-accounts.js";
import type { AccessPath, Account, EntryPoint, Evidence, MfaVerdict } from "../../src/model/index.js";
import { type ExampleUser, paths } from "./api.js";

/**
 * TEMPLATE: pure mapping from the vendor's records to the model (DESIGN.md §2). No I/O, no policy: it says
 * what the vendor's settings mean for a sign-in, with the evidence, and policies judge that. Anything the
 * records cannot tell is `unknown` with the reason, never a pass.
 */

export const source = "example-console";
const endpoint = `GET ${paths.users}`;

export interface MappingContext {
  connection: string;
}

function userEvidence(ctx: MappingContext, user: ExampleUser, field: keyof ExampleUser): Evidence {
  return fieldEvidence({ source, connection: ctx.connection, endpoint, objectId: user.id }, user, field);
}

export function consoleEntryPoint(ctx: MappingContext): EntryPoint {
  return {
    id: `${source}:${ctx.connection}:console`,
    name: "Example Console",
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, endpoint }],
  };
}

export function toAccount(user: ExampleUser, ctx: MappingContext): Account {
  const known = (value: boolean | null | undefined) => value ?? ("unknown" as const);
  return {
    id: user.id,
    name: user.email ?? user.id,
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: "technician",
    status: user.active === false ? "disabled" : user.active === true ? "active" : "unknown",
    admin: { isAdmin: known(user.isAdmin), roles: user.isAdmin ? ["administrator"] : [] },
    enrollment: {
      enrolled: known(user.mfaEnrolled),
      methods: [],
      evidence: [userEvidence(ctx, user, "mfaEnrolled")],
    },
    evidence: [userEvidence(ctx, user, "active"), userEvidence(ctx, user, "isAdmin")],
  };
}

/** What a password sign-in needs, from the two fields; a field the API left out makes it unknown. */
export function verdictOf(user: ExampleUser, ctx: MappingContext): MfaVerdict {
  const evidence = [userEvidence(ctx, user, "mfaRequired"), userEvidence(ctx, user, "mfaEnrolled")];
  if (user.mfaRequired == null || user.mfaEnrolled == null)
    return {
      state: "unknown",
      strength: null,
      reason: "the API did not say whether MFA is required",
      evidence,
    };
  if (user.mfaRequired && user.mfaEnrolled)
    // The vendor's factor types decide the strength; the template's fields do not say.
    return { state: "enforced", strength: null, reason: "MFA is required and enrolled", evidence };
  if (user.mfaRequired)
    return {
      state: "bypassable",
      strength: null,
      reason: "MFA is required but not enrolled: whoever signs in first with the password enrols it",
      evidence,
    };
  return {
    state: user.mfaEnrolled ? "optional" : "none",
    strength: null,
    reason: user.mfaEnrolled ? "MFA is enrolled but not required" : "the password alone signs in",
    evidence,
  };
}

export function signInPath(entryPoint: EntryPoint, user: ExampleUser, ctx: MappingContext): AccessPath {
  const mfa = verdictOf(user, ctx);
  return consolePath(entryPoint, user.id, {
    chain: { factors: mfa.state === "enforced" ? ["password", "mfa"] : ["password"] },
    mfa,
  });
}
