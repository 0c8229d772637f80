import { randomBytes } from "node:crypto";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { seedNumber } from "../../src/emulator/guid.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * BeyondTrust facts this stand-in holds the client to, stated here (not imported from ./api.ts) from
 * shared/reference/remote-access-and-ticketing.md §3 (BeyondTrust row: docs.beyondtrust.com/pra/docs/test-scenario,
 * .../pra/reference/apiconfiguserindex): token `POST https://<site>/oauth2/token`, `GET /api/config/v1/user`,
 * `GET /api/config/v1/security-provider`.
 */
const paths = {
  token: "oauth2/token",
  users: "api/config/v1/user",
  securityProviders: "api/config/v1/security-provider",
} as const;
export const documented = { paths } as const;

/**
 * A stand-in for a BeyondTrust site's Configuration API: `POST /oauth2/token` (client credentials with
 * HTTP Basic), bearer auth, the documented `Accept: application/json` requirement on GET (406 without),
 * and the user and security-provider lists as JSON arrays paged by `per_page` / `current_page` (from 1).
 * An API account without Configuration API access gets 403. Error bodies are the emulator's own.
 */

export type SeedRecord = Record<string, unknown>;

export interface BeyondTrustSiteSeed {
  apiAccounts: Array<{ clientId: string; clientSecret: string; configApi?: boolean }>;
  users: SeedRecord[];
  securityProviders: SeedRecord[];
}

export interface BeyondTrustEmulatorOptions extends EmulatorOptions {
  site: BeyondTrustSiteSeed;
}

export async function startBeyondTrustEmulator(
  options: BeyondTrustEmulatorOptions,
): Promise<RunningEmulator> {
  const { site } = options;
  const sessions = new Map<string, { configApi: boolean }>();

  function token(req: EmulatorRequest): EmulatorResponse {
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const [id, secret] = Buffer.from(basic ?? "", "base64")
      .toString("utf8")
      .split(":");
    const account = site.apiAccounts.find((a) => a.clientId === id && a.clientSecret === secret);
    if (!account) return { status: 401, body: { error: "invalid_client" } };
    if (new URLSearchParams(req.body).get("grant_type") !== "client_credentials")
      return { status: 400, body: { error: "unsupported_grant_type" } };
    const accessToken = randomBytes(24).toString("hex");
    sessions.set(accessToken, { configApi: account.configApi ?? true });
    return { status: 200, body: { access_token: accessToken, token_type: "Bearer", expires_in: 3600 } };
  }

  const lists: Record<string, SeedRecord[]> = {
    [`/${paths.users}`]: site.users,
    [`/${paths.securityProviders}`]: site.securityProviders,
  };

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    if (req.method === "POST" && req.path === `/${paths.token}`) return token(req);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const session = bearer ? sessions.get(bearer) : undefined;
    if (!session) return { status: 401, body: { message: "Unauthorized" } };
    const list = lists[req.path];
    if (req.method !== "GET" || !list) return { status: 404, body: { message: "Not Found" } };
    if (req.headers.accept !== "application/json")
      return { status: 406, body: { message: "GET requests must accept application/json" } };
    if (!session.configApi)
      return { status: 403, body: { message: "This API account may not use the configuration API" } };
    const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 100) || 100));
    const page = Math.max(1, Number(req.query.get("current_page") ?? 1) || 1);
    return { status: 200, body: list.slice((page - 1) * perPage, page * perPage) };
  };
  return startEmulator(handler, options);
}

export const seedProviders = {
  local: { id: 1, type: "local" },
  ldap: { id: 2, type: "ldap" },
  saml: { id: 3, type: "saml" },
  radius: { id: 4, type: "radius" },
};

export function seedUser(username: string, fields: SeedRecord = {}): SeedRecord {
  return {
    id: seedNumber(`beyondtrust-user:${username}`),
    username,
    enabled: true,
    perm_admin: false,
    security_provider_id: seedProviders.local.id,
    last_authentication: "2026-11-19T14:00:00Z",
    ...fields,
  };
}

/** Northwind's support site: technicians sign in with SAML, the appliance admin locally. */
function northwind(domain: string, clientSecret: string): BeyondTrustSiteSeed {
  return {
    apiAccounts: [{ clientId: "mfasweep-demo", clientSecret }],
    securityProviders: [seedProviders.local, seedProviders.saml],
    users: [
      seedUser("admin", { perm_admin: true }),
      seedUser(`helpdesk@${domain}`, { security_provider_id: seedProviders.saml.id }),
      seedUser(`a.fuller@${domain}`, { security_provider_id: seedProviders.saml.id }),
      seedUser("vendor.support", { enabled: false }),
    ],
  };
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "northwind");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const variable = "MFASWEEP_DEMO_BEYONDTRUST_SECRET_NORTHWIND";
  const secret = randomBytes(16).toString("hex");
  const emulator = await startBeyondTrustEmulator({ site: northwind(tenant.domain, secret) });
  return {
    env: { [variable]: secret },
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "beyondtrust",
          id: "beyondtrust",
          site: `support.${tenant.domain}`,
          endpoint: emulator.url,
          auth: { method: "client-credentials", clientId: "mfasweep-demo", clientSecret: `env:${variable}` },
        },
      },
    ],
    close: () => emulator.close(),
  };
}
