import type { AccessPath, MfaVerdict, TenantInventory } from "../../model/index.js";
import type { Linker } from "../linker.js";
import {
  type OktaAppFact,
  type OktaOrg,
  oktaConnections,
  oktaSource,
  pendingOktaEvaluation,
  readOktaOrg,
} from "./facts.js";
import { OktaPolicyEvaluator, type OktaTarget } from "./sign-on-policy.js";

export * from "./enrollment.js";
export * from "./facts.js";
export * from "./sign-on-policy.js";

/**
 * One evaluator per (inventory, connection): the linker and later delegation linkers ask many questions
 * of the same facts. Keyed by the facts array, which a linked inventory keeps.
 */
const caches = new WeakMap<object, Map<string, OktaPolicyEvaluator | null>>();

function evaluatorFor(
  inventory: Pick<TenantInventory, "facts" | "accounts">,
  connection: string,
): OktaPolicyEvaluator | undefined {
  let byConnection = caches.get(inventory.facts);
  if (!byConnection) {
    byConnection = new Map();
    caches.set(inventory.facts, byConnection);
  }
  if (!byConnection.has(connection)) {
    const org = readOktaOrg(inventory, connection);
    byConnection.set(connection, org ? new OktaPolicyEvaluator(org) : null);
  }
  return byConnection.get(connection) ?? undefined;
}

/** How another system names an Okta app: any one of these identifies it. */
export interface OktaAppRef {
  /** Okta app id (`0oa...`). */
  id?: string;
  /** The app's `name` (`saasure`, `okta_enduser`, an OIN key such as `fortinet_fortigate`). */
  name?: string;
  /** SAML: the service provider's entity id, as configured on the app (`settings.signOn.audience`). */
  samlEntityId?: string;
  /** SAML: the assertion consumer service URL (`settings.signOn.ssoAcsUrl`). */
  samlAcsUrl?: string;
  /** OIDC: the client id. */
  oidcClientId?: string;
}

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

/** An Okta user, by id or by login / email (case-insensitive), as another system knows them. */
export interface OktaUserRef {
  id?: string;
  login?: string;
  email?: string;
}

function unknown(reason: string, connection = "-"): MfaVerdict {
  return {
    state: "unknown",
    strength: null,
    reason,
    evidence: [{ source: oktaSource, connection, note: reason }],
  };
}

/**
 * What Okta gives one user for one app, for linkers that resolve a delegation to Okta (issues #6/#7: a
 * VPN or RMM whose SAML/OIDC sign-in or RADIUS goes to an Okta app). Finds the app by id, name, SAML
 * entity id / ACS URL or OIDC client id, and the user by id, login or email, in `connection` (default:
 * every Okta connection of the tenant, which must resolve to exactly one app), then evaluates the global
 * session policy together with the app's authentication policy. The verdict records the hop in `via`
 * (`okta:<connection>:app/<appId>`). Anything that cannot be resolved is an `unknown` verdict with the
 * reason, never `enforced`. Pure; cached per inventory.
 */
export function oktaAccessFor(
  inventory: Pick<TenantInventory, "facts" | "accounts">,
  query: { app: OktaAppRef; user: OktaUserRef; connection?: string },
): MfaVerdict {
  const connections = query.connection ? [query.connection] : oktaConnections(inventory);
  if (connections.length === 0) return unknown("no Okta connection in this tenant");
  const matches = connections.flatMap((connection) => {
    const evaluator = evaluatorFor(inventory, connection);
    return evaluator ? findOktaApps(evaluator.org, query.app).map((app) => ({ evaluator, app })) : [];
  });
  const wanted = JSON.stringify(query.app);
  if (matches.length === 0) return unknown(`no Okta app matches ${wanted}`, connections[0]);
  if (matches.length > 1)
    return unknown(
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
    return unknown(
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

/** Which target an Okta entry point stands for. */
function targetOf(
  evaluator: OktaPolicyEvaluator,
  entryPoint: string,
): OktaTarget | { missing: string } | undefined {
  const { org } = evaluator;
  if (entryPoint === org.org.entryPoints.signIn) return { kind: "session" };
  const app = org.apps.find((a) => a.entryPoint === entryPoint);
  if (app) return { kind: "app", appId: app.id };
  if (entryPoint === org.org.entryPoints.dashboard)
    return {
      missing: org.org.reads.apps.complete
        ? "the Okta Dashboard app (okta_enduser) was not found"
        : `apps could not be read (${org.org.reads.apps.reason})`,
    };
  if (entryPoint === org.org.entryPoints.adminConsole)
    return {
      missing: org.org.reads.apps.complete
        ? "the Admin Console app (saasure) was not found"
        : `apps could not be read (${org.org.reads.apps.reason})`,
    };
  return undefined;
}

/**
 * Fills the verdict of every Okta access path the provider left pending: the global session policy for
 * the Okta sign-in, and the global session plus the app's authentication policy for the Dashboard, the
 * Admin Console and every other app. Pure.
 */
export const oktaLinker: Linker = {
  name: "okta-sign-on-policy",
  link(inventory) {
    const connections = new Set(oktaConnections(inventory));
    if (connections.size === 0) return inventory;
    const entryPoints = new Map(
      inventory.entryPoints
        .filter((e) => e.source === oktaSource && connections.has(e.connection))
        .map((e) => [e.id, e]),
    );
    const accessPaths = inventory.accessPaths.map((path): AccessPath => {
      const entryPoint = entryPoints.get(path.entryPoint);
      if (!entryPoint || path.mfa.state !== "unknown" || path.mfa.reason !== pendingOktaEvaluation)
        return path;
      const evaluator = evaluatorFor(inventory, entryPoint.connection);
      const userId = path.accounts[0];
      if (!evaluator || !userId || path.accounts.length !== 1)
        return {
          ...path,
          mfa: unknown("the Okta facts of this connection are missing or invalid", entryPoint.connection),
        };
      const target = targetOf(evaluator, entryPoint.id);
      if (!target) return path;
      const mfa =
        "missing" in target
          ? unknown(target.missing, entryPoint.connection)
          : evaluator.verdict(userId, target);
      return {
        ...path,
        chain: {
          ...path.chain,
          factors: mfa.state === "enforced" ? ["password", "second factor"] : ["password"],
        },
        mfa,
      };
    });
    return { ...inventory, accessPaths };
  },
};
