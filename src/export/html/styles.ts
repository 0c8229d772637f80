/**
 * The report's one stylesheet, inlined (no web fonts, no CDN). Colours pass WCAG AA for text on their
 * backgrounds; every coloured mark also has a word or number next to it. `@media print` turns the page into
 * a document: no filter UI, every row shown, a new page per section, rows never cut in half.
 */
export const styles = `
:root {
  --ink: #17202b; --muted: #546170; --line: #d8dde4; --soft: #eef1f5; --bg: #f5f6f8; --card: #ffffff;
  --accent: #1f3f77; --accent-soft: #e7edf7;
  --good: #1e7146; --good-soft: #e4f3ea; --fair: #8a5a00; --fair-soft: #fbf1dc;
  --poor: #b2480b; --poor-soft: #fcebdf; --bad: #a61b1b; --bad-soft: #fbe6e6; --none-tone: #6b7584; --none-soft: #eceff3;
  --sev-critical: #8c1515; --sev-high: #b2480b; --sev-medium: #8a5a00; --sev-low: #44622a; --sev-info: #5d6878;
  --st-enforced: #2a7d52; --st-optional: #d4a017; --st-bypassable: #e07b1f; --st-none: #b42318; --st-unknown: #98a2b3;
  --str-phishing-resistant: #2a7d52; --str-app: #3b6fb0; --str-weak: #d4a017; --str-unknown: #98a2b3;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  /* Tenant strings can be one 500-character word; with fixed table layout this never squeezes columns. */
  overflow-wrap: anywhere;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #7aa2e3; outline-offset: 2px; }
h1, h2, h3 { line-height: 1.25; margin: 0 0 .5rem; }
h1 { font-size: 1.55rem; font-weight: 650; }
h2 { font-size: 1.25rem; font-weight: 650; }
h3 { font-size: 1.02rem; font-weight: 650; }
p { margin: 0 0 .75rem; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .86em; }
.muted { color: var(--muted); }
.small { font-size: .86rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
html:not(.js) .filters { display: none; }

.masthead { background: var(--accent); color: #fff; }
.masthead .wrap > div { min-width: 0; }
.masthead .wrap { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: baseline; justify-content: space-between; padding-top: 1.1rem; padding-bottom: 1.1rem; }
.brand { font-weight: 700; letter-spacing: .02em; font-size: .95rem; opacity: .9; }
.masthead h1 { margin: .15rem 0 0; color: #fff; }
.masthead .meta { font-size: .85rem; opacity: .92; text-align: right; }
.masthead .meta div { white-space: nowrap; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
main.wrap { padding-top: 20px; padding-bottom: 40px; }
.banner { margin: 0 0 16px; padding: .6rem .9rem; border: 1px solid #c9d6ee; background: var(--accent-soft); border-radius: 8px; font-size: .9rem; }

.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; }
section.block { margin-top: 28px; }
section.block > header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .25rem 1rem; margin-bottom: .6rem; }
section.block > header p { margin: 0; color: var(--muted); font-size: .9rem; }

.hero { display: grid; grid-template-columns: 250px minmax(0, 1fr); gap: 18px; }
.score-card { display: flex; flex-direction: column; align-items: center; text-align: center; gap: .35rem; }
.score-ring .ring-track { stroke: var(--soft); }
.ring-value { font-size: 34px; font-weight: 700; fill: var(--ink); }
.ring-caption { font-size: 11px; fill: var(--muted); }
.grade { display: inline-flex; align-items: center; gap: .5rem; font-weight: 650; font-size: 1.05rem; }
.grade .letter { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 6px; color: #fff; font-size: 1.15rem; }
.tally { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: .15rem .8rem; width: 100%; margin: .6rem 0 .2rem; padding-top: .6rem; border-top: 1px solid var(--soft); font-size: .86rem; text-align: left; }
.tally dt { color: var(--muted); }
.tally dd { margin: 0; font-weight: 650; text-align: right; font-variant-numeric: tabular-nums; }
.score-card .note { font-size: .8rem; color: var(--muted); margin: 0; }
.summary .lead { font-size: 1.3rem; line-height: 1.4; font-weight: 650; margin-bottom: .35rem; }
.summary .details { color: #34404e; margin-bottom: .5rem; }
.tenant-card .span { grid-column: 1 / -1; }
.summary .not-graded { color: var(--ink); background: var(--bad-soft); border-left: 4px solid var(--bad); padding: .45rem .7rem; border-radius: 4px; font-weight: 650; }
.summary .not-checked { color: var(--ink); background: var(--fair-soft); border-left: 4px solid var(--fair); padding: .45rem .7rem; border-radius: 4px; font-size: .92rem; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin: .9rem 0 1rem; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: .55rem .75rem; background: #fbfcfd; }
.kpi .value { font-size: 1.45rem; font-weight: 700; line-height: 1.2; }
.kpi .value small { font-size: .85rem; font-weight: 500; color: var(--muted); }
.kpi .label { font-size: .8rem; color: var(--muted); }
.kpi.alert { border-color: #efc2c2; background: var(--bad-soft); }
.risks { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.risks li { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: .6rem; align-items: baseline; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.risks .who { color: var(--muted); font-size: .85rem; }
.risks .count { font-weight: 650; white-space: nowrap; font-size: .88rem; }

.tenants { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
.tenant-card { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: .3rem .8rem; align-items: center; }
.tenant-card .letter { display: inline-grid; place-items: center; width: 2.6rem; height: 2.6rem; border-radius: 8px; color: #fff; font-size: 1.3rem; font-weight: 700; }
.tenant-card p { margin: 0; font-size: .88rem; }

.badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .76rem; font-weight: 650; border: 1px solid transparent; white-space: nowrap; line-height: 1.5; max-width: 100%; vertical-align: baseline; overflow-wrap: normal; }
.sev-critical { background: var(--sev-critical); color: #fff; }
.sev-high { background: var(--poor-soft); color: var(--sev-high); border-color: #f0c3a5; }
.sev-medium { background: var(--fair-soft); color: var(--sev-medium); border-color: #ecd49c; }
.sev-low { background: #edf3e6; color: var(--sev-low); border-color: #c9d9b5; }
.sev-info { background: var(--none-soft); color: var(--sev-info); border-color: #d3d8e0; }
.st-fail { background: var(--bad-soft); color: var(--bad); border-color: #efc2c2; }
.st-unknown { background: var(--none-soft); color: #3e4a5a; border-color: #cfd5de; border-style: dashed; }
.st-excepted { background: #e9eefb; color: #2d4a86; border-color: #c8d3ef; }
.st-pass { background: var(--good-soft); color: var(--good); border-color: #b9dcc7; }
.mfa-none { background: var(--bad-soft); color: var(--bad); border-color: #efc2c2; }
.mfa-bypassable { background: var(--poor-soft); color: var(--poor); border-color: #f0c3a5; }
.mfa-optional { background: var(--fair-soft); color: var(--fair); border-color: #ecd49c; }
.mfa-unknown { background: var(--none-soft); color: #3e4a5a; border-color: #cfd5de; border-style: dashed; }
.mfa-enforced { background: var(--good-soft); color: var(--good); border-color: #b9dcc7; }
.cov-complete { background: var(--good-soft); color: var(--good); border-color: #b9dcc7; }
.cov-partial { background: var(--fair-soft); color: var(--fair); border-color: #ecd49c; }
.cov-failed { background: var(--bad-soft); color: var(--bad); border-color: #efc2c2; }

.tone-good { fill: var(--good); background: var(--good); }
.tone-fair { fill: var(--fair); background: var(--fair); }
.tone-poor { fill: var(--poor); background: var(--poor); }
.tone-bad { fill: var(--bad); background: var(--bad); }
.tone-none { fill: var(--none-tone); background: var(--none-tone); }
.stroke-good { stroke: var(--good); } .stroke-fair { stroke: var(--fair); } .stroke-poor { stroke: var(--poor); }
.stroke-bad { stroke: var(--bad); } .stroke-none { stroke: var(--none-tone); } .stroke-line { stroke: var(--accent); }
.tone-line { fill: var(--accent); background: var(--accent); }
.tone-enforced { fill: var(--st-enforced); background: var(--st-enforced); }
.tone-optional { fill: var(--st-optional); background: var(--st-optional); }
.tone-bypassable { fill: var(--st-bypassable); background: var(--st-bypassable); }
.tone-mfa-none { fill: var(--st-none); background: var(--st-none); }
.tone-mfa-unknown { fill: var(--st-unknown); background: var(--st-unknown); }
.tone-critical { fill: var(--sev-critical); background: var(--sev-critical); }
.tone-high { fill: var(--sev-high); background: var(--sev-high); }
.tone-medium { fill: #c08a1a; background: #c08a1a; }
.tone-low { fill: #6b8f47; background: #6b8f47; }
.tone-info { fill: var(--sev-info); background: var(--sev-info); }
.tone-unknown-result { fill: var(--st-unknown); background: var(--st-unknown); }
.tone-phishing-resistant { fill: var(--str-phishing-resistant); background: var(--str-phishing-resistant); }
.tone-app { fill: var(--str-app); background: var(--str-app); }
.tone-weak { fill: var(--str-weak); background: var(--str-weak); }
.tone-strength-unknown { fill: var(--str-unknown); background: var(--str-unknown); }
.seg-label { font-size: 11px; font-weight: 650; fill: #fff; }
.seg-label.on-optional, .seg-label.on-weak, .seg-label.on-mfa-unknown, .seg-label.on-strength-unknown, .seg-label.on-unknown-result, .seg-label.on-medium { fill: #17202b; }
.axis-label { font-size: 11.5px; fill: var(--muted); }
.total-label { font-size: 11.5px; font-weight: 650; fill: var(--ink); }
.point-label { font-size: 11px; font-weight: 650; fill: var(--ink); }
.axis { stroke: var(--line); }

.chart-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; }
.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; break-inside: avoid; }
.chart figcaption { font-weight: 650; font-size: .95rem; margin-bottom: .4rem; }
.chart svg { width: 100%; height: auto; display: block; }
.legend { list-style: none; margin: .5rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .9rem; font-size: .8rem; color: var(--muted); }
.legend strong { color: var(--ink); }
.swatch { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }

.filters label, .filters button, .badge, .kpi .value, th { overflow-wrap: normal; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 10px; align-items: end; margin: 0 0 10px; padding: 10px 12px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.filters label { display: grid; gap: 2px; font-size: .75rem; color: var(--muted); font-weight: 600; }
.filters input[type=search], .filters select { font: inherit; font-size: .9rem; padding: .35rem .5rem; border: 1px solid #b9c1cc; border-radius: 6px; background: #fff; color: var(--ink); min-width: 0; }
.filters input[type=search] { width: 16rem; max-width: 100%; }
.filters select { max-width: 14rem; }
.filters label.check { display: flex; align-items: center; gap: .4rem; font-size: .86rem; color: var(--ink); padding-bottom: .35rem; }
.filters .count { margin-left: auto; font-size: .85rem; color: var(--muted); padding-bottom: .35rem; }
.filters button { font: inherit; font-size: .85rem; padding: .35rem .7rem; border: 1px solid #b9c1cc; background: #fff; border-radius: 6px; cursor: pointer; color: var(--ink); }

.table-card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
table.data { width: 100%; border-collapse: collapse; font-size: .88rem; table-layout: fixed; }
table.data td { overflow-wrap: anywhere; }
table.data th { text-align: left; font-size: .74rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #f7f8fa; font-weight: 650; padding: .55rem .7rem; border-bottom: 1px solid var(--line); }
table.data td { padding: .55rem .7rem; border-top: 1px solid var(--soft); vertical-align: top; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data .badge { white-space: normal; }
table.data tr.exposed td:first-child { box-shadow: inset 3px 0 0 var(--bad); }
table.data .sub { display: block; color: var(--muted); font-size: .8rem; }
table.data .clamp, .clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.empty-row td { color: var(--muted); text-align: center; padding: 1rem; }

.group { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin-bottom: 14px; overflow: hidden; }
.group > header { padding: 12px 16px; border-bottom: 1px solid var(--line); background: #fafbfc; }
.group > header h3 { display: flex; flex-wrap: wrap; gap: .4rem .6rem; align-items: baseline; margin: 0 0 .25rem; }
.group > header .policy { color: var(--muted); font-size: .8rem; }
.fix { margin: .5rem 0 0; padding: .5rem .7rem; border-left: 4px solid var(--accent); background: var(--accent-soft); border-radius: 4px; font-size: .88rem; }
.fix strong { display: block; font-size: .74rem; text-transform: uppercase; letter-spacing: .04em; color: var(--accent); }
.found { margin: 0 0 .4rem; }
.evidence { list-style: none; margin: 0 0 .3rem; padding: 0; display: grid; gap: 4px; }
.evidence li { font-size: .8rem; color: #2f3b4a; background: #f6f7f9; border: 1px solid var(--soft); border-radius: 4px; padding: .2rem .45rem; }
.evidence .where { font-weight: 600; }
.evidence code { font-size: .78rem; white-space: pre-wrap; }
.exception { margin-top: 4px; font-size: .8rem; color: #2d4a86; }

.subsection { margin-top: 14px; }
a.more { white-space: nowrap; font-size: .82rem; }
.gaps { margin: 0; padding-left: 1.2rem; }
.gaps li { margin-bottom: .3rem; }
footer.colophon { margin-top: 32px; padding-top: 16px; border-top: 1px solid var(--line); font-size: .82rem; color: var(--muted); display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 24px; }
footer.colophon h2 { font-size: .95rem; color: var(--ink); }
footer.colophon ol { margin: 0; padding-left: 1.1rem; }

/* The weekly summary (src/export/weekly/html.ts). */
.alert-card { border-color: #efc2c2; border-left: 5px solid var(--bad); }
.alert-card h2 { color: var(--bad); }
.block + .weekly-hero { margin-top: 20px; }
.weekly-hero { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 18px; }
.weekly-hero .chart { border: 0; padding: 0; }
.tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; margin: .9rem 0 0; }
.tiles > div { border: 1px solid var(--line); border-radius: 8px; padding: .45rem .65rem; background: #fbfcfd; min-width: 0; }
.tiles dt { font-size: .78rem; color: var(--muted); overflow-wrap: normal; }
.tiles dd { margin: 0; font-size: 1.35rem; font-weight: 700; line-height: 1.25; font-variant-numeric: tabular-nums; }
.tiles .alert { border-color: #efc2c2; background: var(--bad-soft); }
.tiles.compact { grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 6px; margin: .5rem 0 0; }
.tiles.compact > div { padding: .3rem .5rem; }
.tiles.compact dd { font-size: 1.05rem; }
.group > header .rank { display: inline-grid; place-items: center; min-width: 2rem; height: 1.7rem; padding: 0 .35rem; border-radius: 6px; background: var(--accent); color: #fff; font-size: .9rem; }
.group > header .risk { font-size: .85rem; color: var(--muted); font-weight: 600; }
.tenant-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; padding: 12px 16px; border-bottom: 1px solid var(--line); }
.tenant-body .chart { border: 0; padding: 0; }
.tenant-body h4 { margin: 0 0 .35rem; font-size: .95rem; }
.group .table-card { border: 0; border-radius: 0; }
.coverage-note { font-size: .88rem; }
.coverage-note.incomplete { background: var(--fair-soft); border-left: 4px solid var(--fair); padding: .45rem .7rem; border-radius: 4px; }
.trend-note { font-size: .88rem; color: var(--muted); border: 1px dashed var(--line); border-radius: 8px; padding: .6rem .8rem; }
.sparkline { display: block; width: 100%; max-width: 96px; height: auto; }
.sparkline polyline { fill: none; stroke: var(--accent); stroke-width: 1.6; }
.sparkline circle { fill: var(--accent); }
.sd-regressed { background: var(--bad); color: #fff; }
.sd-new { background: var(--bad-soft); color: var(--bad); border-color: #efc2c2; }
.sd-reopened { background: var(--poor-soft); color: var(--poor); border-color: #f0c3a5; }
.sd-still-open { background: var(--none-soft); color: #3e4a5a; border-color: #cfd5de; }
.sd-expired { background: var(--bad-soft); color: var(--bad); border-color: var(--bad); border-style: dashed; }
.sd-accepted { background: #e9eefb; color: #2d4a86; border-color: #c8d3ef; }
.sd-resolved { background: var(--good-soft); color: var(--good); border-color: #b9dcc7; }
.overdue-badge { background: var(--bad); color: #fff; }

@media screen and (max-width: 1000px) {
  .tiles.compact { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  /* The ranking's eight columns do not fit a tablet: one compact card per tenant, figures side by side. */
  #ranking table.data thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  #ranking table.data, #ranking table.data tbody, #ranking table.data td { display: block; width: 100%; }
  #ranking table.data tr { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); grid-auto-flow: row dense; border-top: 1px solid var(--line); padding: .4rem 0; }
  #ranking table.data td { border: 0; padding: .2rem .8rem; }
  #ranking table.data td.num { text-align: left; }
  #ranking table.data td[data-label]::before { content: attr(data-label); display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 650; }
  #ranking table.data td[data-label="Tenant"] { grid-column: span 3; }
  #ranking table.data td[data-label="Changes"], #ranking table.data td[data-label="Trend"] { grid-column: span 2; }
  #ranking table.data tr.empty-row td { grid-column: 1 / -1; }
}
@media screen and (max-width: 760px) {
  .weekly-hero, .tenant-body { grid-template-columns: minmax(0, 1fr); }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .tiles.compact { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  #ranking table.data tr { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  #ranking table.data td[data-label="Tenant"] { grid-column: span 2; }
}
@media print {
  #ranking table.data th { font-size: .64rem; letter-spacing: 0; padding-left: .3rem; padding-right: .3rem; }
  #ranking table.data td { padding-left: .3rem; padding-right: .3rem; }
  .weekly-hero { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  .tiles.compact { grid-template-columns: repeat(8, minmax(0, 1fr)); }
  .tenant-body, .alert-card { break-inside: avoid; }
}

@media screen and (max-width: 1000px) {
  .chart-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media screen and (max-width: 760px) {
  .wrap { padding: 0 14px; }
  .hero { grid-template-columns: minmax(0, 1fr); }
  .score-card { display: grid; grid-template-columns: auto minmax(0, 1fr); text-align: left; align-items: center; gap: .2rem 1rem; }
  .score-card .score-ring { width: 96px; height: 96px; grid-row: span 3; }
  .score-card .tally { display: none; }
  .chart-grid { grid-template-columns: minmax(0, 1fr); }
  .masthead .meta { text-align: left; }
  .masthead .meta div { white-space: normal; }
  .risks li { grid-template-columns: auto minmax(0, 1fr); }
  .risks .count { grid-column: 2; }
  .filters input[type=search] { width: 100%; }
  .filters label { flex: 1 1 9rem; }
  footer.colophon { grid-template-columns: minmax(0, 1fr); }
  table.data thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.data, table.data tbody, table.data tr, table.data td { display: block; width: 100%; }
  table.data tr { border-top: 1px solid var(--line); padding: .4rem 0; }
  table.data td { border: 0; padding: .2rem .8rem; }
  table.data td.num { text-align: left; }
  table.data td[data-label]::before { content: attr(data-label); display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 650; }
}

@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html, body { background: #fff; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .wrap { max-width: none; padding: 0; }
  main.wrap { padding: 0; }
  .masthead { background: #fff; color: var(--ink); border-bottom: 2px solid var(--accent); }
  .masthead h1 { color: var(--ink); }
  .filters, .no-print { display: none !important; }
  [data-row][hidden] { display: table-row !important; }
  [data-group][hidden] { display: block !important; }
  [data-empty] { display: none !important; }
  section.block.page { break-before: page; }
  .card, .chart, .group > header, .kpi, .risks li, .tenant-card { break-inside: avoid; }
  .group { overflow: visible; }
  .table-card { overflow: visible; }
  table.data thead { display: table-header-group; }
  table.data tr { break-inside: avoid; page-break-inside: avoid; }
  .chart-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .hero { grid-template-columns: 200px minmax(0, 1fr); }
  a { color: inherit; text-decoration: none; }
  footer.colophon { break-inside: avoid; }
}
`;
