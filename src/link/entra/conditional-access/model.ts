import type { FactorStrength, MfaVerdict } from "../../../model/index.js";

/** The shapes the Conditional Access evaluation gives the rest of mfasweep. */

export const caEndpoint = "GET /identity/conditionalAccess/policies";

/** What the user signs in to: any cloud app (the directory sign-in), or one app (a VPN's SAML app). */
export type AppTarget = "All" | { appId: string };

export interface PolicyRef {
  id: string;
  displayName: string;
  state: string;
}

export type Tri = true | false | "unknown";

export interface EntraSignInResult {
  userId: string;
  /** State, strength (weakest factor that still completes a login), reason and the deciding evidence. */
  verdict: MfaVerdict;
  /** Controls that require MFA on every interactive sign-in of this user to the target. */
  enforcedBy: Array<{
    kind: "conditional-access" | "security-defaults" | "per-user-mfa";
    policy?: PolicyRef;
  }>;
  /** Enabled policies that require MFA only for a slice of sign-ins, and which slice they leave open. */
  partial: Array<{ policy: PolicyRef; gaps: string[] }>;
  /** Enabled MFA policies that would apply but exclude the user, and how. */
  excludedBy: Array<{ policy: PolicyRef; how: string[] }>;
  /** Policies that would apply but do not count (report-only, disabled). */
  ignored: Array<{ policy: PolicyRef; why: string }>;
  /** Policies whose effect on this user could not be decided. */
  unresolved: Array<{ policy: PolicyRef; why: string }>;
  /** Under security defaults: an administrator (prompted at every sign-in) or another user ("when necessary"). */
  securityDefaults: "admin" | "user" | null;
  /** The weakest factor every sign-in must present (strongest floor of the enforcing controls). */
  requiredStrength: FactorStrength | null;
  /**
   * When MFA is demanded but nothing registered completes what is accepted: whether it can be registered
   * at sign-in (`registrable`), or the user cannot sign in until one is set up (`not-registrable`).
   * `blocked`: every interactive sign-in is blocked outright.
   */
  access: "met" | "registrable" | "not-registrable" | "blocked" | "not-demanded" | "unknown";
  registration: {
    status: "registered" | "not-registered" | "unknown";
    reason: string;
    methods: Array<{ method: string; strength: FactorStrength | null }>;
  };
}
