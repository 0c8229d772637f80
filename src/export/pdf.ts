import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { chromium } from "playwright-core";
import { ConfigError } from "../errors.js";

/**
 * `--format pdf` (issue #24 item 3): the HTML report printed to A4 by a Chromium-family browser that is
 * already installed (mfasweep downloads no browser). The page is loaded from memory with every request
 * refused, so printing, like opening the file, contacts nothing.
 */

export class BrowserNotFoundError extends ConfigError {}

const pathNames = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
  "microsoft-edge",
  "microsoft-edge-stable",
  "chrome",
  "msedge",
];

/** The usual install locations, per platform, after CHROME_PATH and PATH. */
function installLocations(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === "darwin")
    return [
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
      "/Applications/Chromium.app/Contents/MacOS/Chromium",
      "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ];
  if (platform === "win32") {
    const roots = [env.ProgramFiles, env["ProgramFiles(x86)"], env.LOCALAPPDATA].filter((r): r is string =>
      Boolean(r),
    );
    return roots.flatMap((root) => [
      join(root, "Google", "Chrome", "Application", "chrome.exe"),
      join(root, "Microsoft", "Edge", "Application", "msedge.exe"),
      join(root, "Chromium", "Application", "chrome.exe"),
    ]);
  }
  return [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/usr/bin/microsoft-edge",
    "/opt/microsoft/msedge/msedge",
    "/snap/bin/chromium",
  ];
}

function executable(path: string, platform: NodeJS.Platform): boolean {
  try {
    accessSync(path, platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const browserHelp =
  "install Chromium, Google Chrome or Microsoft Edge (Debian/Ubuntu: apt-get install chromium; Fedora: dnf install chromium; macOS or Windows: Google Chrome or Microsoft Edge), or set CHROME_PATH to the browser's executable";

/** CHROME_PATH, then the names on PATH, then the usual install locations; the first that runs. */
export function findBrowser(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CHROME_PATH) {
    if (executable(env.CHROME_PATH, platform)) return env.CHROME_PATH;
    throw new BrowserNotFoundError(
      `CHROME_PATH=${env.CHROME_PATH} is not an executable file; ${browserHelp}`,
    );
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter).filter(Boolean);
  const exts = platform === "win32" ? [".exe"] : [""];
  for (const dir of dirs)
    for (const name of pathNames)
      for (const ext of exts) {
        const candidate = join(dir, `${name}${ext}`);
        if (executable(candidate, platform)) return candidate;
      }
  for (const candidate of installLocations(platform, env))
    if (executable(candidate, platform)) return candidate;
  throw new BrowserNotFoundError(
    `--format pdf needs a Chromium-family browser and none was found: ${browserHelp}`,
  );
}

/** Flags for a headless print with nothing in the background (no sync, updates or component fetches). */
export const browserArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

/** Prints a self-contained HTML report to an A4 PDF. */
export async function htmlToPdf(html: string, executablePath: string = findBrowser()): Promise<Buffer> {
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  // playwright-core (seconds to load) only when a PDF is printed, not when the CLI starts (issue #23).
  const { chromium } = await import("playwright-core");
  try {
    browser = await chromium.launch({ executablePath, args: browserArgs });
  } catch (err) {
    throw new BrowserNotFoundError(
      `could not start ${executablePath} to print the PDF (${(err as Error).message.split("\n")[0]}); ${browserHelp}`,
    );
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: true, offline: true });
    // Nothing leaves the machine: an embedded data: logo is the only thing the page may load.
    await context.route("**/*", (route) =>
      route.request().url().startsWith("data:") ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    return await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
