import type { Coverage, Result } from "../model/index.js";
import type { ScanReport } from "../report.js";
import { appendAll } from "../util/arrays.js";
import { type Column, type Layout, renderGrid } from "./grid.js";
import { forTerminal } from "./sanitize.js";

export interface TableOptions extends Layout {
  color: boolean;
  /** Include passing results. */
  all: boolean;
}

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const statusColor: Record<Result["status"], string> = {
  fail: "31",
  unknown: "33",
  excepted: "36",
  pass: "32",
};

const resultColumns: Column<Result>[] = [
  { header: "STATUS", value: (r) => r.status },
  { header: "SEVERITY", value: (r) => r.severity },
  { header: "TENANT", value: (r) => r.tenant },
  { header: "POLICY", value: (r) => r.policy },
  { header: "SUBJECT", value: (r) => r.subject.name, shrink: true },
  { header: "MFA", value: (r) => r.mfa?.state ?? "-" },
  { header: "MESSAGE", value: (r) => r.message, shrink: true },
];

function coverageLine(c: Coverage, color: boolean): string {
  const mark =
    c.status === "complete"
      ? paint(color, "32", "complete")
      : paint(color, c.status === "failed" ? "31" : "33", c.status);
  const why = c.reason ? `: ${c.reason}` : "";
  const gaps = c.gaps.length
    ? `\n${c.gaps.map((g) => `      not read: ${forTerminal(g.what)} (${forTerminal(g.reason)})`).join("\n")}`
    : "";
  const notes = c.notes.length ? `\n${c.notes.map((n) => `      note: ${forTerminal(n)}`).join("\n")}` : "";
  return `  ${forTerminal(c.tenant)}/${forTerminal(c.connection)} (${c.source}): ${mark}${forTerminal(why)}, ${c.counts.accounts} accounts, ${c.counts.requests} requests${gaps}${notes}`;
}

/** The human view: findings table, coverage per connection, a summary line. */
export function toTable(report: ScanReport, options: TableOptions): string {
  const rows = report.results.filter((r) => options.all || r.status !== "pass");
  const out: string[] = [];
  if (rows.length === 0) out.push("No findings.");
  else
    appendAll(
      out,
      renderGrid(rows, resultColumns, options, {
        header: (line) => paint(options.color, "1", line),
        row: (r, line) =>
          options.color ? line.replace(/^\S+/, (s) => paint(true, statusColor[r.status], s)) : line,
      }),
    );
  appendAll(out, ["", "Coverage:", ...report.coverage.map((c) => coverageLine(c, options.color))]);
  // The bar each tenant was judged by and every change to it (issue #13: no quiet weakening).
  appendAll(out, [
    "",
    "Baseline:",
    ...report.tenants.map(
      (t) =>
        `  ${forTerminal(t.id)}: profile ${t.profile ?? "standard"}${
          t.overrides?.length
            ? `; ${t.overrides.map((o) => `${forTerminal(o.policy)} ${forTerminal(o.change)} (${o.source})`).join("; ")}`
            : ", no overrides"
        }`,
    ),
  ]);
  const s = report.summary;
  const bySeverity = Object.entries(s.failingBySeverity)
    .map(([sev, n]) => `${n} ${sev}`)
    .join(", ");
  out.push(
    "",
    `${report.tenants.length} tenant(s), ${s.accounts} accounts: ${s.fail} failing${bySeverity ? ` (${bySeverity})` : ""}, ${s.unknown} unknown, ${s.excepted} excepted, ${s.pass} passing` +
      (s.incompleteConnections ? `; ${s.incompleteConnections} connection(s) not fully read` : ""),
  );
  return `${out.join("\n")}\n`;
}
