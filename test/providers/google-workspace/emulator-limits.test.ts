import { admin_directory_v1 } from "@googleapis/admin";
import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { classifyGoogleError } from "../../../providers/google-workspace/client.js";
import { seedTenant, seedUser, startGoogleEmulator } from "../../../providers/google-workspace/emulator.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";

/**
 * The emulator's benchmark options, driven through the real `@googleapis/admin` client: the Directory
 * API's per-user quota (403 `userRateLimitExceeded`, per admin user), `users.get`, and the shared server's
 * `onResponse` hook that the benchmarks count with.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const tenants = () => [
  seedTenant("acme.example", "ya29.acme", () => ({ users: [seedUser("ann@acme.example", { id: "1001" })] })),
  seedTenant("beta.example", "ya29.beta", () => ({ users: [seedUser("bob@beta.example", { id: "2002" })] })),
];

function directory(token: string): admin_directory_v1.Admin {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return new admin_directory_v1.Admin({ auth, rootUrl: `${emulator?.url}/`, retry: false });
}

describe("google-workspace emulator: benchmark options", () => {
  it("refuses the request past the per-user quota with 403 userRateLimitExceeded, which the client calls throttling", async () => {
    const statuses: number[] = [];
    emulator = await startGoogleEmulator({
      tenants: tenants(),
      enforceLimits: true,
      userRateLimitPerMinute: 2,
      onResponse: (_req, status) => statuses.push(status),
    });
    const acme = directory("ya29.acme");
    await acme.users.list({ customer: "my_customer" });
    await acme.users.list({ customer: "my_customer" });
    const refused = await acme.users.list({ customer: "my_customer" }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Error);
    const outcome = classifyGoogleError(refused, "GET admin/directory/v1/users", "scope");
    expect(outcome).toMatchObject({ kind: "throttled", detail: "HTTP 403 userRateLimitExceeded" });
    // Another admin user's quota is its own.
    await expect(directory("ya29.beta").users.list({ customer: "my_customer" })).resolves.toBeDefined();
    expect(statuses).toEqual([200, 200, 403, 200]);
  });

  it("refuses nothing when the limits are off (tests and the demo)", async () => {
    emulator = await startGoogleEmulator({ tenants: tenants(), userRateLimitPerMinute: 1 });
    const acme = directory("ya29.acme");
    for (let i = 0; i < 3; i++)
      await expect(acme.users.list({ customer: "my_customer" })).resolves.toBeDefined();
  });

  it("answers users.get by id or primary email, and 404 for an unknown user", async () => {
    emulator = await startGoogleEmulator({ tenants: tenants() });
    const acme = directory("ya29.acme");
    expect((await acme.users.get({ userKey: "1001" })).data.primaryEmail).toBe("ann@acme.example");
    expect((await acme.users.get({ userKey: "ann@acme.example" })).data.id).toBe("1001");
    // Another tenant's user is not visible with this tenant's token.
    const missing = await acme.users.get({ userKey: "2002" }).catch((err: { status?: number }) => err.status);
    expect(missing).toBe(404);
  });
});
