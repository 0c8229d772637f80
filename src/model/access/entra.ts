import type { Evidence } from "../evidence.js";
import type { MfaVerdict, Tristate } from "../inventory.js";
import type { FactorStrength, Severity } from "../vocabulary.js";

/**
 * What the Conditional Access engine (src/engines/conditional-access) answers about one tenant, as
 * policies read it (issue #25 item 7): the link stage computes it once per tenant and hands it on in the
 * linked inventory (`LinkedInventory.access.entra`, `PolicyContext.entraAccess`). Policies import these
 * types only, never the engine.
 */

/** What the user signs in to: any cloud app (the directory sign-in), or one app (a VPN's SAML app). */
export type AppTarget = "All" | { appId: string };

export interface PolicyRef {
  id: string;
  displayName: string;
  state: string;
}

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

/** Whether legacy authentication (which cannot do MFA) is blocked for a user. */
export interface LegacyAuthenticationResult {
  blocked: Tristate;
  reason: string;
  evidence: Evidence[];
}

export type TenantScope =
  | "all-users"
  | "admins"
  | "guests"
  | "azure-management"
  | "security-info-registration";

/** Whether the tenant's MFA policies reach one scope (all users, admins, guests, ...). */
export interface TenantScopeResult {
  scope: TenantScope;
  title: string;
  status: "pass" | "fail" | "unknown";
  /** Where it differs from the scope's usual severity. */
  severity?: Severity;
  reason: string;
  policies: PolicyRef[];
  evidence: Evidence[];
}

/** The Conditional Access answers for one tenant. Each is computed at most once and kept with the tenant. */
export interface EntraAccess {
  /** The tenant's Entra connections that reported their tenant fact, in fact order. */
  readonly connections: readonly string[];
  /** What Entra gives the user on an interactive sign-in to any cloud app. */
  signIn(connection: string, userId: string): EntraSignInResult;
  /** Whether legacy authentication is blocked for the user. */
  legacy(connection: string, userId: string): LegacyAuthenticationResult;
  /** Break-glass accounts the connection declares or its policies' exclusions reveal: id → why. */
  breakGlass(connection: string): ReadonlyMap<string, string>;
  /** The tenant-level scopes (all users, admins, guests, Azure management, security-info registration). */
  tenantCoverage(connection: string): TenantScopeResult[];
}
