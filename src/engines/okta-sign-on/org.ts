import { type FactRead, factsOf } from "../../model/facts/kind.js";
import {
  type OktaAppFact,
  type OktaGroupFact,
  type OktaOrgFact,
  type OktaPolicyFact,
  type OktaZoneFact,
  oktaApp,
  oktaGroup,
  oktaOrg,
  oktaPolicy,
  oktaSource,
  oktaZone,
} from "../../model/facts/okta.js";
import type { Account, TenantInventory } from "../../model/index.js";

/*
 * One Okta connection's facts and accounts as the sign-on engine reads them: the facts contract is
 * src/model/facts/okta.ts (issue #25 item 4).
 */

/** A user as the evaluator needs it: status, and the factor types enrolled and active (null = unread). */
export interface OktaUserView {
  id: string;
  login: string;
  status: Account["status"];
  factors: string[] | null;
}

/** Everything the evaluator needs about one Okta connection, validated. */
export interface OktaOrg {
  connection: string;
  org: OktaOrgFact;
  policies: OktaPolicyFact[];
  apps: OktaAppFact[];
  zones: Map<string, OktaZoneFact>;
  groups: Map<string, OktaGroupFact>;
  users: Map<string, OktaUserView>;
  /** Facts that did not match their schema: each makes the parts that need it unknown. */
  invalid: string[];
}

/** Okta connections present in an inventory (one `okta.org` fact each). */
export function oktaConnections(inventory: Pick<TenantInventory, "facts">): string[] {
  return factsOf(inventory, oktaOrg).map((r) => r.fact.connection);
}

/** The data of each read that matched its schema; a mismatch goes to `invalid` as "<fact id>: <why>". */
function validData<T>(reads: FactRead<T>[], invalid: string[]): T[] {
  return reads.flatMap((r) => {
    if (r.error === undefined) return [r.data];
    invalid.push(`${r.fact.id}: ${r.error}`);
    return [];
  });
}

/**
 * Reads one Okta connection's facts and accounts from a tenant inventory into a validated `OktaOrg`.
 * Returns undefined when the connection has no valid `okta.org` fact.
 */
export function readOktaOrg(
  inventory: Pick<TenantInventory, "facts" | "accounts">,
  connection: string,
): OktaOrg | undefined {
  const invalid: string[] = [];
  const mine = { facts: inventory.facts.filter((f) => f.connection === connection) };
  const [org] = validData(factsOf(mine, oktaOrg).slice(0, 1), invalid);
  if (!org) return undefined;
  const policies = validData(factsOf(mine, oktaPolicy), invalid);
  const apps = validData(factsOf(mine, oktaApp), invalid);
  const zones = new Map(validData(factsOf(mine, oktaZone), invalid).map((z) => [z.id, z]));
  const groups = new Map(validData(factsOf(mine, oktaGroup), invalid).map((g) => [g.id, g]));
  const users = new Map<string, OktaUserView>();
  for (const a of inventory.accounts) {
    if (a.source !== oktaSource || a.connection !== connection) continue;
    users.set(a.id, {
      id: a.id,
      login: a.name,
      status: a.status,
      factors: a.enrollment.enrolled === "unknown" ? null : a.enrollment.methods.map((m) => m.method),
    });
  }
  return { connection, org, policies, apps, zones, groups, users, invalid };
}
