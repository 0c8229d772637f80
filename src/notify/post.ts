import {
  type AttemptOutcome,
  parseRetryAfter,
  type RetryPolicy,
  type Sleep,
  withRetry,
} from "../collect/retry.js";
import { causeCode, isCertificateError, Transport } from "../collect/transport.js";
import type { Secret } from "../config/secrets.js";
import { MfasweepError, ProviderAuthError, ProviderUnavailableError } from "../errors.js";

/**
 * One JSON POST to a chat webhook (Teams Workflows, Slack), through the one HTTP stack (Transport: proxy
 * variables, CA bundle, redirects refused, bounded body, deadline). The URL is a secret: messages name
 * only its origin. A post is repeated only when it cannot have been delivered (HTTP 429, connection
 * refused); after a 5xx or a lost answer the channel may already show it, so it is not posted twice.
 */

export class NotifyDeliveryError extends MfasweepError {
  override name = "NotifyDeliveryError";
}

export interface PostOptions {
  /** `teams channel 'soc'`, for messages. */
  what: string;
  url: Secret;
  payload: unknown;
  timeoutSeconds: number;
  caBundle?: string;
  retry: RetryPolicy;
  sleep: Sleep;
  /** The status codes that mean "accepted" (Workflows answer 202, Slack 200 "ok"). */
  accepted: (status: number, body: string) => boolean;
}

class PostStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | null,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function postJson(options: PostOptions): Promise<{ status: number; attempts: number }> {
  const raw = options.url.reveal();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifyDeliveryError(`${options.what}: ${options.url.ref} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new NotifyDeliveryError(`${options.what}: ${options.url.ref} is not an http(s) URL`);
  const where = `${options.what} (POST to ${url.origin})`;
  const redact = (text: string) => {
    const out = text.split(raw).join("[redacted]");
    return url.pathname.length > 1 ? out.split(url.pathname).join("/[redacted]") : out;
  };
  const transport = new Transport({
    caBundle: options.caBundle,
    timeoutMs: options.timeoutSeconds * 1000,
    maxResponseBytes: 64 * 1024,
  });
  let attempts = 0;
  try {
    const body = JSON.stringify(options.payload);
    const status = await withRetry(
      where,
      async () => {
        attempts++;
        const response = await transport.fetch(
          url,
          { method: "POST", headers: { "content-type": "application/json" }, body },
          where,
        );
        if (!options.accepted(response.status, response.text))
          throw new PostStatusError(response.status, response.headers.get("retry-after"), response.text);
        return response.status;
      },
      (err): AttemptOutcome => {
        if (err instanceof MfasweepError)
          return { kind: "fatal", error: new NotifyDeliveryError(redact(err.message)) };
        if (err instanceof PostStatusError) {
          const said = redact(err.body.replace(/\s+/g, " ").trim()).slice(0, 200);
          const detail = `HTTP ${err.status}${said ? `: ${said}` : ""}`;
          if (err.status === 429)
            return { kind: "throttled", retryAfterMs: parseRetryAfter(err.retryAfter), detail };
          if (err.status === 401 || err.status === 403)
            return {
              kind: "fatal",
              error: new ProviderAuthError(
                `${where}: refused (${detail}); check the URL (${options.url.ref})`,
              ),
            };
          if (err.status >= 500)
            return {
              kind: "fatal",
              error: new NotifyDeliveryError(`${where}: ${detail} (not repeated: it may have been posted)`),
            };
          return { kind: "fatal", error: new NotifyDeliveryError(`${where}: ${detail}`) };
        }
        const code = causeCode(err);
        if (code === "ECONNREFUSED") return { kind: "transient", detail: "connection refused" };
        if (isCertificateError(code))
          return {
            kind: "fatal",
            error: new ProviderUnavailableError(
              `${where}: TLS certificate not trusted (${code}); set caBundle`,
            ),
          };
        const name = (err as { name?: unknown }).name;
        const detail =
          name === "TimeoutError"
            ? `no answer within ${options.timeoutSeconds} s`
            : `${code ?? "network error"}: ${redact(err instanceof Error ? err.message : String(err)).slice(0, 120)}`;
        return {
          kind: "fatal",
          error: new ProviderUnavailableError(`${where}: ${detail} (not repeated: it may have been posted)`),
        };
      },
      options.retry,
      { sleep: options.sleep },
    );
    return { status, attempts };
  } finally {
    await transport.close();
  }
}
