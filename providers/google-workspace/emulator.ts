import { createHash, randomBytes, verify } from "node:crypto";
import { type DemoPortfolio, type ProviderDemo, revisedSeed } from "../../src/collect/provider.js";
import {
  type DocumentedRateLimit,
  decodePageToken,
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  encodePageToken,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * Google facts this stand-in holds the client to, stated here (not imported from ./api.ts: a typo in a
 * provider scope once passed every test because this file imported it), from
 * shared/reference/identity-apis.md §3.1 (Directory scopes: ScubaGoggles scuba_constants.py, discovery),
 * §3.2 (Cloud Identity Policy API scope; 2SV setting types and `enforcedFrom` "1970-01-01T00:00:00Z" = OFF:
 * ScubaGoggles Commoncontrols.rego, Prowler security_service.py). The group-member scope is the Directory
 * API's documented read-only scope for `members.list` (developers.google.com/admin-sdk/directory
 * reference/rest/v1/members/list, "Authorization scopes").
 */
const directoryScopes = {
  users: "https://www.googleapis.com/auth/admin.directory.user.readonly",
  roles: "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
  orgUnits: "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
  policies: "https://www.googleapis.com/auth/cloud-identity.policies.readonly",
} as const;
const allScopes = Object.values(directoryScopes);
const groupMembersScope = "https://www.googleapis.com/auth/admin.directory.group.member.readonly";
const twoStepSettings = {
  enrollment: "settings/security.two_step_verification_enrollment",
  enforcement: "settings/security.two_step_verification_enforcement",
  factor: "settings/security.two_step_verification_enforcement_factor",
  enrollmentPeriod: "settings/security.two_step_verification_grace_period", // value {enrollmentGracePeriod}
} as const;
const enforcementOff = "1970-01-01T00:00:00Z";
/**
 * The Directory API's default quota (developers.google.com/admin-sdk/directory/v1/limits; reference
 * identity-apis.md §3), enforced when `enforceLimits` is on over a sliding minute of admitted requests, per
 * quota user: the admin a token acts for (one per tenant, so it never spans tenants here).
 */
const rateLimits = {
  directory: {
    cap: 2_400,
    windowMs: 60_000,
    window: "sliding",
    per: "tenant",
    source: "Google Directory API: 2,400 queries per minute per user per Cloud project",
  },
} as const satisfies Record<string, DocumentedRateLimit>;
export const documented = {
  directoryScopes,
  groupMembersScope,
  twoStepSettings,
  enforcementOff,
  rateLimits,
} as const;

/**
 * A stand-in for admin.googleapis.com (Directory API) and cloudidentity.googleapis.com (Policy API) that
 * the real `@googleapis/admin` / `@googleapis/cloudidentity` clients reach through their `rootUrl`.
 * Behaviour follows the documentation: bearer auth, per-endpoint scopes (403 naming the scope), `pageToken`
 * paging with `maxResults` capped at 500, super-admin-only Policy API, and Google's JSON error bodies.
 * Also serves `/token` for the service-account JWT-bearer grant, verifying the assertion's signature.
 */

export interface SeedUser {
  id: string;
  primaryEmail: string;
  name?: { fullName: string };
  isAdmin?: boolean;
  isDelegatedAdmin?: boolean;
  isEnrolledIn2Sv?: boolean;
  isEnforcedIn2Sv?: boolean;
  suspended?: boolean;
  archived?: boolean;
  orgUnitPath?: string;
  lastLoginTime?: string;
  creationTime?: string;
  /** Anything else, e.g. a deliberately malformed field for tests. */
  [field: string]: unknown;
}

export interface SeedOrgUnit {
  orgUnitId: string;
  orgUnitPath: string;
  name: string;
  parentOrgUnitId: string;
  parentOrgUnitPath: string;
}

export interface SeedPolicy {
  name: string;
  customer: string;
  policyQuery: { orgUnit?: string; group?: string; sortOrder?: number };
  setting: { type: string; value: Record<string, unknown> };
  type: "SYSTEM" | "ADMIN";
}

export interface GoogleTenantSeed {
  customerId: string;
  domain: string;
  /** Access tokens accepted for this tenant, with the scopes each carries (default: all read-only scopes). */
  tokens: Array<{ token: string; scopes?: string[]; superAdmin?: boolean }>;
  users: SeedUser[];
  rootOrgUnitId: string;
  orgUnits: SeedOrgUnit[];
  roles: Array<{ roleId: string; roleName: string; isSuperAdminRole?: boolean; isSystemRole?: boolean }>;
  roleAssignments: Array<{
    roleAssignmentId: string;
    roleId: string;
    assignedTo: string;
    assigneeType: "user" | "group";
    scopeType: string;
  }>;
  policies: SeedPolicy[];
  /** Groups with their direct members: user ids, or other groups' ids (nested). */
  groups?: Array<{ id: string; email: string; members: string[] }>;
  /** Fault: from this users page on, `nextPageToken` repeats the previous token (a paging loop). */
  usersPagingLoopFromPage?: number;
}

export interface ServiceAccountSeed {
  clientEmail: string;
  /** PEM public key matching the key file's private_key. */
  publicKey: string;
  /** Scopes the customer's admin delegated to this client id (domain-wide delegation). */
  delegatedScopes: string[];
}

export interface GoogleEmulatorOptions extends EmulatorOptions {
  tenants: GoogleTenantSeed[];
  serviceAccounts?: ServiceAccountSeed[];
  /**
   * Enforce the Directory API's documented default quota (queries per minute per user per Cloud project,
   * answered with 403 `userRateLimitExceeded` beyond it) over a sliding minute. Off by default: tests and
   * the demo run unthrottled; benchmarks turn it on.
   */
  enforceLimits?: boolean;
  /** That quota when `enforceLimits` is on (default 2,400, the Cloud console's default). */
  userRateLimitPerMinute?: number;
  /**
   * The quota's window (default the documented minute). A test shortens it to see a minute's behaviour in
   * seconds: the quota shrinks in proportion, so the allowed rate stays `userRateLimitPerMinute`.
   */
  quotaWindowMs?: number;
  /**
   * At most this many users per page (Google may return fewer than `maxResults`): many requests from a
   * small tenant, for tests of pacing.
   */
  usersPageSize?: number;
}

interface Session {
  tenant: GoogleTenantSeed;
  scopes: string[];
  superAdmin: boolean;
  /** Whose quota the requests count against: the admin the token acts for (one per seeded token). */
  quotaUser: string;
}

const tokenAudience = "https://oauth2.googleapis.com/token";

function googleError(
  code: number,
  status: string,
  message: string,
  reason: string,
  extra: Record<string, unknown> = {},
): EmulatorResponse {
  return {
    status: code,
    body: { error: { code, message, errors: [{ message, domain: "global", reason }], status, ...extra } },
  };
}

function insufficientScope(scope: string): EmulatorResponse {
  const message = "Request had insufficient authentication scopes.";
  return {
    status: 403,
    headers: {
      "www-authenticate": `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${scope}"`,
    },
    body: {
      error: {
        code: 403,
        message,
        errors: [{ message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" }],
        status: "PERMISSION_DENIED",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            domain: "googleapis.com",
          },
        ],
      },
    },
  };
}

function page<T>(
  items: T[],
  query: URLSearchParams,
  max: number,
  fallback: number,
): { slice: T[]; next?: string } | EmulatorResponse {
  const offset = decodePageToken(query.get("pageToken"));
  if (offset === undefined) return googleError(400, "INVALID_ARGUMENT", "Invalid page token", "invalid");
  const size = Math.min(
    max,
    Math.max(1, Number(query.get("maxResults") ?? query.get("pageSize") ?? fallback) || fallback),
  );
  const slice = items.slice(offset, offset + size);
  return { slice, ...(offset + size < items.length ? { next: encodePageToken(offset + size) } : {}) };
}

function isResponse(x: unknown): x is EmulatorResponse {
  return typeof x === "object" && x !== null && "status" in x;
}

function decodeJwtPart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions): Promise<RunningEmulator> {
  const sessions = new Map<string, Session>();
  for (const tenant of options.tenants) {
    for (const t of tenant.tokens)
      sessions.set(t.token, {
        tenant,
        scopes: t.scopes ?? allScopes,
        superAdmin: t.superAdmin ?? true,
        quotaUser: `token:${t.token}`,
      });
  }
  const windowMs = options.quotaWindowMs ?? rateLimits.directory.windowMs;
  const perWindow = Math.max(
    1,
    Math.floor(((options.userRateLimitPerMinute ?? rateLimits.directory.cap) * windowMs) / 60_000),
  );
  const recent = new Map<string, number[]>();

  /** The per-user quota: arrivals in the last window; one past the quota is refused as Google documents. */
  function throttle(session: Session): EmulatorResponse | undefined {
    if (!options.enforceLimits) return undefined;
    const now = Date.now();
    const window = recent.get(session.quotaUser) ?? [];
    while (window.length > 0 && now - window[0]! >= windowMs) window.shift();
    recent.set(session.quotaUser, window);
    if (window.length >= perWindow)
      return googleError(403, "PERMISSION_DENIED", "User Rate Limit Exceeded", "userRateLimitExceeded");
    window.push(now);
    return undefined;
  }

  /** JWT-bearer grant: verify the assertion as Google does, then mint a token for the subject's tenant. */
  function tokenGrant(req: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(req.body);
    const deny = (error: string, description: string) => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return deny("unsupported_grant_type", "Invalid grant_type");
    const [head, payload, signature] = (form.get("assertion") ?? "").split(".");
    const claims = decodeJwtPart(payload);
    const header = decodeJwtPart(head);
    const account = options.serviceAccounts?.find((s) => s.clientEmail === claims?.iss);
    if (!claims || !header || !account || !signature) return deny("invalid_grant", "Invalid JWT Signature.");
    const valid = verify(
      "RSA-SHA256",
      Buffer.from(`${head}.${payload}`),
      account.publicKey,
      Buffer.from(signature, "base64url"),
    );
    if (!valid || header.alg !== "RS256") return deny("invalid_grant", "Invalid JWT Signature.");
    if (claims.aud !== tokenAudience)
      return deny(
        "invalid_grant",
        "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe",
      );
    const requested = String(claims.scope ?? "")
      .split(" ")
      .filter(Boolean);
    if (requested.length === 0 || requested.some((s) => !account.delegatedScopes.includes(s))) {
      return {
        status: 401,
        body: {
          error: "unauthorized_client",
          error_description:
            "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.",
        },
      };
    }
    const subject = String(claims.sub ?? "");
    const tenant = options.tenants.find((t) => subject.endsWith(`@${t.domain}`));
    const user = tenant?.users.find((u) => u.primaryEmail === subject);
    if (!tenant || !user) return deny("invalid_grant", "Invalid email or User ID");
    const token = `ya29.emulator-${randomBytes(12).toString("hex")}`;
    sessions.set(token, { tenant, scopes: requested, superAdmin: user.isAdmin === true, quotaUser: subject });
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: "Bearer" } };
  }

  function authenticate(req: EmulatorRequest): Session | EmulatorResponse {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const session = token ? sessions.get(token) : undefined;
    if (!session) {
      return googleError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        "authError",
      );
    }
    return session;
  }

  function customerMatches(tenant: GoogleTenantSeed, customer: string | null | undefined): boolean {
    return customer === "my_customer" || customer === tenant.customerId;
  }

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    if (req.method === "POST" && req.path === "/token") return tokenGrant(req);
    const session = authenticate(req);
    if (isResponse(session)) return session;
    const { tenant } = session;
    const need = (scope: string) => (session.scopes.includes(scope) ? undefined : insufficientScope(scope));
    if (req.path.startsWith("/admin/directory/")) {
      const limited = throttle(session);
      if (limited) return limited;
    }

    if (req.path === "/admin/directory/v1/users") {
      const denied = need(directoryScopes.users);
      if (denied) return denied;
      if (!customerMatches(tenant, req.query.get("customer")))
        return googleError(400, "INVALID_ARGUMENT", "Bad Request", "badRequest");
      const users = [...tenant.users].sort((a, b) => a.primaryEmail.localeCompare(b.primaryEmail));
      const result = page(users, req.query, Math.min(500, options.usersPageSize ?? 500), 100);
      if (isResponse(result)) return result;
      let next = result.next;
      const pageNumber =
        Math.floor((decodePageToken(req.query.get("pageToken")) ?? 0) / Math.max(1, result.slice.length)) + 1;
      if (tenant.usersPagingLoopFromPage && pageNumber >= tenant.usersPagingLoopFromPage)
        next = req.query.get("pageToken") ?? next;
      return {
        status: 200,
        body: {
          kind: "admin#directory#users",
          etag: etag(users),
          users: result.slice,
          ...(next ? { nextPageToken: next } : {}),
        },
      };
    }

    // members.list: a group's members by group email or id; nested groups expanded on
    // includeDerivedMembership=true (the group entries themselves are listed either way).
    const groupMembers = /^\/admin\/directory\/v1\/groups\/([^/]+)\/members$/.exec(req.path);
    if (groupMembers) {
      const denied = need(groupMembersScope);
      if (denied) return denied;
      const key = decodeURIComponent(groupMembers[1]!);
      const groups = tenant.groups ?? [];
      const group = groups.find((g) => g.id === key || g.email === key);
      if (!group) return googleError(404, "NOT_FOUND", "Resource Not Found: groupKey", "notFound");
      const derived = req.query.get("includeDerivedMembership") === "true";
      const listed = new Map<string, Record<string, unknown>>();
      const visited = new Set<string>();
      const visit = (g: NonNullable<GoogleTenantSeed["groups"]>[number]) => {
        if (visited.has(g.id)) return;
        visited.add(g.id);
        for (const id of g.members) {
          const nested = groups.find((x) => x.id === id);
          const user = tenant.users.find((u) => u.id === id);
          listed.set(id, {
            kind: "admin#directory#member",
            id,
            email: nested?.email ?? user?.primaryEmail,
            role: "MEMBER",
            type: nested ? "GROUP" : "USER",
            status: "ACTIVE",
          });
          if (nested && derived) visit(nested);
        }
      };
      visit(group);
      const result = page([...listed.values()], req.query, 200, 200);
      if (isResponse(result)) return result;
      return {
        status: 200,
        body: {
          kind: "admin#directory#members",
          members: result.slice,
          ...(result.next ? { nextPageToken: result.next } : {}),
        },
      };
    }

    // users.get: one user by id or primary email (what per-user scripts call; the provider uses the list).
    const single = /^\/admin\/directory\/v1\/users\/([^/]+)$/.exec(req.path);
    if (single) {
      const denied = need(directoryScopes.users);
      if (denied) return denied;
      const key = decodeURIComponent(single[1]!);
      const user = tenant.users.find((u) => u.id === key || u.primaryEmail === key);
      if (!user) return googleError(404, "NOT_FOUND", "Resource Not Found: userKey", "notFound");
      return { status: 200, body: { kind: "admin#directory#user", ...user } };
    }

    const customerPath = /^\/admin\/directory\/v1\/customer\/([^/]+)\/(roles|roleassignments|orgunits)$/.exec(
      req.path,
    );
    if (customerPath) {
      const [, customer, what] = customerPath;
      const denied = need(what === "orgunits" ? directoryScopes.orgUnits : directoryScopes.roles);
      if (denied) return denied;
      if (!customerMatches(tenant, decodeURIComponent(customer ?? "")))
        return googleError(400, "INVALID_ARGUMENT", "Bad Request", "badRequest");
      if (what === "orgunits") {
        return {
          status: 200,
          body: {
            kind: "admin#directory#orgUnits",
            etag: etag(tenant.orgUnits),
            organizationUnits: tenant.orgUnits.map((o) => ({ kind: "admin#directory#orgUnit", ...o })),
          },
        };
      }
      const items: unknown[] =
        what === "roles"
          ? tenant.roles.map((r) => ({ kind: "admin#directory#role", ...r }))
          : tenant.roleAssignments.map((a) => ({ kind: "admin#directory#roleAssignment", ...a }));
      const result = page(items, req.query, what === "roles" ? 100 : 200, 100);
      if (isResponse(result)) return result;
      return {
        status: 200,
        body: {
          kind: `admin#directory#${what}`,
          items: result.slice,
          ...(result.next ? { nextPageToken: result.next } : {}),
        },
      };
    }

    if (req.path === "/v1/policies") {
      const denied = need(directoryScopes.policies);
      if (denied) return denied;
      if (!session.superAdmin)
        return {
          status: 403,
          body: {
            error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" },
          },
        };
      const filter = req.query.get("filter") ?? "";
      const typePattern = /setting\.type\.matches\(["'](.+?)["']\)/.exec(filter)?.[1]?.replace(/\\\\/g, "\\");
      const matching = typePattern
        ? tenant.policies.filter((p) => new RegExp(typePattern).test(p.setting.type))
        : tenant.policies;
      const result = page(matching, req.query, 100, 50);
      if (isResponse(result)) return result;
      return {
        status: 200,
        body: { policies: result.slice, ...(result.next ? { nextPageToken: result.next } : {}) },
      };
    }
    return googleError(404, "NOT_FOUND", `Method not found: ${req.method} ${req.path}`, "notFound");
  };

  return startEmulator(handler, options);
}

function etag(value: unknown): string {
  return `"${createHash("sha1").update(JSON.stringify(value)).digest("base64url")}"`;
}

// ---------------------------------------------------------------------------------------------------
// Seed builders: small, named after what they show, and shaped like the documented resources.

/** Google ids are 21-digit decimal strings (past 2^53, hence BigInt), here derived from the seed. */
export function googleId(seed: string): string {
  const hash = BigInt(`0x${createHash("sha1").update(seed).digest("hex").slice(0, 16)}`);
  return String(100000000000000000000n + hash);
}

export function seedUser(email: string, fields: Partial<SeedUser> = {}): SeedUser {
  return {
    kind: "admin#directory#user",
    id: googleId(`user:${email}`),
    primaryEmail: email,
    name: { fullName: email.split("@")[0]!.replace(/[._]/g, " ") },
    isAdmin: false,
    isDelegatedAdmin: false,
    isEnrolledIn2Sv: false,
    isEnforcedIn2Sv: false,
    suspended: false,
    archived: false,
    orgUnitPath: "/",
    creationTime: "2024-03-01T09:00:00.000Z",
    lastLoginTime: "2026-11-20T08:15:00.000Z",
    ...fields,
  };
}

/**
 * The 2SV policies (enrollment, enforcement, factor set, new-user enrollment period) for one OU, as the
 * Policy API returns them. `enrollmentPeriod` is `enrollmentGracePeriod`, a Duration such as "604800s"
 * (reference/identity-apis.md §3.2).
 */
export function twoStepPolicies(
  orgUnitId: string,
  opts: {
    allowEnrollment: boolean;
    enforcedFrom?: string;
    factorSet?: string;
    enrollmentPeriod?: string;
    type?: "SYSTEM" | "ADMIN";
  },
): SeedPolicy[] {
  const base = (type: string, value: Record<string, unknown>): SeedPolicy => ({
    name: `policies/${createHash("sha1").update(`${orgUnitId}${type}`).digest("hex").slice(0, 14)}`,
    customer: "customers/C00000000",
    policyQuery: { orgUnit: `orgUnits/${orgUnitId.replace(/^id:/, "")}`, sortOrder: 1 },
    setting: { type, value },
    type: opts.type ?? "ADMIN",
  });
  return [
    base(twoStepSettings.enrollment, { allowEnrollment: opts.allowEnrollment }),
    base(twoStepSettings.enforcement, { enforcedFrom: opts.enforcedFrom ?? enforcementOff }),
    ...(opts.factorSet ? [base(twoStepSettings.factor, { allowedSignInFactorSet: opts.factorSet })] : []),
    ...(opts.enrollmentPeriod
      ? [base(twoStepSettings.enrollmentPeriod, { enrollmentGracePeriod: opts.enrollmentPeriod })]
      : []),
  ];
}

export const googleSystemRoles = [
  { roleId: "91447453409034817", roleName: "_SEED_ADMIN_ROLE", isSuperAdminRole: true, isSystemRole: true },
  {
    roleId: "91447453409034818",
    roleName: "_HELP_DESK_ADMIN_ROLE",
    isSuperAdminRole: false,
    isSystemRole: true,
  },
  {
    roleId: "91447453409034819",
    roleName: "_USER_MANAGEMENT_ADMIN_ROLE",
    isSuperAdminRole: false,
    isSystemRole: true,
  },
];

/** A tenant with a top-level OU, the given sub-OUs and users; the admin token carries every scope. */
export function seedTenant(
  domain: string,
  token: string,
  build: (t: { root: string; ou: (path: string) => SeedOrgUnit }) => Partial<GoogleTenantSeed>,
): GoogleTenantSeed {
  const root = `id:${createHash("sha1").update(domain).digest("hex").slice(0, 14)}`;
  const ou = (path: string): SeedOrgUnit => ({
    orgUnitId: `id:${createHash("sha1")
      .update(domain + path)
      .digest("hex")
      .slice(0, 14)}`,
    orgUnitPath: path,
    name: path.split("/").pop() ?? path,
    parentOrgUnitId:
      path.split("/").length > 2
        ? `id:${createHash("sha1")
            .update(domain + path.slice(0, path.lastIndexOf("/")))
            .digest("hex")
            .slice(0, 14)}`
        : root,
    parentOrgUnitPath: path.split("/").length > 2 ? path.slice(0, path.lastIndexOf("/")) : "/",
  });
  return {
    customerId: `C0${createHash("sha1").update(domain).digest("hex").slice(0, 7)}`,
    domain,
    tokens: [{ token }],
    users: [],
    rootOrgUnitId: root,
    orgUnits: [],
    roles: googleSystemRoles,
    roleAssignments: [],
    policies: [],
    ...build({ root, ou }),
  };
}

/** Role assignments for every user the seed marks as admin, the way the Directory API lists them. */
export function assignAdminRoles(tenant: GoogleTenantSeed): GoogleTenantSeed {
  const roleAssignments = tenant.users.flatMap((u, i) =>
    u.isAdmin || u.isDelegatedAdmin
      ? [
          {
            roleAssignmentId: String(9000 + i),
            roleId: (u.isAdmin ? googleSystemRoles[0] : googleSystemRoles[1])!.roleId,
            assignedTo: u.id,
            assigneeType: "user" as const,
            scopeType: "CUSTOMER",
          },
        ]
      : [],
  );
  return { ...tenant, roleAssignments };
}

// ---------------------------------------------------------------------------------------------------
// The demo portfolio's Google Workspace tenants.

const demoSeeds: Record<string, (domain: string, token: string) => GoogleTenantSeed> = {
  /** Enforced at the top, but Sales is exempt and one delegated admin never enrolled. */
  northwind: (domain, token) =>
    assignAdminRoles(
      seedTenant(domain, token, ({ root, ou }) => {
        const sales = ou("/Sales");
        return {
          orgUnits: [sales, ou("/Engineering")],
          policies: [
            ...twoStepPolicies(root, {
              allowEnrollment: true,
              enforcedFrom: "2025-01-15T00:00:00Z",
              factorSet: "NO_TELEPHONY",
              enrollmentPeriod: "604800s",
            }),
            ...twoStepPolicies(sales.orgUnitId, { allowEnrollment: true }),
          ],
          users: [
            seedUser(`it.admin@${domain}`, { isAdmin: true, isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
            seedUser(`helpdesk@${domain}`, { isDelegatedAdmin: true, isEnforcedIn2Sv: true }),
            seedUser(`a.fuller@${domain}`, {
              orgUnitPath: "/Engineering",
              isEnrolledIn2Sv: true,
              isEnforcedIn2Sv: true,
            }),
            seedUser(`n.davolio@${domain}`, { orgUnitPath: "/Sales", isEnrolledIn2Sv: true }),
            seedUser(`j.leverling@${domain}`, { orgUnitPath: "/Sales" }),
            seedUser(`m.peacock@${domain}`, { orgUnitPath: "/Sales" }),
            seedUser(`s.buchanan@${domain}`, {
              orgUnitPath: "/Engineering",
              isEnrolledIn2Sv: true,
              isEnforcedIn2Sv: true,
              suspended: true,
            }),
          ],
        };
      }),
    ),
  /** 2SV allowed but never enforced; the owner is a super admin without it. */
  "contoso-dental": (domain, token) =>
    assignAdminRoles(
      seedTenant(domain, token, ({ root, ou }) => ({
        orgUnits: [ou("/Front Desk")],
        policies: [...twoStepPolicies(root, { allowEnrollment: true, type: "SYSTEM" })],
        users: [
          seedUser(`owner@${domain}`, { isAdmin: true }),
          seedUser(`dr.kim@${domain}`, { isEnrolledIn2Sv: true }),
          seedUser(`reception@${domain}`, { orgUnitPath: "/Front Desk" }),
          seedUser(`billing@${domain}`, { orgUnitPath: "/Front Desk" }),
        ],
      })),
    ),
  /** Enforced everywhere with passkeys only; a departed partner is archived. */
  "fabrikam-legal": (domain, token) =>
    assignAdminRoles(
      seedTenant(domain, token, ({ root, ou }) => ({
        orgUnits: [ou("/Partners"), ou("/Staff")],
        policies: [
          ...twoStepPolicies(root, {
            allowEnrollment: true,
            enforcedFrom: "2024-06-01T00:00:00Z",
            factorSet: "PASSKEY_ONLY",
            enrollmentPeriod: "0s",
          }),
        ],
        users: [
          seedUser(`admin@${domain}`, { isAdmin: true, isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
          seedUser(`r.fabrikam@${domain}`, {
            orgUnitPath: "/Partners",
            isEnrolledIn2Sv: true,
            isEnforcedIn2Sv: true,
          }),
          seedUser(`paralegal@${domain}`, {
            orgUnitPath: "/Staff",
            isEnrolledIn2Sv: true,
            isEnforcedIn2Sv: true,
          }),
          seedUser(`old.partner@${domain}`, { orgUnitPath: "/Partners", archived: true }),
        ],
      })),
    ),
};

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const env: Record<string, string> = {};
  const tenants: Array<{ id: string; seed: GoogleTenantSeed }> = [];
  for (const t of portfolio.tenants) {
    const build = demoSeeds[t.id];
    if (!build) continue;
    const variable = `MFASWEEP_DEMO_GOOGLE_TOKEN_${t.id.replace(/[^a-z0-9]/gi, "_").toUpperCase()}`;
    env[variable] = `ya29.demo-${randomBytes(16).toString("hex")}`;
    tenants.push({
      id: t.id,
      seed: revisedSeed(portfolio, "google-workspace", t.id, build(t.domain, env[variable])),
    });
  }
  const emulator = await startGoogleEmulator({ tenants: tenants.map((t) => t.seed) });
  return {
    env,
    connections: tenants.map((t) => ({
      tenant: t.id,
      connection: {
        type: "google-workspace",
        id: "google",
        endpoint: emulator.url,
        auth: {
          method: "access-token",
          token: `env:MFASWEEP_DEMO_GOOGLE_TOKEN_${t.id.replace(/[^a-z0-9]/gi, "_").toUpperCase()}`,
        },
      },
    })),
    close: () => emulator.close(),
  };
}
