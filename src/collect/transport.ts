import type { Agent as NodeAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { HttpsProxyAgent } from "https-proxy-agent";
import { type Dispatcher, ProxyAgent, Agent as UndiciAgent, fetch as undiciFetch } from "undici";
import { ProviderResponseError } from "../errors.js";
import { readTextFileSync } from "../util/text-file.js";

/**
 * The one HTTP stack (issue #27). Every client mfasweep writes itself sends through `Transport.fetch`:
 * the npm `undici` package's own `fetch` with its own `Agent`/`ProxyAgent` (never Node's bundled fetch
 * with a foreign dispatcher, which breaks when the two undici versions differ, as on Node 26). The
 * vendor SDKs that bring their own fetch (the Okta SDK's node-fetch 2, gaxios' node-fetch 3) get a Node
 * agent from `nodeAgent` and the same limits as request options. One place holds, for all of them:
 * - the connection's CA bundle on top of the system roots;
 * - `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (one reading of them, `proxyFor`);
 * - redirects refused (`RedirectRefusedError`): a token is never sent on to another location;
 * - a byte limit on every response body (`ResponseTooLargeError`) and a deadline that covers the body.
 */

/** Sane default for one response body: the largest documented pages (Graph's 999 users) are a few MiB. */
export const defaultMaxResponseBytes = 32 * 1024 * 1024;

/** A response body over the connection's limit: the connection is failed, the body never held whole. */
export class ResponseTooLargeError extends ProviderResponseError {
  override name = "ResponseTooLargeError";
}

/** The server answered with a redirect: refused, so credentials never follow it elsewhere. */
export class RedirectRefusedError extends ProviderResponseError {
  override name = "RedirectRefusedError";
}

export interface TransportOptions {
  /** PEM file of extra CAs (a proxy that re-signs traffic, a test CA), trusted with the system roots. */
  caBundle?: string;
  /** One request, headers and body together. */
  timeoutMs: number;
  /** Largest response body read (default `defaultMaxResponseBytes`). */
  maxResponseBytes?: number;
  /** Sockets per origin. */
  connections?: number;
  /** Where the proxy variables are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** What a request returns: the status, headers and the whole body as text, read within the limits. */
export interface BoundedResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  url: string;
  text: string;
}

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the request (the collection's or the sync's signal); the deadline is added here. */
  signal?: AbortSignal;
}

function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v?.trim() ? v.trim() : undefined;
}

/**
 * The proxy for `url` from `HTTPS_PROXY`/`HTTP_PROXY` (either case), unless `NO_PROXY` names the host:
 * `*`, a host name (also matching its subdomains), `.domain`/`*.domain`, an IP address, each with an
 * optional `:port`. The usual curl/undici reading, written once so every stack agrees.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const proxy = variable(env, url.protocol === "https:" ? "https_proxy" : "http_proxy");
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of (variable(env, "no_proxy") ?? "").split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return undefined;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m?.[1]) continue;
    if (m[2] && m[2] !== port) continue;
    const name = m[1].replace(/^\[|\]$/g, "").replace(/^\*?\./, "");
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return proxy;
}

/**
 * Parsing the system roots plus a bundle costs tens of milliseconds; done per TLS connection (what a plain
 * `ca` option does) it dominated collection. One context per bundle text, shared by every connection.
 */
const secureContexts = new Map<string, SecureContext>();
function secureContextFor(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

/** The CA bundle file's text, read through the bounded reader (a PEM bundle is small). */
export function readCaBundle(path: string): string {
  return readTextFileSync(path, { maxBytes: 4 * 1024 * 1024, what: "caBundle" }).text;
}

/**
 * A deadline for one request that covers its body: a timer, cleared when the request is done (not
 * `AbortSignal.timeout`, which Node keeps alive, with all it reaches, until it fires).
 */
function deadline(ms: number, outer: AbortSignal | undefined): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no complete answer within ${ms / 1000} s`, "TimeoutError")),
    ms,
  );
  timer.unref();
  return {
    signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal,
    done: () => clearTimeout(timer),
  };
}

/** Reads a body stream up to `max` bytes; more is refused and the stream cancelled (the socket closed). */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  declared: string | null,
  max: number,
  where: string,
): Promise<string> {
  const refuse = () =>
    new ResponseTooLargeError(
      `${where}: the response body is larger than ${max} bytes (maxResponseBytes); not read further`,
    );
  if (!body) return "";
  if (declared && Number(declared) > max) {
    await body.cancel().catch(() => {});
    throw refuse();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => {});
        throw refuse();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}

/** Origin only: a redirect's target is named without its path or query (they may carry tokens). */
function originOf(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return "an unparsable location";
  }
}

/** One connection's (or ticketing target's) HTTP stack. `close()` it when done. */
export class Transport {
  readonly maxResponseBytes: number;
  readonly #ca: string | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #nodeAgents = new Map<string, NodeAgent>();

  constructor(private readonly options: TransportOptions) {
    this.#ca = options.caBundle ? readCaBundle(options.caBundle) : undefined;
    this.#env = options.env ?? process.env;
    this.maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** The proxy this URL goes through, if any. */
  proxyFor(url: URL): string | undefined {
    return proxyFor(url, this.#env);
  }

  #dispatcher(url: URL): Dispatcher {
    const proxy = this.proxyFor(url);
    const key = proxy ?? "";
    let d = this.#dispatchers.get(key);
    if (!d) {
      const tls = this.#ca ? { secureContext: secureContextFor(this.#ca) } : undefined;
      const common = { ...(this.options.connections ? { connections: this.options.connections } : {}) };
      d = proxy
        ? new ProxyAgent({
            uri: proxy,
            ...common,
            ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
          })
        : new UndiciAgent({ ...common, ...(tls ? { connect: tls } : {}) });
      this.#dispatchers.set(key, d);
    }
    return d;
  }

  /**
   * A Node agent for stacks that take one (node-fetch, gaxios): through the proxy when `proxyFor` says so,
   * trusting the CA bundle. Undefined: Node's default agent will do (no proxy, no bundle).
   */
  nodeAgent(url: URL): NodeAgent | undefined {
    const proxy = this.proxyFor(url);
    if (!proxy && (!this.#ca || url.protocol !== "https:")) return undefined;
    const key = proxy ?? "direct";
    let agent = this.#nodeAgents.get(key);
    if (!agent) {
      const ca = this.#ca ? { ca: [...rootCertificates, this.#ca] } : {};
      agent = proxy
        ? new HttpsProxyAgent(proxy, { ...ca, keepAlive: true })
        : new HttpsAgent({ ...ca, keepAlive: true });
      this.#nodeAgents.set(key, agent);
    }
    return agent;
  }

  /**
   * The same limits as node-fetch/gaxios request options, for the vendor SDKs built on them: redirects
   * refused (`redirect: 'error'`, node-fetch's FetchError `no-redirect`), the body capped (`size`, gaxios'
   * `maxContentLength`; FetchError `max-size`), and the agent that carries the proxy and the CA bundle.
   * The deadline is the caller's signal (node-fetch aborts the body with it).
   */
  nodeFetchOptions(): {
    redirect: "error";
    follow: 0;
    size: number;
    maxContentLength: number;
    maxRedirects: 0;
    agent: (url: URL) => NodeAgent | undefined;
  } {
    return {
      redirect: "error",
      follow: 0,
      size: this.maxResponseBytes,
      maxContentLength: this.maxResponseBytes,
      maxRedirects: 0,
      agent: (url) => this.nodeAgent(url),
    };
  }

  /**
   * One request: redirects refused, the body read up to the byte limit, all of it within the deadline.
   * Network failures reject as undici's `TypeError('fetch failed', { cause })`; the deadline as a
   * `TimeoutError`; an abort of `init.signal` with its reason.
   */
  async fetch(
    url: URL,
    init: SendInit = {},
    where = `${init.method ?? "GET"} ${url.pathname}`,
  ): Promise<BoundedResponse> {
    const limit = deadline(this.options.timeoutMs, init.signal);
    try {
      const response = await undiciFetch(url, {
        method: init.method ?? "GET",
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: limit.signal,
        // Manual, then refused below: the 3xx is seen (and named) instead of followed.
        redirect: "manual",
        dispatcher: this.#dispatcher(url),
      });
      const headers = response.headers as unknown as Headers;
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel().catch(() => {});
        throw new RedirectRefusedError(
          `${where}: the server redirected (HTTP ${response.status}) to ${originOf(location, url.toString())}; redirects are not followed`,
        );
      }
      const text = await readCapped(
        response.body as ReadableStream<Uint8Array> | null,
        response.headers.get("content-length"),
        this.maxResponseBytes,
        where,
      );
      return { status: response.status, ok: response.ok, headers, url: url.toString(), text };
    } finally {
      limit.done();
    }
  }

  async close(): Promise<void> {
    const closing = [...this.#dispatchers.values()].map((d) => d.close().catch(() => {}));
    for (const a of this.#nodeAgents.values()) a.destroy();
    this.#dispatchers.clear();
    this.#nodeAgents.clear();
    await Promise.all(closing);
  }
}

/**
 * node-fetch's (and gaxios') refusals of a body over `size` or of a redirect, as our named errors; anything
 * else undefined. Looks through gaxios' wrapping (`cause`).
 */
export function nodeFetchRefusal(
  err: unknown,
  where: string,
  maxBytes: number,
): ProviderResponseError | undefined {
  for (
    let e = err as { type?: unknown; message?: unknown; cause?: unknown } | undefined, n = 0;
    e && n < 3;
    n++
  ) {
    if (
      e.type === "max-size" ||
      (typeof e.message === "string" && /Content-Length` is over the limit/.test(e.message))
    )
      return new ResponseTooLargeError(
        `${where}: the response body is larger than ${maxBytes} bytes (maxResponseBytes); not read further`,
      );
    if (e.type === "no-redirect" || e.type === "max-redirect")
      return new RedirectRefusedError(`${where}: the server redirected; redirects are not followed`);
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The `cause.code` of a network failure (`fetch failed`), e.g. `ECONNREFUSED` or a TLS code. */
export function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

const tlsTrustCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|DEPTH_ZERO|ERR_TLS/;

/** A TLS failure that means the server's certificate is not trusted (set caBundle). */
export function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && tlsTrustCodes.test(code);
}
