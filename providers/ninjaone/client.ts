import { z } from "zod";
import {
  CachedToken,
  checkShape,
  fetchOAuthToken,
  HttpClient,
  type JsonResponse,
} from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { ProviderResponseError } from "../../src/errors.js";
import { appendAll } from "../../src/util/arrays.js";
import { instances, Organization, paths, UserList } from "./api.js";
import type { NinjaOneSettings } from "./settings.js";

/**
 * Transport for one NinjaOne connection: the client-credentials token, the quota domain, and the two user
 * lists. Knows nothing about policies.
 */

/**
 * NinjaOne publishes no request rate in the sources we could check (UNCONFIRMED); 429s are retried with
 * their Retry-After. Two in flight and 5/s keep a weekly sweep far from any plausible limit: a tenant
 * costs three requests (token, technicians, end users).
 */
const limits = { concurrency: 2, intervalCap: 5, interval: 1000 };
const organizationPageSize = 100;
const maxOrganizationPages = 500;

export class NinjaOneClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;
  readonly #token: CachedToken;
  readonly instance: NinjaOneSettings["instance"];

  constructor(ctx: CollectContext<NinjaOneSettings>, clientSecret: string) {
    const settings = ctx.settings;
    this.instance = settings.instance;
    const baseUrl = settings.endpoint ?? instances[settings.instance];
    // Named by instance and client app: connections of several tenants that use one app share its limit.
    this.quota = ctx.quota(`ninjaone:${new URL(baseUrl).host}:${settings.auth.clientId}`, limits);
    this.#token = new CachedToken(() =>
      fetchOAuthToken(this.http, this.quota, {
        label: `POST ${paths.token}`,
        url: paths.token,
        form: {
          grant_type: "client_credentials",
          client_id: settings.auth.clientId,
          client_secret: clientSecret,
          scope: settings.auth.scope,
        },
        scope: `NinjaOne client app scope '${settings.auth.scope}'`,
      }),
    );
    this.http = new HttpClient(ctx, {
      baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${await this.#token.get()}` }),
      missingOn403: () => [`NinjaOne client app scope '${settings.auth.scope}' (read: monitoring)`],
    });
  }

  /**
   * The console technicians sign in to (the regional instance), which is what an identity provider's SSO
   * app points back at: not the `endpoint` override, which only changes where the API calls go.
   */
  consoleUrl(): string {
    return instances[this.instance];
  }

  async #list(path: string): Promise<unknown[]> {
    const label = `GET ${path}`;
    const response: JsonResponse = await this.http.request(this.quota, label, {
      url: path,
      query: { includeRoles: true },
    });
    return checkShape(UserList, response.data, label);
  }

  technicians(): Promise<unknown[]> {
    return this.#list(paths.technicians);
  }

  endUsers(): Promise<unknown[]> {
    return this.#list(paths.endUsers);
  }

  /**
   * Every organization, paged by `pageSize` and `after` (the last id of the previous page) until a page
   * comes back short. A page that does not continue past its cursor is an error, not a loop.
   */
  async organizations(): Promise<Organization[]> {
    const out: Organization[] = [];
    let after: number | undefined;
    for (let page = 1; page <= maxOrganizationPages; page++) {
      const label = `GET ${paths.organizations}`;
      const response: JsonResponse = await this.http.request(this.quota, label, {
        url: paths.organizations,
        query: { pageSize: organizationPageSize, ...(after !== undefined ? { after } : {}) },
      });
      const rows = checkShape(z.array(Organization), response.data, label);
      appendAll(out, rows);
      const last = rows.at(-1)?.id;
      if (rows.length < organizationPageSize || last === undefined) return out;
      if (after !== undefined && last <= after)
        throw new ProviderResponseError(
          `${label}: page ${page} does not continue after organization ${after}`,
        );
      after = last;
    }
    throw new ProviderResponseError(
      `GET ${paths.organizations}: more than ${maxOrganizationPages} pages; stopped`,
    );
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
