import { z } from "zod";

/**
 * The boundary: shapes of the Admin SDK Directory API and the Cloud Identity Policy API that we read,
 * as documented (`@googleapis/admin` 32.1.0 directory_v1, `@googleapis/cloudidentity` 21.2.1 v1).
 * Only fields we use are listed; unknown fields pass through untouched.
 */

export const directoryScopes = {
  users: "https://www.googleapis.com/auth/admin.directory.user.readonly",
  roles: "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
  orgUnits: "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
  policies: "https://www.googleapis.com/auth/cloud-identity.policies.readonly",
} as const;
export const allScopes = Object.values(directoryScopes);

/** Requested only when a connection names `customerAccessGroups`: members of groups, read-only. */
export const groupMembersScope = "https://www.googleapis.com/auth/admin.directory.group.member.readonly";

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();

/** Directory `users` resource (Schema$User): the fields that decide 2SV and admin status. */
export const GoogleUser = z.object({
  id: z.string().min(1),
  primaryEmail: z.string().min(1),
  name: z.object({ fullName: optionalString }).nullish(),
  isAdmin: optionalBoolean,
  isDelegatedAdmin: optionalBoolean,
  isEnrolledIn2Sv: optionalBoolean,
  isEnforcedIn2Sv: optionalBoolean,
  suspended: optionalBoolean,
  archived: optionalBoolean,
  orgUnitPath: optionalString,
  lastLoginTime: optionalString,
  creationTime: optionalString,
});
export type GoogleUser = z.infer<typeof GoogleUser>;

/** A page is checked loosely first, so one bad record is skipped and counted, not fatal for the page. */
export const UsersPage = z.object({
  users: z.array(z.unknown()).nullish(),
  nextPageToken: optionalString,
});

export const RoleAssignment = z.object({
  roleAssignmentId: z.string(),
  roleId: z.string(),
  assignedTo: z.string(),
  assigneeType: optionalString,
  scopeType: optionalString,
  orgUnitId: optionalString,
});
export type RoleAssignment = z.infer<typeof RoleAssignment>;

export const RoleAssignmentsPage = z.object({
  items: z.array(z.unknown()).nullish(),
  nextPageToken: optionalString,
});

export const Role = z.object({
  roleId: z.string(),
  roleName: z.string(),
  isSuperAdminRole: optionalBoolean,
  isSystemRole: optionalBoolean,
});
export type Role = z.infer<typeof Role>;

export const RolesPage = z.object({
  items: z.array(z.unknown()).nullish(),
  nextPageToken: optionalString,
});

export const OrgUnit = z.object({
  orgUnitId: z.string(),
  orgUnitPath: z.string(),
  name: optionalString,
  parentOrgUnitId: optionalString,
  parentOrgUnitPath: optionalString,
});
export type OrgUnit = z.infer<typeof OrgUnit>;

/** `orgunits.list` is not paged. */
export const OrgUnitsResponse = z.object({ organizationUnits: z.array(z.unknown()).nullish() });

/** Cloud Identity `policies` resource. */
export const CloudIdentityPolicy = z.object({
  name: z.string(),
  customer: optionalString,
  policyQuery: z
    .object({
      orgUnit: optionalString,
      group: optionalString,
      query: optionalString,
      sortOrder: z.number().nullish(),
    })
    .nullish(),
  setting: z.object({ type: z.string(), value: z.record(z.string(), z.unknown()).nullish() }),
  type: optionalString,
});
export type CloudIdentityPolicy = z.infer<typeof CloudIdentityPolicy>;

export const PoliciesPage = z.object({
  policies: z.array(z.unknown()).nullish(),
  nextPageToken: optionalString,
});

/** The 2SV setting types we read (ScubaGoggles, Prowler; reference/identity-apis.md §3.2). */
export const twoStepSettings = {
  enrollment: "settings/security.two_step_verification_enrollment",
  enforcement: "settings/security.two_step_verification_enforcement",
  factor: "settings/security.two_step_verification_enforcement_factor",
  /** `{enrollmentGracePeriod}`: the new-user enrollment period, a Duration such as "604800s". */
  enrollmentPeriod: "settings/security.two_step_verification_grace_period",
} as const;

/** `enforcedFrom` of 1970-01-01T00:00:00Z means enforcement is OFF. */
export const enforcementOff = "1970-01-01T00:00:00Z";

/** Google's JSON error body (classic `errors[]` and newer `details[]` with ErrorInfo). */
export const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
    details: z.array(z.object({ "@type": z.string().optional(), reason: z.string().optional() })).optional(),
  }),
});

/** Directory `members.list` page (Schema$Members); members checked one by one. */
export const MembersPage = z.object({
  members: z.array(z.unknown()).nullish(),
  nextPageToken: optionalString,
});

/** A group member (Schema$Member): a user's or a group's unique id. */
export const GroupMember = z.object({ id: z.string().min(1), email: optionalString, type: optionalString });
export type GroupMember = z.infer<typeof GroupMember>;
