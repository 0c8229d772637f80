/** The shapes the Conditional Access evaluation gives the rest of mfasweep: declared in src/model/access. */
export type {
  AppTarget,
  EntraSignInResult,
  LegacyAuthenticationResult,
  PolicyRef,
  TenantScope,
  TenantScopeResult,
} from "../../model/index.js";

export const caEndpoint = "GET /identity/conditionalAccess/policies";

export type Tri = true | false | "unknown";
