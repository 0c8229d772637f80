import type { GdapSeed } from "./gdap-emulator.js";
import type { SeedConsentedApp } from "./login-emulator.js";

/**
 * The shape of one tenant the Graph stand-in serves. Its own module so the What If route can read a tenant
 * without importing the emulator that mounts it (no import cycle).
 */

export interface SeedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string | null;
  accountEnabled: boolean;
  userType: "Member" | "Guest";
  externalUserState?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  createdDateTime?: string;
  signInActivity?: { lastSignInDateTime: string | null };
  /** `methodsRegistered` for the registration report, and the methods the per-user API lists. */
  methodsRegistered?: string[];
  /** `isMfaRegistered` as the registration report would state it; by default from `mfaMethods`. */
  isMfaRegistered?: boolean;
  /** Beta per-user MFA state (default `disabled`). */
  perUserMfaState?: "disabled" | "enabled" | "enforced";
  /** Anything else, e.g. a deliberately malformed field for tests. */
  [field: string]: unknown;
}

export interface SeedGroup {
  id: string;
  displayName: string;
  /** User or group ids (nested groups are expanded by transitiveMembers). */
  members: string[];
}

export interface SeedRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface EntraTenantSeed {
  tenantId: string;
  domain: string;
  /**
   * Access tokens for this tenant, with the application permissions each carries (default: all) and the
   * app each was issued to (default: the token's `appid` claim, else the emulator's one default app).
   */
  tokens: Array<{ token: string; permissions?: string[]; appId?: string }>;
  licence: { p1: boolean; p2: boolean };
  securityDefaults: boolean;
  users: SeedUser[];
  groups: SeedGroup[];
  /** Service principal ids (role assignees that are not groups: `/groups/{id}` answers 404). */
  servicePrincipals: string[];
  policies: Array<Record<string, unknown>>;
  namedLocations: Array<Record<string, unknown>>;
  roleAssignments: SeedRoleAssignment[];
  roleEligibilities: SeedRoleAssignment[];
  /** Fault: from this users page on, the nextLink repeats (a paging loop). */
  usersPagingLoopFromPage?: number;
  /** Enterprise apps (service principals) with their SAML identifiers and assignments. */
  enterpriseApps?: SeedEnterpriseApp[];
  /** Custom authentication strengths (`customStrength`), served after the built-ins. */
  customStrengths?: Array<Record<string, unknown>>;
  /** A partner (MSP) tenant's GDAP relationships with its customers. */
  gdap?: GdapSeed;
  /** Apps consented in this tenant, for the client-credentials sign-in (gdap-emulator's sibling). */
  apps?: SeedConsentedApp[];
  /** Fault: every What If answers 429 without Retry-After, as Conditional Access throttling does. */
  whatIfThrottled?: boolean;
}

export interface SeedEnterpriseApp {
  id: string;
  appId: string;
  displayName: string;
  /** The app id and, for a SAML app, its Identifier (Entity ID) values. */
  servicePrincipalNames: string[];
  appRoleAssignmentRequired: boolean;
  accountEnabled: boolean;
  /** User or group ids assigned to the app. */
  assignedTo: string[];
}
