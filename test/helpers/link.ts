import { enginesOf, type Linker, link } from "../../src/link/index.js";
import type { LinkedInventory, TenantInventory } from "../../src/model/index.js";

/** One linker, applied as the link stage applies it: with the tenant's engines. */
export function applyLinker(linker: Linker, inventory: TenantInventory): TenantInventory {
  return linker.link(inventory, enginesOf(inventory));
}

/**
 * An inventory as the evaluate stage takes it when the test built its paths itself: the engines' answers
 * attached (`LinkedInventory.access`), no linker run, so the paths stay as the test wrote them.
 */
export function linked(inventory: TenantInventory): LinkedInventory {
  return "access" in inventory ? (inventory as LinkedInventory) : link(inventory, []);
}
