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
 * TeamViewer facts this stand-in holds the client to, stated here (not imported from ./api.ts): the
 * script-token permission "User management: View users" as TeamViewer's api-example-scripts name it
 * (the user list itself: shared/reference/remote-access-and-ticketing.md §3, TeamViewer row).
 */
const viewUsersPermission = "User management: View users";
export const documented = { viewUsersPermission } as const;

/**
 * A stand-in for `webapi.teamviewer.com/api/v1`: script tokens as bearer tokens (401 for an unknown one,
 * 403 for one without 'User management: View users'), `GET /users` returning `{ users: [...] }` with all
 * fields only when `full_list=true` (otherwise id, name and email, as TeamViewerPS's minimal set), and
 * TeamViewer's `{ error, error_description, error_code }` bodies. The error codes are the emulator's own:
 * their values are not published in the sources we use.
 */

export type SeedUser = Record<string, unknown>;

export interface TeamViewerCompanySeed {
  /** Script tokens of this company and their permissions (default: view users). */
  tokens: Array<{ token: string; permissions?: string[] }>;
  users: SeedUser[];
}

export interface TeamViewerEmulatorOptions extends EmulatorOptions {
  companies: TeamViewerCompanySeed[];
}

function tvError(status: number, error: string, description: string, code: number): EmulatorResponse {
  return { status, body: { error, error_description: description, error_code: code } };
}

export async function startTeamViewerEmulator(options: TeamViewerEmulatorOptions): Promise<RunningEmulator> {
  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const found = options.companies
      .flatMap((company) => company.tokens.map((t) => ({ company, token: t })))
      .find((x) => x.token.token === bearer);
    if (!found) return tvError(401, "invalid_token", "The access token is invalid.", 1);
    if (req.method !== "GET" || req.path !== "/api/v1/users")
      return tvError(404, "not_found", "Not found", 4);
    if (!(found.token.permissions ?? [viewUsersPermission]).includes(viewUsersPermission))
      return tvError(403, "insufficient_rights", "The token lacks the permission to view users.", 3);
    const full = req.query.get("full_list") === "true";
    return {
      status: 200,
      body: {
        users: found.company.users.map((u) => (full ? u : { id: u.id, name: u.name, email: u.email })),
      },
    };
  };
  return startEmulator(handler, options);
}

/** A company user as `GET /users?full_list=true` returns it; TFA enforced and set up unless told otherwise. */
export function seedUser(email: string, fields: SeedUser = {}): SeedUser {
  return {
    id: `u${seedNumber(`teamviewer-user:${email}`, 100_000_000)}`,
    name: email.split("@")[0]!.replace(/[._]/g, " "),
    email,
    userRoleId: "00000000-0000-0000-0000-00000000a001",
    active: true,
    last_access_date: "2026-11-20T08:15:00Z",
    log_sessions: true,
    show_comment_window: false,
    sso_status: "none",
    tfa_enforcement: true,
    tfa_enabled: true,
    ...fields,
  };
}

/** Contoso Dental: TFA enforced for everyone except the reception desk, which turned it off. */
function contosoDental(domain: string, token: string): TeamViewerCompanySeed {
  return {
    tokens: [{ token }],
    users: [
      seedUser(`owner@${domain}`),
      seedUser(`dr.kim@${domain}`),
      seedUser(`msp.tech@${domain}`),
      seedUser(`reception@${domain}`, { tfa_enforcement: false, tfa_enabled: false }),
      seedUser(`former.assistant@${domain}`, { active: false, tfa_enforcement: false, tfa_enabled: false }),
    ],
  };
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "contoso-dental");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const variable = "MFASWEEP_DEMO_TEAMVIEWER_TOKEN_CONTOSO_DENTAL";
  const token = `demo-${randomBytes(12).toString("hex")}`;
  const emulator = await startTeamViewerEmulator({ companies: [contosoDental(tenant.domain, token)] });
  return {
    env: { [variable]: token },
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "teamviewer",
          id: "teamviewer",
          endpoint: `${emulator.url}/api/v1`,
          auth: { method: "script-token", token: `env:${variable}` },
        },
      },
    ],
    close: () => emulator.close(),
  };
}
