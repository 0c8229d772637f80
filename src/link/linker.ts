import type { EntraEngine } from "../engines/conditional-access/index.js";
import type { OktaEngine } from "../engines/okta-sign-on/index.js";
import type { TenantInventory } from "../model/index.js";

/** The identity engines of one tenant, made once by `link` and shared by every linker and the policies. */
export interface LinkEngines {
  entra: EntraEngine;
  okta: OktaEngine;
}

/**
 * A linker resolves delegations inside one tenant: an access path whose chain delegates (SAML, RADIUS to
 * the NPS extension or a Duo Authentication Proxy) to a system another connection collected takes the state that system gives each
 * account, and records the hop in `mfa.via`. Providers emit delegated paths as `unknown` ("delegated to
 * X, not resolved"), so a delegation no linker resolves stays unknown, never enforced. Pure: it asks the
 * tenant's engines, which answer from the facts.
 */
export interface Linker {
  name: string;
  link(inventory: TenantInventory, engines: LinkEngines): TenantInventory;
}
