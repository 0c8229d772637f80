import { z } from "zod";
import type { OktaPolicyFact } from "../../model/facts/okta.js";
import type { OktaOrg } from "./org.js";

/**
 * Which of a user's factors Okta may leave out of `GET /api/v1/users/{id}/factors`. The API lists only
 * the enrolled factors whose authenticator is REQUIRED or OPTIONAL in the highest-priority authenticator
 * enrollment policy (MFA_ENROLL) that applies to the user (reference/identity-apis.md §2.1), so a factor of
 * an authenticator that policy does not allow may exist unseen. Also says which authenticators the user
 * may enroll at sign-in.
 */

/**
 * Factor types per authenticator key (Okta Identity Engine authenticators: Okta Verify offers push,
 * FastPass and its one-time code; Phone offers SMS and voice; a TOTP code may come from Okta Verify or
 * Google Authenticator). A factor type of an authenticator the policy does not allow counts as hidden.
 */
export const authenticatorFactorTypes: Record<string, string[]> = {
  okta_verify: ["push", "signed_nonce", "token:software:totp"],
  google_otp: ["token:software:totp"],
  phone_number: ["sms", "call"],
  okta_email: ["email"],
  webauthn: ["webauthn", "u2f"],
  security_question: ["question"],
  duo: ["web"],
  yubikey_token: ["token:hardware"],
  rsa_token: ["token"],
  symantec_vip: ["token"],
  onprem_mfa: ["token"],
  custom_otp: ["token:hotp"],
  custom_app: ["push"],
  // Sign-in methods rather than factors the Factors API lists.
  okta_password: [],
  smart_card_idp: [],
  external_idp: [],
};

/** Every factor type an authenticator above stands for. */
export const allOktaFactorTypes = [...new Set(Object.values(authenticatorFactorTypes).flat())];

const AuthenticatorSettings = z.object({
  type: z.string(),
  authenticators: z
    .array(z.object({ key: z.string(), enroll: z.object({ self: z.string().nullish() }).nullish() }))
    .nullish(),
});

export type EnrollmentView =
  | {
      known: true;
      /** The policies that may apply, highest priority first (more than one when membership is uncertain). */
      policies: string[];
      /** Factor types Okta may hide from this user's factor list. */
      hiddenTypes: string[];
      /** Authenticator keys every applicable policy lets this user enroll. */
      enrollable: string[];
    }
  | { known: false; reason: string };

type PeopleMatch = (policy: OktaPolicyFact) => "always" | "never" | "uncertain";

const allowed = (self: string | null | undefined) =>
  typeof self === "string" && ["REQUIRED", "OPTIONAL"].includes(self.toUpperCase());

/** The enrollment-policy view for one user; `people` matches a policy's people condition to the user. */
export function enrollmentFor(org: OktaOrg, people: PeopleMatch): EnrollmentView {
  const reads = org.org.reads.enrollPolicies;
  if (!reads.complete)
    return { known: false, reason: `enrollment policies could not be read (${reads.reason ?? "no reason"})` };
  const candidates: OktaPolicyFact[] = [];
  const ordered = org.policies
    .filter((p) => p.type.toUpperCase() === "MFA_ENROLL" && (p.status ?? "ACTIVE").toUpperCase() === "ACTIVE")
    .sort((a, b) => (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER));
  for (const policy of ordered) {
    const match = people(policy);
    if (match === "never") continue;
    candidates.push(policy);
    if (match === "always") break;
  }
  if (candidates.length === 0) return { known: false, reason: "no authenticator enrollment policy applies" };
  const hidden = new Set<string>();
  let enrollable: Set<string> | undefined;
  for (const policy of candidates) {
    const parsed = AuthenticatorSettings.safeParse(policy.settings);
    if (!parsed.success || parsed.data.type.toUpperCase() !== "AUTHENTICATORS")
      return {
        known: false,
        reason: `enrollment policy '${policy.name ?? policy.id}' does not list authenticators (settings.type ${parsed.success ? parsed.data.type : "unreadable"})`,
      };
    const listed = parsed.data.authenticators ?? [];
    const keys = new Set(listed.filter((a) => allowed(a.enroll?.self)).map((a) => a.key));
    // The policy names each of the org's authenticators (inference from the API's policy objects); one it
    // does not name is taken as not set up in the org, so no factor of it exists to hide.
    for (const a of listed) {
      if (keys.has(a.key)) continue;
      for (const t of authenticatorFactorTypes[a.key] ?? allOktaFactorTypes) hidden.add(t);
    }
    enrollable = enrollable ? new Set([...enrollable].filter((k) => keys.has(k))) : keys;
  }
  // A TOTP code may come from either of two authenticators: it counts as hidden when either is not allowed.
  // An authenticator this code does not map may stand for any factor type: every type counts as hidden.
  return {
    known: true,
    policies: candidates.map((p) => p.name ?? p.id),
    hiddenTypes: allOktaFactorTypes.filter((t) => hidden.has(t)),
    enrollable: [...(enrollable ?? [])],
  };
}
