import type { z } from "zod";
import type { Evidence, Fact } from "../../../model/index.js";
import {
  AuthenticationStrengthPolicy,
  AuthenticationStrengthsFact,
  ConditionalAccessFact,
  ConditionalAccessPolicy,
  type DirectoryUser,
  type EntraFactKind,
  entraFactKinds,
  entraSource,
  GroupMembersFact,
  NamedLocation,
  NamedLocationsFact,
  PerUserMfaFact,
  type ReadStatus,
  RegistrationFact,
  RolesFact,
  SecurityDefaultsFact,
  TenantFact,
  UsersFact,
} from "../facts.js";

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
}

export const missing = (kind: string): Readable => ({
  status: "unavailable",
  reason: `no ${kind} fact was collected`,
});

/**
 * Parses the Entra facts of one connection. A fact that is missing or does not match its schema reads as
 * `unavailable` with the reason, so everything depending on it becomes unknown rather than compliant.
 */
export function loadEntraFacts(facts: Fact[], connection: string): EntraFacts {
  const mine = facts.filter((f) => f.source === entraSource && f.connection === connection);
  const evidence: EntraFacts["evidence"] = {};
  const read = <S extends z.ZodType>(kind: EntraFactKind, schema: S): z.infer<S> | Readable => {
    const fact = mine.find((f) => f.kind === kind);
    if (!fact) return missing(kind);
    evidence[kind] = fact.evidence;
    const parsed = schema.safeParse(fact.data);
    if (!parsed.success)
      return {
        status: "unavailable",
        reason: `${kind} fact is malformed: ${parsed.error.issues[0]?.message}`,
      };
    return parsed.data;
  };
  const has = <T extends object>(v: T | Readable, key: string): v is T => key in v;

  const tenant = read(entraFactKinds.tenant, TenantFact);
  const users = read(entraFactKinds.users, UsersFact);
  const sd = read(entraFactKinds.securityDefaults, SecurityDefaultsFact);
  const ca = read(entraFactKinds.conditionalAccess, ConditionalAccessFact);
  const locations = read(entraFactKinds.namedLocations, NamedLocationsFact);
  const strengths = read(entraFactKinds.authenticationStrengths, AuthenticationStrengthsFact);
  const groups = read(entraFactKinds.groupMembers, GroupMembersFact);
  const roles = read(entraFactKinds.roles, RolesFact);
  const perUser = read(entraFactKinds.perUserMfa, PerUserMfaFact);
  const registration = read(entraFactKinds.registration, RegistrationFact);

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
  };
}
