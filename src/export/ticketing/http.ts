import {
  type AttemptOutcome,
  classifyStatus,
  parseRetryAfter,
  type RetryPolicy,
  type Sleep,
  withRetry,
} from "../../collect/retry.js";
import { causeCode, isCertificateError, Transport } from "../../collect/transport.js";
import {
  MfasweepError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../errors.js";
import { redactUrls } from "../../util/redact.js";

/**
 * The transport the ticketing connectors share. Small on purpose: `src/collect/http.ts` serves collection
 * (GET/POST through a quota domain of a CollectContext); tickets need PATCH/PUT, the exact body bytes for
 * webhook signatures, writes that are recorded instead of sent under `--dry-run`, and creates that are not
 * blindly retried after a 5xx (the ticket may exist). Retry and backoff are `withRetry`/`classifyStatus`.
 */

export type Method = "GET" | "POST" | "PATCH" | "PUT";

export interface SendSpec {
  method: Method;
  url: URL;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /**
   * `read` requests are sent under --dry-run too (lookups, token and zone requests); `write` requests are
   * recorded and not sent.
   */
  kind: "read" | "write";
  /**
   * `all`: 429, 408, 5xx and network errors are retried. `throttled`: only 429 (and a refused connection);
   * for creates that are not idempotent, where a 5xx may hide a ticket that was made.
   */
  retry?: "all" | "throttled";
  /** Headers computed per attempt from the exact body sent (Standard Webhooks signs id.timestamp.body). */
  sign?: (body: string) => Record<string, string>;
}

export interface SendResult {
  status: number;
  headers: Headers;
  data: unknown;
}

/** What --dry-run prints for a write: the exact request, secrets redacted. */
export interface RecordedRequest {
  target: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A non-2xx answer, kept whole for the classifier; its message never carries a header or a body. */
export class TicketHttpError extends Error {
  override name = "TicketHttpError";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
  /** The server's own words, from the usual JSON error fields, else the start of the body. */
  detail(): string {
    try {
      const parsed = JSON.parse(this.body) as unknown;
      const words = findMessage(parsed);
      if (words) return words.slice(0, 200);
    } catch {
      // not JSON
    }
    return this.body.replace(/\s+/g, " ").trim().slice(0, 200);
  }
}

function findMessage(value: unknown, depth = 0): string | undefined {
  if (depth > 3 || typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = typeof v === "string" ? v : findMessage(v, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const o = value as Record<string, unknown>;
  for (const key of [
    "message",
    "Message",
    "error_description",
    "errorMessages",
    "errors",
    "error",
    "detail",
    "title",
  ]) {
    const v = o[key];
    if (typeof v === "string" && v.trim()) return v.trim();
    const nested = findMessage(v, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * A transient failure that was not retried because the request may have taken effect (a create that got a
 * 5xx or no answer). The sync retries such a create only after looking the ticket up by its dedupe key.
 */
export class AmbiguousWriteError extends ProviderUnavailableError {
  override name = "AmbiguousWriteError";
}

/** The ticket a request named is not there any more (HTTP 404 on a ticket's own URL). */
export class TicketNotFoundError extends ProviderResponseError {
  override name = "TicketNotFoundError";
}

/** Header names whose values are credentials: always redacted in what --dry-run prints. */
const sensitiveHeaders = new Set([
  "authorization",
  "secret",
  "apiintegrationcode",
  "clientid",
  "cookie",
  "x-api-key",
]);

export interface TicketHttpOptions {
  /** The target id and type, for messages: `psa (connectwise)`. */
  target: string;
  timeoutSeconds: number;
  caBundle?: string;
  /** Largest response body read (default 8 MiB: a PSA answers with one ticket or one short list). */
  maxResponseBytes?: number;
  retry: RetryPolicy;
  sleep: Sleep;
  signal?: AbortSignal;
  /** When set, writes are handed to it and not sent (--dry-run). */
  record?: (request: RecordedRequest) => void;
}

const defaultTicketResponseBytes = 8 * 1024 * 1024;

export class TicketHttp {
  readonly #transport: Transport;
  readonly #secrets = new Set<string>();
  /** Requests that reached the network, for the summary (dry-run: reads only). */
  sent = 0;

  constructor(readonly options: TicketHttpOptions) {
    this.#transport = new Transport({
      caBundle: options.caBundle,
      timeoutMs: options.timeoutSeconds * 1000,
      maxResponseBytes: options.maxResponseBytes ?? defaultTicketResponseBytes,
    });
  }

  get dryRun(): boolean {
    return this.options.record !== undefined;
  }

  /** Registers a value (a secret, or a header built from one) that must never be printed. */
  addSecret(value: string): void {
    if (value.length >= 4) this.#secrets.add(value);
  }

  /** Replaces every registered secret value in `text`. */
  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join("[redacted]");
    return redactUrls(out);
  }

  #label(spec: SendSpec, label: string): string {
    return `${this.options.target} ${label} (${spec.method} ${spec.url.pathname})`;
  }

  /**
   * Sends one request with retry and backoff, and returns the parsed JSON body (null when empty). Under
   * --dry-run a write is recorded and `undefined` is returned instead.
   */
  async send(label: string, spec: SendSpec): Promise<SendResult | undefined> {
    const what = this.#label(spec, label);
    let body: string | undefined;
    const baseHeaders: Record<string, string> = { accept: "application/json", ...spec.headers };
    if (spec.form) {
      baseHeaders["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(spec.form).toString();
    } else if (spec.json !== undefined) {
      baseHeaders["content-type"] = "application/json";
      body = JSON.stringify(spec.json);
    }
    if (this.dryRun && spec.kind === "write") {
      const headers = { ...baseHeaders, ...spec.sign?.(body ?? "") };
      this.options.record?.({
        target: this.options.target,
        method: spec.method,
        url: this.redact(spec.url.toString()),
        headers: Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [
            k,
            sensitiveHeaders.has(k.toLowerCase()) ? "[redacted]" : this.redact(v),
          ]),
        ),
        ...(body !== undefined ? { body: this.redact(body) } : {}),
      });
      return undefined;
    }
    const mode = spec.retry ?? "all";
    return withRetry(
      what,
      async () => {
        const headers = { ...baseHeaders, ...spec.sign?.(body ?? "") };
        this.sent++;
        const response = await this.#transport.fetch(
          spec.url,
          { method: spec.method, headers, body, signal: this.options.signal },
          what,
        );
        const { text } = response;
        if (!response.ok) throw new TicketHttpError(response.status, response.headers, text);
        if (text.trim() === "") return { status: response.status, headers: response.headers, data: null };
        try {
          return { status: response.status, headers: response.headers, data: JSON.parse(text) as unknown };
        } catch {
          throw new ProviderResponseError(
            `${what}: the response is not JSON (${response.headers.get("content-type") ?? "no content type"}, ${text.length} bytes)`,
          );
        }
      },
      (err) => this.#classify(err, what, mode),
      this.options.retry,
      { sleep: this.options.sleep, signal: this.options.signal },
    );
  }

  #classify(err: unknown, what: string, mode: "all" | "throttled"): AttemptOutcome {
    if (err instanceof MfasweepError) return { kind: "fatal", error: err };
    if (err instanceof TicketHttpError) {
      const detail = this.redact(err.detail());
      const said = detail ? `: ${detail}` : "";
      if (err.status === 401)
        return {
          kind: "fatal",
          error: new ProviderAuthError(`${what}: credentials refused (HTTP 401${said})`),
        };
      if (err.status === 403)
        return {
          kind: "fatal",
          error: new ProviderPermissionError(`${what}: forbidden (HTTP 403${said})`, []),
        };
      if (err.status === 404)
        return { kind: "fatal", error: new TicketNotFoundError(`${what}: not found (HTTP 404${said})`) };
      if (err.status === 429)
        return {
          kind: "throttled",
          retryAfterMs: parseRetryAfter(err.headers.get("retry-after")),
          detail: "HTTP 429",
        };
      const outcome = classifyStatus(
        err.status,
        err.headers.get("retry-after"),
        () => new ProviderResponseError(`${what}: HTTP ${err.status}${said}`),
      );
      if (outcome.kind !== "fatal" && mode === "throttled")
        return {
          kind: "fatal",
          error: new AmbiguousWriteError(
            `${what}: HTTP ${err.status}${said} (not repeated: it may have taken effect)`,
          ),
        };
      // The server's words go into the "gave up" message when retries run out.
      return outcome.kind === "fatal" ? outcome : { ...outcome, detail: `${outcome.detail}${said}` };
    }
    const name = (err as { name?: unknown }).name;
    const code = causeCode(err);
    if (code === "ECONNREFUSED") return { kind: "transient", detail: "connection refused" };
    if (isCertificateError(code))
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(
          `${what}: TLS certificate not trusted (${code}); set caBundle if a proxy re-signs traffic`,
        ),
      };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return { kind: "fatal", error: new ProviderUnavailableError(`${what}: host not found (${code})`) };
    const detail =
      name === "TimeoutError"
        ? `no answer within ${this.options.timeoutSeconds} s`
        : `${code ?? "network error"}: ${this.redact(err instanceof Error ? err.message : String(err)).slice(0, 120)}`;
    if (mode === "throttled")
      return {
        kind: "fatal",
        error: new AmbiguousWriteError(`${what}: ${detail} (not repeated: it may have taken effect)`),
      };
    return { kind: "transient", detail };
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/** `base` plus a path and query, keeping the base's own path prefix (`…/apis/3.0` + `service/tickets`). */
export function joinUrl(
  base: string,
  path: string,
  query?: Record<string, string | number | undefined>,
): URL {
  const url = new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}
