import type { TenantInventory } from "../model/index.js";
import { delegationLinker } from "./delegation.js";
import { duoUnixLinker } from "./duo/unix.js";
import { entraLinker } from "./entra/index.js";
import type { Linker } from "./linker.js";
import { oktaLinker } from "./okta/index.js";

export type { Linker };

/**
 * Registered linkers, applied in order: the delegation linker reads what the Entra and Okta linkers decided;
 * the Duo Unix linker judges SSH logins that pass through pam_duo/login_duo by what Duo asks each user.
 */
export const linkers: Linker[] = [entraLinker, oktaLinker, delegationLinker, duoUnixLinker];

export function link(inventory: TenantInventory, registered: Linker[] = linkers): TenantInventory {
  return registered.reduce((acc, linker) => linker.link(acc), inventory);
}
