import { clouds } from "../../providers/entra/settings.js";
import type { Config } from "../config/load.js";
import { ConfigError } from "../errors.js";

/**
 * The tenant-wide admin consent URL of the MSP's app for one customer (reference wave2-apis.md §1.4, v1
 * endpoint): `https://{sign-in host}/{tenant}/adminconsent?client_id={app}`. A Privileged Role
 * Administrator of the customer must open it: only that role may consent Graph application permissions.
 */
export function consentUrl(config: Config, tenantId: string): string {
  const tenant = config.tenants.find((t) => t.id === tenantId);
  if (!tenant) throw new ConfigError(`no tenant '${tenantId}' in the config`);
  const connection = tenant.connections.find((c) => c.type === "entra");
  if (!connection) throw new ConfigError(`tenant '${tenantId}' has no Entra connection`);
  const s = connection.settings as {
    tenantId: string;
    cloud: keyof typeof clouds;
    authorityHost?: string;
    auth: { method: string; clientId?: string };
  };
  if (!s.auth.clientId)
    throw new ConfigError(
      `tenant '${tenantId}', connection '${connection.id}': auth method ${s.auth.method} names no app (clientId) to consent`,
    );
  const host = (s.authorityHost ?? clouds[s.cloud].login).replace(/\/+$/, "");
  return `${host}/${encodeURIComponent(s.tenantId)}/adminconsent?client_id=${encodeURIComponent(s.auth.clientId)}`;
}
