import type { Coverage, Evidence, MfaState, Result, Severity } from "../../model/index.js";
import { type HtmlValue, html, type SafeHtml, slug } from "./escape.js";

/** Small building blocks shared by the HTML reports: badges, filter bars, filterable tables, evidence. */

export const severityLabel: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};

export const mfaStateLabel: Record<MfaState, string> = {
  enforced: "Enforced",
  bypassable: "Bypassable",
  optional: "Optional",
  none: "None",
  unknown: "Unknown",
};

export const statusLabel: Record<Result["status"], string> = {
  fail: "Fails",
  unknown: "Not decided",
  excepted: "Accepted risk",
  pass: "Passes",
};

export function severityBadge(severity: Severity): SafeHtml {
  return html`<span class="badge sev-${severity}">${severityLabel[severity]}</span>`;
}

export function statusBadge(status: Result["status"]): SafeHtml {
  return html`<span class="badge st-${status}">${statusLabel[status]}</span>`;
}

export function mfaBadge(state: MfaState | null): SafeHtml {
  if (state === null)
    return html`<span class="badge mfa-unknown" title="no check recorded an MFA state">Not recorded</span>`;
  return html`<span class="badge mfa-${state}">${mfaStateLabel[state]}</span>`;
}

export function coverageBadge(status: Coverage["status"]): SafeHtml {
  const label = { complete: "Complete", partial: "Partial", failed: "Not read" }[status];
  return html`<span class="badge cov-${status}">${label}</span>`;
}

export interface Choice {
  value: string;
  label: string;
}

export interface FilterBarOptions {
  /** Names the controls for screen readers ("Filter accounts"). */
  label: string;
  search?: string;
  selects?: Array<{ key: string; label: string; choices: Choice[] }>;
  checks?: Array<{ key: string; value: string; label: string }>;
}

/** Controls for a `[data-filter-scope]` (see script.ts for the contract). Hidden in print. */
export function filterBar(options: FilterBarOptions): SafeHtml {
  return html`<div class="filters" role="group" aria-label="${options.label}">
${
  options.search
    ? html`<label>Search<input type="search" data-search placeholder="${options.search}" autocomplete="off"></label>`
    : ""
}
${(options.selects ?? [])
  .filter((s) => s.choices.length > 1)
  .map(
    (s) =>
      html`<label>${s.label}<select data-filter="${filterKey(s.key)}"><option value="">All</option>${s.choices.map(
        (c) => html`<option value="${c.value}">${c.label}</option>`,
      )}</select></label>`,
  )}
${(options.checks ?? []).map(
  (c) =>
    html`<label class="check"><input type="checkbox" data-filter="${filterKey(c.key)}" value="${c.value}">${c.label}</label>`,
)}
<button type="button" data-reset>Clear</button>
<span class="count" data-count aria-live="polite"></span>
</div>`;
}

/** Filter keys become `data-*` attribute names: lower-case letters and dashes only. */
function filterKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z-]/g, "");
}

/** A token for a filter value from tenant data (tenant id, source type). */
export const token = slug;

export interface Cell {
  /** Column name, shown above the value when the table collapses to cards on a narrow screen. */
  label: string;
  content: HtmlValue;
  className?: string;
}

/** A filterable row: `filters` become `data-KEY="token token"` attributes. */
export function row(options: {
  cells: Cell[];
  filters: Record<string, string[]>;
  className?: string;
  id?: string;
}) {
  const attrs = Object.entries(options.filters).map(
    ([key, values]) => html` data-${filterKey(key)}="${values.join(" ")}"`,
  );
  return html`<tr data-row${attrs}${options.className ? html` class="${options.className}"` : ""}${
    options.id ? html` id="${options.id}"` : ""
  }>${options.cells.map(
    (c) =>
      html`<td data-label="${c.label}"${c.className ? html` class="${c.className}"` : ""}>${c.content}</td>`,
  )}</tr>`;
}

export function table(options: {
  caption: string;
  /** `width`: a CSS length; the table lays out fixed, so long tenant strings wrap instead of widening it. */
  columns: Array<{ label: string; className?: string; width?: string }>;
  rows: SafeHtml[];
  empty: string;
}): SafeHtml {
  return html`<div class="table-card"><table class="data">
<caption class="visually-hidden">${options.caption}</caption>
<colgroup>${options.columns.map((c) => (c.width ? html`<col style="width: ${c.width}">` : html`<col>`))}</colgroup>
<thead><tr>${options.columns.map(
    (c) => html`<th scope="col"${c.className ? html` class="${c.className}"` : ""}>${c.label}</th>`,
  )}</tr></thead>
<tbody>${options.rows}<tr class="empty-row" data-empty hidden><td colspan="${options.columns.length}">${options.empty}</td></tr></tbody>
</table></div>`;
}

/**
 * A file as a customer reads it: its name, not where the technician kept it (`/home/tech/acme/asa.txt` →
 * `asa.txt`). A parent directory named `*.d` stays (`pam.d/sshd`, `sshd_config.d/10-mfa.conf`): the bare
 * name alone would not say which file it is. Machine-readable outputs (JSON, CSV) keep the full path.
 */
export function displayFile(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  const name = parts.at(-1) ?? path;
  const parent = parts.at(-2);
  return parent?.endsWith(".d") ? `${parent}/${name}` : name;
}

/**
 * Rewrites the given file paths (those the report's evidence names) to their `displayFile` wherever they
 * appear in a text (a message, a note, a coverage reason). Only known paths: an API endpoint such as
 * `/users/{id}/authentication/methods` looks like a path and must stay as it is.
 */
export function fileNameRewriter(paths: Iterable<string>): (text: string) => string {
  const known = [...new Set(paths)].filter((p) => p.length > 0).sort((x, y) => y.length - x.length);
  if (known.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const path of known) if (out.includes(path)) out = out.split(path).join(displayFile(path));
    return out;
  };
}

/** Evidence as a list: where (endpoint or file:line), which object, which field had which value, why. */
export function evidenceList(evidence: Evidence[]): SafeHtml {
  if (evidence.length === 0) return html`<span class="muted">No evidence recorded.</span>`;
  return html`<ul class="evidence">${evidence.map((e) => {
    const where = e.file ? `${displayFile(e.file)}${e.line ? `:${e.line}` : ""}` : (e.endpoint ?? e.source);
    const value = e.value === undefined ? "" : shorten(JSON.stringify(e.value), 400);
    return html`<li><span class="where">${where}</span>${e.objectId ? html` · object <code>${e.objectId}</code>` : ""}${
      e.field ? html` · <code>${e.field}</code>${value ? html` = <code>${value}</code>` : ""}` : ""
    }${!e.field && value ? html` · <code>${value}</code>` : ""}${e.note ? html`<div class="muted">${e.note}</div>` : ""}</li>`;
  })}</ul>`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "1 account" / "3 accounts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** ISO timestamp → "2026-11-24 14:03 UTC" (no locale or time zone of the machine that renders). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
