import { z } from "zod";
import { JsonValue } from "../../src/model/index.js";

/**
 * The boundary: shapes of the Okta Management API records we read, as documented (okta-spec 2026.06.2,
 * reference/identity-apis.md §2). Only fields we use are listed; unknown fields pass through. Every list
 * is checked loosely first (an array), then record by record, so one bad record is skipped and counted.
 */

/** Read-only OAuth scopes for a service app (private-key JWT). API tokens (SSWS) carry their admin's role. */
export const oktaScopes = {
  users: "okta.users.read",
  policies: "okta.policies.read",
  apps: "okta.apps.read",
  groups: "okta.groups.read",
  roles: "okta.roles.read",
  zones: "okta.networkZones.read",
} as const;
export const allOktaScopes: string[] = Object.values(oktaScopes);

const optionalString = z.string().nullish();
const RawObject = z.record(z.string(), JsonValue);

/** `GET /api/v1/users` item. */
export const OktaUser = z.object({
  id: z.string().min(1),
  status: z.string(),
  lastLogin: optionalString,
  profile: z.object({
    login: z.string().min(1),
    email: optionalString,
    firstName: optionalString,
    lastName: optionalString,
    displayName: optionalString,
  }),
});
export type OktaUser = z.infer<typeof OktaUser>;

/** `GET /api/v1/users/{userId}/factors` item. */
export const OktaFactor = z.object({
  id: z.string(),
  factorType: z.string(),
  provider: optionalString,
  status: z.string(),
  vendorName: optionalString,
});
export type OktaFactor = z.infer<typeof OktaFactor>;

/** `GET /api/v1/iam/assignees/users`: an object page (RoleAssignedUsers) paged by `_links.next.href`. */
export const RoleAssignedUsersPage = z.object({
  value: z.array(z.unknown()).nullish(),
  _links: z.object({ next: z.object({ href: z.string() }).nullish() }).nullish(),
});
export const RoleAssignedUser = z.object({ id: z.string().min(1), orn: optionalString });

/** `GET /api/v1/users/{userId}/roles` item. */
export const OktaRole = z.object({
  id: z.string(),
  type: optionalString,
  label: optionalString,
  status: optionalString,
  assignmentType: optionalString,
});
export type OktaRole = z.infer<typeof OktaRole>;

/** `GET /api/v1/groups` item. */
export const OktaGroup = z.object({
  id: z.string().min(1),
  type: optionalString,
  profile: z.object({ name: optionalString }).nullish(),
});
export type OktaGroup = z.infer<typeof OktaGroup>;

/** `GET /api/v1/groups/{groupId}/users` item: a user; only the id matters here. */
export const OktaGroupMember = z.object({ id: z.string().min(1) });

/** `GET /api/v1/apps` item. `_links.accessPolicy.href` ends with the app's authentication policy id. */
export const OktaApp = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  label: optionalString,
  status: optionalString,
  signOnMode: optionalString,
  settings: z
    .object({
      signOn: z.object({ audience: optionalString, ssoAcsUrl: optionalString }).nullish(),
    })
    .nullish(),
  credentials: z.object({ oauthClient: z.object({ client_id: optionalString }).nullish() }).nullish(),
  _links: z.object({ accessPolicy: z.object({ href: z.string() }).nullish() }).nullish(),
});
export type OktaApp = z.infer<typeof OktaApp>;

/**
 * `GET /api/v1/apps/{appId}/users` item (the SDK's `AppUser`): a user assigned to the app, directly
 * (`scope` USER) or through a group (GROUP). `id` is the Okta user id; nothing else is used.
 */
export const OktaAppUser = z.object({
  id: z.string().min(1),
  scope: optionalString,
  status: optionalString,
});
export type OktaAppUser = z.infer<typeof OktaAppUser>;

/** The built-in apps every org has (Prowler's application checks, reference §2.2). */
export const builtInApps = { adminConsole: "saasure", dashboard: "okta_enduser" } as const;

export const policyTypes = {
  globalSession: "OKTA_SIGN_ON",
  appSignIn: "ACCESS_POLICY",
  enrollment: "MFA_ENROLL",
} as const;

/** `GET /api/v1/policies?type=` item. */
export const OktaPolicy = z.object({
  id: z.string().min(1),
  type: z.string(),
  name: optionalString,
  status: optionalString,
  priority: z.number().nullish(),
  system: z.boolean().nullish(),
  conditions: RawObject.nullish(),
  settings: RawObject.nullish(),
});
export type OktaPolicy = z.infer<typeof OktaPolicy>;

/** `GET /api/v1/policies/{policyId}/rules` item; conditions and actions are kept whole for the evaluator. */
export const OktaPolicyRule = z.object({
  id: z.string().min(1),
  name: optionalString,
  type: optionalString,
  status: optionalString,
  priority: z.number().nullish(),
  system: z.boolean().nullish(),
  conditions: RawObject.nullish(),
  actions: RawObject.nullish(),
});
export type OktaPolicyRule = z.infer<typeof OktaPolicyRule>;

/** `GET /api/v1/zones` item. */
export const OktaZone = z.object({
  id: z.string().min(1),
  name: optionalString,
  type: optionalString,
  status: optionalString,
  usage: optionalString,
});
export type OktaZone = z.infer<typeof OktaZone>;

/** Okta's JSON error body (`errorCode` E0000011 invalid token, E0000006 no permission, ...). */
export const OktaErrorBody = z.object({
  errorCode: optionalString,
  errorSummary: optionalString,
});

// ---------------------------------------------------------------------------------------------------
// Rate limits (reference §2.3, developer.okta.com/docs/reference/rl-global-mgmt/).

export const rateLimitTiers = ["developer", "paid", "one-app", "enterprise", "workforce"] as const;
export type RateLimitTier = (typeof rateLimitTiers)[number];

/**
 * Okta's rate-limit buckets for the endpoints we call. `other` is "most other API actions" under
 * /api/v1, where the per-user factor and role calls, policies, rules, zones and role assignees fall
 * (reference §2.3: an inference from the bucket list). Group members are counted with `/api/v1/groups`,
 * the lower of the two buckets they could belong to.
 */
export type EndpointGroup = "users" | "apps" | "groups" | "other";

/** Requests per minute per org, by tier (columns: Developer free / paid / One App / Enterprise / Workforce). */
export const perMinuteLimits: Record<EndpointGroup, Record<RateLimitTier, number>> = {
  users: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 600 },
  apps: { developer: 20, paid: 100, "one-app": 100, enterprise: 100, workforce: 100 },
  groups: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 500 },
  other: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 1200 },
};

/** Which bucket a request path counts against. */
export function endpointGroup(path: string): EndpointGroup {
  if (path === "/api/v1/users") return "users";
  if (path === "/api/v1/apps" || path.startsWith("/api/v1/apps/")) return "apps";
  if (path === "/api/v1/groups" || /^\/api\/v1\/groups\/[^/]+\/users$/.test(path)) return "groups";
  return "other";
}

/** Okta's documented limit of concurrent API transactions per org. */
export const orgConcurrencyLimit = 75;
