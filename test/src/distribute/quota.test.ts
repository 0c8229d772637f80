import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seedUser, startGoogleEmulator } from "../../../providers/google-workspace/emulator.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import type { Config } from "../../../src/config/load.js";
import { QueueCollector } from "../../../src/distribute/index.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { twoStepTenant } from "../../helpers/google-tenants.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";
import { spawnWorker, type WorkerProcess } from "../../helpers/worker-process.js";

/**
 * A quota domain spanning tenants, shared by the workers of a distributed sweep (issue #21). Google's
 * Directory API quota is per admin user per Cloud project ("2,400 queries per minute per user per
 * Google Cloud Project", developers.google.com/admin-sdk/directory/v1/limits), answered with 403
 * `userRateLimitExceeded` beyond it; the emulator enforces it. Two tenants of the config reach one Google
 * customer with one token, so their connections draw on one quota. The emulator's window is 10 s instead
 * of a minute (the quota scaled with it: 400 per 10 s, the same rate), so the test takes seconds.
 */

const now = new Date("2026-12-07T12:00:00Z");
const token = "ya29.shared-admin";
/** Users per tenant; the emulator pages them one by one, so each connection makes about this many requests. */
const users = 300;
const window = { quotaWindowMs: 10_000, userRateLimitPerMinute: 2400 };
const perWindow = 400;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The emulator with the quota on, counting the Directory API's answers by status. */
async function quotaEmulator() {
  const statuses = { ok: 0, refused: 0 };
  const emulator: RunningEmulator = await startGoogleEmulator({
    tenants: [
      twoStepTenant(
        "acme.example",
        token,
        Array.from({ length: users }, (_, i) => seedUser(`user${i}@acme.example`)),
      ),
    ],
    enforceLimits: true,
    ...window,
    usersPageSize: 1,
    onResponse: (request, status) => {
      if (!request.path.startsWith("/admin/directory/")) return;
      if (status === 403) statuses.refused++;
      else if (status === 200) statuses.ok++;
    },
  });
  cleanup.push(() => emulator.close());
  return { emulator, statuses };
}

/** Two tenants (an MSP's two contracts with one customer) whose Google connections use one token. */
function yamlFor(endpoint: string): string {
  const tenant = (id: string) => `  - id: ${id}
    name: ${id}
    connections:
      - type: google-workspace
        id: google
        endpoint: ${endpoint}
        auth: { method: access-token, token: env:SHARED_TOKEN }
`;
  return `tenants:\n${tenant("acme")}${tenant("acme-eu")}`;
}

function pairs(config: Config) {
  return config.tenants.map((t) => ({ tenant: t, connection: t.connections[0]! }));
}

describe.skipIf(redisAbsent)(
  "quota domains shared by the workers through Redis (Google emulator, limits on)",
  () => {
    it("per-process budgets, as each worker had before: two connections of one quota exceed it", async () => {
      const { emulator, statuses } = await quotaEmulator();
      const config = parseConfig(yamlFor(emulator.url), "quota.yaml", now).config;
      // What two worker processes did: each paced its own requests at the client's rate.
      const stop = new AbortController();
      const timer = setInterval(() => statuses.refused > 0 && stop.abort(), 50);
      cleanup.push(async () => clearInterval(timer));
      await Promise.all(
        pairs(config).map(({ tenant, connection }) =>
          collectConnection(tenant, connection, {
            quotas: new QuotaRegistry(true),
            env: { SHARED_TOKEN: token },
            now,
            connectionTimeoutMs: 60_000,
            signal: stop.signal,
          }),
        ),
      );
      expect(statuses.refused, "the emulator refused nothing: the test has no teeth").toBeGreaterThan(0);
    }, 90_000);

    it("two worker processes draw on one Redis-held budget and stay within the quota", async () => {
      const { emulator, statuses } = await quotaEmulator();
      const yaml = yamlFor(emulator.url);
      const config = parseConfig(yaml, "quota.yaml", now).config;
      const prefix = testPrefix();
      cleanup.push(() => dropPrefix(prefix));
      const dir = await mkdtemp(join(tmpdir(), "mfasweep-quota-"));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, "mfasweep.yaml"), yaml);
      const workers: WorkerProcess[] = [];
      cleanup.push(async () => {
        for (const w of workers)
          if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
        await Promise.all(workers.map((w) => w.exited));
      });
      // One job at a time each: the two connections are collected by two processes at once.
      for (let i = 0; i < 2; i++)
        workers.push(
          spawnWorker(
            [
              "--config",
              join(dir, "mfasweep.yaml"),
              "--queue",
              redisUrl,
              "--queue-prefix",
              prefix,
              "--concurrency",
              "1",
            ],
            { SHARED_TOKEN: token },
          ),
        );
      await Promise.all(workers.map((w) => w.ready));
      const central = await QueueCollector.open({ url: redisUrl, prefix });
      cleanup.push(() => central.close());

      const sweepId = randomUUID();
      const collections = await Promise.all(
        pairs(config).map(({ tenant, connection }) =>
          central.collector(tenant, connection, {
            quotas: new QuotaRegistry(false),
            connectionTimeoutMs: 90_000,
            now,
            sweepId,
            enforceQuotas: true,
          }),
        ),
      );
      expect(collections.map((c) => `${c.tenant} ${c.coverage.status} ${c.coverage.reason ?? ""}`)).toEqual([
        "acme complete ",
        "acme-eu complete ",
      ]);
      const by = collections.map((c) => c.coverage.notes.find((n) => n.startsWith("collected by worker ")));
      expect(new Set(by).size, `both connections were collected by one worker: ${by.join("; ")}`).toBe(2);
      expect(by.every((n) => workers.some((w) => n === `collected by worker ${w.name}`))).toBe(true);
      // More than one window's quota was spent, at the same time, by two processes: and none refused.
      expect(statuses.ok).toBeGreaterThan(perWindow);
      expect(statuses.refused).toBe(0);
      expect(collections.every((c) => c.coverage.counts.retries === 0)).toBe(true);
    }, 120_000);
  },
);
