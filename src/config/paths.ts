import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

/**
 * Relative paths in a config file (secret `file:` references, config exports, CA bundles, known_hosts, ...)
 * mean "next to this config file", like `store.path` and the report logo: a scheduled run from another
 * working directory must read the same files, not other ones or none. `parseConfig` sets the directory for
 * the duration of its (synchronous) validation; a schema used outside it leaves paths as they are.
 */
let configDir: string | undefined;

export function relativeToConfig<T>(dir: string, parse: () => T): T {
  const outer = configDir;
  configDir = dir;
  try {
    return parse();
  } finally {
    configDir = outer;
  }
}

/** `path` against the directory of the config being parsed; absolute paths are kept. */
export function configPath(path: string): string {
  // "." (a config in the working directory) already means the same place: the path is kept as written.
  return configDir === undefined || configDir === "." || isAbsolute(path) ? path : resolve(configDir, path);
}

/** A path setting of the config file, resolved against the config file's directory. */
export const FilePath = z.string().min(1).transform(configPath);
