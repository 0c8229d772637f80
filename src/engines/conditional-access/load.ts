import type { z } from "zod";
import {
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  type DirectoryUser,
  type EntraFactKind,
  entraFactKinds,
  entraKinds,
  NamedLocation,
  type PerUserMfaFact,
  type ReadStatus,
  type RegistrationFact,
  type RolesFact,
  type TenantFact,
} from "../../model/facts/entra.js";
import { type FactKind, factsOf } from "../../model/facts/kind.js";
import type { Evidence, Fact } from "../../model/index.js";

// The Entra facts a Conditional Access evaluation reads, parsed once per connection.

export interface Readable {
  status: ReadStatus;
  reason?: string;
}

export interface EntraFacts {
  connection: string;
  tenant?: z.infer<typeof TenantFact>;
  users: Readable & { byId: Map<string, DirectoryUser> };
  securityDefaults: Readable & { enabled?: boolean; id?: string };
  conditionalAccess: Readable & { policies: ConditionalAccessPolicy[]; invalid: string[] };
  namedLocations: Readable & { byId: Map<string, NamedLocation> };
  strengths: Readable & { byId: Map<string, AuthenticationStrengthPolicy> };
  groups: Readable & {
    byId: Map<
      string,
      {
        status: "read" | "not-found" | "unavailable";
        reason?: string;
        displayName?: string;
        members: Set<string>;
      }
    >;
  };
  roles?: z.infer<typeof RolesFact>;
  perUserMfa: z.infer<typeof PerUserMfaFact>;
  registration: Readable & {
    via: string | null;
    byId: Map<string, z.infer<typeof RegistrationFact>["users"][number]>;
  };
  evidence: Partial<Record<EntraFactKind, Evidence[]>>;
  /** Kinds the connection reported no fact of. */
  absent: EntraFactKind[];
}

/** Why a kind the evaluation reads is absent: the connection reported no fact of it. */
export const missing = (kind: string, connection: string): Readable => ({
  status: "unavailable",
  reason: `the Entra connection ${connection} reported no ${kind} facts`,
});

/**
 * Parses the Entra facts of one connection. A fact that is missing or does not match its schema reads as
 * `unavailable` with the reason, so everything depending on it becomes unknown rather than compliant.
 */
export function loadEntraFacts(facts: readonly Fact[], connection: string): EntraFacts {
  const mine = { facts: facts.filter((f) => f.connection === connection) };
  const evidence: EntraFacts["evidence"] = {};
  const absent: EntraFactKind[] = [];
  const read = <T>(kind: FactKind<T>): T | Readable => {
    const name = kind.name as EntraFactKind;
    const [fact] = factsOf(mine, kind);
    if (!fact) {
      absent.push(name);
      return missing(name, connection);
    }
    evidence[name] = fact.fact.evidence;
    if (fact.error !== undefined) return { status: "unavailable", reason: fact.error };
    return fact.data;
  };
  const has = <T extends object>(v: T | Readable, key: string): v is T => key in v;

  const tenant = read(entraKinds[entraFactKinds.tenant]);
  const users = read(entraKinds[entraFactKinds.users]);
  const sd = read(entraKinds[entraFactKinds.securityDefaults]);
  const ca = read(entraKinds[entraFactKinds.conditionalAccess]);
  const locations = read(entraKinds[entraFactKinds.namedLocations]);
  const strengths = read(entraKinds[entraFactKinds.authenticationStrengths]);
  const groups = read(entraKinds[entraFactKinds.groupMembers]);
  const roles = read(entraKinds[entraFactKinds.roles]);
  const perUser = read(entraKinds[entraFactKinds.perUserMfa]);
  const registration = read(entraKinds[entraFactKinds.registration]);

  const policies: ConditionalAccessPolicy[] = [];
  const invalid: string[] = [];
  if (has(ca, "policies")) {
    for (const raw of ca.policies) {
      const p = ConditionalAccessPolicy.safeParse(raw);
      if (p.success) policies.push(p.data);
      else invalid.push(`${(raw as { id?: string })?.id ?? "?"}: ${p.error.issues[0]?.message}`);
    }
  }
  const parseAll = <T>(items: unknown[], schema: z.ZodType<T>): T[] =>
    items.flatMap((x) => {
      const r = schema.safeParse(x);
      return r.success ? [r.data] : [];
    });
  const { status: caStatus, reason: caReason } = ca;
  return {
    connection,
    ...(has(tenant, "tenantId") ? { tenant } : {}),
    users: {
      status: users.status,
      reason: users.reason,
      byId: new Map(has(users, "users") ? users.users.map((u) => [u.id, u]) : []),
    },
    securityDefaults: {
      status: sd.status,
      reason: sd.reason,
      ...(has(sd, "policy") && sd.policy
        ? { enabled: sd.policy.isEnabled, id: sd.policy.id ?? undefined }
        : {}),
    },
    conditionalAccess: {
      // A policy we cannot parse might be the one that matters: the whole set is then not known.
      status: invalid.length ? "unavailable" : caStatus,
      reason: invalid.length ? `policies not understood: ${invalid.join("; ")}` : caReason,
      policies,
      invalid,
    },
    namedLocations: {
      status: locations.status,
      reason: locations.reason,
      byId: new Map(
        has(locations, "locations") ? parseAll(locations.locations, NamedLocation).map((l) => [l.id, l]) : [],
      ),
    },
    strengths: {
      status: strengths.status,
      reason: strengths.reason,
      byId: new Map(
        has(strengths, "policies")
          ? parseAll(strengths.policies, AuthenticationStrengthPolicy).map((s) => [s.id, s])
          : [],
      ),
    },
    groups: {
      status: groups.status,
      reason: groups.reason,
      byId: new Map(
        has(groups, "groups")
          ? groups.groups.map((g) => [
              g.id,
              {
                status: g.status,
                reason: g.reason,
                displayName: g.displayName,
                members: new Set(g.memberIds),
              },
            ])
          : [],
      ),
    },
    ...(has(roles, "definitions") ? { roles } : {}),
    perUserMfa: has(perUser, "states")
      ? perUser
      : { status: perUser.status, reason: perUser.reason, states: {}, unreadUsers: [] },
    registration: {
      status: registration.status,
      reason: registration.reason,
      via: has(registration, "via") ? registration.via : null,
      byId: new Map(has(registration, "users") ? registration.users.map((u) => [u.id, u]) : []),
    },
    evidence,
    absent,
  };
}
