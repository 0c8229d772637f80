import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../../providers/google-workspace/emulator.js";
import { parseConfig } from "../../../src/config/load.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { openSqliteStore } from "../../../src/queue/sqlite.js";
import { sweep, sweepExitCode } from "../../../src/sweep.js";

/**
 * `keepPasses: false` (what a sweep of many tenants uses to keep memory down) changes only what the
 * returned report holds: the passes are dropped as each tenant is reconciled, while the queue, the
 * summary, the changes and the exit code stay what they are with every result kept.
 */

const now = new Date("2026-11-24T06:00:00.000Z");
const env = { ACME_TOKEN: "ya29.acme-keep", BETA_TOKEN: "ya29.beta-keep" };
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  const enforced = { allowEnrollment: true, enforcedFrom: "2025-01-01T00:00:00Z" };
  emulator = await startGoogleEmulator({
    tenants: [
      seedTenant("acme.example", env.ACME_TOKEN, ({ root }) => ({
        policies: twoStepPolicies(root, enforced),
        users: [
          seedUser("alice@acme.example"),
          seedUser("dave@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
          seedUser("erin@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
        ],
      })),
      seedTenant("beta.example", env.BETA_TOKEN, ({ root }) => ({
        policies: twoStepPolicies(root, enforced),
        users: [seedUser("bob@beta.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true })],
      })),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-keep-passes-"));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

async function sweepInto(file: string, keepPasses?: boolean) {
  const { config } = parseConfig(
    `tenants:
${["acme", "beta"]
  .map(
    (t) => `  - id: ${t}
    name: ${t}
    connections:
      - { type: google-workspace, id: google, endpoint: "${emulator.url}", auth: { method: access-token, token: "env:${t.toUpperCase()}_TOKEN" } }`,
  )
  .join("\n")}
`,
    "mfasweep.yaml",
    now,
  );
  const store = await openSqliteStore(join(dir, file), { create: true });
  try {
    const outcome = await sweep(config, {
      store,
      now,
      env,
      enforceQuotas: false,
      sleep: async () => {},
      ...(keepPasses === undefined ? {} : { keepPasses }),
    });
    return { outcome, items: (await store.findItems()).map((i) => [i.fingerprint, i.state]) };
  } finally {
    await store.close();
  }
}

describe("sweep keepPasses", () => {
  it("drops only the passes from the returned report", async () => {
    const all = await sweepInto("all.db");
    const lean = await sweepInto("lean.db", false);
    const passes = all.outcome.report.results.filter((r) => r.status === "pass");
    expect(passes.length).toBeGreaterThan(0);
    expect(lean.outcome.report.results).toEqual(
      all.outcome.report.results.filter((r) => r.status !== "pass"),
    );
    expect(lean.outcome.report.summary).toEqual(all.outcome.report.summary);
    expect(lean.outcome.summary.totals).toEqual(all.outcome.summary.totals);
    expect(lean.outcome.summary.changes).toEqual(all.outcome.summary.changes);
    expect(lean.items).toEqual(all.items);
    expect(sweepExitCode(lean.outcome, "low")).toBe(sweepExitCode(all.outcome, "low"));
    expect(sweepExitCode(lean.outcome, "low")).toBe(1);
  });
});
