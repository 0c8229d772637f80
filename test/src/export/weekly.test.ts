import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { contentSecurityPolicy } from "../../../src/export/html/layout.js";
import { script } from "../../../src/export/html/script.js";
import {
  toWeeklyHtml,
  WeeklySummary,
  weeklyExitCode,
  weeklyReport,
  weeklyTable,
} from "../../../src/export/weekly/index.js";
import { defaultSla } from "../../../src/queue/model.js";
import { openSqliteStore } from "../../../src/queue/sqlite.js";
import { runMain } from "../../helpers/cli.js";
import {
  buildWeeklyStore,
  expectedFigures,
  hostile,
  reportTime,
  t1,
  t2,
  type WeeklyFixture,
} from "../../helpers/weekly-store.js";
import { coverage, result } from "../queue/fixtures.js";

/**
 * The weekly summary (`mfasweep report`) from a queue built by three real sweeps (Google Workspace provider
 * → emulator → sweep() → SQLite, see test/helpers/weekly-store.ts): the figures, the period rules, the
 * risk ranking, the HTML (figures shown, escaping, self-containment), the table and the CLI.
 */

let fx: WeeklyFixture;
let summary: WeeklySummary;

beforeAll(async () => {
  fx = await buildWeeklyStore();
  summary = await weeklyReport(fx.store, { now: reportTime, config: fx.config });
});
afterAll(async () => {
  await fx?.store.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

const tenantOf = (s: WeeklySummary, id: string) => {
  const t = s.tenants.find((x) => x.id === id);
  if (!t) throw new Error(`no tenant ${id}`);
  return t;
};
const itemOf = (s: WeeklySummary, name: string, policy = "google-user-2sv-enforced") => {
  const i = s.tenants.flatMap((t) => t.items).find((x) => x.subject.name === name && x.policy === policy);
  if (!i) throw new Error(`no item ${name}`);
  return i;
};
function shown(page: string, testId: string): string[] {
  return [...page.matchAll(new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`, "g"))].map((m) => m[1]!);
}

describe("weeklyReport: what the queue says about the period", () => {
  it("counts each tenant's findings as computed independently from the store's items and history", async () => {
    const expected = await expectedFigures(fx.store, reportTime);
    for (const [id, e] of expected) {
      const t = tenantOf(summary, id);
      const { trend, ...counts } = e;
      expect(t.counts, id).toEqual(counts);
      expect(
        t.trend.map((p) => p.open),
        id,
      ).toEqual(trend);
    }
    // Non-trivial on purpose: every figure the report promises occurs.
    expect(summary.totals).toMatchObject({
      new: 6,
      regressed: 1,
      reopened: 1,
      resolved: 1,
      accepted: 2,
      expired: 1,
    });
    expect(summary.totals.overdue).toBeGreaterThan(0);
    expect(summary.totals.stillOpen).toBeGreaterThan(0);
    expect(WeeklySummary.parse(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
  });

  it("says which finding is new, regressed, reopened, resolved, overdue, accepted, or accepted past its expiry", () => {
    expect(itemOf(summary, "alice@acme.example")).toMatchObject({
      standing: "regressed",
      state: "reopened",
      regressionCount: 1,
    });
    expect(itemOf(summary, "alice@acme.example").note).toContain(
      "failing again since it was resolved on 2026-11-10",
    );
    expect(itemOf(summary, "frank@acme.example")).toMatchObject({
      standing: "new",
      firstSeen: t2.toISOString(),
    });
    expect(itemOf(summary, "carol@acme.example")).toMatchObject({
      standing: "reopened",
      note: "exception expired on 2026-11-12",
    });
    expect(itemOf(summary, "dave@acme.example")).toMatchObject({
      standing: "resolved",
      resolvedAt: t2.toISOString(),
    });
    expect(itemOf(summary, "boss@acme.example", "google-admin-2sv-enrolled")).toMatchObject({
      standing: "still-open",
      severity: "critical",
      dueAt: "2026-11-05T06:00:00.000Z",
      overdue: true,
      daysOverdue: 15,
    });
    expect(itemOf(summary, "gina@acme.example")).toMatchObject({
      standing: "expired",
      state: "accepted",
      acceptedInPeriod: true,
      exception: { expires: "2026-11-18", source: "queue" },
    });
    expect(itemOf(summary, "kiosk@acme.example")).toMatchObject({
      standing: "accepted",
      exception: { expires: "2027-01-31", source: "config", approvedBy: "security@msp.example" },
    });
    // Resolved before the period: not listed.
    expect(tenantOf(summary, "acme").items.some((i) => i.subject.name === "ok@acme.example")).toBe(false);
  });

  it("lists expired exceptions first: still accepted, already reopened, and expired config entries", () => {
    expect(
      summary.expiredExceptions.map((e) => [
        e.expires,
        e.source,
        e.subject ?? e.match?.subject,
        e.state,
        e.matches,
      ]),
    ).toEqual([
      ["2026-10-31", "config", "old.scanner@beta.example", null, 0],
      ["2026-11-12", "queue", "carol@acme.example", "reopened", null],
      ["2026-11-18", "queue", "gina@acme.example", "accepted", null],
    ]);
    expect(summary.expiredExceptions[2]!.consequence).toContain("the next sweep reopens it");
    // Without the config, the config entry is not known; the queue's are.
    return weeklyReport(fx.store, { now: reportTime }).then((s) =>
      expect(s.expiredExceptions.map((e) => e.subject)).toEqual(["carol@acme.example", "gina@acme.example"]),
    );
  });

  it("states what the latest sweep did not read, and keeps what it could not see open", () => {
    const beta = tenantOf(summary, "beta");
    expect(beta.coverage).toMatchObject({ status: "failed", sweep: fx.sweeps[2], at: t2.toISOString() });
    expect(beta.coverage.connections[0]?.reason).toContain(
      "GET admin/directory/v1/users: credentials refused (HTTP 401",
    );
    expect(beta.risk.provisional).toBe(true);
    expect(itemOf(summary, "erin@beta.example")).toMatchObject({ standing: "still-open", overdue: true });
    expect(beta.items.filter((i) => i.status === "unknown" && i.subject.kind === "connection").length).toBe(
      5,
    );

    const gamma = tenantOf(summary, "gamma");
    expect(gamma).toMatchObject({ name: "Gamma Clinic", items: [], trend: [], coverage: { status: "none" } });
    expect(tenantOf(summary, "acme").coverage.status).toBe("complete");
  });

  it("ranks tenants by risk points: severity weights, half for undecided, double when overdue", () => {
    expect(summary.tenants.map((t) => [t.rank, t.id, t.risk.points])).toEqual([
      // alice, frank, carol 5 each; boss 10×2 (critical, overdue) + 5×2 (high, overdue); gina expired 5.
      [1, "acme", 50],
      // 5 connection items undecided: 2 critical overdue 10×½×2, 2 high 5×½, 1 medium 3×½; erin 5×2.
      [2, "beta", 36.5],
      [3, "evil", 30],
      [4, "gamma", 0],
    ]);
    expect(tenantOf(summary, "acme").risk.openBySeverity).toEqual({
      critical: 1,
      high: 5,
      medium: 0,
      low: 0,
      info: 0,
    });
  });

  it("draws the portfolio trend from every sweep, and each tenant's from its own", () => {
    expect(summary.trend.map((p) => [p.sweep, p.open, p.tenants])).toEqual([
      [fx.sweeps[0], 11, 3],
      [fx.sweeps[1], 8, 3],
      [fx.sweeps[2], 14, 3],
    ]);
    expect(tenantOf(summary, "acme").trend.map((p) => p.open)).toEqual([6, 4, 5]);
    expect(summary.period).toMatchObject({
      basis: "last-sweep",
      label: "since the previous sweep (2026-11-10 06:00 UTC)",
    });
  });

  it("takes the period from a date or a sweep id, as the independent count does", async () => {
    const byDate = await weeklyReport(fx.store, { now: reportTime, since: "2026-11-10" });
    const expected = await expectedFigures(fx.store, reportTime, new Date("2026-11-10T00:00:00.000Z"));
    for (const [id, e] of expected)
      expect(tenantOf(byDate, id).counts, id).toMatchObject({
        new: e.new,
        regressed: e.regressed,
        resolved: e.resolved,
        stillOpen: e.stillOpen,
      });
    expect(byDate.period).toMatchObject({
      basis: "date",
      from: "2026-11-10T00:00:00.000Z",
      label: "since 2026-11-10",
    });
    // alice was resolved at t1 and failed again at t2: inside this period she is a regression, not new.
    expect(itemOf(byDate, "alice@acme.example").standing).toBe("regressed");

    const bySweep = await weeklyReport(fx.store, { now: reportTime, since: fx.sweeps[1]!.slice(0, 8) });
    const afterT1 = await expectedFigures(fx.store, reportTime, new Date(t1.getTime() + 1));
    for (const [id, e] of afterT1) expect(tenantOf(bySweep, id).counts.new, id).toBe(e.new);
    expect(bySweep.period.from).toBe("2026-11-10T06:00:00.001Z");
    expect(bySweep.period.label).toMatch(/^since sweep [0-9a-f]{8} \(2026-11-10 06:00 UTC\)$/);
    const byFullId = await weeklyReport(fx.store, { now: reportTime, since: fx.sweeps[0]! });
    expect(byFullId.period).toMatchObject({ basis: "sweep", from: "2026-11-03T06:00:00.001Z" });

    // A period that holds every sweep: whatever is open was first found in it, so it all counts as new.
    const everything = await weeklyReport(fx.store, { now: reportTime, since: "2026-01-01" });
    expect(everything.totals).toMatchObject({ regressed: 0, reopened: 0, stillOpen: 0 });
    expect(everything.totals.new).toBe(everything.totals.open);
  });

  it("refuses a period, tenant or trend it cannot read, naming what is known", async () => {
    await expect(weeklyReport(fx.store, { since: "last week" })).rejects.toThrow(ConfigError);
    await expect(weeklyReport(fx.store, { since: "yesterday" })).rejects.toThrow(
      "--since 'yesterday' is neither last-sweep, a date (YYYY-MM-DD), a timestamp nor a sweep id",
    );
    await expect(weeklyReport(fx.store, { since: "2026-02-30" })).rejects.toThrow(/is not a date/);
    await expect(weeklyReport(fx.store, { since: "abcdef0123" })).rejects.toThrow(/no such sweep/);
    await expect(weeklyReport(fx.store, { tenants: ["nope"] })).rejects.toThrow(
      /no tenant 'nope' in .*queue\.db \(known: acme, beta, evil\)/,
    );
    await expect(weeklyReport(fx.store, { trendSweeps: 0 })).rejects.toThrow(ConfigError);
  });

  it("reports only the tenants asked for, with a shorter trend when asked", async () => {
    const beta = await weeklyReport(fx.store, { now: reportTime, tenants: ["beta"], trendSweeps: 2 });
    expect(beta.tenants.map((t) => t.id)).toEqual(["beta"]);
    expect(beta.totals).toEqual(tenantOf(summary, "beta").counts);
    expect(beta.trend.map((p) => p.open)).toEqual([1, 6]);
    expect(beta.tenants[0]!.trend.map((p) => p.open)).toEqual([1, 6]);
    expect(beta.expiredExceptions).toEqual([]);
  });

  it("sets the exit code from coverage and open findings at or above --fail-on", async () => {
    expect(weeklyExitCode(summary, "critical")).toBe(2); // beta was not read, gamma never swept
    const acme = await weeklyReport(fx.store, { now: reportTime, tenants: ["acme"] });
    expect(weeklyExitCode(acme, "critical")).toBe(1);
    const evil = await weeklyReport(fx.store, { now: reportTime, tenants: ["evil"] });
    expect(weeklyExitCode(evil, "critical")).toBe(0);
    expect(weeklyExitCode(evil, "high")).toBe(1);
  });
});

describe("weeklyReport: a young or empty queue is reported honestly", () => {
  it("one sweep: everything is new, and there is no trend yet, said in words", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-weekly-one-"));
    const store = await openSqliteStore(join(dir, "queue.db"), { create: true });
    try {
      const now = new Date("2026-11-24T06:00:00.000Z");
      await store.beginSweep({ id: "only", kind: "sweep", startedAt: now.toISOString(), tenants: ["acme"] });
      await store.reconcileTenant({
        sweepId: "only",
        tenant: "acme",
        now,
        sla: defaultSla,
        results: [result("a", "fail"), result("b", "fail"), result("c", "pass")],
        coverage: [coverage("google", "partial")],
      });
      await store.finishSweep("only", { status: "finished", finishedAt: now.toISOString() });
      const s = await weeklyReport(store, { now });
      expect(s.period.label).toBe("since the first sweep");
      expect(s.totals).toMatchObject({ new: 2, open: 2, stillOpen: 0 });
      expect(s.tenants[0]!.trend).toHaveLength(1);
      // The sweep recorded no coverage summary (finishSweep without one): said, not guessed.
      expect(s.tenants[0]!.coverage.status).toBe("unrecorded");
      const page = toWeeklyHtml(s);
      expect(shown(page, "trend-note")[0]).toMatch(
        /^Only one sweep so far \(2026-11-24 06:00 UTC: 2 open findings\)/,
      );
      expect(page).not.toContain("<path");
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("no sweep at all: a report that says so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-weekly-empty-"));
    const store = await openSqliteStore(join(dir, "queue.db"), { create: true });
    try {
      const s = await weeklyReport(store);
      expect(s).toMatchObject({
        tenants: [],
        trend: [],
        latestSweep: null,
        period: { label: "no sweep recorded yet" },
      });
      const page = toWeeklyHtml(s);
      expect(shown(page, "headline")).toEqual(["No sweep has been recorded in this store yet."]);
      expect(weeklyTable(s, { color: false })).toContain("No sweep has been recorded");
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("toWeeklyHtml", () => {
  it("shows the summary's figures: totals, each tenant in rank order, and the embedded data", () => {
    const page = toWeeklyHtml(summary);
    for (const [id, key] of [
      ["new", "new"],
      ["regressed", "regressed"],
      ["reopened", "reopened"],
      ["resolved", "resolved"],
      ["still-open", "stillOpen"],
      ["overdue", "overdue"],
      ["accepted", "accepted"],
      ["expired", "expired"],
    ] as const) {
      expect(shown(page, `kpi-${id}`), id).toEqual([String(summary.totals[key])]);
      expect(shown(page, `t-${id}`), id).toEqual(summary.tenants.map((t) => String(t.counts[key])));
    }
    expect(shown(page, "rank-risk")).toEqual(["50", "at least 36.5", "30", "at least 0"]);
    expect(shown(page, "tenant-name")).toEqual(
      summary.tenants.map((t) =>
        t.name.replace(/[<>"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!),
      ),
    );
    expect(shown(page, "expired-count")).toEqual(["3"]);
    expect(shown(page, "headline")).toEqual(["14 open findings across 4 tenants, 8 of them overdue."]);
    const data = JSON.parse(
      /<script type="application\/json" id="mfasweep-weekly">([^<]*)<\/script>/.exec(page)![1]!,
    );
    expect(data.totals).toEqual(summary.totals);
    expect(data.tenants.map((t: { id: string; risk: number }) => [t.id, t.risk])).toEqual(
      summary.tenants.map((t) => [t.id, t.risk.points]),
    );
  });

  it("puts expired exceptions above the figures, and states coverage and the trend per tenant", () => {
    const page = toWeeklyHtml(summary);
    expect(page.indexOf('id="expired"')).toBeGreaterThan(0);
    expect(page.indexOf('id="expired"')).toBeLessThan(page.indexOf('id="summary"'));
    expect(page.indexOf('id="summary"')).toBeLessThan(page.indexOf('id="ranking"'));
    expect(page).toContain(
      "Not fully read by the latest sweep: Beta Legal (not read); Gamma Clinic (never swept).",
    );
    expect(page).toMatch(
      /<strong>Google Workspace \(connection “google”\)<\/strong> could not be read: GET admin\/directory\/v1\/users: credentials refused \(HTTP 401/,
    );
    expect(page).toContain("Never swept: nothing of this tenant has been read yet");
    // Three sweeps: one line per chart with a point per sweep (portfolio + three tenants), none for gamma.
    expect(page.match(/<path class="stroke-line"/g)).toHaveLength(4);
    expect(shown(page, "trend-note")).toEqual(["No sweep yet: there is no trend to show."]);
    expect(page).toContain("@media print");
  });

  it("is one self-contained file whose only script is the one the CSP names by hash", () => {
    const page = toWeeklyHtml(summary);
    expect(page).toMatch(/^<!doctype html>/);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(page)?.[1]
      ?.replaceAll("&#39;", "'");
    expect(csp).toBe(contentSecurityPolicy());
    expect(csp).toContain("default-src 'none'");
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1])).toEqual([' type="application/json" id="mfasweep-weekly"', ""]);
    expect(scripts[1]![2]).toBe(script);
    const tags = [...page.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(
      tags.filter((t) => /\s(src|srcset|action|formaction|poster|background|on[a-z]+)=/i.test(t)),
    ).toEqual([]);
    expect(page).not.toMatch(/<link\b|<iframe|<object|<embed|<img|@import|url\(/i);
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z0-9-]+$/);
  });

  it("escapes hostile tenant names, account names and exception text everywhere", () => {
    const page = toWeeklyHtml(summary);
    expect(page).not.toContain("<script>window.__pwned");
    expect(page).not.toContain("</script><script>");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b onmouseover");
    expect(page).toContain("Evil &lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;Corp&quot; &#39;x&#39;");
    expect(page).toContain("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;@evil.example");
    expect(page).toContain("o&#39;brien&quot;quoted&quot; &#96;tick&#96;@evil.example");
    expect(page).toContain(
      "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;approved&quot;",
    );
    expect(page).toContain("&lt;b onmouseover=&quot;window.__pwned=1&quot;&gt;boss&lt;/b&gt;");
    const tags = new Set([...page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const ours =
      "html head meta title style body header div h1 h2 h3 h4 main p strong section svg circle text span a ol li figure figcaption g ul table caption colgroup col thead tr th tbody td code article label input select option button footer em script line path polyline dl dt dd";
    expect([...tags].filter((t) => !ours.split(" ").includes(t))).toEqual([]);
    for (const m of page.matchAll(/\s[a-z-]+="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>]/);
    const data = JSON.parse(
      /<script type="application\/json" id="mfasweep-weekly">([^<]*)<\/script>/.exec(page)![1]!,
    );
    expect(data.tenants.find((t: { id: string }) => t.id === "evil").name).toBe(hostile.tenantName);
  });
});

describe("weeklyTable", () => {
  it("lists expired exceptions, the ranking and every tenant's findings, with terminal-safe names", () => {
    const text = weeklyTable(summary, { color: false, width: 140 });
    expect(text).toContain("EXPIRED EXCEPTIONS (3)");
    expect(text).toMatch(/^1 {2}Acme Dental +50 +5 +2 +1 +1 +1 +1 +1 +1 +complete$/m);
    expect(text).toMatch(/^2 {2}Beta Legal +≥36\.5 /m);
    expect(text).toContain(
      "NOT READ google-workspace/google: failed: GET admin/directory/v1/users: credentials refused (HTTP 401",
    );
    expect(text).toContain("open after each sweep: 6 → 4 → 5");
    expect(text).toMatch(/^ {2}regressed +high +[a-z0-9-]+ +alice@acme\.example/m);
    expect(text).toMatch(/^ {2}expired +high +[a-z0-9-]+ +gina@acme\.example +EXPIRED 2026-11-18/m);
    expect(text).not.toContain("\x1b");
  });
});

describe("mfasweep report (CLI)", () => {
  it("writes the summary as JSON, HTML or a table, and refuses a period it cannot read", async () => {
    const out = await mkdtemp(join(tmpdir(), "mfasweep-report-cli-"));
    try {
      const json = await runMain(["report", "--store", fx.file, "--format", "json"]);
      expect(json.code, json.stderr).toBe(0);
      const parsed = WeeklySummary.parse(JSON.parse(json.stdout));
      // The CLI reports at its own clock: the library at the same instant gives the same summary.
      expect(parsed).toEqual(await weeklyReport(fx.store, { now: new Date(parsed.generatedAt) }));

      const file = join(out, "weekly.html");
      const html = await runMain([
        "report",
        "--store",
        fx.file,
        "--format",
        "html",
        "--output",
        file,
        "-t",
        "acme,beta",
        "--fail-on",
        "high",
      ]);
      expect(html.code, html.stderr).toBe(2); // beta was not read
      expect(html.stderr).toContain(`wrote html to ${file}`);
      const page = await readFile(file, "utf8");
      expect(page).toContain("mfasweep · Weekly sweep summary");
      expect(shown(page, "tenant-name")).toEqual(["Acme Dental", "Beta Legal"]);

      const bad = await runMain(["report", "--store", fx.file, "--since", "yesterday"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--since 'yesterday' is neither last-sweep");
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
