import { accountKey, checkShape, HttpClient } from "../../src/collect/http.js";
import type { CollectContext } from "../../src/collect/provider.js";
import type { QuotaDomain } from "../../src/collect/quota.js";
import { ProviderResponseError } from "../../src/errors.js";
import { readTextFile } from "../../src/util/text-file.js";
import { accprofileNeed, CmdbEnvelope, objectFromRest, type TableId, tables } from "./api.js";
import type { FortiObject } from "./cli.js";
import type { FortiGateSettings } from "./settings.js";

/**
 * Transport for one FortiGate: the REST API with a bearer token (`Authorization: Bearer`, reference §2.1)
 * through the shared HTTP client, or the backup file. Knows nothing about policies.
 */

/**
 * FortiOS publishes no REST rate limit in the sources we could check (UNCONFIRMED); a management plane is
 * small, so two requests in flight and ten a second keep a sweep gentle. A 429 honours Retry-After.
 */
const limits = { concurrency: 2, intervalCap: 10, interval: 1000 };

export function labelOf(table: TableId, vdom?: string): string {
  return `GET /api/v2/cmdb/${tables[table].rest}${vdom ? `?vdom=${vdom}` : ""}`;
}

export class FortiGateClient {
  readonly http: HttpClient;
  readonly quota: QuotaDomain;
  readonly baseUrl: string;

  constructor(ctx: CollectContext<FortiGateSettings>, token: string) {
    const settings = ctx.settings;
    this.baseUrl = settings.endpoint ?? `https://${settings.host}`;
    this.quota = ctx.quota(`fortigate:${new URL(this.baseUrl).host}:${accountKey(token)}`, limits);
    this.http = new HttpClient(ctx, {
      baseUrl: this.baseUrl,
      caBundle: settings.caBundle,
      timeoutSeconds: settings.timeoutSeconds,
      maxResponseBytes: settings.maxResponseBytes,
      authorize: async () => ({ authorization: `Bearer ${token}` }),
      missingOn403: (label) => {
        const table = (Object.keys(tables) as TableId[]).find((t) =>
          label.includes(`/cmdb/${tables[t].rest}`),
        );
        return table ? [`admin profile permission ${accprofileNeed(table)}`] : [];
      },
      classify: (err) =>
        err.status === 404
          ? {
              kind: "fatal",
              error: new ProviderResponseError(
                `${err.label}: not found (HTTP 404): the table does not exist on this FortiOS version or VDOM`,
              ),
            }
          : undefined,
    });
  }

  /** One cmdb table of one VDOM (or a global one), as the CLI-shaped model. */
  async table(table: TableId, vdom?: string): Promise<FortiObject[]> {
    const label = labelOf(table, vdom);
    const response = await this.http.request(this.quota, label, {
      url: `api/v2/cmdb/${tables[table].rest}`,
      ...(vdom ? { query: { vdom } } : {}),
    });
    const envelope = checkShape(CmdbEnvelope, response.data, label);
    if (envelope.status !== "success")
      throw new ProviderResponseError(
        `${label}: status ${envelope.status} (HTTP ${envelope.http_status ?? "?"})`,
      );
    const results = Array.isArray(envelope.results) ? envelope.results : [envelope.results];
    const key = table === "firewallPolicy" ? "policyid" : "name";
    return results.map((r) => objectFromRest(r, key));
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** The backup file's text. */
export async function readBackup(path: string): Promise<string> {
  return (await readTextFile(path, { maxBytes: 64 * 1024 * 1024, what: "configuration backup" })).text;
}
