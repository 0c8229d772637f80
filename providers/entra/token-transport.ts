import type { TokenCredentialOptions } from "@azure/identity";
import { Transport } from "../../src/collect/transport.js";
import type { EntraSettings } from "./settings.js";

type HttpClient = NonNullable<TokenCredentialOptions["httpClient"]>;

/** The `HttpHeaders` shape of @azure/core-rest-pipeline (case-insensitive names). */
function pipelineHeaders(from: Headers) {
  const map = new Map<string, string>();
  for (const [name, value] of from) map.set(name.toLowerCase(), value);
  return {
    get: (name: string) => map.get(name.toLowerCase()),
    has: (name: string) => map.has(name.toLowerCase()),
    set: (name: string, value: string | number | boolean) => void map.set(name.toLowerCase(), String(value)),
    delete: (name: string) => void map.delete(name.toLowerCase()),
    toJSON: () => Object.fromEntries(map),
    [Symbol.iterator]: () => map.entries(),
  };
}

/**
 * MSAL's token requests on the one HTTP stack: the connection's CA bundle and proxy, redirects refused,
 * the body capped, within the per-request timeout. Only what MSAL's network client reads of a pipeline
 * response is returned (status, headers, body text).
 */
export function tokenHttpClient(
  settings: Pick<EntraSettings, "caBundle" | "timeoutSeconds" | "maxResponseBytes">,
): HttpClient {
  const client = {
    async sendRequest(request: {
      url: string;
      method: string;
      headers: Iterable<[string, string]>;
      body?: unknown;
      abortSignal?: AbortSignal;
    }) {
      // A few requests an hour: one transport each, closed at once, so no idle socket holds the process.
      const transport = new Transport({
        caBundle: settings.caBundle,
        timeoutMs: settings.timeoutSeconds * 1000,
        maxResponseBytes: settings.maxResponseBytes,
        connections: 1,
      });
      const response = await transport
        .fetch(new URL(request.url), {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          ...(typeof request.body === "string" ? { body: request.body } : {}),
          ...(request.abortSignal ? { signal: request.abortSignal } : {}),
        })
        .finally(() => transport.close());
      const headers = pipelineHeaders(response.headers);
      return { request, status: response.status, headers, bodyAsText: response.text };
    },
  };
  return client as unknown as HttpClient;
}
