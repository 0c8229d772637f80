import { randomBytes } from "node:crypto";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * Datto RMM facts this stand-in holds the client to, stated here (not imported from ./api.ts):
 * `GET /api/v2/account/users` from shared/reference/remote-access-and-ticketing.md §3 (Datto row: the
 * "Datto RMM API" v2 OpenAPI document in TheShadowTek/DattoRMM.Core Reference/); the password grant at
 * `POST /auth/oauth/token` with the fixed Basic client `public-client:public` from DattoRMM.Core's
 * Request-ApiToken (the same repository).
 */
const paths = {
  token: "auth/oauth/token",
  users: "api/v2/account/users",
} as const;
const publicClient = { user: "public-client", password: "public" } as const;
export const documented = { paths, publicClient } as const;

/**
 * A stand-in for a Datto RMM platform API (`https://{platform}-api.centrastage.net`): the password-grant
 * token endpoint (Basic `public-client:public`), bearer auth, and `GET /api/v2/account/users` as
 * `UsersPage` with `pageDetails.nextPageUrl` as an absolute URL. The page numbering inside those links is
 * the emulator's own (the client only follows them). A key whose user has no API access gets 403.
 */

export type SeedUser = Record<string, unknown>;

export interface DattoAccountSeed {
  keys: Array<{ apiKey: string; apiSecret: string; apiAccess?: boolean }>;
  users: SeedUser[];
  /** Users per page (Datto's default and maximum come from /api/v2/system/pagination). */
  pageSize?: number;
  /** Fault: from this page on, nextPageUrl repeats the current page's link. */
  pagingLoopFromPage?: number;
}

export interface DattoEmulatorOptions extends EmulatorOptions {
  accounts: DattoAccountSeed[];
}

export async function startDattoEmulator(options: DattoEmulatorOptions): Promise<RunningEmulator> {
  const sessions = new Map<string, { account: DattoAccountSeed; apiAccess: boolean }>();
  const expectedBasic = `Basic ${Buffer.from(`${publicClient.user}:${publicClient.password}`).toString("base64")}`;

  function token(req: EmulatorRequest): EmulatorResponse {
    if (req.headers.authorization !== expectedBasic)
      return {
        status: 401,
        body: { error: "unauthorized", error_description: "Full authentication is required" },
      };
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "password")
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "Unsupported grant type" },
      };
    const match = options.accounts
      .flatMap((account) => account.keys.map((key) => ({ account, key })))
      .find((x) => x.key.apiKey === form.get("username") && x.key.apiSecret === form.get("password"));
    if (!match)
      return { status: 400, body: { error: "invalid_grant", error_description: "Bad credentials" } };
    const accessToken = randomBytes(20).toString("hex");
    sessions.set(accessToken, { account: match.account, apiAccess: match.key.apiAccess ?? true });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: "bearer", expires_in: 359999, scope: "default" },
    };
  }

  const handler = (req: EmulatorRequest): EmulatorResponse => {
    if (req.method === "POST" && req.path === `/${paths.token}`) return token(req);
    const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
    const session = bearer ? sessions.get(bearer) : undefined;
    if (!session)
      return { status: 401, body: { error: "invalid_token", error_description: "Invalid access token" } };
    if (req.method !== "GET" || req.path !== `/${paths.users}`)
      return { status: 404, body: { message: "Not found" } };
    if (!session.apiAccess)
      return { status: 403, body: { message: "API access is not enabled for this user" } };
    const { account } = session;
    const size = Math.min(
      account.pageSize ?? 250,
      Math.max(1, Number(req.query.get("max") ?? account.pageSize ?? 250)),
    );
    const page = Math.max(0, Number(req.query.get("page") ?? 0) || 0);
    const slice = account.users.slice(page * size, page * size + size);
    const link = (p: number) => `${req.baseUrl}/${paths.users}?max=${size}&page=${p}`;
    const more = (page + 1) * size < account.users.length;
    const loop = account.pagingLoopFromPage !== undefined && page >= account.pagingLoopFromPage;
    return {
      status: 200,
      body: {
        pageDetails: {
          count: slice.length,
          totalCount: account.users.length,
          prevPageUrl: page > 0 ? link(page - 1) : null,
          nextPageUrl: loop ? link(page) : more ? link(page + 1) : null,
        },
        users: slice,
      },
    };
  };
  return startEmulator(handler, options);
}

/** A user as `AuthUser` describes it. */
export function seedUser(username: string, fields: SeedUser = {}): SeedUser {
  const [first = "", last = ""] = username.split("@")[0]!.split(/[._]/);
  return {
    firstName: first,
    lastName: last,
    username,
    email: username.includes("@") ? username : `${username}@example.invalid`,
    telephone: "",
    status: "Active",
    created: "2024-02-01T09:00:00Z",
    lastAccess: "2026-11-21T10:00:00Z",
    disabled: false,
    ...fields,
  };
}

/** Fabrikam Legal: Datto RMM says nothing about MFA, so every technician needs attestation. */
function fabrikam(domain: string, apiKey: string, apiSecret: string): DattoAccountSeed {
  return {
    keys: [{ apiKey, apiSecret }],
    users: [
      seedUser(`admin@${domain}`),
      seedUser(`msp.tech1@${domain}`),
      seedUser(`msp.tech2@${domain}`),
      seedUser(`old.contractor@${domain}`, { disabled: true, status: "Disabled" }),
    ],
  };
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const env = {
    MFASWEEP_DEMO_DATTO_KEY_FABRIKAM_LEGAL: `demo-${randomBytes(8).toString("hex")}`,
    MFASWEEP_DEMO_DATTO_SECRET_FABRIKAM_LEGAL: randomBytes(16).toString("hex"),
  };
  const emulator = await startDattoEmulator({
    accounts: [
      fabrikam(
        tenant.domain,
        env.MFASWEEP_DEMO_DATTO_KEY_FABRIKAM_LEGAL,
        env.MFASWEEP_DEMO_DATTO_SECRET_FABRIKAM_LEGAL,
      ),
    ],
  });
  return {
    env,
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "datto-rmm",
          id: "datto-rmm",
          endpoint: emulator.url,
          auth: {
            method: "api-key",
            apiKey: "env:MFASWEEP_DEMO_DATTO_KEY_FABRIKAM_LEGAL",
            apiSecret: "env:MFASWEEP_DEMO_DATTO_SECRET_FABRIKAM_LEGAL",
          },
        },
      },
    ],
    close: () => emulator.close(),
  };
}
