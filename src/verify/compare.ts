import { describeRequirement } from "./microsoft.js";
import type { VerifyEntry, VerifyOutcome } from "./model.js";

/**
 * mfasweep's verdict against Microsoft's for one sign-in. The question both answer: does a password alone
 * get this user into Office 365 from a location the tenant did not list? mfasweep's `enforced` says no for
 * every interactive sign-in, `none`/`optional` says yes, `bypassable` says "for some sign-ins": that one
 * agrees with either answer for a single sign-in. A What If that failed, or a verdict of ours that is
 * unknown or rests on something What If does not judge (security defaults, per-user MFA), is `unknown`,
 * never agreement.
 */
export function compareVerdicts(input: {
  ours: VerifyEntry["ours"];
  microsoft: VerifyEntry["microsoft"];
  /** Why Microsoft could not be asked, when it could not. */
  failure?: string;
  /** Why the sign-in asked about may not be from an unlisted location, when it may not. */
  locationDoubt?: string;
}): { outcome: VerifyOutcome; reason: string } {
  const { ours, microsoft } = input;
  if (!microsoft)
    return {
      outcome: "unknown",
      reason: `Microsoft's What If could not be asked: ${input.failure ?? "no answer"}`,
    };
  const theirs = `Microsoft ${describeRequirement(microsoft.requirement)}${
    microsoft.enforcing.length ? ` (${microsoft.enforcing.map((p) => p.displayName).join(", ")})` : ""
  }`;
  if (ours.state === "unknown")
    return { outcome: "unknown", reason: `mfasweep's own verdict is unknown (${ours.reason}); ${theirs}` };
  if (ours.basis === "security-defaults" || ours.basis === "per-user-mfa")
    return {
      outcome: "unknown",
      reason: `mfasweep's verdict rests on ${ours.basis === "security-defaults" ? "security defaults" : "per-user MFA"}, which What If does not evaluate (it judges Conditional Access policies only); ${theirs}`,
    };
  if (input.locationDoubt) return { outcome: "unknown", reason: `${input.locationDoubt}; ${theirs}` };
  const demands = ["mfa", "authentication-strength", "block"].includes(microsoft.requirement);
  switch (ours.state) {
    case "enforced":
      if (!demands)
        return {
          outcome: "disagree",
          reason: `mfasweep says every interactive sign-in needs ${ours.blocked ? "to pass a block" : "MFA"}, but ${theirs}${notAppliedText(microsoft)}`,
        };
      if (ours.blocked && microsoft.requirement !== "block")
        return {
          outcome: "disagree",
          reason: `mfasweep says every interactive sign-in is blocked, but ${theirs}${notAppliedText(microsoft)}`,
        };
      return { outcome: "agree", reason: `both: a password alone is not enough; ${theirs}` };
    case "bypassable":
      return {
        outcome: "agree",
        reason: `consistent: mfasweep says MFA is required only for some sign-ins, and for this one ${theirs}`,
      };
    default:
      if (microsoft.requirement === "mfa" || microsoft.requirement === "authentication-strength")
        return {
          outcome: "disagree",
          reason: `mfasweep says nothing requires MFA of this user (${ours.state}), but ${theirs}`,
        };
      if (microsoft.requirement === "block")
        return {
          outcome: "agree",
          reason: `consistent: nothing requires MFA, and ${theirs} (a block narrowed to some sign-ins leaves the others to a password)`,
        };
      return { outcome: "agree", reason: `both: nothing requires MFA; ${theirs}` };
  }
}

function notAppliedText(microsoft: NonNullable<VerifyEntry["microsoft"]>): string {
  return microsoft.notApplied.length
    ? `; Microsoft says ${microsoft.notApplied.map((p) => `'${p.displayName}' does not apply (${p.notApplied})`).join(", ")}`
    : "";
}
