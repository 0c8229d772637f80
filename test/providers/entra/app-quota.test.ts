import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freeTenant, seedUser, startEntraEmulator } from "../../../providers/entra/emulator.js";
import { graphAccessToken } from "../../../providers/entra/login-emulator.js";
import { EntraSettings } from "../../../providers/entra/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { RedisBudget } from "../../../src/distribute/quota.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";

/**
 * Graph's identity and access reports (the registration report, each user's authentication methods, a
 * $batch's inner requests one by one) allow 5 requests per 10 s per app per tenant and 122 per 10 s per
 * app across all tenants (learn.microsoft.com/graph/throttling-limits, "Identity and access reports
 * service limits"). Thirty tenants without Entra ID P1, read by one app, each read their users' methods
 * in one batch of 5: 150 inner requests that, paced per tenant only, arrive together and pass the app's
 * 122. The emulator enforces both limits; its windows and the collector's are scaled to a fifth (2 s),
 * the caps and so the ratios Microsoft's, so the test takes seconds.
 */

const app = "7d3f1c2a-5b6e-4f80-9a1b-2c3d4e5f6a7b";
const tenants = 30;
const usersPerTenant = 5;
const timeScale = 0.2;
const dir = mkdtempSync(join(tmpdir(), "mfasweep-entra-app-quota-"));

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** P1-less tenants, each with a token of the same app, and the emulator counting 429s. */
async function portfolio(count = tenants, usersPerTenant = 5) {
  const seeds = Array.from({ length: count }, (_, i) => {
    const domain = `t${i}.example`;
    const seed = freeTenant("placeholder", domain);
    seed.tokens = [{ token: graphAccessToken(seed.tenantId, { appId: app }) }];
    seed.users.push(
      ...Array.from({ length: usersPerTenant - seed.users.length }, (_, u) => seedUser(`u${u}@${domain}`)),
    );
    return seed;
  });
  const counted = { throttled: 0, innerReads: 0 };
  const emulator: RunningEmulator = await startEntraEmulator({
    tenants: seeds,
    enforceLimits: true,
    timeScale,
    onResponse: (request, status, body) => {
      if (status === 429) counted.throttled++;
      // The per-user methods batches (a tenant's fixed reads also go out in one batch, issue #20).
      if (request.path !== "/v1.0/$batch" || !request.body.includes("/authentication/methods")) return;
      for (const r of (body as { responses?: Array<{ status: number }> } | undefined)?.responses ?? []) {
        counted.innerReads++;
        if (r.status === 429) counted.throttled++;
      }
    },
  });
  cleanup.push(() => emulator.close());
  const caBundle = join(dir, `ca-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(caBundle, emulator.certificate ?? "");
  const connections = seeds.map((seed, i) => ({
    tenant: { id: `t${i}`, name: seed.domain },
    connection: {
      id: "entra",
      type: "entra",
      settings: EntraSettings.parse({
        type: "entra",
        tenantId: seed.tenantId,
        endpoint: emulator.url,
        caBundle,
        auth: { method: "access-token", token: `env:TOKEN_${i}` },
      }),
    },
    env: { [`TOKEN_${i}`]: seed.tokens[0]!.token },
  }));
  return { connections, counted };
}

/** Sweeps `part` of the portfolio with `quotas` (one registry stands for one process). */
function sweep(part: Awaited<ReturnType<typeof portfolio>>["connections"], quotas: QuotaRegistry) {
  return Promise.all(
    part.map((c) => collectConnection(c.tenant, c.connection, { quotas, env: c.env, now: new Date() })),
  );
}

describe("Graph's reports limit per app across all tenants (Entra emulator, limits on, windows scaled)", () => {
  it("thirty tenants without P1 swept by one process: every methods read answered, no 429", async () => {
    const { connections, counted } = await portfolio();
    const collections = await sweep(connections, new QuotaRegistry(true, undefined, timeScale));
    for (const c of collections) {
      expect(c.coverage.status).toBe("complete");
      expect(c.coverage.counts.retries).toBe(0);
      expect(c.coverage.notes.join("\n")).toContain(
        `${usersPerTenant} user(s) in 1 $batch request(s) (${usersPerTenant} inner, 0 throttled and sent again)`,
      );
    }
    // Every user of every tenant was read, more than one window of the app's 122 admits.
    expect(counted.innerReads).toBe(tenants * usersPerTenant);
    expect(counted.innerReads).toBeGreaterThan(122);
    expect(counted.throttled).toBe(0);
  }, 30_000);

  it("two processes each pacing the app alone: together they pass 122 and Graph answers 429", async () => {
    const { connections, counted } = await portfolio();
    const half = tenants / 2;
    const collections = (
      await Promise.all([
        sweep(connections.slice(0, half), new QuotaRegistry(true, undefined, timeScale)),
        sweep(connections.slice(half), new QuotaRegistry(true, undefined, timeScale)),
      ])
    ).flat();
    // Each process kept within its own 122 (75 requests each); the app's limit spans both.
    expect(counted.throttled).toBeGreaterThan(0);
    // The inner 429s were sent again after their Retry-After: nothing is lost, only time.
    for (const c of collections) expect(c.coverage.status).toBe("complete");
  }, 30_000);
});

describe("one tenant's batches (Entra emulator, limits on, windows scaled)", () => {
  it("a batch holds no more users than one window of 5 admits: twelve users in three batches, no 429", async () => {
    const { connections, counted } = await portfolio(1, 12);
    const [collection] = await sweep(connections, new QuotaRegistry(true, undefined, timeScale));
    // Twelve inner requests in one batch would arrive together, 7 past the tenant's 5 however long the
    // batch waited for its slots.
    expect(collection!.coverage.notes.join("\n")).toContain(
      "12 user(s) in 3 $batch request(s) (12 inner, 0 throttled and sent again)",
    );
    expect(counted.throttled).toBe(0);
  }, 30_000);
});

const prefix = testPrefix();
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (!redisAbsent) await dropPrefix(prefix);
});

describe.skipIf(redisAbsent)("the app's budget shared through Redis (real Redis)", () => {
  it("two processes drawing on one Redis-held budget stay within 122 together: no 429", async () => {
    const { connections, counted } = await portfolio();
    const registry = () => {
      const client = new Redis(redisUrl);
      clients.push(client);
      return new QuotaRegistry(true, new RedisBudget(client, prefix), timeScale);
    };
    const half = tenants / 2;
    const collections = (
      await Promise.all([
        sweep(connections.slice(0, half), registry()),
        sweep(connections.slice(half), registry()),
      ])
    ).flat();
    for (const c of collections) {
      expect(c.coverage.status).toBe("complete");
      expect(c.coverage.counts.retries).toBe(0);
    }
    expect(counted.innerReads).toBe(tenants * usersPerTenant);
    expect(counted.throttled).toBe(0);
  }, 30_000);
});
