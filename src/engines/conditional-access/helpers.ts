import {
  type ConditionalAccessPolicy,
  type EntraFactKind,
  entraFactKinds,
  entraSource,
} from "../../model/facts/entra.js";
import type { Evidence, JsonValue } from "../../model/index.js";
import type { EntraFacts } from "./load.js";
import { caEndpoint, type PolicyRef, type Tri } from "./model.js";

// Small pieces the Conditional Access files share: policy references, quoting, evidence.

export function ref(p: ConditionalAccessPolicy): PolicyRef {
  return { id: p.id, displayName: p.displayName, state: p.state };
}

export function quote(p: { displayName: string }): string {
  return `'${p.displayName}'`;
}

/**
 * A value computed once per parsed facts (what depends on the tenant's policies, not on the user), kept as
 * long as the facts are.
 */
export function perFacts<T>(build: (facts: EntraFacts) => T): (facts: EntraFacts) => T {
  const memo = new WeakMap<EntraFacts, T>();
  return (facts) => {
    let value = memo.get(facts);
    if (value === undefined) {
      value = build(facts);
      memo.set(facts, value);
    }
    return value;
  };
}

export function triOr(values: Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes("unknown") ? "unknown" : false;
}

export function policyEvidence(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
  field: string,
  value: JsonValue,
  note?: string,
): Evidence {
  return {
    source: entraSource,
    connection: facts.connection,
    endpoint: caEndpoint,
    objectId: p.id,
    field,
    value,
    ...(note ? { note } : {}),
  };
}

export function factEvidence(facts: EntraFacts, kind: EntraFactKind, note: string): Evidence[] {
  const base = facts.evidence[kind] ?? [{ source: entraSource, connection: facts.connection }];
  return base.map((e) => ({ ...e, note: e.note ? `${e.note}; ${note}` : note }));
}

/**
 * Why user `userId` cannot be judged when the directory listing does not have them: not listed, the listing
 * not read, or no Conditional Access facts from the connection at all (a renamed kind reads as absent). The
 * reason names the kinds that are missing.
 */
export function userNotListed(facts: EntraFacts, userId: string): { reason: string; evidence: Evidence[] } {
  const { users } = facts;
  if (users.status === "read")
    return {
      reason: `user ${userId} is not in the directory listing`,
      evidence: factEvidence(facts, entraFactKinds.users, "user not listed"),
    };
  const reason =
    Object.keys(facts.evidence).length === 0
      ? `the Entra connection ${facts.connection} was read but reported no Conditional Access facts (kinds ${facts.absent.join(", ")}), so ${userId} cannot be judged`
      : `the directory users of Entra connection ${facts.connection} were not read, so ${userId} cannot be judged (${users.reason ?? users.status})`;
  return { reason, evidence: factEvidence(facts, entraFactKinds.users, reason) };
}
