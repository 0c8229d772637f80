import { seedNumber } from "../../src/emulator/guid.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * TEMPLATE: the vendor facts this stand-in holds the client to, written here from the vendor's documents
 * with the source beside each (never imported from ./api.ts: a typo there must fail the tests, not be
 * copied into the witness). test/providers/constants-agree.test.ts compares them with the provider's.
 */
const readUsersPermission = "Users: read"; // the example vendor's console names the permission so (fictional)
export const documented = { readUsersPermission } as const;

/**
 * TEMPLATE: a stand-in that follows the vendor's documented behaviour, for tests and the demo: its auth
 * (401 for an unknown token, 403 without the permission), its paging (here `next` links, absolute URLs),
 * its errors and its throttling. Faults (429, 5xx, resets, hangs, bad bodies) come from `EmulatorOptions`
 * so every provider's tests inject them the same way.
 */

export type SeedUser = Record<string, unknown>;

export interface ExampleEmulatorOptions extends EmulatorOptions {
  accounts: Array<{ tokens: Array<{ token: string; permissions?: string[] }>; users: SeedUser[] }>;
  pageSize?: number;
}

export async function startExampleEmulator(options: ExampleEmulatorOptions): Promise<RunningEmulator> {
  const pageSize = options.pageSize ?? 100;
  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const found = options.accounts
      .flatMap((account) => account.tokens.map((token) => ({ account, token })))
      .find((x) => x.token.token === bearer);
    if (!found) return { status: 401, body: { error: "unauthorized" } };
    if (req.method !== "GET" || req.path !== "/v1/users")
      return { status: 404, body: { error: "not found" } };
    if (!(found.token.permissions ?? [readUsersPermission]).includes(readUsersPermission))
      return { status: 403, body: { error: "forbidden", missing: readUsersPermission } };
    const offset = Number(req.query.get("offset") ?? 0);
    const users = found.account.users;
    const more = offset + pageSize < users.length;
    return {
      status: 200,
      body: {
        items: users.slice(offset, offset + pageSize),
        next: more ? `${req.baseUrl}/v1/users?offset=${offset + pageSize}` : null,
      },
    };
  };
  return startEmulator(handler, options);
}

// Ids derive from the record's key, not a counter: a second sweep in the same process sees the same ids.
/** A user as the API documents it; MFA required and enrolled unless told otherwise. */
export function seedUser(email: string, fields: SeedUser = {}): SeedUser {
  return {
    id: `u${seedNumber(`user:${email}`)}`,
    email,
    active: true,
    isAdmin: false,
    mfaRequired: true,
    mfaEnrolled: true,
    ...fields,
  };
}
