import { CachedToken, checkShape, HttpClient, pagesByNumber } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { ProviderAuthError } from "../../src/errors.js";
import { paths, TokenResult, UsersPage } from "./api.js";
import type { ConnectWiseAutomateSettings } from "./settings.js";

/**
 * Transport for one Automate server: the API token (from a user's credentials, or given), the partner
 * client id header, the quota domain and the paged user list. Knows nothing about policies.
 */

/**
 * Automate publishes no API rate (UNCONFIRMED; servers are on-premises or hosted per partner). Two in
 * flight at 10/s is gentle on a shared server; 429s are retried after their Retry-After.
 */
const limits = { concurrency: 2, intervalCap: 10, interval: 1000 };

export const viewUsersPermission =
  "an Automate user whose user class may view users (System > Users), for the API account";

type Credentials = { username: string; password: string } | { token: string };

export class ConnectWiseAutomateClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;
  readonly #token: CachedToken;

  constructor(
    ctx: CollectContext<ConnectWiseAutomateSettings>,
    credentials: Credentials,
    now: () => number = Date.now,
  ) {
    const settings = ctx.settings;
    const baseUrl = settings.endpoint ?? `https://${settings.server}`;
    // One server serves every connection that names it: they share its limiter.
    this.quota = ctx.quota(`connectwise-automate:${new URL(baseUrl).host}`, limits);
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      headers: { clientId: settings.clientId },
      authorize: async () => ({ authorization: `Bearer ${await this.#token.get()}` }),
      missingOn403: () => [viewUsersPermission],
    });
    this.#token = new CachedToken(async () => {
      if ("token" in credentials) return { token: credentials.token };
      const label = `POST ${paths.token}`;
      const response = await this.http.request(this.quota, label, {
        method: "POST",
        url: paths.token,
        json: { UserName: credentials.username, Password: credentials.password },
        skipAuth: true,
        classify: (err) =>
          err.status === 400 || err.status === 401 || err.status === 403
            ? {
                kind: "fatal",
                error: new ProviderAuthError(
                  `${label}: credentials refused (HTTP ${err.status}${err.detail() ? `: ${err.detail()}` : ""}); check the user, password and clientId`,
                ),
              }
            : undefined,
      });
      const result = checkShape(TokenResult, response.data, label);
      if (!result.AccessToken) {
        throw new ProviderAuthError(
          result.IsTwoFactorRequired
            ? `${label}: the user needs a two-factor passcode; use an integrator user (API only) or auth.method token`
            : `${label}: no access token in the answer`,
        );
      }
      const expires = result.ExpirationDate ? Date.parse(result.ExpirationDate) : Number.NaN;
      return {
        token: result.AccessToken,
        ...(Number.isNaN(expires) ? {} : { expiresInSeconds: Math.max(0, (expires - now()) / 1000) }),
      };
    }, now);
  }

  /** Users, page by page (`page` from 1, `pageSize`). */
  users(pageSize: number): AsyncIterable<unknown[]> {
    const label = `GET ${paths.users}`;
    return pagesByNumber(
      this.http,
      label,
      async (page) =>
        checkShape(
          UsersPage,
          (await this.http.request(this.quota, label, { url: paths.users, query: { page, pageSize } })).data,
          `${label} page ${page}`,
        ),
      { pageSize },
    );
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
