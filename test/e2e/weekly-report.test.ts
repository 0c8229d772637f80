import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toWeeklyHtml, weeklyReport } from "../../src/export/weekly/index.js";
import type { Store } from "../../src/queue/store.js";
import { chromiumInstalled, launchChromium, openPage, pngWidth, visibleRows } from "../helpers/browser.js";
import { runMain } from "../helpers/cli.js";
import {
  buildWeeklyStore,
  type ExpectedTenant,
  expectedFigures,
  hostile,
  reportTime,
  type WeeklyFixture,
} from "../helpers/weekly-store.js";

/**
 * The weekly summary as the MSP's team opens it: a queue built by three real sweeps (Google Workspace
 * provider → emulator → sweep() → SQLite, with a hostile tenant), rendered to a file and opened in headless
 * Chromium (Debian `chromium`, which `.ci/run` installs) through playwright-core. Every figure the page
 * shows is checked against figures computed here from the store's plain reads, not by the report's code.
 */
const hasChromium = chromiumInstalled("weekly report browser tests");

const weight = { critical: 10, high: 5, medium: 3, low: 1, info: 0 } as const;

/** Risk points per tenant from the store's items, by the documented rule, for the ranking check. */
async function expectedRisk(store: Store, now: Date): Promise<Map<string, number>> {
  const risk = new Map<string, number>();
  for (const i of await store.findItems()) {
    const expired =
      i.state === "accepted" &&
      i.exception !== null &&
      Date.parse(`${i.exception.expires}T23:59:59.999Z`) < now.getTime();
    const open = i.state === "open" || i.state === "ticketed" || i.state === "reopened";
    const overdue = open && i.dueAt !== null && Date.parse(i.dueAt) < now.getTime();
    const points =
      open || expired ? weight[i.severity] * (i.status === "unknown" ? 0.5 : 1) * (overdue ? 2 : 1) : 0;
    risk.set(i.tenant, (risk.get(i.tenant) ?? 0) + points);
  }
  return risk;
}

let browser: Browser;
let fx: WeeklyFixture;
let dir: string;
let file: string;
let expected: Map<string, ExpectedTenant>;
/** Kept after the run (`.tmp/` is git-ignored) so a person can look at what the browser drew. */
const screenshots = fileURLToPath(new URL("../../.tmp/weekly-report/", import.meta.url));

const open = (width?: number) => openPage(browser, file, width);

const sum = (key: keyof Omit<ExpectedTenant, "trend">) =>
  [...expected.values()].reduce((n, e) => n + e[key], 0);

describe.skipIf(!hasChromium)("the weekly report in headless Chromium", () => {
  beforeAll(async () => {
    browser = await launchChromium();
    fx = await buildWeeklyStore();
    expected = await expectedFigures(fx.store, reportTime);
    dir = await mkdtemp(join(tmpdir(), "mfasweep-weekly-html-"));
    file = join(dir, "weekly.html");
    await mkdir(screenshots, { recursive: true });
    await writeFile(file, toWeeklyHtml(await weeklyReport(fx.store, { now: reportTime, config: fx.config })));
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.store.close();
    if (fx) await rm(fx.dir, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the figures computed independently from the store, ranked by risk, with no request and no console error", async () => {
    const { page, requests, problems, close } = await open();
    try {
      const text = (id: string) => page.getByTestId(id).first().textContent();
      expect(await text("kpi-new")).toBe(String(sum("new")));
      expect(await text("kpi-regressed")).toBe(String(sum("regressed")));
      expect(await text("kpi-reopened")).toBe(String(sum("reopened")));
      expect(await text("kpi-resolved")).toBe(String(sum("resolved")));
      expect(await text("kpi-still-open")).toBe(String(sum("stillOpen")));
      expect(await text("kpi-overdue")).toBe(String(sum("overdue")));
      expect(await text("kpi-accepted")).toBe(String(sum("accepted")));
      expect(await text("kpi-expired")).toBe(String(sum("expired")));
      expect(await text("headline")).toContain(`${sum("open")} open findings`);
      for (const id of ["kpi-new", "kpi-regressed", "kpi-resolved", "kpi-overdue"])
        expect(Number(await text(id)), id).toBeGreaterThan(0);

      // The ranking: highest risk points first, each row's figures those of its tenant.
      const risk = await expectedRisk(fx.store, reportTime);
      const names = new Map(fx.config.tenants.map((t) => [t.name, t.id]));
      const order = (await page.getByTestId("rank-name").allTextContents()).map((n) => names.get(n));
      const points = order.map((id) => risk.get(id!) ?? 0);
      expect(points).toEqual([...points].sort((a, b) => b - a));
      expect(points[0]).toBeGreaterThan(0);
      const riskShown = await page.getByTestId("rank-risk").allTextContents();
      expect(riskShown.map((r) => Number(r.replace("at least ", "")))).toEqual(points);
      const overdueShown = await page.getByTestId("rank-overdue").allTextContents();
      expect(overdueShown).toEqual(order.map((id) => String(expected.get(id!)?.overdue ?? 0)));

      // Each tenant's section: its own figures.
      const sections = page.getByTestId("tenant-section");
      expect(await sections.count()).toBe(order.length);
      for (let i = 0; i < order.length; i++) {
        const e = expected.get(order[i]!);
        const figure = (id: string) => sections.nth(i).getByTestId(`t-${id}`).textContent();
        expect(await figure("new"), order[i]).toBe(String(e?.new ?? 0));
        expect(await figure("regressed"), order[i]).toBe(String(e?.regressed ?? 0));
        expect(await figure("resolved"), order[i]).toBe(String(e?.resolved ?? 0));
        expect(await figure("overdue"), order[i]).toBe(String(e?.overdue ?? 0));
        expect(await figure("accepted"), order[i]).toBe(String(e?.accepted ?? 0));
      }
      // Expired exceptions come first on the page, above the figures.
      expect(await text("expired-count")).toBe("3");
      const expiredTop = await page.locator("#expired").boundingBox();
      const summaryTop = await page.locator("#summary").boundingBox();
      expect(expiredTop!.y).toBeLessThan(summaryTop!.y);
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("filters findings by what happened, tenant, severity and overdue, and searches them", async () => {
    const { page, problems, close } = await open();
    try {
      const total = [...expected.values()].reduce(
        (n, e) => n + e.open + e.resolved + e.accepted + e.expired,
        0,
      );
      expect(await visibleRows(page, "tenants")).toBe(total);
      await expect.poll(() => page.locator("#tenants [data-count]").textContent()).toBe(`${total} shown`);
      // With no filter every tenant is shown, also one with nothing to list (it says so).
      expect(await page.locator("#tenants [data-group]:visible").count()).toBe(4);
      expect(
        await page.getByText("Nothing open, nothing accepted, nothing changed in this period.").isVisible(),
      ).toBe(true);

      await page.locator("#tenants select[data-filter=standing]").selectOption("regressed");
      expect(await visibleRows(page, "tenants")).toBe(sum("regressed"));
      const standings = await page
        .locator("#tenants tr[data-row]:visible")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-standing")));
      expect(new Set(standings)).toEqual(new Set(["regressed"]));
      // Tenants without a regression disappear as a whole.
      expect(await page.locator("#tenants [data-group]:visible").count()).toBe(
        [...expected.values()].filter((e) => e.regressed > 0).length,
      );

      await page.locator("#tenants [data-reset]").click();
      await page.locator("#tenants input[data-filter=overdue]").check();
      expect(await visibleRows(page, "tenants")).toBe(sum("overdue"));
      await expect
        .poll(() => page.locator("#tenants [data-count]").textContent())
        .toBe(`${sum("overdue")} of ${total} shown`);

      await page.locator("#tenants [data-reset]").click();
      const beta = expected.get("beta")!;
      await page.locator("#tenants select[data-filter=tenant]").selectOption({ label: "Beta Legal" });
      expect(await visibleRows(page, "tenants")).toBe(
        beta.open + beta.resolved + beta.accepted + beta.expired,
      );
      expect(await page.locator("#tenants [data-group]:visible").count()).toBe(1);

      await page.locator("#tenants [data-reset]").click();
      await page.locator("#tenants select[data-filter=severity]").selectOption("critical");
      const severities = await page
        .locator("#tenants tr[data-row]:visible")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-severity")));
      expect(severities.length).toBeGreaterThan(0);
      expect(new Set(severities)).toEqual(new Set(["critical"]));

      await page.locator("#tenants [data-reset]").click();
      await page.locator("#tenants input[data-search]").fill("ALICE@acme");
      const matching = await page.locator("#tenants tr[data-row]:visible").allTextContents();
      expect(matching).toHaveLength(1);
      expect(matching[0]).toContain("Regressed");

      await page.locator("#tenants input[data-search]").fill("no such account anywhere");
      expect(await visibleRows(page, "tenants")).toBe(0);
      expect(await page.locator("#tenants p[data-empty]").isVisible()).toBe(true);
      expect(await page.locator("#tenants [data-group]:visible").count()).toBe(0);

      // The ranking has its own filters.
      await page.locator("#ranking input[data-filter=overdue]").check();
      expect(await visibleRows(page, "ranking")).toBe(
        [...expected.values()].filter((e) => e.overdue > 0).length,
      );
      await page.locator("#ranking [data-reset]").click();
      await page.locator("#ranking input[data-search]").fill("gamma");
      expect(await page.locator("#ranking tr[data-row]:visible").allTextContents()).toEqual([
        expect.stringContaining("Gamma Clinic"),
      ]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("never runs anything from hostile tenant strings, even when they are searched for", async () => {
    const { page, requests, problems, close } = await open();
    try {
      await page.locator("#tenants input[data-search]").fill("<script>");
      expect(await visibleRows(page, "tenants")).toBeGreaterThan(0);
      expect(await page.locator("#tenants tr[data-row]:visible").first().textContent()).toContain(
        hostile.users[0],
      );
      await page.locator("#tenants input[data-search]").fill('"><img');
      expect(await visibleRows(page, "tenants")).toBeGreaterThan(0);
      await page.locator("#tenants input[data-search]").fill("");
      expect(await page.getByText(hostile.approvedBy).first().isVisible()).toBe(true);
      await page.getByText(hostile.approvedBy).first().hover();
      expect(await page.getByTestId("rank-name").allTextContents()).toContain(hostile.tenantName);
      expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
      expect(await page.locator("img, iframe, object, embed, b").count()).toBe(0);
      expect(await page.locator("script").count()).toBe(2);
      expect(await page.title()).toContain("Weekly MFA sweep summary");
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  for (const width of [1280, 390])
    it(`has no horizontal overflow at ${width}px, long hostile names included`, async () => {
      const { page, close } = await open(width);
      try {
        // Page code runs in the browser; as strings, so the Node-only tsconfig needs no DOM types.
        const [scrollWidth, clientWidth] = (await page.evaluate(
          "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
        )) as [number, number];
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
        // No single element sticks out of the viewport either (an overflow hidden by a clipping parent);
        // a table head that narrow screens hide off-layout (cards instead of columns) does not count.
        const wide = await page.evaluate(`[...document.querySelectorAll("main *")]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .filter((e) => !e.closest("[hidden], .visually-hidden"))
          .filter((e) => !(e.closest("thead") && getComputedStyle(e.closest("thead")).position === "absolute"))
          .map((e) => e.tagName + "." + e.className)`);
        expect(wide).toEqual([]);
        const shot = await page.screenshot({
          fullPage: true,
          path: join(screenshots, `weekly-${width}.png`),
        });
        expect(pngWidth(shot)).toBe(width);
      } finally {
        await close();
      }
    });

  it("prints every finding and every tenant without the filter controls", async () => {
    const { page, close } = await open();
    try {
      await page.locator("#tenants select[data-filter=standing]").selectOption("new");
      expect(await page.locator("#tenants [data-group]:visible").count()).toBeLessThan(
        await page.locator("#tenants [data-group]").count(),
      );
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".filters").first().isVisible()).toBe(false);
      expect(await visibleRows(page, "tenants")).toBe(await page.locator("#tenants tr[data-row]").count());
      expect(await page.locator("#tenants [data-group]:visible").count()).toBe(
        await page.locator("#tenants [data-group]").count(),
      );
      const style = await page.evaluate(`({
        row: getComputedStyle(document.querySelector("#tenants tr[data-row]")).breakInside,
        section: getComputedStyle(document.querySelector("#tenants")).breakBefore,
      })`);
      expect(style).toEqual({ row: "avoid", section: "page" });
      // About the width of an A4 page's printable area: nothing sticks out of it.
      await page.setViewportSize({ width: 720, height: 1000 });
      const [scrollWidth, clientWidth] = (await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
      )) as [number, number];
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    } finally {
      await close();
    }
  });
});

describe("mfasweep demo --store FILE --format html", () => {
  it("writes the weekly summary of the demo sweep", async () => {
    const out = await mkdtemp(join(tmpdir(), "mfasweep-weekly-demo-"));
    try {
      const report = join(out, "weekly.html");
      const run = await runMain([
        "demo",
        "--store",
        join(out, "demo.db"),
        "--format",
        "html",
        "--output",
        report,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`wrote html to ${report}`);
      const page = await readFile(report, "utf8");
      expect(page).toContain("mfasweep · Weekly sweep summary");
      expect(page).toContain("Demo data.");
      expect(page).toContain("Only one sweep so far");
      const data = JSON.parse(/id="mfasweep-weekly">([^<]*)</.exec(page)![1]!);
      expect(data.tenants.map((t: { id: string }) => t.id).sort()).toEqual([
        "contoso-dental",
        "fabrikam-legal",
        "msp",
        "northwind",
      ]);
      // First sweep: every open finding is new.
      expect(data.totals.new).toBe(data.totals.open);
      expect(data.totals.new).toBeGreaterThan(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
