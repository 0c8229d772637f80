import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { openStore, type QueueItem, QueueItemError, type Store } from "../../queue/index.js";
import { locateStore } from "../store.js";

/** What every queue subcommand shares: the store options, opening the store, and naming one item. */

export interface StoreOptions {
  store?: string;
  config?: string;
}

export const storeOptions = (command: Command) =>
  command
    .option("--store <file>", "queue database (default: store.path in the config, else ./mfasweep.db)")
    .option("-c, --config <file>", "config file, for store.path, sla and maxExceptionDays");

export async function withStore<T>(
  options: StoreOptions,
  fn: (store: Store, ctx: Awaited<ReturnType<typeof locateStore>>) => Promise<T>,
  locate: Parameters<typeof locateStore>[1] = {},
): Promise<T> {
  const located = await locateStore(options, locate);
  const store = await openStore(located.path, { create: false });
  try {
    return await fn(store, located);
  } finally {
    await store.close();
  }
}

/** A full fingerprint or a unique prefix of at least 6 hex digits (as `queue list` shows 12). */
export async function resolveItem(store: Store, fingerprint: string): Promise<QueueItem> {
  if (!/^[0-9a-f]{6,64}$/i.test(fingerprint))
    throw new QueueItemError(
      `'${fingerprint}' is not a fingerprint (6 to 64 hex digits, see: mfasweep queue list)`,
    );
  const matches = await store.findItems({ fingerprintPrefix: fingerprint.toLowerCase() });
  if (matches.length === 0) throw new QueueItemError(`no item ${fingerprint} in ${store.location}`);
  if (matches.length > 1)
    throw new QueueItemError(
      `${fingerprint} matches ${matches.length} items (${matches
        .slice(0, 5)
        .map((m) => m.fingerprint)
        .join(", ")}${matches.length > 5 ? ", ..." : ""}); give more digits`,
    );
  return matches[0]!;
}

export function checkValues<T extends string>(name: string, values: string[], allowed: readonly T[]): T[] {
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length)
    throw new ConfigError(
      `${name}: unknown value ${bad.map((b) => `'${b}'`).join(", ")} (allowed: ${allowed.join(", ")})`,
    );
  return values as T[];
}
