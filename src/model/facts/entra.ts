import { z } from "zod";
import type { Evidence } from "../evidence.js";
import type { Fact } from "../inventory.js";
import type { FactorStrength, JsonValue } from "../vocabulary.js";
import { defineFactKind, type FactKind, factOf } from "./kind.js";

/**
 * The contract between the Entra provider (which collects) and the Conditional Access evaluator and the
 * delegation linker (which judge): fact kinds, their zod schemas, and the Graph object shapes they carry. Facts stay raw vendor
 * JSON, validated here on both sides; a collection that could not be read says so in `status` instead of
 * being an empty list (fail closed).
 *
 * Graph shapes follow the v1.0 schema (msgraph-typescript-typings, reference/identity-apis.md §1). Only
 * fields the evaluator reads are declared; everything else passes through untouched.
 */

export const entraSource = "entra";

export const entraFactKinds = {
  tenant: "entra.tenant",
  users: "entra.users",
  securityDefaults: "entra.security-defaults",
  conditionalAccess: "entra.conditional-access-policies",
  namedLocations: "entra.named-locations",
  authenticationStrengths: "entra.authentication-strengths",
  groupMembers: "entra.group-members",
  roles: "entra.directory-roles",
  perUserMfa: "entra.per-user-mfa",
  registration: "entra.registration",
  servicePrincipals: "entra.service-principals",
} as const;

/**
 * Whether a collection was read. `not-licensed`: the API said the tenant lacks the licence (a property of
 * the tenant, not a failure). `not-configured`: the connection did not ask for it. `unavailable`: the read
 * failed; anything that depends on it is unknown.
 */
export const ReadStatus = z.enum(["read", "not-licensed", "not-configured", "unavailable"]);
export type ReadStatus = z.infer<typeof ReadStatus>;

const readState = { status: ReadStatus, reason: z.string().optional() };

const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const optionalString = z.string().nullish();

// ---------------------------------------------------------------------------------------------------
// Graph object shapes (v1.0)

/** `conditionalAccessGuestsOrExternalUsers`: `guestOrExternalUserTypes` is one comma-separated string. */
export const GuestsOrExternalUsers = z.looseObject({
  guestOrExternalUserTypes: optionalString,
  externalTenants: z
    .looseObject({
      membershipKind: optionalString,
      members: strings,
    })
    .nullish(),
});

export const ConditionalAccessUsers = z.looseObject({
  includeUsers: strings,
  excludeUsers: strings,
  includeGroups: strings,
  excludeGroups: strings,
  includeRoles: strings,
  excludeRoles: strings,
  includeGuestsOrExternalUsers: GuestsOrExternalUsers.nullish(),
  excludeGuestsOrExternalUsers: GuestsOrExternalUsers.nullish(),
});

export const ConditionalAccessApplications = z.looseObject({
  includeApplications: strings,
  excludeApplications: strings,
  includeUserActions: strings,
  includeAuthenticationContextClassReferences: strings,
  applicationFilter: z.looseObject({ mode: optionalString, rule: optionalString }).nullish(),
});

export const ConditionalAccessConditions = z.looseObject({
  users: ConditionalAccessUsers.nullish(),
  applications: ConditionalAccessApplications.nullish(),
  clientAppTypes: strings,
  platforms: z.looseObject({ includePlatforms: strings, excludePlatforms: strings }).nullish(),
  locations: z.looseObject({ includeLocations: strings, excludeLocations: strings }).nullish(),
  signInRiskLevels: strings,
  userRiskLevels: strings,
  insiderRiskLevels: optionalString,
  devices: z
    .looseObject({ deviceFilter: z.looseObject({ mode: optionalString, rule: optionalString }).nullish() })
    .nullish(),
  authenticationFlows: z.looseObject({ transferMethods: optionalString }).nullish(),
  clientApplications: z
    .looseObject({ includeServicePrincipals: strings, excludeServicePrincipals: strings })
    .nullish(),
});

export const AuthenticationStrengthPolicy = z.looseObject({
  id: z.string(),
  displayName: optionalString,
  policyType: optionalString,
  requirementsSatisfied: optionalString,
  allowedCombinations: z.array(z.string()).nullish(),
});
export type AuthenticationStrengthPolicy = z.infer<typeof AuthenticationStrengthPolicy>;

export const ConditionalAccessPolicy = z.looseObject({
  id: z.string(),
  displayName: z
    .string()
    .nullish()
    .transform((v) => v ?? "(unnamed policy)"),
  state: z.string(),
  conditions: ConditionalAccessConditions.nullish().transform(
    (v) => v ?? ConditionalAccessConditions.parse({}),
  ),
  grantControls: z
    .looseObject({
      operator: optionalString,
      builtInControls: strings,
      customAuthenticationFactors: strings,
      termsOfUse: strings,
      authenticationStrength: AuthenticationStrengthPolicy.nullish(),
    })
    .nullish(),
});
export type ConditionalAccessPolicy = z.infer<typeof ConditionalAccessPolicy>;

export const NamedLocation = z.looseObject({
  "@odata.type": optionalString,
  id: z.string(),
  displayName: optionalString,
  isTrusted: z.boolean().nullish(),
  ipRanges: z.array(z.looseObject({ cidrAddress: optionalString })).nullish(),
  countriesAndRegions: z.array(z.string()).nullish(),
});
export type NamedLocation = z.infer<typeof NamedLocation>;

/** `perUserMfaState` of beta `strongAuthenticationRequirements`. */
export const PerUserMfaState = z.enum(["disabled", "enabled", "enforced", "unknownFutureValue"]);
export type PerUserMfaState = z.infer<typeof PerUserMfaState>;

// ---------------------------------------------------------------------------------------------------
// Fact payloads

export const TenantFact = z.object({
  tenantId: z.string(),
  cloud: z.string(),
  /** UPNs or object ids the connection declares as break-glass (emergency access) accounts. */
  breakGlassAccounts: z.array(z.string()),
});

/** What the evaluator needs of each directory user (guest type, enabled). */
export const DirectoryUser = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  userType: z.string().nullable(),
  accountEnabled: z.boolean().nullable(),
  /** Authenticates with an identity from outside the tenant (B2B: `#EXT#` UPN or an externalUserState). */
  external: z.boolean(),
});
export type DirectoryUser = z.infer<typeof DirectoryUser>;

export const UsersFact = z.object({ ...readState, users: z.array(DirectoryUser) });

export const SecurityDefaultsFact = z.object({
  ...readState,
  policy: z.looseObject({ id: z.string().nullish(), isEnabled: z.boolean() }).nullish(),
});

export const ConditionalAccessFact = z.object({ ...readState, policies: z.array(z.unknown()) });
export const NamedLocationsFact = z.object({ ...readState, locations: z.array(z.unknown()) });
export const AuthenticationStrengthsFact = z.object({ ...readState, policies: z.array(z.unknown()) });

/** Transitive user members of the groups that policies or role assignments target. */
export const GroupMembersFact = z.object({
  ...readState,
  groups: z.array(
    z.object({
      id: z.string(),
      displayName: z.string().optional(),
      /**
       * `not-found`: Graph answered 404. Who the group covers is unknown (a deleted group, a replication
       * delay and a hostile answer look alike), never "nobody".
       */
      status: z.enum(["read", "not-found", "unavailable"]),
      reason: z.string().optional(),
      memberIds: z.array(z.string()),
    }),
  ),
});

const RoleAssignmentItem = z.object({
  principalId: z.string(),
  /** From the expanded principal's `@odata.type`: a role-assignable group's members hold the role too. */
  principalType: z.enum(["user", "group", "servicePrincipal", "unknown"]),
  roleDefinitionId: z.string(),
  directoryScopeId: z.string(),
});
export type RoleAssignmentItem = z.infer<typeof RoleAssignmentItem>;

export const RolesFact = z.object({
  definitions: z.object({
    ...readState,
    items: z.array(
      z.object({
        id: z.string(),
        templateId: z.string().nullable(),
        displayName: z.string(),
        isBuiltIn: z.boolean(),
      }),
    ),
  }),
  /** `roleAssignments`: active assignments. */
  active: z.object({ ...readState, items: z.array(RoleAssignmentItem) }),
  /** `roleEligibilityScheduleInstances`: PIM-eligible assignments (a role the user can activate). */
  eligible: z.object({ ...readState, items: z.array(RoleAssignmentItem) }),
});

export const PerUserMfaFact = z.object({
  ...readState,
  states: z.record(z.string(), PerUserMfaState),
  /** Users whose state could not be read although the rest were. */
  unreadUsers: z.array(z.string()),
});

export const RegistrationFact = z.object({
  ...readState,
  /** Which API the details came from: the bulk report, or per-user methods (fallback without P1). */
  via: z.enum(["userRegistrationDetails", "authenticationMethods"]).nullable(),
  users: z.array(
    z.object({
      id: z.string(),
      isMfaRegistered: z.boolean().nullable(),
      isMfaCapable: z.boolean().nullable(),
      isPasswordlessCapable: z.boolean().nullable(),
      isAdmin: z.boolean().nullable(),
      /** `methodsRegistered` values (an open set, reference §1.1); the fallback maps method types to them. */
      methodsRegistered: z.array(z.string()),
    }),
  ),
});

/**
 * Enterprise apps (service principals), for linkers that resolve a delegation (a VPN's SAML app, an Azure
 * VPN audience) to an app: what identifies each app (`appId`, `servicePrincipalNames` holds the SAML
 * identifiers) and who may use it. `assignments` are read only where `appRoleAssignmentRequired` is true
 * (otherwise every enabled user may sign in); `status` says whether they were.
 */
export const ServicePrincipalItem = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullable(),
  servicePrincipalNames: z.array(z.string()),
  appRoleAssignmentRequired: z.boolean().nullable(),
  accountEnabled: z.boolean().nullable(),
  assignments: z.object({
    status: z.enum(["read", "not-needed", "unavailable"]),
    reason: z.string().optional(),
    principals: z.array(
      z.object({ id: z.string(), type: z.enum(["user", "group", "servicePrincipal", "unknown"]) }),
    ),
  }),
});
export type ServicePrincipalItem = z.infer<typeof ServicePrincipalItem>;

export const ServicePrincipalsFact = z.object({ ...readState, items: z.array(ServicePrincipalItem) });

export const entraFactSchemas = {
  [entraFactKinds.tenant]: TenantFact,
  [entraFactKinds.users]: UsersFact,
  [entraFactKinds.securityDefaults]: SecurityDefaultsFact,
  [entraFactKinds.conditionalAccess]: ConditionalAccessFact,
  [entraFactKinds.namedLocations]: NamedLocationsFact,
  [entraFactKinds.authenticationStrengths]: AuthenticationStrengthsFact,
  [entraFactKinds.groupMembers]: GroupMembersFact,
  [entraFactKinds.roles]: RolesFact,
  [entraFactKinds.perUserMfa]: PerUserMfaFact,
  [entraFactKinds.registration]: RegistrationFact,
  [entraFactKinds.servicePrincipals]: ServicePrincipalsFact,
} as const;

export type EntraFactKind = (typeof entraFactKinds)[keyof typeof entraFactKinds];
export type EntraFactData<K extends EntraFactKind> = z.input<(typeof entraFactSchemas)[K]>;

/**
 * Each kind as the contract declares it. The provider writes every one of them on each collection, with a
 * read status inside when the read failed, so a connection read completely without one lost it.
 */
const entraKind = <T>(name: string, schema: z.ZodType<T>): FactKind<T> =>
  defineFactKind({ name, sources: [entraSource], schema, presence: { every: "connection" } });

export const entraKinds = {
  [entraFactKinds.tenant]: entraKind(entraFactKinds.tenant, TenantFact),
  [entraFactKinds.users]: entraKind(entraFactKinds.users, UsersFact),
  [entraFactKinds.securityDefaults]: entraKind(entraFactKinds.securityDefaults, SecurityDefaultsFact),
  [entraFactKinds.conditionalAccess]: entraKind(entraFactKinds.conditionalAccess, ConditionalAccessFact),
  [entraFactKinds.namedLocations]: entraKind(entraFactKinds.namedLocations, NamedLocationsFact),
  [entraFactKinds.authenticationStrengths]: entraKind(
    entraFactKinds.authenticationStrengths,
    AuthenticationStrengthsFact,
  ),
  [entraFactKinds.groupMembers]: entraKind(entraFactKinds.groupMembers, GroupMembersFact),
  [entraFactKinds.roles]: entraKind(entraFactKinds.roles, RolesFact),
  [entraFactKinds.perUserMfa]: entraKind(entraFactKinds.perUserMfa, PerUserMfaFact),
  [entraFactKinds.registration]: entraKind(entraFactKinds.registration, RegistrationFact),
  [entraFactKinds.servicePrincipals]: entraKind(entraFactKinds.servicePrincipals, ServicePrincipalsFact),
} as const satisfies Record<EntraFactKind, FactKind<unknown>>;

/** JSON round trip: drops `undefined`, so what goes into a fact is plain, serialisable JSON. */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/**
 * Builds one Entra fact (one per kind and connection) with `factOf`, validating its payload against the
 * kind's schema first: the provider hands over raw Graph records, so the check runs, not only the types.
 */
export function entraFact<K extends EntraFactKind>(
  kind: K,
  connection: string,
  data: EntraFactData<K>,
  evidence: Evidence[],
): Fact {
  const declared: FactKind<unknown> = entraKinds[kind];
  declared.schema.parse(data);
  return factOf(
    declared,
    { id: `${connection}:${kind}`, source: entraSource, connection, evidence },
    toJson(data),
  );
}

// ---------------------------------------------------------------------------------------------------
// Method and role vocabulary

/**
 * Strength of a registered method, by `methodsRegistered` value (reference §1.1; an open set, so unknown
 * values are null). Email and security questions only reset passwords and cannot complete MFA; a
 * Temporary Access Pass is a bootstrap credential: both are listed but carry no MFA strength.
 */
const methodStrengths: Record<string, FactorStrength | null> = {
  fido2: "phishing-resistant",
  fido2SecurityKey: "phishing-resistant",
  passKeyDeviceBound: "phishing-resistant",
  passKeyDeviceBoundAuthenticator: "phishing-resistant",
  passKeyDeviceBoundWindowsHello: "phishing-resistant",
  passKeySynced: "phishing-resistant",
  windowsHelloForBusiness: "phishing-resistant",
  macOsSecureEnclaveKey: "phishing-resistant",
  x509Certificate: "phishing-resistant",
  microsoftAuthenticatorPush: "app",
  microsoftAuthenticatorPasswordless: "app",
  softwareOneTimePasscode: "app",
  hardwareOneTimePasscode: "app",
  externalAuthMethod: "app",
  mobilePhone: "weak",
  alternateMobilePhone: "weak",
  officePhone: "weak",
  sms: "weak",
  email: null,
  securityQuestion: null,
  temporaryAccessPass: null,
};

export function methodStrength(method: string): FactorStrength | null {
  return methodStrengths[method] ?? null;
}

/**
 * The `authenticationMethodModes` a registered method can complete (wave2-apis.md §3.3: Microsoft
 * publishes no mapping table, so this is the documented mode list matched to `methodsRegistered` names).
 * A method missing here (synced passkeys, external methods: unconfirmed) completes no combination,
 * so a strength never counts as met through it.
 */
const methodModes: Record<string, string[]> = {
  windowsHelloForBusiness: ["windowsHelloForBusiness"],
  // Platform Credential for macOS is represented as windowsHelloForBusiness in authentication strengths.
  macOsSecureEnclaveKey: ["windowsHelloForBusiness"],
  fido2: ["fido2"],
  fido2SecurityKey: ["fido2"],
  passKeyDeviceBound: ["fido2"],
  passKeyDeviceBoundAuthenticator: ["fido2"],
  passKeyDeviceBoundWindowsHello: ["fido2"],
  microsoftAuthenticatorPasswordless: ["deviceBasedPush"],
  microsoftAuthenticatorPush: ["microsoftAuthenticatorPush"],
  softwareOneTimePasscode: ["softwareOath"],
  hardwareOneTimePasscode: ["hardwareOath"],
  mobilePhone: ["sms", "voice"],
  alternateMobilePhone: ["sms", "voice"],
  sms: ["sms"],
  officePhone: ["voice"],
  temporaryAccessPass: ["temporaryAccessPassOneTime", "temporaryAccessPassMultiUse"],
  email: ["email"],
};

/** Every user signs in with a password unless a combination replaces it; the modes the methods add. */
export function heldModes(methods: string[]): Set<string> {
  return new Set(["password", ...methods.flatMap((m) => methodModes[m] ?? [])]);
}

/** Whether the modes a user holds complete one `allowedCombinations` entry (comma-joined modes). */
export function completes(combination: string, held: Set<string>): boolean {
  return combination.split(",").every((mode) => held.has(mode.trim()));
}

/**
 * Modes a user can register at sign-in when a policy asks (interrupt mode). Microsoft documents that
 * passkeys (FIDO2), Windows Hello for Business, certificates and phone sign-in cannot be registered
 * that way (concept-authentication-strength-how-it-works.md); passes and hardware tokens are handed
 * out by an administrator.
 */
const registrableAtSignIn = new Set(["microsoftAuthenticatorPush", "softwareOath", "sms", "voice"]);

/** Whether someone with only the password could register a method that completes `combination`. */
export function registrableCombination(combination: string): boolean {
  return combination
    .split(",")
    .map((m) => m.trim())
    .every((m) => m === "password" || registrableAtSignIn.has(m));
}

/** Built-in role template ids (reference §1.6, from maester Get-MtRoleInfo.ps1). */
export const directoryRoles: Record<string, { name: string; privileged: boolean }> = {
  "62e90394-69f5-4237-9190-012177145e10": { name: "Global Administrator", privileged: true },
  "e8611ab8-c189-46e8-94e1-60213ab1f814": { name: "Privileged Role Administrator", privileged: true },
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": {
    name: "Privileged Authentication Administrator",
    privileged: true,
  },
  "194ae4cb-b126-40b2-bd5b-6091b380977d": { name: "Security Administrator", privileged: true },
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": { name: "Conditional Access Administrator", privileged: true },
  "fe930be7-5e62-47db-91af-98c3a49a38b1": { name: "User Administrator", privileged: true },
  "c4e39bd9-1100-46d3-8c65-fb160da0071f": { name: "Authentication Administrator", privileged: true },
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": { name: "Helpdesk Administrator", privileged: true },
  "966707d0-3269-4727-9be2-8c3a10f19b9d": { name: "Password Administrator", privileged: true },
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": { name: "Application Administrator", privileged: true },
  "158c047a-c907-4556-b7ef-446551a6b5f7": { name: "Cloud Application Administrator", privileged: true },
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": { name: "Hybrid Identity Administrator", privileged: true },
  "3a2c62db-5318-420d-8d74-23affee5d9d5": { name: "Intune Administrator", privileged: true },
  "f2ef992c-3afb-46b9-b7cf-a126ee74c451": { name: "Global Reader", privileged: true },
  "5d6b6bb7-de71-4623-b4af-96380a352509": { name: "Security Reader", privileged: true },
  "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f": { name: "Security Operator", privileged: true },
  "0526716b-113d-4c15-b2c8-68e3c22b9f80": { name: "Authentication Policy Administrator", privileged: false },
  "29232cdf-9323-42fd-ade2-1d097af3e4de": { name: "Exchange Administrator", privileged: false },
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": { name: "SharePoint Administrator", privileged: false },
  "69091246-20e8-4a56-aa4d-066075b2a7a8": { name: "Teams Administrator", privileged: false },
  "b0f54661-2d74-4c50-afa3-1ec803f12efe": { name: "Billing Administrator", privileged: false },
  "4a5d8f65-41da-4de4-8968-e035b65339cf": { name: "Reports Reader", privileged: false },
  "d29b2b05-8046-44ba-8758-1e26182fcf32": { name: "Directory Synchronization Accounts", privileged: false },
  "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": { name: "Directory Readers", privileged: false },
  "f023fd81-a637-4b56-95fd-791ac0226033": { name: "Service Support Administrator", privileged: false },
};

/** The directory-sync service role is held by the Entra Connect account, not by a person. */
export const directorySyncRoleTemplate = "d29b2b05-8046-44ba-8758-1e26182fcf32";

/**
 * Roles whose holders must have phishing-resistant MFA enforced: Microsoft's "privileged" label plus the
 * workload admin roles ScubaGear and Maester (MT.1006) treat as highly privileged.
 */
export const adminRoleTemplates = Object.entries(directoryRoles)
  .filter(
    ([id, r]) =>
      r.privileged ||
      [
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "b0f54661-2d74-4c50-afa3-1ec803f12efe",
        "0526716b-113d-4c15-b2c8-68e3c22b9f80",
        "69091246-20e8-4a56-aa4d-066075b2a7a8",
      ].includes(id),
  )
  .map(([id]) => id);

/** Windows Azure Service Management API: the app id Conditional Access uses for Azure management. */
export const azureManagementAppId = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

/** The user action "Register security information". */
export const registerSecurityInfoAction = "urn:user:registersecurityinfo";

/** Display names of `adminRoleTemplates`, as account role lists carry them (plus " (eligible)" etc.). */
export const adminRoleNames = adminRoleTemplates.map((id) => directoryRoles[id]!.name);

/** Whether a role label from `Account.admin.roles` names one of the privileged admin roles. */
export function isPrivilegedRoleLabel(label: string): boolean {
  return adminRoleNames.some((name) => label === name || label.startsWith(`${name} `));
}
