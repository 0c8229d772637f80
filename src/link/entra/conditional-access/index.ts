/**
 * Conditional Access, evaluated per user, from the facts the Entra provider collected. Pure: no I/O, no
 * clock. Stricter than the peers (reference/peer-tools.md §3): report-only and disabled policies never
 * count, exclusions are resolved through transitive groups, roles (active and PIM-eligible) and guest
 * types, and a policy narrowed by risk, platform, location, client app, device filter or flow covers only
 * that slice, which leaves the user `bypassable` with the gap named.
 *
 * One file per question: load (facts, parsed once), who (whom a policy applies to), demand (what it
 * demands), scope (which sign-ins it covers), effect (one policy on one user), sign-in (the user's
 * verdict), legacy, break-glass and tenant-coverage.
 */
export { recognisedBreakGlass } from "./break-glass.js";
export { combinationStrength } from "./demand.js";
export { evaluateLegacyAuthentication, type LegacyAuthenticationResult } from "./legacy.js";
export { type EntraFacts, loadEntraFacts } from "./load.js";
export { type AppTarget, caEndpoint, type EntraSignInResult, type PolicyRef } from "./model.js";
export {
  evaluateEntraSignIn,
  nothingRegistered,
  registeredNotRequired,
  securityDefaultsUserGap,
} from "./sign-in.js";
export { evaluateTenantCoverage, type TenantScope, type TenantScopeResult } from "./tenant-coverage.js";
export { guestTypeOf, roleName } from "./who.js";
