import type { FactorStrength, JsonValue } from "../../../model/index.js";
import type { ConditionalAccessPolicy, DirectoryUser } from "../facts.js";
import { grantOf } from "./demand.js";
import type { EntraFacts } from "./load.js";
import type { AppTarget } from "./model.js";
import { appScope, type ClientType, clientTypes, narrowing, unreadConditions } from "./scope.js";
import { usersMatch } from "./who.js";

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

export function effectOf(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
  user: DirectoryUser,
  target: AppTarget,
): Effect {
  const users = p.conditions.users;
  if (!users || (p.conditions.clientApplications?.includeServicePrincipals.length ?? 0) > 0)
    return { kind: "not-applicable", policy: p }; // a workload-identity policy
  const included = usersMatch(facts, users, user, "include");
  if (included.value === false) return { kind: "not-applicable", policy: p };
  const apps = appScope(p, target);
  if (apps.applies === false) return { kind: "not-applicable", policy: p };
  const grant = grantOf(facts, p);
  const excluded = usersMatch(facts, users, user, "exclude");
  if (p.state !== "enabled") {
    if (grant.kind === "none" || excluded.value === true) return { kind: "not-applicable", policy: p };
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
  const types = clientTypes(p);
  const unknowns = [
    ...(included.value === "unknown" ? included.unknown : []),
    ...(excluded.value === "unknown" ? excluded.unknown : []),
    ...(apps.applies === "unknown" && apps.why ? [apps.why] : []),
    ...(grant.kind === "unknown" ? [grant.why] : []),
    // An MFA policy narrowed in a way we cannot read is not known to cover; a block stays a narrowed block.
    ...(grant.kind === "mfa"
      ? unreadConditions(p).map((c) => `it sets ${c}, a condition mfasweep does not read`)
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
      ...narrowing(facts, p),
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
