/**
 * Conditional Access, evaluated per user, from the facts the Entra provider collected. Pure: no I/O, no
 * clock. Stricter than the peers (reference/peer-tools.md §3): report-only and disabled policies never
 * count, exclusions are resolved through transitive groups, roles (active and PIM-eligible) and guest
 * types, and a policy narrowed by risk, platform, location, client app, device filter or flow covers only
 * that slice, which leaves the user `bypassable` with the gap named.
 *
 * One file per question: tenant (the per-tenant engine the link stage makes), load (facts, parsed once), who (whom a policy applies to), demand (what it
 * demands), scope (which sign-ins it covers), effect (one policy on one user), sign-in (the user's
 * verdict), legacy, break-glass and tenant-coverage.
 */
export { recognisedBreakGlass } from "./break-glass.js";
export { combinationStrength } from "./demand.js";
export { evaluateLegacyAuthentication } from "./legacy.js";
export { type EntraFacts, loadEntraFacts } from "./load.js";
export { caEndpoint } from "./model.js";
export {
  evaluateEntraSignIn,
  nothingRegistered,
  registeredNotRequired,
  securityDefaultsUserGap,
} from "./sign-in.js";
export { EntraEngine, entraAccessFor, entraEngineOf } from "./tenant.js";
export { evaluateTenantCoverage } from "./tenant-coverage.js";
export { guestTypeOf, roleName } from "./who.js";
