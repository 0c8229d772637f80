import { entraEngineOf } from "../engines/conditional-access/index.js";
import { oktaEngineOf } from "../engines/okta-sign-on/index.js";
import type { LinkedInventory, TenantInventory } from "../model/index.js";
import { delegationLinker } from "./delegation.js";
import { duoUnixLinker } from "./duo/unix.js";
import { entraLinker } from "./entra.js";
import type { LinkEngines, Linker } from "./linker.js";
import { oktaLinker } from "./okta.js";

export type { LinkEngines, Linker };

/**
 * Registered linkers, applied in order: the delegation linker reads what the Entra and Okta linkers decided;
 * the Duo Unix linker judges SSH logins that pass through pam_duo/login_duo by what Duo asks each user.
 */
export const linkers: Linker[] = [entraLinker, oktaLinker, delegationLinker, duoUnixLinker];

/**
 * The identity engines of one tenant (Conditional Access, Okta sign-on). They read facts and accounts,
 * which no linker changes, so one set serves every linker and, kept in the linked inventory, the policies.
 */
export function enginesOf(inventory: Pick<TenantInventory, "facts" | "accounts">): LinkEngines {
  return { entra: entraEngineOf(inventory), okta: oktaEngineOf(inventory) };
}

/** The link stage for one tenant: every linker in order, and the engines' answers kept for the policies. */
export function link(inventory: TenantInventory, registered: Linker[] = linkers): LinkedInventory {
  const engines = enginesOf(inventory);
  const linked = registered.reduce((acc, linker) => linker.link(acc, engines), inventory);
  return { ...linked, access: engines };
}
