import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { StoreError } from "./errors.js";

/**
 * What to do when better-sqlite3's native module cannot be loaded (issue #23). npm 12 runs a dependency's
 * install script only when the installing project approves it (`allowScripts`; npm 11.16+ only warns), so
 * an `npm install mfasweep` or `npx mfasweep` can leave better-sqlite3 without its binding: `demo` works,
 * every SQLite store would not. One line, naming the fix and the PostgreSQL store as the way around it.
 */
const postgresInstead =
  "or use a PostgreSQL store instead (--store env:NAME, or store.url in the config, holding a postgres:// URL)";

export function bindingProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not locate the bindings file/.test(message))
    return `the SQLite store needs better-sqlite3's native module, which is not installed (npm did not run its install script, which needs approval); run \`npm approve-scripts better-sqlite3 && npm rebuild better-sqlite3\` where mfasweep is installed (for npx or a global install: \`npm install -g --allow-scripts=better-sqlite3 mfasweep\`), ${postgresInstead}`;
  const first = message.split("\n")[0]?.slice(0, 200) ?? "";
  return `the SQLite store's native module (better-sqlite3) does not load on Node ${process.versions.node} (${first}); run \`npm rebuild better-sqlite3\` where mfasweep is installed, ${postgresInstead}`;
}

/**
 * Loads better-sqlite3 and its native module, resolved from `from` (this file, except in a test that
 * points at a copy of the package), when a store is opened and not when the CLI starts. The binding is
 * loaded only by the first database, so one in memory is opened here: a missing binding is reported
 * before any store file is created.
 */
export function loadSqliteDriver(from: string = import.meta.url): typeof Database {
  const driver = createRequire(from)("better-sqlite3") as typeof Database;
  try {
    new driver(":memory:").close();
  } catch (err) {
    throw new StoreError(bindingProblem(err));
  }
  return driver;
}
