import { findProvider } from "../../../providers/index.js";
import { isFinding, type Result, type Severity, severityRank } from "../../model/index.js";
import type { ScanReport } from "../../report.js";
import { accentStyle, type Branding, customerName, logoImage, preparedLine } from "./branding.js";
import { chartGrid, scoreRing, stackedBars } from "./charts.js";
import {
  coverageBadge,
  evidenceList,
  filterBar,
  formatTime,
  mfaBadge,
  mfaStateLabel,
  plural,
  row,
  severityBadge,
  severityLabel,
  statusBadge,
  statusLabel,
  table,
  token,
} from "./components.js";
import { customerFacing } from "./customer.js";
import { type HtmlValue, html, join, jsonForScript, type SafeHtml, slug } from "./escape.js";
import {
  type AccountRow,
  accountRows,
  compareText,
  entryPointRows,
  type Figures,
  figures,
} from "./figures.js";
import { page } from "./layout.js";
import { notGradedLead, type Score, scoreMethod } from "./score.js";

/**
 * The pre-onboarding assessment (`scan --format html`, `demo --format html`): one self-contained HTML file
 * a customer can read, filter and print. The first screen answers "can someone get in without a second
 * factor?" with a score, one honest sentence and the top risks; everything below is the evidence.
 *
 * Building blocks for other HTML reports (the weekly report): `layout.ts` `page()` (document shell, CSP,
 * styles, script), `escape.ts` `html` (escape-by-default templates), `charts.ts` (stacked bars, trend line,
 * score ring), `components.ts` (badges, filter bar, filterable rows and tables, evidence), `figures.ts` and
 * `score.ts` (the numbers, per tenant or overall).
 */

export interface HtmlOptions {
  /** Display name of a connection type; defaults to the provider registry's title. */
  sourceTitle?: (source: string) => string;
  /** The MSP's name, logo and colour, and the customer's name per tenant (config `report:`). */
  branding?: Branding;
}

export { accountRows, connectionRows, entryPointRows, type Figures, figures } from "./figures.js";
export { type Score, score, scoreMethod } from "./score.js";

const defaultSourceTitle = (source: string) => findProvider(source)?.title ?? source;

/** What every section of a report (either audience) renders from. */
export interface ReportContext {
  /** The customer-facing view of the report (`customerFacing`). */
  report: ScanReport;
  title: (source: string) => string;
  tenantName: (id: string) => string;
  multiTenant: boolean;
  branding: Branding | undefined;
}
type Context = ReportContext;

export function reportContext(scanned: ScanReport, options: HtmlOptions = {}): ReportContext {
  const report = customerFacing(scanned);
  const names = new Map(report.tenants.map((t) => [t.id, customerName(options.branding, t)]));
  return {
    report,
    title: options.sourceTitle ?? defaultSourceTitle,
    tenantName: (id) => names.get(id) ?? id,
    multiTenant:
      new Set([...report.tenants.map((t) => t.id), ...report.coverage.map((c) => c.tenant)]).size > 1,
    branding: options.branding,
  };
}

export function toHtml(scanned: ScanReport, options: HtmlOptions = {}): string {
  const ctx = reportContext(scanned, options);
  const report = ctx.report;
  const all = figures(report);
  const accounts = accountRows(report.results);
  const heading =
    report.tenants.length === 1
      ? ctx.tenantName(report.tenants[0]!.id)
      : `${report.sweep.kind === "demo" ? "Demo portfolio" : "Portfolio"}: ${plural(report.tenants.length, "tenant")}`;
  const msp = ctx.branding?.msp?.name;
  const systems = new Set(report.coverage.map((c) => `${c.tenant}\u0000${c.connection}`)).size;
  return page({
    title: `MFA exposure assessment: ${heading}`,
    extraStyles: accentStyle(ctx.branding),
    images: ctx.branding?.msp?.logo !== undefined,
    masthead: {
      kicker: html`${logoImage(ctx.branding)}${
        report.tenants.length === 1 ? preparedLine(ctx.branding, heading) : msp ? `Prepared by ${msp}` : ""
      } · MFA exposure assessment`,
      heading,
      meta: [
        `Assessed ${formatTime(report.sweep.finishedAt || report.sweep.startedAt)}`,
        `${plural(systems, "system")} · ${plural(all.accounts, "account")}`,
        `Report ${report.sweep.id.slice(0, 8)}`,
      ],
    },
    banner:
      report.sweep.kind === "demo"
        ? html`<p class="banner" role="note"><strong>Demo data.</strong> Fictional tenants served by local emulators through the real client libraries; no real customer system was contacted.</p>`
        : undefined,
    main: join([
      heroSection(ctx, all),
      ctx.multiTenant ? tenantsSection(ctx) : "",
      chartsSection(ctx, accounts),
      systemsSection(ctx, all),
      findingsSection(ctx),
      accountsSection(ctx, accounts),
      coverageSection(ctx, all),
      checksSection(ctx),
    ]),
    footer: footer(ctx),
    data: { id: "mfasweep-figures", json: jsonForScript(figuresJson(ctx, all)) },
  });
}

// ---------------------------------------------------------------------------------------------------
// The sentence

/**
 * The plain-language summary. `lead` states what was found; `notChecked` says what was not seen, so a
 * partial read never reads as "all clear".
 */
export function headline(
  f: Figures,
  title: (source: string) => string,
  tenantName?: (id: string) => string,
): { lead: string; details: string[]; notChecked: string | null } {
  const scope = f.readComplete ? "" : " we could read";
  let lead: string;
  if (f.accounts === 0) lead = `No accounts${f.readComplete ? " were found" : " could be read"}.`;
  else if (f.withoutSecondFactor === 0)
    lead = `None of the ${plural(f.accounts, "account")}${scope} can sign in without a second factor.`;
  else {
    const admins =
      f.adminsWithoutSecondFactor === 0
        ? "none of them is an administrator"
        : f.adminsWithoutSecondFactor === 1
          ? "1 is an administrator"
          : `${f.adminsWithoutSecondFactor.toLocaleString("en-US")} are administrators`;
    lead = `${f.withoutSecondFactor.toLocaleString("en-US")} of ${plural(f.accounts, "account")}${scope} can sign in without a second factor; ${admins}.`;
  }
  const details: string[] = [];
  // Per system only for one tenant: across tenants the tenant cards say it, and the sentence stays short.
  // It counts accounts, as the lead does, and says so: next to the paths sentence a bare "By system" read
  // as a count of paths (#18 item 7).
  const bySystem = f.connections.filter((c) => c.withoutSecondFactor > 0);
  if (bySystem.length > 1 && f.tenants === 1)
    details.push(
      `Accounts without a second factor by system: ${bySystem
        .map((c) => {
          const shared = bySystem.filter((x) => x.source === c.source).length > 1;
          return `${title(c.source)}${shared ? ` “${c.connection}”` : ""} ${c.withoutSecondFactor}`;
        })
        .join(", ")}.`,
    );
  if (f.openPaths > 0)
    details.push(
      `${plural(f.openPaths, "entry point or access path", "entry points or access paths")} ${f.openPaths === 1 ? "lets" : "let"} at least one login in with a password alone.`,
    );
  if (f.exceptedAccounts > 0)
    details.push(
      `${plural(f.exceptedAccounts, "more account")} ${f.exceptedAccounts === 1 ? "can" : "can"} too, recorded as an accepted risk (a dated exception).`,
    );

  if (f.complete) return { lead, details, notChecked: null };
  const missing: string[] = [];
  if (f.incomplete.length > 3) {
    const failed = f.incomplete.filter((c) => c.status === "failed").length;
    const partly = f.incomplete.length - failed;
    if (failed) missing.push(`${plural(failed, "system")} could not be read`);
    if (partly) missing.push(`${plural(partly, "system")} ${partly === 1 ? "was" : "were"} only partly read`);
  } else
    for (const c of f.incomplete) {
      const owner = f.tenants > 1 && tenantName ? ` of ${tenantName(c.tenant)}` : "";
      missing.push(
        `${title(c.source)} (connection “${c.connection}”${owner}) ${c.status === "failed" ? "could not be read" : "was only partly read"}`,
      );
    }
  const gapsInComplete = f.connections
    .filter((c) => c.coverage?.status === "complete")
    .reduce((n, c) => n + (c.coverage?.gaps.length ?? 0), 0);
  if (gapsInComplete > 0) missing.push(`${plural(gapsInComplete, "list or setting")} could not be read`);
  if (f.undecidedAccounts > 0)
    missing.push(`${plural(f.undecidedAccounts, "account")} could not be fully judged`);
  if (f.undecidedOther > 0)
    missing.push(
      `${plural(f.undecidedOther, "check of a setting or path", "checks of settings or paths")} could not be decided`,
    );
  return { lead, details, notChecked: missing.length ? `Not checked: ${missing.join("; ")}.` : null };
}

// ---------------------------------------------------------------------------------------------------
// Sections

function bandLetter(s: Score, large = false): SafeHtml {
  if (!s.band) return html`<span class="letter tone-none" aria-hidden="true">–</span>`;
  return html`<span class="letter tone-${s.band.tone}"${large ? "" : html` aria-hidden="true"`}>${s.band.letter}</span>`;
}

function heroSection(ctx: Context, f: Figures): SafeHtml {
  const { lead, details, notChecked } = headline(f, ctx.title, ctx.tenantName);
  const s = f.score;
  const note = [
    s.provisional && s.notGraded === null ? "Provisional: part of the tenant could not be read." : "",
    ...s.caps.map((c) => `Score ${c}.`),
  ].filter(Boolean);
  return html`<section class="hero" id="summary" aria-labelledby="summary-heading">
<div class="card score-card">
<h2 class="visually-hidden">Score</h2>
${scoreRing(s)}
<div class="grade" data-testid="score-band">${bandLetter(s)}<span>${s.band ? `${s.band.letter} · ${s.band.label}` : "Not graded"}</span></div>
${note.map((n) => html`<p class="note">${n}</p>`)}
<dl class="tally">
<dt>Checks passed</dt><dd>${f.pass.toLocaleString("en-US")}</dd>
<dt>Checks failed</dt><dd>${f.fail.toLocaleString("en-US")}</dd>
<dt>Not decided</dt><dd>${f.unknown.toLocaleString("en-US")}</dd>
<dt>Accepted risks</dt><dd>${f.excepted.toLocaleString("en-US")}</dd>
<dt>Systems read fully</dt><dd>${(f.connections.length - f.incomplete.length).toLocaleString("en-US")} of ${f.connections.length.toLocaleString("en-US")}</dd>
</dl>
<p class="note"><a href="#method">How the score is calculated</a></p>
</div>
<div class="card summary">
<h2 id="summary-heading" class="visually-hidden">Summary</h2>
${s.notGraded ? html`<p class="not-graded" data-testid="not-graded">${notGradedSentence(s, ctx.multiTenant)}</p>` : ""}
<p class="lead" data-testid="headline">${lead}</p>
${details.length ? html`<p class="details" data-testid="headline-details">${details.join(" ")}</p>` : ""}
${notChecked ? html`<p class="not-checked" data-testid="not-checked">${notChecked} <a href="#coverage">What we could not check</a></p>` : ""}
<div class="kpis">
${kpi("kpi-without", f.withoutSecondFactor, `of ${f.accounts.toLocaleString("en-US")}`, "accounts can sign in without a second factor", f.withoutSecondFactor > 0)}
${kpi("kpi-admins", f.adminsWithoutSecondFactor, "", "administrators among them", f.adminsWithoutSecondFactor > 0)}
${kpi("kpi-fail", f.fail, "", "failing checks", false)}
${kpi("kpi-unchecked", f.unknown, f.incomplete.length ? `+ ${plural(f.incomplete.length, "system")} not fully read` : "", "checks could not be decided", f.unknown + f.incomplete.length > 0)}
</div>
<h3>Top risks</h3>
${topRisks(ctx)}
</div>
</section>`;
}

/** "Not enough could be read to grade this tenant: none of its 2 systems could be read." */
export function notGradedSentence(s: Score, portfolio = false): string {
  const lead = portfolio ? notGradedLead.replace("this tenant", "these tenants") : notGradedLead;
  return `${lead}: ${s.notGraded ?? "nothing was judged"}.`;
}

function kpi(id: string, value: number, suffix: string, label: string, alert: boolean): SafeHtml {
  return html`<div class="kpi${alert ? " alert" : ""}"><div class="value"><span data-testid="${id}">${value.toLocaleString("en-US")}</span>${suffix ? html` <small>${suffix}</small>` : ""}</div><div class="label">${label}</div></div>`;
}

export interface PolicyGroup {
  policy: string;
  title: string;
  results: Result[];
  worst: Severity;
  fail: number;
}

export function policyGroups(results: Result[]): PolicyGroup[] {
  const groups = new Map<string, PolicyGroup>();
  for (const r of results) {
    const g = groups.get(r.policy) ?? {
      policy: r.policy,
      title: r.title,
      results: [],
      worst: r.severity,
      fail: 0,
    };
    groups.set(r.policy, g);
    g.results.push(r);
    if (r.status === "fail") g.fail++;
  }
  // A group's severity is its worst finding's; an accepted risk sets it only when nothing else is open.
  for (const g of groups.values()) {
    const open = g.results.filter(isFinding);
    g.worst = (open.length ? open : g.results).reduce(
      (w, r) => (severityRank[r.severity] > severityRank[w] ? r.severity : w),
      (open[0] ?? g.results[0]!).severity,
    );
  }
  // Severity order first (critical before high, whatever the mix of failing and undecided), then the
  // group with failures before one with only unknowns or accepted risks.
  return [...groups.values()].sort(
    (a, b) =>
      severityRank[b.worst] - severityRank[a.worst] ||
      Number(b.fail > 0) - Number(a.fail > 0) ||
      b.fail - a.fail ||
      compareText(a.policy, b.policy),
  );
}

export const subjectNoun: Record<Result["subject"]["kind"], string> = {
  account: "account",
  "entry-point": "entry point",
  "access-path": "access path",
  setting: "setting",
  connection: "connection",
  tenant: "tenant",
};

function groupAnchor(policy: string): string {
  return `check-${slug(policy)}`;
}

function topRisks(ctx: Context): SafeHtml {
  const failing = ctx.report.results.filter((r) => r.status === "fail");
  if (failing.length === 0)
    return html`<p class="muted">No check fails.${ctx.report.results.some((r) => r.status === "unknown") ? " Some checks could not be decided; see below." : ""}</p>`;
  const groups = policyGroups(failing).slice(0, 5);
  const rest = policyGroups(failing).length - groups.length;
  return html`<ol class="risks" data-testid="top-risks">${groups.map((g) => {
    const worst = g.results.reduce(
      (w, r) => (severityRank[r.severity] > severityRank[w] ? r.severity : w),
      g.worst,
    );
    const kinds = new Set(g.results.map((r) => r.subject.kind));
    const noun = kinds.size === 1 ? subjectNoun[g.results[0]!.subject.kind] : "subject";
    const names = g.results
      .slice(0, 2)
      .map((r) => (ctx.multiTenant ? `${r.subject.name} (${ctx.tenantName(r.tenant)})` : r.subject.name));
    return html`<li>${severityBadge(worst)}<div><a href="#${groupAnchor(g.policy)}">${g.title}</a><div class="who">Fails for ${names.join(", ")}${g.results.length > 2 ? ` and ${g.results.length - 2} more` : ""}</div></div><span class="count">${plural(g.results.length, noun)}</span></li>`;
  })}</ol>${rest > 0 ? html`<p class="small muted">${plural(rest, "more failing check")} below.</p>` : ""}`;
}

function tenantsSection(ctx: Context): SafeHtml {
  const tenants = [...ctx.report.tenants].map((t) => ({ t, f: figures(ctx.report, t.id) }));
  tenants.sort(
    (a, b) => (a.f.score.value ?? -1) - (b.f.score.value ?? -1) || compareText(a.t.name, b.t.name),
  );
  return html`<section class="block" id="tenants" aria-labelledby="tenants-heading">
<header><h2 id="tenants-heading">Tenants</h2><p>Lowest score first</p></header>
<div class="tenants">${tenants.map(({ t, f }) => {
    const { lead, notChecked } = headline(f, ctx.title);
    return html`<article class="card tenant-card" data-testid="tenant-card">${bandLetter(f.score, true)}<div><h3>${ctx.tenantName(t.id)}</h3><p><strong>${f.score.value === null ? "Not graded" : `${f.score.value} / 100`}</strong>${f.score.band ? ` · ${f.score.band.label}` : ""}${f.score.provisional && f.score.value !== null ? " · provisional" : ""}</p></div><p class="span">${f.score.notGraded ? html`<strong>${notGradedSentence(f.score)}</strong> ` : ""}${lead}${notChecked ? html` <span class="muted">${notChecked}</span>` : ""}</p></article>`;
  })}</div>
</section>`;
}

function chartsSection(ctx: Context, accounts: AccountRow[]): SafeHtml {
  const sources = [...new Set(accounts.map((a) => a.source))].sort();
  const stateSeries = [
    { key: "none", label: "None", tone: "mfa-none" },
    { key: "bypassable", label: "Bypassable", tone: "bypassable" },
    { key: "optional", label: "Optional", tone: "optional" },
    { key: "unknown", label: "Unknown", tone: "mfa-unknown" },
    { key: "enforced", label: "Enforced", tone: "enforced" },
  ];
  const byState = stackedBars({
    id: "mfa-by-source",
    title: "MFA state of accounts, by source",
    unit: "accounts",
    series: stateSeries,
    rows: sources.map((s) => {
      const values: Record<string, number> = {};
      for (const a of accounts.filter((x) => x.source === s)) {
        const key = a.state ?? "unknown";
        values[key] = (values[key] ?? 0) + 1;
      }
      return { label: ctx.title(s), values };
    }),
  });
  const severities: Severity[] = ["critical", "high", "medium", "low", "info"];
  const findings = ctx.report.results.filter(isFinding);
  const bySeverity = stackedBars({
    id: "findings-by-severity",
    title: "Findings by severity",
    unit: "findings",
    series: [
      { key: "fail", label: "Failing", tone: "bad" },
      { key: "unknown", label: "Not decided", tone: "unknown-result" },
    ],
    rows: severities
      .map((sev) => ({
        label: severityLabel[sev],
        values: {
          fail: findings.filter((r) => r.severity === sev && r.status === "fail").length,
          unknown: findings.filter((r) => r.severity === sev && r.status === "unknown").length,
        },
      }))
      .filter((r) => r.values.fail + r.values.unknown > 0),
  });
  const enforced = accounts.filter((a) => a.state === "enforced");
  const byStrength = stackedBars({
    id: "strength",
    title: "Second-factor strength (accounts with MFA enforced)",
    unit: "accounts with MFA enforced",
    series: [
      { key: "phishing-resistant", label: "Phishing-resistant", tone: "phishing-resistant" },
      { key: "app", label: "App (push, TOTP)", tone: "app" },
      { key: "weak", label: "Weak (SMS, voice, email)", tone: "weak" },
      { key: "unknown", label: "Not known", tone: "strength-unknown" },
    ],
    rows: sources
      .map((s) => {
        const values: Record<string, number> = {};
        for (const a of enforced.filter((x) => x.source === s)) {
          const key = a.strength ?? "unknown";
          values[key] = (values[key] ?? 0) + 1;
        }
        return { label: ctx.title(s), values };
      })
      .filter((r) => Object.keys(r.values).length > 0),
  });
  return html`<section class="block" id="charts" aria-labelledby="charts-heading">
<header><h2 id="charts-heading">At a glance</h2><p>Accounts are counted once per system, at their worst state</p></header>
${chartGrid([byState, bySeverity, byStrength])}
</section>`;
}

function tenantChoices(ctx: Context) {
  return ctx.report.tenants.map((t) => ({ value: token(t.id), label: ctx.tenantName(t.id) }));
}

function sourceChoices(ctx: Context, sources: string[]) {
  return [...new Set(sources)].sort().map((s) => ({ value: token(s), label: ctx.title(s) }));
}

function systemsSection(ctx: Context, f: Figures): SafeHtml {
  const rows = f.connections.map((c) => {
    const status = c.coverage?.status;
    return row({
      filters: {
        tenant: [token(c.tenant)],
        coverage: [status ?? "none"],
        exposure: c.withoutSecondFactor + c.openPaths > 0 ? ["yes"] : [],
      },
      className: c.withoutSecondFactor + c.openPaths > 0 ? "exposed" : undefined,
      cells: [
        {
          label: "System",
          content: html`<strong>${ctx.title(c.source)}</strong><span class="sub">connection <code>${c.connection}</code></span>`,
        },
        ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(c.tenant) }] : []),
        {
          label: "Read",
          content: status
            ? coverageBadge(status)
            : html`<span class="badge cov-failed">No coverage record</span>`,
        },
        { label: "Accounts", content: c.accounts, className: "num" },
        {
          label: "Without a second factor",
          content: html`<strong>${c.withoutSecondFactor}</strong>${c.adminsWithoutSecondFactor ? html`<span class="sub">${plural(c.adminsWithoutSecondFactor, "admin")}</span>` : ""}`,
          className: "num",
        },
        { label: "Open access paths", content: c.openPaths, className: "num" },
        {
          label: "Findings",
          content: html`${c.worst ? severityBadge(c.worst) : html`<span class="muted">none</span>`} ${c.fail ? `${c.fail} failing` : ""}${c.unknown ? html`<span class="sub">${c.unknown} not decided</span>` : ""}`,
        },
      ],
    });
  });
  return html`<section class="block" id="systems" aria-labelledby="systems-heading">
<header><h2 id="systems-heading">Entry points and systems</h2><p>Every system the tenant was read from, and what can get in through it</p></header>
<div data-filter-scope>
${filterBar({
  label: "Filter systems",
  search: "System or connection",
  selects: [
    ...(ctx.multiTenant ? [{ key: "tenant", label: "Tenant", choices: tenantChoices(ctx) }] : []),
    {
      key: "coverage",
      label: "Read",
      choices: [
        { value: "complete", label: "Complete" },
        { value: "partial", label: "Partial" },
        { value: "failed", label: "Not read" },
      ].filter((c) => f.connections.some((x) => (x.coverage?.status ?? "none") === c.value)),
    },
  ],
  checks: [{ key: "exposure", value: "yes", label: "Only with a way in without a second factor" }],
})}
${table({
  caption: "Entry points and systems",
  columns: [
    { label: "System", width: "20%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "12%" }] : []),
    { label: "Read", width: "10%" },
    { label: "Accounts", className: "num", width: "9%" },
    { label: "Without 2nd factor", className: "num", width: "13%" },
    { label: "Open paths", className: "num", width: "10%" },
    { label: "Findings" },
  ],
  rows,
  empty: "No system matches the filters.",
})}
</div>
${entryPointTable(ctx)}
</section>`;
}

function entryPointTable(ctx: Context): SafeHtml {
  const entryPoints = entryPointRows(ctx.report.results);
  if (entryPoints.length === 0)
    return html`<p class="small muted subsection">No check judged an entry point or access path as a whole; directory sign-ins are judged per account below.</p>`;
  const states = (["none", "bypassable", "optional", "unknown", "enforced"] as const).filter((s) =>
    entryPoints.some((e) => e.state === s),
  );
  const rows = entryPoints.map((e) =>
    row({
      filters: {
        tenant: [token(e.tenant)],
        state: [e.state ?? "unrecorded"],
        exposure: e.open ? ["yes"] : [],
      },
      className: e.open ? "exposed" : undefined,
      cells: [
        {
          label: "Entry point",
          content: html`<strong>${e.name}</strong><span class="sub">${subjectNoun[e.kind]} · ${ctx.title(e.source)} (${e.connection})</span>`,
        },
        ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(e.tenant) }] : []),
        { label: "MFA", content: mfaBadge(e.state) },
        { label: "Result", content: html`${statusBadge(e.worst.status)} ${severityBadge(e.worst.severity)}` },
        {
          label: "What we found",
          content: html`${e.worst.message} <a class="more" href="#finding-${slug(e.worst.fingerprint)}">${
            e.results.length > 1 ? `Evidence (${plural(e.results.length, "check")})` : "Evidence"
          }</a>`,
        },
      ],
    }),
  );
  return html`<div data-filter-scope class="subsection">
<h3>Entry points and access paths</h3>
${filterBar({
  label: "Filter entry points",
  search: "Entry point, app or key",
  selects: [
    ...(ctx.multiTenant ? [{ key: "tenant", label: "Tenant", choices: tenantChoices(ctx) }] : []),
    { key: "state", label: "MFA state", choices: states.map((s) => ({ value: s, label: mfaStateLabel[s] })) },
  ],
  checks: [{ key: "exposure", value: "yes", label: "Only those that accept a password alone" }],
})}
${table({
  caption: "Entry points and access paths",
  columns: [
    { label: "Entry point", width: "24%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "12%" }] : []),
    { label: "MFA", width: "11%" },
    { label: "Result", width: "12%" },
    { label: "What we found" },
  ],
  rows,
  empty: "No entry point matches the filters.",
})}
</div>`;
}

function findingsSection(ctx: Context): SafeHtml {
  const findings = ctx.report.results.filter((r) => r.status !== "pass");
  const groups = policyGroups(findings);
  const statusOrder: Record<Result["status"], number> = { fail: 0, unknown: 1, excepted: 2, pass: 3 };
  const body = groups.map((g) => {
    const remediations = new Set(g.results.map((r) => r.remediation));
    const shared = remediations.size === 1 ? g.results[0]!.remediation : null;
    const counts = (["fail", "unknown", "excepted"] as const)
      .map((s) => [s, g.results.filter((r) => r.status === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(
        ([s, n]) => `${n} ${{ fail: "failing", unknown: "not decided", excepted: "accepted as a risk" }[s]}`,
      )
      .join(" · ");
    const rows = [...g.results]
      .sort(
        (a, b) =>
          statusOrder[a.status] - statusOrder[b.status] ||
          severityRank[b.severity] - severityRank[a.severity] ||
          compareText(a.tenant, b.tenant) ||
          compareText(a.subject.name, b.subject.name),
      )
      .map((r) =>
        row({
          id: `finding-${slug(r.fingerprint)}`,
          filters: {
            severity: [r.severity],
            status: [r.status],
            tenant: [token(r.tenant)],
            source: [token(r.subject.source)],
          },
          className: r.status === "fail" ? "exposed" : undefined,
          cells: [
            {
              label: "Subject",
              content: html`<strong>${r.subject.name}</strong><span class="sub">${subjectNoun[r.subject.kind]} · ${ctx.title(r.subject.source)} (${r.subject.connection})</span>`,
            },
            ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(r.tenant) }] : []),
            {
              label: "Result",
              content: html`${statusBadge(r.status)}${r.severity !== g.worst ? html` ${severityBadge(r.severity)}` : ""}`,
            },
            {
              label: "MFA",
              content: r.mfa
                ? html`${mfaBadge(r.mfa.state)}${r.mfa.strength ? html`<span class="sub">${r.mfa.strength}</span>` : ""}${r.mfa.via?.length ? html`<span class="sub">via ${r.mfa.via.join(" → ")}</span>` : ""}`
                : html`<span class="muted">–</span>`,
            },
            {
              label: "What we found, and the evidence",
              content: html`<p class="found">${r.message}</p>${
                r.exception
                  ? html`<div class="exception">Accepted risk until ${r.exception.expires}, approved by ${r.exception.approvedBy}: ${r.exception.reason}</div>`
                  : ""
              }${evidenceList(r.evidence)}${
                shared === null
                  ? html`<div class="fix"><strong>How to fix</strong>${r.remediation}</div>`
                  : ""
              }<span class="sub mono" title="fingerprint: the key for tickets and the queue">ref ${r.fingerprint.slice(0, 12)}</span>`,
            },
          ],
        }),
      );
    return html`<article class="group" data-group id="${groupAnchor(g.policy)}">
<header>
<h3>${severityBadge(g.worst)} <span>${g.title}</span></h3>
<div class="policy">${counts} · check <code>${g.policy}</code></div>
${shared ? html`<div class="fix"><strong>How to fix</strong>${shared}</div>` : ""}
</header>
${table({
  caption: g.title,
  columns: [
    { label: "Subject", width: "21%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "11%" }] : []),
    { label: "Result", width: "8%" },
    { label: "MFA", width: "10%" },
    { label: "What we found, and the evidence" },
  ],
  rows,
  empty: "No finding of this check matches the filters.",
})}
</article>`;
  });
  const severities = (["critical", "high", "medium", "low", "info"] as const).filter((s) =>
    findings.some((r) => r.severity === s),
  );
  return html`<section class="block page" id="findings" aria-labelledby="findings-heading" data-filter-scope>
<header><h2 id="findings-heading">Findings</h2><p>Every failing, undecided or excepted check, with its evidence and how to fix it</p></header>
${
  findings.length === 0
    ? html`<p class="card">No findings: every check passed.</p>`
    : html`${filterBar({
        label: "Filter findings",
        search: "Account, message, evidence…",
        selects: [
          {
            key: "severity",
            label: "Severity",
            choices: severities.map((s) => ({ value: s, label: severityLabel[s] })),
          },
          {
            key: "status",
            label: "Result",
            choices: (["fail", "unknown", "excepted"] as const)
              .filter((s) => findings.some((r) => r.status === s))
              .map((s) => ({ value: s, label: statusLabel[s] })),
          },
          ...(ctx.multiTenant ? [{ key: "tenant", label: "Tenant", choices: tenantChoices(ctx) }] : []),
          {
            key: "source",
            label: "Source",
            choices: sourceChoices(
              ctx,
              findings.map((r) => r.subject.source),
            ),
          },
        ],
      })}
${body}
<p class="card muted" data-empty hidden>No finding matches the filters.</p>`
}
</section>`;
}

function accountsSection(ctx: Context, accounts: AccountRow[]): SafeHtml {
  const verdict = (a: AccountRow): HtmlValue => {
    if (a.withoutSecondFactor) return html`<span class="badge st-fail">Password alone</span>`;
    if (a.excepted) return html`<span class="badge st-excepted">Accepted risk</span>`;
    if (a.undecided) return html`<span class="badge st-unknown">Not decided</span>`;
    if (a.worst) return html`<span class="badge sev-${a.worst.severity}">Other finding</span>`;
    return html`<span class="badge st-pass">OK</span>`;
  };
  const rows = accounts.map((a) =>
    row({
      filters: {
        tenant: [token(a.tenant)],
        source: [token(a.source)],
        state: [a.state ?? "unrecorded"],
        exposure: a.withoutSecondFactor ? ["yes"] : [],
        admin: a.admin ? ["yes"] : [],
      },
      className: a.withoutSecondFactor ? "exposed" : undefined,
      cells: [
        {
          label: "Account",
          content: html`<strong>${a.name}</strong><span class="sub">${ctx.title(a.source)} (${a.connection})</span>`,
        },
        ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(a.tenant) }] : []),
        { label: "Administrator", content: a.admin ? "Yes" : html`<span class="muted">No</span>` },
        {
          label: "MFA",
          content: html`${mfaBadge(a.state)}${a.strength ? html`<span class="sub">${a.strength}</span>` : ""}`,
        },
        { label: "Verdict", content: verdict(a) },
        {
          label: "Findings",
          content: a.worst
            ? html`${severityBadge(a.worst.severity)} <a href="#finding-${slug(a.worst.fingerprint)}">${plural(a.findings, "finding")}</a><span class="sub clamp" title="${a.worst.message}">${a.worst.message}</span>`
            : html`<span class="muted">none</span>`,
        },
      ],
    }),
  );
  const states = (["none", "bypassable", "optional", "unknown", "enforced"] as const).filter((s) =>
    accounts.some((a) => a.state === s),
  );
  return html`<section class="block page" id="accounts" aria-labelledby="accounts-heading" data-filter-scope>
<header><h2 id="accounts-heading">Accounts</h2><p>Each account once, at its worst MFA state across all checks</p></header>
${filterBar({
  label: "Filter accounts",
  search: "Account name",
  selects: [
    ...(ctx.multiTenant ? [{ key: "tenant", label: "Tenant", choices: tenantChoices(ctx) }] : []),
    {
      key: "source",
      label: "Source",
      choices: sourceChoices(
        ctx,
        accounts.map((a) => a.source),
      ),
    },
    { key: "state", label: "MFA state", choices: states.map((s) => ({ value: s, label: mfaStateLabel[s] })) },
  ],
  checks: [
    { key: "exposure", value: "yes", label: "Only without a second factor" },
    { key: "admin", value: "yes", label: "Only administrators" },
  ],
})}
${table({
  caption: "Accounts",
  columns: [
    { label: "Account", width: "23%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "12%" }] : []),
    { label: "Admin", width: "8%" },
    { label: "MFA", width: "11%" },
    { label: "Verdict", width: "14%" },
    { label: "Findings" },
  ],
  rows,
  empty: accounts.length ? "No account matches the filters." : "No account was judged.",
})}
</section>`;
}

function coverageSection(ctx: Context, f: Figures): SafeHtml {
  const coverage = ctx.report.coverage;
  const undecided = ctx.report.results.filter((r) => r.status === "unknown");
  const sourcesSeen = [...new Set(coverage.map((c) => ctx.title(c.source)))].sort();
  const rows = coverage.map((c) =>
    row({
      filters: {},
      className: c.status !== "complete" ? "exposed" : undefined,
      cells: [
        {
          label: "System",
          content: html`<strong>${ctx.title(c.source)}</strong><span class="sub">connection <code>${c.connection}</code></span>`,
        },
        ...(ctx.multiTenant ? [{ label: "Tenant", content: ctx.tenantName(c.tenant) }] : []),
        { label: "Read", content: coverageBadge(c.status) },
        {
          label: "What was not read",
          content:
            c.reason || c.gaps.length || c.notes.length || c.counts.skipped
              ? html`${c.reason ? html`<div>${c.reason}</div>` : ""}${
                  c.gaps.length
                    ? html`<ul class="gaps">${c.gaps.map((g) => html`<li><strong>${g.what}</strong>: ${g.reason}</li>`)}</ul>`
                    : ""
                }${c.counts.skipped ? html`<div>${plural(c.counts.skipped, "record")} could not be interpreted and were skipped.</div>` : ""}${c.notes.map((n) => html`<div class="muted small">Note: ${n}</div>`)}`
              : html`<span class="muted">Everything was read.</span>`,
        },
        { label: "Accounts read", content: c.counts.accounts, className: "num" },
        { label: "Requests", content: c.counts.requests, className: "num" },
      ],
    }),
  );
  return html`<section class="block page" id="coverage" aria-labelledby="coverage-heading">
<header><h2 id="coverage-heading">What we could not check</h2><p>${f.complete ? "Every configured system was read completely" : "Parts of the tenant we could not see; nothing here counts as safe"}</p></header>
<div class="card">
<p data-testid="scope"><strong>Scope.</strong> This assessment covers only the systems listed below: ${sourcesSeen.join(", ") || "none"}. Entry points that were not connected (for example VPN gateways, RMM or remote-support consoles, SSH hosts or RD gateways not listed here) were not assessed${f.readComplete ? "" : ", and the parts marked below could not be read"}.</p>
${baselineList(ctx)}
${
  undecided.length
    ? html`<p><strong>${plural(undecided.length, "check")} could not be decided</strong> (an unknown is never treated as a pass):</p><ul class="gaps">${undecided.map(
        (r) =>
          html`<li><a href="#finding-${slug(r.fingerprint)}">${r.subject.name}</a>${ctx.multiTenant ? ` (${ctx.tenantName(r.tenant)})` : ""}: ${r.message}</li>`,
      )}</ul>`
    : html`<p class="muted">Every check could be decided.</p>`
}
</div>
<div class="subsection">
${table({
  caption: "Coverage per system",
  columns: [
    { label: "System", width: "18%" },
    ...(ctx.multiTenant ? [{ label: "Tenant", width: "12%" }] : []),
    { label: "Read", width: "10%" },
    { label: "What was not read" },
    { label: "Accounts", className: "num", width: "9%" },
    { label: "Requests", className: "num", width: "9%" },
  ],
  rows,
  empty: "No system was read.",
})}
</div>
</section>`;
}

/** The bar each tenant was judged by, and every change to it, so no weakening goes unseen (issue #13). */
function baselineList(ctx: Context): SafeHtml {
  return html`<div data-testid="baseline"><p><strong>Baseline.</strong> Each tenant is judged by a profile; every change to it is listed.</p><ul class="gaps">${ctx.report.tenants.map(
    (t) =>
      html`<li><strong>${ctx.tenantName(t.id)}</strong>: profile <code>${t.profile ?? "standard"}</code>${
        t.overrides?.length
          ? html`, with ${plural(t.overrides.length, "override")}: ${t.overrides.map(
              (o, i) => html`${i > 0 ? "; " : ""}<code>${o.policy}</code> ${o.change} (${o.source})`,
            )}`
          : ", no overrides"
      }</li>`,
  )}</ul></div>`;
}

function checksSection(ctx: Context): SafeHtml {
  const groups = new Map<string, { title: string; results: Result[] }>();
  for (const r of ctx.report.results) {
    const g = groups.get(r.policy) ?? { title: r.title, results: [] };
    groups.set(r.policy, g);
    g.results.push(r);
  }
  const rows = [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([policy, g]) => {
      const n = (s: Result["status"]) => g.results.filter((r) => r.status === s).length;
      return row({
        filters: {},
        cells: [
          { label: "Check", content: html`${g.title}<span class="sub mono">${policy}</span>` },
          { label: "Judged", content: g.results.length, className: "num" },
          { label: "Pass", content: n("pass"), className: "num" },
          { label: "Fail", content: n("fail"), className: "num" },
          { label: "Not decided", content: n("unknown"), className: "num" },
          { label: "Accepted risk", content: n("excepted"), className: "num" },
        ],
      });
    });
  return html`<section class="block" id="checks" aria-labelledby="checks-heading">
<header><h2 id="checks-heading">Checks performed</h2><p>What was tested, and how often it held</p></header>
${table({
  caption: "Checks performed",
  columns: [
    { label: "Check" },
    { label: "Judged", className: "num", width: "9%" },
    { label: "Pass", className: "num", width: "8%" },
    { label: "Fail", className: "num", width: "8%" },
    { label: "Not decided", className: "num", width: "10%" },
    { label: "Accepted risk", className: "num", width: "9%" },
  ],
  rows,
  empty: "No check ran.",
})}
</section>`;
}

function footer(ctx: Context): SafeHtml {
  const r = ctx.report;
  return html`<footer class="colophon" id="method">
<div>
<h2>How the score is calculated</h2>
<ol>${scoreMethod().map((line) => html`<li>${line}</li>`)}</ol>
<h2 class="subsection">What the summary counts</h2>
<p>An account <em>can sign in without a second factor</em> when a check fails for it and its MFA state is none (no second factor), optional (a second factor is registered but nothing requires it: Entra ID does not ask for it, and where a system asks anyway the user can turn it off) or bypassable (a rule lets some logins skip it). Accounts are counted once per system, however many checks judge them; the total is every account each system returned (including suspended and archived ones). <em>Administrators</em> are those among them failing an administrator check or a critical check. Accounts covered by a recorded, dated exception are reported separately.</p>
</div>
<div>
<h2>About this report</h2>
<p>Generated by mfasweep ${r.tool.version} from read-only access. Started ${formatTime(r.sweep.startedAt)}, finished ${formatTime(r.sweep.finishedAt)}. Report id <code>${r.sweep.id}</code>.</p>
<p>This file is self-contained: it loads nothing from the network, and its only script filters the tables. Print it or save it as PDF from the browser's print dialog.</p>
<p class="no-print"><a href="#top">Back to top</a></p>
</div>
</footer>`;
}

export function figuresJson(ctx: Context, f: Figures) {
  const short = (x: Figures) => ({
    score: x.score.value,
    band: x.score.band?.letter ?? null,
    provisional: x.score.provisional,
    accounts: x.accounts,
    withoutSecondFactor: x.withoutSecondFactor,
    adminsWithoutSecondFactor: x.adminsWithoutSecondFactor,
    openPaths: x.openPaths,
    fail: x.fail,
    unknown: x.unknown,
    complete: x.complete,
  });
  return {
    schemaVersion: 1,
    sweep: ctx.report.sweep.id,
    ...short(f),
    tenants: ctx.report.tenants.map((t) => ({
      id: t.id,
      name: ctx.tenantName(t.id),
      ...short(figures(ctx.report, t.id)),
    })),
  };
}
