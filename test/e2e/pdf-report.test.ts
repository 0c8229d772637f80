import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserNotFoundError, findBrowser } from "../../src/export/pdf.js";
import { chromiumInstalled } from "../helpers/browser.js";
import { runMain } from "../helpers/cli.js";
import { pdfPageCount } from "../helpers/pdf.js";

/** `--format pdf` (issue #24 item 3) through Debian's Chromium, found the way a user's machine finds it. */
const hasChromium = chromiumInstalled("PDF report tests");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-pdf-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("finding a browser", () => {
  it("takes CHROME_PATH, then PATH, and names what to install when there is none", async () => {
    const fake = join(dir, "google-chrome");
    await writeFile(fake, "#!/bin/sh\n");
    await chmod(fake, 0o755);
    expect(findBrowser({ PATH: dir }, "linux")).toBe(fake);
    expect(findBrowser({ PATH: "", CHROME_PATH: fake }, "linux")).toBe(fake);
    expect(() => findBrowser({ PATH: "", CHROME_PATH: join(dir, "nope") }, "linux")).toThrow(
      /CHROME_PATH=.*nope is not an executable file; install Chromium/,
    );
    // macOS has none of its usual locations here, and PATH is empty: the error says what to install.
    const none = (() => {
      try {
        findBrowser({ PATH: "" }, "darwin");
      } catch (err) {
        return err;
      }
    })();
    expect(none).toBeInstanceOf(BrowserNotFoundError);
    expect(String((none as Error).message)).toContain("apt-get install chromium");
    expect(String((none as Error).message)).toContain("CHROME_PATH");
  });
});

describe.skipIf(!hasChromium)("demo --format pdf", () => {
  it("prints the executive report of one tenant to at most 4 A4 pages", async () => {
    const one = join(dir, "one.pdf");
    const run = await runMain(
      ["demo", "--format", "pdf", "--audience", "executive", "--output", one, "--tenant", "contoso-dental"],
      { env: { PATH: "/usr/bin:/bin" } },
    );
    expect(run.code, run.stderr).toBe(0);
    const pdf = await readFile(one);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
    expect(pdfPageCount(pdf)).toBeLessThanOrEqual(4);
  }, 240_000);

  it("fails with exit 2 and one line naming what to install when no browser is found", async () => {
    const run = await runMain(["demo", "--format", "pdf", "--output", join(dir, "x.pdf")], {
      env: { PATH: "", CHROME_PATH: join(dir, "missing-chrome") },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/CHROME_PATH=.*missing-chrome is not an executable file; install Chromium/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);
});
