import type { AccessToken, TokenCredential, TokenCredentialOptions } from "@azure/identity";
import type { Client, Context, GraphError, Middleware } from "@microsoft/microsoft-graph-client";
import type { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { checkShape } from "../../src/collect/http.js";
import { jwtClaims, leastPrivilegeCheck } from "../../src/collect/least-privilege.js";
import { PageGuard } from "../../src/collect/paging.js";
import type { CollectContext, DoctorCheck } from "../../src/collect/provider.js";
import type { QuotaDomain, QuotaLimits } from "../../src/collect/quota.js";
import {
  type AttemptOutcome,
  classifyStatus,
  maxServerWaitMs,
  parseRetryAfter,
} from "../../src/collect/retry.js";
import { RedirectRefusedError, ResponseTooLargeError, Transport } from "../../src/collect/transport.js";
import {
  describeError,
  MfasweepError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import { sha256Hex } from "../../src/util/hash.js";
import {
  BatchResponse,
  type Endpoint,
  GraphErrorBody,
  maxBatchRequests,
  Page,
  type QuotaKind,
} from "./api.js";
import { type Cloud, clouds, type EntraSettings } from "./settings.js";
import { tokenHttpClient } from "./token-transport.js";

/**
 * Transport for one Entra connection: credentials per cloud, the Graph client (`@microsoft/microsoft-graph-
 * client` 3.0.7) with a fetch that honours the connection's CA bundle and timeout, the three quota domains,
 * paging over `@odata.nextLink`, and Graph's errors translated into ours. Knows nothing about policies.
 */

/**
 * Documented limits (throttling-limits.md, reference §1.8):
 * - conditional access / named locations: 1 request per second per tenant, for all apps together;
 * - identity and access reports (registration details, authentication methods): 5 requests per 10 s per
 *   app per tenant;
 * - directory: a token bucket of 3,500 resource units per 10 s for the smallest tenants; a $select'ed GET
 *   costs 1-3 units, so 100 requests/s with 8 in flight stays under it.
 * The two small windows get a 10% margin: Graph measures them on arrival, and arrival times jitter by the
 * network latency of each request, so pacing at exactly the limit still draws 429s.
 */
export const quotaLimits: Record<QuotaKind, QuotaLimits> = {
  "conditional-access": { concurrency: 1, intervalCap: 1, interval: 1100 },
  reports: { concurrency: 5, intervalCap: 5, interval: 11_000 },
  directory: { concurrency: 8, intervalCap: 100, interval: 1000 },
};

/**
 * The same reports also have a limit per app for all tenants: 122 requests per 10 s (learn.microsoft.com/
 * graph/throttling-limits, "Identity and access reports service limits": "Limit per app for all tenants |
 * 122 requests per 10 seconds"). A sweep of 25 tenants without P1 (each reading its users' methods at 5 per
 * 10 s) would pass it, so every reports request also holds a slot of this domain, which spans the tenants
 * the app reads. The same 10% margin on the window; no more in flight than one window admits.
 */
export const appReportsLimits: QuotaLimits = { concurrency: 122, intervalCap: 122, interval: 11_000 };

/** The CA endpoints send no Retry-After on 429: back off from one second (their window), doubling. */
const caBackoffBaseMs = 1000;
const maxBackoffMs = 60_000;

/** A 403 that says the tenant lacks the licence (Entra ID P1/P2): a property of the tenant, not a failure. */
export class NotLicensedError extends MfasweepError {
  override name = "NotLicensedError";
}

/** 404: the object no longer exists (a policy may still name a deleted group). */
export class GraphNotFoundError extends ProviderResponseError {
  override name = "GraphNotFoundError";
}

export interface ResolvedEndpoints {
  cloud: Cloud;
  /** Graph root the requests go to (the cloud's, or the `endpoint` override). */
  graphBaseUrl: string;
  /** Entra sign-in host for token requests. */
  authorityHost: string;
  /** Token scope: always the cloud's Graph resource, even behind an endpoint override. */
  scope: string;
}

export function resolveEndpoints(
  settings: Pick<EntraSettings, "cloud" | "endpoint" | "authorityHost">,
): ResolvedEndpoints {
  const cloud = clouds[settings.cloud];
  return {
    cloud: settings.cloud,
    graphBaseUrl: (settings.endpoint ?? cloud.graph).replace(/\/+$/, ""),
    authorityHost: (settings.authorityHost ?? cloud.login).replace(/\/+$/, ""),
    scope: `${cloud.graph}/.default`,
  };
}

/** A token minted elsewhere: handed to the Graph client as is. */
function staticCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

export interface CredentialPlan {
  credential: TokenCredential;
  /** For messages: which identity signs in, never a secret. */
  principal: string;
  /**
   * The app Graph counts the requests against (its limits per app across all tenants): the client id, or
   * for a ready token its `appid`/`azp` claim; a token without them, a hash of it (one token is one app).
   */
  app: string;
}

/**
 * The client id a Graph access token was issued to: `appid` in v1.0 tokens, `azp` in v2.0 tokens
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference). Not a secret: the app's id.
 */
export function tokenApp(token: string): string {
  const claims = jwtClaims(token);
  const id = claims?.appid ?? claims?.azp;
  return typeof id === "string" && guidPattern.test(id)
    ? id.toLowerCase()
    : `token:${sha256Hex(token).slice(0, 16)}`;
}

/**
 * Builds the credential for the connection's auth method: an app's client secret or certificate against
 * the cloud's sign-in host, or a ready token. `httpClient` lets tests answer MSAL's token request
 * without a network (MSAL refuses non-https authorities, so no local emulator can stand in).
 */
export async function createCredential(
  settings: EntraSettings,
  secret: (ref: string) => Promise<{ reveal(): string }>,
  options: { httpClient?: TokenCredentialOptions["httpClient"] } = {},
): Promise<CredentialPlan> {
  const { authorityHost } = resolveEndpoints(settings);
  // A sign-in host that is not the cloud's own (a proxy, an emulator) has no Microsoft instance metadata:
  // MSAL would look it up on the public cloud, so discovery is off for it.
  const common = {
    authorityHost,
    httpClient: options.httpClient ?? tokenHttpClient(settings),
    ...(settings.authorityHost ? { disableInstanceDiscovery: true } : {}),
  };
  const auth = settings.auth;
  if (auth.method === "access-token") {
    const token = (await secret(auth.token)).reveal();
    return { credential: staticCredential(token), principal: "access token", app: tokenApp(token) };
  }
  // Loaded on demand: @azure/identity (MSAL) takes over half a second to import.
  const { ClientCertificateCredential, ClientSecretCredential } = await import("@azure/identity");
  switch (auth.method) {
    case "client-secret":
      return {
        credential: new ClientSecretCredential(
          settings.tenantId,
          auth.clientId,
          (await secret(auth.secret)).reveal(),
          common,
        ),
        principal: `app ${auth.clientId} (client secret)`,
        app: auth.clientId.toLowerCase(),
      };
    case "client-certificate": {
      const pem = (await secret(auth.certificate)).reveal();
      if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/PRIVATE KEY-----/.test(pem))
        throw new ProviderAuthError(
          "the client certificate must be a PEM holding the certificate and its private key",
        );
      return {
        credential: new ClientCertificateCredential(
          settings.tenantId,
          auth.clientId,
          { certificate: pem },
          { ...common, sendCertificateChain: auth.sendCertificateChain },
        ),
        principal: `app ${auth.clientId} (certificate)`,
        app: auth.clientId.toLowerCase(),
      };
    }
  }
}

/** A network-level failure, named so the classifier can tell it from an HTTP error. */
class NetworkError extends Error {
  override name = "NetworkError";
}

/** Connections per Graph origin: as many as the busiest quota domain runs at once. */
const maxConnections = 8;

const tlsCodes = /(SELF_SIGNED|UNABLE_TO_VERIFY|CERT_|ERR_TLS)/;

/** Statuses whose Response may not carry a body (the fetch standard's "null body status"). */
const nullBodyStatus = new Set([101, 103, 204, 205, 304]);

/**
 * The last middleware: sends the request on the one HTTP stack (`Transport`: the connection's CA bundle,
 * proxy, redirects refused, the body read within the byte limit and the deadline), with the collection's
 * abort signal. Replaces graph-client's HTTPMessageHandler, which uses the global fetch without these.
 */
class FetchHandler implements Middleware {
  readonly #transport: Transport;
  constructor(
    settings: Pick<EntraSettings, "caBundle" | "timeoutSeconds" | "maxResponseBytes">,
    private readonly signal: AbortSignal,
  ) {
    // A bounded pool: one TLS handshake per connection, reused, instead of one per concurrent request.
    this.#transport = new Transport({
      caBundle: settings.caBundle,
      timeoutMs: settings.timeoutSeconds * 1000,
      maxResponseBytes: settings.maxResponseBytes,
      connections: maxConnections,
    });
  }
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const options = context.options ?? {};
    try {
      const response = await this.#transport.fetch(new URL(url), {
        method: options.method ?? "GET",
        headers: options.headers as Record<string, string>,
        ...(typeof options.body === "string" ? { body: options.body } : {}),
        signal: this.signal,
      });
      context.response = new Response(nullBodyStatus.has(response.status) ? null : response.text, {
        status: response.status,
        headers: response.headers,
      });
    } catch (err) {
      if (this.signal.aborted) throw this.signal.reason;
      if (err instanceof MfasweepError) throw err;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError")
        throw new NetworkError(`timed out after ${this.#transport.timeoutMs / 1000} s`);
      const code = e.cause?.code ?? e.name;
      throw new NetworkError(`${code}: ${e.cause?.message ?? e.message}`);
    }
  }
  close(): Promise<void> {
    return this.#transport.close();
  }
}

function header(headers: Headers | undefined, name: string): string | undefined {
  return typeof headers?.get === "function" ? (headers.get(name) ?? undefined) : undefined;
}

/** Permission names some workloads put in a 403 message ("missing permission scope A,B"). */
function permissionsNamed(message: string): string[] {
  const m =
    /missing permission scope ([A-Za-z.,\s]+?)\.?(?:"|$|\\)/.exec(message) ??
    /requires one of '([^']+)'/.exec(message);
  return m?.[1] ? m[1].split(/[,\s]+/).filter((p) => /^[A-Z][A-Za-z]+\.[A-Za-z.]+$/.test(p)) : [];
}

/** The transport's named refusals, rebuilt from the GraphError that carries their name. */
const transportErrors: Record<string, new (message: string) => MfasweepError> = {
  ResponseTooLargeError,
  RedirectRefusedError,
};

const licenceError =
  /NonPremium|premium licen[cs]e|Premium 2 licen[cs]e|not licensed|licen[cs]e is required/i;

/**
 * Graph → our errors. 429: throttled, honouring Retry-After, else (Conditional Access, which sends none)
 * an exponential backoff from its 1 s window; 5xx/408/network: transient; 401: auth; 403: licence or
 * the endpoint's permission; 404: not found.
 */
export function classifyGraphError(
  err: unknown,
  endpoint: Endpoint,
  attempt: number,
  GraphError: GraphErrorClass,
): AttemptOutcome {
  if (err instanceof MfasweepError) return { kind: "fatal", error: err };
  // graph-client wraps what the fetch middleware threw into a GraphError keeping only its name and message.
  const ours = err instanceof GraphError ? transportErrors[err.code ?? ""] : undefined;
  if (ours && err instanceof GraphError) return { kind: "fatal", error: new ours(err.message) };
  if (!(err instanceof GraphError)) {
    return {
      kind: "fatal",
      error: new ProviderResponseError(`${endpoint.label}: ${(err as Error)?.message ?? String(err)}`),
    };
  }
  const status = err.statusCode;
  const body = GraphErrorBody.safeParse(typeof err.body === "string" ? safeJson(err.body) : err.body);
  const code = body.success ? (body.data.error.code ?? "") : (err.code ?? "");
  const message = body.success
    ? (body.data.error.message ?? `HTTP ${status}`)
    : err.message || `HTTP ${status}`;
  if (status === -1 || status === undefined) {
    if (err.code === "NetworkError") {
      if (tlsCodes.test(err.message))
        return {
          kind: "fatal",
          error: new ProviderUnavailableError(
            `${endpoint.label}: TLS certificate not trusted (${err.message.split(":")[0]}); set caBundle if a proxy re-signs traffic`,
          ),
        };
      if (/ENOTFOUND|EAI_AGAIN/.test(err.message))
        return {
          kind: "fatal",
          error: new ProviderUnavailableError(`${endpoint.label}: host not found (${err.message})`),
        };
      return { kind: "transient", detail: err.message.slice(0, 160) };
    }
    if (/AuthenticationError|CredentialUnavailableError|AuthenticationRequiredError/.test(err.code ?? "")) {
      return {
        kind: "fatal",
        error: new ProviderAuthError(`token request refused: ${err.message.split("\n")[0]?.slice(0, 300)}`),
      };
    }
    return { kind: "fatal", error: new ProviderResponseError(`${endpoint.label}: ${err.message}`) };
  }
  if (status >= 200 && status < 300) {
    // The body did not parse (truncated or not JSON): may be a cut connection, so worth one more try.
    return { kind: "transient", detail: `malformed response body (${err.code ?? "invalid"})` };
  }
  const retryAfter = header(err.headers, "retry-after");
  if (status === 429) {
    const given = parseRetryAfter(retryAfter);
    const backoff =
      given === undefined && endpoint.quota === "conditional-access"
        ? Math.min(maxBackoffMs, caBackoffBaseMs * 2 ** attempt)
        : given;
    return {
      kind: "throttled",
      ...(backoff !== undefined ? { retryAfterMs: backoff } : {}),
      detail: `HTTP 429 ${code}`.trim(),
    };
  }
  if (status === 401)
    return {
      kind: "fatal",
      error: new ProviderAuthError(`${endpoint.label}: credentials refused (HTTP 401 ${code}: ${message})`),
    };
  if (status === 403 && licenceError.test(`${code} ${message}`))
    return { kind: "fatal", error: new NotLicensedError(`${endpoint.label}: ${message} (${code})`) };
  if (status === 403) {
    const named = permissionsNamed(message);
    return {
      kind: "fatal",
      error: new ProviderPermissionError(
        `${endpoint.label}: ${code ? `${code}: ` : ""}${message}`,
        named.length ? named : [endpoint.permission],
      ),
    };
  }
  if (status === 404)
    return { kind: "fatal", error: new GraphNotFoundError(`${endpoint.label}: ${code} ${message}`.trim()) };
  return classifyStatus(
    status,
    retryAfter,
    () => new ProviderResponseError(`${endpoint.label}: HTTP ${status} ${code}: ${message}`),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a batched read cost: `$batch` requests sent, inner requests in them, inner 429s sent again. */
export interface BatchStats {
  batches: number;
  requests: number;
  throttled: number;
}

/** A batch's inner answer to one request: status, headers and body as Graph gave them. */
interface InnerAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A request gathered by `together`: where it goes, and who waits for its inner answer. */
interface Gathered {
  version: Endpoint["version"];
  path: string;
  resolve: (answer: InnerAnswer | undefined) => void;
}

/** `$batch` itself needs no permission; each inner request is authorised on its own. */
const permissionsOfBatch = "(none: each inner request needs its own)";

/** Inner 429s per path sent again before the path counts as unread. */
const maxInnerRetries = 5;

type GraphErrorClass = typeof GraphError;

/** graph-client's parts mfasweep uses. The SDK is loaded when a connection runs, not when the CLI starts. */
export interface GraphSdk {
  Client: typeof Client;
  GraphError: GraphErrorClass;
  AuthenticationHandler: typeof import("@microsoft/microsoft-graph-client").AuthenticationHandler;
  TelemetryHandler: typeof import("@microsoft/microsoft-graph-client").TelemetryHandler;
  TokenCredentialAuthenticationProvider: typeof TokenCredentialAuthenticationProvider;
}

export async function loadGraphSdk(): Promise<GraphSdk> {
  const [graph, azure] = await Promise.all([
    import("@microsoft/microsoft-graph-client"),
    import("@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js"),
  ]);
  return {
    Client: graph.Client,
    GraphError: graph.GraphError,
    AuthenticationHandler: graph.AuthenticationHandler,
    TelemetryHandler: graph.TelemetryHandler,
    TokenCredentialAuthenticationProvider: azure.TokenCredentialAuthenticationProvider,
  };
}

export class EntraClient {
  readonly graph: Client;
  readonly #sdk: GraphSdk;
  readonly endpoints: ResolvedEndpoints;
  readonly #fetch: FetchHandler;
  readonly #quotas: Record<QuotaKind, QuotaDomain>;

  constructor(
    private readonly ctx: CollectContext<EntraSettings>,
    credential: TokenCredential,
    sdk: GraphSdk,
    /** `CredentialPlan.app`: whose limits across all tenants the reports requests spend. */
    app: string,
  ) {
    const settings = ctx.settings;
    this.#sdk = sdk;
    const { AuthenticationHandler, Client, TelemetryHandler, TokenCredentialAuthenticationProvider } = sdk;
    this.endpoints = resolveEndpoints(settings);
    this.#fetch = new FetchHandler(settings, ctx.signal);
    const auth = new TokenCredentialAuthenticationProvider(credential, { scopes: [this.endpoints.scope] });
    const host = new URL(this.endpoints.graphBaseUrl).hostname;
    // No RetryHandler: our retry loop honours Retry-After per quota domain and counts retries for coverage;
    // graph-client's own would retry unseen and sleep for real. Graph adds the bearer token only for its
    // own hosts and `customHosts` (hostname, no port), and only over https.
    this.graph = Client.initWithMiddleware({
      middleware: [new AuthenticationHandler(auth), new TelemetryHandler(), this.#fetch],
      baseUrl: `${this.endpoints.graphBaseUrl}/`,
      customHosts: new Set([host]),
    });
    const tenant = settings.tenantId.toLowerCase();
    // Per app across all tenants, so per cloud too (each national cloud is its own Graph).
    const appReports = ctx.quota(`entra:app:${settings.cloud}:${app}:reports`, appReportsLimits);
    this.#quotas = {
      directory: ctx.quota(`entra:${tenant}:directory`, quotaLimits.directory),
      // Per app per tenant: two apps reading one tenant have a window each.
      reports: ctx.quota(`entra:${tenant}:reports:${app}`, quotaLimits.reports, appReports),
      "conditional-access": ctx.quota(
        `entra:${tenant}:conditional-access`,
        quotaLimits["conditional-access"],
      ),
    };
  }

  /**
   * One GET with limiter, retry and error translation. `path` may be an absolute nextLink. Asked for inside
   * `together`, a directory read's first request goes out in a JSON batch; its inner answer is then its
   * first attempt, classified and retried exactly like an answer to the GET alone.
   */
  get(endpoint: Endpoint, path: string, label = endpoint.label): Promise<unknown> {
    const inner = this.#gather(endpoint, path);
    return inner
      ? inner.then((answer) => this.#get(endpoint, path, label, answer))
      : this.#get(endpoint, path, label);
  }

  #get(endpoint: Endpoint, path: string, label: string, answer?: InnerAnswer): Promise<unknown> {
    let attempt = 0;
    return this.ctx.request(
      this.#quotas[endpoint.quota],
      label,
      () => {
        const request = this.graph.api(path);
        return (path.startsWith("https://") ? request : request.version(endpoint.version)).get();
      },
      (err) => classifyGraphError(err, endpoint, attempt++, this.#sdk.GraphError),
      answer ? () => this.#answered(answer) : undefined,
    );
  }

  /** An inner answer as the SDK would have given it for the GET alone: the body, or its GraphError. */
  async #answered(answer: InnerAnswer): Promise<unknown> {
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const parsed = GraphErrorBody.safeParse(answer.body);
    const err = new this.#sdk.GraphError(
      answer.status,
      (parsed.success ? parsed.data.error.message : undefined) ?? `HTTP ${answer.status}`,
    );
    err.code = (parsed.success ? parsed.data.error.code : undefined) ?? null;
    err.body = answer.body;
    err.headers = new Headers(answer.headers);
    throw err;
  }

  /** Requests asked for inside `together`, waiting for their batch; undefined outside it. */
  #gathering: Gathered[] | undefined;

  #gather(endpoint: Endpoint, path: string): Promise<InnerAnswer | undefined> | undefined {
    const gathering = this.#gathering;
    // Only the directory's: one batch then spends one domain's slots (Conditional Access admits one request
    // per second and the reports five per 10 s, so their reads gain nothing from sharing a batch).
    if (!gathering || endpoint.quota !== "directory" || path.startsWith("https://")) return undefined;
    return new Promise((resolve) => gathering.push({ version: endpoint.version, path, resolve }));
  }

  /**
   * Runs independent reads with the first request each makes at once (before its first await) gathered
   * into JSON batches of the directory domain: one round trip instead of one each. Their later pages
   * follow their `@odata.nextLink` alone. Two or more are batched; a lone one is sent alone.
   */
  together<T>(reads: () => Promise<T>): Promise<T> {
    const gathered: Gathered[] = [];
    this.#gathering = gathered;
    let result: Promise<T>;
    try {
      result = reads();
    } finally {
      this.#gathering = undefined;
    }
    void this.#sendGathered(gathered);
    return result;
  }

  /**
   * Sends the gathered requests in batches of at most 20 (per API version). Graph throttles each inner
   * request on its own, so a batch takes one directory slot per inner request, all at once. A batch that
   * fails as a whole (after its retries) answers nothing: each of its requests is then sent alone and meets
   * its own error there.
   */
  async #sendGathered(gathered: Gathered[]): Promise<void> {
    if (gathered.length < 2) {
      for (const g of gathered) g.resolve(undefined);
      return;
    }
    const chunks: Gathered[][] = [];
    for (const version of new Set(gathered.map((g) => g.version))) {
      const same = gathered.filter((g) => g.version === version);
      for (let i = 0; i < same.length; i += maxBatchRequests)
        chunks.push(same.slice(i, i + maxBatchRequests));
    }
    await Promise.all(
      chunks.map(async (chunk) => {
        const version = chunk[0]!.version;
        const endpoint: Endpoint = {
          label: `POST /$batch (${chunk.length} first pages)`,
          path: "/$batch",
          version,
          permission: permissionsOfBatch,
          quota: "directory",
        };
        let attempt = 0;
        try {
          const raw = await this.ctx.request(
            this.#quotas.directory.counting(chunk.length),
            endpoint.label,
            () =>
              this.graph
                .api("/$batch")
                .version(version)
                .post({ requests: chunk.map((g, i) => ({ id: String(i + 1), method: "GET", url: g.path })) }),
            (err) => classifyGraphError(err, endpoint, attempt++, this.#sdk.GraphError),
          );
          const body = BatchResponse.safeParse(raw);
          const byId = new Map(body.success ? body.data.responses.map((r) => [r.id, r]) : []);
          chunk.forEach((g, i) => {
            const r = byId.get(String(i + 1));
            // A 2xx whose body is not JSON (a string) is no page: the request is sent alone instead.
            const usable = r && (typeof r.body === "object" || !(r.status >= 200 && r.status < 300));
            g.resolve(usable ? { status: r.status, headers: r.headers ?? {}, body: r.body } : undefined);
          });
        } catch {
          for (const g of chunk) g.resolve(undefined);
        }
      }),
    );
  }

  /** One POST of a read-only action (What If) with the same limiter, retry and error translation. */
  post(endpoint: Endpoint, body: unknown, label = endpoint.label): Promise<unknown> {
    let attempt = 0;
    return this.ctx.request(
      this.#quotas[endpoint.quota],
      label,
      () => this.graph.api(endpoint.path).version(endpoint.version).post(body),
      (err) => classifyGraphError(err, endpoint, attempt++, this.#sdk.GraphError),
    );
  }

  /**
   * Follows `@odata.nextLink` (the whole URL, as Graph documents) until there is none. A nextLink seen
   * twice is a paging loop: stop with an error rather than loop forever or return a partial list silently.
   */
  async *pages(endpoint: Endpoint, first: string, label = endpoint.label): AsyncIterable<unknown[]> {
    const guard = new PageGuard(label, (l, n) => this.ctx.records(l, n), "@odata.nextLink");
    let path = first;
    for (let page = 1; ; page++) {
      const data = checkShape(
        Page,
        await this.get(endpoint, path, `${label} page ${page}`),
        `${label} page ${page}`,
      );
      const next = data["@odata.nextLink"];
      guard.page(data.value);
      yield data.value;
      if (!next) return;
      if (!next.startsWith("https://"))
        throw new ProviderResponseError(`${label}: @odata.nextLink is not an absolute https URL`);
      // Another host's answers are not this tenant's directory (and Graph's hosts would get the token).
      const target = URL.canParse(next) ? new URL(next) : undefined;
      if (target?.origin !== new URL(this.endpoints.graphBaseUrl).origin)
        throw new ProviderResponseError(
          `${label}: page ${page} links to another host (${target?.host ?? "not a URL"}); not followed`,
        );
      guard.follow(next);
      path = next;
    }
  }

  /**
   * GETs `paths` through JSON batching (`POST /$batch`, at most 20 per request). Graph throttles each inner
   * request on its own when the batch arrives, so a batch spends one slot of the endpoint's quota domains
   * per inner request, all at once when it leaves, and holds no more than one window admits (5 for the
   * reports: a batch of 20 would draw 15 inner 429s however long it waited); inner 429s are sent again in
   * a later batch after the longest inner Retry-After (SDKs do not retry inside a batch). Answers each
   * path with its inner status and body; `stats` says what it cost.
   */
  async batchGet(
    endpoint: Endpoint,
    paths: string[],
    label = endpoint.label,
  ): Promise<{ answers: Map<string, { status: number; body: unknown }>; stats: BatchStats }> {
    const domain = this.#quotas[endpoint.quota];
    const answers = new Map<string, { status: number; body: unknown }>();
    const stats: BatchStats = { batches: 0, requests: 0, throttled: 0 };
    const tries = new Map<string, number>();
    let pending = [...paths];
    const size = Math.min(maxBatchRequests, quotaLimits[endpoint.quota].intervalCap ?? maxBatchRequests);
    while (pending.length) {
      const chunk = pending.slice(0, size);
      pending = pending.slice(size);
      let attempt = 0;
      const raw = await this.ctx.request(
        domain.counting(chunk.length),
        `${label} $batch`,
        () =>
          this.graph
            .api("/$batch")
            .version(endpoint.version)
            .post({ requests: chunk.map((url, i) => ({ id: String(i + 1), method: "GET", url })) }),
        (err) => classifyGraphError(err, endpoint, attempt++, this.#sdk.GraphError),
      );
      stats.batches++;
      stats.requests += chunk.length;
      const body = checkShape(BatchResponse, raw, `${label} $batch`);
      let wait = 0;
      for (const r of body.responses) {
        const path = chunk[Number(r.id) - 1];
        if (path === undefined) continue;
        const tried = (tries.get(path) ?? 0) + 1;
        tries.set(path, tried);
        const asked = parseRetryAfter(r.headers?.["retry-after"] ?? r.headers?.["Retry-After"]) ?? 1000;
        // A wait longer than any server may ask for is not waited on: the 429 stands as the answer.
        if (r.status === 429 && tried <= maxInnerRetries && asked <= maxServerWaitMs) {
          stats.throttled++;
          wait = Math.max(wait, asked);
          pending.push(path);
        } else answers.set(path, { status: r.status, body: r.body });
      }
      for (const path of chunk)
        if (!answers.has(path) && !pending.includes(path))
          answers.set(path, { status: 0, body: "the batch answer had no response for this request" });
      if (wait > 0) {
        // An inner 429 is the domain's (or the app's across tenants) as much as an outer one: hold them all.
        domain.pauseFor(wait, (ms) => this.ctx.sleep(ms).catch(() => {}));
        await this.ctx.sleep(wait);
      }
    }
    return { answers, stats };
  }

  close(): Promise<void> {
    return this.#fetch.close();
  }
}

export async function connect(
  ctx: CollectContext<EntraSettings>,
): Promise<{ client: EntraClient; principal: string; credential: TokenCredential }> {
  const { credential, principal, app } = await createCredential(ctx.settings, ctx.secret);
  await checkTokenTenant(credential, ctx.settings);
  return { client: new EntraClient(ctx, credential, await loadGraphSdk(), app), principal, credential };
}

/** The access token was issued by another directory than the connection's `tenantId` (issue #19 item 9). */
export class CrossedTenantError extends ProviderAuthError {
  override name = "CrossedTenantError";
}

/**
 * Graph access tokens are JWTs whose `tid` claim is the GUID of the directory that issued them, which is the
 * directory Graph then answers for (learn.microsoft.com/entra/identity-platform/access-token-claims-reference,
 * "tid"). A token for another customer would read that customer's directory under this tenant's name, with
 * coverage complete: refused before the first read. A configured verified domain cannot be compared with a
 * GUID (the sign-in host resolves it when it issues the token); a token that is not a JWT has no claims to
 * compare (an opaque token never comes from Entra's token endpoint).
 */
export async function checkTokenTenant(credential: TokenCredential, settings: EntraSettings): Promise<void> {
  if (!guidPattern.test(settings.tenantId)) return;
  let token: string | undefined;
  try {
    token = (await credential.getToken(resolveEndpoints(settings).scope))?.token;
  } catch {
    // The first Graph request asks again and reports the sign-in failure with its endpoint.
    return;
  }
  const claims = token ? jwtClaims(token) : undefined;
  if (!claims) return;
  const tid = claims.tid;
  if (typeof tid !== "string" || !guidPattern.test(tid))
    throw new CrossedTenantError(
      `the access token carries no tenant (tid claim), so it cannot be shown to belong to tenant ${settings.tenantId}; nothing was read`,
    );
  if (tid.toLowerCase() !== settings.tenantId.toLowerCase())
    throw new CrossedTenantError(
      `the access token was issued by tenant ${tid}, not by the configured tenantId ${settings.tenantId}; nothing was read (check the token or the tenantId)`,
    );
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `doctor`'s least-privilege and consent check: the Graph token's `roles` (application permissions, the
 * ones consented in this tenant) or `scp` (delegated) claim against what mfasweep reads (`needed`). An app
 * never consented in the tenant has no service principal there, and sign-in says so with AADSTS700016
 * (providers/entra/login-emulator.ts states it). Undefined when no token could be had for another reason
 * (the other checks already say why).
 */
export async function tokenPermissionsCheck(
  credential: TokenCredential,
  settings: EntraSettings,
  needed: string[],
): Promise<DoctorCheck | undefined> {
  const check = "permissions in the Graph access token (roles/scp claims)";
  let token: string | undefined;
  try {
    token = (await credential.getToken(resolveEndpoints(settings).scope))?.token;
  } catch (err) {
    const reason = describeError(err);
    if (/\bAADSTS700016\b/.test(reason))
      return {
        check,
        ok: false,
        missing: needed,
        consent: { state: "not-consented", granted: [], needed },
        detail: `the app is not consented in directory ${settings.tenantId} (AADSTS700016: it has no service principal there); mfasweep tenants consent-url prints the URL`,
      };
    return {
      check,
      ok: false,
      consent: { state: "unknown", granted: [], needed, reason },
      detail: `no token to read them from: ${reason}`,
    };
  }
  if (!token) return undefined;
  const claims = jwtClaims(token);
  if (!claims)
    return {
      check,
      ok: true,
      detail: "the token is not a JWT: check the app registration's API permissions by hand",
    };
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const roles = strings(claims.roles);
  const granted = [
    ...roles,
    ...(typeof claims.scp === "string" ? claims.scp.split(" ").filter(Boolean) : []),
  ];
  const result = leastPrivilegeCheck({
    check,
    granted,
    needed,
    where: "the app registration's API permissions (and withdraw their admin consent)",
  });
  // An app-only token without `roles` carries no application permission: consented, granted nothing.
  return typeof claims.scp === "string"
    ? result
    : { ...result, consent: { state: "granted", granted: roles, needed } };
}
