import {
  describeRequireUserMatch,
  type NpsSettingsFact,
  whitelistedFrontEnd,
} from "../../model/facts/nps-extension.js";
import type { Evidence, FactorStrength, MfaVerdict } from "../../model/index.js";
import { strengthRank } from "../../model/index.js";

export * from "../../model/facts/nps-extension.js";

/**
 * The decision of the NPS extension for Microsoft Entra multifactor authentication, for the delegation
 * linker: how the extension's settings and one Entra user's MFA registration combine.
 *
 * How the extension decides (Microsoft Learn, howto-mfa-nps-extension.md): NPS does the primary
 * authentication against AD DS, then the extension asks Microsoft Entra multifactor authentication for a
 * second factor. "Once you enable MFA for a RADIUS client using the NPS extension, all authentications for
 * this client are required to perform MFA": the user's registration decides, not Conditional Access, which
 * does not govern RADIUS sign-ins (Microsoft Entra's authentication-protocol table lists RADIUS with MFA
 * but without Conditional Access). A user without a registered method is refused unless REQUIRE_USER_MATCH
 * is FALSE, in which case "authentication proceeds without performing MFA"; a request whose
 * NAS-IP-Address is in IP_WHITELIST skips two-step verification.
 */

/** What Entra says of one user's MFA registration (the shape of `EntraSignInResult.registration`). */
export interface NpsRegistration {
  status: "registered" | "not-registered" | "unknown";
  reason: string;
  methods: Array<{ method: string; strength: FactorStrength | null }>;
  evidence?: Evidence[];
}

export type NpsOutcome =
  | { kind: "path"; verdict: MfaVerdict }
  /** The user cannot sign in through this front end at all: no access path. */
  | { kind: "refused"; reason: string; evidence: Evidence[] };

/**
 * The weakest registered method the extension can use for this user. It calls, texts, pushes to the
 * Authenticator app or asks for a TOTP code; FIDO2 keys, Windows Hello and passkeys cannot answer a RADIUS
 * challenge, so phishing-resistant methods never count here.
 */
function usableStrength(methods: NpsRegistration["methods"]): FactorStrength | null {
  const usable = methods
    .map((m) => m.strength)
    .filter((s): s is FactorStrength => s === "weak" || s === "app");
  if (usable.length === 0) return null;
  return usable.reduce((min, s) => (strengthRank[s] < strengthRank[min] ? s : min));
}

/**
 * The verdict the NPS extension gives one Entra user signing in through the front end, combining the
 * extension's settings (from `readNpsSettings`) with the user's registration. Pure.
 *
 * - Registered user: `enforced` (strength: weakest method the extension can use), downgraded to
 *   `bypassable` when IP_WHITELIST has entries (requests carrying a listed NAS-IP-Address skip MFA).
 * - Unregistered user: `bypassable` with REQUIRE_USER_MATCH=FALSE; `refused` (no path) when it is TRUE or
 *   not set; `unknown` when it holds another value.
 * - Registration not known: `enforced` (strength unknown) when REQUIRE_USER_MATCH is TRUE, since the user
 *   either completes MFA or is refused; else `unknown`.
 * - The front end's own NAS-IP-Address in IP_WHITELIST: `none` for everyone.
 */
export function npsVerdict(
  settings: { data: NpsSettingsFact; evidence: Evidence[] },
  registration: NpsRegistration,
  user = "the user",
): NpsOutcome {
  const s = settings.data;
  const via = [`nps-extension:${s.server}`, "entra:mfa-registration"];
  const evidence = [...settings.evidence, ...(registration.evidence ?? [])];
  const frontEndListed = whitelistedFrontEnd(s);
  if (frontEndListed) {
    return {
      kind: "path",
      verdict: {
        state: "none",
        strength: null,
        via,
        reason: `IP_WHITELIST lists ${frontEndListed.join(", ")}, this front end's NAS-IP-Address: "two-step verification is skipped" for every request from it, so ${user} signs in with the AD password alone`,
        evidence,
      },
    };
  }
  const rum = s.requireUserMatch.value;
  const rumText = describeRequireUserMatch(s);
  let verdict: MfaVerdict;
  switch (registration.status) {
    case "registered": {
      const strength = usableStrength(registration.methods);
      verdict = {
        state: "enforced",
        strength,
        via,
        reason: `${user} has an MFA method registered (${registration.reason}), and the NPS extension requires it on every RADIUS sign-in through this front end, whatever REQUIRE_USER_MATCH says${strength === null ? "; none of the registered methods is one the extension can use (call, text, Authenticator push or code), so which factor it asks for is not known" : ""}`,
        evidence,
      };
      break;
    }
    case "not-registered":
      if (rum === false) {
        verdict = {
          state: "bypassable",
          strength: null,
          via,
          reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is FALSE: "when the key is set to FALSE and the user isn't enrolled, authentication proceeds without performing MFA", so the AD password alone signs ${user} in`,
          evidence,
        };
        break;
      }
      if (rum === true)
        return {
          kind: "refused",
          reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is ${rumText}: the extension fails the MFA challenge, so ${user} cannot sign in through this front end`,
          evidence,
        };
      verdict = {
        state: "unknown",
        strength: null,
        via,
        reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is ${rumText}: whether the extension lets ${user} in without MFA is not documented`,
        evidence,
      };
      break;
    default:
      verdict =
        rum === true
          ? {
              state: "enforced",
              strength: null,
              via,
              reason: `whether ${user} registered an MFA method is not known (${registration.reason}), but REQUIRE_USER_MATCH is ${rumText}: the extension either asks for a second factor or refuses the sign-in`,
              evidence,
            }
          : {
              state: "unknown",
              strength: null,
              via,
              reason: `whether ${user} registered an MFA method is not known (${registration.reason}), and REQUIRE_USER_MATCH is ${rumText}: an unregistered user would sign in without MFA`,
              evidence,
            };
  }
  if (s.ipWhitelist.entries.length > 0 && verdict.state !== "unknown") {
    const list = s.ipWhitelist.entries.join(";");
    verdict = {
      ...verdict,
      state: "bypassable",
      strength: null,
      reason: `${verdict.reason}; and IP_WHITELIST (${list}) skips two-step verification for any RADIUS request whose NAS-IP-Address is listed, so ${user} signs in with the password alone through a RADIUS client that sends one of those addresses`,
    };
  } else if (s.ipWhitelist.entries.length > 0) {
    verdict = {
      ...verdict,
      reason: `${verdict.reason}; IP_WHITELIST (${s.ipWhitelist.entries.join(";")}) also skips MFA for listed NAS addresses`,
    };
  }
  return { kind: "path", verdict };
}
