import { accountKey, checkShape, HttpClient } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { defaultEndpoint, paths, UsersResponse, viewUsersPermission } from "./api.js";
import type { TeamViewerSettings } from "./settings.js";

/**
 * Transport for one TeamViewer company: the script token, the quota domain and the user list. Knows
 * nothing about policies.
 */

/**
 * TeamViewer's Web API rate limits are not in the sources we could check (UNCONFIRMED); a 429 is retried
 * after its Retry-After. A company costs one request, so one in flight at 2/s is plenty.
 */
const limits = { concurrency: 1, intervalCap: 2, interval: 1000 };

export class TeamViewerClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;

  constructor(ctx: CollectContext<TeamViewerSettings>, token: string) {
    const settings = ctx.settings;
    const baseUrl = settings.endpoint ?? defaultEndpoint;
    this.quota = ctx.quota(`teamviewer:${new URL(baseUrl).host}:${accountKey(token)}`, limits);
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${token}` }),
      missingOn403: () => [`script token permission '${viewUsersPermission}'`],
    });
  }

  /** `GET /users?full_list=true`: without `full_list` TeamViewer returns only id, name and email. */
  async users(): Promise<unknown[]> {
    const label = `GET ${paths.users}`;
    const response = await this.http.request(this.quota, label, {
      url: paths.users,
      query: { full_list: true },
    });
    return checkShape(UsersResponse, response.data, label).users;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
