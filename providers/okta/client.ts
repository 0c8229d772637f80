import { setMaxListeners } from "node:events";
import { createRequire } from "node:module";
import type okta from "@okta/okta-sdk-nodejs";
import type { RequestOptions } from "@okta/okta-sdk-nodejs/src/types/request-options.js";
import { z } from "zod";
import { PageGuard } from "../../src/collect/paging.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { type AttemptOutcome, maxServerWaitMs } from "../../src/collect/retry.js";
import { defaultMaxResponseBytes, nodeFetchRefusal, Transport } from "../../src/collect/transport.js";
import {
  MfasweepError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import {
  type EndpointGroup,
  endpointGroup,
  OktaErrorBody,
  oktaScopes,
  perMinuteLimits,
  RoleAssignedUsersPage,
} from "./api.js";
import type { OktaSettings } from "./settings.js";

/**
 * Transport for one Okta connection, on the real `@okta/okta-sdk-nodejs` 8.x client: its SSWS or
 * private-key-JWT (OAuth, DPoP) auth, its HTTP layer and its `Collection` paging over `Link` headers.
 * What we add: isolation from the SDK's own config sources, no response cache, no SDK retries (our retry
 * loop counts retries and honours `x-rate-limit-reset`), quota domains per Okta rate-limit bucket that
 * also pause when the response headers say the bucket is nearly spent, and Okta's errors as ours.
 *
 * Records are read as raw JSON (the SDK's `http` and `Collection`), not through the generated model
 * classes: those drop fields their version does not know, and a dropped rule condition would make a
 * narrow rule look like it applies to everyone.
 */

/** The `Headers` of node-fetch 2 (the SDK's fetch), which ships no types. */
interface HeaderBag {
  get(name: string): string | null;
}
interface FetchResponse {
  status: number;
  url: string;
  headers: HeaderBag;
  json(): Promise<unknown>;
}
/** node-fetch request options as the SDK passes them to its request executor. */
interface ExecutorRequest {
  url?: string;
  timeout?: number;
  agent?: unknown;
  signal?: AbortSignal;
  redirect?: string;
  follow?: number;
  size?: number;
}

/** What the SDK throws: `OktaApiError` (JSON body), `HttpError` (other body), node-fetch `FetchError`. */
interface SdkError {
  status?: number;
  url?: string;
  headers?: HeaderBag;
  errorCode?: string;
  errorSummary?: string;
  code?: string;
  type?: string;
  message?: string;
}

/**
 * How long until the bucket of a response resets, from `x-rate-limit-reset` (epoch seconds) against the
 * server's own `Date` (so our clock does not matter), plus a second for the header's whole-second
 * resolution, as the SDK's own retry does.
 */
export function resetDelayMs(headers: HeaderBag | undefined, now = Date.now()): number | undefined {
  const reset = Number(headers?.get("x-rate-limit-reset"));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(headers?.get("date") ?? "");
  return Math.max(0, reset * 1000 - (Number.isNaN(date) ? now : date) + 1000);
}

const sdkInternals = createRequire(import.meta.url);

/**
 * `new okta.Client()` merges `~/.okta/okta.yaml`, `./okta.yaml` and `OKTA_CLIENT_*` variables under the
 * explicit config (config-loader.js). One tenant's settings must never reach another's client, so every
 * field the loader knows is given explicitly, and while the (synchronous) constructor runs the loader's
 * defaults step is replaced by the SDK's own built-in default only, so a stray or broken okta.yaml can
 * neither leak in nor break a scan. If the SDK's internals move, the explicit fields still win.
 */
function isolatedClient(sdk: OktaSdk, config: Record<string, unknown>): okta.Client {
  let loader: { prototype?: { applyDefaults?: unknown; apply?: unknown } } | undefined;
  try {
    loader = (sdkInternals("@okta/okta-sdk-nodejs/src/config-loader.js") as { ConfigLoader?: typeof loader })
      .ConfigLoader;
  } catch {
    loader = undefined;
  }
  const proto = loader?.prototype;
  const original = proto?.applyDefaults;
  if (proto && typeof original === "function" && typeof proto.apply === "function") {
    proto.applyDefaults = function builtInDefaultsOnly(this: { apply(c: unknown): void }) {
      this.apply({ client: { authorizationMode: "SSWS" } });
    };
  }
  try {
    return new sdk.Client(config);
  } finally {
    if (proto && typeof original === "function") proto.applyDefaults = original;
  }
}

type OktaSdk = typeof okta;
type ExecutorOptions = {
  transport: Transport;
  signal: AbortSignal;
  onResponse(url: string, headers: HeaderBag): void;
};

/** The SDK (seconds to load) is loaded when a connection first runs, not when the CLI starts (issue #23). */
async function loadSdk(): Promise<OktaSdk> {
  return (await import("@okta/okta-sdk-nodejs")).default;
}

/**
 * The SDK's plain request executor (it never retries), with the one HTTP stack's limits as node-fetch 2
 * options: redirects refused, the body capped (`size`), the agent carrying the proxy (ours replaces the
 * SDK's, which ignores NO_PROXY) and the CA bundle; a deadline covering the body (node-fetch's `timeout`
 * restarts for the body, so a signal bounds the whole); cancellation; and a look at every response's
 * rate-limit headers.
 * The class extends the SDK's, so it is made once the SDK is loaded.
 */
function scanRequestExecutor(sdk: OktaSdk) {
  return class ScanRequestExecutor extends sdk.RequestExecutor {
    readonly #options: ExecutorOptions;
    constructor(options: ExecutorOptions) {
      super();
      this.#options = options;
    }
    override fetch(request: ExecutorRequest): Promise<FetchResponse> {
      const { transport } = this.#options;
      const { redirect, follow, size, agent } = transport.nodeFetchOptions();
      Object.assign(request, { redirect, follow, size, agent, timeout: transport.timeoutMs });
      // The SDK reads the body after this returns: the deadline's timer is left to run out (unref'd).
      request.signal = AbortSignal.any([this.#options.signal, AbortSignal.timeout(transport.timeoutMs)]);
      return (super.fetch(request) as Promise<FetchResponse>).then((res) => {
        this.#options.onResponse(res.url || request.url || "", res.headers);
        return res;
      });
    }
  };
}

/**
 * A GET as the SDK's `http` takes it. The SDK types its options on node-fetch's `RequestInit`, which ships
 * no types here, so the object is built untyped and passed as the SDK's own option type.
 */
function getRequest(url: string): RequestOptions {
  const request = { url, method: "get", headers: { Accept: "application/json" } };
  return request;
}

/** The token endpoint's answer (client credentials), and what a refusal carries instead. */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  scope: z.string().optional(),
});
const TokenRefusal = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  errorCode: z.string().optional(),
  errorSummary: z.string().optional(),
});

/** What a 403 names as missing: the scope from the challenge, else what the endpoint needs. */
function scopesFromChallenge(challenge: string | null | undefined): string[] {
  if (!challenge || !/insufficient_scope/.test(challenge)) return [];
  const scope = /scope="([^"]+)"/.exec(challenge)?.[1];
  return scope ? scope.split(/\s+/) : [];
}

/**
 * Okta → our errors. 429 is throttling (wait until `x-rate-limit-reset`); 408, 5xx and network errors are
 * transient; 401 is refused credentials; 403 names the missing scope (OAuth, from `WWW-Authenticate:
 * Bearer error="insufficient_scope", scope="..."`) or the missing admin permission (E0000006).
 */
export function classifyOktaError(
  err: unknown,
  label: string,
  needed: { scope: string; what: string },
  authMethod: OktaSettings["auth"]["method"],
  maxResponseBytes = defaultMaxResponseBytes,
): AttemptOutcome {
  if (err instanceof MfasweepError) return { kind: "fatal", error: err };
  const refused = nodeFetchRefusal(err, label, maxResponseBytes);
  if (refused) return { kind: "fatal", error: refused };
  const e = (err ?? {}) as SdkError;
  if (typeof e.status !== "number") {
    const code = e.code ?? e.type ?? "error";
    if (e.type === "invalid-json")
      return { kind: "fatal", error: new ProviderResponseError(`${label}: response is not JSON`) };
    // node-fetch's own timeouts, and our per-request deadline (an abort that is not the collection's).
    if (e.type === "request-timeout" || e.type === "body-timeout" || e.type === "aborted")
      return { kind: "transient", detail: "no complete answer within the request timeout" };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return { kind: "fatal", error: new ProviderUnavailableError(`${label}: host not found (${code})`) };
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(
          `${label}: TLS certificate not trusted (${code}); set caBundle if a proxy re-signs traffic`,
        ),
      };
    }
    // Only a private-key connection has a key to blame, and only its own words name it: a user id such as
    // 00urUEUdmpEmBdWPi2U2 in a "socket hang up" message must not read as "PEM".
    if (authMethod === "private-key" && /\b(private key|JWK|PEM)\b/.test(e.message ?? "")) {
      return {
        kind: "fatal",
        error: new ProviderAuthError(
          `${label}: the private key could not be used (${e.message?.split("\n")[0]})`,
        ),
      };
    }
    if (e.code) return { kind: "transient", detail: `${code}: ${(e.message ?? "").slice(0, 120)}` };
    return {
      kind: "fatal",
      error: new ProviderResponseError(`${label}: ${(e.message ?? String(err)).split("\n")[0]}`),
    };
  }
  const status = e.status;
  const body = OktaErrorBody.safeParse({ errorCode: e.errorCode, errorSummary: e.errorSummary });
  const summary =
    body.success && body.data.errorCode
      ? ` ${body.data.errorCode} ${body.data.errorSummary ?? ""}`.trimEnd()
      : "";
  if (status === 429)
    return { kind: "throttled", retryAfterMs: resetDelayMs(e.headers), detail: `HTTP 429${summary}` };
  if (e.url && /\/oauth2\/v1\/token$/.test(new URL(e.url, "http://x").pathname)) {
    if (status === 408 || status >= 500) return { kind: "transient", detail: `token request HTTP ${status}` };
    return {
      kind: "fatal",
      error: new ProviderAuthError(
        `${label}: the OAuth token request was refused (HTTP ${status}); check clientId, keyId, the public key registered on the service app, and the scopes granted to it`,
      ),
    };
  }
  if (status === 401)
    return {
      kind: "fatal",
      error: new ProviderAuthError(`${label}: Okta refused the credentials (HTTP 401${summary})`),
    };
  if (status === 403) {
    const fromChallenge = scopesFromChallenge(e.headers?.get("www-authenticate"));
    if (fromChallenge.length)
      return {
        kind: "fatal",
        error: new ProviderPermissionError(
          `${label}: the access token lacks a scope (HTTP 403)`,
          fromChallenge,
        ),
      };
    const missing =
      authMethod === "private-key"
        ? [`${needed.scope}, and an admin role for the service app that can read ${needed.what}`]
        : [
            `an admin role for the API token's owner that can read ${needed.what} (e.g. Read-Only Administrator)`,
          ];
    return {
      kind: "fatal",
      error: new ProviderPermissionError(`${label}: permission denied (HTTP 403${summary})`, missing),
    };
  }
  if (status === 408 || status >= 500) return { kind: "transient", detail: `HTTP ${status}${summary}` };
  return { kind: "fatal", error: new ProviderResponseError(`${label}: HTTP ${status}${summary}`) };
}

/** The scope and the words for what each endpoint reads (for 403 messages and `doctor`). */
export interface Needed {
  scope: string;
  what: string;
}
export const needs = {
  users: { scope: oktaScopes.users, what: "users" },
  factors: { scope: oktaScopes.users, what: "users' factors" },
  roles: { scope: oktaScopes.roles, what: "admin role assignments" },
  groups: { scope: oktaScopes.groups, what: "groups and their members" },
  apps: { scope: oktaScopes.apps, what: "apps" },
  policies: { scope: oktaScopes.policies, what: "policies and rules" },
  zones: { scope: oktaScopes.zones, what: "network zones" },
} satisfies Record<string, Needed>;

/** Per-group concurrency: paging is sequential, the per-user factor calls are where parallelism pays. */
const groupConcurrency: Record<EndpointGroup, number> = { users: 2, apps: 2, groups: 4, other: 16 };

export class OktaClient {
  readonly sdk: okta.Client;
  /** Where requests go (`endpoint`, else `orgUrl`), without a trailing slash. */
  readonly baseUrl: string;
  readonly authMethod: OktaSettings["auth"]["method"];
  readonly maxResponseBytes: number;
  /** One quota domain per (org, Okta rate-limit bucket). */
  readonly domains: Record<EndpointGroup, QuotaDomain>;
  /** The org-wide cap on requests in flight (Okta's 75 concurrent transactions, shared). */
  readonly orgDomain: QuotaDomain;
  /** Private-key JWT: the scopes asked for and those the token came back with. */
  grant: { requested: string[]; granted: string[]; missing: string[] } | undefined;

  private constructor(
    private readonly ctx: CollectContext<OktaSettings>,
    sdk: okta.Client,
    baseUrl: string,
    domains: Record<EndpointGroup, QuotaDomain>,
    orgDomain: QuotaDomain,
    private readonly sdkModule: OktaSdk,
  ) {
    this.sdk = sdk;
    this.baseUrl = baseUrl;
    this.authMethod = ctx.settings.auth.method;
    this.maxResponseBytes = ctx.settings.maxResponseBytes ?? defaultMaxResponseBytes;
    this.domains = domains;
    this.orgDomain = orgDomain;
  }

  static async connect(ctx: CollectContext<OktaSettings>): Promise<OktaClient> {
    const settings = ctx.settings;
    const baseUrl = (settings.endpoint ?? settings.orgUrl).replace(/\/$/, "");
    const host = new URL(settings.orgUrl).host;
    const tier = settings.rateLimitTier;
    // Per bucket: the tier's per-minute limit, spread over 10-second intervals so a burst never spends a
    // whole minute's budget at once (developer.okta.com/docs/reference/rl-global-mgmt/).
    const domain = (group: EndpointGroup) =>
      ctx.quota(`okta:${host}:${group}`, {
        concurrency: Math.min(groupConcurrency[group], settings.maxConcurrency),
        intervalCap: Math.max(1, Math.floor(perMinuteLimits[group][tier] / 6)),
        interval: 10_000,
      });
    const domains = {
      users: domain("users"),
      apps: domain("apps"),
      groups: domain("groups"),
      other: domain("other"),
    };
    const orgDomain = ctx.quota(`okta:${host}`, { concurrency: settings.maxConcurrency });

    // Every request in flight (and every one queued in a quota domain) listens on the connection's
    // signal; thousands of factor calls are expected, not a leak.
    setMaxListeners(0, ctx.signal);
    const transport = new Transport({
      caBundle: settings.caBundle,
      timeoutMs: settings.timeoutSeconds * 1000,
      maxResponseBytes: settings.maxResponseBytes,
    });
    // Sockets are let go when the collection ends.
    ctx.signal.addEventListener("abort", () => void transport.close(), { once: true });
    const origin = new URL(baseUrl).origin;
    const oktaSdk = await loadSdk();
    const ScanRequestExecutor = scanRequestExecutor(oktaSdk);
    const executor = new ScanRequestExecutor({
      transport,
      signal: ctx.signal,
      onResponse: (url, headers) => {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          return;
        }
        if (parsed.origin !== origin) return;
        const group = endpointGroup(parsed.pathname);
        // Okta's buckets are org-wide and shared with the customer's other integrations: when one is
        // nearly spent, hold its requests until it resets instead of spending the rest on 429s. The
        // reserve covers requests of ours already in flight.
        const remaining = Number(headers.get("x-rate-limit-remaining"));
        const reserve = Math.min(groupConcurrency[group], settings.maxConcurrency);
        if (
          headers.get("x-rate-limit-remaining") !== null &&
          Number.isFinite(remaining) &&
          remaining <= reserve
        ) {
          const delay = resetDelayMs(headers);
          // ctx.sleep: the collection's clock (real in a sweep, injected in tests), aborted with it. A reset
          // further away than any server may ask us to wait is not waited for (it would stall the sweep
          // for hours): the requests go on, and a 429 with that reset fails the read at once (withRetry).
          if (delay && delay <= maxServerWaitMs)
            domains[group].pauseFor(delay, (ms) => ctx.sleep(ms).catch(() => {}));
        }
      },
    });

    const auth = settings.auth;
    // Every field the SDK's config loader knows is set, so nothing of another org's can fill a gap.
    const common = {
      orgUrl: baseUrl,
      userAgent: "mfasweep",
      cacheMiddleware: null,
      requestExecutor: executor,
    };
    let sdk: okta.Client;
    try {
      if (auth.method === "api-token") {
        const token = (await ctx.secret(auth.token)).reveal();
        sdk = isolatedClient(oktaSdk, {
          ...common,
          authorizationMode: "SSWS",
          token,
          clientId: "",
          scopes: [],
          privateKey: "",
          keyId: "",
        });
      } else {
        const privateKey = (await ctx.secret(auth.privateKey)).reveal();
        sdk = isolatedClient(oktaSdk, {
          ...common,
          authorizationMode: "PrivateKey",
          token: "",
          clientId: auth.clientId,
          scopes: auth.scopes,
          privateKey,
          keyId: auth.keyId ?? "",
        });
      }
    } catch (err) {
      if (err instanceof MfasweepError) throw err;
      // The SDK lists what is missing; its message never contains the secret values.
      throw new ProviderAuthError(
        `the Okta client could not be created: ${(err as Error).message.split("\n").slice(0, 3).join("; ")}`,
      );
    }
    const client = new OktaClient(ctx, sdk, baseUrl, domains, orgDomain, oktaSdk);
    if (auth.method === "private-key") await client.authenticate(auth.scopes);
    return client;
  }

  /**
   * Fetches the OAuth access token once, before the parallel reads (which would each ask for one), and
   * checks it: SDK 8.1.0 does not reject a refused token request (its error filter is not wired in
   * oauth.js), it caches the error body as the "token" and sends `Bearer undefined`.
   */
  private async authenticate(requested: string[]): Promise<void> {
    const label = "POST /oauth2/v1/token";
    const response: unknown = await this.call(label, "/oauth2/v1/token", needs.users, () =>
      this.sdk.oauth.getAccessToken(),
    );
    const token = TokenResponse.safeParse(response);
    if (!token.success) {
      this.sdk.oauth.clearCachedAccessToken();
      const refusal = TokenRefusal.safeParse(response);
      const why = refusal.success
        ? [
            refusal.data.error ?? refusal.data.errorCode,
            refusal.data.error_description ?? refusal.data.errorSummary,
          ]
            .filter(Boolean)
            .join(": ")
        : "no access token in the response";
      throw new ProviderAuthError(
        `${label}: the OAuth token request was refused (${why}); check clientId, keyId, the public key registered on the service app, and the scopes granted to it`,
      );
    }
    if (token.data.scope === undefined) return;
    const granted = new Set(token.data.scope.split(" ").filter(Boolean));
    this.grant = { requested, granted: [...granted], missing: requested.filter((s) => !granted.has(s)) };
    if (this.grant.missing.length)
      this.ctx.note(
        `the access token was granted without ${this.grant.missing.join(", ")}: reads that need them are refused`,
      );
  }

  url(path: string, params: Record<string, string> = {}): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  /** One request inside its bucket's domain and the org-wide cap, with retry and error translation. */
  call<T>(label: string, path: string, needed: Needed, send: () => Promise<T>): Promise<T> {
    const group = endpointGroup(new URL(path, this.baseUrl).pathname);
    return this.ctx.request(
      this.domains[group],
      label,
      () => this.orgDomain.schedule(send, this.ctx.signal),
      (err) => classifyOktaError(err, label, needed, this.authMethod, this.maxResponseBytes),
    );
  }

  /**
   * A `Link`-paged list as pages of raw records, through the SDK's `Collection` (it follows the absolute
   * `rel="next"` URL). A failed page is retried as is: `getNextPage` only advances after a success. A next
   * link to another origin is refused (it would receive our credentials); a repeated one is a paging loop.
   */
  async *pages(
    label: string,
    path: string,
    params: Record<string, string>,
    needed: Needed,
  ): AsyncGenerator<unknown[]> {
    const first = this.url(path, params);
    const collection = new this.sdkModule.Collection<unknown>(
      this.sdk.http,
      first,
      { parseResponse: async () => [] },
      getRequest(first),
    );
    const guard = this.pageGuard(label, first);
    for (let page = 1; ; page++) {
      const items: unknown = await this.call(`${label} page ${page}`, path, needed, () =>
        collection.getNextPage(),
      );
      if (!Array.isArray(items))
        throw new ProviderResponseError(`${label} page ${page}: expected a JSON array, got ${typeof items}`);
      const next = collection.nextUri as string | undefined;
      guard.page(items);
      yield items;
      if (!next) return;
      this.checkOrigin(label, next, page);
      guard.follow(next);
    }
  }

  /**
   * `GET /api/v1/iam/assignees/users` answers an object with `value[]` and `_links.next.href` (the
   * RoleAssignedUsers model), not a bare array; followed the same way, `Link` header as a fallback.
   */
  async *assigneePages(
    label: string,
    path: string,
    params: Record<string, string>,
    needed: Needed,
  ): AsyncGenerator<unknown[]> {
    let url = this.url(path, params);
    const guard = this.pageGuard(label, url);
    for (let page = 1; ; page++) {
      const current = url;
      const { data, link } = await this.call(`${label} page ${page}`, path, needed, async () => {
        const res = (await this.sdk.http.http(current, getRequest(current))) as FetchResponse;
        return { data: await res.json(), link: res.headers.get("link") };
      });
      const parsed = RoleAssignedUsersPage.safeParse(data);
      if (!parsed.success)
        throw new ProviderResponseError(
          `${label} page ${page}: response does not match the documented shape`,
        );
      const next = parsed.data._links?.next?.href ?? /<([^>]+)>;\s*rel="next"/.exec(link ?? "")?.[1];
      guard.page(parsed.data.value ?? []);
      yield parsed.data.value ?? [];
      if (!next) return;
      this.checkOrigin(label, next, page);
      guard.follow(next);
      url = next;
    }
  }

  private pageGuard(label: string, first: string): PageGuard {
    return new PageGuard(label, (l, n) => this.ctx.records(l, n), "next link", first);
  }

  /** A next link must be absolute and on the org's origin: it would receive our credentials. */
  private checkOrigin(label: string, next: string, page: number): void {
    let target: URL;
    try {
      target = new URL(next);
    } catch {
      throw new ProviderResponseError(`${label}: page ${page} has a next link that is not an absolute URL`);
    }
    if (target.origin !== new URL(this.baseUrl).origin)
      throw new ProviderResponseError(
        `${label}: page ${page} links to another host (${target.host}); not followed`,
      );
  }
}

/** Validates one record; returns the issue text on failure. */
export function parseRecord<T>(
  schema: z.ZodType<T>,
  raw: unknown,
): { ok: true; value: T } | { ok: false; issue: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    issue: `${issue?.message ?? "invalid"}${issue?.path.length ? ` at ${issue.path.join(".")}` : ""}`,
  };
}
