import type { ConditionalAccessPolicy, DirectoryUser } from "../../model/facts/entra.js";
import type { FactorStrength, JsonValue } from "../../model/index.js";
import { type Grant, grantOf } from "./demand.js";
import { perFacts } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import type { AppTarget } from "./model.js";
import {
  type AppScope,
  appScope,
  type ClientType,
  clientTypes,
  narrowing,
  unreadConditions,
} from "./scope.js";
import { audienceOf, type UserMatcher } from "./who.js";

// The effect of one Conditional Access policy on one user signing in to one target.

export type Effect =
  | { kind: "not-applicable"; policy: ConditionalAccessPolicy }
  | { kind: "ignored"; policy: ConditionalAccessPolicy; why: string }
  | { kind: "excluded"; policy: ConditionalAccessPolicy; how: string[] }
  | { kind: "no-mfa"; policy: ConditionalAccessPolicy; why: string }
  | { kind: "unknown"; policy: ConditionalAccessPolicy; why: string; clientTypes: Set<ClientType> }
  | {
      kind: "enforces";
      policy: ConditionalAccessPolicy;
      control: "mfa" | "block";
      floor: FactorStrength | null;
      /** For `mfa`: the combinations the grant accepts (null: any multi-factor method). */
      combinations: string[] | null;
      gaps: Array<{ gap: string; field: string; value: JsonValue }>;
      clientTypes: Set<ClientType>;
      how: string[];
    };

/** What a policy's effect needs that does not depend on the user: computed once per parsed facts. */
export interface PreparedPolicy {
  policy: ConditionalAccessPolicy;
  /** Null for a workload-identity policy (no users condition, or service principals included). */
  audience: { include: UserMatcher; exclude: UserMatcher } | null;
  grant: Grant;
  types: Set<ClientType>;
  unread: string[];
  narrowing: Array<{ gap: string; field: string; value: JsonValue }>;
  allApps: AppScope;
  notApplicable: Effect;
}

function prepare(facts: EntraFacts, p: ConditionalAccessPolicy): PreparedPolicy {
  const users = p.conditions.users;
  const workload = !users || (p.conditions.clientApplications?.includeServicePrincipals.length ?? 0) > 0;
  return {
    policy: p,
    audience: workload ? null : audienceOf(facts, users),
    grant: grantOf(facts, p),
    types: clientTypes(p),
    unread: unreadConditions(p),
    narrowing: narrowing(facts, p),
    allApps: appScope(p, "All"),
    notApplicable: { kind: "not-applicable", policy: p },
  };
}

const prepared = perFacts(() => new WeakMap<ConditionalAccessPolicy, PreparedPolicy>());

export function preparedOf(facts: EntraFacts, p: ConditionalAccessPolicy): PreparedPolicy {
  const byPolicy = prepared(facts);
  let found = byPolicy.get(p);
  if (!found) {
    found = prepare(facts, p);
    byPolicy.set(p, found);
  }
  return found;
}

const allAppsEffects = perFacts(() => new Map<string, Effect[]>());

/**
 * The effect of every policy on the user signing in to any cloud app, computed once per user: the
 * sign-in verdict and the legacy-authentication question both start from it.
 */
export function effectsForAllApps(facts: EntraFacts, user: DirectoryUser): Effect[] {
  const byUser = allAppsEffects(facts);
  let effects = byUser.get(user.id);
  if (!effects) {
    effects = facts.conditionalAccess.policies.map((p) => effectOf(facts, p, user, "All"));
    byUser.set(user.id, effects);
  }
  return effects;
}

export function effectOf(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
  user: DirectoryUser,
  target: AppTarget,
): Effect {
  const prep = preparedOf(facts, p);
  if (!prep.audience) return prep.notApplicable; // a workload-identity policy
  const included = prep.audience.include(user);
  if (included.value === false) return prep.notApplicable;
  const apps = target === "All" ? prep.allApps : appScope(p, target);
  if (apps.applies === false) return prep.notApplicable;
  const grant = prep.grant;
  const excluded = prep.audience.exclude(user);
  if (p.state !== "enabled") {
    if (grant.kind === "none" || excluded.value === true) return prep.notApplicable;
    return {
      kind: "ignored",
      policy: p,
      why:
        p.state === "enabledForReportingButNotEnforced"
          ? "report-only: it only logs, never enforces"
          : `state is ${p.state}`,
    };
  }
  if (excluded.value === true && grant.kind !== "none")
    return { kind: "excluded", policy: p, how: excluded.how };
  if (grant.kind === "none") return { kind: "no-mfa", policy: p, why: grant.why };
  const types = prep.types;
  const unknowns = [
    ...(included.value === "unknown" ? included.unknown : []),
    ...(excluded.value === "unknown" ? excluded.unknown : []),
    ...(apps.applies === "unknown" && apps.why ? [apps.why] : []),
    ...(grant.kind === "unknown" ? [grant.why] : []),
    // An MFA policy narrowed in a way we cannot read is not known to cover; a block stays a narrowed block.
    ...(grant.kind === "mfa"
      ? prep.unread.map((c) => `it sets ${c}, a condition mfasweep does not read`)
      : []),
  ];
  if (unknowns.length || grant.kind === "unknown")
    return { kind: "unknown", policy: p, why: unknowns.join("; "), clientTypes: types };
  return {
    kind: "enforces",
    policy: p,
    control: grant.kind === "block" ? "block" : "mfa",
    floor: grant.kind === "mfa" ? grant.floor : null,
    combinations: grant.kind === "mfa" ? grant.combinations : null,
    gaps: [
      ...apps.gaps,
      ...prep.narrowing,
      ...(grant.kind === "mfa"
        ? grant.alternatives.map((a) => ({
            gap: a,
            field: "grantControls",
            value: p.grantControls as JsonValue,
          }))
        : []),
    ],
    clientTypes: types,
    how: included.how,
  };
}
