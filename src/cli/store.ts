import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfig } from "../composition.js";
import type { Config } from "../config/load.js";
import { defaultStorePath } from "../queue/index.js";
import { defaultConfigPath } from "./shared.js";

/**
 * Which store a queue command uses: `--store`, else `store.path` of the config (relative to the config
 * file), else ./mfasweep.db. The config is read when `--config` is given, or when `--store` is not and
 * the default config file exists; commands use it for `sla` and `maxExceptionDays` too. With
 * `safetyRules` (accept, prune) the default config file is read even beside `--store`: its
 * `maxExceptionDays` and tenant list must not be skipped just because the store was named.
 */
export async function locateStore(
  options: { store?: string; config?: string },
  { safetyRules = false }: { safetyRules?: boolean } = {},
): Promise<{
  path: string;
  config?: Config;
  configFile?: string;
}> {
  const file = options.config ?? defaultConfigPath();
  const read =
    options.config !== undefined || ((options.store === undefined || safetyRules) && existsSync(file));
  const config = read ? (await loadConfig(file)).config : undefined;
  return { path: options.store ?? storePathOf(config, file), config, configFile: read ? file : undefined };
}

/**
 * The store a config names: `store.path` resolved against the config file's directory, or `store.url` (a
 * reference to a PostgreSQL URL, resolved when the store is opened); else the default file.
 */
export function storePathOf(config: Config | undefined, configFile: string): string {
  if (!config?.store) return defaultStorePath;
  return "url" in config.store ? config.store.url : resolve(dirname(configFile), config.store.path);
}

/** Repeatable, comma-separated option values: `--state open,reopened --state accepted`. */
export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
