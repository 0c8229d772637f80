import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/index.js";
import { accountRows, figures, toHtml } from "../../src/export/html/index.js";
import type { Result } from "../../src/model/index.js";
import type { ScanReport } from "../../src/report.js";
import { chromiumInstalled, launchChromium, openPage, pngWidth, visibleRows } from "../helpers/browser.js";
import { runMain } from "../helpers/cli.js";
import { hostileReport } from "../helpers/report.js";

/**
 * The pre-onboarding report as a customer opens it: the demo portfolio and a report full of hostile
 * tenant strings, rendered to files and opened in headless Chromium (Debian `chromium`, which `.ci/run`
 * installs) through playwright-core.
 */
const hasChromium = chromiumInstalled("HTML report browser tests");

/** The figures, computed here from the results without the renderer's code, to check it independently. */
function expectedFigures(report: ScanReport) {
  const without = new Set(["none", "optional", "bypassable"]);
  const key = (r: Result) => [r.tenant, r.subject.source, r.subject.connection, r.subject.id].join("|");
  const accounts = report.results.filter((r) => r.subject.kind === "account");
  const exposed = new Set(
    accounts.filter((r) => r.status === "fail" && r.mfa && without.has(r.mfa.state)).map(key),
  );
  const admins = new Set(
    accounts
      .filter((r) => exposed.has(key(r)) && r.status === "fail")
      .filter((r) => /(^|-)admins?(-|$)/.test(r.policy) || r.severity === "critical")
      .map(key),
  );
  let total = 0;
  const connections = new Set([
    ...report.coverage.map((c) => [c.tenant, c.source, c.connection].join("|")),
    ...report.results.map((r) => [r.tenant, r.subject.source, r.subject.connection].join("|")),
  ]);
  for (const conn of connections) {
    const read = report.coverage
      .filter((c) => [c.tenant, c.source, c.connection].join("|") === conn)
      .reduce((n, c) => n + c.counts.accounts, 0);
    const judged = new Set(accounts.filter((r) => key(r).startsWith(`${conn}|`)).map(key)).size;
    total += Math.max(read, judged);
  }
  return {
    without: exposed.size,
    admins: admins.size,
    accounts: total,
    fail: report.results.filter((r) => r.status === "fail").length,
  };
}

let browser: Browser;
let dir: string;
let demo: ScanReport;
let demoFile: string;
let hostileFile: string;
/** Kept after the run (`.tmp/` is git-ignored) so a person can look at what the browser drew. */
const screenshots = fileURLToPath(new URL("../../.tmp/html-report/", import.meta.url));

const open = (file: string, width?: number) => openPage(browser, file, width);

describe.skipIf(!hasChromium)("the HTML report in headless Chromium", () => {
  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), "mfasweep-html-"));
    await mkdir(screenshots, { recursive: true });
    demo = await runDemo();
    demoFile = join(dir, "demo.html");
    hostileFile = join(dir, "hostile.html");
    await writeFile(demoFile, toHtml(demo));
    await writeFile(hostileFile, toHtml(hostileReport()));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the summary figures computed from the report, with no request and no console error", async () => {
    const expected = expectedFigures(demo);
    expect(expected.without).toBeGreaterThan(0); // the demo has findings on purpose
    const { page, requests, problems, close } = await open(demoFile);
    try {
      const text = (id: string) => page.getByTestId(id).first().textContent();
      expect(await text("kpi-without")).toBe(String(expected.without));
      expect(await text("kpi-admins")).toBe(String(expected.admins));
      expect(await text("kpi-fail")).toBe(String(expected.fail));
      expect(await text("headline")).toContain(`${expected.without} of ${expected.accounts} accounts`);
      expect(await text("score-value")).toBe(String(figures(demo).score.value));
      // The first screen at 1280×800: score, sentence and the first top risk are all in view.
      for (const id of ["score-value", "headline", "top-risks"])
        expect(await page.getByTestId(id).first().isVisible()).toBe(true);
      const top = await page.getByTestId("top-risks").boundingBox();
      expect(top!.y).toBeLessThan(800);
      expect(
        await page.getByTestId("headline").evaluate((e) => e.getBoundingClientRect().bottom),
      ).toBeLessThan(800);
      expect(requests).toEqual([pathToFileURL(demoFile).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("filters and searches the account and finding tables", async () => {
    const { page, problems, close } = await open(demoFile);
    try {
      const accounts = accountRows(demo.results);
      expect(await visibleRows(page, "accounts")).toBe(accounts.length);

      await page.locator("#accounts input[data-filter=exposure]").check();
      expect(await visibleRows(page, "accounts")).toBe(expectedFigures(demo).without);
      await expect
        .poll(() => page.locator("#accounts [data-count]").textContent())
        .toBe(`${expectedFigures(demo).without} of ${accounts.length} shown`);

      await page.locator("#accounts [data-reset]").click();
      expect(await visibleRows(page, "accounts")).toBe(accounts.length);

      const target = accounts.find((a) => a.withoutSecondFactor)!;
      await page.locator("#accounts input[data-search]").fill(target.name.toUpperCase());
      const matching = await page.locator("#accounts tr[data-row]:visible").allTextContents();
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.length).toBeLessThan(accounts.length);
      for (const row of matching) expect(row.toLowerCase()).toContain(target.name.toLowerCase());

      await page.locator("#accounts input[data-search]").fill("");
      await page.locator("#accounts select[data-filter=state]").selectOption("none");
      expect(await visibleRows(page, "accounts")).toBe(accounts.filter((a) => a.state === "none").length);

      const critical = demo.results.filter((r) => r.status !== "pass" && r.severity === "critical");
      await page.locator("#findings select[data-filter=severity]").selectOption("critical");
      expect(await visibleRows(page, "findings")).toBe(critical.length);
      const severities = await page
        .locator("#findings tr[data-row]:visible")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-severity")));
      expect(new Set(severities)).toEqual(new Set(["critical"]));
      // A check with no critical finding disappears as a whole.
      expect(await page.locator("#findings [data-group]:visible").count()).toBe(
        new Set(critical.map((r) => r.policy)).size,
      );

      await page.locator("#findings input[data-search]").fill("no such account anywhere");
      expect(await visibleRows(page, "findings")).toBe(0);
      expect(await page.locator("#findings p[data-empty]").isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("never runs anything from hostile tenant strings, even when they are searched for", async () => {
    const { page, requests, problems, close } = await open(hostileFile);
    try {
      await page.locator("#findings input[data-search]").fill("<script>");
      expect(await visibleRows(page, "findings")).toBeGreaterThan(0);
      expect(await page.locator("#findings tr[data-row]:visible").first().textContent()).toContain(
        "<script>window.__pwned=1</script>",
      );
      await page.locator("#accounts input[data-search]").fill('"><img');
      expect(await visibleRows(page, "accounts")).toBeGreaterThan(0);
      expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
      expect(await page.locator("img, iframe, object, embed").count()).toBe(0);
      expect(await page.locator("script").count()).toBe(2);
      expect(requests).toEqual([pathToFileURL(hostileFile).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  for (const width of [1280, 390])
    it(`has no horizontal overflow at ${width}px, long hostile names included`, async () => {
      for (const [name, file] of [
        ["demo", demoFile],
        ["hostile", hostileFile],
      ] as const) {
        const { page, close } = await open(file, width);
        try {
          // Page code runs in the browser; as strings, so the Node-only tsconfig needs no DOM types.
          const [scrollWidth, clientWidth] = (await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
          )) as [number, number];
          expect(scrollWidth, name).toBeLessThanOrEqual(clientWidth);
          // A full-page screenshot is as wide as the laid-out page: the picture shows what the numbers say.
          // The demo page is tens of thousands of pixels tall, so it gets its first screen only (fast).
          const shot = await page.screenshot({
            fullPage: name === "hostile",
            path: join(screenshots, `${name}-${width}.png`),
          });
          expect(pngWidth(shot), name).toBe(width);
        } finally {
          await close();
        }
      }
    });

  it("prints every row without the filter controls, a section per page and no row cut in half", async () => {
    const { page, close } = await open(demoFile);
    try {
      await page.locator("#accounts input[data-filter=exposure]").check();
      expect(await visibleRows(page, "accounts")).toBeLessThan(accountRows(demo.results).length);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".filters").first().isVisible()).toBe(false);
      expect(await visibleRows(page, "accounts")).toBe(accountRows(demo.results).length);
      const style = await page.evaluate(`({
        row: getComputedStyle(document.querySelector("#accounts tr[data-row]")).breakInside,
        section: getComputedStyle(document.querySelector("#findings")).breakBefore,
        head: getComputedStyle(document.querySelector("#accounts thead")).display,
      })`);
      expect(style).toEqual({ row: "avoid", section: "page", head: "table-header-group" });
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    } finally {
      await close();
    }
  });
});

describe("mfasweep demo --format html", () => {
  it("writes one self-contained report file whose sentence matches its figures", async () => {
    const out = await mkdtemp(join(tmpdir(), "mfasweep-html-cli-"));
    try {
      const file = join(out, "report.html");
      const run = await runMain(["demo", "--format", "html", "--output", file]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`wrote html to ${file}`);
      const page = await readFile(file, "utf8");
      expect(page.startsWith("<!doctype html>")).toBe(true);
      expect(page).toContain("default-src &#39;none&#39;");
      expect(page).toContain("Demo data.");
      const data = JSON.parse(/id="mfasweep-figures">([^<]*)</.exec(page)![1]!);
      const headline = /data-testid="headline">([^<]*)</.exec(page)![1]!;
      expect(headline).toContain(`${data.withoutSecondFactor} of ${data.accounts} accounts`);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
