import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { QuotaRegistry } from "../../src/collect/quota.js";
import type { RetryPolicy } from "../../src/collect/retry.js";
import { parseConfig } from "../../src/composition.js";
import type { Config } from "../../src/config/load.js";
import { openStore, type Store } from "../../src/queue/index.js";
import { type SweepOptions, type SweepOutcome, sweep } from "../../src/sweep.js";

/** Shared by the reliability tests: configs written as YAML (as a user would), sweeps with a fake clock. */

export interface TenantEntry {
  id: string;
  name: string;
  connections: Array<Record<string, unknown>>;
}

/** The YAML a user would write for these tenants, parsed by the real loader. */
export function configText(tenants: TenantEntry[], extra: Record<string, unknown> = {}): string {
  return stringify({ tenants, ...extra });
}

export function configOf(tenants: TenantEntry[], extra: Record<string, unknown> = {}): Config {
  return parseConfig(configText(tenants, extra), "reliability.yaml").config;
}

/** Few, instant retries: the waits are recorded, never slept. */
export const fastRetry: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 60_000 };

export interface RecordedSweep {
  outcome: SweepOutcome;
  /** Every wait the sweep asked for (retry backoff, Retry-After, quota pauses), in ms. */
  slept: number[];
  ms: number;
}

/**
 * Fails with a clear message instead of hanging: every fault must end in a finite time. The bound is
 * generous (CI machines are slow); the point is that it is finite.
 */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s (a hang)`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export async function recordedSweep(
  config: Config,
  store: Store,
  env: Record<string, string>,
  options: Partial<SweepOptions> = {},
): Promise<RecordedSweep> {
  const slept: number[] = [];
  const started = Date.now();
  const outcome = await within(
    30_000,
    "the sweep",
    sweep(config, {
      store,
      env,
      quotas: new QuotaRegistry(false),
      retry: fastRetry,
      sleep: async (ms) => {
        slept.push(ms);
      },
      now: new Date("2026-11-24T12:00:00Z"),
      lock: { waitMs: 0 },
      ...options,
    }),
  );
  return { outcome, slept, ms: Date.now() - started };
}

/** A scratch directory removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function withStore<T>(path: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(path, { create: true });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
