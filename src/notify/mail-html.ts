import { plural } from "../export/html/components.js";
import { html, join } from "../export/html/escape.js";
import type { Digest } from "./digest.js";

/**
 * The mail's HTML part: the digest as one table with inline styles (mail clients drop <style> blocks and
 * scripts), every tenant string escaped by the `html` template. No images, no links, nothing loaded.
 */

const cell = "padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top";

export function digestHtml(d: Digest, options: { attachment?: string } = {}): string {
  const rows = d.tenants.map(
    (t) =>
      html`<tr><td style="${cell}">${t.rank}</td><td style="${cell}"><strong>${t.name}</strong></td><td style="${cell}">${t.changes}</td><td style="${cell}${t.complete ? "" : ";color:#b45309;font-weight:600"}">${t.coverage}</td></tr>`,
  );
  const warning = d.notFullyRead.length
    ? html`<p style="color:#b45309"><strong>Not fully read:</strong> ${d.notFullyRead.join(", ")}. Their figures are a lower bound, not a clean result.</p>`
    : "";
  const expired = d.expiredExceptions
    ? html`<p><strong>${plural(d.expiredExceptions, "exception")} expired</strong> and need a decision.</p>`
    : "";
  const attached = options.attachment
    ? html`<p style="color:#4b5563">The full report is attached (${options.attachment}).</p>`
    : "";
  const table = d.tenants.length
    ? html`<table role="presentation" style="border-collapse:collapse;width:100%;font-size:14px"><thead><tr><th style="${cell}">#</th><th style="${cell}">Tenant</th><th style="${cell}">This period</th><th style="${cell}">Coverage</th></tr></thead><tbody>${join(rows)}</tbody></table>`
    : "";
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${d.title}</title></head>
<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#111827;max-width:760px">
<h1 style="font-size:20px">${d.title}</h1>
<p style="font-size:16px"><strong>${d.lead}</strong></p>
<p>${d.details}</p>
${warning}${expired}${table}${attached}
</body></html>
`.value;
}
