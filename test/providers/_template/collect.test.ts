import { afterEach, describe, expect, it } from "vitest";
import { readUsersPermission } from "../../../providers/_template/api.js";
import { seedUser, startExampleEmulator } from "../../../providers/_template/emulator.js";
import { exampleConsole } from "../../../providers/_template/index.js";
import { ExampleSettings } from "../../../providers/_template/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { type QuotaDomain, QuotaRegistry } from "../../../src/collect/quota.js";
import type { AttemptOutcome } from "../../../src/collect/retry.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { testContext } from "../../helpers/context.js";

/**
 * The provider template stays a working starting point: copied as it is, it pages, maps every verdict,
 * skips a bad record, and names a missing permission. A new provider's tests start from these.
 */

const token = "example-token";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(users: Array<Record<string, unknown>>, permissions?: string[]) {
  emulator = await startExampleEmulator({
    accounts: [{ tokens: [{ token, ...(permissions ? { permissions } : {}) }], users }],
    pageSize: 2,
  });
  return ExampleSettings.parse({
    type: "example-console",
    endpoint: `${emulator.url}/v1`,
    auth: { method: "api-token", token: "env:EXAMPLE_TOKEN" },
  });
}

/** One collection through the real pipeline (retries, coverage), with the template as the provider. */
function collect(settings: ExampleSettings) {
  return collectConnection(
    { id: "t1", name: "Tenant" },
    { id: "example", type: "example-console", settings },
    {
      quotas: new QuotaRegistry(false),
      env: { EXAMPLE_TOKEN: token },
      sleep: async () => {},
      provider: exampleConsole,
    },
  );
}

describe("provider template (providers/_template)", () => {
  it("pages the user list and maps each user's sign-in to a verdict with evidence", async () => {
    const settings = await start([
      seedUser("enforced@example.test"),
      seedUser("bypassable@example.test", { mfaEnrolled: false }),
      seedUser("optional@example.test", { mfaRequired: false }),
      seedUser("none@example.test", { mfaRequired: false, mfaEnrolled: false }),
      seedUser("unknown@example.test", { mfaRequired: undefined }),
      { email: "no-id@example.test" },
    ]);
    const { inventory, coverage } = await collect(settings);
    expect(emulator?.requests.map((r) => r.query.offset)).toEqual([undefined, "2", "4"]);
    expect(coverage).toMatchObject({ status: "partial", counts: { accounts: 5, skipped: 1, requests: 3 } });
    expect(coverage.gaps.map((g) => g.what)).toEqual(["user record 2 on page 3"]);
    const states = inventory.accessPaths.map((p) => [
      inventory.accounts.find((a) => a.id === p.accounts[0])?.name,
      p.mfa.state,
    ]);
    expect(states).toEqual([
      ["enforced@example.test", "enforced"],
      ["bypassable@example.test", "bypassable"],
      ["optional@example.test", "optional"],
      ["none@example.test", "none"],
      ["unknown@example.test", "unknown"],
      // The record that did not match its schema is no silent absence: one unknown path of no account.
      [undefined, "unknown"],
    ]);
    expect(inventory.accessPaths[5]).toMatchObject({
      id: expect.stringMatching(/\/unread\/user-records$/),
      accounts: [],
      mfa: { state: "unknown", reason: expect.stringMatching(/1 user record/) },
    });
    expect(inventory.accessPaths[3]!.mfa.evidence).toContainEqual(
      expect.objectContaining({ endpoint: "GET users", field: "mfaRequired", value: false }),
    );
  });

  it("names the missing permission, in doctor and when collecting", async () => {
    const settings = await start([seedUser("a@example.test")], []);
    // As `mfasweep doctor` calls it: one attempt per probe, the provider's reading of a failure.
    const ctx = {
      ...testContext(settings, { connectionId: "example", env: { EXAMPLE_TOKEN: token } }),
      request: async <T>(
        domain: QuotaDomain,
        _label: string,
        send: () => Promise<T>,
        classify: (err: unknown) => AttemptOutcome,
      ): Promise<T> => {
        try {
          return await domain.schedule(send);
        } catch (err) {
          const outcome = classify(err);
          throw outcome.kind === "fatal" ? outcome.error : err;
        }
      },
    };
    expect(await exampleConsole.doctor?.(ctx)).toEqual([
      expect.objectContaining({ ok: false, missing: [readUsersPermission] }),
    ]);
    const { coverage } = await collect(settings);
    expect(coverage.status).toBe("failed");
    expect(coverage.reason).toContain(readUsersPermission);
  });
});
