import { type Column, type Layout, renderGrid } from "../export/grid.js";
import { forTerminal } from "../export/sanitize.js";
import { describeEvidence } from "../model/index.js";
import { appendAll } from "../util/arrays.js";
import { isOverdue } from "./lifecycle.js";
import type { HistoryEntry, QueueItem, SweepSummary, TicketRef } from "./model.js";

/**
 * Text views of the queue for the CLI. Everything a tenant controls (names, messages, evidence) goes
 * through `forTerminal`, like the scan outputs (their CSV is the finding record, export/record.ts).
 */

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

const date = (iso: string | null) => (iso ? iso.slice(0, 10) : "-");

function due(item: QueueItem, now: Date): string {
  if (!item.dueAt) return "-";
  return isOverdue(item, now) ? `${date(item.dueAt)} OVERDUE` : date(item.dueAt);
}

const itemColumns = (now: Date): Column<QueueItem>[] => [
  { header: "STATE", value: (i) => i.state },
  { header: "SEVERITY", value: (i) => i.severity },
  { header: "TENANT", value: (i) => i.tenant },
  { header: "POLICY", value: (i) => i.policy },
  { header: "SUBJECT", value: (i) => i.subject.name, shrink: true },
  { header: "DUE", value: (i) => due(i, now) },
  { header: "FINGERPRINT", value: (i) => i.fingerprint.slice(0, 12) },
  { header: "MESSAGE", value: (i) => i.message, shrink: true },
];

/** `queue list` as a table. Fingerprints show 12 digits; any unique prefix works in commands. */
export function itemsTable(items: QueueItem[], now: Date, options: Layout & { color: boolean }): string {
  if (items.length === 0) return "No items.\n";
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.state, (counts.get(i.state) ?? 0) + 1);
  const overdue = items.filter((i) => isOverdue(i, now)).length;
  return `${[
    ...renderGrid(items, itemColumns(now), options, {
      header: (line) => paint(options.color, "1", line),
      row: (i, line) => (isOverdue(i, now) ? paint(options.color, "31", line) : line),
    }),
    "",
    `${items.length} item(s): ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}${overdue ? `; ${overdue} overdue` : ""}`,
  ].join("\n")}\n`;
}

/** `queue show`: everything about one item, then its history. */
export function itemDetail(
  item: QueueItem,
  history: HistoryEntry[],
  tickets: TicketRef[],
  now: Date,
): string {
  const t = forTerminal;
  const lines = [
    `${item.fingerprint}`,
    `  ${t(item.title)}`,
    `state:       ${item.state}${isOverdue(item, now) ? " (OVERDUE)" : ""}`,
    `severity:    ${item.severity}`,
    `tenant:      ${t(item.tenant)}`,
    `policy:      ${item.policy}`,
    `subject:     ${t(item.subject.name)} (${item.subject.kind} ${t(item.subject.id)}, ${item.subject.source}/${t(item.subject.connection)})`,
    `last result: ${item.status}: ${t(item.message)}`,
    ...(item.mfa
      ? [
          `mfa:         ${item.mfa.state}${item.mfa.strength ? `, ${item.mfa.strength}` : ""}${item.mfa.via ? ` via ${item.mfa.via.map(t).join(" → ")}` : ""}`,
        ]
      : []),
    `first seen:  ${item.firstSeen}`,
    `last seen:   ${item.lastSeen}`,
    `due:         ${item.dueAt ?? "-"}`,
    ...(item.resolvedAt ? [`resolved:    ${item.resolvedAt}`] : []),
    ...(item.regressionCount ? [`regressions: ${item.regressionCount}`] : []),
    ...(item.exception
      ? [
          `exception:   ${t(item.exception.reason)} (${item.exception.source === "queue" ? "queue accept" : "config"}, by ${t(item.exception.approvedBy)}, until ${item.exception.expires})`,
        ]
      : []),
    ...tickets.map((k) => `ticket:      ${t(k.system)} ${t(k.ticketId)}${k.url ? ` ${t(k.url)}` : ""}`),
    "evidence:",
    ...(item.evidence.length ? item.evidence.map((e) => `  - ${t(describeEvidence(e))}`) : ["  (none)"]),
    `fix:         ${t(item.remediation)}`,
    "history:",
    ...history.map(
      (h) =>
        `  ${h.at}  ${(h.from ?? "(new)").padEnd(9)} → ${h.to.padEnd(9)} ${t(h.actor)}${h.note ? `: ${t(h.note)}` : ""}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** The layout of a table printed two spaces in. */
const indented = (layout: Layout): Layout => ({
  ...layout,
  width: layout.width === undefined ? undefined : layout.width - 2,
});

const changeColumns: Column<SweepSummary["changes"][number]>[] = [
  { header: "CHANGE", value: (c) => c.kind },
  { header: "SEVERITY", value: (c) => c.severity },
  { header: "TENANT", value: (c) => c.tenant },
  { header: "POLICY", value: (c) => c.policy },
  { header: "SUBJECT", value: (c) => c.subject, shrink: true },
  { header: "STATE", value: (c) => `${c.from ?? "(new)"} → ${c.to}` },
  { header: "FINGERPRINT", value: (c) => c.fingerprint.slice(0, 12) },
];

/** The end-of-sweep summary: one line per tenant, totals, then the diff. */
export function sweepSummaryTable(
  summary: SweepSummary,
  options: Layout & { color: boolean; maxChanges?: number },
): string {
  const counts = (d: SweepSummary["totals"] | null | undefined) =>
    d ? [d.new, d.regressed, d.reopened, d.resolved, d.accepted, d.open, d.overdue].map(String) : [];
  const number = (header: string, at: number): Column<string[]> => ({
    header,
    value: (r) => r[at] ?? "-",
    align: "right",
  });
  const columns: Column<string[]>[] = [
    { header: "TENANT", value: (r) => r[0]! },
    { header: "COVERAGE", value: (r) => r[1]! },
    ...["NEW", "REGRESSED", "REOPENED", "RESOLVED", "ACCEPTED", "OPEN", "OVERDUE"].map((h, i) =>
      number(h, i + 2),
    ),
  ];
  const out: string[] = [];
  const s = summary.sweep;
  out.push(
    `Sweep ${s.id} (${s.kind}${s.status === "finished" ? "" : `, ${s.status}`}): ${s.startedAt} → ${s.finishedAt}`,
    "",
  );
  const cov = (status: string) =>
    status === "complete"
      ? paint(options.color, "32", status)
      : paint(options.color, status === "failed" ? "31" : "33", status);
  const t = summary.totals;
  const rows = [
    ...summary.tenants.map((e) => [e.tenant, e.coverage.status, ...counts(e.diff)]),
    ["total", "", ...counts(t)],
  ];
  appendAll(
    out,
    renderGrid(rows, columns, options, {
      header: (line) => paint(options.color, "1", line),
      row: (r, line) => (options.color && r[1] ? line.replace(r[1], cov(r[1])) : line),
    }),
  );
  const problems = summary.tenants.flatMap((e) => [
    ...(e.reconciled
      ? []
      : [`  ${forTerminal(e.tenant)}: NOT reconciled: ${forTerminal(e.error ?? "unknown error")}`]),
    ...e.coverage.connections
      .filter((c) => c.status !== "complete")
      .map(
        (c) =>
          `  ${forTerminal(e.tenant)}/${forTerminal(c.connection)} (${c.source}): ${c.status}${c.reason ? `: ${forTerminal(c.reason)}` : ""}; nothing from it was resolved`,
      ),
  ]);
  if (problems.length) appendAll(out, ["", "Not fully seen:", ...problems]);
  const max = options.maxChanges ?? 40;
  const shown = summary.changes.slice(0, max);
  if (shown.length) {
    out.push("", "Changes:");
    appendAll(
      out,
      renderGrid(shown, changeColumns, indented(options)).map((line) => `  ${line}`),
    );
    const more = summary.changes.length - shown.length + (summary.omittedChanges ?? 0);
    if (more > 0) out.push(`  ... and ${more} more (mfasweep queue list, or --format json)`);
  }
  out.push(
    "",
    `${summary.tenants.length} tenant(s): ${t.new} new, ${t.regressed} regressed, ${t.reopened} reopened, ${t.resolved} resolved, ${t.stillOpen} still open, ${t.open} open, ${t.overdue} overdue, ${t.accepted} accepted`,
  );
  return `${out.join("\n")}\n`;
}
