import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { browserArgs } from "../../src/export/pdf.js";

/**
 * Headless Chromium (Debian `chromium`, which `.ci/run` installs) through playwright-core, for the HTML reports,
 * launched with the product's own flags so the tests see the browser the PDF export uses.
 */

const executablePath = "/usr/bin/chromium";

/** Whether the browser is installed; `tests` names what is skipped without it (never on CI). */
export function chromiumInstalled(tests: string): boolean {
  if (existsSync(executablePath)) return true;
  const why = `${executablePath} not found (apt-get install chromium)`;
  // CI installs it: there a missing browser is a broken machine, not a reason to skip.
  if (process.env.CI) throw new Error(why);
  console.warn(`Skipping the ${tests}: ${why}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: browserArgs,
  });
}

export interface Opened {
  page: Page;
  requests: string[];
  problems: string[];
  close(): Promise<void>;
}

/** A file opened in a fresh context, with every request it makes and every console error or warning. */
export async function openPage(browser: Browser, file: string, width = 1280): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(pathToFileURL(file).href);
  return { page, requests, problems, close: () => context.close() };
}

export const visibleRows = (page: Page, section: string) =>
  page.locator(`#${section} tr[data-row]:visible`).count();

/** Width of a PNG from its IHDR chunk: a full-page screenshot is as wide as the page's content. */
export function pngWidth(png: Buffer): number {
  return png.readUInt32BE(16);
}
