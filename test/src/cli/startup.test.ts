import { describe, expect, it } from "vitest";
import { loadedPackages } from "../../helpers/loaded-packages.js";

/**
 * Issue #23 item 6: the vendor SDKs take seconds to load, so they are loaded when their connection runs
 * (dynamic import at the provider's client), never when the CLI starts or the provider registry loads.
 * Checked by listing the modules a real process loaded, not by timing (BENCHMARKS.md has the times).
 */
const sdks = [
  "@azure/identity",
  "@microsoft/microsoft-graph-client",
  "@okta/okta-sdk-nodejs",
  "@googleapis/admin",
  "@googleapis/cloudidentity",
  "google-auth-library",
  "node-ssh",
  "ssh2",
  "@duosecurity/duo_api",
  "playwright-core",
  "pg",
  "better-sqlite3",
  "nodemailer",
];

describe("start-up loads no vendor SDK", { timeout: 120_000 }, () => {
  it("the listing sees a package that is loaded (the check can fail)", async () => {
    const run = await loadedPackages(["-e", 'await import("pg"); await import("better-sqlite3")']);
    expect(run.code).toBe(0);
    expect(run.packages).toEqual(expect.arrayContaining(["pg", "better-sqlite3"]));
  });

  it("mfasweep --version loads commander and little else", async () => {
    const run = await loadedPackages(["src/cli/main.ts", "--version"]);
    expect(run.code).toBe(0);
    expect(run.packages.filter((p) => sdks.includes(p))).toEqual([]);
    // Not the config, the providers or the HTTP stack either.
    expect(run.packages).not.toContain("zod");
    expect(run.packages).not.toContain("undici");
  });

  it("mfasweep --help loads no SDK", async () => {
    const run = await loadedPackages(["src/cli/main.ts", "--help"]);
    expect(run.code).toBe(0);
    expect(run.packages.filter((p) => sdks.includes(p))).toEqual([]);
  });

  it("the provider registry, the policies and the config schema load no SDK", async () => {
    const run = await loadedPackages([
      "-e",
      'await import("./providers/index.ts"); await import("./policies/index.ts"); await import("./src/config/load.ts"); await import("./src/index.ts");',
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.packages).toContain("zod");
    expect(run.packages.filter((p) => sdks.includes(p))).toEqual([]);
  });
});
