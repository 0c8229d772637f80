import type { Evidence, JsonValue } from "../../../model/index.js";
import { type ConditionalAccessPolicy, type EntraFactKind, entraSource } from "../facts.js";
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
