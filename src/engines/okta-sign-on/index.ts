/**
 * Okta's sign-on policy evaluation, from the facts the Okta provider collected: the global session policy
 * and each app's authentication policy, per user (`sign-on-policy.ts`); which factors the enrollment policy
 * may hide (`enrollment.ts`); one connection's facts as the engine reads them (`org.ts`); and the
 * per-tenant engine the link stage makes (`tenant.ts`). Pure: imports src/model only.
 */
export * from "./enrollment.js";
export * from "./org.js";
export * from "./sign-on-policy.js";
export * from "./tenant.js";
