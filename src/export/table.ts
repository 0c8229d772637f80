import type { Coverage, Result } from "../model/index.js";
import type { ScanReport } from "../report.js";
import { appendAll } from "../util/arrays.js";
import { forTerminal } from "./sanitize.js";

export interface TableOptions {
  color: boolean;
  /** Terminal width; long cells are cut to fit. */
  width: number;
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

function cut(text: string, width: number): string {
  const clean = forTerminal(text);
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
}

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
  const fixed = { status: 8, severity: 8, tenant: 14, policy: 26, subject: 28, state: 10 };
  const messageWidth = Math.max(20, options.width - Object.values(fixed).reduce((a, b) => a + b + 2, 0));
  const header = ["STATUS", "SEVERITY", "TENANT", "POLICY", "SUBJECT", "MFA", "MESSAGE"];
  const widths = [...Object.values(fixed), messageWidth];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cut(c, widths[i]!))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  if (rows.length === 0) out.push("No findings.");
  else {
    out.push(paint(options.color, "1", line(header)));
    for (const r of rows) {
      const cells = [
        r.status,
        r.severity,
        r.tenant,
        r.policy,
        r.subject.name,
        r.mfa?.state ?? "-",
        r.message,
      ];
      const text = line(cells);
      out.push(options.color ? text.replace(/^\S+/, (s) => paint(true, statusColor[r.status], s)) : text);
    }
  }
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
