import type { GraphUser } from "../../providers/entra/api.js";
import { type SeedUser, seedUser } from "../../providers/entra/emulator.js";
import { directoryUser, signInEntryPoint, signInPath } from "../../providers/entra/transform.js";
import { type EntraFacts, loadEntraFacts } from "../../src/engines/conditional-access/index.js";
import { entraLinker } from "../../src/link/entra.js";
import { link } from "../../src/link/index.js";
import {
  type EntraFactData,
  entraFact,
  entraFactKinds,
  methodStrength,
  type RoleAssignmentItem,
} from "../../src/model/facts/entra.js";
import type { Account, Fact, LinkedInventory, TenantInventory } from "../../src/model/index.js";
import { coverage } from "./inventory.js";

/**
 * Entra facts and inventories for evaluator and policy tests, built from the documented Graph shapes
 * (the emulator's seed builders) with only what a case is about spelled out.
 */

export const connection = "entra";

export interface EntraScenario {
  users: SeedUser[];
  policies?: Array<Record<string, unknown>>;
  groups?: Array<{
    id: string;
    displayName?: string;
    memberIds: string[];
    status?: "read" | "not-found" | "unavailable";
  }>;
  active?: RoleAssignmentItem[];
  eligible?: RoleAssignmentItem[];
  namedLocations?: Array<Record<string, unknown>>;
  strengths?: Array<Record<string, unknown>>;
  securityDefaults?: boolean;
  perUserMfa?: Record<string, "disabled" | "enabled" | "enforced">;
  breakGlassAccounts?: string[];
  /** Replace a fact's payload wholesale (a read that failed, a tenant without P1). */
  override?: Partial<{ [K in keyof typeof entraFactKinds]: EntraFactData<(typeof entraFactKinds)[K]> }>;
}

export function graphUser(u: SeedUser): GraphUser {
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    mail: u.mail ?? null,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    externalUserState: u.externalUserState ?? null,
  };
}

export function scenarioFacts(s: EntraScenario): Fact[] {
  const ev = (what: string) => [{ source: "entra", connection, endpoint: `GET ${what}` }];
  const o = s.override ?? {};
  return [
    entraFact(
      entraFactKinds.tenant,
      connection,
      o.tenant ?? { tenantId: "t", cloud: "global", breakGlassAccounts: s.breakGlassAccounts ?? [] },
      ev("/organization"),
    ),
    entraFact(
      entraFactKinds.users,
      connection,
      o.users ?? { status: "read", users: s.users.map((u) => directoryUser(graphUser(u))) },
      ev("/users"),
    ),
    entraFact(
      entraFactKinds.securityDefaults,
      connection,
      o.securityDefaults ?? {
        status: "read",
        policy: { id: "00000000-0000-0000-0000-000000000005", isEnabled: s.securityDefaults ?? false },
      },
      ev("/policies/identitySecurityDefaultsEnforcementPolicy"),
    ),
    entraFact(
      entraFactKinds.conditionalAccess,
      connection,
      o.conditionalAccess ?? { status: "read", policies: s.policies ?? [] },
      ev("/identity/conditionalAccess/policies"),
    ),
    entraFact(
      entraFactKinds.namedLocations,
      connection,
      o.namedLocations ?? { status: "read", locations: s.namedLocations ?? [] },
      ev("/identity/conditionalAccess/namedLocations"),
    ),
    entraFact(
      entraFactKinds.authenticationStrengths,
      connection,
      o.authenticationStrengths ?? { status: "read", policies: s.strengths ?? [] },
      ev("/policies/authenticationStrengthPolicies"),
    ),
    entraFact(
      entraFactKinds.groupMembers,
      connection,
      o.groupMembers ?? {
        status: "read",
        groups: (s.groups ?? []).map((g) => ({ status: "read" as const, ...g })),
      },
      ev("/groups/{id}/transitiveMembers"),
    ),
    entraFact(
      entraFactKinds.roles,
      connection,
      o.roles ?? {
        definitions: { status: "read", items: [] },
        active: { status: "read", items: s.active ?? [] },
        eligible: { status: "read", items: s.eligible ?? [] },
      },
      ev("/roleManagement/directory/roleAssignments"),
    ),
    entraFact(
      entraFactKinds.perUserMfa,
      connection,
      o.perUserMfa ??
        (s.perUserMfa
          ? { status: "read", states: s.perUserMfa, unreadUsers: [] }
          : { status: "not-configured", reason: "readPerUserMfa is off", states: {}, unreadUsers: [] }),
      ev("/beta/users/{id}/authentication/requirements"),
    ),
    entraFact(
      entraFactKinds.registration,
      connection,
      o.registration ?? {
        status: "read",
        via: "userRegistrationDetails",
        users: s.users
          .filter((u) => u.accountEnabled)
          .map((u) => {
            const methods = u.methodsRegistered ?? [];
            return {
              id: u.id,
              isMfaRegistered: methods.some((m) => methodStrength(m) !== null),
              isMfaCapable: null,
              isPasswordlessCapable: null,
              isAdmin: null,
              methodsRegistered: methods,
            };
          }),
      },
      ev("/reports/authenticationMethods/userRegistrationDetails"),
    ),
  ];
}

export function scenario(s: EntraScenario): EntraFacts {
  return loadEntraFacts(scenarioFacts(s), connection);
}

export function role(
  principalId: string,
  roleDefinitionId: string,
  extra: Partial<RoleAssignmentItem> = {},
): RoleAssignmentItem {
  return { principalId, principalType: "user", roleDefinitionId, directoryScopeId: "/", ...extra };
}

/**
 * A linked tenant inventory: accounts (with admin roles and registration as the provider maps them),
 * the sign-in entry point, one path per enabled user, the facts, and the Entra linker applied.
 */
export function entraInventory(
  s: EntraScenario & {
    admins?: Record<string, string[]>;
    accountOverrides?: Record<string, Partial<Account>>;
  },
): LinkedInventory {
  const entryPoint = signInEntryPoint(connection, "t");
  const facts = scenarioFacts(s);
  const accounts: Account[] = s.users.map((u) => {
    const methods = (u.methodsRegistered ?? []).map((m) => ({ method: m, strength: methodStrength(m) }));
    const roles = s.admins?.[u.id] ?? [];
    return {
      id: u.id,
      name: u.userPrincipalName,
      source: "entra",
      connection,
      kind: u.userType === "Guest" ? "guest" : "member",
      status: u.accountEnabled ? "active" : "disabled",
      admin: { isAdmin: roles.length > 0, roles },
      enrollment: {
        enrolled: methods.some((m) => m.strength !== null),
        methods,
        evidence: [
          {
            source: "entra",
            connection,
            endpoint: "GET /reports/authenticationMethods/userRegistrationDetails",
            objectId: u.id,
          },
        ],
      },
      evidence: [
        {
          source: "entra",
          connection,
          endpoint: "GET /users",
          objectId: u.id,
          field: "accountEnabled",
          value: u.accountEnabled,
        },
      ],
      ...s.accountOverrides?.[u.userPrincipalName],
    };
  });
  const inventory: TenantInventory = {
    tenant: { id: "t1", name: "Tenant One", role: "customer" },
    accounts,
    entryPoints: [entryPoint],
    accessPaths: s.users.filter((u) => u.accountEnabled).map((u) => signInPath(entryPoint, graphUser(u))),
    settings: [],
    facts,
    coverage: [coverage("entra", "complete", connection)],
  };
  return link(inventory, [entraLinker]);
}

export { seedUser };

/**
 * The same tenant as if its Entra connection, read completely, had reported its facts under other kind
 * names (a renamed kind reads as absent, issue #25 item 4): accounts and paths as collected, relinked.
 */
export function withRenamedFacts(inventory: TenantInventory): LinkedInventory {
  return link({ ...inventory, facts: inventory.facts.map((f) => ({ ...f, kind: `${f.kind}-renamed` })) }, [
    entraLinker,
  ]);
}
