import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureLine } from "../../../src/cli/shared.js";
import { StoreError } from "../../../src/queue/errors.js";
import { loadSqliteDriver } from "../../../src/queue/sqlite-driver.js";

/**
 * Issue #23: an install where npm did not run better-sqlite3's install script (npm 12 without an
 * approval) has the package but not its native module. A copy of the real package without its build
 * folder is that install: the real module resolution and the real `bindings` lookup fail as they would.
 */
const modules = fileURLToPath(new URL("../../../node_modules/", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-no-binding-"));
  const into = join(dir, "node_modules");
  await mkdir(join(into, "better-sqlite3"), { recursive: true });
  for (const part of ["package.json", "lib"])
    await cp(join(modules, "better-sqlite3", part), join(into, "better-sqlite3", part), { recursive: true });
  for (const pkg of ["bindings", "file-uri-to-path"])
    await cp(join(modules, pkg), join(into, pkg), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the SQLite driver", () => {
  it("loads with its native module where npm ran the install script (this checkout)", () => {
    const driver = loadSqliteDriver();
    const db = new driver(":memory:");
    expect(db.prepare("SELECT 1 + 1 AS two").get()).toEqual({ two: 2 });
    db.close();
  });

  it("without its native module: one line naming the npm commands and the PostgreSQL store", () => {
    let error: unknown;
    try {
      loadSqliteDriver(join(dir, "here.js"));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    const line = failureLine(error);
    expect(line).not.toContain("\n");
    expect(line).toContain("better-sqlite3's native module, which is not installed");
    expect(line).toContain("`npm approve-scripts better-sqlite3 && npm rebuild better-sqlite3`");
    expect(line).toContain("`npm install -g --allow-scripts=better-sqlite3 mfasweep`");
    expect(line).toContain("PostgreSQL store instead (--store env:NAME, or store.url in the config");
    expect(line).not.toMatch(/\b[A-Z]\w+Error\b/);
  });
});
