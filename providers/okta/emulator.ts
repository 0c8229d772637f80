import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import {
  decodePageToken,
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  encodePageToken,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";
import type { JsonValue } from "../../src/model/index.js";

/**
 * Okta facts this stand-in holds the client to, stated here (not imported from ./api.ts: a wrong scope or
 * limit in the provider must fail its tests), from shared/reference/identity-apis.md:
 * §2.1 the OAuth scope of each endpoint (okta-spec 2026.06.2); §2.3 the per-minute limits by tier
 * (developer.okta.com/docs/reference/rl-global-mgmt/: Developer free / paid / One App / Enterprise /
 * Workforce) for `GET /api/v1/users`, `/api/v1/apps*`, `/api/v1/groups` and "most other API actions".
 */
const oktaScopes = {
  users: "okta.users.read",
  policies: "okta.policies.read",
  apps: "okta.apps.read",
  groups: "okta.groups.read",
  roles: "okta.roles.read",
  zones: "okta.networkZones.read",
} as const;
export type EndpointGroup = "users" | "apps" | "groups" | "other";
const perMinuteLimits = {
  users: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 600 },
  apps: { developer: 20, paid: 100, "one-app": 100, enterprise: 100, workforce: 100 },
  groups: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 500 },
  other: { developer: 100, paid: 600, "one-app": 600, enterprise: 600, workforce: 1200 },
} as const satisfies Record<EndpointGroup, Record<string, number>>;
/**
 * The per-minute limits' window: a fresh budget at each clock minute (`x-rate-limit-reset` is the next
 * minute's start). Okta documents per-minute budgets and the reset time, not whether a minute slides; this
 * emulator aligns them to the clock, and benchmarks' lower bound assumes exactly that.
 */
const rateWindow = { windowMs: 60_000, window: "aligned", per: "tenant" } as const;
/**
 * "Concurrent limit: 75 concurrent API transactions per org" (§2.3, help.okta.com api-rate-limits): a
 * request is in flight from its arrival until its answer is sent, latency included.
 */
const orgConcurrencyLimit = 75;
export const documented = { oktaScopes, perMinuteLimits, rateWindow, orgConcurrencyLimit } as const;

/** The §2.3 row a request path is counted under (`/api/v1/groups/{id}/users` is a groups list). */
export function endpointGroup(path: string): EndpointGroup {
  if (path === "/api/v1/users") return "users";
  if (path === "/api/v1/apps" || path.startsWith("/api/v1/apps/")) return "apps";
  if (path === "/api/v1/groups" || /^\/api\/v1\/groups\/[^/]+\/users$/.test(path)) return "groups";
  return "other";
}

/**
 * A stand-in for an Okta org's Management API that the real `@okta/okta-sdk-nodejs` reaches over loopback
 * HTTP. Behaviour follows the documentation (reference/identity-apis.md §2): `SSWS` API tokens and
 * private-key-JWT client credentials (`/oauth2/v1/token`, scopes per endpoint, 403 with
 * `WWW-Authenticate: Bearer ... error="insufficient_scope"` and no body), `after` cursors with absolute
 * `Link: <...>; rel="next"` headers, users without DEPROVISIONED unless filtered, the role assignees'
 * object page with `_links.next`, `x-rate-limit-limit/remaining/reset` on every response per endpoint
 * group, 429 with `x-rate-limit-reset` and `Date` when a per-minute budget or the concurrency limit is
 * exceeded, 401 `E0000011`, 403 `E0000006`, and Okta's JSON error bodies. 5xx, resets and malformed
 * bodies come from the shared server's scripted faults.
 */

export interface SeedFactor {
  id: string;
  factorType: string;
  provider: string;
  vendorName: string;
  status: string;
  [field: string]: unknown;
}

export interface SeedRole {
  id: string;
  type: string;
  label: string;
  status: string;
  assignmentType: "USER" | "GROUP";
}

export interface SeedUser {
  id: string;
  status: string;
  created: string;
  lastLogin: string | null;
  profile: { login: string; email: string; firstName: string; lastName: string; [field: string]: unknown };
  /** Group ids (besides Everyone, which holds every user). */
  groups: string[];
  factors: SeedFactor[];
  roles: SeedRole[];
  [field: string]: unknown;
}

export interface SeedGroup {
  id: string;
  type: "BUILT_IN" | "OKTA_GROUP" | "APP_GROUP";
  profile: { name: string; description?: string };
}

export interface SeedApp {
  id: string;
  name: string;
  label: string;
  status: "ACTIVE" | "INACTIVE";
  signOnMode: string;
  /** Id of the app's authentication policy; rendered as `_links.accessPolicy.href`. */
  accessPolicyId?: string;
  settings?: Record<string, JsonValue>;
  credentials?: Record<string, JsonValue>;
  /**
   * User and group ids assigned to the app (`GET /api/v1/apps/{id}/users` lists the users, group members
   * with scope GROUP). Unset: assigned to the Everyone group, so every user.
   */
  assignedTo?: string[];
}

export interface SeedRule {
  id: string;
  name: string;
  type: string;
  status: "ACTIVE" | "INACTIVE";
  priority: number;
  system: boolean;
  conditions: Record<string, JsonValue> | null;
  actions: Record<string, JsonValue>;
}

export interface SeedPolicy {
  id: string;
  type: "OKTA_SIGN_ON" | "ACCESS_POLICY" | "MFA_ENROLL";
  name: string;
  status: "ACTIVE" | "INACTIVE";
  priority: number;
  system: boolean;
  conditions: Record<string, JsonValue> | null;
  settings?: Record<string, JsonValue>;
  rules: SeedRule[];
}

export interface SeedZone {
  id: string;
  name: string;
  type: "IP" | "DYNAMIC";
  status: "ACTIVE" | "INACTIVE";
  usage: "POLICY" | "BLOCKLIST";
  gateways?: Array<{ type: string; value: string }>;
}

export interface OktaOrgSeed {
  /** The org's host as an admin knows it (data only; the emulator serves every org on its own URL). */
  host: string;
  /** API tokens (SSWS); `denied` lists path patterns the token's admin may not read (403 E0000006). */
  tokens: Array<{ token: string; denied?: RegExp[] }>;
  /** Service apps for private-key JWT: public key (PEM or JWK) and the scopes granted to them. */
  clients: Array<{ clientId: string; publicKey: string | Record<string, unknown>; scopes: string[] }>;
  users: SeedUser[];
  groups: SeedGroup[];
  apps: SeedApp[];
  policies: SeedPolicy[];
  zones: SeedZone[];
}

export interface OktaEmulatorOptions extends EmulatorOptions {
  orgs: OktaOrgSeed[];
  /** Requests per minute per endpoint group; beyond it, 429. Unset: headers are sent, nothing is refused. */
  rateLimits?: Partial<Record<EndpointGroup, number>>;
  /** Requests in flight per org before 429 (Okta allows 75); unset: no limit. */
  concurrencyLimit?: number;
  /** Time each request holds its concurrency slot, to make overlap observable (default 0). */
  holdMs?: number;
  /** The emulator's clock (rate-limit windows, `Date`); tests advance it instead of waiting. */
  clock?: () => number;
  /** Page sizes: default and maximum per collection (to exercise paging in tests). */
  pageSizes?: Partial<
    Record<"users" | "groups" | "members" | "apps" | "appUsers" | "policies" | "zones" | "assignees", number>
  >;
}

function oktaError(
  status: number,
  code: string,
  summary: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers,
    body: {
      errorCode: code,
      errorSummary: summary,
      errorLink: code,
      errorId: `oae${randomBytes(8).toString("hex")}`,
      errorCauses: [],
    },
  };
}

/** Scope each endpoint needs (reference §2.1). */
function scopeFor(path: string): string {
  if (/^\/api\/v1\/users\/[^/]+\/roles$/.test(path) || path.startsWith("/api/v1/iam/"))
    return oktaScopes.roles;
  if (path.startsWith("/api/v1/users")) return oktaScopes.users;
  if (path.startsWith("/api/v1/groups")) return oktaScopes.groups;
  if (path.startsWith("/api/v1/apps")) return oktaScopes.apps;
  if (path.startsWith("/api/v1/policies")) return oktaScopes.policies;
  if (path.startsWith("/api/v1/zones")) return oktaScopes.zones;
  return "okta.unknown.read";
}

interface Session {
  org: OktaOrgSeed;
  scopes: string[] | "admin";
  denied: RegExp[];
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function startOktaEmulator(options: OktaEmulatorOptions): Promise<RunningEmulator> {
  const clock = options.clock ?? Date.now;
  const sessions = new Map<string, Session>();
  const apiTokens = new Map<string, Session>();
  for (const org of options.orgs)
    for (const t of org.tokens) apiTokens.set(t.token, { org, scopes: "admin", denied: t.denied ?? [] });
  const windows = new Map<string, { start: number; count: number }>();
  const inflight = new Map<OktaOrgSeed, number>();

  function rateHeaders(
    org: OktaOrgSeed | undefined,
    group: EndpointGroup,
    count: boolean,
  ): { headers: Record<string, string>; over: boolean } {
    const now = clock();
    const start = Math.floor(now / rateWindow.windowMs) * rateWindow.windowMs;
    const key = `${org?.host ?? "-"}|${group}`;
    let w = windows.get(key);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      windows.set(key, w);
    }
    const budget = options.rateLimits?.[group];
    const limit = budget ?? perMinuteLimits[group].paid;
    if (count && budget !== undefined) w.count++;
    const over = budget !== undefined && w.count > budget;
    return {
      over,
      headers: {
        date: new Date(now).toUTCString(),
        "x-rate-limit-limit": String(limit),
        "x-rate-limit-remaining": String(budget === undefined ? limit : Math.max(0, limit - w.count)),
        "x-rate-limit-reset": String((start + rateWindow.windowMs) / 1000),
      },
    };
  }

  /** Client credentials with a private-key JWT assertion, verified the way Okta documents it. */
  function tokenGrant(req: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(req.body);
    const deny = (error: string, description: string, status = 401) => ({
      status,
      headers: { date: new Date(clock()).toUTCString() },
      body: { error, error_description: description },
    });
    if (form.get("grant_type") !== "client_credentials")
      return deny("unsupported_grant_type", "The grant type is not supported.", 400);
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return deny("invalid_client", "A client_assertion_type is required.");
    const [head, payload, signature] = (form.get("client_assertion") ?? "").split(".");
    const header = decodePart(head);
    const claims = decodePart(payload);
    const client = options.orgs
      .flatMap((org) => org.clients.map((c) => ({ org, c })))
      .find((x) => x.c.clientId === claims?.iss);
    if (!header || !claims || !signature || !client)
      return deny("invalid_client", "The client_assertion is invalid.");
    const key =
      typeof client.c.publicKey === "string"
        ? createPublicKey(client.c.publicKey)
        : createPublicKey({ key: client.c.publicKey as import("node:crypto").JsonWebKey, format: "jwk" });
    const alg = String(header.alg);
    const valid =
      (alg === "RS256" || alg === "ES256") &&
      verify(
        "sha256",
        Buffer.from(`${head}.${payload}`),
        alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key,
        Buffer.from(signature, "base64url"),
      );
    if (!valid) return deny("invalid_client", "The client_assertion signature is invalid.");
    if (claims.sub !== claims.iss || claims.aud !== `${req.baseUrl}/oauth2/v1/token`)
      return deny(
        "invalid_client",
        "The audience claim for client_assertion must be the endpoint invoked for the request.",
      );
    if (typeof claims.exp !== "number" || claims.exp * 1000 < clock())
      return deny("invalid_client", "The client_assertion token is expired.");
    // Okta issues the token with the granted scopes; calls needing the others get 403 insufficient_scope.
    const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const granted = requested.filter((s) => client.c.scopes.includes(s));
    if (granted.length === 0)
      return deny("invalid_scope", "The following scopes are not allowed: " + requested.join(" "), 400);
    const token = `eyJemulator.${randomBytes(16).toString("hex")}`;
    sessions.set(token, { org: client.org, scopes: granted, denied: [] });
    return {
      status: 200,
      headers: { date: new Date(clock()).toUTCString() },
      body: { token_type: "Bearer", expires_in: 3600, access_token: token, scope: granted.join(" ") },
    };
  }

  function authenticate(req: EmulatorRequest): Session | undefined {
    const auth = String(req.headers.authorization ?? "");
    const ssws = /^SSWS (.+)$/.exec(auth)?.[1];
    if (ssws) return apiTokens.get(ssws);
    const bearer = /^(?:Bearer|DPoP) (.+)$/.exec(auth)?.[1];
    return bearer ? sessions.get(bearer) : undefined;
  }

  const size = (name: keyof NonNullable<OktaEmulatorOptions["pageSizes"]>, fallback: number) =>
    options.pageSizes?.[name] ?? fallback;

  /** One page of `items` from the `after` cursor, with the absolute Link header Okta sends. */
  function page<T>(req: EmulatorRequest, items: T[], defaultSize: number, maxSize: number): EmulatorResponse {
    const offset = decodePageToken(req.query.get("after"));
    if (offset === undefined) return oktaError(400, "E0000031", "Invalid search criteria.");
    const limit = Math.min(
      maxSize,
      Math.max(1, Number(req.query.get("limit") ?? defaultSize) || defaultSize),
    );
    const slice = items.slice(offset, offset + limit);
    const self = new URL(`${req.baseUrl}${req.path}`);
    for (const [k, v] of req.query) self.searchParams.set(k, v);
    const links = [`<${self}>; rel="self"`];
    if (offset + limit < items.length) {
      const next = new URL(self);
      next.searchParams.set("after", encodePageToken(offset + limit));
      next.searchParams.set("limit", String(limit));
      links.push(`<${next}>; rel="next"`);
    }
    return { status: 200, headers: { link: links.join(", ") }, body: slice };
  }

  function route(req: EmulatorRequest, session: Session): EmulatorResponse {
    const { org } = session;
    const path = req.path;
    if (path === "/api/v1/users") {
      const filter = req.query.get("filter");
      let users = org.users;
      if (filter) {
        const status = /^status eq "([A-Z_]+)"$/.exec(filter)?.[1];
        if (!status) return oktaError(400, "E0000031", "Invalid search criteria.");
        users = users.filter((u) => u.status === status);
      } else users = users.filter((u) => u.status !== "DEPROVISIONED"); // documented: omitted unless filtered
      return page(req, users.map(publicUser), size("users", 200), 200);
    }
    const userSub = /^\/api\/v1\/users\/([^/]+)\/(factors|roles)$/.exec(path);
    if (userSub) {
      const user = org.users.find((u) => u.id === decodeURIComponent(userSub[1]!));
      if (!user) return oktaError(404, "E0000007", `Not found: Resource not found: ${userSub[1]} (User)`);
      if (userSub[2] === "factors")
        return {
          status: 200,
          body: listedFactors(org, user).map((f) => ({
            ...f,
            _links: { self: { href: `${req.baseUrl}${path}/${f.id}` } },
          })),
        };
      return {
        status: 200,
        body: user.roles.map((r) => ({
          ...r,
          created: "2024-01-10T09:00:00.000Z",
          lastUpdated: "2024-01-10T09:00:00.000Z",
        })),
      };
    }
    if (path === "/api/v1/iam/assignees/users") {
      const admins = org.users.filter((u) => u.roles.length > 0);
      const offset = decodePageToken(req.query.get("after"));
      if (offset === undefined) return oktaError(400, "E0000031", "Invalid search criteria.");
      const limit = Math.min(
        100,
        Math.max(1, Number(req.query.get("limit") ?? size("assignees", 100)) || 100),
      );
      const value = admins.slice(offset, offset + limit).map((u) => ({
        id: u.id,
        orn: `orn:okta:directory:${org.host}:users:${u.id}`,
        _links: {
          self: { href: `${req.baseUrl}/api/v1/users/${u.id}` },
          roles: { href: `${req.baseUrl}/api/v1/users/${u.id}/roles` },
        },
      }));
      const next =
        offset + limit < admins.length
          ? `${req.baseUrl}${path}?limit=${limit}&after=${encodePageToken(offset + limit)}`
          : undefined;
      return { status: 200, body: { value, _links: next ? { next: { href: next } } : {} } };
    }
    if (path === "/api/v1/groups") return page(req, org.groups, size("groups", 200), 10_000);
    const members = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path);
    if (members) {
      const group = org.groups.find((g) => g.id === decodeURIComponent(members[1]!));
      if (!group)
        return oktaError(404, "E0000007", `Not found: Resource not found: ${members[1]} (UserGroup)`);
      const list =
        group.type === "BUILT_IN" && group.profile.name === "Everyone"
          ? org.users
          : org.users.filter((u) => u.groups.includes(group.id));
      return page(req, list.map(publicUser), size("members", 1000), 1000);
    }
    if (path === "/api/v1/apps") {
      const filter = req.query.get("filter");
      let apps = org.apps;
      if (filter) {
        const name = /^name eq "([^"]+)"$/.exec(filter)?.[1];
        if (!name) return oktaError(400, "E0000031", "Invalid search criteria.");
        apps = apps.filter((a) => a.name === name);
      }
      return page(
        req,
        apps.map((a) => publicApp(a, req.baseUrl)),
        size("apps", 20),
        200,
      );
    }
    const appUsers = /^\/api\/v1\/apps\/([^/]+)\/users$/.exec(path);
    if (appUsers) {
      const app = org.apps.find((a) => a.id === decodeURIComponent(appUsers[1]!));
      if (!app) return oktaError(404, "E0000007", `Not found: Resource not found: ${appUsers[1]} (App)`);
      const pageSize = options.pageSizes?.appUsers;
      return page(req, assignedUsers(org, app, req.baseUrl), pageSize ?? 50, pageSize ?? 500);
    }
    if (path === "/api/v1/policies") {
      const type = req.query.get("type");
      if (!type) return oktaError(400, "E0000001", "Api validation failed: type");
      const policies = org.policies.filter((p) => p.type === type).map((p) => publicPolicy(p, req.baseUrl));
      return page(req, policies, size("policies", 20), 200);
    }
    const rules = /^\/api\/v1\/policies\/([^/]+)\/rules$/.exec(path);
    if (rules) {
      const policy = org.policies.find((p) => p.id === decodeURIComponent(rules[1]!));
      if (!policy) return oktaError(404, "E0000007", `Not found: Resource not found: ${rules[1]} (Policy)`);
      return { status: 200, body: policy.rules };
    }
    if (path === "/api/v1/zones") return page(req, org.zones, size("zones", 20), 200);
    return oktaError(404, "E0000022", "The endpoint does not support the provided HTTP method");
  }

  // The latency is spent here, not in the shared server before the handler: a request holds its
  // concurrency slot for its whole duration, so Okta's in-flight limit bites as it does for real.
  const latency = () =>
    options.latencyMs ? new Promise((r) => setTimeout(r, options.latencyMs)) : Promise.resolve();
  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    if (req.method === "POST" && req.path === "/oauth2/v1/token") {
      await latency();
      return tokenGrant(req);
    }
    const session = authenticate(req);
    const group = endpointGroup(req.path);
    // Counted on arrival, against the minute and the requests in flight at that moment.
    const rate = rateHeaders(session?.org, group, Boolean(session));
    const running = session ? (inflight.get(session.org) ?? 0) + 1 : 0;
    if (session) inflight.set(session.org, running);
    try {
      await latency();
      const withHeaders = (r: EmulatorResponse): EmulatorResponse => ({
        ...r,
        headers: { ...rate.headers, ...r.headers },
      });
      if (!session) return withHeaders(oktaError(401, "E0000011", "Invalid token provided"));
      if (req.method !== "GET")
        return withHeaders(
          oktaError(405, "E0000022", "The endpoint does not support the provided HTTP method"),
        );
      if (rate.over || (options.concurrencyLimit !== undefined && running > options.concurrencyLimit))
        return withHeaders(
          oktaError(429, "E0000047", "API call exceeded rate limit due to too many requests."),
        );
      if (options.holdMs) await new Promise((r) => setTimeout(r, options.holdMs));
      if (session.scopes !== "admin") {
        const scope = scopeFor(req.path);
        if (!session.scopes.includes(scope)) {
          return withHeaders({
            status: 403,
            headers: {
              "www-authenticate": `Bearer authorization_uri="${req.baseUrl}/oauth2/v1/authorize", realm="${req.baseUrl}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${req.path}"`,
            },
          });
        }
      }
      if (session.denied.some((p) => p.test(req.path)))
        return withHeaders(
          oktaError(403, "E0000006", "You do not have permission to perform the requested action"),
        );
      return withHeaders(route(req, session));
    } finally {
      if (session) inflight.set(session.org, (inflight.get(session.org) ?? 1) - 1);
    }
  };

  return startEmulator(handler, { ...options, latencyMs: 0 });
}

/**
 * The authenticator (Identity Engine key) a factor belongs to: Okta Verify serves push, FastPass
 * (`signed_nonce`) and its own TOTP; Google Authenticator a TOTP from provider GOOGLE; Phone SMS and voice.
 */
function authenticatorOf(f: SeedFactor): string | undefined {
  const byType: Record<string, string> = {
    push: "okta_verify",
    signed_nonce: "okta_verify",
    sms: "phone_number",
    call: "phone_number",
    email: "okta_email",
    webauthn: "webauthn",
    u2f: "webauthn",
    question: "security_question",
    web: "duo",
  };
  if (f.factorType === "token:software:totp") return f.provider === "GOOGLE" ? "google_otp" : "okta_verify";
  return byType[f.factorType];
}

/**
 * `GET /users/{id}/factors` lists only the enrolled factors whose authenticator is REQUIRED or OPTIONAL in
 * the highest-priority active authenticator enrollment policy (MFA_ENROLL) that applies to the user
 * (reference/identity-apis.md §2.1); policies here apply by group (Everyone included). No policy: none listed.
 */
function listedFactors(org: OktaOrgSeed, user: SeedUser): SeedFactor[] {
  const everyone = org.groups.find((g) => g.type === "BUILT_IN" && g.profile.name === "Everyone");
  const inGroup = (id: string) => id === everyone?.id || user.groups.includes(id);
  const applies = (p: SeedPolicy) => {
    const groups = (
      p.conditions?.people as { groups?: { include?: string[]; exclude?: string[] } } | undefined
    )?.groups;
    if ((groups?.exclude ?? []).some(inGroup)) return false;
    return (groups?.include ?? []).some(inGroup);
  };
  const policy = org.policies
    .filter((p) => p.type === "MFA_ENROLL" && p.status === "ACTIVE")
    .sort((a, b) => a.priority - b.priority)
    .find(applies);
  const authenticators =
    (policy?.settings?.authenticators as Array<{ key: string; enroll?: { self?: string } }> | undefined) ??
    [];
  const allowed = new Set(
    authenticators.filter((a) => ["REQUIRED", "OPTIONAL"].includes(a.enroll?.self ?? "")).map((a) => a.key),
  );
  return user.factors.filter((f) => {
    const key = authenticatorOf(f);
    return key !== undefined && allowed.has(key);
  });
}

function publicUser(u: SeedUser): Record<string, unknown> {
  const { groups: _groups, factors: _factors, roles: _roles, ...rest } = u;
  return { ...rest, type: { id: "oty00000000000000001" }, _links: {} };
}

function publicApp(a: SeedApp, baseUrl: string): Record<string, unknown> {
  const { accessPolicyId, assignedTo: _assignedTo, ...rest } = a;
  return {
    ...rest,
    created: "2024-01-10T09:00:00.000Z",
    lastUpdated: "2024-01-10T09:00:00.000Z",
    _links: {
      ...(accessPolicyId ? { accessPolicy: { href: `${baseUrl}/api/v1/policies/${accessPolicyId}` } } : {}),
      self: { href: `${baseUrl}/api/v1/apps/${a.id}` },
      users: { href: `${baseUrl}/api/v1/apps/${a.id}/users` },
    },
  };
}

/**
 * An app's users in the AppUser shape: those assigned directly (scope USER) and members of assigned
 * groups (scope GROUP), deprovisioned users left out. The default page size and maximum the emulator uses
 * (50, 500) are not confirmed by the sources we have; the provider asks for 200 per page.
 */
function assignedUsers(org: OktaOrgSeed, app: SeedApp, baseUrl: string): Array<Record<string, unknown>> {
  const everyone = org.groups.find((g) => g.type === "BUILT_IN" && g.profile.name === "Everyone");
  const assigned = app.assignedTo ?? (everyone ? [everyone.id] : []);
  return org.users
    .filter((u) => u.status !== "DEPROVISIONED")
    .flatMap((u) => {
      const scope = assigned.includes(u.id)
        ? "USER"
        : assigned.some((id) => u.groups.includes(id) || id === everyone?.id)
          ? "GROUP"
          : undefined;
      if (!scope) return [];
      return [
        {
          id: u.id,
          externalId: null,
          created: "2024-02-01T09:00:00.000Z",
          lastUpdated: "2024-02-01T09:00:00.000Z",
          scope,
          status: "ACTIVE",
          statusChanged: "2024-02-01T09:00:00.000Z",
          passwordChanged: null,
          syncState: "DISABLED",
          credentials: { userName: u.profile.login },
          profile: {},
          _links: {
            app: { href: `${baseUrl}/api/v1/apps/${app.id}` },
            user: { href: `${baseUrl}/api/v1/users/${u.id}` },
          },
        },
      ];
    });
}

function publicPolicy(p: SeedPolicy, baseUrl: string): Record<string, unknown> {
  const { rules: _rules, ...rest } = p;
  return {
    ...rest,
    _links: {
      self: { href: `${baseUrl}/api/v1/policies/${p.id}` },
      rules: { href: `${baseUrl}/api/v1/policies/${p.id}/rules` },
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Seed builders: small, named after what they show, shaped like the documented resources.

/** Okta ids: a 3-character type prefix and 17 more characters, stable per (prefix, name). */
export function oktaId(prefix: string, name: string): string {
  return `${prefix}${createHash("sha1").update(`${prefix}:${name}`).digest("base64url").replace(/[-_]/g, "x").slice(0, 17)}`;
}

export function seedUser(login: string, fields: Partial<SeedUser> = {}): SeedUser {
  const [first = "user", last = "example"] = login.split("@")[0]!.split(/[._]/);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return {
    id: oktaId("00u", login),
    status: "ACTIVE",
    created: "2024-02-01T09:00:00.000Z",
    lastLogin: "2026-11-20T08:15:00.000Z",
    profile: { login, email: login, firstName: cap(first), lastName: cap(last) },
    groups: [],
    factors: [],
    roles: [],
    ...fields,
  };
}

const factorProviders: Record<string, [string, string]> = {
  push: ["OKTA", "OKTA"],
  "token:software:totp": ["GOOGLE", "GOOGLE"],
  sms: ["OKTA", "OKTA"],
  call: ["OKTA", "OKTA"],
  email: ["OKTA", "OKTA"],
  question: ["OKTA", "OKTA"],
  webauthn: ["FIDO", "FIDO"],
  signed_nonce: ["OKTA", "OKTA"],
};

export function factor(factorType: string, status = "ACTIVE"): SeedFactor {
  const [provider, vendorName] = factorProviders[factorType] ?? ["OKTA", "OKTA"];
  return {
    id: oktaId("mfa", `${factorType}:${randomBytes(4).toString("hex")}`),
    factorType,
    provider,
    vendorName,
    status,
    created: "2024-02-02T09:00:00.000Z",
    lastUpdated: "2024-02-02T09:00:00.000Z",
  };
}

export function role(type: string, label: string): SeedRole {
  return { id: oktaId("ra1", `${type}:${label}`), type, label, status: "ACTIVE", assignmentType: "USER" };
}

export function group(name: string, type: SeedGroup["type"] = "OKTA_GROUP"): SeedGroup {
  return { id: oktaId("00g", name), type, profile: { name } };
}

export function zone(name: string, cidr: string): SeedZone {
  return {
    id: oktaId("nzo", name),
    name,
    type: "IP",
    status: "ACTIVE",
    usage: "POLICY",
    gateways: [{ type: "CIDR", value: cidr }],
  };
}

interface Who {
  groups?: { include?: string[]; exclude?: string[] };
  users?: { include?: string[]; exclude?: string[] };
}
interface Where {
  zones?: { include?: string[]; exclude?: string[] };
}

function conditions(who: Who & Where, extra: Record<string, JsonValue> = {}): Record<string, JsonValue> {
  return {
    people: {
      users: { include: who.users?.include ?? [], exclude: who.users?.exclude ?? [] },
      ...(who.groups
        ? { groups: { include: who.groups.include ?? [], exclude: who.groups.exclude ?? [] } }
        : {}),
    },
    network: who.zones
      ? { connection: "ZONE", include: who.zones.include ?? [], exclude: who.zones.exclude ?? [] }
      : { connection: "ANYWHERE" },
    ...extra,
  };
}

/** A global session policy rule (OKTA_SIGN_ON, rule type SIGN_ON). */
export function signOnRule(
  name: string,
  opts: Who &
    Where & { priority: number; requireFactor: boolean; access?: "ALLOW" | "DENY"; system?: boolean },
): SeedRule {
  return {
    id: oktaId("0pr", name),
    name,
    type: "SIGN_ON",
    status: "ACTIVE",
    priority: opts.priority,
    system: opts.system ?? false,
    conditions: conditions(opts, {
      authContext: { authType: "ANY" },
      risk: { behaviors: [] },
      riskScore: { level: "ANY" },
      identityProvider: { provider: "ANY" },
    }),
    actions: {
      signon: {
        access: opts.access ?? "ALLOW",
        requireFactor: opts.requireFactor,
        ...(opts.requireFactor ? { factorPromptMode: "ALWAYS", rememberDeviceByDefault: false } : {}),
        primaryFactor: "PASSWORD_IDP_ANY_FACTOR",
        session: { usePersistentCookie: false, maxSessionIdleMinutes: 120, maxSessionLifetimeMinutes: 0 },
      },
    },
  };
}

/** An authentication policy rule (ACCESS_POLICY); constraint types lowercase, as the API returns them. */
export function appRule(
  name: string,
  opts: Who &
    Where & {
      priority: number;
      factorMode: "1FA" | "2FA";
      phishingResistant?: boolean;
      access?: "ALLOW" | "DENY";
      system?: boolean;
      extra?: Record<string, JsonValue>;
    },
): SeedRule {
  const possession: Record<string, JsonValue> = opts.phishingResistant
    ? { deviceBound: "REQUIRED", phishingResistant: "REQUIRED", userPresence: "REQUIRED" }
    : { userPresence: "REQUIRED" };
  return {
    id: oktaId("rul", name),
    name,
    type: "ACCESS_POLICY",
    status: "ACTIVE",
    priority: opts.priority,
    system: opts.system ?? false,
    conditions: opts.system ? null : conditions(opts, { riskScore: { level: "ANY" }, ...opts.extra }),
    actions: {
      appSignOn: {
        access: opts.access ?? "ALLOW",
        verificationMethod: {
          factorMode: opts.factorMode,
          type: "ASSURANCE",
          reauthenticateIn: "PT12H",
          constraints:
            opts.factorMode === "2FA"
              ? [{ knowledge: { types: ["password"], reauthenticateIn: "PT12H" }, possession }]
              : opts.phishingResistant
                ? [{ possession }]
                : [],
        },
      },
    },
  };
}

export function policy(
  type: SeedPolicy["type"],
  name: string,
  priority: number,
  rules: SeedRule[],
  opts: { groups?: string[]; system?: boolean; settings?: Record<string, JsonValue> } = {},
): SeedPolicy {
  return {
    id: oktaId(type === "OKTA_SIGN_ON" ? "00p" : type === "ACCESS_POLICY" ? "rst" : "00e", name),
    type,
    name,
    status: "ACTIVE",
    priority,
    system: opts.system ?? false,
    conditions: type === "ACCESS_POLICY" ? null : { people: { groups: { include: opts.groups ?? [] } } },
    ...(opts.settings ? { settings: opts.settings } : {}),
    rules,
  };
}

export function app(
  name: string,
  label: string,
  accessPolicyId: string | undefined,
  fields: Partial<SeedApp> = {},
): SeedApp {
  return {
    id: oktaId("0oa", name),
    name,
    label,
    status: "ACTIVE",
    signOnMode: "SAML_2_0",
    ...(accessPolicyId ? { accessPolicyId } : {}),
    ...fields,
  };
}

/** A SAML 2.0 app as a VPN or RMM would be wired to Okta: the SP entity id and ACS URL identify it. */
export function samlApp(name: string, label: string, accessPolicyId: string, spBase: string): SeedApp {
  return app(name, label, accessPolicyId, {
    signOnMode: "SAML_2_0",
    settings: {
      signOn: {
        audience: `${spBase}/remote/saml/metadata`,
        ssoAcsUrl: `${spBase}/remote/saml/login`,
        recipient: `${spBase}/remote/saml/login`,
        destination: `${spBase}/remote/saml/login`,
      },
    },
  });
}

export interface OrgParts {
  everyone: SeedGroup;
  /** Authentication policies of the built-in apps; replace their rules to change them. */
  adminConsolePolicy: SeedPolicy;
  dashboardPolicy: SeedPolicy;
  defaultGlobalSession: SeedPolicy;
}

/**
 * An org with what every Okta org has: the Everyone group, the default global session policy (password
 * alone establishes a session; apps decide), the Admin Console and Dashboard apps with their default
 * authentication policies, an enrollment policy and the system zones. `build` adds the scenario.
 */
export function seedOrg(
  host: string,
  token: string,
  build: (parts: OrgParts) => Partial<OktaOrgSeed> & { extraPolicies?: SeedPolicy[] },
): OktaOrgSeed {
  const everyone = group("Everyone", "BUILT_IN");
  const adminConsolePolicy = policy("ACCESS_POLICY", "Okta Admin Console", 1, [
    appRule("Admin Console: catch-all", { priority: 99, factorMode: "2FA", system: true }),
  ]);
  const dashboardPolicy = policy("ACCESS_POLICY", "Okta Dashboard", 2, [
    appRule("Dashboard: catch-all", { priority: 99, factorMode: "2FA", system: true }),
  ]);
  const defaultGlobalSession = policy(
    "OKTA_SIGN_ON",
    "Default Policy",
    99,
    [signOnRule("Default Rule", { priority: 99, requireFactor: false, system: true })],
    { groups: [everyone.id], system: true },
  );
  const parts: OrgParts = { everyone, adminConsolePolicy, dashboardPolicy, defaultGlobalSession };
  const { extraPolicies, ...seed } = build(parts);
  // The default enrollment policy comes last (Okta keeps the default policy at the lowest priority).
  const enrollment = policy(
    "MFA_ENROLL",
    "Default Policy",
    99,
    [
      {
        id: oktaId("0pr", `${host}:enroll`),
        name: "Default Rule",
        type: "MFA_ENROLL",
        status: "ACTIVE",
        priority: 1,
        system: true,
        conditions: { people: { users: { exclude: [] } }, network: { connection: "ANYWHERE" } },
        actions: { enroll: { self: "CHALLENGE" } },
      },
    ],
    {
      groups: [everyone.id],
      system: true,
      settings: {
        type: "AUTHENTICATORS",
        authenticators: [
          { key: "okta_verify", enroll: { self: "OPTIONAL" } },
          { key: "google_otp", enroll: { self: "OPTIONAL" } },
          { key: "webauthn", enroll: { self: "OPTIONAL" } },
          { key: "phone_number", enroll: { self: "OPTIONAL" } },
          { key: "okta_email", enroll: { self: "REQUIRED" } },
        ],
      },
    },
  );
  return {
    host,
    tokens: [{ token }],
    clients: [],
    users: [],
    groups: [everyone],
    apps: [
      app("saasure", "Okta Admin Console", adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
      app("okta_enduser", "Okta Dashboard", dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
    ],
    zones: [
      {
        id: oktaId("nzo", `${host}:legacy`),
        name: "LegacyIpZone",
        type: "IP",
        status: "ACTIVE",
        usage: "POLICY",
      },
      {
        id: oktaId("nzo", `${host}:blocked`),
        name: "BlockedIpZone",
        type: "IP",
        status: "ACTIVE",
        usage: "BLOCKLIST",
      },
    ],
    ...seed,
    policies: [
      defaultGlobalSession,
      adminConsolePolicy,
      dashboardPolicy,
      enrollment,
      ...(extraPolicies ?? []),
      ...(seed.policies ?? []),
    ],
  };
}

/**
 * The scenario the tests walk through (issue #4): rule order, a group excluded from the MFA rule, a
 * network zone allowed one factor, one app whose policy allows one factor, an administrator without a
 * phishing-resistant factor, a user with SMS only, a user with no factor, and suspended and deprovisioned
 * users. `host` names the org; `token` is its API token.
 */
export function scenarioOrg(host: string, token: string): OktaOrgSeed {
  const contractors = group("Contractors");
  const admins = group("IT Admins");
  const office = zone("Office", "203.0.113.0/24");
  return seedOrg(host, token, (p) => {
    // Global session: admins first (MFA always); then everyone but contractors needs MFA off the office
    // network; from the office one factor is enough; contractors fall to the default rule (one factor).
    const sessionPolicy = policy(
      "OKTA_SIGN_ON",
      "Staff sessions",
      1,
      [
        signOnRule("Office: password only", {
          priority: 2,
          requireFactor: false,
          zones: { include: [office.id] },
        }),
        signOnRule("Admins: MFA always", {
          priority: 1,
          requireFactor: true,
          groups: { include: [admins.id] },
        }),
        signOnRule("Staff: MFA elsewhere", {
          priority: 3,
          requireFactor: true,
          groups: { include: [p.everyone.id], exclude: [contractors.id] },
        }),
      ],
      { groups: [p.everyone.id] },
    );
    const payrollPolicy = policy("ACCESS_POLICY", "Payroll: one factor", 10, [
      appRule("Payroll: password", { priority: 0, factorMode: "1FA" }),
      appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", system: true }),
    ]);
    const vpnPolicy = policy("ACCESS_POLICY", "VPN", 11, [
      appRule("VPN: MFA", { priority: 0, factorMode: "2FA" }),
      appRule("VPN: catch-all", { priority: 99, factorMode: "2FA", system: true }),
    ]);
    p.adminConsolePolicy.rules = [
      appRule("IT Admins: phishing-resistant", {
        priority: 0,
        factorMode: "2FA",
        phishingResistant: true,
        groups: { include: [admins.id] },
      }),
      appRule("Admin Console: catch-all", { priority: 99, factorMode: "2FA", system: true }),
    ];
    const at = `@${host.replace(/\.okta\.example$/, ".example")}`;
    return {
      groups: [p.everyone, contractors, admins],
      zones: [office],
      extraPolicies: [sessionPolicy, payrollPolicy, vpnPolicy],
      apps: [
        app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
        app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
        app("payroll_saml", "Payroll", payrollPolicy.id),
        samlApp("fortigate_vpn", "FortiGate SSL VPN", vpnPolicy.id, `https://vpn${at.replace("@", ".")}`),
        app("old_wiki", "Old wiki", payrollPolicy.id, { status: "INACTIVE" }),
      ],
      users: [
        seedUser(`ann.admin${at}`, {
          groups: [admins.id],
          factors: [factor("webauthn"), factor("push")],
          roles: [role("SUPER_ADMIN", "Super Administrator")],
        }),
        seedUser(`hal.helpdesk${at}`, {
          factors: [factor("push")],
          roles: [role("HELP_DESK_ADMIN", "Help Desk Administrator")],
        }),
        seedUser(`sam.sms${at}`, { factors: [factor("sms")] }),
        seedUser(`nina.nofactor${at}`),
        seedUser(`carl.contractor${at}`, { groups: [contractors.id], factors: [factor("push")] }),
        seedUser(`pete.push${at}`, { factors: [factor("push"), factor("sms", "PENDING_ACTIVATION")] }),
        seedUser(`sue.suspended${at}`, { status: "SUSPENDED", factors: [factor("push")] }),
        seedUser(`dan.deprovisioned${at}`, { status: "DEPROVISIONED" }),
      ],
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// The demo portfolio's Okta orgs.

const demoSeeds: Record<string, (domain: string, token: string) => OktaOrgSeed> = {
  /** Staff need MFA except from the office (a zone rule); a partner's assistant has only SMS. */
  "fabrikam-legal": (domain, token) => {
    const host = `${domain.replace(/\.example$/, "")}.okta.example`;
    const office = zone("Fabrikam office", "198.51.100.0/24");
    const partners = group("Partners");
    const it = group("IT");
    return seedOrg(host, token, (p) => {
      const sessions = policy(
        "OKTA_SIGN_ON",
        "Firm sessions",
        1,
        [
          signOnRule("From the office: password", {
            priority: 1,
            requireFactor: false,
            zones: { include: [office.id] },
          }),
          signOnRule("Everywhere else: MFA", { priority: 2, requireFactor: true }),
        ],
        { groups: [p.everyone.id] },
      );
      const docsPolicy = policy("ACCESS_POLICY", "Document management", 10, [
        appRule("Documents: MFA", { priority: 0, factorMode: "2FA" }),
        appRule("Documents: catch-all", { priority: 99, factorMode: "2FA", system: true }),
      ]);
      const billingPolicy = policy("ACCESS_POLICY", "Time & billing", 11, [
        appRule("Billing: partners with one factor", {
          priority: 0,
          factorMode: "1FA",
          groups: { include: [partners.id] },
        }),
        appRule("Billing: catch-all", { priority: 99, factorMode: "2FA", system: true }),
      ]);
      const vpnPolicy = policy("ACCESS_POLICY", "Remote access VPN", 12, [
        appRule("VPN: MFA", { priority: 99, factorMode: "2FA", system: true }),
      ]);
      // The GlobalProtect portal's SAML app (providers/globalprotect demo): partners get in with a password.
      const gpPolicy = policy("ACCESS_POLICY", "GlobalProtect", 13, [
        appRule("GlobalProtect: partners with one factor", {
          priority: 0,
          factorMode: "1FA",
          groups: { include: [partners.id] },
        }),
        appRule("GlobalProtect: catch-all", { priority: 99, factorMode: "2FA", system: true }),
      ]);
      p.adminConsolePolicy.rules = [
        appRule("Admin Console: MFA", { priority: 99, factorMode: "2FA", system: true }),
      ];
      return {
        groups: [p.everyone, partners, it],
        zones: [office],
        extraPolicies: [sessions, docsPolicy, billingPolicy, vpnPolicy, gpPolicy],
        apps: [
          app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
          app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
          app("netdocuments", "NetDocuments", docsPolicy.id),
          app("timebilling", "Time & Billing", billingPolicy.id),
          samlApp("fortigate_sslvpn", "FortiGate SSL VPN", vpnPolicy.id, `https://vpn.${domain}`),
          app("panw_globalprotect", "GlobalProtect VPN", gpPolicy.id, {
            settings: {
              signOn: {
                audience: `https://vpn.${domain}:443/SAML20/SP`,
                ssoAcsUrl: `https://vpn.${domain}:443/SAML20/SP/ACS`,
              },
            },
          }),
        ],
        users: [
          seedUser(`okta.admin@${domain}`, {
            groups: [it.id],
            factors: [factor("push")],
            roles: [role("SUPER_ADMIN", "Super Administrator")],
          }),
          seedUser(`r.fabrikam@${domain}`, {
            groups: [partners.id],
            factors: [factor("webauthn"), factor("push")],
          }),
          seedUser(`j.partner@${domain}`, { groups: [partners.id], factors: [factor("push")] }),
          seedUser(`assistant@${domain}`, { factors: [factor("sms")] }),
          seedUser(`paralegal@${domain}`, { factors: [factor("signed_nonce")] }),
          seedUser(`new.associate@${domain}`, { status: "ACTIVE" }),
          seedUser(`old.partner@${domain}`, { status: "DEPROVISIONED", groups: [partners.id] }),
        ],
      };
    });
  },
  /** MFA required everywhere; the Admin Console asks two factors of any kind, and the owner has push only. */
  "contoso-dental": (domain, token) => {
    const host = `${domain.replace(/\.example$/, "")}.okta.example`;
    const frontDesk = group("Front desk");
    return seedOrg(host, token, (p) => {
      const sessions = policy(
        "OKTA_SIGN_ON",
        "Practice sessions",
        1,
        [signOnRule("MFA for everyone", { priority: 1, requireFactor: true })],
        { groups: [p.everyone.id] },
      );
      const imagingPolicy = policy("ACCESS_POLICY", "Imaging", 10, [
        appRule("Imaging: catch-all", { priority: 99, factorMode: "2FA", system: true }),
      ]);
      p.adminConsolePolicy.rules = [
        appRule("Admin Console: MFA", { priority: 99, factorMode: "2FA", system: true }),
      ];
      return {
        groups: [p.everyone, frontDesk],
        extraPolicies: [sessions, imagingPolicy],
        apps: [
          app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
          app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
          app("dental_imaging", "Dental imaging", imagingPolicy.id),
        ],
        users: [
          seedUser(`owner@${domain}`, {
            factors: [factor("push")],
            roles: [role("SUPER_ADMIN", "Super Administrator")],
          }),
          seedUser(`dr.kim@${domain}`, { factors: [factor("webauthn")] }),
          seedUser(`reception@${domain}`, { groups: [frontDesk.id], factors: [factor("sms")] }),
          seedUser(`hygienist@${domain}`, { factors: [factor("token:software:totp")] }),
          seedUser(`temp.billing@${domain}`, { status: "SUSPENDED", factors: [factor("sms")] }),
        ],
      };
    });
  },
};

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const env: Record<string, string> = {};
  const orgs: Array<{ tenant: string; host: string; variable: string; seed: OktaOrgSeed }> = [];
  for (const t of portfolio.tenants) {
    const build = demoSeeds[t.id];
    if (!build) continue;
    const variable = `MFASWEEP_DEMO_OKTA_TOKEN_${t.id.replace(/[^a-z0-9]/gi, "_").toUpperCase()}`;
    env[variable] = `00demo${randomBytes(16).toString("hex")}`;
    const seed = build(t.domain, env[variable]);
    orgs.push({ tenant: t.id, host: seed.host, variable, seed });
  }
  const emulator = await startOktaEmulator({ orgs: orgs.map((o) => o.seed) });
  return {
    env,
    connections: orgs.map((o) => ({
      tenant: o.tenant,
      connection: {
        type: "okta",
        id: "okta",
        orgUrl: `https://${o.host}`,
        endpoint: emulator.url,
        auth: { method: "api-token", token: `env:${o.variable}` },
      },
    })),
    close: () => emulator.close(),
  };
}
