import { createRequire } from "node:module";
import { accountKey, checkShape, HttpClient, pagesByNextLink } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { ListEnvelope, pageLimit, paths, permissionFor } from "./api.js";
import type { DuoSettings } from "./settings.js";

/**
 * Transport for one Duo account: every request signed by the official SDK's signer
 * (`@duosecurity/duo_api`'s `duo_sig.sign`, HMAC-SHA512 over the canonical request), sent through the
 * project's HTTP stack. The SDK's own `Client` is not used for sending: it only reaches port 443 with
 * Duo's pinned CA roots (no endpoint override, proxy or CA bundle), sleeps its own 429 backoff without
 * Retry-After, and throws on a body that is not JSON.
 */

type Sign = (
  ikey: string,
  skey: string,
  method: string,
  host: string,
  path: string,
  params: Record<string, string>,
  date: string,
) => string;
let signer: Sign | undefined;
/** The SDK's signer, required when the first request is signed, not when the CLI starts (issue #23). */
const sign: Sign = (...args) => {
  signer ??= (createRequire(import.meta.url)("@duosecurity/duo_api/lib/duo_sig.js") as { sign: Sign }).sign;
  return signer(...args);
};

/**
 * Duo rate-limits the Admin API per account and answers 429 when it is exceeded; its numbers are not in
 * our sources, so we keep two requests in flight and five a second and honour 429s.
 */
const limits = { concurrency: 2, intervalCap: 5, interval: 1000 };

export class DuoClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;

  constructor(
    ctx: CollectContext<DuoSettings>,
    private readonly ikey: string,
    private readonly skey: string,
  ) {
    const settings = ctx.settings;
    this.quota = ctx.quota(`duo:${settings.apiHost}:${accountKey(ikey)}`, limits);
    this.http = new HttpClient(ctx, {
      baseUrl: settings.endpoint ?? `https://${settings.apiHost}`,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      missingOn403: (label) => [
        label.includes(paths.integrations) ? permissionFor.integrations : permissionFor.users,
      ],
    });
    this.host = settings.apiHost;
  }

  private readonly host: string;

  /** One signed GET; `params` are the query parameters the signature covers. */
  async get(label: string, path: string, params: Record<string, string>): Promise<unknown> {
    const date = new Date().toUTCString();
    const authorization = sign(this.ikey, this.skey, "GET", this.host, `/${path}`, params, date);
    const res = await this.http.request(this.quota, label, {
      url: path,
      query: params,
      headers: { date, authorization },
    });
    return res.data;
  }

  /** A list, page by page (`offset`/`limit`), following `metadata.next_offset` until there is none. */
  async *list(what: keyof typeof paths): AsyncIterable<unknown[]> {
    const path = paths[what];
    const label = `GET /${path}`;
    const pages = pagesByNextLink(
      this.http,
      label,
      `${path}?offset=0`,
      async (url) => {
        const offset = this.http.resolve(url).searchParams.get("offset") ?? "0";
        const data = await this.get(label, path, { limit: String(pageLimit), offset });
        return checkShape(ListEnvelope, data, label);
      },
      (page) =>
        page.metadata?.next_offset === null || page.metadata?.next_offset === undefined
          ? undefined
          : `${path}?offset=${encodeURIComponent(String(page.metadata.next_offset))}`,
      (page) => page.response,
    );
    for await (const page of pages) yield page.response;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
