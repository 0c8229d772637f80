import { accountKey } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { type AttemptOutcome, classifyStatus, parseRetryAfter } from "../../src/collect/retry.js";
import { causeCode, isCertificateError, Transport } from "../../src/collect/transport.js";
import {
  MfasweepError,
  ProviderAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import { readTextFile } from "../../src/util/text-file.js";
import { localName, parseXml, type XmlElement, XmlError } from "../../src/util/xml.js";
import { apiLabel, at, showConfig } from "./api.js";
import type { GlobalProtectSettings } from "./settings.js";

/**
 * Transport for one PAN-OS firewall: the XML API (the key in the `X-PAN-KEY` header, never in the URL)
 * through the connection's quota domain and retry loop, or the export file. The XML API answers XML, so
 * this client reads text where the shared JSON client would not. Knows nothing about policies.
 */

/** PAN-OS publishes no XML API rate limit in the sources we could check (UNCONFIRMED): one request at a time. */
const limits = { concurrency: 1, intervalCap: 5, interval: 1000 };

/** A large firewall's running configuration is tens of MiB; an export file the same. */
const maxConfigBytes = 128 * 1024 * 1024;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/** `<response status="error" code=".."><result><msg>…` (or `<msg><line>…`): the firewall's own words. */
function errorMessage(body: string): string {
  try {
    const root = parseXml(body, { maxDepth: 16, maxElements: 1000 });
    const msg = at(root, "result", "msg") ?? at(root, "msg");
    const textOf = (e: XmlElement | undefined): string =>
      e ? [e.text.trim(), ...e.children.map(textOf)].filter(Boolean).join(" ") : "";
    return textOf(msg).slice(0, 200) || `status ${root.attributes.status ?? "?"}`;
  } catch {
    return body.replace(/\s+/g, " ").trim().slice(0, 120);
  }
}

export class PanOsClient {
  readonly quota: QuotaDomain;
  readonly baseUrl: URL;
  readonly #transport: Transport;

  constructor(
    private readonly ctx: CollectContext<GlobalProtectSettings>,
    private readonly key: string,
  ) {
    const settings = ctx.settings;
    this.baseUrl = new URL(settings.endpoint ?? `https://${settings.host}`);
    this.quota = ctx.quota(`globalprotect:${this.baseUrl.host}:${accountKey(key)}`, limits);
    this.#transport = new Transport({
      caBundle: settings.caBundle,
      timeoutMs: settings.timeoutSeconds * 1000,
      maxResponseBytes: settings.maxResponseBytes ?? maxConfigBytes,
    });
  }

  static async connect(ctx: CollectContext<GlobalProtectSettings>): Promise<PanOsClient> {
    const key = (await ctx.secret(ctx.settings.auth!.key)).reveal();
    return new PanOsClient(ctx, key);
  }

  classify(err: unknown): AttemptOutcome {
    if (err instanceof MfasweepError) return { kind: "fatal", error: err };
    if (err instanceof HttpFailure) {
      const said = errorMessage(err.body);
      if (err.status === 401 || err.status === 403)
        return {
          kind: "fatal",
          error: new ProviderAuthError(`${apiLabel}: the API key was refused (HTTP ${err.status}: ${said})`),
        };
      if (err.status === 429)
        return {
          kind: "throttled",
          retryAfterMs: parseRetryAfter(err.headers.get("retry-after")),
          detail: "HTTP 429",
        };
      return classifyStatus(
        err.status,
        err.headers.get("retry-after"),
        () => new ProviderResponseError(`${apiLabel}: HTTP ${err.status}: ${said}`),
      );
    }
    const code = causeCode(err);
    if ((err as Error).name === "TimeoutError")
      return { kind: "transient", detail: `no answer within ${this.ctx.settings.timeoutSeconds} s` };
    if (isCertificateError(code))
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(
          `${apiLabel}: TLS certificate not trusted (${code}); set caBundle`,
        ),
      };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return {
        kind: "fatal",
        error: new ProviderUnavailableError(`${apiLabel}: host ${this.baseUrl.hostname} not found`),
      };
    return {
      kind: "transient",
      detail: `${code ?? "network error"}: ${(err as Error).message?.slice(0, 120)}`,
    };
  }

  /** The running configuration (`action=show`), as the `<config>` element. */
  async showConfig(): Promise<XmlElement> {
    const url = new URL("api/", this.baseUrl);
    for (const [k, v] of Object.entries(showConfig)) url.searchParams.set(k, v);
    const body = await this.ctx.request(
      this.quota,
      apiLabel,
      async () => {
        const response = await this.#transport.fetch(
          url,
          { headers: { "x-pan-key": this.key, accept: "application/xml" }, signal: this.ctx.signal },
          apiLabel,
        );
        if (!response.ok) throw new HttpFailure(response.status, response.headers, response.text);
        return response.text;
      },
      (err) => this.classify(err),
    );
    return configFromResponse(body, apiLabel);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/** `<response status="success"><result><config>…`: the config element, or an error naming the problem. */
export function configFromResponse(body: string, label: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (err) {
    throw new ProviderResponseError(`${label}: ${err instanceof XmlError ? err.message : "not XML"}`);
  }
  if (localName(root.name) !== "response")
    throw new ProviderResponseError(`${label}: expected <response>, got <${root.name}>`);
  if (root.attributes.status !== "success")
    throw new ProviderResponseError(
      `${label}: status ${root.attributes.status ?? "?"}: ${errorMessage(body)}`,
    );
  const config = at(root, "result", "config");
  if (!config) throw new ProviderResponseError(`${label}: the result holds no <config>`);
  return config;
}

/** An export file's `<config>` root. */
export async function readExport(path: string): Promise<XmlElement> {
  const { text } = await readTextFile(path, { maxBytes: maxConfigBytes, what: "configuration export" });
  try {
    const root = parseXml(text);
    if (localName(root.name) === "config") return root;
    const inner = at(root, "result", "config");
    if (inner) return inner;
    throw new ProviderResponseError(`${path}: the root element is <${root.name}>, not <config>`);
  } catch (err) {
    if (err instanceof XmlError) throw new ProviderResponseError(`${path}: ${err.message}`);
    throw err;
  }
}
