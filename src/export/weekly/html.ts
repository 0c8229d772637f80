import { findProvider } from "../../../providers/index.js";
import type { Coverage } from "../../model/index.js";
import { lineChart, sparkline } from "../html/charts.js";
import {
  coverageBadge,
  filterBar,
  formatTime,
  plural,
  row,
  severityBadge,
  severityLabel,
  table,
  token,
} from "../html/components.js";
import { type HtmlValue, html, join, jsonForScript, type SafeHtml, slug } from "../html/escape.js";
import { page } from "../html/layout.js";
import { type Counts, openStandings, type Standing, type WeeklySummary, type WeeklyTenant } from "./model.js";
import { riskMethod } from "./risk.js";

/**
 * The weekly summary as one self-contained HTML file for the MSP's own team, built from the pre-onboarding
 * report's blocks (page shell with its CSP, escape-by-default templates, charts, filter bars and the one
 * filter script). Top to bottom: expired exceptions (they need a decision), the portfolio figures and
 * trend, tenants ranked by risk, then each tenant: figures, trend, what its latest sweep could not read,
 * and its findings (filterable across tenants).
 */

export interface WeeklyHtmlOptions {
  /** Display name of a connection type; defaults to the provider registry's title. */
  sourceTitle?: (source: string) => string;
}

export const standingLabel: Record<Standing, string> = {
  regressed: "Regressed",
  new: "New",
  reopened: "Reopened",
  "still-open": "Still open",
  expired: "Exception expired",
  accepted: "Accepted",
  resolved: "Resolved",
};

/** The figures every summary shows, in order, with the test id suffix each is shown under. */
const figureOrder: Array<{ key: keyof Counts; id: string; label: string; short: string; alert: boolean }> = [
  { key: "new", id: "new", label: "New", short: "New", alert: true },
  { key: "regressed", id: "regressed", label: "Regressed", short: "Regressed", alert: true },
  { key: "reopened", id: "reopened", label: "Reopened", short: "Reopened", alert: false },
  { key: "resolved", id: "resolved", label: "Resolved", short: "Resolved", alert: false },
  { key: "stillOpen", id: "still-open", label: "Still open", short: "Still open", alert: false },
  { key: "overdue", id: "overdue", label: "Overdue", short: "Overdue", alert: true },
  { key: "accepted", id: "accepted", label: "Accepted", short: "Accepted", alert: false },
  { key: "expired", id: "expired", label: "Accepted, expired", short: "Expired", alert: true },
];

const defaultSourceTitle = (source: string) => findProvider(source)?.title ?? source;
const date = (iso: string | null) => (iso ? iso.slice(0, 10) : "–");

interface Context {
  s: WeeklySummary;
  title: (source: string) => string;
  multiTenant: boolean;
  tenantName: (id: string) => string;
}

export function toWeeklyHtml(summary: WeeklySummary, options: WeeklyHtmlOptions = {}): string {
  const names = new Map(summary.tenants.map((t) => [t.id, t.name]));
  const ctx: Context = {
    s: summary,
    title: options.sourceTitle ?? defaultSourceTitle,
    multiTenant: summary.tenants.length > 1,
    tenantName: (id) => (id === "*" ? "every tenant" : (names.get(id) ?? id)),
  };
  const heading =
    summary.tenants.length === 1
      ? summary.tenants[0]!.name
      : `${summary.demo ? "Demo portfolio" : "Portfolio"}: ${plural(summary.tenants.length, "tenant")}`;
  const latest = summary.latestSweep;
  return page({
    title: `Weekly MFA sweep summary: ${heading}`,
    masthead: {
      kicker: "mfasweep · Weekly sweep summary",
      heading,
      meta: [
        html`<span data-testid="period">Changes ${summary.period.label}</span>`,
        latest
          ? `Latest sweep ${formatTime(latest.finishedAt ?? latest.startedAt)}${latest.status === "finished" ? "" : ` (${latest.status})`}`
          : "No sweep yet",
        `Generated ${formatTime(summary.generatedAt)}`,
      ],
    },
    banner: summary.demo
      ? html`<p class="banner" role="note"><strong>Demo data.</strong> Fictional tenants served by local emulators through the real client libraries; no real customer system was contacted.</p>`
      : undefined,
    main: join([expiredSection(ctx), heroSection(ctx), rankingSection(ctx), tenantsSection(ctx)]),
    footer: footer(ctx),
    data: { id: "mfasweep-weekly", json: jsonForScript(figuresJson(summary)) },
  });
}

// ---------------------------------------------------------------------------------------------------

function tiles(counts: Counts, prefix: string, compact: boolean): SafeHtml {
  return html`<dl class="tiles${compact ? " compact" : ""}">${figureOrder.map(
    (f) =>
      html`<div${f.alert && counts[f.key] > 0 ? html` class="alert"` : ""}><dt${compact && f.short !== f.label ? html` title="${f.label}"` : ""}>${compact ? f.short : f.label}</dt><dd data-testid="${prefix}-${f.id}">${counts[f.key].toLocaleString("en-US")}</dd></div>`,
  )}</dl>`;
}

/** "12 open findings across 3 tenants, 2 of them overdue." and what changed. */
export function weeklyHeadline(s: WeeklySummary): { lead: string; details: string } {
  const t = s.totals;
  if (s.tenants.length === 0) return { lead: "No sweep has been recorded in this store yet.", details: "" };
  const across = s.tenants.length > 1 ? ` across ${plural(s.tenants.length, "tenant")}` : "";
  const lead =
    t.open === 0
      ? `No open findings${across}.`
      : `${plural(t.open, "open finding")}${across}${t.overdue ? `, ${t.overdue.toLocaleString("en-US")} of them overdue` : ""}.`;
  const changes = [
    `${t.new.toLocaleString("en-US")} new`,
    `${t.regressed.toLocaleString("en-US")} regressed`,
    ...(t.reopened ? [`${t.reopened.toLocaleString("en-US")} reopened`] : []),
    `${t.resolved.toLocaleString("en-US")} resolved`,
  ];
  const label = s.period.label.charAt(0).toUpperCase() + s.period.label.slice(1);
  const expired = t.expired
    ? ` ${plural(t.expired, "finding")} ${t.expired === 1 ? "is" : "are"} still marked accepted under an expired exception.`
    : "";
  return { lead, details: `${label}: ${changes.join(", ")}.${expired}` };
}

function heroSection(ctx: Context): SafeHtml {
  const s = ctx.s;
  const { lead, details } = weeklyHeadline(s);
  const incomplete = s.tenants.filter(
    (t) => t.coverage.status !== "complete" || t.coverage.failedLater.length,
  );
  return html`<section class="weekly-hero" id="summary" aria-labelledby="summary-heading">
<div class="card summary">
<h2 id="summary-heading" class="visually-hidden">Summary</h2>
<p class="lead" data-testid="headline">${lead}</p>
${details ? html`<p class="details" data-testid="headline-details">${details}</p>` : ""}
${
  incomplete.length
    ? html`<p class="not-checked" data-testid="not-checked">Not fully read by the latest sweep: ${incomplete
        .map((t) => `${t.name} (${coverageWords(t.coverage.status)})`)
        .join(
          "; ",
        )}. Nothing there was resolved, and new problems there cannot show up. <a href="#tenants">Details per tenant</a></p>`
    : ""
}
${tiles(s.totals, "kpi", false)}
</div>
<div class="card">
${trendFigure("portfolio", ctx.multiTenant ? "Open findings after each sweep, all tenants" : "Open findings after each sweep", s.trend)}
${ctx.multiTenant && s.trend.some((p) => p.tenants < s.tenants.length) ? html`<p class="small muted">A tenant that a sweep did not include counts with its figure from its previous sweep.</p>` : ""}
</div>
</section>`;
}

function coverageWords(status: WeeklyTenant["coverage"]["status"]): string {
  return {
    complete: "read completely",
    partial: "partly read",
    failed: "not read",
    none: "never swept",
    unrecorded: "coverage not recorded",
  }[status];
}

/** Point labels: the date, with the time when two sweeps share a day. */
function pointLabels(points: Array<{ at: string }>): string[] {
  const days = points.map((p) => p.at.slice(0, 10));
  const clash = new Set(days).size < days.length;
  return points.map((p) => (clash ? `${p.at.slice(5, 10)} ${p.at.slice(11, 16)}` : p.at.slice(0, 10)));
}

/** The trend chart, or, with fewer than two sweeps, a plain statement that there is no trend yet. */
function trendFigure(id: string, title: string, points: Array<{ at: string; open: number }>): SafeHtml {
  if (points.length < 2) {
    const only = points[0];
    return html`<figure class="chart" id="chart-${slug(id)}"><figcaption>${title}</figcaption><p class="trend-note" data-testid="trend-note">${
      only
        ? `Only one sweep so far (${formatTime(only.at)}: ${plural(only.open, "open finding")}). The trend starts with the next sweep.`
        : "No sweep yet: there is no trend to show."
    }</p></figure>`;
  }
  const labels = pointLabels(points);
  return lineChart({ id, title, points: points.map((p, i) => ({ label: labels[i]!, value: p.open })) });
}

// ---------------------------------------------------------------------------------------------------

function expiredSection(ctx: Context): SafeHtml {
  const rows = ctx.s.expiredExceptions;
  if (rows.length === 0) return html``;
  return html`<section class="block" id="expired" aria-labelledby="expired-heading">
<div class="card alert-card">
<h2 id="expired-heading">Expired exceptions: <span data-testid="expired-count">${rows.length.toLocaleString("en-US")}</span></h2>
<p>An exception is valid through its expiry date. After that the finding counts as a failure again: renew the exception with a new date and approver, or fix the finding.</p>
${table({
  caption: "Expired exceptions",
  columns: [
    { label: "Expired", width: "11%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "14%" }] : []),
    { label: "Finding", width: "27%" },
    { label: "Exception" },
    { label: "What now", width: "26%" },
  ],
  rows: rows.map((e) =>
    row({
      filters: {},
      cells: [
        { label: "Expired", content: html`<strong>${e.expires}</strong>` },
        ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(e.tenant) }] : []),
        {
          label: "Finding",
          content: e.subject
            ? html`${e.severity ? html`${severityBadge(e.severity)} ` : ""}<strong>${e.subject}</strong><span class="sub mono">${e.policy ?? ""}</span>`
            : html`<span class="sub">config entry matching</span>tenant <code>${e.match?.tenant ?? ""}</code>, policy <code>${e.match?.policy ?? ""}</code>, subject <code>${e.match?.subject ?? ""}</code>`,
        },
        {
          label: "Exception",
          content: html`${e.reason}<span class="sub">approved by ${e.approvedBy} · ${e.source === "queue" ? "queue accept" : "config file"}</span>`,
        },
        { label: "What now", content: e.consequence },
      ],
    }),
  ),
  empty: "No expired exception.",
})}
</div>
</section>`;
}

// ---------------------------------------------------------------------------------------------------

function riskText(t: WeeklyTenant): string {
  const points = Number.isInteger(t.risk.points) ? String(t.risk.points) : t.risk.points.toFixed(1);
  return t.risk.provisional ? `at least ${points}` : points;
}

function openBreakdown(t: WeeklyTenant): string {
  return (["critical", "high", "medium", "low", "info"] as const)
    .filter((s) => t.risk.openBySeverity[s] > 0)
    .map((s) => `${t.risk.openBySeverity[s]} ${s}`)
    .join(" · ");
}

const tenantAnchor = (id: string) => `tenant-${slug(id)}`;

function rankingSection(ctx: Context): SafeHtml {
  const tenants = ctx.s.tenants;
  if (tenants.length === 0) return html``;
  const rows = tenants.map((t) =>
    row({
      filters: {
        tenant: [token(t.id)],
        overdue: t.counts.overdue > 0 ? ["yes"] : [],
        incomplete: t.coverage.status !== "complete" ? ["yes"] : [],
      },
      className: t.counts.overdue > 0 || t.counts.expired > 0 ? "exposed" : undefined,
      cells: [
        { label: "Rank", content: html`<strong data-testid="rank">${t.rank}</strong>`, className: "num" },
        {
          label: "Tenant",
          content: html`<a href="#${tenantAnchor(t.id)}"><strong data-testid="rank-name">${t.name}</strong></a><span class="sub">${coverageBadge(coverageBadgeStatus(t))}${
            t.coverage.status === "none" || t.coverage.status === "unrecorded"
              ? ` ${coverageWords(t.coverage.status)}`
              : ""
          }</span>`,
        },
        {
          label: "Risk points",
          content: html`<strong data-testid="rank-risk">${riskText(t)}</strong>`,
          className: "num",
        },
        {
          label: "Open",
          content: html`<span data-testid="rank-open">${t.counts.open}</span>${openBreakdown(t) ? html`<span class="sub">${openBreakdown(t)}</span>` : ""}`,
          className: "num",
        },
        {
          label: "Overdue",
          content: html`<span data-testid="rank-overdue">${t.counts.overdue}</span>`,
          className: "num",
        },
        {
          label: "Changes",
          content: html`<span data-testid="rank-new">${t.counts.new}</span>&nbsp;new · <span data-testid="rank-regressed">${t.counts.regressed}</span>&nbsp;regressed · <span data-testid="rank-resolved">${t.counts.resolved}</span>&nbsp;resolved`,
        },
        {
          label: "Accepted",
          content: html`<span data-testid="rank-accepted">${t.counts.accepted}</span>`,
          className: "num",
        },
        {
          label: "Trend",
          content: sparkline({ label: `Open findings of ${t.name}`, values: t.trend.map((p) => p.open) }),
        },
      ],
    }),
  );
  return html`<section class="block" id="ranking" aria-labelledby="ranking-heading" data-filter-scope>
<header><h2 id="ranking-heading">Tenants ranked by risk</h2><p>Highest risk first · <a href="#method">how risk is counted</a></p></header>
${
  tenants.length > 1
    ? filterBar({
        label: "Filter tenants",
        search: "Tenant name",
        checks: [
          { key: "overdue", value: "yes", label: "Only with overdue findings" },
          ...(tenants.some((t) => t.coverage.status !== "complete")
            ? [{ key: "incomplete", value: "yes", label: "Only not fully read" }]
            : []),
        ],
      })
    : ""
}
${table({
  caption: "Tenants ranked by risk",
  columns: [
    { label: "#", className: "num", width: "4%" },
    { label: "Tenant", width: "22%" },
    { label: "Risk", className: "num", width: "10%" },
    { label: "Open", className: "num", width: "14%" },
    { label: "Overdue", className: "num", width: "9%" },
    { label: "Changes", width: "21%" },
    { label: "Accepted", className: "num", width: "9%" },
    { label: "Trend" },
  ],
  rows,
  empty: "No tenant matches the filters.",
})}
</section>`;
}

function coverageBadgeStatus(t: WeeklyTenant): Coverage["status"] {
  const s = t.coverage.status;
  return s === "complete" || s === "partial" || s === "failed" ? s : "failed";
}

// ---------------------------------------------------------------------------------------------------

/** What the tenant's latest sweep read, stated plainly. */
function coverageStatement(ctx: Context, t: WeeklyTenant): SafeHtml {
  const c = t.coverage;
  const when = c.at ? formatTime(c.at) : "";
  const later = c.failedLater.map(
    (f) =>
      html`<p class="coverage-note incomplete">The sweep of ${formatTime(f.startedAt)} included this tenant but did not reconcile it: ${f.error}. Its findings are as the sweep before left them.</p>`,
  );
  const system = (x: Coverage) => `${ctx.title(x.source)} (connection “${x.connection}”)`;
  let body: HtmlValue;
  switch (c.status) {
    case "none":
      body = html`<p class="coverage-note incomplete" data-testid="coverage">Never swept: nothing of this tenant has been read yet, so nothing here means it is safe.</p>`;
      break;
    case "unrecorded":
      body = html`<p class="coverage-note incomplete" data-testid="coverage">The latest sweep (${when}) stopped before it recorded what it read; treat this tenant as not fully read.</p>`;
      break;
    case "complete":
      body = html`<p class="coverage-note" data-testid="coverage">The latest sweep (${when}) read every connected system completely: ${c.connections.map(system).join(", ")}.</p>`;
      break;
    default: {
      const notRead = c.connections.filter((x) => x.status !== "complete");
      const read = c.connections.filter((x) => x.status === "complete");
      body = html`<div class="coverage-note incomplete" data-testid="coverage"><p><strong>Not fully read by the latest sweep (${when}).</strong> Nothing from these systems was resolved and new problems there cannot show up:</p><ul class="gaps">${notRead.map(
        (x) =>
          html`<li><strong>${system(x)}</strong> ${x.status === "failed" ? "could not be read" : "was only partly read"}${x.reason ? html`: ${x.reason}` : ""}${
            x.gaps.length ? html`<ul>${x.gaps.map((g) => html`<li>${g.what}: ${g.reason}</li>`)}</ul>` : ""
          }</li>`,
      )}</ul>${read.length ? html`<p class="small">Read completely: ${read.map(system).join(", ")}.</p>` : ""}</div>`;
    }
  }
  return html`${body}${later}<p class="small muted">Only connected systems are assessed; an entry point that is not configured is not seen.</p>`;
}

/** The last change's note, without the finding's message when it only repeats it. */
function changeNote(i: WeeklySummary["tenants"][number]["items"][number]): string | null {
  if (!i.note || !i.changedAt) return null;
  const note = i.note.replace(`: ${i.message}`, "");
  return note === i.message ? null : note;
}

function dueCell(i: WeeklySummary["tenants"][number]["items"][number]): SafeHtml {
  if (i.standing === "resolved") return html`Resolved ${date(i.resolvedAt)}`;
  if (i.exception)
    return html`<span class="${i.standing === "expired" ? "badge sd-expired" : ""}">${i.standing === "expired" ? "expired" : "until"} ${i.exception.expires}</span><span class="sub">${i.exception.reason} · approved by ${i.exception.approvedBy}${i.exception.source === "queue" ? " (queue)" : " (config)"}</span>`;
  if (!i.dueAt) return html`<span class="muted">no due date</span>`;
  return i.overdue
    ? html`<span data-testid="due">due ${date(i.dueAt)}</span> <span class="badge overdue-badge">${plural(i.daysOverdue ?? 0, "day")} overdue</span>`
    : html`<span data-testid="due">due ${date(i.dueAt)}</span>`;
}

function tenantsSection(ctx: Context): SafeHtml {
  const tenants = ctx.s.tenants;
  if (tenants.length === 0) return html``;
  const anyItems = tenants.some((t) => t.items.length > 0);
  const standings = (Object.keys(standingLabel) as Standing[]).filter((s) =>
    tenants.some((t) => t.items.some((i) => i.standing === s)),
  );
  const severities = (["critical", "high", "medium", "low", "info"] as const).filter((s) =>
    tenants.some((t) => t.items.some((i) => i.severity === s)),
  );
  const groups = tenants.map((t) => {
    const rows = t.items.map((i) =>
      row({
        id: `item-${slug(i.fingerprint)}`,
        filters: {
          tenant: [token(t.id)],
          standing: [i.standing],
          severity: [i.severity],
          overdue: i.overdue ? ["yes"] : [],
        },
        className: openStandings.includes(i.standing) && i.overdue ? "exposed" : undefined,
        cells: [
          {
            label: "What",
            content: html`<span class="badge sd-${i.standing}">${standingLabel[i.standing]}</span>${i.regressionCount > 1 ? html`<span class="sub">${i.regressionCount}× regressed</span>` : ""}${i.acceptedInPeriod && i.standing === "accepted" ? html`<span class="sub">accepted in this period</span>` : ""}`,
          },
          {
            label: "Subject",
            content: html`<strong>${i.subject.name}</strong><span class="sub">${i.subject.kind} · ${ctx.title(i.subject.source)} (${i.subject.connection})</span>`,
          },
          {
            label: "Finding",
            content: html`${severityBadge(i.severity)}${i.status === "unknown" ? html` <span class="badge st-unknown">Not decided</span>` : ""} ${i.title}<span class="sub">${i.message}</span>${
              changeNote(i)
                ? html`<span class="sub">${formatTime(i.changedAt ?? "")}: ${changeNote(i)}</span>`
                : ""
            }<span class="sub mono" title="fingerprint: the key for tickets and the queue">ref ${i.fingerprint.slice(0, 12)} · ${i.policy}</span>`,
          },
          { label: "Due / until", content: dueCell(i) },
        ],
      }),
    );
    return html`<article class="group" data-group id="${tenantAnchor(t.id)}" data-testid="tenant-section">
<header>
<h3><span class="rank">#${t.rank}</span> <span data-testid="tenant-name">${t.name}</span> <span class="risk">risk ${riskText(t)}</span> ${coverageBadge(coverageBadgeStatus(t))}</h3>
${tiles(t.counts, "t", true)}
</header>
<div class="tenant-body">
<div><h4>What the latest sweep read</h4>${coverageStatement(ctx, t)}</div>
<div>${trendFigure(`trend-${t.id}`, "Open findings after each sweep", t.trend)}</div>
</div>
${table({
  caption: `Findings of ${t.name}`,
  columns: [
    { label: "What", width: "13%" },
    { label: "Subject", width: "22%" },
    { label: "Finding" },
    { label: "Due / until", width: "20%" },
  ],
  rows,
  empty: t.items.length
    ? "No finding of this tenant matches the filters."
    : "Nothing open, nothing accepted, nothing changed in this period.",
})}
</article>`;
  });
  return html`<section class="block page" id="tenants" aria-labelledby="tenants-heading" data-filter-scope>
<header><h2 id="tenants-heading">Per tenant</h2><p>Highest risk first: figures, trend, what was not read, and every finding that is open, accepted or changed ${ctx.s.period.label}</p></header>
${
  anyItems
    ? filterBar({
        label: "Filter findings",
        search: "Account, check, message…",
        selects: [
          ...(ctx.multiTenant
            ? [
                {
                  key: "tenant",
                  label: "Tenant",
                  choices: tenants.map((t) => ({ value: token(t.id), label: t.name })),
                },
              ]
            : []),
          {
            key: "standing",
            label: "What",
            choices: standings.map((s) => ({ value: s, label: standingLabel[s] })),
          },
          {
            key: "severity",
            label: "Severity",
            choices: severities.map((s) => ({ value: s, label: severityLabel[s] })),
          },
        ],
        checks: [{ key: "overdue", value: "yes", label: "Only overdue" }],
      })
    : ""
}
${groups}
${anyItems ? html`<p class="card muted" data-empty hidden>No finding matches the filters.</p>` : ""}
</section>`;
}

// ---------------------------------------------------------------------------------------------------

function footer(ctx: Context): SafeHtml {
  const s = ctx.s;
  return html`<footer class="colophon" id="method">
<div>
<h2>How tenants are ranked</h2>
<ol>${riskMethod().map((line) => html`<li>${line}</li>`)}</ol>
<h2 class="subsection">What the figures count</h2>
<p>Each finding is counted once, under where it stands now. <em>New</em>: first found in the period and open. <em>Regressed</em>: was resolved and is open again. <em>Reopened</em>: was accepted and is open again (its exception ended or was withdrawn). <em>Still open</em>: open before the period and still open. <em>Overdue</em>: open and past the due date its severity's SLA sets. <em>Resolved</em>: resolved in the period (a sweep resolves a finding only where it read the system completely). <em>Accepted</em>: covered by a dated exception. <em>Accepted, expired</em>: still marked accepted, but the exception's date has passed (the next sweep reopens it). The list of expired exceptions at the top also names those already reopened and expired entries of the config. The trend counts open findings after each sweep.</p>
</div>
<div>
<h2>About this report</h2>
<p>Generated by mfasweep ${s.tool.version} from the remediation queue on ${formatTime(s.generatedAt)}; changes ${s.period.label}.${s.latestSweep ? html` Latest sweep <code>${s.latestSweep.id}</code>.` : ""}</p>
<p>This file is self-contained: it loads nothing from the network, and its only script filters the tables. Print it or save it as PDF from the browser's print dialog.</p>
<p class="no-print"><a href="#top">Back to top</a></p>
</div>
</footer>`;
}

function figuresJson(s: WeeklySummary) {
  return {
    schemaVersion: 1,
    period: s.period,
    latestSweep: s.latestSweep?.id ?? null,
    totals: s.totals,
    expiredExceptions: s.expiredExceptions.length,
    tenants: s.tenants.map((t) => ({
      id: t.id,
      name: t.name,
      rank: t.rank,
      risk: t.risk.points,
      provisional: t.risk.provisional,
      coverage: t.coverage.status,
      counts: t.counts,
      trend: t.trend.map((p) => p.open),
    })),
  };
}
