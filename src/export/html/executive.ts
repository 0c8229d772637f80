import type { ScanReport } from "../../report.js";
import { accentStyle, type Branding, customerName, logoImage, preparedLine } from "./branding.js";
import { coverageBadge, formatTime, plural, severityBadge } from "./components.js";
import { html, join, jsonForScript, type SafeHtml, slug } from "./escape.js";
import { executiveStyles } from "./executive-styles.js";
import { type Figures, figures } from "./figures.js";
import {
  figuresJson,
  headline,
  notGradedSentence,
  type PolicyGroup,
  policyGroups,
  type ReportContext,
  reportContext,
  subjectNoun,
} from "./index.js";
import { page } from "./layout.js";
import { criticalCap, incompleteCap } from "./score.js";

/**
 * The executive audience (issue #24 item 1): per tenant two printed A4 pages a customer's owner reads. Page
 * one: who prepared it, the grade with its reason in one sentence, the headline, the key figures and the
 * top risks in plain words. Page two: each system in one line, what to do next, and what could not be
 * checked. The same data as the technical report (`toHtml`), none of its evidence tables.
 */

const maxRisks = 5;
const maxSteps = 5;
const maxGaps = 6;

export function toExecutiveHtml(scanned: ScanReport, options: { branding?: Branding } = {}): string {
  const ctx = reportContext(scanned, options);
  const tenants = ctx.report.tenants.map((t) => tenantPages(ctx, t));
  const single = ctx.report.tenants.length === 1 ? ctx.report.tenants[0] : undefined;
  const forWhom = single
    ? customerName(options.branding, single)
    : plural(ctx.report.tenants.length, "tenant");
  return page({
    title: `MFA exposure assessment: ${forWhom}`,
    bodyClass: "executive",
    extraStyles: `${executiveStyles}${accentStyle(options.branding)}`,
    images: options.branding?.msp?.logo !== undefined,
    main: join(tenants),
    footer: html``,
    data: { id: "mfasweep-figures", json: jsonForScript(figuresJson(ctx, figures(ctx.report))) },
  });
}

function tenantPages(ctx: ReportContext, tenant: ScanReport["tenants"][number]): SafeHtml {
  const f = figures(ctx.report, tenant.id);
  const results = ctx.report.results.filter((r) => r.tenant === tenant.id);
  const failing = policyGroups(results.filter((r) => r.status === "fail"));
  const name = customerName(ctx.branding, tenant);
  const { lead, details } = headline(f, ctx.title);
  const assessed = formatTime(ctx.report.sweep.finishedAt || ctx.report.sweep.startedAt).slice(0, 10);
  return html`<section class="exec-tenant" id="tenant-${slug(tenant.id)}" data-testid="exec-tenant" aria-labelledby="h-${slug(tenant.id)}">
<div class="exec-page">
<header class="exec-masthead">
${logoImage(ctx.branding)}
<div><div class="exec-kicker">MFA exposure assessment · ${assessed}</div>
<h1 id="h-${slug(tenant.id)}" data-testid="prepared">${preparedLine(ctx.branding, name)}</h1></div>
</header>
${ctx.report.sweep.kind === "demo" ? html`<p class="banner" role="note"><strong>Demo data.</strong> Fictional tenants served by local emulators; no real customer system was contacted.</p>` : ""}
<div class="exec-grade card">
${gradeMark(f)}
<div><p class="exec-reason" data-testid="grade-reason">${gradeReason(f)}</p>
<p class="lead" data-testid="headline">${lead}</p>
${details.length ? html`<p class="details">${details.join(" ")}</p>` : ""}</div>
</div>
<div class="kpis">
${figure("exec-without", f.withoutSecondFactor, `of ${f.accounts.toLocaleString("en-US")}`, "accounts can sign in without a second factor")}
${figure("exec-admins", f.adminsWithoutSecondFactor, "", "of them administrators")}
${figure("exec-paths", f.openPaths, "", "entry points or access paths that accept a password alone")}
${figure("exec-systems", f.connections.length - f.incomplete.length, `of ${f.connections.length}`, "systems read completely")}
</div>
<h2>Top risks</h2>
${topRisks(failing)}
</div>
<div class="exec-page exec-page-2">
<h2>Each system</h2>
${systemsTable(ctx, f)}
<h2>What to do next</h2>
${nextSteps(ctx, f, failing)}
<h2>What could not be checked</h2>
${notChecked(ctx, f)}
<footer class="exec-footer">${ctx.branding?.msp?.contact ? html`<span>Questions: ${ctx.branding.msp.contact}</span>` : ""}<span class="small-print">Generated with mfasweep ${ctx.report.tool.version} · report ${ctx.report.sweep.id.slice(0, 8)}</span></footer>
</div>
</section>`;
}

function gradeMark(f: Figures): SafeHtml {
  const s = f.score;
  if (!s.band || s.value === null)
    return html`<div class="exec-mark tone-none" data-testid="exec-grade"><span class="exec-letter">–</span><span class="exec-score">Not graded</span></div>`;
  return html`<div class="exec-mark tone-${s.band.tone}" data-testid="exec-grade"><span class="exec-letter">${s.band.letter}</span><span class="exec-score">${s.value} / 100 · ${s.band.label}${s.provisional ? " · provisional" : ""}</span></div>`;
}

/** The grade's reason in one sentence. */
export function gradeReason(f: Figures): string {
  const s = f.score;
  if (s.value === null) return notGradedSentence(s);
  if (s.uncapped !== null && s.uncapped > s.value && s.value === criticalCap)
    return `An administrator or another critical entry can be used without a second factor, which holds the grade at ${criticalCap} or below (the other checks alone would give ${s.uncapped}).`;
  if (s.provisional && s.value === incompleteCap)
    return `Part of the tenant could not be read, so the grade is provisional and at most ${incompleteCap} (what was read alone would give ${s.uncapped}).`;
  const judged = f.pass + f.fail + f.unknown + f.excepted;
  return `${f.pass.toLocaleString("en-US")} of ${plural(judged, "check")} passed; ${plural(f.fail, "check")} failed${f.unknown ? `, ${f.unknown.toLocaleString("en-US")} could not be decided` : ""}${f.excepted ? `, ${f.excepted.toLocaleString("en-US")} ${f.excepted === 1 ? "is an accepted risk" : "are accepted risks"}` : ""}, weighted by severity.`;
}

function figure(id: string, value: number, suffix: string, label: string): SafeHtml {
  return html`<div class="kpi"><div class="value"><span data-testid="${id}">${value.toLocaleString("en-US")}</span>${suffix ? html` <small>${suffix}</small>` : ""}</div><div class="label">${label}</div></div>`;
}

function who(g: PolicyGroup): string {
  const kinds = new Set(g.results.map((r) => r.subject.kind));
  const noun = kinds.size === 1 ? subjectNoun[g.results[0]!.subject.kind] : "subject";
  const names = g.results.slice(0, 3).map((r) => r.subject.name);
  const more = g.results.length - names.length;
  return `Not met for ${plural(g.results.length, noun)}: ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`;
}

function topRisks(failing: PolicyGroup[]): SafeHtml {
  if (failing.length === 0) return html`<p class="muted">No check fails.</p>`;
  const shown = failing.slice(0, maxRisks);
  const rest = failing.length - shown.length;
  return html`<ol class="exec-risks" data-testid="exec-risks">${shown.map(
    (g) =>
      html`<li>${severityBadge(g.worst)} <strong>${g.title}</strong><div class="who">${who(g)}</div></li>`,
  )}</ol>${rest > 0 ? html`<p class="small muted">${plural(rest, "more failing check")} in the technical report.</p>` : ""}`;
}

function systemsTable(ctx: ReportContext, f: Figures): SafeHtml {
  return html`<table class="exec-table" data-testid="exec-systems"><thead><tr><th scope="col">System</th><th scope="col">Read</th><th scope="col" class="num">Accounts</th><th scope="col" class="num">Without a second factor</th><th scope="col" class="num">Failing checks</th></tr></thead><tbody>${f.connections.map(
    (c) =>
      html`<tr><td>${ctx.title(c.source)}${c.connection !== c.source ? html` <span class="muted">(${c.connection})</span>` : ""}</td><td>${c.coverage ? coverageBadge(c.coverage.status) : coverageBadge("failed")}</td><td class="num">${c.accounts}</td><td class="num">${c.withoutSecondFactor}</td><td class="num">${c.fail}</td></tr>`,
  )}</tbody></table>`;
}

function nextSteps(ctx: ReportContext, f: Figures, failing: PolicyGroup[]): SafeHtml {
  // Each step is the failing check's goal, stated as the condition to reach (policy titles read that
  // way), with how much is left; the how-to is vendor console detail and stays in the technical report.
  const steps: string[] = failing.slice(0, maxSteps).map((g) => {
    const kinds = new Set(g.results.map((r) => r.subject.kind));
    const noun = kinds.size === 1 ? subjectNoun[g.results[0]!.subject.kind] : "item";
    return `${g.title.replace(/\.$/, "")}: ${plural(g.results.length, noun)} still to fix.`;
  });
  if (failing.length > maxSteps)
    steps.push(
      `Then the ${plural(failing.length - maxSteps, "other failing check")} in the technical report, which also says how to fix each one in the vendor's console.`,
    );
  if (f.incomplete.length > 0)
    steps.push(
      `Restore read access to ${f.incomplete.map((c) => ctx.title(c.source)).join(", ")} so the next assessment can see ${f.incomplete.length === 1 ? "it" : "them"}.`,
    );
  if (f.unknown > 0)
    steps.push(
      `Review the ${plural(f.unknown, "check")} that could not be decided (listed in the technical report); none of them is counted as safe.`,
    );
  if (steps.length === 0)
    return html`<p>Nothing to fix in what was read. Keep the checks running weekly.</p>`;
  return html`<ol class="exec-steps" data-testid="exec-steps">${steps.map((s) => html`<li>${s}</li>`)}</ol>`;
}

function notChecked(ctx: ReportContext, f: Figures): SafeHtml {
  const lines: SafeHtml[] = f.incomplete
    .slice(0, maxGaps)
    .map(
      (c) =>
        html`<li><strong>${ctx.title(c.source)}</strong> ${c.status === "failed" ? "could not be read" : "was only partly read"}${c.reason ? html`: ${shorten(c.reason, 160)}` : ""}</li>`,
    );
  if (f.incomplete.length > maxGaps)
    lines.push(html`<li>${plural(f.incomplete.length - maxGaps, "more system")} not fully read.</li>`);
  if (f.gaps > 0 && f.incomplete.length === 0)
    lines.push(html`<li>${plural(f.gaps, "list or setting")} could not be read.</li>`);
  if (f.unknown > 0) lines.push(html`<li>${plural(f.unknown, "check")} could not be decided.</li>`);
  const systems = [...new Set(f.connections.map((c) => ctx.title(c.source)))].sort();
  return html`<ul class="exec-gaps" data-testid="exec-not-checked">${lines.length ? lines : html`<li>Every connected system was read completely and every check decided.</li>`}<li class="muted">Only the systems above were assessed (${systems.join(", ") || "none"}); any VPN, remote-support tool, server or directory not connected was not.</li></ul>`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
