import { accountKey, checkShape, HttpClient, pagesByNextLink } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { defaultEndpoint, paths, readUsersPermission, UsersPage } from "./api.js";
import type { ExampleSettings } from "./settings.js";

/**
 * TEMPLATE: the transport for one account of the vendor: auth, the quota domain and paged lists as async
 * iterables. It knows nothing about policies. `HttpClient` already retries 429 (honouring Retry-After) and
 * 5xx within the domain, turns 401 into ProviderAuthError and 403 into ProviderPermissionError naming
 * `missingOn403`, and refuses next links to another host.
 */

/**
 * The vendor's documented rate limit, with its source; if the sources do not give one, say UNCONFIRMED
 * and stay gentle. One domain per vendor account, so connections sharing an account share the limit.
 */
const limits = { concurrency: 2, intervalCap: 10, interval: 1000 };

export class ExampleClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;

  constructor(ctx: CollectContext<ExampleSettings>, token: string) {
    const baseUrl = ctx.settings.endpoint ?? defaultEndpoint;
    this.quota = ctx.quota(`example-console:${new URL(baseUrl).host}:${accountKey(token)}`, limits);
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: ctx.settings.caBundle,
      timeoutSeconds: ctx.settings.timeoutSeconds,
      maxResponseBytes: ctx.settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${token}` }),
      missingOn403: () => [readUsersPermission],
    });
  }

  /** Every page of the user list, following the vendor's next links. */
  users(): AsyncIterable<unknown[]> {
    const label = `GET ${paths.users}`;
    const pages = pagesByNextLink(
      this.http,
      label,
      paths.users,
      async (url) => checkShape(UsersPage, (await this.http.request(this.quota, label, { url })).data, label),
      (page) => page.next,
      (page) => page.items,
    );
    return (async function* () {
      for await (const page of pages) yield page.items;
    })();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
