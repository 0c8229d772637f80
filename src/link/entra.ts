import { entraSource } from "../model/facts/entra.js";
import type { AccessPath } from "../model/index.js";
import type { Linker } from "./linker.js";

/**
 * Replaces the verdict of each Entra directory sign-in path (collected as `unknown`, "pending
 * Conditional Access evaluation") with the Conditional Access evaluation for "interactive sign-in to any
 * cloud app". Pure.
 */
export const entraLinker: Linker = {
  name: "entra-conditional-access",
  link(inventory, { entra }) {
    const signIns = new Map(
      inventory.entryPoints
        .filter((e) => e.source === entraSource && e.kind === "directory-sign-in")
        .map((e) => [e.id, e.connection]),
    );
    if (signIns.size === 0) return inventory;
    const accessPaths = inventory.accessPaths.map((path): AccessPath => {
      const connection = signIns.get(path.entryPoint);
      const userId = path.accounts[0];
      if (!connection || !userId || path.accounts.length !== 1) return path;
      const result = entra.signIn(connection, userId);
      return {
        ...path,
        chain: {
          ...path.chain,
          factors: result.verdict.state === "enforced" ? ["password", "mfa"] : ["password"],
        },
        mfa: result.verdict,
      };
    });
    return { ...inventory, accessPaths };
  },
};
