import { createHash } from "node:crypto";
import { z } from "zod";
import {
  MfasweepError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../errors.js";
import { PageGuard } from "./paging.js";
import type { CollectContext } from "./provider.js";
import type { QuotaDomain } from "./quota.js";
import { type AttemptOutcome, classifyStatus, parseRetryAfter } from "./retry.js";
import { causeCode, isCertificateError, Transport } from "./transport.js";

/**
 * The plumbing REST providers share (issue #7): an authenticated JSON request on the one HTTP stack
 * (`transport.ts`: CA bundle, proxy, redirects refused, bounded bodies), run through the connection's
 * quota domain and retry loop, an OAuth token fetch and two guarded paging loops. Vendor specifics (auth header, how a 429 says when to
 * come back, what a 403 means) stay in each provider and are passed in.
 */

/** A non-2xx answer, kept whole so a vendor's classifier can read its status, headers and body. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
    readonly label: string,
  ) {
    super(`${label}: HTTP ${status}`);
  }
  /** The server's own words, from the usual JSON error fields, else the start of the body. */
  detail(): string {
    try {
      const parsed = JSON.parse(this.body) as unknown;
      if (typeof parsed === "object" && parsed !== null) {
        const o = parsed as Record<string, unknown>;
        for (const key of ["error_description", "message", "Message", "error", "detail", "title"]) {
          const v = o[key];
          if (typeof v === "string" && v.trim()) return v.trim().slice(0, 200);
        }
      }
    } catch {
      // not JSON: fall through to the text
    }
    return this.body.replace(/\s+/g, " ").trim().slice(0, 200);
  }
}

export interface HttpClientOptions {
  /** Base URL that relative paths resolve against (the endpoint override when set). */
  baseUrl: string;
  /** PEM file of extra CAs (a proxy that re-signs traffic, a test CA). */
  caBundle?: string;
  timeoutSeconds: number;
  /** Largest response body read (the connection's `maxResponseBytes`; default 32 MiB). */
  maxResponseBytes?: number;
  /** Sent with every request (Accept, a vendor's client id header). */
  headers?: Record<string, string>;
  /** The auth header(s) for API calls; not used for token requests. */
  authorize?: () => Promise<Record<string, string>>;
  /** Vendor reading of a failed status before the generic one (e.g. a 403 that means "throttled"). */
  classify?: (err: HttpStatusError) => AttemptOutcome | undefined;
  /** How long a 429 asks us to wait, when the vendor says so in its own header. */
  retryAfterMs?: (headers: Headers) => number | undefined;
  /** The permissions a 403 on this request means are missing, for `ProviderPermissionError.missing`. */
  missingOn403?: (label: string) => string[];
}

export interface RequestSpec {
  method?: "GET" | "POST";
  /** Relative to the base URL, or absolute (a vendor's next-page link). */
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** A form or JSON body; a string is sent as is. */
  form?: Record<string, string>;
  json?: unknown;
  /** Token requests carry their own credentials, not the API's bearer token. */
  skipAuth?: boolean;
  /** This request's own reading of a failed status, before the vendor's and the generic one. */
  classify?: (err: HttpStatusError) => AttemptOutcome | undefined;
}

export interface JsonResponse {
  data: unknown;
  headers: Headers;
  url: string;
}

/** One REST connection's transport. Create it per collection and `close()` it when done. */
export class HttpClient {
  readonly baseUrl: URL;
  readonly transport: Transport;

  constructor(
    private readonly ctx: Pick<CollectContext<unknown>, "request" | "signal" | "records">,
    private readonly options: HttpClientOptions,
  ) {
    this.baseUrl = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.transport = new Transport({
      caBundle: options.caBundle,
      timeoutMs: options.timeoutSeconds * 1000,
      maxResponseBytes: options.maxResponseBytes,
    });
  }

  /** Resolves a relative path against the base URL (keeping the base's own path prefix). */
  resolve(url: string, query?: RequestSpec["query"]): URL {
    const resolved = new URL(url.replace(/^\//, ""), this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) resolved.searchParams.set(k, String(v));
    return resolved;
  }

  /** A guard for one page loop of this connection (records cap, repeated pages). */
  pageGuard(label: string, cursorName: string, first?: string): PageGuard {
    return new PageGuard(label, (l, n) => this.ctx.records(l, n), cursorName, first);
  }

  /** True when `url` is on the API's own origin: a token is never sent anywhere else. */
  sameOrigin(url: URL): boolean {
    return url.origin === this.baseUrl.origin;
  }

  /** One request through the quota domain, retried as `classify` decides; the body parsed as JSON. */
  async request(domain: QuotaDomain, label: string, spec: RequestSpec): Promise<JsonResponse> {
    const url = this.resolve(spec.url, spec.query);
    if (!this.sameOrigin(url)) {
      throw new ProviderResponseError(
        `${label}: the API pointed at another host (${url.origin}); not following it with our credentials`,
      );
    }
    // The auth header is obtained before this request takes a slot in the quota domain: a token request
    // is itself a request of the domain, and waiting for it while holding a slot could deadlock.
    const auth = spec.skipAuth ? {} : await this.options.authorize?.();
    return this.ctx.request(
      domain,
      label,
      () => this.#send(label, url, spec, auth ?? {}),
      (err) => this.classify(err, label, spec.classify),
    );
  }

  async #send(
    label: string,
    url: URL,
    spec: RequestSpec,
    auth: Record<string, string>,
  ): Promise<JsonResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.options.headers,
      ...auth,
      ...spec.headers,
    };
    let body: string | undefined;
    if (spec.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(spec.form).toString();
    } else if (spec.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(spec.json);
    }
    const response = await this.transport.fetch(
      url,
      { method: spec.method ?? "GET", headers, body, signal: this.ctx.signal },
      label,
    );
    const { text } = response;
    if (!response.ok) throw new HttpStatusError(response.status, response.headers, text, label);
    if (text.trim() === "") return { data: null, headers: response.headers, url: url.toString() };
    try {
      return { data: JSON.parse(text) as unknown, headers: response.headers, url: url.toString() };
    } catch {
      throw new ProviderResponseError(
        `${label}: the response is not JSON (${response.headers.get("content-type") ?? "no content type"}, ${text.length} bytes)`,
      );
    }
  }

  /** Our errors from a failed attempt: throttled and transient ones are retried by the caller's loop. */
  classify(
    err: unknown,
    label: string,
    own?: (err: HttpStatusError) => AttemptOutcome | undefined,
  ): AttemptOutcome {
    if (err instanceof MfasweepError) return { kind: "fatal", error: err };
    if (err instanceof HttpStatusError) {
      const vendor = own?.(err) ?? this.options.classify?.(err);
      if (vendor) return vendor;
      const detail = err.detail();
      const said = detail ? `: ${detail}` : "";
      if (err.status === 401)
        return {
          kind: "fatal",
          error: new ProviderAuthError(`${label}: credentials refused (HTTP 401${said})`),
        };
      if (err.status === 403) {
        return {
          kind: "fatal",
          error: new ProviderPermissionError(
            `${label}: forbidden (HTTP 403${said})`,
            this.options.missingOn403?.(label) ?? [],
          ),
        };
      }
      if (err.status === 429) {
        const wait =
          this.options.retryAfterMs?.(err.headers) ?? parseRetryAfter(err.headers.get("retry-after"));
        return { kind: "throttled", retryAfterMs: wait, detail: "HTTP 429" };
      }
      return classifyStatus(
        err.status,
        err.headers.get("retry-after"),
        () => new ProviderResponseError(`${label}: HTTP ${err.status}${said}`),
      );
    }
    const name = (err as { name?: unknown }).name;
    if (name === "TimeoutError") {
      return { kind: "transient", detail: `no answer within ${this.options.timeoutSeconds} s` };
    }
    const code = causeCode(err);
    if (isCertificateError(code)) {
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(
          `${label}: TLS certificate not trusted (${code}); set caBundle if a proxy re-signs traffic`,
        ),
      };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(`${label}: host ${this.baseUrl.hostname} not found (${code})`),
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { kind: "transient", detail: `${code ?? "network error"}: ${message.slice(0, 120)}` };
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** Validates one response against its documented shape; a mismatch names the request and the problem. */
export function checkShape<T>(schema: z.ZodType<T>, data: unknown, label: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ProviderResponseError(
      `${label}: response does not match the documented shape${at}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

/** RFC 6749 §5.1 token response (the fields we use). */
export const OAuthTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.number().nullish(),
});

/** RFC 6749 §5.2 error body. */
const OAuthError = z.object({ error: z.string(), error_description: z.string().nullish() });

export interface TokenRequest {
  label: string;
  url: string;
  form: Record<string, string>;
  /** `Authorization: Basic` for the client (RFC 6749 §2.3.1), when the vendor wants it there. */
  basic?: { user: string; password: string };
  /** Named when the server answers `invalid_scope` or 403. */
  scope?: string;
}

/**
 * An OAuth 2.0 token endpoint call (client credentials, or a vendor's password grant). A refusal becomes
 * `ProviderAuthError` (bad client or secret) or `ProviderPermissionError` (scope), naming what was refused,
 * never the secret. 429 and 5xx are retried like any request.
 */
export async function fetchOAuthToken(
  http: HttpClient,
  domain: QuotaDomain,
  request: TokenRequest,
): Promise<{ token: string; expiresInSeconds?: number }> {
  const headers: Record<string, string> = {};
  if (request.basic) {
    headers.authorization = `Basic ${Buffer.from(`${request.basic.user}:${request.basic.password}`).toString("base64")}`;
  }
  const missing = request.scope ? [request.scope] : [];
  const response = await http.request(domain, request.label, {
    method: "POST",
    url: request.url,
    form: request.form,
    headers,
    skipAuth: true,
    classify(err) {
      if (err.status !== 400 && err.status !== 401 && err.status !== 403) return undefined;
      let code: string | undefined;
      try {
        const parsed = OAuthError.safeParse(JSON.parse(err.body));
        code = parsed.success ? parsed.data.error : undefined;
      } catch {
        code = undefined;
      }
      const said = `HTTP ${err.status}${code ? ` ${code}` : ""}${err.detail() && err.detail() !== code ? `: ${err.detail()}` : ""}`;
      if (code === "invalid_scope" || err.status === 403) {
        return {
          kind: "fatal",
          error: new ProviderPermissionError(
            `${request.label}: token refused for the scope (${said})`,
            missing,
          ),
        };
      }
      return {
        kind: "fatal",
        error: new ProviderAuthError(
          `${request.label}: token request refused (${said}); check the client id and secret`,
        ),
      };
    },
  });
  const body = checkShape(OAuthTokenResponse, response.data, request.label);
  return { token: body.access_token, ...(body.expires_in ? { expiresInSeconds: body.expires_in } : {}) };
}

/** A bearer token fetched on first use and again shortly before it expires. */
export class CachedToken {
  #token: string | undefined;
  #expiresAt = 0;
  #pending: Promise<string> | undefined;
  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresInSeconds?: number }>,
    private readonly clock: () => number = Date.now,
  ) {}
  get(): Promise<string> {
    if (this.#token && this.clock() < this.#expiresAt) return Promise.resolve(this.#token);
    // Concurrent callers share one token request.
    this.#pending ??= this.fetchToken()
      .then(({ token, expiresInSeconds }) => {
        this.#token = token;
        // Renew a minute early; a token without expires_in is kept for the whole collection.
        this.#expiresAt = expiresInSeconds
          ? this.clock() + Math.max(0, expiresInSeconds - 60) * 1000
          : Number.POSITIVE_INFINITY;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}

/**
 * Page-number paging (`page=1,2,…` with a page size): stops at the first page shorter than the page size.
 * A page with the same records as the one before means the server ignores the page parameter: a
 * `PagingLoopError`, not a loop. Records count against the connection's `maxRecords`.
 */
export async function* pagesByNumber<T>(
  http: HttpClient,
  label: string,
  fetchPage: (page: number) => Promise<T[]>,
  options: { pageSize: number; firstPage?: number },
): AsyncIterable<T[]> {
  const first = options.firstPage ?? 1;
  const guard = http.pageGuard(label, "page");
  for (let n = 0; ; n++) {
    const items = await fetchPage(first + n);
    guard.page(items);
    if (items.length > 0) yield items;
    if (items.length < options.pageSize) return;
  }
}

/**
 * Next-link paging: follows the link each page names until there is none. A link seen twice, or a page
 * repeating the one before, is a loop; a link to another origin is refused (the token would go with it).
 */
export async function* pagesByNextLink<P>(
  http: HttpClient,
  label: string,
  first: string,
  fetchPage: (url: string) => Promise<P>,
  nextOf: (page: P) => string | null | undefined,
  itemsOf: (page: P) => readonly unknown[],
): AsyncIterable<P> {
  const guard = http.pageGuard(label, "next link", http.resolve(first).toString());
  let url: string | undefined = first;
  for (let n = 1; url; n++) {
    const page = await fetchPage(url);
    guard.page(itemsOf(page));
    yield page;
    const next = nextOf(page);
    if (!next) return;
    const resolved = http.resolve(next).toString();
    if (!http.sameOrigin(new URL(resolved)))
      throw new ProviderResponseError(`${label}: page ${n} links to another host; not following it`);
    guard.follow(resolved);
    url = resolved;
  }
}

/**
 * A short, one-way name for an account credential, so connections that share a vendor account share one
 * quota domain without the credential appearing in the domain's name.
 */
export function accountKey(credential: string): string {
  return createHash("sha256").update(credential).digest("hex").slice(0, 12);
}
