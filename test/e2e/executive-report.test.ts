import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/index.js";
import { toExecutiveHtml } from "../../src/export/html/executive.js";
import { figures } from "../../src/export/html/index.js";
import type { ScanReport } from "../../src/report.js";
import { chromiumInstalled, launchChromium, openPage } from "../helpers/browser.js";
import { pdfPageCount } from "../helpers/pdf.js";
import { hostileReport } from "../helpers/report.js";

/**
 * The executive audience (issue #24 item 1) as its reader gets it: the demo portfolio rendered to a file,
 * opened and printed to A4 in headless Chromium (Debian `chromium`).
 */
const hasChromium = chromiumInstalled("executive report browser tests");

let browser: Browser;
let dir: string;
let demo: ScanReport;
let demoFile: string;

describe.skipIf(!hasChromium)("the executive report in headless Chromium", () => {
  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), "mfasweep-exec-"));
    demo = await runDemo();
    demoFile = join(dir, "executive.html");
    await writeFile(demoFile, toExecutiveHtml(demo));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows each tenant's grade, reason and figures from the report, with no request and no console error", async () => {
    const { page, requests, problems, close } = await openPage(browser, demoFile);
    try {
      const sections = page.getByTestId("exec-tenant");
      expect(await sections.count()).toBe(demo.tenants.length);
      for (const [i, tenant] of demo.tenants.entries()) {
        const f = figures(demo, tenant.id);
        const section = sections.nth(i);
        expect(await section.getByTestId("prepared").textContent()).toBe(`Prepared for ${tenant.name}`);
        expect(await section.getByTestId("exec-without").textContent()).toBe(String(f.withoutSecondFactor));
        expect(await section.getByTestId("exec-admins").textContent()).toBe(
          String(f.adminsWithoutSecondFactor),
        );
        const grade = await section.getByTestId("exec-grade").textContent();
        expect(grade).toContain(f.score.value === null ? "Not graded" : `${f.score.value} / 100`);
        expect((await section.getByTestId("grade-reason").textContent())?.length).toBeGreaterThan(20);
        // Top risks name no more than five checks, worst first.
        const risks = section.locator("[data-testid=exec-risks] > li");
        expect(await risks.count()).toBeLessThanOrEqual(5);
      }
      expect(requests).toEqual([pathToFileURL(demoFile).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("prints to at most 4 A4 pages per tenant", async () => {
    const { page, close } = await openPage(browser, demoFile);
    try {
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      const pages = pdfPageCount(pdf);
      expect(pages).toBeGreaterThanOrEqual(demo.tenants.length);
      expect(pages).toBeLessThanOrEqual(4 * demo.tenants.length);
    } finally {
      await close();
    }
  });

  it("shows the MSP's embedded logo and masthead without a network request", async () => {
    const file = join(dir, "branded.html");
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0a7d5a"/></svg>';
    const contoso = { ...demo, tenants: demo.tenants.filter((t) => t.id === "contoso-dental") };
    await writeFile(
      file,
      toExecutiveHtml(contoso, {
        branding: {
          msp: {
            name: "Northwind IT Services",
            logo: { mediaType: "image/svg+xml", base64: Buffer.from(svg).toString("base64") },
          },
          accent: "#0a7d5a",
        },
      }),
    );
    const { page, requests, problems, close } = await openPage(browser, file);
    try {
      expect(await page.getByTestId("prepared").textContent()).toBe(
        "Prepared for Contoso Dental by Northwind IT Services",
      );
      // Decoded from the embedded data: URL (a blocked or broken image has no natural width).
      await expect.poll(() => page.evaluate('document.querySelector("img.logo").naturalWidth')).toBe(120);
      expect(requests.filter((u) => !u.startsWith("data:"))).toEqual([pathToFileURL(file).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("never runs anything from hostile tenant strings", async () => {
    const file = join(dir, "hostile.html");
    await writeFile(file, toExecutiveHtml(hostileReport()));
    const { page, requests, problems, close } = await openPage(browser, file);
    try {
      expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
      expect(await page.locator("img, iframe, object, embed").count()).toBe(0);
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
