/**
 * The executive audience's layout on top of the shared stylesheet: a narrow column on screen, and in print
 * two A4 pages per tenant (each tenant and each tenant's second page start a new page).
 */
export const executiveStyles = `
body.executive main.wrap { max-width: 900px; }
.exec-tenant + .exec-tenant { margin-top: 48px; border-top: 3px solid var(--accent); padding-top: 28px; }
.exec-page-2 { margin-top: 28px; }
.exec-masthead { display: flex; align-items: center; gap: 1rem; border-bottom: 3px solid var(--accent); padding-bottom: .7rem; margin-bottom: 1rem; }
.exec-masthead .logo { max-height: 56px; max-width: 180px; object-fit: contain; }
.exec-masthead h1 { font-size: 1.5rem; margin: .1rem 0 0; color: var(--ink); }
.exec-kicker { color: var(--accent); font-weight: 700; font-size: .85rem; letter-spacing: .03em; text-transform: uppercase; }
.exec-grade { display: grid; grid-template-columns: 150px minmax(0, 1fr); gap: 1.2rem; align-items: center; }
.exec-mark { display: flex; flex-direction: column; align-items: center; gap: .3rem; background: transparent !important; }
.exec-letter { display: grid; place-items: center; width: 5.2rem; height: 5.2rem; border-radius: 14px; color: #fff; font-size: 3rem; font-weight: 750; }
.exec-mark.tone-good .exec-letter { background: var(--good); } .exec-mark.tone-fair .exec-letter { background: var(--fair); }
.exec-mark.tone-poor .exec-letter { background: var(--poor); } .exec-mark.tone-bad .exec-letter { background: var(--bad); }
.exec-mark.tone-none .exec-letter { background: var(--none-tone); }
.exec-score { font-weight: 650; text-align: center; font-size: .95rem; }
.exec-reason { font-weight: 650; }
.exec-grade .lead { font-size: 1.15rem; font-weight: 600; margin-bottom: .3rem; }
.exec-grade .details { color: #34404e; font-size: .92rem; margin: 0; }
body.executive h2 { margin-top: 1.2rem; font-size: 1.15rem; color: var(--accent); }
.exec-risks, .exec-steps { margin: 0; padding-left: 1.3rem; display: grid; gap: .45rem; }
.exec-risks .who, .exec-gaps { color: var(--muted); font-size: .9rem; }
.exec-gaps { padding-left: 1.1rem; margin: 0; display: grid; gap: .25rem; }
.exec-gaps li { color: var(--ink); } .exec-gaps li.muted { color: var(--muted); }
.exec-table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: .92rem; background: var(--card); }
.exec-table th, .exec-table td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.exec-table th { font-size: .78rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.exec-table th:first-child { width: 38%; }
.exec-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.exec-footer { margin-top: 1.4rem; padding-top: .6rem; border-top: 1px solid var(--line); display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem; font-size: .85rem; }
.exec-footer .small-print { color: var(--muted); font-size: .75rem; }
@media screen and (max-width: 640px) {
  .exec-grade { grid-template-columns: minmax(0, 1fr); }
  .exec-table th:first-child { width: auto; }
}
@media print {
  body.executive { font-size: 10.5pt; }
  .exec-tenant + .exec-tenant { margin-top: 0; border-top: 0; padding-top: 0; }
  .exec-tenant { break-before: page; }
  .exec-tenant:first-child { break-before: auto; }
  .exec-page-2 { break-before: page; margin-top: 0; }
  .exec-risks li, .exec-table tr, .exec-steps li, .exec-grade { break-inside: avoid; }
  .kpis { grid-template-columns: repeat(4, minmax(0, 1fr)); }
}
`;
