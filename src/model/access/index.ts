import type { TenantInventory } from "../tenant-inventory.js";
import type { EntraAccess } from "./entra.js";
import type { OktaAccess } from "./okta.js";

export * from "./entra.js";
export * from "./okta.js";

/** The identity engines' answers for one tenant, computed once by the link stage. */
export interface TenantAccess {
  entra: EntraAccess;
  okta: OktaAccess;
}

/**
 * A tenant inventory after the link stage: delegated and pending paths resolved, and the engines' answers
 * kept with it, which the evaluate stage hands to policies (`PolicyContext.entraAccess`). Not serialised.
 */
export interface LinkedInventory extends TenantInventory {
  access: TenantAccess;
}
