import { describe, expect, it } from "vitest";
import { type DistributedRun, renderTables, type SweepResult } from "../../bench/report.js";

/** The BENCHMARKS.md table of the distributed runs (`--workers`), apart from the single-process sweeps. */

function run(distributed?: DistributedRun): SweepResult {
  const requests = {
    tenants: 1,
    accounts: 1,
    requests: 1,
    served: 1,
    throttled: 0,
    per1000Accounts: 1,
    perTenant: 1,
    maxThrottledPerTenant: 0,
    byDomain: {},
  };
  return {
    schemaVersion: 1,
    kind: "sweep",
    date: "2026-12-08T00:00:00Z",
    machine: { cpus: 2, cpuModel: "test", memoryGb: 1, platform: "linux", node: "v20" },
    load: { start: [0.5], end: [0.7] },
    parameters: {
      scale: "large",
      tenants: 1000,
      accountsPerTenant: 1000,
      seed: 1,
      latencyMs: 50,
      providers: [],
      tenantConcurrency: 100,
      enforceLimits: true,
    },
    portfolio: {
      tenants: 1000,
      accounts: { entra: 1, okta: 1, "google-workspace": 1 },
      directoryAccounts: 3,
      sshHosts: 0,
      openvpnServers: 0,
      connections: 1,
    },
    sweep: {
      wallMs: 300_000,
      collectionMs: 1,
      evaluateMs: 1,
      reconcileMs: 1,
      seedMs: 1,
      coverage: { complete: 1, partial: 0, failed: 0 },
      incomplete: [],
      results: 1,
      findings: 0,
    },
    bound: {
      minimumMs: 120_000,
      minimumRatio: 2.5,
      minimumBinding: {
        tenant: "all tenants",
        kind: "entra:reports-app",
        requests: 2000,
        rounds: 0,
        ms: 120_000,
      },
      slowestByKind: [],
    },
    processes: {
      sweep: { cpuS: 70.5, peakRssMb: 900 },
      emulators: { cpuS: 30.2, peakRssMb: 1200 },
      cpuMsPerAccount: 0.15,
    },
    requests: { entra: requests, okta: requests, "google-workspace": requests },
    throttling: {
      received: 0,
      perTenant: 0,
      retries: 0,
      retriesBySource: {},
      errorAnswers: 0,
      connectionsThrottledOut: 0,
    },
    memory: { baselineMb: 1, peakRssMb: 1, peakAboveBaselineMb: 0, perTenantKb: 0, byTenantsDone: [] },
    naive: null,
    ...(distributed ? { distributed } : {}),
  };
}

describe("BENCHMARKS.md tables", () => {
  it("leads each run with wall ÷ minimum, then CPU and peak RSS of the sweep and of the emulators", () => {
    const text = renderTables([{ name: "large-1000x1000", result: run() }]);
    expect(text).toContain(
      "| run | tenants × mean accounts | accounts (Entra/Okta/Google) | latency | wall ÷ minimum | wall | minimum (what binds) | CPU: sweep · emulators (ms per account) | peak RSS: sweep · emulators |",
    );
    expect(text).toContain(
      "| large-1000x1000 | 1000 × 1000 | 1/1/1 | 50 ms | 2.5 | 300.0 s | 120.0 s (entra:reports-app) | 70.5 s · 30.2 s (0.15) | 900 MB · 1200 MB |",
    );
    expect(text).not.toMatch(/rate bound/);
  });

  it("lists a distributed run in its own table: wall ÷ minimum, CPU and peak RSS per process", () => {
    const text = renderTables([
      { name: "large-1000x1000", result: run() },
      {
        name: "large-1000x1000-workers2",
        result: run({
          workers: 2,
          workerConcurrency: 50,
          central: { cpuS: 70.5, peakRssMb: 900 },
          workerProcesses: [
            { cpuS: 40.1, peakRssMb: 600 },
            { cpuS: 39.8, peakRssMb: 610 },
          ],
        }),
      },
    ]);
    const rows = text.split("\n").filter((l) => l.startsWith("| large"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\| large-1000x1000 \| 1000 × 1000 \|/);
    expect(rows[1]).toBe(
      "| large-1000x1000-workers2 | 1000 × 1000 | 2 × 50 | 2.5 | 300.0 s | 120.0 s | 70.5 s, 900 MB | 40.1 s, 600 MB; 39.8 s, 610 MB | 30.2 s, 1200 MB | 0.15 | 0 | 0.5 → 0.7 | 2026-12-08, v20 |",
    );
    expect(text).toContain("| run (distributed) |");
  });
});
