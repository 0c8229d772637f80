import { randomBytes } from "node:crypto";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { guid, seedNumber } from "../../src/emulator/guid.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * NinjaOne facts this stand-in holds the client to, stated here (not imported from ./api.ts), from
 * shared/reference/remote-access-and-ticketing.md §3 (NinjaOne row: homotechsual/NinjaOne
 * ninjaOne-API-core-resources.yaml and Connect-NinjaOne.ps1): token at `{instance}/ws/oauth/token`,
 * `GET /v2/user/technicians`, `GET /v2/user/end-users`; `monitoring` is the read-only client-app scope
 * (the OpenAPI document lists monitoring/management/control globally). `GET /v2/organizations` (the same
 * OpenAPI document, operation getOrganizations): `pageSize` limits the page, `after` is the last
 * organization id of the previous page; a plain array of `Organization` (`id`, `name`, `description`).
 */
const paths = {
  token: "ws/oauth/token",
  technicians: "v2/user/technicians",
  endUsers: "v2/user/end-users",
  organizations: "v2/organizations",
} as const;
const readScope = "monitoring";
export const documented = { paths, readScope } as const;

/**
 * A stand-in for a NinjaOne instance (`https://{instance}.ninjarmm.com`): the client-credentials token
 * endpoint (`POST /ws/oauth/token`, RFC 6749 errors), bearer auth on the API, and the technician and
 * end-user lists as the OpenAPI document describes them (plain JSON arrays, no paging; `roles` only with
 * `includeRoles=true`). A token whose scopes lack `monitoring` gets 403: which scope each read needs is
 * not published per operation (UNCONFIRMED), so this is the emulator's assumption, matching the README.
 */

export type SeedUser = Record<string, unknown>;

export interface NinjaOneAccountSeed {
  /** Client apps of this NinjaOne account: id, secret and the scopes the app was given. */
  clients: Array<{ clientId: string; clientSecret: string; scopes?: string[] }>;
  technicians: SeedUser[];
  endUsers: SeedUser[];
  /** Organizations (customers) of the account: `id`, `name`, `description`. */
  organizations?: Array<{ id: number; name: string; description?: string }>;
}

export interface NinjaOneEmulatorOptions extends EmulatorOptions {
  accounts: NinjaOneAccountSeed[];
}

interface Session {
  account: NinjaOneAccountSeed;
  scopes: string[];
}

function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}

export async function startNinjaOneEmulator(options: NinjaOneEmulatorOptions): Promise<RunningEmulator> {
  const sessions = new Map<string, Session>();

  function token(req: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "Unsupported grant type");
    const clientId = form.get("client_id");
    const match = options.accounts
      .flatMap((account) => account.clients.map((client) => ({ account, client })))
      .find((x) => x.client.clientId === clientId);
    if (!match || match.client.clientSecret !== form.get("client_secret"))
      return oauthError(401, "invalid_client", "Bad client credentials");
    const allowed = match.client.scopes ?? ["monitoring", "management", "control"];
    const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (requested.length === 0 || requested.some((s) => !allowed.includes(s)))
      return oauthError(400, "invalid_scope", "Invalid scope");
    const accessToken = `ninja-${randomBytes(16).toString("hex")}`;
    sessions.set(accessToken, { account: match.account, scopes: requested });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: "Bearer", expires_in: 3600, scope: requested.join(" ") },
    };
  }

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    if (req.method === "POST" && req.path === `/${paths.token}`) return token(req);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const session = bearer ? sessions.get(bearer) : undefined;
    if (!session) return { status: 401, body: { error: "invalid_token", error_description: "Unauthorized" } };
    if (req.method === "GET" && req.path === `/${paths.organizations}`) {
      if (!session.scopes.includes(readScope)) return { status: 403, body: { error: "Forbidden" } };
      const after = Number(req.query.get("after") ?? 0);
      const size = Number(req.query.get("pageSize") ?? 1000);
      const all = [...(session.account.organizations ?? [])].sort((a, b) => a.id - b.id);
      return { status: 200, body: all.filter((o) => o.id > after).slice(0, size) };
    }
    const list =
      req.path === `/${paths.technicians}`
        ? session.account.technicians
        : req.path === `/${paths.endUsers}`
          ? session.account.endUsers
          : undefined;
    if (req.method !== "GET" || !list) return { status: 404, body: { error: "Not Found" } };
    if (!session.scopes.includes(readScope)) return { status: 403, body: { error: "Forbidden" } };
    const withRoles = req.query.get("includeRoles") === "true";
    return {
      status: 200,
      body: list.map((u) => {
        if (withRoles) return u;
        const { roles: _roles, ...rest } = u;
        return rest;
      }),
    };
  };
  return startEmulator(handler, options);
}

// ---------------------------------------------------------------------------------------------------
// Seed builders, shaped like the documented `Technician` and `EndUser` schemas.

export function seedTechnician(email: string, fields: SeedUser = {}): SeedUser {
  const [first = "", last = ""] = email.split("@")[0]!.split(/[._]/);
  return {
    id: seedNumber(`ninjaone-user:${email}`),
    uid: guid(`ninjaone-user:${email}`),
    enabled: true,
    firstName: first,
    lastName: last,
    email,
    phone: "",
    mustChangePw: false,
    mfaConfigured: true,
    scimUser: false,
    authType: "NATIVE",
    userType: "TECHNICIAN",
    invitationStatus: "REGISTERED",
    notifyAllClients: false,
    administrator: false,
    assignedDeviceIds: [],
    roles: ["Default Technician"],
    ...fields,
  };
}

export function seedEndUser(email: string, fields: SeedUser = {}): SeedUser {
  const {
    userType: _userType,
    administrator: _administrator,
    notifyAllClients: _notify,
    ...base
  } = seedTechnician(email, { mfaConfigured: false, roles: [] });
  return { ...base, organizationId: 1, fullPortalAccess: false, ...fields };
}

// ---------------------------------------------------------------------------------------------------
// The demo portfolio: Northwind runs its own NinjaOne, where one administrator never set up MFA; the MSP's
// technicians sign in to the MSP's NinjaOne through Entra SSO (the msp-self scenario, issue #13).

function northwind(domain: string, clientId: string, clientSecret: string): NinjaOneAccountSeed {
  return {
    clients: [{ clientId, clientSecret, scopes: ["monitoring"] }],
    technicians: [
      seedTechnician(`it.admin@${domain}`, {
        authType: "SSO",
        administrator: true,
        roles: ["Administrators"],
      }),
      seedTechnician(`helpdesk@${domain}`, { mfaConfigured: true }),
      seedTechnician(`r.king@${domain}`, {
        mfaConfigured: false,
        administrator: true,
        roles: ["Administrators"],
      }),
      seedTechnician(`s.buchanan@${domain}`, { enabled: false, mfaConfigured: false }),
    ],
    endUsers: [seedEndUser(`a.fuller@${domain}`, { fullPortalAccess: true })],
  };
}

/** The MSP's own console: both technicians sign in through the MSP's Entra (matched there by email). */
function msp(domain: string, clientId: string, clientSecret: string): NinjaOneAccountSeed {
  return {
    clients: [{ clientId, clientSecret, scopes: ["monitoring"] }],
    technicians: [
      seedTechnician(`m.garcia@${domain}`, {
        authType: "SSO",
        administrator: true,
        roles: ["Administrators"],
      }),
      seedTechnician(`d.okafor@${domain}`, { authType: "SSO" }),
    ],
    endUsers: [],
  };
}

const demoSeeds: Record<string, (domain: string, clientId: string, secret: string) => NinjaOneAccountSeed> = {
  northwind,
  msp,
};

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenants = portfolio.tenants.filter((t) => demoSeeds[t.id]);
  if (tenants.length === 0) return { connections: [], env: {}, close: async () => {} };
  const env: Record<string, string> = {};
  const seeds = tenants.map((t) => {
    const suffix = t.id.replace(/[^a-z0-9]/gi, "_").toUpperCase();
    const variable = `MFASWEEP_DEMO_NINJAONE_SECRET_${suffix}`;
    env[variable] = randomBytes(16).toString("hex");
    const clientId = `mfasweep-demo-${t.id}`;
    return { tenant: t, variable, clientId, seed: demoSeeds[t.id]!(t.domain, clientId, env[variable]) };
  });
  const emulator = await startNinjaOneEmulator({ accounts: seeds.map((s) => s.seed) });
  return {
    env,
    connections: seeds.map(({ tenant, variable, clientId }) => ({
      tenant: tenant.id,
      connection: {
        type: "ninjaone",
        id: "ninjaone",
        endpoint: emulator.url,
        // The MSP's console: SSO through the "NinjaOne" enterprise app of its Entra (the Entra demo's app id).
        ...(tenant.role === "msp"
          ? { sso: { identityProvider: "entra", target: guid(`app:ninjaone:${tenant.domain}`) } }
          : {}),
        auth: { method: "client-credentials", clientId, clientSecret: `env:${variable}` },
      },
    })),
    close: () => emulator.close(),
  };
}
