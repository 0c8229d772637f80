import { maxOf } from "../../util/arrays.js";
import { html, join, type SafeHtml, slug } from "./escape.js";
import type { Score } from "./score.js";

/**
 * Inline SVG charts: no library, no network, print as vectors. Colours come from CSS classes (`tone-*`)
 * defined in styles.ts; every chart also states its numbers in text (segment labels, a legend with
 * counts, a <title> per mark, an aria-label summary), so nothing relies on colour alone.
 */

export interface Series {
  key: string;
  label: string;
  /** CSS tone suffix: `tone-${tone}` sets the fill. */
  tone: string;
}

export interface StackedRow {
  label: string;
  values: Record<string, number>;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** Legend as HTML (wraps and reflows at any width), with the total of each series. */
function legend(series: Series[], totals: Record<string, number>): SafeHtml {
  return html`<ul class="legend">${series.map(
    (s) =>
      html`<li><span class="swatch tone-${s.tone}" aria-hidden="true"></span>${s.label} <strong>${fmt(totals[s.key] ?? 0)}</strong></li>`,
  )}</ul>`;
}

/**
 * Horizontal stacked bars, one per row (a source, a tenant), each segment a series (an MFA state). Bars are
 * scaled to the largest row so rows compare; the row total is written at the end of each bar.
 */
export function stackedBars(options: {
  id: string;
  title: string;
  unit: string;
  series: Series[];
  rows: StackedRow[];
}): SafeHtml {
  const { series, rows } = options;
  // Close to the rendered width in a three-column grid, so 11px text stays about 11px on screen. Each
  // row's label stands on its own line above the bar, across the full width, so a long system name
  // ("ConnectWise Automate", "Microsoft Entra ID") is never cut or squeezed beside it.
  const width = 360;
  const totalWidth = 34;
  const barArea = width - totalWidth;
  const labelHeight = 15;
  const barHeight = 18;
  const rowHeight = labelHeight + barHeight + 8;
  const height = Math.max(1, rows.length) * rowHeight + 4;
  const max = maxOf(
    rows.map((r) => series.reduce((n, s) => n + (r.values[s.key] ?? 0), 0)),
    1,
  );
  const totals: Record<string, number> = {};
  for (const r of rows) for (const s of series) totals[s.key] = (totals[s.key] ?? 0) + (r.values[s.key] ?? 0);
  const summary = rows
    .map(
      (r) =>
        `${r.label}: ${series
          .filter((s) => (r.values[s.key] ?? 0) > 0)
          .map((s) => `${fmt(r.values[s.key] ?? 0)} ${s.label}`)
          .join(", ")}`,
    )
    .join("; ");
  const bars = rows.map((r, i) => {
    const y = 2 + i * rowHeight;
    const barY = y + labelHeight;
    let x = 0;
    const total = series.reduce((n, s) => n + (r.values[s.key] ?? 0), 0);
    const segments = series.map((s) => {
      const value = r.values[s.key] ?? 0;
      if (value <= 0) return "";
      const w = (value / max) * barArea;
      const segment = html`<g><title>${r.label}: ${fmt(value)} ${s.label}</title><rect class="tone-${s.tone}" x="${x.toFixed(1)}" y="${barY}" width="${Math.max(1, w - 1).toFixed(1)}" height="${barHeight}" rx="2"></rect>${
        w >= 20
          ? html`<text class="seg-label on-${s.tone}" x="${(x + w / 2).toFixed(1)}" y="${barY + barHeight / 2 + 4}" text-anchor="middle">${fmt(value)}</text>`
          : ""
      }</g>`;
      x += w;
      return segment;
    });
    return html`<text class="axis-label row-label" x="0" y="${y + 11}">${truncate(r.label, 56)}</text>${segments}<text class="total-label" x="${(x + 6).toFixed(1)}" y="${barY + barHeight / 2 + 4}">${fmt(total)}</text>`;
  });
  const titleId = `chart-${slug(options.id)}`;
  return html`<figure class="chart" id="${titleId}">
<figcaption>${options.title}</figcaption>
${
  rows.length === 0
    ? html`<p class="muted">No ${options.unit} to show.</p>`
    : html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.title}: ${summary}" preserveAspectRatio="xMinYMin meet">${bars}</svg>
${legend(series, totals)}`
}
</figure>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A line of values over time (open findings per sweep), for the weekly report. Points are labelled with
 * their value; the x axis carries each point's label (a date).
 */
export function lineChart(options: {
  id: string;
  title: string;
  points: Array<{ label: string; value: number }>;
  tone?: string;
}): SafeHtml {
  const { points } = options;
  const width = 560;
  const height = 220;
  const pad = { left: 40, right: 16, top: 20, bottom: 36 };
  const max = maxOf(
    points.map((p) => p.value),
    1,
  );
  const step = points.length > 1 ? (width - pad.left - pad.right) / (points.length - 1) : 0;
  const xy = points.map((p, i) => ({
    ...p,
    x: pad.left + (points.length > 1 ? i * step : (width - pad.left - pad.right) / 2),
    y: pad.top + (1 - p.value / max) * (height - pad.top - pad.bottom),
  }));
  const tone = options.tone ?? "line";
  const path = xy.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
  const every = Math.max(1, Math.ceil(points.length / 8));
  const summary = points.map((p) => `${p.label}: ${fmt(p.value)}`).join("; ");
  return html`<figure class="chart" id="chart-${slug(options.id)}">
<figcaption>${options.title}</figcaption>
${
  points.length === 0
    ? html`<p class="muted">No sweeps to show yet.</p>`
    : html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.title}: ${summary}" preserveAspectRatio="xMinYMin meet">
<line class="axis" x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}"></line>
<text class="axis-label" x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${fmt(max)}</text>
<text class="axis-label" x="${pad.left - 6}" y="${height - pad.bottom + 4}" text-anchor="end">0</text>
<path class="stroke-${tone}" d="${path}" fill="none" stroke-width="2.5"></path>
${xy.map(
  (p, i) =>
    html`<g><title>${p.label}: ${fmt(p.value)}</title><circle class="tone-${tone}" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="4"></circle><text class="point-label" x="${p.x.toFixed(1)}" y="${(p.y - 9).toFixed(1)}" text-anchor="middle">${fmt(p.value)}</text>${
      i % every === 0 || i === points.length - 1
        ? html`<text class="axis-label" x="${p.x.toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="${
            // The outermost labels align inwards, so they are never cut at the chart's edges.
            points.length > 1 && i === 0
              ? "start"
              : points.length > 1 && i === points.length - 1
                ? "end"
                : "middle"
          }">${truncate(p.label, 12)}</text>`
        : ""
    }</g>`,
)}
</svg>`
}
</figure>`;
}

/**
 * A small trend line for a table cell (open findings per sweep, oldest first); the numbers are in its
 * aria-label and <title>. Fewer than two values draw no line: one point is not a trend.
 */
export function sparkline(options: { label: string; values: number[] }): SafeHtml {
  const { values } = options;
  if (values.length < 2)
    return html`<span class="muted small">${values.length === 1 ? `${fmt(values[0]!)} (one sweep)` : "no sweep"}</span>`;
  const width = 96;
  const height = 26;
  const pad = 3;
  const max = maxOf(values, 1);
  const step = (width - 2 * pad) / (values.length - 1);
  const xy = values.map((v, i) => [pad + i * step, pad + (1 - v / max) * (height - 2 * pad)] as const);
  const [lx, ly] = xy[xy.length - 1]!;
  const text = `${options.label}: ${values.map(fmt).join(", ")}`;
  return html`<svg class="sparkline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${text}"><title>${text}</title><polyline points="${xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}"></polyline><circle cx="${lx.toFixed(1)}" cy="${ly.toFixed(1)}" r="2.5"></circle></svg>`;
}

/** The score as a ring with the number and letter in the middle; the band label is written beside it. */
export function scoreRing(s: Score, size = 132): SafeHtml {
  const r = 52;
  const circumference = 2 * Math.PI * r;
  const filled = s.value === null ? 0 : (s.value / 100) * circumference;
  const tone = s.band?.tone ?? "none";
  const label =
    s.value === null
      ? `Not graded: ${s.notGraded ?? "nothing was judged"}`
      : `Score ${s.value} of 100, band ${s.band?.letter} (${s.band?.label})${s.provisional ? ", provisional" : ""}`;
  return html`<svg class="score-ring" width="${size}" height="${size}" viewBox="0 0 120 120" role="img" aria-label="${label}">
<circle class="ring-track" cx="60" cy="60" r="${r}" fill="none" stroke-width="10"></circle>
<circle class="stroke-${tone}" cx="60" cy="60" r="${r}" fill="none" stroke-width="10" stroke-linecap="round" stroke-dasharray="${filled.toFixed(1)} ${circumference.toFixed(1)}" transform="rotate(-90 60 60)"></circle>
<text class="ring-value" x="60" y="62" text-anchor="middle" data-testid="score-value">${s.value === null ? "–" : String(s.value)}</text>
<text class="ring-caption" x="60" y="84" text-anchor="middle">${s.value === null ? "not graded" : "of 100"}</text>
</svg>`;
}

/** Joins charts into a responsive grid. */
export function chartGrid(charts: SafeHtml[]): SafeHtml {
  return html`<div class="chart-grid">${join(charts)}</div>`;
}
