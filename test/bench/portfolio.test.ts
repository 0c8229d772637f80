import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  accountsByType,
  directoryConnections,
  entraSeed,
  googleSeed,
  oktaSeed,
  planPortfolio,
  portfolioEnv,
  prng,
  smallBusinessUsers,
  tokenFor,
  writeFileConnections,
} from "../../bench/portfolio.js";
import { tokenApp } from "../../providers/entra/client.js";
import { parseConfig } from "../../src/composition.js";

/** The benchmark's synthetic portfolio: reproducible from its seed, shaped like a user's config. */

const tiny = { seed: 7, tenants: 12, accountsPerTenant: 30 };

/** Everything a portfolio consists of, as JSON: the plan and every emulator seed. */
function snapshot(options: typeof tiny) {
  const plan = planPortfolio(options);
  return JSON.stringify({
    plan,
    seeds: plan.tenants.map((t) => [entraSeed(plan, t), oktaSeed(plan, t), googleSeed(plan, t)]),
  });
}

describe("bench portfolio generator", () => {
  it("gives the same portfolio, down to every id and token, for the same seed", () => {
    expect(snapshot(tiny)).toBe(snapshot(tiny));
    expect(snapshot({ ...tiny, seed: 8 })).not.toBe(snapshot(tiny));
  });

  it("gives every Entra tenant a token of its own tenant (tid) from one MSP app (appid), as Entra issues them", () => {
    // One app across all tenants: Graph's reports limit per app spans them, so the sweep must see one app.
    const plan = planPortfolio(tiny);
    const entra = plan.tenants.filter((t) => t.directories.entra);
    const tokens = entra.map((t) => tokenFor(plan, t, "entra"));
    expect(new Set(tokens).size).toBe(entra.length);
    expect(new Set(tokens.map(tokenApp)).size).toBe(1);
    expect(tokenApp(tokens[0]!)).not.toMatch(/^token:/);
    const tids = tokens.map(
      (token) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).tid as string,
    );
    expect(tids).toEqual(entra.map((t) => entraSeed(plan, t)?.tenantId));
  });

  it("prng is a stable sequence in [0, 1)", () => {
    const a = prng(42);
    const b = prng(42);
    const values = Array.from({ length: 5 }, () => a());
    expect(values).toEqual(Array.from({ length: 5 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(5);
  });

  it("mixes directories per tenant and seeds each directory with the planned number of users", () => {
    const plan = planPortfolio({ seed: 1, tenants: 40, accountsPerTenant: 50 });
    const byType = accountsByType(plan);
    expect(byType.entra).toBeGreaterThan(byType["google-workspace"]);
    expect(byType.okta).toBeGreaterThan(0);
    expect(plan.tenants.filter((t) => Object.keys(t.directories).length === 2).length).toBeGreaterThan(0);
    for (const t of plan.tenants) {
      expect(entraSeed(plan, t)?.users.length ?? 0).toBe(t.directories.entra ?? 0);
      expect(oktaSeed(plan, t)?.users.length ?? 0).toBe(t.directories.okta ?? 0);
      expect(googleSeed(plan, t)?.users.length ?? 0).toBe(t.directories["google-workspace"] ?? 0);
    }
    // Realistic contents: an admin and a break-glass account, disabled users, CA policies on P1 tenants.
    const entra = plan.tenants.map((t) => entraSeed(plan, t)).find((s) => s?.licence.p1);
    expect(entra?.roleAssignments.length).toBeGreaterThan(0);
    expect(entra?.policies.length).toBeGreaterThanOrEqual(3);
    expect(entra?.users[0]?.userPrincipalName.startsWith("breakglass@")).toBe(true);
  });

  it("sizes Entra tenants without P1 as small businesses (Business Basic/Standard: at most 300 users)", () => {
    const plan = planPortfolio({ seed: 1, tenants: 200, accountsPerTenant: 1000 });
    const entra = plan.tenants.filter((t) => t.directories.entra);
    const withoutP1 = entra.filter((t) => t.entraP1 === false);
    expect(entra.every((t) => typeof t.entraP1 === "boolean")).toBe(true);
    // Near the stated share of 30% without P1.
    expect(withoutP1.length / entra.length).toBeGreaterThan(0.2);
    expect(withoutP1.length / entra.length).toBeLessThan(0.4);
    for (const t of withoutP1) {
      const users = Object.values(t.directories).reduce((n, v) => n + v, 0);
      expect(users).toBeGreaterThanOrEqual(smallBusinessUsers.min);
      expect(users).toBeLessThanOrEqual(smallBusinessUsers.max);
      expect(entraSeed(plan, t)?.licence.p1).toBe(false);
    }
    // Tenants with P1 keep the scale's size (0.5-1.5× the mean).
    for (const t of entra.filter((x) => x.entraP1)) {
      expect(Object.values(t.directories).reduce((n, v) => n + v, 0)).toBeGreaterThanOrEqual(500);
      expect(entraSeed(plan, t)?.licence.p1).toBe(true);
    }
    expect(plan.tenants.filter((t) => !t.directories.entra).every((t) => t.entraP1 === undefined)).toBe(true);
  });

  it("keeps only the connection types asked for, and every tenant has a connection", () => {
    const plan = planPortfolio({ ...tiny, types: ["okta", "ssh"] });
    for (const t of plan.tenants) {
      expect(Object.keys(t.directories)).toEqual(["okta"]);
      expect(t.openvpn).toBe(false);
    }
  });

  it("writes a config that parses, with file connections on disk and env references that resolve", async () => {
    const plan = planPortfolio(tiny);
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-bench-test-"));
    try {
      const endpoints = {
        entra: { url: "https://127.0.0.1:1", caBundle: join(dir, "ca.pem") },
        okta: { url: "http://127.0.0.1:2" },
        "google-workspace": { url: "http://127.0.0.1:3" },
      };
      const tenants = [];
      for (const t of plan.tenants)
        tenants.push({
          id: t.id,
          name: t.name,
          connections: [...directoryConnections(t, endpoints), ...(await writeFileConnections(plan, t, dir))],
        });
      const { config } = parseConfig(stringify({ tenants }), "bench.yaml");
      expect(config.tenants).toHaveLength(tiny.tenants);
      const env = portfolioEnv(plan);
      const refs = JSON.stringify(config).match(/env:MFASWEEP_BENCH_[A-Z0-9_]+/g) ?? [];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(env[ref.slice(4)]).toBeTruthy();
      const withSsh = plan.tenants.find((t) => t.sshHosts > 0);
      if (withSsh) expect(await readdir(join(dir, withSsh.id, "ssh"))).toHaveLength(withSsh.sshHosts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
