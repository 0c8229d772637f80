import {
  type DirectoryUser,
  directoryRoles,
  methodStrength,
  type RoleAssignmentItem,
} from "../../src/model/facts/entra.js";
import type { AccessPath, Account, EntryPoint, Evidence, Tristate } from "../../src/model/index.js";
import { endpoints, type GraphUser, type RoleAssignment, type UserRegistrationDetails } from "./api.js";

/** Pure mapping from Graph records to the model. No I/O; every decision carries its evidence. */

export const source = "entra";

export function userEvidence(
  connection: string,
  user: GraphUser,
  field: keyof GraphUser,
  note?: string,
): Evidence {
  const value = user[field];
  return {
    source,
    connection,
    endpoint: endpoints.users.label,
    objectId: user.id,
    field,
    value: value === undefined ? null : typeof value === "object" ? JSON.stringify(value) : value,
    ...(note ? { note } : {}),
  };
}

/**
 * A B2B user authenticates with an identity from another tenant: invited users carry an
 * `externalUserState`, and their UPN the `#EXT#` marker.
 */
export function isExternal(user: GraphUser): boolean {
  return Boolean(user.externalUserState) || user.userPrincipalName.includes("#EXT#");
}

export function directoryUser(user: GraphUser): DirectoryUser {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userType: user.userType ?? null,
    accountEnabled: user.accountEnabled ?? null,
    external: isExternal(user),
  };
}

/** `@odata.type` of an expanded principal → the kind of principal holding a role. */
export function principalType(
  assignment: RoleAssignment,
  knownUsers: Set<string>,
): RoleAssignmentItem["principalType"] {
  const type = assignment.principal?.["@odata.type"] ?? "";
  if (type.endsWith(".user") || knownUsers.has(assignment.principalId)) return "user";
  if (type.endsWith(".group")) return "group";
  if (type.endsWith(".servicePrincipal")) return "servicePrincipal";
  return "unknown";
}

export function roleItem(assignment: RoleAssignment, knownUsers: Set<string>): RoleAssignmentItem {
  return {
    principalId: assignment.principalId,
    principalType: principalType(assignment, knownUsers),
    roleDefinitionId: assignment.roleDefinitionId,
    directoryScopeId: assignment.directoryScopeId ?? "/",
  };
}

/**
 * Maps `authentication/methods` (the fallback without P1) to `methodsRegistered` vocabulary, so both
 * sources read alike. Passwords are not a second factor and are left out.
 */
export function methodsRegisteredFrom(
  methods: Array<{ "@odata.type": string; phoneType?: string | null }>,
): string[] {
  const names = methods.flatMap((m) => {
    const type = m["@odata.type"].replace(/^#?microsoft\.graph\./, "");
    switch (type) {
      case "passwordAuthenticationMethod":
        return [];
      case "phoneAuthenticationMethod":
        return [
          m.phoneType === "office"
            ? "officePhone"
            : m.phoneType === "alternateMobile"
              ? "alternateMobilePhone"
              : "mobilePhone",
        ];
      case "emailAuthenticationMethod":
        return ["email"];
      case "fido2AuthenticationMethod":
        return ["fido2"];
      case "microsoftAuthenticatorAuthenticationMethod":
        return ["microsoftAuthenticatorPush"];
      case "softwareOathAuthenticationMethod":
        return ["softwareOneTimePasscode"];
      case "hardwareOathAuthenticationMethod":
        return ["hardwareOneTimePasscode"];
      case "temporaryAccessPassAuthenticationMethod":
        return ["temporaryAccessPass"];
      case "windowsHelloForBusinessAuthenticationMethod":
        return ["windowsHelloForBusiness"];
      case "platformCredentialAuthenticationMethod":
        return ["macOsSecureEnclaveKey"];
      case "x509CertificateAuthenticationMethod":
        return ["x509Certificate"];
      default:
        return [type];
    }
  });
  return [...new Set(names)];
}

export interface RoleHolding {
  /** Role names the user holds, e.g. `Global Administrator (eligible)`. */
  roles: string[];
  /** `unknown` when an assignment list could not be read and the user holds none of what was read. */
  isAdmin: Tristate;
}

export interface MappingContext {
  connection: string;
  roles: Map<string, RoleHolding>;
  registration: Map<string, UserRegistrationDetails & { methodsRegistered?: string[] | null }>;
  registrationKnown: boolean;
  registrationEvidence: Evidence;
  rolesKnown: boolean;
}

/**
 * Which users hold which directory roles, active or PIM-eligible, directly or through a role-assignable
 * group. `members` gives the transitive user members of group principals.
 */
export function roleHoldings(
  active: RoleAssignmentItem[],
  eligible: RoleAssignmentItem[],
  members: Map<string, Set<string>>,
  definitions: Map<string, { displayName: string; templateId: string | null }>,
): Map<string, RoleHolding> {
  const out = new Map<string, RoleHolding>();
  const add = (userId: string, name: string) => {
    const holding = out.get(userId) ?? { roles: [], isAdmin: true };
    if (!holding.roles.includes(name)) holding.roles.push(name);
    out.set(userId, holding);
  };
  for (const [items, suffix] of [
    [active, ""],
    [eligible, " (eligible)"],
  ] as const) {
    for (const a of items) {
      const def = definitions.get(a.roleDefinitionId);
      const name = `${directoryRoles[def?.templateId ?? a.roleDefinitionId]?.name ?? def?.displayName ?? `role ${a.roleDefinitionId}`}${suffix}${a.directoryScopeId !== "/" ? ` [scope ${a.directoryScopeId}]` : ""}`;
      if (a.principalType === "user") add(a.principalId, name);
      for (const member of members.get(a.principalId) ?? []) add(member, `${name} via group`);
    }
  }
  return out;
}

export function toAccount(user: GraphUser, ctx: MappingContext): Account {
  const reg = ctx.registration.get(user.id);
  const holding = ctx.roles.get(user.id);
  // The report's isAdmin does not cover PIM-eligible roles: without role assignments, only its `true` counts.
  const isAdmin: Tristate = holding
    ? true
    : ctx.rolesKnown
      ? false
      : reg?.isAdmin === true
        ? true
        : "unknown";
  const methods = (reg?.methodsRegistered ?? []).map((m) => ({ method: m, strength: methodStrength(m) }));
  const enrolled: Tristate =
    !ctx.registrationKnown || !reg
      ? "unknown"
      : typeof reg.isMfaRegistered === "boolean"
        ? reg.isMfaRegistered
        : methods.some((m) => m.strength !== null);
  return {
    id: user.id,
    name: user.userPrincipalName,
    ...(user.displayName ? { displayName: user.displayName } : {}),
    ...(user.mail ? { email: user.mail } : {}),
    source,
    connection: ctx.connection,
    kind: user.userType?.toLowerCase() === "guest" ? "guest" : "member",
    status: user.accountEnabled === true ? "active" : user.accountEnabled === false ? "disabled" : "unknown",
    lastSignIn: user.signInActivity?.lastSignInDateTime ?? null,
    admin: { isAdmin, roles: holding?.roles ?? [] },
    enrollment: {
      enrolled,
      methods,
      evidence: [
        {
          ...ctx.registrationEvidence,
          objectId: user.id,
          field: "methodsRegistered",
          value: reg ? (reg.methodsRegistered ?? []) : null,
          ...(reg ? {} : { note: ctx.registrationEvidence.note ?? "no registration details for this user" }),
        },
      ],
    },
    evidence: [
      userEvidence(ctx.connection, user, "accountEnabled"),
      userEvidence(ctx.connection, user, "userType"),
      userEvidence(ctx.connection, user, "onPremisesSyncEnabled"),
    ],
  };
}

export function signInEntryPoint(connection: string, tenantId: string): EntryPoint {
  return {
    id: `${source}:${connection}:sign-in`,
    name: "Entra ID sign-in",
    kind: "directory-sign-in",
    source,
    connection,
    evidence: [{ source, connection, endpoint: endpoints.users.label, note: `tenant ${tenantId}` }],
  };
}

/** The sign-in path of one enabled user; the Conditional Access linker decides its verdict. */
export function signInPath(entryPoint: EntryPoint, user: GraphUser): AccessPath {
  return {
    id: `${entryPoint.id}/${user.id}`,
    entryPoint: entryPoint.id,
    accounts: [user.id],
    chain: { factors: ["password"] },
    mfa: {
      state: "unknown",
      strength: null,
      reason: "pending Conditional Access evaluation",
      evidence: [userEvidence(entryPoint.connection, user, "accountEnabled")],
    },
  };
}
