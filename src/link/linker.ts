import type { TenantInventory } from "../model/index.js";

/**
 * A linker resolves delegations inside one tenant: an access path whose chain delegates (SAML, RADIUS to
 * the NPS extension or a Duo Authentication Proxy) to a system another connection collected takes the state that system gives each
 * account, and records the hop in `mfa.via`. Providers emit delegated paths as `unknown` ("delegated to
 * X, not resolved"), so a delegation no linker resolves stays unknown, never enforced. Pure.
 */
export interface Linker {
  name: string;
  link(inventory: TenantInventory): TenantInventory;
}
