import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DemoPortfolio, type ProviderDemo, revisedSeed } from "../../src/collect/provider.js";
import { guid } from "../../src/emulator/guid.js";
import {
  type DocumentedRateLimit,
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";
import { type GdapSeed, gdapReadPermission, gdapRoute, partnerRelationships } from "./gdap-emulator.js";
import { loginRoute } from "./login-emulator.js";
import type {
  EntraTenantSeed,
  SeedEnterpriseApp,
  SeedGroup,
  SeedRoleAssignment,
  SeedUser,
} from "./seed-emulator.js";
import { whatIfRoute } from "./what-if-emulator.js";

export type { EntraTenantSeed, SeedEnterpriseApp, SeedGroup, SeedRoleAssignment, SeedUser };

/**
 * Microsoft facts this stand-in holds the client to, stated here (not imported from ./api.ts or the
 * linker: a wrong permission name in the provider must fail its tests). Least-privileged application
 * permission of each read, from shared/reference/identity-apis.md §1.1 (registration report:
 * AuditLog.Read.All, also for `signInActivity`), §1.2 (methods: UserAuthenticationMethod.Read.All),
 * §1.3 (Conditional Access: Policy.Read.All), §1.6 (role assignments: RoleManagement.Read.Directory) and
 * wave2-apis.md §4 (users: User.Read.All); group members and applications from their Graph reference
 * pages (learn.microsoft.com/graph/api/group-list-transitivemembers: GroupMember.Read.All;
 * .../application-list and serviceprincipal-list: Application.Read.All).
 */
const permissions = {
  users: "User.Read.All",
  signInActivity: "AuditLog.Read.All",
  registration: "AuditLog.Read.All",
  policies: "Policy.Read.All",
  roles: "RoleManagement.Read.Directory",
  groups: "GroupMember.Read.All",
  methods: "UserAuthenticationMethod.Read.All",
  applications: "Application.Read.All",
} as const;

/** Built-in role templates (identity-apis.md §1.6, maester Get-MtRoleInfo.ps1): templateId → displayName. */
const builtInRoles: Record<string, string> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
  "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
  "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
  "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
  "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f": "Security Operator",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80": "Authentication Policy Administrator",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
  "69091246-20e8-4a56-aa4d-066075b2a7a8": "Teams Administrator",
  "b0f54661-2d74-4c50-afa3-1ec803f12efe": "Billing Administrator",
  "4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader",
  "d29b2b05-8046-44ba-8758-1e26182fcf32": "Directory Synchronization Accounts",
};

/**
 * `methodsRegistered` values that count as a registered MFA method for `isMfaRegistered` ("registered
 * strong MFA method", identity-apis.md §1.1): Authenticator, OATH, FIDO2/passkeys, Windows Hello / macOS
 * platform credential, and phone methods (Microsoft's "Authentication methods" table lists them as MFA;
 * email OTP and security questions are SSPR-only; a Temporary Access Pass is a time-limited pass, not a
 * registered method). An allow-list, on purpose: a value outside it is not counted. A seed can also state
 * `isMfaRegistered` as the service would report it.
 */
const mfaMethods = new Set([
  "microsoftAuthenticatorPush",
  "microsoftAuthenticatorPasswordless",
  "softwareOneTimePasscode",
  "hardwareOneTimePasscode",
  "fido2",
  "fido2SecurityKey",
  "passKeyDeviceBound",
  "passKeyDeviceBoundAuthenticator",
  "passKeyDeviceBoundWindowsHello",
  "passKeySynced",
  "windowsHelloForBusiness",
  "macOsSecureEnclaveKey",
  "mobilePhone",
  "alternateMobilePhone",
  "officePhone",
  "sms",
]);
/**
 * The throttling the emulator enforces when `enforceLimits` is on (Graph throttling-limits.md; reference
 * identity-apis.md §1.8 and wave2-apis.md §4), each over a sliding window of admitted requests. `bucket`
 * names the requests that count: "reports" the identity and access reports (the registration report and
 * each user's authentication methods, a JSON batch's inner requests one by one), "conditional-access" the
 * Conditional Access and named-location reads and What If. The directory token bucket (3,500+ resource
 * units per 10 s) is not enforced: the reads here stay far below it.
 */
const rateLimits = {
  reports: {
    bucket: "reports",
    cap: 5,
    windowMs: 10_000,
    window: "sliding",
    per: "tenant",
    source: "Graph identity and access reports: 5 requests per 10 s per app per tenant",
  },
  // The same page, same table: "Limit per app for all tenants | 122 requests per 10 seconds". One app's
  // reports requests in every tenant it reads count here too; a request must fit both.
  "reports-app": {
    bucket: "reports",
    cap: 122,
    windowMs: 10_000,
    window: "sliding",
    per: "app",
    source: "Graph identity and access reports: 122 requests per 10 s per app across all tenants",
  },
  "conditional-access": {
    bucket: "conditional-access",
    cap: 1,
    windowMs: 1_000,
    window: "sliding",
    per: "tenant",
    source: "Graph identity protection and Conditional Access: 1 request per second per tenant",
  },
} as const satisfies Record<string, DocumentedRateLimit & { bucket: "reports" | "conditional-access" }>;
export const documented = { permissions, builtInRoles, mfaMethods: [...mfaMethods], rateLimits } as const;

/**
 * A stand-in for Microsoft Graph (v1.0 and beta) that the real `@microsoft/microsoft-graph-client`
 * reaches over HTTPS (the client attaches tokens and follows nextLinks only over https). Behaviour follows
 * the documentation (reference/identity-apis.md §1): bearer tokens per tenant with application
 * permissions (403 when one is missing), `@odata.nextLink` paging with absolute https links, `$select`,
 * `$top` caps, licence refusals on a tenant without Entra ID P1/P2, and, when `enforceLimits` is on, the
 * documented throttling: Conditional Access 1 request/s per tenant answered with 429 *without*
 * Retry-After, reports 5 requests per 10 s per app per tenant and 122 per 10 s per app across all tenants,
 * both with Retry-After.
 */

/** The app a seeded token without a stated app belongs to: one MSP app consented in every tenant. */
const defaultAppId = "00000000-0000-0000-0000-00000000a11d";

/** The app Graph charges a token to: its `appid` (v1.0) or `azp` (v2.0) claim (access-token-claims-reference). */
function appOfToken(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || !payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const id = claims.appid ?? claims.azp;
    return typeof id === "string" ? id.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

export interface EntraEmulatorOptions extends EmulatorOptions {
  tenants: EntraTenantSeed[];
  /** Enforce the documented rate limits with real time windows (benchmarks, one pacing test). */
  enforceLimits?: boolean;
  /**
   * The clock the rate windows are measured by (default `Date.now`): a test that injects the collector's
   * sleep advances it, so a Retry-After is honoured without waiting in real time.
   */
  clock?: () => number;
  /**
   * Scales every documented rate window (default 1): a test sees many windows' behaviour in seconds. The
   * caps stay Microsoft's, so the ratio of the limits does too; Retry-After is scaled with them.
   */
  timeScale?: number;
  /** Page size of the registration report (its `$top` is not documented). */
  reportPageSize?: number;
}

interface Session {
  tenant: EntraTenantSeed;
  permissions: Set<string>;
  /** The app the token was issued to: Graph's limits per app are counted by it. */
  app: string;
}

export const allPermissions = [...Object.values(permissions), gdapReadPermission];

/** Built-in authentication strengths (ids and combinations as Microsoft ships them). */
export const builtInStrengths = [
  {
    id: "00000000-0000-0000-0000-000000000002",
    displayName: "Multifactor authentication",
    policyType: "builtIn",
    requirementsSatisfied: "mfa",
    allowedCombinations: [
      "windowsHelloForBusiness",
      "fido2",
      "x509CertificateMultiFactor",
      "deviceBasedPush",
      "temporaryAccessPassOneTime",
      "temporaryAccessPassMultiUse",
      "password,microsoftAuthenticatorPush",
      "password,softwareOath",
      "password,hardwareOath",
      "password,x509CertificateSingleFactor",
      "password,x509CertificateMultiFactor",
      "password,sms",
      "password,voice",
      "federatedMultiFactor",
      "microsoftAuthenticatorPush,federatedSingleFactor",
      "softwareOath,federatedSingleFactor",
      "hardwareOath,federatedSingleFactor",
      "sms,federatedSingleFactor",
      "voice,federatedSingleFactor",
    ],
  },
  {
    id: "00000000-0000-0000-0000-000000000003",
    displayName: "Passwordless MFA",
    policyType: "builtIn",
    requirementsSatisfied: "mfa",
    allowedCombinations: [
      "windowsHelloForBusiness",
      "fido2",
      "x509CertificateMultiFactor",
      "deviceBasedPush",
    ],
  },
  {
    id: "00000000-0000-0000-0000-000000000004",
    displayName: "Phishing-resistant MFA",
    policyType: "builtIn",
    requirementsSatisfied: "mfa",
    allowedCombinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
  },
];

function graphError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): EmulatorResponse {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": guid(`${Math.random()}`),
          "client-request-id": guid(`${Math.random()}`),
        },
      },
    },
  };
}

const denied = () =>
  graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
/** Observed for the reports and signInActivity; the emulator uses it for every P1-only endpoint. */
const notPremium = () =>
  graphError(
    403,
    "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
    "Neither tenant is B2C or tenant doesn't have premium license",
  );

/** Methods the per-user API returns for `methodsRegistered` values (inverse of the provider's mapping). */
function methodObjects(user: SeedUser): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [
    {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
      id: "28c10230-6103-485e-b985-444c60001490",
      password: null,
    },
  ];
  for (const m of user.methodsRegistered ?? []) {
    const id = guid(`${user.id}${m}`);
    const phone = (phoneType: string) => ({
      "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
      id,
      phoneNumber: "+1 5555550100",
      phoneType,
      smsSignInState: "notAllowedByPolicy",
    });
    const byName: Record<string, Record<string, unknown>> = {
      mobilePhone: phone("mobile"),
      alternateMobilePhone: phone("alternateMobile"),
      officePhone: phone("office"),
      email: {
        "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
        id,
        emailAddress: "someone@example.org",
      },
      fido2: {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        id,
        model: "Security Key",
        attestationLevel: "attested",
      },
      passKeyDeviceBound: {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        id,
        model: "Passkey",
        attestationLevel: "attested",
      },
      microsoftAuthenticatorPush: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        id,
        displayName: "Phone",
      },
      softwareOneTimePasscode: {
        "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
        id,
        secretKey: null,
      },
      windowsHelloForBusiness: {
        "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
        id,
        keyStrength: "normal",
      },
      temporaryAccessPass: {
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        id,
        isUsable: true,
      },
    };
    const object = byName[m];
    if (object) objects.push(object);
  }
  return objects;
}

/** Expands nested groups into user ids (transitive membership). */
function transitiveUsers(tenant: EntraTenantSeed, groupId: string, seen = new Set<string>()): string[] {
  if (seen.has(groupId)) return [];
  seen.add(groupId);
  const group = tenant.groups.find((g) => g.id === groupId);
  if (!group) return [];
  return [
    ...new Set(
      group.members.flatMap((m) =>
        tenant.groups.some((g) => g.id === m)
          ? transitiveUsers(tenant, m, seen)
          : tenant.users.some((u) => u.id === m)
            ? [m]
            : [],
      ),
    ),
  ];
}

function select(
  object: Record<string, unknown>,
  query: URLSearchParams,
  always: string[] = ["id"],
): Record<string, unknown> {
  const fields = query.get("$select");
  if (!fields) {
    const { signInActivity: _, methodsRegistered: __, perUserMfaState: ___, ...rest } = object;
    return rest;
  }
  const wanted = new Set([...fields.split(","), ...always]);
  return Object.fromEntries(Object.entries(object).filter(([k]) => wanted.has(k) || k.startsWith("@odata")));
}

export async function startEntraEmulator(options: EntraEmulatorOptions): Promise<RunningEmulator> {
  const sessions = new Map<string, Session>();
  for (const tenant of options.tenants)
    for (const t of tenant.tokens)
      sessions.set(t.token, {
        tenant,
        permissions: new Set(t.permissions ?? allPermissions),
        app: t.appId?.toLowerCase() ?? appOfToken(t.token) ?? defaultAppId,
      });
  const caHits = new Map<string, number>();
  /** Reports requests admitted, by `app tenant` (per app per tenant) and by `app` (per app, all tenants). */
  const reportHits = new Map<string, number[]>();
  const scale = options.timeScale ?? 1;

  /** Admits one request in every window of `keys`, or answers the 429 of the fullest (all or nothing). */
  function admit(keys: Array<{ key: string; cap: number; windowMs: number }>, now: number) {
    let waitMs = 0;
    const windows = keys.map(({ key, cap, windowMs }) => {
      const window = (reportHits.get(key) ?? []).filter((t) => now - t < windowMs * scale);
      reportHits.set(key, window);
      if (window.length >= cap) waitMs = Math.max(waitMs, windowMs * scale - (now - window[0]!));
      return window;
    });
    if (waitMs > 0) {
      // Whole seconds, as Graph sends them; a scaled window scales the unit with it.
      const wait = Math.max(1, Math.ceil(waitMs / (1000 * scale))) * scale;
      return graphError(429, "TooManyRequests", "Too many requests.", {
        "retry-after": String(Number(wait.toFixed(3))),
      });
    }
    for (const window of windows) window.push(now);
    return undefined;
  }

  function throttle(session: Session, kind: "ca" | "reports"): EmulatorResponse | undefined {
    if (!options.enforceLimits) return undefined;
    const { tenant, app } = session;
    const now = (options.clock ?? Date.now)();
    if (kind === "ca") {
      const last = caHits.get(tenant.tenantId);
      if (last !== undefined && now - last < rateLimits["conditional-access"].windowMs * scale)
        // Documented: identity protection and CA throttling returns no Retry-After.
        return graphError(429, "TooManyRequests", "Too many requests.");
      caHits.set(tenant.tenantId, now);
      return undefined;
    }
    return admit(
      [
        { key: `${app} ${tenant.tenantId}`, ...rateLimits.reports },
        { key: app, ...rateLimits["reports-app"] },
      ],
      now,
    );
  }

  function page(
    req: EmulatorRequest,
    version: string,
    path: string,
    items: unknown[],
    defaultSize: number,
    maxSize: number,
    loopFrom?: number,
  ): EmulatorResponse {
    const skip = Number(
      req.query.get("$skiptoken") ? Buffer.from(req.query.get("$skiptoken")!, "base64url").toString() : "0",
    );
    if (!Number.isInteger(skip) || skip < 0)
      return graphError(
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.",
      );
    const top = Math.min(maxSize, Math.max(1, Number(req.query.get("$top") ?? defaultSize) || defaultSize));
    const slice = items.slice(skip, skip + top);
    const pageNumber = Math.floor(skip / top) + 1;
    let nextSkip = skip + top < items.length ? skip + top : undefined;
    if (loopFrom && pageNumber >= loopFrom) nextSkip = skip;
    const query = new URLSearchParams(req.query);
    query.delete("$skiptoken");
    if (nextSkip !== undefined) query.set("$skiptoken", Buffer.from(String(nextSkip)).toString("base64url"));
    const qs = [...query].map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",")}`).join("&");
    return {
      status: 200,
      body: {
        "@odata.context": `${req.baseUrl}/${version}/$metadata#${path.split("/").filter(Boolean).join("/")}`,
        value: slice,
        ...(nextSkip !== undefined ? { "@odata.nextLink": `${req.baseUrl}/${version}${path}?${qs}` } : {}),
      },
    };
  }

  /**
   * JSON batching (MGDC concepts/json-batching.md; reference/wave2-apis.md §4): at most 20 requests, each
   * `{id, method, url}` with a relative url; each runs as its own request (its own auth, permission, licence
   * and throttling: "each inner request is evaluated individually against throttling limits", so a
   * throttled one answers an inner 429 with Retry-After in its inner headers while its neighbours succeed);
   * the outer answer is 200 with `responses[]` whenever the body parses. A test's fault on an inner path
   * answers that inner request (status, body, rewrite); one that hangs holds the whole batch, whose answer
   * waits for every inner request (a reset or delay on an inner path is not applied).
   */
  const batch = (req: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse> => {
    const version = req.path.split("/")[1]!;
    let requests: Array<{ id?: unknown; method?: unknown; url?: unknown }>;
    try {
      const parsed = JSON.parse(req.body) as { requests?: unknown };
      if (!Array.isArray(parsed.requests)) throw new Error("no requests");
      requests = parsed.requests as typeof requests;
    } catch {
      return graphError(400, "BadRequest", "Invalid batch payload format.");
    }
    if (requests.length > 20)
      return graphError(400, "BadRequest", "The number of batch requests exceeds the maximum of 20.");
    let stall = false;
    const responses = requests.map((r) => {
      const id = String(r.id ?? "");
      if (typeof r.url !== "string" || r.method !== "GET")
        return { id, status: 400, body: { error: { code: "BadRequest", message: "Invalid request." } } };
      const url = new URL(r.url.replace(/^\/?/, "/"), req.baseUrl);
      const path = `/${version}${url.pathname}`;
      const innerReq: EmulatorRequest = { ...req, method: "GET", path, query: url.searchParams, body: "" };
      const fault = req.innerFault?.("GET", path);
      if (fault?.kind === "hang") stall = true;
      let inner: EmulatorResponse =
        fault?.kind === "status"
          ? { status: fault.status, headers: fault.headers, body: fault.body }
          : fault?.kind === "body"
            ? { status: 200, body: fault.body }
            : route(innerReq);
      if (fault?.kind === "rewrite") inner = fault.rewrite(inner, innerReq);
      return { id, status: inner.status, headers: inner.headers ?? {}, body: inner.body ?? null };
    });
    // The batch answers when its last inner request does: one that never answers holds the batch.
    if (stall) return new Promise<EmulatorResponse>(() => {});
    return { status: 200, body: { responses } };
  };

  const sessionOf = (req: EmulatorRequest) => {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    return token ? sessions.get(token) : undefined;
  };

  // A batch without a valid token is refused as a whole (401), like any request (route).
  const handler = (req: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse> =>
    req.method === "POST" && /^\/(v1\.0|beta)\/\$batch$/.test(req.path) && sessionOf(req)
      ? batch(req)
      : route(req);

  const route = (req: EmulatorRequest): EmulatorResponse => {
    const login = loginRoute(req, options.tenants, (minted, tenant, granted) =>
      sessions.set(minted, {
        tenant: options.tenants.find((t) => t.tenantId === tenant.tenantId)!,
        permissions: new Set(granted),
        app: appOfToken(minted) ?? defaultAppId,
      }),
    );
    if (login) return login;
    const session = sessionOf(req);
    if (!session)
      return graphError(
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
      );
    if (req.method === "POST" && /^\/(v1\.0|beta)\/identity\/conditionalAccess\/evaluate$/.test(req.path))
      return whatIfRoute(req, session.tenant, session.permissions, {
        error: graphError,
        notPremium,
        throttled: () =>
          session.tenant.whatIfThrottled
            ? graphError(429, "TooManyRequests", "Too many requests.")
            : throttle(session, "ca"),
        strengths: [...builtInStrengths, ...(session.tenant.customStrengths ?? [])],
      });
    if (req.method !== "GET")
      return graphError(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
      );
    const { tenant } = session;
    const need = (permission: string) => !session.permissions.has(permission);
    const match = /^\/(v1\.0|beta)(\/.*)$/.exec(req.path);
    if (!match) return graphError(400, "BadRequest", "Invalid version.");
    const [, version, path] = match as unknown as [string, string, string];

    if (path === "/users") {
      if (need(permissions.users)) return denied();
      const wantsSignIn = (req.query.get("$select") ?? "").split(",").includes("signInActivity");
      if (wantsSignIn && need(permissions.signInActivity)) return denied();
      if (wantsSignIn && !tenant.licence.p1) return notPremium();
      const users = tenant.users.map((u) => select(u, req.query));
      return page(req, version, path, users, 100, 999, tenant.usersPagingLoopFromPage);
    }
    if (path === "/reports/authenticationMethods/userRegistrationDetails") {
      if (need(permissions.registration)) return denied();
      if (!tenant.licence.p1) return notPremium();
      const limited = throttle(session, "reports");
      if (limited) return limited;
      // "This method doesn't work for disabled users": they are not listed.
      const details = tenant.users
        .filter((u) => u.accountEnabled)
        .map((u) => {
          const methods = u.methodsRegistered ?? [];
          const mfa = methods.filter((m) => mfaMethods.has(m));
          const holds = (roles: SeedRoleAssignment[]) =>
            roles.some((r) => r.principalId === u.id || transitiveUsersOf(r.principalId).includes(u.id));
          return {
            id: u.id,
            userPrincipalName: u.userPrincipalName,
            userDisplayName: u.displayName,
            userType: u.userType === "Guest" ? "guest" : "member",
            isAdmin: holds(tenant.roleAssignments),
            isSsprRegistered: methods.length > 0,
            isSsprEnabled: false,
            isSsprCapable: false,
            isMfaRegistered: u.isMfaRegistered ?? mfa.length > 0,
            isMfaCapable: mfa.length > 0,
            isPasswordlessCapable: mfa.some((m) =>
              ["fido2", "passKeyDeviceBound", "windowsHelloForBusiness"].includes(m),
            ),
            isSystemPreferredAuthenticationMethodEnabled: true,
            systemPreferredAuthenticationMethods: [],
            userPreferredMethodForSecondaryAuthentication: "none",
            methodsRegistered: methods,
            lastUpdatedDateTime: "2026-11-20T08:00:00Z",
          };
        });
      return page(req, version, path, details, options.reportPageSize ?? 500, options.reportPageSize ?? 500);
    }
    if (
      path === "/identity/conditionalAccess/policies" ||
      path === "/identity/conditionalAccess/namedLocations"
    ) {
      if (need(permissions.policies)) return denied();
      // Whether Graph refuses or returns an empty list without P1 is not confirmed; the general licence
      // error shape is used.
      if (!tenant.licence.p1) return notPremium();
      const limited = throttle(session, "ca");
      if (limited) return limited;
      const items = path.endsWith("policies") ? tenant.policies : tenant.namedLocations;
      return page(req, version, path, items, 1000, 1000);
    }
    if (path === "/policies/identitySecurityDefaultsEnforcementPolicy") {
      if (need(permissions.policies)) return denied();
      return {
        status: 200,
        body: {
          "@odata.context": `${req.baseUrl}/${version}/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity`,
          id: "00000000-0000-0000-0000-000000000005",
          displayName: "Security Defaults",
          description:
            "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.",
          isEnabled: tenant.securityDefaults,
        },
      };
    }
    if (path === "/policies/authenticationStrengthPolicies") {
      if (need(permissions.policies)) return denied();
      return page(req, version, path, [...builtInStrengths, ...(tenant.customStrengths ?? [])], 100, 100);
    }
    if (path === "/roleManagement/directory/roleDefinitions") {
      if (need(permissions.roles)) return denied();
      const defs = Object.entries(builtInRoles).map(([id, name]) =>
        select({ id, displayName: name, templateId: id, isBuiltIn: true, isEnabled: true }, req.query),
      );
      return page(req, version, path, defs, 1000, 1000);
    }
    if (path === "/roleManagement/directory/roleAssignments") {
      if (need(permissions.roles)) return denied();
      const expand = req.query.get("$expand") === "principal";
      const items = tenant.roleAssignments.map((a) => ({
        ...a,
        ...(expand ? { principal: principalOf(a.principalId) } : {}),
      }));
      return page(req, version, path, items, 1000, 1000);
    }
    if (path === "/roleManagement/directory/roleEligibilityScheduleInstances") {
      if (need(permissions.roles))
        // PIM names the permissions it misses, in its own error shape (CIPP/EasyPIM reports).
        return graphError(
          403,
          "UnknownError",
          JSON.stringify({
            errorCode: "PermissionScopeNotGranted",
            message:
              "Authorization failed due to missing permission scope RoleEligibilitySchedule.Read.Directory,RoleManagement.Read.Directory,RoleManagement.Read.All.",
          }),
        );
      // Reported for PIM endpoints of tenants without P2 (EntraExporter #61); code not confirmed.
      if (!tenant.licence.p2)
        return graphError(403, "Forbidden", "The tenant needs an AAD Premium 2 license.");
      const items = tenant.roleEligibilities.map((a) => ({
        ...a,
        roleEligibilityScheduleId: guid(`${a.id}schedule`),
        startDateTime: "2026-01-01T00:00:00Z",
        endDateTime: null,
        memberType: "Direct",
      }));
      return page(req, version, path, items, 1000, 1000);
    }
    if (path === "/groups") {
      if (need(permissions.groups)) return denied();
      return page(
        req,
        version,
        path,
        tenant.groups.map((g) => select({ id: g.id, displayName: g.displayName }, req.query)),
        100,
        999,
      );
    }
    const group = /^\/groups\/([^/]+)(\/transitiveMembers\/microsoft\.graph\.user)?$/.exec(path);
    if (group) {
      if (need(permissions.groups)) return denied();
      const id = decodeURIComponent(group[1]!);
      const found = tenant.groups.find((g) => g.id === id);
      if (!found)
        return graphError(
          404,
          "Request_ResourceNotFound",
          `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
      if (!group[2])
        return { status: 200, body: select({ id: found.id, displayName: found.displayName }, req.query) };
      const members = transitiveUsers(tenant, id).map((u) => ({
        "@odata.type": "#microsoft.graph.user",
        id: u,
      }));
      return page(req, version, path, members, 100, 999);
    }
    if (path === "/servicePrincipals") {
      if (need(permissions.applications)) return denied();
      const apps = (tenant.enterpriseApps ?? []).map(({ assignedTo: _, ...sp }) =>
        select({ ...sp, servicePrincipalType: "Application" }, req.query),
      );
      return page(req, version, path, apps, 100, 999);
    }
    const assigned = /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(path);
    if (assigned) {
      if (need(permissions.applications)) return denied();
      const sp = (tenant.enterpriseApps ?? []).find((a) => a.id === decodeURIComponent(assigned[1]!));
      if (!sp) return graphError(404, "Request_ResourceNotFound", "Resource does not exist.");
      const items = sp.assignedTo.map((principalId) => {
        const user = tenant.users.find((u) => u.id === principalId);
        const group = tenant.groups.find((g) => g.id === principalId);
        return {
          id: guid(`approle:${sp.id}:${principalId}`),
          appRoleId: "00000000-0000-0000-0000-000000000000",
          createdDateTime: "2025-03-01T10:00:00Z",
          principalDisplayName: user?.displayName ?? group?.displayName ?? principalId,
          principalId,
          principalType: user ? "User" : group ? "Group" : "ServicePrincipal",
          resourceDisplayName: sp.displayName,
          resourceId: sp.id,
        };
      });
      return page(req, version, path, items, 100, 999);
    }
    const requirements = /^\/users\/([^/]+)\/authentication\/requirements$/.exec(path);
    if (requirements) {
      if (version !== "beta")
        return graphError(400, "BadRequest", "Resource not found for the segment 'requirements'.");
      if (need(permissions.policies)) return denied();
      const user = tenant.users.find((u) => u.id === decodeURIComponent(requirements[1]!));
      if (!user) return graphError(404, "Request_ResourceNotFound", "Resource does not exist.");
      return {
        status: 200,
        body: {
          "@odata.context": `${req.baseUrl}/beta/$metadata#users('${user.id}')/authentication/requirements`,
          "@odata.type": "#microsoft.graph.strongAuthenticationRequirements",
          perUserMfaState: user.perUserMfaState ?? "disabled",
        },
      };
    }
    const methods = /^\/users\/([^/]+)\/authentication\/methods$/.exec(path);
    if (methods) {
      if (need(permissions.methods)) return denied();
      const limited = throttle(session, "reports");
      if (limited) return limited;
      const user = tenant.users.find((u) => u.id === decodeURIComponent(methods[1]!));
      if (!user) return graphError(404, "Request_ResourceNotFound", "Resource does not exist.");
      return page(req, version, path, methodObjects(user), 100, 100);
    }
    const gdap = gdapRoute(
      path,
      tenant.gdap,
      !need(gdapReadPermission),
      denied,
      (message) => graphError(404, "Request_ResourceNotFound", message),
      (items, size, max) => page(req, version, path, items, size, max),
    );
    if (gdap) return gdap;
    return graphError(
      404,
      "Request_ResourceNotFound",
      `Resource not found for the segment '${path.split("/")[1]}'.`,
    );

    function principalOf(id: string): Record<string, unknown> {
      if (tenant.users.some((u) => u.id === id)) return { "@odata.type": "#microsoft.graph.user", id };
      if (tenant.groups.some((g) => g.id === id)) return { "@odata.type": "#microsoft.graph.group", id };
      return { "@odata.type": "#microsoft.graph.servicePrincipal", id };
    }
    function transitiveUsersOf(id: string): string[] {
      return tenant.groups.some((g) => g.id === id) ? transitiveUsers(tenant, id) : [];
    }
  };

  return startEmulator(handler, { ...options, tls: true });
}

// ---------------------------------------------------------------------------------------------------
// Seed builders: small, named after what they show, shaped like the documented resources.

/** A stable GUID from a seed string (shared with other emulators seeding the same tenants). */
export { guid };

export function seedUser(upn: string, fields: Partial<SeedUser> = {}): SeedUser {
  const local = upn.split("@")[0]!.split("#EXT#")[0]!;
  return {
    id: guid(`user:${upn}`),
    userPrincipalName: upn,
    displayName: local.replace(/[._]/g, " "),
    mail: upn.includes("#EXT#") ? null : upn,
    accountEnabled: true,
    userType: "Member",
    externalUserState: null,
    onPremisesSyncEnabled: null,
    createdDateTime: "2024-03-01T09:00:00Z",
    signInActivity: { lastSignInDateTime: "2026-11-20T08:15:00Z" },
    methodsRegistered: ["microsoftAuthenticatorPush"],
    ...fields,
  };
}

/** An external (B2B) guest: `#EXT#` UPN, accepted invitation. */
export function seedGuest(email: string, tenantDomain: string, fields: Partial<SeedUser> = {}): SeedUser {
  return seedUser(
    `${email.replace("@", "_")}#EXT#@${tenantDomain.replace(/\..*$/, "")}.onmicrosoft.example`,
    {
      userType: "Guest",
      externalUserState: "Accepted",
      mail: email,
      ...fields,
    },
  );
}

export function seedGroup(name: string, members: string[]): SeedGroup {
  return { id: guid(`group:${name}`), displayName: name, members };
}

/** A Conditional Access policy in the v1.0 shape; the seed names only what differs. */
export function caPolicy(
  name: string,
  shape: {
    state?: "enabled" | "disabled" | "enabledForReportingButNotEnforced";
    users?: Record<string, unknown>;
    applications?: Record<string, unknown>;
    conditions?: Record<string, unknown>;
    grant?: Record<string, unknown> | null;
  },
): Record<string, unknown> {
  return {
    id: guid(`policy:${name}`),
    templateId: null,
    displayName: name,
    createdDateTime: "2025-02-01T10:00:00Z",
    modifiedDateTime: "2025-09-01T10:00:00Z",
    state: shape.state ?? "enabled",
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ["all"],
      servicePrincipalRiskLevels: [],
      insiderRiskLevels: null,
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      authenticationFlows: null,
      applications: {
        includeApplications: ["All"],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
        ...shape.applications,
      },
      users: {
        includeUsers: [],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...shape.users,
      },
      ...shape.conditions,
    },
    grantControls:
      shape.grant === null
        ? null
        : {
            operator: "OR",
            builtInControls: ["mfa"],
            customAuthenticationFactors: [],
            termsOfUse: [],
            authenticationStrength: null,
            ...shape.grant,
          },
  };
}

/**
 * A custom authentication strength as `GET /policies/authenticationStrengthPolicies` returns it
 * (authenticationStrengthPolicy: policyType custom, combinations as comma-joined
 * `authenticationMethodModes`, reference/identity-apis.md §1.3 and wave2-apis.md §3).
 */
export function customStrength(displayName: string, allowedCombinations: string[]): Record<string, unknown> {
  return {
    id: guid(`strength:${displayName}`),
    createdDateTime: "2025-06-01T10:00:00Z",
    modifiedDateTime: "2025-06-01T10:00:00Z",
    displayName,
    description: "",
    policyType: "custom",
    requirementsSatisfied: "mfa",
    allowedCombinations,
  };
}

/**
 * A reference to an authentication strength as a policy carries it. Whether the v1.0 list inlines the
 * combinations is not confirmed, so the emulator inlines only the identity and the evaluator looks the
 * combinations up in `/policies/authenticationStrengthPolicies`.
 */
export function strengthRef(
  id: string,
  custom: Array<Record<string, unknown>> = [],
): Record<string, unknown> {
  const s = [...builtInStrengths, ...custom].find((b) => b.id === id)!;
  return {
    id: s.id,
    displayName: s.displayName,
    policyType: s.policyType,
    requirementsSatisfied: s.requirementsSatisfied,
  };
}

/**
 * A SAML enterprise app as a VPN gateway is registered in Entra: its Identifier (Entity ID) in
 * `servicePrincipalNames`, assignment required, the given users or groups assigned.
 */
export function samlEnterpriseApp(
  displayName: string,
  entityId: string,
  assignedTo: string[],
  fields: Partial<SeedEnterpriseApp> = {},
): SeedEnterpriseApp {
  const appId = guid(`app:${displayName}:${entityId}`);
  return {
    id: guid(`sp:${displayName}:${entityId}`),
    appId,
    displayName,
    servicePrincipalNames: [entityId, appId],
    appRoleAssignmentRequired: true,
    accountEnabled: true,
    assignedTo,
    ...fields,
  };
}

export function ipLocation(name: string, cidrs: string[], isTrusted: boolean): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.ipNamedLocation",
    id: guid(`location:${name}`),
    displayName: name,
    createdDateTime: "2025-01-10T10:00:00Z",
    modifiedDateTime: "2025-01-10T10:00:00Z",
    isTrusted,
    ipRanges: cidrs.map((cidrAddress) => ({ "@odata.type": "#microsoft.graph.iPv4CidrRange", cidrAddress })),
  };
}

export const roles = {
  globalAdmin: "62e90394-69f5-4237-9190-012177145e10",
  helpdeskAdmin: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  userAdmin: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  exchangeAdmin: "29232cdf-9323-42fd-ade2-1d097af3e4de",
};

export function assignment(
  principalId: string,
  roleDefinitionId: string,
  directoryScopeId = "/",
): SeedRoleAssignment {
  return {
    id: guid(`assignment:${principalId}:${roleDefinitionId}:${directoryScopeId}`),
    principalId,
    roleDefinitionId,
    directoryScopeId,
  };
}

export function seedTenant(domain: string, token: string, build: Partial<EntraTenantSeed>): EntraTenantSeed {
  return {
    tenantId: guid(`tenant:${domain}`),
    domain,
    tokens: [{ token }],
    licence: { p1: true, p2: true },
    securityDefaults: false,
    users: [],
    groups: [],
    servicePrincipals: [],
    policies: [],
    namedLocations: [],
    roleAssignments: [],
    roleEligibilities: [],
    ...build,
  };
}

// ---------------------------------------------------------------------------------------------------
// The seeded tenant set for tests and benchmarks: each user shows one documented Conditional Access case.

export const tailspinCases = {
  nestedGroupInclude: "alice",
  excludedUser: "bob",
  excludedGroup: "carol",
  reportOnly: "erin",
  disabledPolicy: "frank",
  eligibleAdmin: "grace",
  activeAdmin: "hank",
  externalGuest: "ivan",
  internalGuestExcluded: "judy",
  orCompliantDevice: "kim",
  riskNarrowed: "liam",
  platformNarrowed: "mia",
  trustedLocationExcluded: "noah",
  phishingResistant: "olivia",
  breakGlass: "breakglass",
} as const;

/**
 * A P1/P2 tenant with one user per case: report-only and disabled policies, an excluded user and group,
 * a nested group include, a role include with a PIM-eligible admin, a guest include with a guest-type
 * exclusion, an OR grant with a compliant device, risk-, platform- and trusted-location-narrowed
 * policies, a phishing-resistant strength, and legacy authentication blocked except for break-glass. (A
 * policy naming a group Graph answers 404 for leaves whom it decides unknown: test/reliability/
 * missing-objects.test.ts.)
 */
export function tailspinTenant(token: string, domain = "tailspin.example"): EntraTenantSeed {
  const u = (name: string, fields: Partial<SeedUser> = {}) => seedUser(`${name}@${domain}`, fields);
  const users = {
    alice: u("alice"),
    bob: u("bob"),
    carol: u("carol"),
    erin: u("erin", { methodsRegistered: [] }),
    frank: u("frank", { methodsRegistered: [] }),
    grace: u("grace", { methodsRegistered: ["mobilePhone"] }),
    hank: u("hank", { methodsRegistered: ["fido2"] }),
    ivan: seedGuest("ivan@fabrikam-partner.example", domain),
    judy: u("judy", { userType: "Guest", methodsRegistered: [] }),
    kim: u("kim"),
    liam: u("liam"),
    mia: u("mia"),
    noah: u("noah"),
    olivia: u("olivia", { methodsRegistered: ["fido2", "microsoftAuthenticatorPush"] }),
    breakglass: u("breakglass", { methodsRegistered: ["mobilePhone"] }),
    old: u("old.account", { accountEnabled: false }),
  };
  const sales = seedGroup("Sales", [users.alice.id, users.bob.id, users.carol.id]);
  const staff = seedGroup("Staff", [sales.id]);
  const exclusions = seedGroup("MFA exclusions", [users.carol.id]);
  const hq = ipLocation("HQ", ["203.0.113.0/24"], true);
  const only = (name: keyof typeof users) => ({ includeUsers: [users[name].id] });
  return seedTenant(domain, token, {
    users: Object.values(users),
    groups: [sales, staff, exclusions],
    servicePrincipals: [guid("sp:backup-app")],
    namedLocations: [hq],
    policies: [
      caPolicy("CA01 Staff MFA", {
        users: {
          includeGroups: [staff.id],
          excludeGroups: [exclusions.id],
          excludeUsers: [users.bob.id],
        },
      }),
      caPolicy("CA02 Pilot MFA (report-only)", {
        state: "enabledForReportingButNotEnforced",
        users: only("erin"),
      }),
      caPolicy("CA03 Old MFA (disabled)", { state: "disabled", users: only("frank") }),
      caPolicy("CA04 Admins MFA", {
        users: { includeRoles: [roles.globalAdmin], excludeUsers: [users.breakglass.id] },
      }),
      caPolicy("CA05 Guests MFA", {
        users: {
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: "internalGuest,b2bCollaborationGuest",
            externalTenants: {
              "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
              membershipKind: "all",
            },
          },
          excludeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: "internalGuest",
            externalTenants: {
              "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
              membershipKind: "all",
            },
          },
        },
      }),
      caPolicy("CA06 MFA or compliant device", {
        users: only("kim"),
        grant: { operator: "OR", builtInControls: ["mfa", "compliantDevice"] },
      }),
      caPolicy("CA07 MFA for risky sign-ins", {
        users: only("liam"),
        conditions: { signInRiskLevels: ["high", "medium"] },
      }),
      caPolicy("CA08 MFA on mobile", {
        users: only("mia"),
        conditions: { platforms: { includePlatforms: ["android", "iOS"], excludePlatforms: [] } },
      }),
      caPolicy("CA09 MFA off-site", {
        users: only("noah"),
        conditions: { locations: { includeLocations: ["All"], excludeLocations: [hq.id as string] } },
      }),
      caPolicy("CA10 Phishing-resistant MFA", {
        users: only("olivia"),
        grant: {
          operator: "OR",
          builtInControls: [],
          authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
        },
      }),
      caPolicy("CA11 Block legacy authentication", {
        users: { includeUsers: ["All"], excludeUsers: [users.breakglass.id] },
        conditions: { clientAppTypes: ["exchangeActiveSync", "other"] },
        grant: { builtInControls: ["block"] },
      }),
    ],
    roleAssignments: [
      assignment(users.hank.id, roles.globalAdmin),
      assignment(users.breakglass.id, roles.globalAdmin),
      assignment(guid("sp:backup-app"), roles.exchangeAdmin),
    ],
    roleEligibilities: [assignment(users.grace.id, roles.globalAdmin)],
  });
}

/** Security defaults on, no Entra ID P1. */
export function securityDefaultsTenant(token: string, domain = "defaults.example"): EntraTenantSeed {
  const owner = seedUser(`owner@${domain}`);
  return seedTenant(domain, token, {
    licence: { p1: false, p2: false },
    securityDefaults: true,
    users: [owner, seedUser(`staff@${domain}`, { methodsRegistered: [] }), seedUser(`clerk@${domain}`)],
    roleAssignments: [assignment(owner.id, roles.globalAdmin)],
  });
}

/** No Entra ID P1, legacy per-user MFA: one user enforced, one enabled, one disabled. */
export function perUserMfaTenant(token: string, domain = "peruser.example"): EntraTenantSeed {
  return seedTenant(domain, token, {
    licence: { p1: false, p2: false },
    users: [
      seedUser(`enforced@${domain}`, { perUserMfaState: "enforced", methodsRegistered: ["mobilePhone"] }),
      seedUser(`enabled@${domain}`, { perUserMfaState: "enabled", methodsRegistered: [] }),
      seedUser(`disabled@${domain}`, {
        perUserMfaState: "disabled",
        methodsRegistered: ["microsoftAuthenticatorPush"],
      }),
    ],
  });
}

/** No Entra ID P1, security defaults off, no per-user MFA: nothing enforces MFA. */
export function freeTenant(token: string, domain = "free.example"): EntraTenantSeed {
  return seedTenant(domain, token, {
    licence: { p1: false, p2: false },
    users: [seedUser(`someone@${domain}`, { methodsRegistered: [] }), seedUser(`admin@${domain}`)],
    roleAssignments: [assignment(guid(`user:admin@${domain}`), roles.globalAdmin)],
  });
}

// ---------------------------------------------------------------------------------------------------
// The demo portfolio's Entra tenants.

/** The Microsoft-registered Azure VPN Client app id, the audience of an Azure VPN gateway's Entra sign-in. */
const azureVpnClientAppId = "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";

/** The MSP demo tenant's security group for GDAP (delegated admin in customer tenants). */
const mspGdapGroup = "GDAP Helpdesk Agents";

const demoSeeds: Record<string, (domain: string, token: string) => EntraTenantSeed> = {
  /**
   * P1 with Conditional Access: MFA for everyone except a break-glass account (SMS only) and a pilot
   * exclusion group; legacy authentication blocked; a phishing-resistant policy for admins still in
   * report-only; one user enforced but never registered; a B2B guest.
   */
  northwind: (domain, token) => {
    const admin = seedUser(`it.admin@${domain}`);
    const helpdesk = seedUser(`helpdesk@${domain}`, { methodsRegistered: ["mobilePhone"] });
    const breakGlass = seedUser(`breakglass@${domain}`, {
      methodsRegistered: ["mobilePhone"],
      signInActivity: { lastSignInDateTime: null },
    });
    const fuller = seedUser(`a.fuller@${domain}`, {
      methodsRegistered: ["fido2", "microsoftAuthenticatorPush"],
    });
    const davolio = seedUser(`n.davolio@${domain}`, { methodsRegistered: ["mobilePhone"] });
    const leverling = seedUser(`j.leverling@${domain}`, { methodsRegistered: [] });
    const vendor = seedGuest("consultant@contoso-partners.example", domain, {
      methodsRegistered: ["microsoftAuthenticatorPush"],
    });
    const former = seedUser(`s.buchanan@${domain}`, { accountEnabled: false });
    const pilot = seedGroup("MFA pilot exclusions", [davolio.id]);
    // The FortiGate's SSL-VPN signs in through this SAML app (providers/fortigate demo).
    const vpnUsers = seedGroup("VPN users", [admin.id, helpdesk.id, fuller.id, davolio.id, leverling.id]);
    const vpnApp = samlEnterpriseApp(
      "FortiGate SSL VPN",
      `https://vpn.${domain}:10443/remote/saml/metadata`,
      [vpnUsers.id],
    );
    // The Azure VPN gateway's Entra ID sign-in (providers/azure-vpn demo): the Microsoft-registered Azure
    // VPN Client app, assigned to a group that includes the pilot-excluded user.
    const azureVpnUsers = seedGroup("Azure VPN users", [admin.id, helpdesk.id, fuller.id, davolio.id]);
    const azureVpnApp: SeedEnterpriseApp = {
      id: guid(`sp:azure-vpn:${domain}`),
      appId: azureVpnClientAppId,
      displayName: "Azure VPN",
      servicePrincipalNames: [azureVpnClientAppId],
      appRoleAssignmentRequired: true,
      accountEnabled: true,
      assignedTo: [azureVpnUsers.id],
    };
    return seedTenant(domain, token, {
      users: [admin, helpdesk, breakGlass, fuller, davolio, leverling, vendor, former],
      groups: [pilot, vpnUsers, azureVpnUsers],
      enterpriseApps: [vpnApp, azureVpnApp],
      policies: [
        caPolicy("CA001 Require MFA for all users", {
          users: { includeUsers: ["All"], excludeUsers: [breakGlass.id], excludeGroups: [pilot.id] },
        }),
        caPolicy("CA002 Block legacy authentication", {
          users: { includeUsers: ["All"], excludeUsers: [breakGlass.id] },
          conditions: { clientAppTypes: ["exchangeActiveSync", "other"] },
          grant: { builtInControls: ["block"] },
        }),
        caPolicy("CA003 Phishing-resistant MFA for admins", {
          state: "enabledForReportingButNotEnforced",
          users: { includeRoles: [roles.globalAdmin, roles.helpdeskAdmin] },
          grant: {
            builtInControls: [],
            authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
          },
        }),
      ],
      roleAssignments: [
        assignment(admin.id, roles.globalAdmin),
        assignment(breakGlass.id, roles.globalAdmin),
      ],
      roleEligibilities: [assignment(helpdesk.id, roles.helpdeskAdmin)],
    });
  },
  /** No Entra ID P1 and security defaults off; the owner turned on per-user MFA for herself only. */
  "contoso-dental": (domain, token) =>
    seedTenant(domain, token, {
      licence: { p1: false, p2: false },
      users: [
        seedUser(`owner@${domain}`, { perUserMfaState: "enforced", methodsRegistered: ["mobilePhone"] }),
        seedUser(`dr.kim@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] }),
        seedUser(`reception@${domain}`, { methodsRegistered: [] }),
        seedUser(`billing@${domain}`, { methodsRegistered: [] }),
      ],
      roleAssignments: [assignment(guid(`user:owner@${domain}`), roles.globalAdmin)],
    }),
  /**
   * The MSP's own tenant (issue #13): MFA for everyone, and phishing-resistant MFA (an authentication
   * strength) so far only for the technicians in the rollout group. One technician has a FIDO2 key only;
   * the other still signs in with Authenticator push. Both reach customers through NinjaOne, whose SSO is
   * the "NinjaOne" enterprise app (providers/ninjaone demo names it by app id). A helpdesk agent, neither
   * admin nor technician, reaches customers through the GDAP group alone, with push.
   */
  msp: (domain, token) => {
    const fido = seedUser(`m.garcia@${domain}`, { methodsRegistered: ["fido2"] });
    const push = seedUser(`d.okafor@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] });
    const agent = seedUser(`s.patel@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] });
    const technicians = seedGroup("Technicians", [fido.id, push.id]);
    const rollout = seedGroup("Phishing-resistant MFA rollout", [fido.id]);
    const ninjaOneAppId = guid(`app:ninjaone:${domain}`);
    const ninjaOne: SeedEnterpriseApp = {
      id: guid(`sp:ninjaone:${domain}`),
      appId: ninjaOneAppId,
      displayName: "NinjaOne",
      servicePrincipalNames: [ninjaOneAppId],
      appRoleAssignmentRequired: true,
      accountEnabled: true,
      assignedTo: [technicians.id],
    };
    return seedTenant(domain, token, {
      users: [fido, push, agent],
      groups: [technicians, rollout, seedGroup(mspGdapGroup, [agent.id])],
      enterpriseApps: [ninjaOne],
      policies: [
        caPolicy("MSP01 Require MFA for all users", { users: { includeUsers: ["All"] } }),
        caPolicy("MSP02 Phishing-resistant MFA for customer access", {
          users: { includeGroups: [rollout.id] },
          grant: {
            builtInControls: [],
            authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
          },
        }),
        caPolicy("MSP03 Block legacy authentication", {
          users: { includeUsers: ["All"] },
          conditions: { clientAppTypes: ["exchangeActiveSync", "other"] },
          grant: { builtInControls: ["block"] },
        }),
      ],
    });
  },
  /** Security defaults on (no Conditional Access): enforced, but weaker than CA. */
  "fabrikam-legal": (domain, token) =>
    seedTenant(domain, token, {
      licence: { p1: false, p2: false },
      securityDefaults: true,
      users: [
        seedUser(`admin@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] }),
        seedUser(`paralegal@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] }),
      ],
      roleAssignments: [assignment(guid(`user:admin@${domain}`), roles.globalAdmin)],
    }),
};

/**
 * The demo MSP's GDAP relationships (found by discovery, not configured): Northwind through the helpdesk
 * group with least-privileged roles; Fabrikam Legal with Global Administrator, auto-extending, held by the
 * technicians; Contoso Dental with a role no group holds; a former customer whose relationship expired.
 */
function demoGdap(
  msp: EntraTenantSeed,
  tenants: Array<{ id: string; seed: EntraTenantSeed }>,
  portfolio: DemoPortfolio,
): GdapSeed {
  const customer = (id: string) => ({
    tenantId: tenants.find((t) => t.id === id)?.seed.tenantId ?? guid(`tenant:${id}`),
    displayName: portfolio.tenants.find((t) => t.id === id)?.name ?? id,
  });
  const group = (name: string) => msp.groups.find((g) => g.displayName === name)?.id ?? guid(`group:${name}`);
  return partnerRelationships(
    {
      leastPrivileged: customer("northwind"),
      globalAdmin: customer("fabrikam-legal"),
      expired: { tenantId: guid("tenant:adventure-works.example"), displayName: "Adventure Works" },
      unassigned: customer("contoso-dental"),
    },
    { helpdesk: group(mspGdapGroup), admins: group("Technicians") },
  );
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const env: Record<string, string> = {};
  const tenants: Array<{ id: string; seed: EntraTenantSeed; variable: string }> = [];
  for (const t of portfolio.tenants) {
    const build = demoSeeds[t.id];
    if (!build) continue;
    const variable = `MFASWEEP_DEMO_ENTRA_TOKEN_${t.id.replace(/[^a-z0-9]/gi, "_").toUpperCase()}`;
    env[variable] = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.demo-${randomBytes(16).toString("hex")}`;
    tenants.push({
      id: t.id,
      seed: revisedSeed(portfolio, "entra", t.id, build(t.domain, env[variable])),
      variable,
    });
  }
  const msp = tenants.find((t) => t.id === "msp");
  if (msp) msp.seed.gdap = demoGdap(msp.seed, tenants, portfolio);
  const emulator = await startEntraEmulator({ tenants: tenants.map((t) => t.seed) });
  // The connection trusts the emulator's throwaway certificate through caBundle, as it would a proxy's CA.
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-entra-demo-"));
  const caBundle = join(dir, "emulator-ca.pem");
  await writeFile(caBundle, emulator.certificate ?? "", { mode: 0o600 });
  return {
    env,
    connections: tenants.map((t) => ({
      tenant: t.id,
      connection: {
        type: "entra",
        id: "entra",
        tenantId: t.seed.tenantId,
        endpoint: emulator.url,
        caBundle,
        ...(t.id === "contoso-dental"
          ? { readPerUserMfa: true, registrationFallback: "authentication-methods" }
          : {}),
        auth: { method: "access-token", token: `env:${t.variable}` },
      },
    })),
    close: async () => {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
