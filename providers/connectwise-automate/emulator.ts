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
 * ConnectWise Automate facts this stand-in holds the client to, stated here (not imported from ./api.ts):
 * shared/reference/remote-access-and-ticketing.md §3 (Automate row: connectwise-rest generator/automate-json/
 * System.json) gives `POST /cwa/api/v1/apitoken` and `GET /cwa/api/v1/Users`; the largest `pageSize` (1000)
 * is the one gavsto/AutomateAPI's Get-AutomateAPIGeneric pages with (not in the reference: a third-party
 * client's limit, so the emulator caps there and no higher).
 */
const paths = {
  token: "cwa/api/v1/apitoken",
  users: "cwa/api/v1/Users",
} as const;
const maxPageSize = 1000;
export const documented = { paths, maxPageSize } as const;

/**
 * A stand-in for an Automate server's REST API: `POST /cwa/api/v1/apitoken` (a JSON `TokenCredentials`,
 * answering `TokenResult`; a user with 2FA gets `IsTwoFactorRequired` and no token), the `clientId`
 * header required on every call (400 without it), bearer auth, and `GET /cwa/api/v1/Users` as a JSON
 * array paged by `page` (from 1) and `pageSize` (≤ 1000). The 400/403 bodies are the emulator's own
 * (`{ Message }`, ASP.NET's default shape): Automate's exact error texts are not in our sources.
 */

export type SeedUser = Record<string, unknown>;

export interface AutomateServerSeed {
  clientIds: string[];
  logins: Array<{ username: string; password: string; twoFactor?: boolean; canViewUsers?: boolean }>;
  /** Bearer tokens handed out elsewhere (auth.method token). */
  tokens?: string[];
  users: SeedUser[];
  /** Fault: the server ignores `page` and always returns the first page. */
  ignoresPage?: boolean;
}

export interface AutomateEmulatorOptions extends EmulatorOptions {
  server: AutomateServerSeed;
}

const message = (status: number, text: string): EmulatorResponse => ({ status, body: { Message: text } });

export async function startAutomateEmulator(options: AutomateEmulatorOptions): Promise<RunningEmulator> {
  const { server } = options;
  const sessions = new Map<string, { canViewUsers: boolean }>(
    (server.tokens ?? []).map((t) => [t, { canViewUsers: true }]),
  );

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    // Automate 2020.11+ refuses API calls without a registered partner client id.
    if (!server.clientIds.includes(String(req.headers.clientid ?? "")))
      return message(400, "A valid clientId header is required.");
    if (req.method === "POST" && req.path.toLowerCase() === `/${paths.token}`.toLowerCase()) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(req.body) as Record<string, unknown>;
      } catch {
        return message(400, "Invalid request body.");
      }
      const login = server.logins.find((l) => l.username === body.UserName && l.password === body.Password);
      if (!login) return message(401, "Username or password is incorrect.");
      if (login.twoFactor && !body.TwoFactorPasscode)
        return {
          status: 200,
          body: { AccessToken: null, IsTwoFactorRequired: true, IsInternalTwoFactorRequired: true },
        };
      const token = randomBytes(24).toString("base64url");
      sessions.set(token, { canViewUsers: login.canViewUsers ?? true });
      return {
        status: 200,
        body: {
          AccessToken: token,
          TokenType: "Bearer",
          ExpirationDate: new Date(Date.now() + 3_600_000).toISOString(),
          IsTwoFactorRequired: false,
          IsInternalTwoFactorRequired: false,
        },
      };
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const session = bearer ? sessions.get(bearer) : undefined;
    if (!session) return message(401, "Authorization has been denied for this request.");
    if (req.method !== "GET" || req.path.toLowerCase() !== `/${paths.users}`.toLowerCase())
      return message(404, "Not found");
    if (!session.canViewUsers) return message(403, "You do not have permission to view users.");
    const size = Math.min(maxPageSize, Math.max(1, Number(req.query.get("pageSize") ?? 50) || 50));
    const page = server.ignoresPage ? 1 : Math.max(1, Number(req.query.get("page") ?? 1) || 1);
    return { status: 200, body: server.users.slice((page - 1) * size, page * size) };
  };
  return startEmulator(handler, options);
}

/** An Automate `User` (local sign-in unless SsoStatus/SsoEmail say otherwise). */
export function seedUser(name: string, fields: SeedUser = {}): SeedUser {
  return {
    UserId: seedNumber(`automate-user:${name}`),
    Name: name,
    EmailAddress: name.includes("@") ? name : `${name}@example.invalid`,
    IsLocked: false,
    IsIntegrator: false,
    SsoStatus: "None",
    SsoEmail: null,
    AllowLegacyApiAccess: false,
    LastSuccessfulLogin: "2026-11-20T08:00:00Z",
    UserClasses: [{ UserClassId: 1, Name: "Technicians" }],
    ...fields,
  };
}

/** Contoso Dental's Automate: two technicians sign in with Entra SSO, the local admin does not. */
function contosoDental(domain: string, clientId: string, password: string): AutomateServerSeed {
  return {
    clientIds: [clientId],
    logins: [{ username: "mfasweep-api", password }],
    users: [
      seedUser(`localadmin`, { UserClasses: [{ UserClassId: 2, Name: "Super Admin" }] }),
      seedUser(`dr.kim@${domain}`, { SsoStatus: "Enabled", SsoEmail: `dr.kim@${domain}` }),
      seedUser(`msp.tech@${domain}`, { SsoStatus: "Enabled", SsoEmail: `msp.tech@${domain}` }),
      seedUser("mfasweep-api", { IsIntegrator: true, UserClasses: [] }),
      seedUser(`old.tech@${domain}`, { IsLocked: true }),
    ],
  };
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "contoso-dental");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const variable = "MFASWEEP_DEMO_AUTOMATE_PASSWORD_CONTOSO_DENTAL";
  const password = randomBytes(12).toString("hex");
  const clientId = "00000000-0000-4000-8000-00000000dem0";
  const emulator = await startAutomateEmulator({ server: contosoDental(tenant.domain, clientId, password) });
  return {
    env: { [variable]: password },
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "connectwise-automate",
          id: "automate",
          server: "automate.contoso-dental.example",
          endpoint: emulator.url,
          clientId,
          sso: { identityProvider: "entra" },
          auth: { method: "credentials", username: "mfasweep-api", password: `env:${variable}` },
        },
      },
    ],
    close: () => emulator.close(),
  };
}
