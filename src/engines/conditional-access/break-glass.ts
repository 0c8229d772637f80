import { grantOf } from "./demand.js";
import { quote } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import { guestTypeOf } from "./who.js";

// Emergency-access accounts recognised from the exclusions of Conditional Access policies.

/**
 * Emergency-access (break-glass) accounts: those the connection declares, and enabled members excluded
 * by name from every enabled policy that requires MFA of all users (the usual way a break-glass account
 * is kept out of Conditional Access). Values: why the account is recognised.
 */
export function recognisedBreakGlass(facts: EntraFacts): Map<string, string> {
  const out = new Map<string, string>();
  const declared = new Set((facts.tenant?.breakGlassAccounts ?? []).map((a) => a.toLowerCase()));
  for (const u of facts.users.byId.values()) {
    if (declared.has(u.id.toLowerCase()) || declared.has(u.userPrincipalName.toLowerCase()))
      out.set(u.id, "declared as a break-glass account in the connection");
  }
  if (facts.conditionalAccess.status !== "read") return out;
  const allUserMfa = facts.conditionalAccess.policies.filter(
    (p) =>
      p.state === "enabled" &&
      p.conditions.users?.includeUsers.includes("All") &&
      grantOf(facts, p).kind === "mfa",
  );
  if (allUserMfa.length === 0) return out;
  for (const u of facts.users.byId.values()) {
    if (out.has(u.id) || u.accountEnabled === false || guestTypeOf(u)) continue;
    if (allUserMfa.every((p) => p.conditions.users?.excludeUsers.includes(u.id)))
      out.set(u.id, `excluded by name from every all-users MFA policy (${allUserMfa.map(quote).join(", ")})`);
  }
  return out;
}
