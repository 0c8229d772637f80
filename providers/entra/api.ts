import { z } from "zod";

/**
 * The boundary: Microsoft Graph shapes we read (v1.0 unless noted), as documented in
 * reference/identity-apis.md §1 (msgraph-typescript-typings v1.0 schema, microsoft-graph-docs-contrib).
 * Only the fields we use are declared; unknown fields pass through. Conditional Access shapes live in
 * `src/model/facts/entra.ts`, shared with the evaluator.
 */

/** Application permissions (Graph app roles) by the endpoint that needs them. */
export const permissions = {
  users: "User.Read.All",
  signInActivity: "AuditLog.Read.All",
  registration: "AuditLog.Read.All",
  policies: "Policy.Read.All",
  roles: "RoleManagement.Read.Directory",
  groups: "GroupMember.Read.All",
  methods: "UserAuthenticationMethod.Read.All",
  applications: "Application.Read.All",
} as const;

/**
 * Which rate limit an endpoint falls under (throttling-limits.md): Conditional Access and named locations
 * share "identity protection and conditional access" (1 request/s per tenant, 429 without Retry-After);
 * the registration report and authentication methods are "identity and access reports" (5 requests per
 * 10 s per app per tenant); everything else is the directory bucket.
 */
export type QuotaKind = "directory" | "reports" | "conditional-access";

export interface Endpoint {
  /** The label used in evidence, errors and doctor output. */
  label: string;
  path: string;
  version: "v1.0" | "beta";
  permission: string;
  quota: QuotaKind;
}

export const endpoints = {
  users: {
    label: "GET /users",
    path: "/users",
    version: "v1.0",
    permission: permissions.users,
    quota: "directory",
  },
  registration: {
    label: "GET /reports/authenticationMethods/userRegistrationDetails",
    path: "/reports/authenticationMethods/userRegistrationDetails",
    version: "v1.0",
    permission: permissions.registration,
    quota: "reports",
  },
  conditionalAccess: {
    label: "GET /identity/conditionalAccess/policies",
    path: "/identity/conditionalAccess/policies",
    version: "v1.0",
    permission: permissions.policies,
    quota: "conditional-access",
  },
  namedLocations: {
    label: "GET /identity/conditionalAccess/namedLocations",
    path: "/identity/conditionalAccess/namedLocations",
    version: "v1.0",
    permission: permissions.policies,
    quota: "conditional-access",
  },
  securityDefaults: {
    label: "GET /policies/identitySecurityDefaultsEnforcementPolicy",
    path: "/policies/identitySecurityDefaultsEnforcementPolicy",
    version: "v1.0",
    permission: permissions.policies,
    quota: "directory",
  },
  authenticationStrengths: {
    label: "GET /policies/authenticationStrengthPolicies",
    path: "/policies/authenticationStrengthPolicies",
    version: "v1.0",
    permission: permissions.policies,
    quota: "directory",
  },
  roleDefinitions: {
    label: "GET /roleManagement/directory/roleDefinitions",
    path: "/roleManagement/directory/roleDefinitions",
    version: "v1.0",
    permission: permissions.roles,
    quota: "directory",
  },
  roleAssignments: {
    label: "GET /roleManagement/directory/roleAssignments",
    path: "/roleManagement/directory/roleAssignments",
    version: "v1.0",
    permission: permissions.roles,
    quota: "directory",
  },
  roleEligibilities: {
    label: "GET /roleManagement/directory/roleEligibilityScheduleInstances",
    path: "/roleManagement/directory/roleEligibilityScheduleInstances",
    version: "v1.0",
    permission: permissions.roles,
    quota: "directory",
  },
  groups: {
    label: "GET /groups",
    path: "/groups",
    version: "v1.0",
    permission: permissions.groups,
    quota: "directory",
  },
  group: {
    label: "GET /groups/{id}",
    path: "/groups/{id}",
    version: "v1.0",
    permission: permissions.groups,
    quota: "directory",
  },
  groupMembers: {
    label: "GET /groups/{id}/transitiveMembers/microsoft.graph.user",
    path: "/groups/{id}/transitiveMembers/microsoft.graph.user",
    version: "v1.0",
    permission: permissions.groups,
    quota: "directory",
  },
  perUserMfa: {
    label: "GET /beta/users/{id}/authentication/requirements",
    path: "/users/{id}/authentication/requirements",
    version: "beta",
    permission: permissions.policies,
    quota: "directory",
  },
  servicePrincipals: {
    label: "GET /servicePrincipals",
    path: "/servicePrincipals",
    version: "v1.0",
    permission: permissions.applications,
    quota: "directory",
  },
  appRoleAssignedTo: {
    label: "GET /servicePrincipals/{id}/appRoleAssignedTo",
    path: "/servicePrincipals/{id}/appRoleAssignedTo",
    version: "v1.0",
    permission: permissions.applications,
    quota: "directory",
  },
  methods: {
    label: "GET /users/{id}/authentication/methods",
    path: "/users/{id}/authentication/methods",
    version: "v1.0",
    permission: permissions.methods,
    quota: "reports",
  },
  /**
   * Conditional Access What If (v1.0, conditionalaccessroot-evaluate.md): least privileged
   * Policy.Read.ConditionalAccess; Policy.Read.All, which mfasweep already holds, is a documented higher
   * one. Its throttling is not documented; it is paced as the Conditional Access endpoints it belongs with
   * (1 request/s per tenant), the safe assumption.
   */
  whatIf: {
    label: "POST /identity/conditionalAccess/evaluate",
    path: "/identity/conditionalAccess/evaluate",
    version: "v1.0",
    permission: permissions.policies,
    quota: "conditional-access",
  },
} as const satisfies Record<string, Endpoint>;

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();

/** A collection page: checked loosely, so one bad record is counted and skipped, not fatal. */
export const Page = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().nullish(),
});
export type Page = z.infer<typeof Page>;

/** `POST /$batch` answer (MGDC concepts/json-batching.md): inner responses, any order, statuses of their own. */
export const BatchResponse = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown(),
    }),
  ),
});
export type BatchResponse = z.infer<typeof BatchResponse>;

/** Graph's documented maximum number of requests in one JSON batch. */
export const maxBatchRequests = 20;

export const userSelect = [
  "id",
  "displayName",
  "userPrincipalName",
  "mail",
  "accountEnabled",
  "userType",
  "externalUserState",
  "onPremisesSyncEnabled",
  "createdDateTime",
];

/** `user` (v1.0). `signInActivity` needs AuditLog.Read.All and Entra ID P1. */
export const GraphUser = z.object({
  id: z.string().min(1),
  userPrincipalName: z.string().min(1),
  displayName: optionalString,
  mail: optionalString,
  accountEnabled: optionalBoolean,
  userType: optionalString,
  externalUserState: optionalString,
  onPremisesSyncEnabled: optionalBoolean,
  createdDateTime: optionalString,
  signInActivity: z
    .object({ lastSignInDateTime: optionalString, lastNonInteractiveSignInDateTime: optionalString })
    .nullish(),
});
export type GraphUser = z.infer<typeof GraphUser>;

/** `userRegistrationDetails` (v1.0). */
export const UserRegistrationDetails = z.object({
  id: z.string().min(1),
  userPrincipalName: optionalString,
  userType: optionalString,
  isAdmin: optionalBoolean,
  isMfaRegistered: optionalBoolean,
  isMfaCapable: optionalBoolean,
  isPasswordlessCapable: optionalBoolean,
  methodsRegistered: z.array(z.string()).nullish(),
  lastUpdatedDateTime: optionalString,
});
export type UserRegistrationDetails = z.infer<typeof UserRegistrationDetails>;

export const SecurityDefaultsPolicy = z.looseObject({
  id: optionalString,
  displayName: optionalString,
  isEnabled: z.boolean(),
});

export const RoleDefinition = z.object({
  id: z.string(),
  displayName: z.string(),
  templateId: optionalString,
  isBuiltIn: optionalBoolean,
});

/** `unifiedRoleAssignment` with `$expand=principal`, and `unifiedRoleEligibilityScheduleInstance`. */
export const RoleAssignment = z.object({
  id: optionalString,
  principalId: z.string(),
  roleDefinitionId: z.string(),
  directoryScopeId: z.string().nullish(),
  principal: z.looseObject({ "@odata.type": optionalString, id: optionalString }).nullish(),
});
export type RoleAssignment = z.infer<typeof RoleAssignment>;

export const GroupMember = z.object({ id: z.string() });
export const Group = z.object({ id: z.string(), displayName: optionalString });

/** Beta `strongAuthenticationRequirements`. */
export const StrongAuthenticationRequirements = z.object({ perUserMfaState: z.string() });

/** `authenticationMethod` (derived types by `@odata.type`, reference §1.2). */
export const AuthenticationMethod = z.looseObject({
  "@odata.type": z.string(),
  id: optionalString,
  phoneType: optionalString,
});

/**
 * Graph's error body (learn.microsoft.com/graph/errors): `{ error: { code, message, innerError } }`.
 * Directory endpoints answer a missing permission with 403 `Authorization_RequestDenied` ("Insufficient
 * privileges to complete the operation."), which does not name the permission; some workloads (PIM) name
 * it in the message ("missing permission scope X,Y"). A tenant without the needed licence gets 403
 * `Authentication_RequestFromNonPremiumTenantOrB2CTenant` (observed on the reports and signInActivity).
 */
export const GraphErrorBody = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    innerError: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Fields of `servicePrincipal` (v1.0) a delegation needs: what names the app and who may sign in. */
export const servicePrincipalSelect = [
  "id",
  "appId",
  "displayName",
  "servicePrincipalNames",
  "appRoleAssignmentRequired",
  "accountEnabled",
];

export const ServicePrincipal = z.object({
  id: z.string().min(1),
  appId: z.string().min(1),
  displayName: optionalString,
  servicePrincipalNames: z.array(z.string()).nullish(),
  appRoleAssignmentRequired: optionalBoolean,
  accountEnabled: optionalBoolean,
});
export type ServicePrincipal = z.infer<typeof ServicePrincipal>;

/** `appRoleAssignment` (v1.0) as `appRoleAssignedTo` lists it: who holds a role of the app. */
export const AppRoleAssignment = z.object({
  principalId: z.string().min(1),
  principalType: optionalString,
});

/**
 * The What If request body (conditionalaccessroot-evaluate.md; signInIdentity, signInContext and
 * signInConditions are required, appliedPoliciesOnly optional). Only the fields mfasweep sends.
 */
export interface WhatIfRequest {
  signInIdentity: {
    "@odata.type": "#microsoft.graph.userSignIn";
    userId: string;
    /** usersignin.md: none, internalGuest, b2bCollaborationGuest, b2bCollaborationMember, ... */
    externalUserType?: string;
  };
  signInContext: { "@odata.type": "#microsoft.graph.applicationContext"; includeApplications: string[] };
  signInConditions: {
    clientAppType: "browser" | "mobileAppsAndDesktopClients";
    devicePlatform: "android" | "iOS" | "windows" | "macOS" | "linux";
    ipAddress: string;
    country: string;
    signInRiskLevel: "none";
    userRiskLevel: "none";
  };
  appliedPoliciesOnly: boolean;
}

/**
 * One `whatIfAnalysisResult` (whatifanalysisresult.md): a conditionalAccessPolicy plus `policyApplies` and
 * `analysisReasons` (`notSet` when it applies, else the first condition not met). The evaluate examples
 * inline the authentication strength in `grantControls`.
 */
export const WhatIfAnalysisResult = z.looseObject({
  id: z.string().min(1),
  displayName: optionalString,
  state: z.string(),
  policyApplies: z.boolean(),
  analysisReasons: optionalString,
  grantControls: z
    .looseObject({
      operator: optionalString,
      builtInControls: z.array(z.string()).nullish(),
      customAuthenticationFactors: z.array(z.string()).nullish(),
      termsOfUse: z.array(z.string()).nullish(),
      authenticationStrength: z.looseObject({ id: optionalString, displayName: optionalString }).nullish(),
    })
    .nullish(),
});
export type WhatIfAnalysisResult = z.infer<typeof WhatIfAnalysisResult>;

/** The evaluate answer: a `whatIfAnalysisResult` collection (no paging is documented for it). */
export const WhatIfAnswer = z.object({
  value: z.array(WhatIfAnalysisResult),
  "@odata.nextLink": z.string().nullish(),
});
