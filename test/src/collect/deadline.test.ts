import { afterEach, describe, expect, it } from "vitest";
import {
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../../providers/google-workspace/emulator.js";
import { GoogleWorkspaceSettings } from "../../../providers/google-workspace/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("the per-connection time limit", () => {
  it("gives up a connection that keeps the API busy, with failed coverage that says why", async () => {
    const token = "ya29.deadline";
    emulator = await startGoogleEmulator({
      tenants: [
        seedTenant("slow.example", token, ({ root }) => ({
          policies: twoStepPolicies(root, { allowEnrollment: true }),
          users: [seedUser("a@slow.example")],
        })),
      ],
      // The server never answers: longer than the limit, shorter than the per-request timeout.
      faults: [{ path: "/admin/directory/v1/users", fault: { kind: "hang" } }],
    });
    const settings = GoogleWorkspaceSettings.parse({
      type: "google-workspace",
      endpoint: emulator.url,
      timeoutSeconds: 600,
      auth: { method: "access-token", token: "env:T" },
    });
    const collection = await collectConnection(
      { id: "slow", name: "Slow" },
      { id: "google", type: "google-workspace", settings },
      { quotas: new QuotaRegistry(false), env: { T: token }, connectionTimeoutMs: 200 },
    );
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toContain(
      "did not finish within the connection time limit (connectionTimeoutMinutes)",
    );
  });

  it("is configurable, two hours by default", () => {
    const text = (extra: string) =>
      `${extra}tenants:\n  - id: a\n    name: A\n    connections:\n      - type: google-workspace\n        auth: { method: access-token, token: env:T }\n`;
    expect(parseConfig(text(""), "x").config.connectionTimeoutMinutes).toBe(120);
    expect(parseConfig(text("connectionTimeoutMinutes: 30\n"), "x").config.connectionTimeoutMinutes).toBe(30);
    expect(() => parseConfig(text("connectionTimeoutMinutes: 0\n"), "x")).toThrow(/connectionTimeoutMinutes/);
  });
});
