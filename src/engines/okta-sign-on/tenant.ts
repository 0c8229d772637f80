import { type OktaAppFact, oktaSource } from "../../model/facts/okta.js";
import type { MfaVerdict, OktaAccess, OktaAppRef, OktaUserRef, TenantInventory } from "../../model/index.js";
import { type OktaOrg, oktaConnections, readOktaOrg } from "./org.js";
import { OktaPolicyEvaluator } from "./sign-on-policy.js";

/** The apps of one Okta org that `ref` names (all that match; more than one means the ref is ambiguous). */
export function findOktaApps(org: OktaOrg, ref: OktaAppRef): OktaAppFact[] {
  const same = (a: string | null | undefined, b: string | undefined) =>
    b !== undefined && a !== null && a !== undefined && a.replace(/\/$/, "") === b.replace(/\/$/, "");
  return org.apps.filter(
    (app) =>
      (ref.id !== undefined && app.id === ref.id) ||
      (ref.name !== undefined && app.name === ref.name) ||
      same(app.samlAudience, ref.samlEntityId) ||
      same(app.samlAcsUrl, ref.samlAcsUrl) ||
      (ref.oidcClientId !== undefined && app.oidcClientId === ref.oidcClientId),
  );
}

export function unknownOktaVerdict(reason: string, connection = "-"): MfaVerdict {
  return {
    state: "unknown",
    strength: null,
    reason,
    evidence: [{ source: oktaSource, connection, note: reason }],
  };
}

/**
 * The Okta sign-on engine of one tenant: one evaluator per connection, made when first asked and kept here,
 * with the tenant (the link stage makes one engine per tenant), not in a module-level cache. Two engines of
 * the same facts are equal (the evaluators are private state).
 */
export class OktaEngine implements OktaAccess {
  readonly connections: readonly string[];
  readonly #inventory: Pick<TenantInventory, "facts" | "accounts">;
  readonly #evaluators = new Map<string, OktaPolicyEvaluator | undefined>();

  constructor(inventory: Pick<TenantInventory, "facts" | "accounts">) {
    this.#inventory = inventory;
    this.connections = oktaConnections(inventory);
  }

  /** The evaluator of one connection; undefined when it has no valid `okta.org` fact. */
  evaluator(connection: string): OktaPolicyEvaluator | undefined {
    if (!this.#evaluators.has(connection)) {
      const org = readOktaOrg(this.#inventory, connection);
      this.#evaluators.set(connection, org ? new OktaPolicyEvaluator(org) : undefined);
    }
    return this.#evaluators.get(connection);
  }

  accessFor(query: { app: OktaAppRef; user: OktaUserRef; connection?: string }): MfaVerdict {
    return accessOf(this.#inventory, this.connections, (c) => this.evaluator(c), query);
  }
}

export function oktaEngineOf(inventory: Pick<TenantInventory, "facts" | "accounts">): OktaEngine {
  return new OktaEngine(inventory);
}

/**
 * What Okta gives one user for one app, for linkers that resolve a delegation to Okta (issues #6/#7: a
 * VPN or RMM whose SAML/OIDC sign-in or RADIUS goes to an Okta app). Finds the app by id, name, SAML
 * entity id / ACS URL or OIDC client id, and the user by id, login or email, in `connection` (default:
 * every Okta connection of the tenant, which must resolve to exactly one app), then evaluates the global
 * session policy together with the app's authentication policy. The verdict records the hop in `via`
 * (`okta:<connection>:app/<appId>`). Anything that cannot be resolved is an `unknown` verdict with the
 * reason, never `enforced`.
 */
function accessOf(
  inventory: Pick<TenantInventory, "accounts">,
  all: readonly string[],
  evaluatorOf: (connection: string) => OktaPolicyEvaluator | undefined,
  query: { app: OktaAppRef; user: OktaUserRef; connection?: string },
): MfaVerdict {
  const connections = query.connection ? [query.connection] : all;
  if (connections.length === 0) return unknownOktaVerdict("no Okta connection in this tenant");
  const matches = connections.flatMap((connection) => {
    const evaluator = evaluatorOf(connection);
    return evaluator ? findOktaApps(evaluator.org, query.app).map((app) => ({ evaluator, app })) : [];
  });
  const wanted = JSON.stringify(query.app);
  if (matches.length === 0) return unknownOktaVerdict(`no Okta app matches ${wanted}`, connections[0]);
  if (matches.length > 1)
    return unknownOktaVerdict(
      `${matches.length} Okta apps match ${wanted}; name the app by id`,
      matches[0]!.evaluator.org.connection,
    );
  const { evaluator, app } = matches[0]!;
  const lower = (s: string | undefined) => s?.toLowerCase();
  const user =
    (query.user.id && evaluator.org.users.get(query.user.id)) ||
    [...evaluator.org.users.values()].find(
      (u) =>
        (query.user.login !== undefined && u.login.toLowerCase() === lower(query.user.login)) ||
        (query.user.email !== undefined && u.login.toLowerCase() === lower(query.user.email)),
    ) ||
    findByEmail(inventory, evaluator.org.connection, query.user.email);
  if (!user)
    return unknownOktaVerdict(
      `no Okta user ${JSON.stringify(query.user)} in connection ${evaluator.org.connection}`,
      evaluator.org.connection,
    );
  const verdict = evaluator.verdict(user.id, { kind: "app", appId: app.id });
  return { ...verdict, via: [...(verdict.via ?? []), `okta:${evaluator.org.connection}:app/${app.id}`] };
}

function findByEmail(
  inventory: Pick<TenantInventory, "accounts">,
  connection: string,
  email: string | undefined,
): { id: string } | undefined {
  if (!email) return undefined;
  return inventory.accounts.find(
    (a) =>
      a.source === oktaSource &&
      a.connection === connection &&
      a.email?.toLowerCase() === email.toLowerCase(),
  );
}

/**
 * One question without an engine to keep (`OktaAccess.accessFor`): reads the org on each call; make one
 * engine (`oktaEngineOf`) to ask many.
 */
export function oktaAccessFor(
  inventory: Pick<TenantInventory, "facts" | "accounts">,
  query: { app: OktaAppRef; user: OktaUserRef; connection?: string },
): MfaVerdict {
  return oktaEngineOf(inventory).accessFor(query);
}
