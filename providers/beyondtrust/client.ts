import {
  CachedToken,
  checkShape,
  fetchOAuthToken,
  HttpClient,
  pagesByNumber,
} from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { Page, paths } from "./api.js";
import type { BeyondTrustSettings } from "./settings.js";

/**
 * Transport for one BeyondTrust site: the client-credentials token, the quota domain and the paged
 * configuration lists. Knows nothing about policies.
 */

/** BeyondTrust publishes no Configuration API rate in our sources (UNCONFIRMED): gentle on the appliance. */
const limits = { concurrency: 2, intervalCap: 10, interval: 1000 };

export const configApiPermission =
  "BeyondTrust API account with Configuration API access (/login > Management > API Configuration)";

export class BeyondTrustClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;
  readonly #token: CachedToken;

  constructor(ctx: CollectContext<BeyondTrustSettings>, clientSecret: string) {
    const settings = ctx.settings;
    const baseUrl = settings.endpoint ?? `https://${settings.site}`;
    // One appliance serves every connection that names it: they share its limiter.
    this.quota = ctx.quota(`beyondtrust:${new URL(baseUrl).host}`, limits);
    this.#token = new CachedToken(() =>
      fetchOAuthToken(this.http, this.quota, {
        label: `POST ${paths.token}`,
        url: paths.token,
        basic: { user: settings.auth.clientId, password: clientSecret },
        form: { grant_type: "client_credentials" },
      }),
    );
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${await this.#token.get()}` }),
      missingOn403: () => [configApiPermission],
    });
  }

  /** A Configuration API list, page by page (`per_page`, `current_page` from 1). */
  list(path: string, perPage: number): AsyncIterable<unknown[]> {
    const label = `GET ${path}`;
    return pagesByNumber(
      this.http,
      label,
      async (page) =>
        checkShape(
          Page,
          (
            await this.http.request(this.quota, label, {
              url: path,
              query: { per_page: perPage, current_page: page },
            })
          ).data,
          `${label} page ${page}`,
        ),
      { pageSize: perPage },
    );
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
