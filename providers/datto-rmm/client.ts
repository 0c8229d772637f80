import {
  accountKey,
  CachedToken,
  checkShape,
  fetchOAuthToken,
  HttpClient,
  pagesByNextLink,
} from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { paths, platformUrl, publicClient, UsersPage } from "./api.js";
import type { DattoRmmSettings } from "./settings.js";

/**
 * Transport for one Datto RMM account: the password-grant token, the quota domain, and the user list as
 * pages that follow `pageDetails.nextPageUrl`. Knows nothing about policies.
 */

/**
 * Datto RMM allows 600 requests per 60 s per account; breaching it returns 429, and retrying through it
 * earns a temporary IP block (403) (a third-party summary of Datto's API docs, nango.dev; Datto's own page is not in our sources). We keep to 500 per
 * minute and 4 in flight, so the block is never earned.
 */
const limits = { concurrency: 4, intervalCap: 500, interval: 60_000 };

export const apiAccessPermission =
  "Datto RMM API access for the key's user (Setup > Global Settings > Access Control > Enable API Access; Setup > Users > the user > Generate API keys)";

export class DattoRmmClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;
  readonly #token: CachedToken;

  constructor(ctx: CollectContext<DattoRmmSettings>, apiKey: string, apiSecret: string) {
    const settings = ctx.settings;
    const baseUrl = settings.endpoint ?? platformUrl(settings.platform);
    // The limit is per Datto account: tenants configured with the same API key share one domain.
    this.quota = ctx.quota(`datto-rmm:${new URL(baseUrl).host}:${accountKey(apiKey)}`, limits);
    this.#token = new CachedToken(() =>
      fetchOAuthToken(this.http, this.quota, {
        label: `POST ${paths.token}`,
        url: paths.token,
        basic: publicClient,
        form: { grant_type: "password", username: apiKey, password: apiSecret },
      }),
    );
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${await this.#token.get()}` }),
      missingOn403: () => [
        apiAccessPermission,
        "(a 403 right after 429s is Datto's temporary IP block: wait and retry)",
      ],
    });
  }

  /** Users page by page, following the absolute `nextPageUrl` each page gives. */
  users(): AsyncIterable<UsersPage> {
    const label = `GET ${paths.users}`;
    return pagesByNextLink(
      this.http,
      label,
      paths.users,
      async (url) => checkShape(UsersPage, (await this.http.request(this.quota, label, { url })).data, label),
      (page) => page.pageDetails?.nextPageUrl,
      (page) => page.users ?? [],
    );
  }

  /** The user records of each page, still unchecked. */
  async *userRecords(): AsyncIterable<unknown[]> {
    for await (const page of this.users()) yield page.users ?? [];
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
