import {
  type OktaPolicyEvaluator,
  type OktaTarget,
  unknownOktaVerdict as unknown,
} from "../engines/okta-sign-on/index.js";
import { factsOf } from "../model/facts/kind.js";
import { oktaOrg, oktaSource, pendingOktaEvaluation } from "../model/facts/okta.js";
import type { AccessPath, TenantInventory } from "../model/index.js";
import type { Linker } from "./linker.js";

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
 * Why a connection has no evaluator: Okta's sign-on policies were not collected (no `okta.org` fact, or
 * one under another kind name), or its org fact does not match the contract.
 */
function orgUnread(inventory: Pick<TenantInventory, "facts">, connection: string): string {
  const [org] = factsOf({ facts: inventory.facts.filter((f) => f.connection === connection) }, oktaOrg);
  return org?.error !== undefined
    ? `Okta sign-on policies of connection ${connection} could not be evaluated: ${org.error}`
    : `Okta sign-on policies were not collected: the Okta connection ${connection} reported no ${oktaOrg.name} facts`;
}

/**
 * Fills the verdict of every Okta access path the provider left pending: the global session policy for
 * the Okta sign-in, and the global session plus the app's authentication policy for the Dashboard, the
 * Admin Console and every other app. Pure.
 */
export const oktaLinker: Linker = {
  name: "okta-sign-on-policy",
  link(inventory, { okta }) {
    const entryPoints = new Map(
      inventory.entryPoints.filter((e) => e.source === oktaSource).map((e) => [e.id, e]),
    );
    if (entryPoints.size === 0) return inventory;
    const accessPaths = inventory.accessPaths.map((path): AccessPath => {
      const entryPoint = entryPoints.get(path.entryPoint);
      if (!entryPoint || path.mfa.state !== "unknown" || path.mfa.reason !== pendingOktaEvaluation)
        return path;
      const evaluator = okta.evaluator(entryPoint.connection);
      const userId = path.accounts[0];
      if (!evaluator || !userId || path.accounts.length !== 1)
        return {
          ...path,
          mfa: unknown(
            evaluator ? "the path names no single Okta user" : orgUnread(inventory, entryPoint.connection),
            entryPoint.connection,
          ),
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
