import { createHash } from "node:crypto";
import { type HtmlValue, html, type SafeHtml, trusted } from "./escape.js";
import { script } from "./script.js";
import { styles } from "./styles.js";

/**
 * The document shell every HTML report uses: one self-contained file, no external requests. The CSP
 * forbids every fetch (`default-src 'none'`), allows the inline stylesheet and exactly one script, named by
 * its hash (a nonce would be a constant in a static file, so the hash is the stronger choice).
 */
export function contentSecurityPolicy(scriptText: string = script, images = false): string {
  const hash = createHash("sha256").update(scriptText, "utf8").digest("base64");
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${hash}'`,
    // Only an embedded logo (a data: URL) when the report has one; never a fetch.
    ...(images ? ["img-src data:"] : []),
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export interface PageOptions {
  /** `<title>`: what a browser tab and a saved PDF are called. */
  title: string;
  /** The page's own masthead; reports that head each tenant's pages themselves leave it out. */
  masthead?: { kicker: HtmlValue; heading: string; meta: HtmlValue[] };
  /** Above the main content, e.g. "demo data". */
  banner?: SafeHtml;
  main: SafeHtml;
  footer: SafeHtml;
  /** Machine-readable figures, embedded as inert JSON (see `jsonForScript`). */
  data?: { id: string; json: SafeHtml };
  /** More CSS after the shared stylesheet (an audience's layout, the MSP's accent colour). */
  extraStyles?: string;
  /** The page embeds images as data: URLs (a logo): the CSP allows exactly that. */
  images?: boolean;
  /** Class of <body>, e.g. the audience. */
  bodyClass?: string;
}

export function page(options: PageOptions): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(script, options.images === true)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="mfasweep">
<title>${options.title}</title>
<style>${trusted(styles)}${trusted(options.extraStyles ?? "")}</style>
</head>
<body${options.bodyClass ? html` class="${options.bodyClass}"` : ""}>
${
  options.masthead
    ? html`<header class="masthead">
<div class="wrap">
<div><div class="brand">${options.masthead.kicker}</div><h1>${options.masthead.heading}</h1></div>
<div class="meta">${options.masthead.meta.map((m) => html`<div>${m}</div>`)}</div>
</div>
</header>`
    : ""
}
<main class="wrap" id="top">
${options.banner ?? ""}
${options.main}
${options.footer}
</main>
${options.data ? html`<script type="application/json" id="${options.data.id}">${options.data.json}</script>` : ""}
<script>${trusted(script)}</script>
</body>
</html>
`;
  return doc.value;
}
