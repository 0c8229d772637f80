import { entraFactKinds, entraKinds, entraSource } from "../../model/facts/entra.js";
import { factsOf } from "../../model/facts/kind.js";
import type { AccessPath, TenantInventory } from "../../model/index.js";
import type { Linker } from "../linker.js";
import {
  type AppTarget,
  type EntraFacts,
  type EntraSignInResult,
  evaluateEntraSignIn,
  evaluateLegacyAuthentication,
  evaluateTenantCoverage,
  type LegacyAuthenticationResult,
  loadEntraFacts,
  recognisedBreakGlass,
  type TenantScopeResult,
} from "./conditional-access/index.js";

export * from "../../model/facts/entra.js";
export * from "./conditional-access/index.js";

/**
 * Per-inventory cache of parsed facts and per-user evaluations: the linker and several policies ask the
 * same questions of the same facts. Keyed by the facts array, which a linked inventory keeps.
 */
interface ConnectionCache {
  facts: EntraFacts;
  signIn: Map<string, EntraSignInResult>;
  legacy: Map<string, LegacyAuthenticationResult>;
  breakGlass?: Map<string, string>;
  tenant?: TenantScopeResult[];
}
const caches = new WeakMap<object, Map<string, ConnectionCache>>();

function cacheFor(inventory: Pick<TenantInventory, "facts">, connection: string): ConnectionCache {
  let byConnection = caches.get(inventory.facts);
  if (!byConnection) {
    byConnection = new Map();
    caches.set(inventory.facts, byConnection);
  }
  let cache = byConnection.get(connection);
  if (!cache) {
    cache = { facts: loadEntraFacts(inventory.facts, connection), signIn: new Map(), legacy: new Map() };
    byConnection.set(connection, cache);
  }
  return cache;
}

/** Entra connections of the tenant that produced facts. */
export function entraConnections(inventory: Pick<TenantInventory, "facts">): string[] {
  return [...new Set(factsOf(inventory, entraKinds[entraFactKinds.tenant]).map((r) => r.fact.connection))];
}

export function entraFactsOf(inventory: Pick<TenantInventory, "facts">, connection: string): EntraFacts {
  return cacheFor(inventory, connection).facts;
}

/**
 * What Entra gives user `userId` signing in to `app` ("All" cloud apps, or `{ appId }` for an app such
 * as a VPN's SAML enterprise app): the MFA verdict with the deciding policies. The entry point for
 * linkers that resolve a delegation to Entra (issue #6). `connection` defaults to the tenant's only
 * Entra connection; undefined when there is none.
 */
export function entraAccessFor(
  inventory: Pick<TenantInventory, "facts">,
  query: { userId: string; app?: AppTarget; connection?: string },
): EntraSignInResult | undefined {
  const connection = query.connection ?? entraConnections(inventory)[0];
  if (!connection) return undefined;
  const cache = cacheFor(inventory, connection);
  const app = query.app ?? "All";
  if (app !== "All") return evaluateEntraSignIn(cache.facts, query.userId, app);
  let result = cache.signIn.get(query.userId);
  if (!result) {
    result = evaluateEntraSignIn(cache.facts, query.userId, "All");
    cache.signIn.set(query.userId, result);
  }
  return result;
}

export function entraLegacyAuthenticationFor(
  inventory: Pick<TenantInventory, "facts">,
  connection: string,
  userId: string,
): LegacyAuthenticationResult {
  const cache = cacheFor(inventory, connection);
  let result = cache.legacy.get(userId);
  if (!result) {
    result = evaluateLegacyAuthentication(cache.facts, userId);
    cache.legacy.set(userId, result);
  }
  return result;
}

export function entraBreakGlassOf(
  inventory: Pick<TenantInventory, "facts">,
  connection: string,
): Map<string, string> {
  const cache = cacheFor(inventory, connection);
  cache.breakGlass ??= recognisedBreakGlass(cache.facts);
  return cache.breakGlass;
}

export function entraTenantCoverageOf(
  inventory: Pick<TenantInventory, "facts">,
  connection: string,
): TenantScopeResult[] {
  const cache = cacheFor(inventory, connection);
  cache.tenant ??= evaluateTenantCoverage(cache.facts);
  return cache.tenant;
}

/**
 * Replaces the verdict of each Entra directory sign-in path (collected as `unknown`, "pending
 * Conditional Access evaluation") with the Conditional Access evaluation for "interactive sign-in to any
 * cloud app". Pure.
 */
export const entraLinker: Linker = {
  name: "entra-conditional-access",
  link(inventory) {
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
      const result = entraAccessFor(inventory, { connection, userId });
      if (!result) return path;
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
