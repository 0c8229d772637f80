import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTenant, seedUser, startGoogleEmulator } from "../../../providers/google-workspace/emulator.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { severityRank } from "../../../src/model/index.js";
import { sweepSummaryTable } from "../../../src/queue/render.js";
import { openSqliteStore } from "../../../src/queue/sqlite.js";
import { changeLineLimit, sweep } from "../../../src/sweep.js";

/**
 * A sweep that keeps no results (what `mfasweep sweep` does for its table) returns at most
 * `changeLineLimit` change lines, the most severe ones, and counts the rest; the queue keeps them all.
 */

const now = new Date("2026-11-24T06:00:00.000Z");
const env = { BIG_TOKEN: "ya29.big-change-lines" };
const admins = 3;
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    tenants: [
      // No 2SV policy: every user fails, the admins at critical.
      seedTenant("big.example", env.BIG_TOKEN, () => ({
        users: [
          ...Array.from({ length: admins }, (_, i) => seedUser(`admin${i}@big.example`, { isAdmin: true })),
          ...Array.from({ length: changeLineLimit + 10 }, (_, i) => seedUser(`user${i}@big.example`)),
        ],
      })),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-change-lines-"));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a sweep that keeps no results", () => {
  it("returns the most severe change lines and counts the rest", async () => {
    const { config } = parseConfig(
      `tenants:
  - id: big
    name: Big
    connections:
      - { type: google-workspace, id: google, endpoint: "${emulator.url}", auth: { method: access-token, token: "env:BIG_TOKEN" } }
`,
      "mfasweep.yaml",
      now,
    );
    const store = await openSqliteStore(join(dir, "big.db"), { create: true });
    try {
      const { summary } = await sweep(config, { store, now, env, enforceQuotas: false, keepResults: "none" });
      const items = await store.findItems();
      expect(summary.totals.new).toBe(items.length);
      expect(items.length).toBeGreaterThan(changeLineLimit);
      expect(summary.changes).toHaveLength(changeLineLimit);
      expect(summary.omittedChanges).toBe(items.length - changeLineLimit);

      const ranks = summary.changes.map((c) => severityRank[c.severity]);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      const critical = items.filter((i) => i.severity === "critical").length;
      expect(critical).toBeGreaterThanOrEqual(admins);
      expect(summary.changes.filter((c) => c.severity === "critical")).toHaveLength(critical);

      expect(sweepSummaryTable(summary, { color: false })).toContain(
        `... and ${items.length - 40} more (mfasweep queue list, or --format json)`,
      );
    } finally {
      await store.close();
    }
  });
});
