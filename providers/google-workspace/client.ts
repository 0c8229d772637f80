import type { Agent as NodeAgent } from "node:http";
import type { admin_directory_v1 } from "@googleapis/admin";
import type { cloudidentity_v1 } from "@googleapis/cloudidentity";
import type { JWTOptions, OAuth2Client } from "google-auth-library";
import type { z } from "zod";
import { accountKey, checkShape } from "../../src/collect/http.js";
import { PageGuard } from "../../src/collect/paging.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { type AttemptOutcome, classifyStatus, parseRetryAfter } from "../../src/collect/retry.js";
import { defaultMaxResponseBytes, nodeFetchRefusal, Transport } from "../../src/collect/transport.js";
import {
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import { allScopes, GoogleErrorBody, groupMembersScope } from "./api.js";
import type { GoogleWorkspaceSettings } from "./settings.js";

/**
 * Transport for one Google Workspace connection: auth, the quota domain, paging as async iterables,
 * and translation of Google's errors into ours. Knows nothing about policies.
 */

/**
 * Directory API default quota: 2,400 queries per minute per user per Cloud project
 * (developers.google.com/admin-sdk/directory/v1/limits). We stay at 35/s and 10 in flight, under it with
 * room for the Policy API calls, which ScubaGoggles paces at about 1/s per page.
 */
const directoryLimits = { concurrency: 10, intervalCap: 35, interval: 1000 };
const policyLimits = { concurrency: 1, intervalCap: 1, interval: 1000 };

/** Service-account key JSON as downloaded from the Cloud console (only the fields we use). */
interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

function parseServiceAccountKey(text: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProviderAuthError(
      "the service-account key is not JSON (expected the key file downloaded from the Cloud console)",
    );
  }
  const key = parsed as Partial<ServiceAccountKey>;
  if (typeof key.client_email !== "string" || typeof key.private_key !== "string") {
    throw new ProviderAuthError("the service-account key lacks client_email or private_key");
  }
  return { client_email: key.client_email, private_key: key.private_key, private_key_id: key.private_key_id };
}

/**
 * Builds the auth client: a service account with domain-wide delegation impersonating `subject`, or a
 * ready access token. `transporterOptions` lets tests send the JWT client's token request (a fixed Google
 * URL) to an emulator.
 */
export async function createGoogleAuth(
  settings: GoogleWorkspaceSettings,
  secret: (ref: string) => Promise<{ reveal(): string }>,
  transporterOptions?: JWTOptions["transporterOptions"],
): Promise<{ auth: OAuth2Client; principal: string }> {
  const { JWT, OAuth2Client } = await import("google-auth-library");
  if (settings.auth.method === "access-token") {
    const token = (await secret(settings.auth.token)).reveal();
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    // Named by a hash of the token: one token is one user of one project, so one quota.
    return { auth: client, principal: `access token ${accountKey(token)}` };
  }
  const key = parseServiceAccountKey((await secret(settings.auth.serviceAccountKey)).reveal());
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    // A scope that was not delegated fails the whole token request, so the optional one only when used.
    scopes: settings.customerAccessGroups.length ? [...allScopes, groupMembersScope] : allScopes,
    subject: settings.auth.subject,
    ...(transporterOptions ? { transporterOptions } : {}),
  });
  return { auth: jwt, principal: `${key.client_email} as ${settings.auth.subject}` };
}

/** Quota domain name: the Cloud project (from the service account's email) when known, else the connection. */
function projectOf(principal: string): string | undefined {
  return /@([a-z0-9-]+)\.iam\.gserviceaccount\.com/.exec(principal)?.[1];
}

export interface GaxiosLikeError {
  status?: number;
  code?: string;
  message?: string;
  cause?: { name?: string };
  response?: { status: number; headers: Headers | Record<string, string>; data?: unknown };
}

function header(headers: Headers | Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** The scopes a 403 names in `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`. */
function scopesFromChallenge(challenge: string | undefined): string[] {
  const scope = challenge && /scope="([^"]+)"/.exec(challenge)?.[1];
  return scope ? scope.split(/\s+/) : [];
}

/**
 * Google → our errors. 429 and the 403 reasons `userRateLimitExceeded`/`rateLimitExceeded`/`quotaExceeded`
 * are throttling (the Directory API signals its per-user quota with 403); 5xx and network errors are
 * transient; a 403 for scopes names the scope the endpoint needs.
 */
export function classifyGoogleError(
  err: unknown,
  label: string,
  neededScope: string,
  timeoutSeconds?: number,
  maxResponseBytes = defaultMaxResponseBytes,
): AttemptOutcome {
  const refused = nodeFetchRefusal(err, label, maxResponseBytes);
  if (refused) return { kind: "fatal", error: refused };
  const e = err as GaxiosLikeError;
  const status = e.response?.status ?? e.status;
  if (status === undefined) {
    if (err instanceof ProviderResponseError) return { kind: "fatal", error: err };
    // gaxios aborts a request at `timeout` (no signal of ours is passed to it, so an abort is the timeout).
    if (e.cause?.name === "AbortError" || e.cause?.name === "TimeoutError")
      return {
        kind: "transient",
        detail: `no answer within ${timeoutSeconds === undefined ? "the timeout" : `${timeoutSeconds} s`}`,
      };
    const code = e.code ?? "network error";
    if (
      code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
      code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
      code === "SELF_SIGNED_CERT_IN_CHAIN" ||
      code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
    ) {
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(
          `${label}: TLS certificate not trusted (${code}); set caBundle if a proxy re-signs traffic`,
        ),
      };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return { kind: "fatal", error: new ProviderUnavailableError(`${label}: host not found (${code})`) };
    }
    if (/invalid_grant|unauthorized_client|invalid_client/.test(e.message ?? "")) {
      return {
        kind: "fatal",
        error: new ProviderAuthError(
          `${label}: token request refused: ${(e.message ?? "").split("\n")[0]}. Check domain-wide delegation of the scopes and the subject`,
        ),
      };
    }
    return { kind: "transient", detail: `${code}: ${(e.message ?? "").slice(0, 120)}` };
  }
  const parsed = GoogleErrorBody.safeParse(e.response?.data);
  const body = parsed.success ? parsed.data.error : undefined;
  const reasons = [
    ...(body?.errors ?? []).map((x) => x.reason),
    ...(body?.details ?? []).map((x) => x.reason),
  ].filter(Boolean) as string[];
  const message = body?.message ?? `HTTP ${status}`;
  const retryAfter = header(e.response?.headers, "retry-after");
  if (status === 403 && reasons.some((r) => /rateLimitExceeded|quotaExceeded/i.test(r))) {
    return {
      kind: "throttled",
      retryAfterMs: parseRetryAfter(retryAfter),
      detail: `HTTP 403 ${reasons.join(",")}`,
    };
  }
  if (status === 401)
    return {
      kind: "fatal",
      error: new ProviderAuthError(`${label}: credentials refused (HTTP 401: ${message})`),
    };
  if (status === 403) {
    const fromChallenge = scopesFromChallenge(header(e.response?.headers, "www-authenticate"));
    const scopeProblem = reasons.includes("ACCESS_TOKEN_SCOPE_INSUFFICIENT") || fromChallenge.length > 0;
    if (scopeProblem) {
      return {
        kind: "fatal",
        error: new ProviderPermissionError(
          `${label}: ${message}`,
          fromChallenge.length ? fromChallenge : [neededScope],
        ),
      };
    }
    return { kind: "fatal", error: new ProviderPermissionError(`${label}: ${message}`, []) };
  }
  return classifyStatus(
    status,
    retryAfter,
    () => new ProviderResponseError(`${label}: HTTP ${status}: ${message}`),
  );
}

/** Validates one response against its documented shape; a mismatch names the endpoint and the problem. */
export function checkPage<T>(schema: z.ZodType<T>, data: unknown, label: string): T {
  // gaxios hands back the raw text when a body does not parse (truncated JSON, a proxy's HTML page).
  if (typeof data === "string")
    throw new ProviderResponseError(`${label}: the response is not JSON (${data.length} characters of text)`);
  return checkShape(schema, data, label);
}

/** The records of a Google list page: its one array field (users, roles, items, memberships, ...). */
function recordsOf(page: object): readonly unknown[] {
  for (const [key, value] of Object.entries(page))
    if (key !== "nextPageToken" && Array.isArray(value)) return value;
  return [];
}

/** The API clients' classes. The SDKs are loaded when a connection runs, not when the CLI starts (issue #23). */
export interface GoogleApis {
  Admin: typeof admin_directory_v1.Admin;
  Cloudidentity: typeof cloudidentity_v1.Cloudidentity;
}

export async function loadGoogleApis(): Promise<GoogleApis> {
  const [{ admin_directory_v1 }, { cloudidentity_v1 }] = await Promise.all([
    import("@googleapis/admin"),
    import("@googleapis/cloudidentity"),
  ]);
  return { Admin: admin_directory_v1.Admin, Cloudidentity: cloudidentity_v1.Cloudidentity };
}

export class GoogleWorkspaceClient {
  readonly directory: admin_directory_v1.Admin;
  readonly cloudIdentity: cloudidentity_v1.Cloudidentity;
  readonly directoryQuota: QuotaDomain;
  readonly policyQuota: QuotaDomain;
  readonly maxResponseBytes: number;

  constructor(
    private readonly ctx: CollectContext<GoogleWorkspaceSettings>,
    auth: OAuth2Client,
    principal: string,
    apis: GoogleApis,
  ) {
    const settings = ctx.settings;
    const rootUrl = settings.endpoint ? `${settings.endpoint.replace(/\/$/, "")}/` : undefined;
    // The one HTTP stack's limits as gaxios options: CA bundle and proxy in the agent, redirects refused,
    // the body capped; gaxios' `timeout` aborts the body too. Sockets are let go when the collection ends.
    const transport = new Transport({
      caBundle: settings.caBundle,
      timeoutMs: settings.timeoutSeconds * 1000,
      maxResponseBytes: settings.maxResponseBytes,
    });
    this.maxResponseBytes = transport.maxResponseBytes;
    ctx.signal.addEventListener("abort", () => void transport.close(), { once: true });
    const { agent, redirect, maxContentLength, maxRedirects } = transport.nodeFetchOptions();
    // Our retry loop honours Retry-After and counts retries; gaxios' own retry would hide both.
    const common = {
      auth,
      retry: false,
      timeout: settings.timeoutSeconds * 1000,
      redirect,
      maxRedirects,
      maxContentLength,
      agent: agent as (url: URL) => NodeAgent,
      ...(rootUrl ? { rootUrl } : {}),
    };
    this.directory = new apis.Admin(common);
    this.cloudIdentity = new apis.Cloudidentity(common);
    // The Directory API counts its quota per user per Cloud project: the user is the admin a service
    // account impersonates, so two customers' subjects do not share one budget.
    // An access token is one user of one project: connections (of any tenant) using the same token
    // share its quota.
    const project = projectOf(principal);
    const subject = settings.auth.method === "service-account" ? settings.auth.subject : undefined;
    const token = /^access token ([0-9a-f]+)$/.exec(principal)?.[1];
    const domain =
      project && subject
        ? `google-workspace:project:${project}:user:${subject}`
        : token
          ? `google-workspace:token:${token}`
          : `google-workspace:${ctx.tenant.id}:${ctx.connectionId}`;
    this.directoryQuota = ctx.quota(`${domain}:directory`, directoryLimits);
    this.policyQuota = ctx.quota(`${domain}:policy`, policyLimits);
  }

  /** One request with limiter, retry and error translation. */
  call<T>(
    domain: QuotaDomain,
    label: string,
    neededScope: string,
    send: () => Promise<{ data: T }>,
  ): Promise<T> {
    return this.ctx.request(
      domain,
      label,
      async () => (await send()).data,
      (err) =>
        classifyGoogleError(err, label, neededScope, this.ctx.settings.timeoutSeconds, this.maxResponseBytes),
    );
  }

  /**
   * Follows `nextPageToken` until it is absent. A token seen twice is a paging loop: stop with an error
   * rather than loop forever or silently return a partial list.
   */
  async *pages<P extends { nextPageToken?: string | null }>(
    label: string,
    fetchPage: (pageToken: string | undefined) => Promise<unknown>,
    schema: z.ZodType<P>,
  ): AsyncIterable<P> {
    const guard = new PageGuard(label, (l, n) => this.ctx.records(l, n), "nextPageToken");
    let token: string | undefined;
    for (let page = 1; ; page++) {
      const data = checkPage(schema, await fetchPage(token), `${label} page ${page}`);
      guard.page(recordsOf(data));
      yield data;
      const next = data.nextPageToken ?? undefined;
      if (!next) return;
      guard.follow(next);
      token = next;
    }
  }
}
