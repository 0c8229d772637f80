import { afterEach, describe, expect, it } from "vitest";
import { factor, seedOrg, seedUser } from "../../../providers/okta/emulator.js";
import { closeAll, host, startEmulator, token } from "./harness.js";

afterEach(closeAll);

/**
 * "75 concurrent API transactions per org" (identity-apis.md §2.3): a request is in flight from its arrival
 * until its answer, so the emulator's latency must hold the slot (issue #20 item 7: the shared server spent
 * the latency before the handler counted, and the limit never bit).
 */
describe("okta emulator: requests in flight", () => {
  const org = seedOrg(host, token, () => ({
    users: [seedUser("u1@acme.example", { factors: [factor("push")] })],
  }));
  const get = (url: string) =>
    fetch(`${url}/api/v1/users?limit=1`, { headers: { authorization: `SSWS ${token}` } });

  async function arrived(requests: unknown[], n: number): Promise<void> {
    // Waits on the emulator's own record of arrivals (no fixed sleep).
    while (requests.length < n) await new Promise((r) => setImmediate(r));
  }

  it("refuses one past the limit while the others are still within their latency", async () => {
    const { emulator } = await startEmulator({ orgs: [org], concurrencyLimit: 2, latencyMs: 1500 });
    const first = [get(emulator.url), get(emulator.url)];
    await arrived(emulator.requests, 2);
    const third = await get(emulator.url);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { errorCode: string }).errorCode).toBe("E0000047");
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
  });

  it("admits the next request once an earlier one has been answered (the slot is freed)", async () => {
    const { emulator } = await startEmulator({ orgs: [org], concurrencyLimit: 1, latencyMs: 20 });
    expect((await get(emulator.url)).status).toBe(200);
    expect((await get(emulator.url)).status).toBe(200);
  });
});
