import { entraFactKinds, entraKinds } from "../../model/facts/entra.js";
import { factsOf } from "../../model/facts/kind.js";
import type {
  AppTarget,
  EntraAccess,
  EntraSignInResult,
  Fact,
  LegacyAuthenticationResult,
  TenantInventory,
  TenantScopeResult,
} from "../../model/index.js";
import { recognisedBreakGlass } from "./break-glass.js";
import { evaluateLegacyAuthentication } from "./legacy.js";
import { type EntraFacts, loadEntraFacts } from "./load.js";
import { evaluateEntraSignIn } from "./sign-in.js";
import { evaluateTenantCoverage } from "./tenant-coverage.js";

/** One connection's parsed facts and the answers already given from them. */
interface Answers {
  facts: EntraFacts;
  signIn: Map<string, EntraSignInResult>;
  legacy: Map<string, LegacyAuthenticationResult>;
  breakGlass?: Map<string, string>;
  tenant?: TenantScopeResult[];
}

/**
 * The Conditional Access engine of one tenant: the link stage makes one per tenant, its linkers and then
 * the policies (through the linked inventory) ask it, and each answer is computed once and kept here, with
 * the tenant, not in a module-level cache. Pure: answers depend on the facts only, so two engines of the
 * same facts are equal (their answers are private state).
 */
export class EntraEngine implements EntraAccess {
  readonly connections: readonly string[];
  readonly #facts: readonly Fact[];
  readonly #answers = new Map<string, Answers>();

  constructor(inventory: Pick<TenantInventory, "facts">) {
    this.#facts = inventory.facts;
    this.connections = [
      ...new Set(factsOf(inventory, entraKinds[entraFactKinds.tenant]).map((r) => r.fact.connection)),
    ];
  }

  #of(connection: string): Answers {
    let found = this.#answers.get(connection);
    if (!found) {
      found = { facts: loadEntraFacts(this.#facts, connection), signIn: new Map(), legacy: new Map() };
      this.#answers.set(connection, found);
    }
    return found;
  }

  /** One connection's facts, parsed once. */
  facts(connection: string): EntraFacts {
    return this.#of(connection).facts;
  }

  signIn(connection: string, userId: string): EntraSignInResult {
    const a = this.#of(connection);
    let result = a.signIn.get(userId);
    if (!result) {
      result = evaluateEntraSignIn(a.facts, userId, "All");
      a.signIn.set(userId, result);
    }
    return result;
  }

  /** What Entra gives the user signing in to `app` (the delegation linker's question, issue #6). */
  signInTo(connection: string, userId: string, app: AppTarget): EntraSignInResult {
    return app === "All"
      ? this.signIn(connection, userId)
      : evaluateEntraSignIn(this.#of(connection).facts, userId, app);
  }

  legacy(connection: string, userId: string): LegacyAuthenticationResult {
    const a = this.#of(connection);
    let result = a.legacy.get(userId);
    if (!result) {
      result = evaluateLegacyAuthentication(a.facts, userId);
      a.legacy.set(userId, result);
    }
    return result;
  }

  breakGlass(connection: string): ReadonlyMap<string, string> {
    const a = this.#of(connection);
    a.breakGlass ??= recognisedBreakGlass(a.facts);
    return a.breakGlass;
  }

  tenantCoverage(connection: string): TenantScopeResult[] {
    const a = this.#of(connection);
    a.tenant ??= evaluateTenantCoverage(a.facts);
    return a.tenant;
  }
}

export function entraEngineOf(inventory: Pick<TenantInventory, "facts">): EntraEngine {
  return new EntraEngine(inventory);
}

/**
 * One question without an engine to keep: what Entra gives `userId` signing in to `app` (default "All"),
 * in `connection` (default the tenant's first Entra connection); undefined when the tenant has none.
 * Parses the facts on each call: make one engine (`entraEngineOf`) to ask many.
 */
export function entraAccessFor(
  inventory: Pick<TenantInventory, "facts">,
  query: { userId: string; app?: AppTarget; connection?: string },
): EntraSignInResult | undefined {
  const engine = entraEngineOf(inventory);
  const connection = query.connection ?? engine.connections[0];
  return connection ? engine.signInTo(connection, query.userId, query.app ?? "All") : undefined;
}
